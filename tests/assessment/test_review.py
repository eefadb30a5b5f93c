"""The review sections the reviews app gathers (AppConfig.review_sections): they are
declared, importable, return None when there is nothing to show, and render without
script, charts as inline SVG, in plain words for a parent."""

import datetime as dt

from django.template.loader import render_to_string
from django.utils.module_loading import import_string

from sendesk.assessment.services import assessment_record, engagement_record
from sendesk.lib.registry import declared

SINCE, UNTIL = dt.date(2026, 9, 1), dt.date(2026, 11, 18)


def _sections():
    paths = [p for group in declared("review_sections") for p in group]
    return {p.rsplit(".", 1)[1]: import_string(p) for p in paths if ".assessment." in p}


def test_sections_are_declared_and_empty_without_records(world):
    sections = _sections()
    assert set(sections) == {"assessments_section", "engagement_section"}
    for section in sections.values():
        assert section(world.ben, SINCE, UNTIL) is None


def test_assessments_section_renders_gain_and_dosage(world, reading):
    for kind, score, day in (("entry", 78, "2026-09-07"), ("exit", 88, "2026-11-13")):
        assessment_record(
            actor=world.senco, pupil_id=world.ben.pk, measure_id=reading.measure.pk,
            provision_id=reading.ben.pk, kind=kind, score=score, date=day,
        )  # fmt: skip
    section = _sections()["assessments_section"](world.ben, SINCE, UNTIL)
    assert section["key"] == "assessments" and section["template"].startswith("assessment/")
    html = render_to_string(section["template"], section["context"])
    assert "Reading boost" in html and "+10" in html and "met the exit criterion" in html
    assert "30 minutes, 3.0 times a week, for 9 weeks" in html
    assert "<script" not in html and "<svg" in html
    parent = _sections()["assessments_section"](world.ben, SINCE, UNTIL, for_parent=True)
    words = render_to_string(parent["template"], parent["context"])
    assert "reached the goal" in words and "Dosage" not in words
    # Outside the window: nothing.
    assert _sections()["assessments_section"](world.ben, dt.date(2025, 1, 1),
                                              dt.date(2025, 6, 1)) is None  # fmt: skip


def test_engagement_section_charts_each_area_seen(world):
    for n, level in enumerate((2, 3, 4)):
        engagement_record(
            actor=world.alice, pupil_id=world.ben.pk,
            observed_at=dt.datetime(2026, 11, 16 + n, 10, 0, tzinfo=dt.UTC),
            activity=f"Bubbles {n}", areas=[{"area": "anticipation", "level": level, "note": "x"}],
        )  # fmt: skip
    section = _sections()["engagement_section"](world.ben, SINCE, UNTIL)
    html = render_to_string(section["template"], section["context"])
    assert html.count("<svg") == 1 and "Anticipation" in html
    assert "Emerging" in html and "Established" in html  # first and latest
    parent = _sections()["engagement_section"](world.ben, SINCE, UNTIL, for_parent=True)
    assert "Staff watched Ben Brown during activities 3 times" in render_to_string(
        parent["template"], parent["context"]
    )
