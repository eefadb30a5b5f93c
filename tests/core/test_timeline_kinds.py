"""TimelineEntry.kind holds only the kinds the apps declare (AppConfig.timeline_kinds), as
they declare their timeline links: timeline_add refuses any other, and the demo, which
writes its history in bulk, writes none other."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from sendesk.provision.models import TimelineKind as ProvisionLine
from sendesk.pupils.models import TimelineEntry, timeline_kinds
from sendesk.pupils.timeline import timeline_add

# Every kind written when this was introduced (issue 7): a kind dropped or renamed would
# leave old lines with no meaning.
WRITTEN = {
    "pupil", "needs", "sen_status", "left", "rejoined",  # pupils (leavers: issue 12)
    "plan", "target",  # plans (behaviour plans too)
    "provision", "session", "session_missed", "session_amended",  # provision (therapy too)
    "care_plan", "care", "care_amended",  # care
    "medication",  # medication
    "observation", "incident", "positive", "restrictive_intervention", "parent_notified",
    "corrected",  # behaviour
    "referral", "programme_review", "agency_advice",  # therapy
    "review",  # reviews (issue 10)
    "consent",  # consent (issue 10)
    "evidence", "evidence_amended",  # evidence (issue 10)
    "assessment", "assessment_corrected", "engagement",  # assessment (issue 10)
}  # fmt: skip


def test_the_apps_declare_every_kind_written():
    assert set(timeline_kinds()) == WRITTEN
    field = TimelineEntry._meta.get_field("kind")
    assert dict(field.choices)["session_missed"] == "Missed session"
    assert ProvisionLine.SESSION_MISSED in dict(field.choices)


def test_an_undeclared_kind_is_refused_and_nothing_written(world):
    with pytest.raises(ValueError, match="'sesion' is not a timeline kind"):
        timeline_add(pupil=world.ben, kind="sesion", title="A typo in a service")
    assert not TimelineEntry.objects.filter(kind="sesion").exists()

    # A form or admin validating the field refuses it the same way.
    field = TimelineEntry._meta.get_field("kind")
    with pytest.raises(ValidationError):
        field.validate("sesion", None)

    entry = timeline_add(pupil=world.ben, kind=ProvisionLine.SESSION, title="Talk Boost")
    field.validate(entry.kind, entry)
    assert TimelineEntry.objects.get(pk=entry.pk).kind == "session"


def test_the_demo_writes_only_declared_kinds(db, now, settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=io.StringIO())
    written = set(TimelineEntry.objects.values_list("kind", flat=True).distinct())
    assert written and written <= set(timeline_kinds())
