"""The assessment pages as the world's people: what they show, what they save, what a
refused form gives back, and who gets 404."""

import html

from sendesk.assessment.models import (
    Assessment,
    AssessmentAmendment,
    EngagementObservation,
    EngagementScale,
)
from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.provision.models import Measure, Provision

from .conftest import assessment_body


def text(response) -> str:
    return html.unescape(response.content.decode())


def _score(world, reading, pupil, prov, kind, score, day, actor=None):
    from sendesk.assessment.services import assessment_record

    row, _ = assessment_record(
        actor=actor or world.senco, pupil_id=pupil.pk, measure_id=reading.measure.pk,
        provision_id=prov.pk, kind=kind, score=score, date=day,
    )  # fmt: skip
    return row


def test_pupil_page_shows_scores_with_chart_and_table(world, as_user, reading, now):
    _score(world, reading, world.ben, reading.ben, "entry", 78, "2026-09-07")
    _score(world, reading, world.ben, reading.ben, "exit", 88, "2026-11-13")
    before = AccessEvent.objects.filter(pupil=world.ben).count()
    r = as_user(world.alice).get(f"/pupils/{world.ben.pk}/assessment/")
    assert r.status_code == 200
    body = text(r)
    assert "Reading (standardised)" in body and "Reading boost" in body
    assert '<svg role="img"' in body and '<th scope="col">Date</th>' in body
    assert "change since the first: +10" in body
    assert AccessEvent.objects.filter(pupil=world.ben).count() == before + 1
    pupil_page = text(as_user(world.alice).get(f"/pupils/{world.ben.pk}/"))
    assert f"/pupils/{world.ben.pk}/assessment/" in pupil_page
    assert f"/pupils/{world.ben.pk}/engagement/" in pupil_page


def test_record_form_keeps_what_was_typed_when_refused(world, as_user, reading):
    client = as_user(world.alice)
    url = f"/pupils/{world.ben.pk}/assessment/record/"
    form = {"measure": reading.spelling.pk, "kind": "routine", "score": "25",
            "date": "2026-11-16", "test_name": "Week 10"}  # fmt: skip
    r = client.post(url, form)
    assert r.status_code == 422
    body = text(r)
    assert "error-summary" in body and "from 0 to 20" in body
    assert 'value="25"' in body and 'value="Week 10"' in body
    assert Assessment.objects.count() == 0
    ok = client.post(url, {**form, "score": "17"})
    assert ok.status_code == 302
    row = Assessment.objects.get()
    assert (float(row.score), row.test_name, row.kind) == (17.0, "Week 10", "routine")


def test_record_form_is_404_out_of_scope(world, as_user, reading):
    r = as_user(world.alice).post(
        f"/pupils/{world.cara.pk}/assessment/record/",
        {"measure": reading.spelling.pk, "kind": "routine", "score": "5", "date": "2026-11-16"},
    )
    assert r.status_code == 404
    assert Assessment.objects.count() == 0


def test_correcting_a_score_keeps_the_old_value(world, as_user, reading):
    row = _score(world, reading, world.ben, reading.ben, "entry", 78, "2026-09-07", world.alice)
    client = as_user(world.alice)
    url = f"/assessments/{row.pk}/correct/"
    refused = client.post(url, {"score": "79", "date": "2026-09-07", "note": "", "reason": ""})
    assert refused.status_code == 422 and "Say why" in text(refused)
    why = "Typo: 78 not 87"
    r = client.post(url, {"score": "87", "date": "2026-09-07", "note": "", "reason": why})
    assert r.status_code == 302
    row.refresh_from_db()
    assert float(row.score) == 87
    amendment = AssessmentAmendment.objects.get(assessment=row)
    assert amendment.changes == {"score": ["78.0", "87.0"]}
    assert AuditEvent.objects.filter(object_id=str(row.pk), action="amend").exists()
    detail = text(client.get(f"/assessments/{row.pk}/"))
    assert "Typo: 78 not 87" in detail
    # Someone else (not the recorder, no say over measures) may not correct it.
    assert as_user(world.tess).get(f"/assessments/{row.pk}/correct/").status_code == 404


def test_engagement_form_saves_and_chart_shows(world, as_user, now):
    client = as_user(world.alice)
    url = f"/pupils/{world.ben.pk}/engagement/record/"
    form = {
        "day": "2026-11-18", "time": "09:30", "activity": "Bubbles", "level_exploration": "4",
        "note_exploration": "Reached for the bubbles",
        "note_persistence": "Kept trying to pop them",
        "outcomes": [world.outcome.pk],
    }  # fmt: skip
    refused = client.post(url, form)
    assert refused.status_code == 422
    body = text(refused)
    assert "error-summary" in body and "Choose a level from 1" in body
    assert "Kept trying to pop them" in body
    assert EngagementObservation.objects.count() == 0
    ok = client.post(url, {**form, "level_persistence": "2"})
    assert ok.status_code == 302
    obs = EngagementObservation.objects.get()
    assert sorted(obs.entries.values_list("area", "level")) == [("exploration", 4),
                                                                 ("persistence", 2)]  # fmt: skip
    page = text(client.get(f"/pupils/{world.ben.pk}/engagement/"))
    assert "Exploration over time" in page and "Bubbles" in page
    assert "Not observed yet." in page  # realisation, anticipation, initiation


def test_school_scale_used_for_new_observations(world, as_user):
    senco = as_user(world.senco)
    r = senco.post("/engagement/scale/", {"levels": "Not yet\nSometimes\nOften\nAlways"})
    assert r.status_code == 302
    assert EngagementScale.objects.get(school=world.school).levels == [
        "Not yet",
        "Sometimes",
        "Often",
        "Always",
    ]
    too_few = senco.post("/engagement/scale/", {"levels": "Yes\nNo"})
    assert too_few.status_code == 422 and "3 to 7" in text(too_few)
    assert as_user(world.alice).get("/engagement/scale/").status_code == 404


def test_impact_page_names_who_falls_outside_and_sets_the_measure(world, as_user, reading):
    _score(world, reading, world.dan, reading.dan, "entry", 80, "2026-09-07")
    senco = as_user(world.senco)
    body = text(senco.get(f"/interventions/{reading.ben.pk}/impact/"))
    assert "Dan Dale" in body and "Received 1.1 sessions a week: fewer than 3–5" in body
    assert "20–50 minutes a session" in body
    talk = world.talk
    r = senco.post(f"/interventions/{talk.pk}/impact/", {"measure": reading.spelling.pk})
    assert r.status_code == 302
    assert Provision.objects.get(pk=talk.pk).measure == reading.spelling
    assert AuditEvent.objects.filter(object_id=str(talk.pk), action="update").exists()
    locked = senco.post(f"/interventions/{reading.dan.pk}/impact/", {"measure": ""})
    assert locked.status_code == 422 and "can't change" in text(locked)
    alice = as_user(world.alice)
    assert alice.get(f"/interventions/{reading.ben.pk}/impact/").status_code == 200
    assert alice.post(f"/interventions/{talk.pk}/impact/", {"measure": ""}).status_code == 404
    assert alice.get(f"/interventions/{reading.dan.pk}/impact/").status_code == 404


def test_school_impact_for_the_senco_only(world, as_user, reading):
    body = text(as_user(world.senco).get("/interventions/"))
    assert "Reading boost" in body and "Dan Dale" in body
    assert as_user(world.alice).get("/interventions/").status_code == 404
    assert as_user(world.tess).get("/interventions/").status_code == 404


def test_measures_set_up_by_the_senco(world, as_user):
    senco = as_user(world.senco)
    form = {"name": "Times tables", "kind": "count", "higher_is_better": "on",
            "min_score": "0", "max_score": "25", "exit_score": "30", "active": "on"}  # fmt: skip
    refused = senco.post("/measures/new/", form)
    assert refused.status_code == 422 and "between 0 and 25" in text(refused)
    assert senco.post("/measures/new/", {**form, "exit_score": ""}).status_code == 302
    m = Measure.objects.get(name="Times tables")
    assert (m.school, m.kind, float(m.max_score)) == (world.school, "count", 25.0)
    assert as_user(world.alice).get("/measures/").status_code == 404
    assert as_user(world.olga).get(f"/measures/{m.pk}/edit/").status_code == 404


def test_routine_tests_for_a_class(world, as_user, reading):
    tess = as_user(world.tess)
    group = world.g3a
    url = f"/routine-tests/?group={group.pk}&measure={reading.spelling.pk}"
    form = {"measure": reading.spelling.pk, "date": "2026-11-16", "test_name": "Week 10",
            f"score_{world.ben.pk}": "14", f"score_{world.dan.pk}": "21"}  # fmt: skip
    refused = tess.post(url, form)
    assert refused.status_code == 422
    body = text(refused)
    assert "Dan Dale: A score on Spelling test is from 0 to 20" in body
    assert 'value="14"' in body
    assert Assessment.objects.count() == 0
    ok = tess.post(url, {**form, f"score_{world.dan.pk}": "11"})
    assert ok.status_code == 302
    assert sorted(Assessment.objects.values_list("score", flat=True)) == [11, 14]
    page = text(tess.get(url))
    assert "Group average" in page and "12.5" in page
    # Alice sees only Ben of 3A: only his box.
    alice_page = text(as_user(world.alice).get(url))
    assert "Ben Brown" in alice_page and "Dan Dale" not in alice_page


def test_api_and_page_agree_on_dan_below_guidance(world, api, as_user, reading):
    r = api.post(world.senco, "/assessments", assessment_body(
        world.dan, reading.measure, kind="entry", provision_id=str(reading.dan.pk), score=70,
        date="2026-09-08"))  # fmt: skip
    assert r.status_code == 201
    data = api.get(world.senco, f"/provision/{reading.dan.pk}/impact").json()
    dan = next(p for p in data["pupils"] if p["name"] == "Dan Dale")
    assert dan["dosage"]["within_guidance"] is False


def test_impact_page_finds_the_group_from_any_member_with_flat_queries(world, as_user, reading):
    """The group is every provision recorded in the sessions led by this provision or in
    which it has a record (bench10: two indexed subqueries instead of one OR across a
    join, which scanned every session); another group's sessions change neither who is
    listed nor what the page costs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sendesk.provision.models import Session, SessionPupil

    from .conftest import _reading_provision

    senco = as_user(world.senco)
    # From Dan's provision, whose sessions are all led by Ben's: both are found.
    path = f"/interventions/{reading.dan.pk}/impact/"
    senco.get(path)
    with CaptureQueriesContext(connection) as before:
        body = text(senco.get(path))
    assert "Dan Dale" in body and "Ben Brown" in body and "Cara Clark" not in body
    # Another group (Cara's own, in sessions she leads) stays out, however many sessions.
    cara = _reading_provision(world.cara, reading.measure)
    for day in ("2026-11-02", "2026-11-04", "2026-11-06"):
        session = Session.objects.create(
            school=world.school, provision=cara, date=day, minutes=30, delivered=True,
            delivered_by=world.tess, recorded_by=world.tess, recorded_at="2026-11-06T12:00Z",
        )  # fmt: skip
        SessionPupil.objects.create(session=session, pupil=world.cara, provision=cara,
                                    attendance="present", date=day, minutes=30)  # fmt: skip
    with CaptureQueriesContext(connection) as after:
        body = text(senco.get(path))
    assert "Dan Dale" in body and "Ben Brown" in body and "Cara Clark" not in body
    assert len(after.captured_queries) == len(before.captured_queries)
    # Seen from Cara's provision, the group is hers alone.
    body = text(senco.get(f"/interventions/{cara.pk}/impact/"))
    assert "Cara Clark" in body and "Dan Dale" not in body


def test_routine_tests_offer_the_classes_of_pupils_one_sees_with_flat_queries(world, as_user):
    """The class list is the classes with a pupil the person may see (bench10: an EXISTS
    per class rather than a DISTINCT join to every visible pupil), at the same cost
    however many pupils the classes hold."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sendesk.pupils.models import Pupil
    from sendesk.schools.models import TeachingGroup

    def classes(body):
        return re.findall(r'<option value="\d+"(?: selected)?>([^<]+)</option>', body)

    empty = TeachingGroup.objects.create(school=world.school, name="5C",
                                         year_group=world.g4b.year_group)  # fmt: skip
    assert empty.pupils.count() == 0
    senco = as_user(world.senco)
    senco.get("/routine-tests/")
    with CaptureQueriesContext(connection) as before:
        body = text(senco.get("/routine-tests/"))
    assert classes(body) == ["3A", "4B"]  # not the empty class, nor the other school's
    for n, pupil in enumerate(Pupil.objects.filter(school=world.school)):
        pupil.teaching_groups.add(world.g4b if n % 2 else world.g3a)
    with CaptureQueriesContext(connection) as after:
        body = text(senco.get("/routine-tests/"))
    assert classes(body) == ["3A", "4B"]
    assert len(after.captured_queries) == len(before.captured_queries)
    # Alice works with Ben of 3A only.
    assert classes(text(as_user(world.alice).get("/routine-tests/"))) == ["3A"]
