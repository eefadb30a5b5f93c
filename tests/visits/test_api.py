"""POST /api/v1/trips: 201 with the id and the checks, the trip and its audit rows stored;
bad input 400/422 naming the field; a pupil the planner may not see is a 404, exactly as
one that does not exist; who may plan and who may read."""

import json
import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.audit.models import AuditEvent
from sendesk.visits.models import Trip

from .conftest import TRIP_DAY, body


def test_planning_a_trip_answers_201_with_its_checks_and_stores_it(trained, api):
    w = trained
    r = api.post(w.senco, "/trips", body(w))
    assert r.status_code == 201
    out = r.json()
    assert set(out) == {"id", "checks"}
    assert all(set(c) == {"rule", "ok", "detail"} for c in out["checks"])
    trip = Trip.objects.get(pk=out["id"])
    assert (trip.date, trip.destination, trip.created_by) == (TRIP_DAY, "Science Museum", w.senco)
    assert list(trip.pupils.all()) == [w.ben]
    assert set(trip.staff.all()) == {w.alice, w.bob}


def test_planning_writes_the_trip_audit_row_and_one_in_each_pupils_trail(trained, api):
    w = trained
    out = api.post(w.senco, "/trips", body(w, pupil_ids=[str(w.ben.pk), str(w.dan.pk)])).json()
    rows = AuditEvent.objects.filter(object_type="visits.trip", object_id=str(out["id"]))
    assert {(r.actor_id, r.action) for r in rows} == {(w.senco.pk, "create")}
    assert {r.pupil_id for r in rows} == {None, w.ben.pk, w.dan.pk}
    [whole] = [r for r in rows if r.pupil_id is None]
    assert whole.after["staff_ids"] == [w.alice.pk, w.bob.pk]


def test_the_trip_can_be_read_back_with_its_checks_and_medicines(trained, api):
    w = trained
    trip_id = api.post(w.senco, "/trips", body(w)).json()["id"]
    r = api.get(w.alice, f"/trips/{trip_id}")
    assert r.status_code == 200
    out = r.json()
    assert out["pupil_ids"] == [str(w.ben.pk)]
    assert {c["rule"] for c in out["checks"]} >= {"medicines", "first_aider"}
    meds = {m["medicine"]: m for m in out["medicines"]}
    assert meds["Salbutamol 100 micrograms per puff"]["kept"] == "Class 3A medical box"
    assert meds["Methylphenidate 10 mg"]["why"] == "due at 12:00"
    listed = api.get(w.alice, "/trips").json()
    assert [t["id"] for t in listed["items"]] == [trip_id] and listed["count"] == 1


def test_bad_input_names_each_field(trained, api):
    w = trained
    r = api.post(w.senco, "/trips", body(w, start="15:00", end="14:00", destination="  "))
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"end", "destination"}
    r = api.post(w.senco, "/trips", body(w, date="2026-11-17"))
    assert r.status_code == 422 and "passed" in r.json()["errors"]["date"]
    r = api.post(w.senco, "/trips", body(w, pupil_ids=[], staff_ids=[]))
    assert r.status_code == 422 and set(r.json()["errors"]) == {"pupil_ids", "staff_ids"}
    r = api.post(w.senco, "/trips", body(w, staff_ids=[w.olga.pk]))
    assert r.status_code == 422 and "Not on the staff" in r.json()["errors"]["staff_ids"]
    r = api.post(w.senco, "/trips", body(w, date="24/11/2026"))
    assert r.status_code == 422 and "date" in r.json()["errors"]
    assert api.post(w.senco, "/trips", "{not json").status_code == 400
    assert api.post(w.senco, "/trips", json.dumps(body(w, destination="\x00"))).status_code == 422
    assert not Trip.objects.exists()


def test_a_pupil_out_of_scope_is_refused_as_not_found(trained, api):
    w = trained
    # Tom teaches 4B (Cara), not Ben; Olly is at another school; the third id is nobody's.
    for person, pupil in ((w.tom, w.ben), (w.senco, w.olly), (w.senco, uuid.uuid4())):
        r = api.post(
            person,
            "/trips",
            body(w, pupil_ids=[str(pupil if isinstance(pupil, uuid.UUID) else pupil.pk)]),
        )
        assert r.status_code == 404, (person, r.content)
        assert r.json() == {"detail": "Not Found"}
    assert not Trip.objects.exists()


def test_a_teacher_plans_a_trip_for_their_own_class(trained, api):
    w = trained
    r = api.post(
        w.tom, "/trips", body(w, pupil_ids=[str(w.cara.pk)], staff_ids=[w.tom.pk, w.bob.pk])
    )
    assert r.status_code == 201


def test_teaching_assistants_parents_and_therapists_may_not_plan(trained, api):
    w = trained
    for person in (w.alice, w.hana, w.theo, w.pat, w.dsl):
        assert api.post(person, "/trips", body(w)).status_code == 404
    assert not Trip.objects.exists()


def test_who_may_read_a_trip(trained, api):
    w = trained
    trip_id = api.post(w.senco, "/trips", body(w)).json()["id"]
    for person in (w.senco, w.head, w.alice, w.bob):
        assert api.get(person, f"/trips/{trip_id}").status_code == 200, person
    for person in (w.hana, w.tess, w.theo, w.pat, w.olga, w.dsl):
        assert api.get(person, f"/trips/{trip_id}").status_code == 404, person
        assert api.get(person, "/trips").json()["count"] == 0
    assert api.get(w.senco, "/trips/999999").status_code == 404


def test_reading_a_trip_costs_the_same_queries_however_many_pupils_go(trained, api):
    w = trained
    small = api.post(w.senco, "/trips", body(w)).json()["id"]
    pupils = [str(w.ben.pk), str(w.cara.pk), str(w.dan.pk)]
    large = api.post(w.senco, "/trips", body(w, date="2026-11-25", pupil_ids=pupils)).json()["id"]
    api.get(w.senco, f"/trips/{small}")  # the token's first use
    counts = []
    for trip_id in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(w.senco, f"/trips/{trip_id}").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
