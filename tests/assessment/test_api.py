"""The assessment API as the world's people: measures, scores, an intervention's impact
and dosage, Engagement Model observations. Out of scope is 404 and writes nothing."""

import uuid

from sendesk.assessment.models import Assessment, EngagementObservation
from sendesk.audit.models import AuditEvent
from sendesk.pupils.models import TimelineEntry

from .conftest import assessment_body


def _written():
    return (Assessment.objects.count(), AuditEvent.objects.count(), TimelineEntry.objects.count())


def test_measures_lists_the_schools_own(world, api, reading):
    r = api.get(world.alice, "/measures")
    assert r.status_code == 200
    items = {i["name"]: i for i in r.json()["items"]}
    assert set(items) == {"Reading (standardised)", "Spelling test"}
    assert items["Reading (standardised)"]["kind"] == "standardised"
    assert items["Reading (standardised)"]["higher_is_better"] is True
    assert items["Reading (standardised)"]["id"] == reading.measure.pk
    other = api.get(world.olga, "/measures").json()["items"]
    assert [i["name"] for i in other] == ["Other school's reading"]


def test_pupil_provision_carries_measure_id(world, api, reading):
    items = api.get(world.alice, f"/pupils/{world.ben.pk}/provision").json()["items"]
    by_title = {i["title"]: i for i in items}
    assert by_title["Reading boost"]["measure_id"] == reading.measure.pk
    assert by_title["Talk Boost"]["measure_id"] is None


def test_entry_score_recorded_once_per_client_id(world, api, reading):
    body = assessment_body(
        world.ben, reading.measure, kind="entry", provision_id=str(reading.ben.pk), score=78,
        date="2026-09-07",
    )  # fmt: skip
    r = api.post(world.alice, "/assessments", body)
    assert r.status_code == 201, r.content
    row = Assessment.objects.get(pk=r.json()["id"])
    assert (row.pupil, row.kind, float(row.score), row.recorded_by) == (
        world.ben,
        "entry",
        78.0,
        world.alice,
    )
    assert AuditEvent.objects.filter(object_id=str(row.pk), action="create").exists()
    assert TimelineEntry.objects.filter(pupil=world.ben, kind="assessment").exists()
    again = api.post(world.alice, "/assessments", body)
    assert again.status_code == 200 and again.json()["id"] == str(row.pk)
    second = api.post(world.alice, "/assessments", {**body, "client_id": str(uuid.uuid4())})
    assert second.status_code == 422
    assert "already has an entry score" in second.json()["errors"]["kind"]
    assert Assessment.objects.count() == 1


def test_out_of_scope_pupil_is_404_and_writes_nothing(world, api, reading):
    before = _written()
    r = api.post(world.alice, "/assessments", assessment_body(world.cara, reading.spelling))
    assert r.status_code == 404
    assert _written() == before


def test_bad_scores_are_refused_with_a_message(world, api, reading):
    cases = [
        ({"score": 25}, "score", "from 0 to 20"),
        ({"score": 7.25}, "score", "one decimal place"),
        ({"date": "2026-11-19"}, "date", "future"),
        ({"kind": "entry"}, "provision_id", "belongs to an intervention"),
        ({"kind": "entry", "provision_id": str(reading.ben.pk)}, "measure_id", "Reading"),
        ({"provision_id": str(reading.dan.pk)}, "provision_id", "this pupil's provisions"),
    ]
    for changes, field, words in cases:
        r = api.post(world.alice, "/assessments", assessment_body(world.ben, reading.spelling,
                                                                  **changes))  # fmt: skip
        assert r.status_code == 422, (changes, r.content)
        assert words in r.json()["errors"][field], (changes, r.json())
    other = api.post(world.alice, "/assessments",
                     assessment_body(world.ben, reading.spelling, measure_id=999999))  # fmt: skip
    assert other.status_code == 422
    assert Assessment.objects.count() == 0


def test_exit_before_entry_is_refused(world, api, reading):
    base = {"provision_id": str(reading.ben.pk), "measure_id": reading.measure.pk}
    entry = assessment_body(world.ben, reading.measure, kind="entry", score=80,
                            date="2026-10-01", **base)  # fmt: skip
    assert api.post(world.alice, "/assessments", entry).status_code == 201
    exit_ = assessment_body(world.ben, reading.measure, kind="exit", score=90,
                            date="2026-09-20", **base)  # fmt: skip
    r = api.post(world.alice, "/assessments", exit_)
    assert r.status_code == 422
    assert "before the entry" in r.json()["errors"]["date"]


def _scores(api, person, reading, world):
    for pupil, prov, entry, exit_ in ((world.ben, reading.ben, 78, 88),
                                      (world.dan, reading.dan, 80, 82)):  # fmt: skip
        for kind, score, day in (("entry", entry, "2026-09-07"), ("exit", exit_, "2026-11-13")):
            body = assessment_body(pupil, reading.measure, kind=kind, score=score, date=day,
                                   provision_id=str(prov.pk))  # fmt: skip
            assert api.post(person, "/assessments", body).status_code == 201


def test_impact_per_pupil_with_dosage(world, api, reading):
    _scores(api, world.senco, reading, world)
    r = api.get(world.senco, f"/provision/{reading.ben.pk}/impact")
    assert r.status_code == 200, r.content
    data = r.json()
    pupils = {p["name"]: p for p in data["pupils"]}
    assert set(pupils) == {"Ben Brown", "Dan Dale"}
    ben, dan = pupils["Ben Brown"], pupils["Dan Dale"]
    assert (ben["entry"], ben["exit"], ben["gain"], ben["met_exit_criterion"]) == (78, 88, 10, True)
    assert (dan["gain"], dan["met_exit_criterion"]) == (2, False)
    assert data["average_gain"] == 6
    assert data["met_exit_criterion"] == 1
    assert ben["dosage"] == {"minutes_per_session": 30, "sessions_per_week": 3.0, "weeks": 9,
                             "within_guidance": True}  # fmt: skip
    assert dan["dosage"]["sessions_per_week"] == 1.1
    assert dan["dosage"]["within_guidance"] is False
    assert any("1.1 sessions a week: fewer than 3–5" in why for why in dan["outside_guidance"])
    assert data["planned_dosage"]["within_guidance"] is True
    # The same report from Dan's own provision: one intervention.
    again = api.get(world.senco, f"/provision/{reading.dan.pk}/impact").json()
    assert {p["name"] for p in again["pupils"]} == {"Ben Brown", "Dan Dale"}


def test_impact_shows_only_pupils_in_scope(world, api, reading):
    _scores(api, world.senco, reading, world)
    data = api.get(world.alice, f"/provision/{reading.ben.pk}/impact").json()
    assert [p["name"] for p in data["pupils"]] == ["Ben Brown"]
    assert data["average_gain"] == 10
    assert api.get(world.alice, f"/provision/{reading.dan.pk}/impact").status_code == 404
    assert api.get(world.bob, f"/provision/{reading.ben.pk}/impact").status_code == 404
    assert api.get(world.olga, f"/provision/{reading.ben.pk}/impact").status_code == 404


def _engagement(world, **changes):
    body = {
        "client_id": str(uuid.uuid4()),
        "pupil_id": str(world.ben.pk),
        "observed_at": "2026-11-18T09:30:00+00:00",
        "activity": "Sensory tray with rice",
        "areas": [
            {"area": "exploration", "level": 3, "note": "Ran fingers through the rice"},
            {"area": "initiation", "level": 2, "note": "Reached for the scoop"},
        ],
        "outcome_ids": [world.outcome.pk],
    }
    body.update(changes)
    return body


def test_engagement_observation_recorded_and_listed(world, api):
    body = _engagement(world)
    r = api.post(world.alice, "/engagement-observations", body)
    assert r.status_code == 201, r.content
    obs = EngagementObservation.objects.get(pk=r.json()["id"])
    assert sorted(obs.entries.values_list("area", "level")) == [("exploration", 3),
                                                                 ("initiation", 2)]  # fmt: skip
    assert list(obs.outcomes.all()) == [world.outcome]
    assert api.post(world.alice, "/engagement-observations", body).status_code == 200
    listed = api.get(world.alice, f"/pupils/{world.ben.pk}/engagement").json()
    assert len(listed["items"]) == 1
    assert listed["items"][0]["areas"][0]["level_name"] == "Developing"
    assert listed["areas"][0] == "exploration"
    assert api.get(world.bob, f"/pupils/{world.ben.pk}/engagement").status_code == 404


def test_engagement_bad_input(world, api):
    twice = [{"area": "exploration", "level": 2}, {"area": "exploration", "level": 3}]
    cases = [
        ({"areas": [{"area": "exploration", "level": 9}]}, "areas.0.level"),
        ({"areas": twice}, "areas.1.area"),
        ({"areas": []}, "areas"),
        ({"activity": "  "}, "activity"),
        ({"observed_at": "2026-11-19T09:00:00+00:00"}, "observed_at"),
        ({"outcome_ids": [999999]}, "outcome_ids"),
    ]
    for changes, field in cases:
        r = api.post(world.alice, "/engagement-observations", _engagement(world, **changes))
        assert r.status_code == 422, (changes, r.content)
        assert field in r.json()["errors"], (changes, r.json())
    out = api.post(world.alice, "/engagement-observations",
                   _engagement(world, pupil_id=str(world.cara.pk), outcome_ids=[]))  # fmt: skip
    assert out.status_code == 404
    assert EngagementObservation.objects.count() == 0


def test_impact_queries_do_not_grow_with_the_group(world, api, reading):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sendesk.provision.models import Session, SessionPupil

    from .conftest import _reading_provision

    path = f"/provision/{reading.ben.pk}/impact"
    api.get(world.senco, path)  # the token, once
    with CaptureQueriesContext(connection) as two:
        assert api.get(world.senco, path).status_code == 200
    cara = _reading_provision(world.cara, reading.measure)
    for session in Session.objects.filter(provision=reading.ben):
        SessionPupil.objects.create(
            session=session, pupil=world.cara, provision=cara, attendance="present",
            date=session.date, minutes=30,
        )  # fmt: skip
    with CaptureQueriesContext(connection) as three:
        data = api.get(world.senco, path).json()
    assert len(data["pupils"]) == 3
    assert len(three.captured_queries) == len(two.captured_queries)
