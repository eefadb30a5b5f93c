"""POST /api/v1/behaviour/incidents and GET /api/v1/pupils/{id}/behaviour."""

import datetime as dt
import uuid

import pytest

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.behaviour.models import Incident, Observation, StrategyUse
from sendesk.pupils.models import TimelineEntry

from .conftest import at


def body(world, **changes):
    data = {
        "client_id": str(uuid.uuid4()),
        "pupil_id": str(world.ben.pk),
        "kind": "concern",
        "severity": 1,
        "occurred_at": "2026-11-17T13:20:00",
        "location": "Hall",
        "lesson": "PE",
        "staff_present": [world.alice.pk],
        "antecedent": "Whistle blown",
        "behaviour": "Dropped to the floor, hands over ears",
        "strategies": [
            {"strategy_id": world.calm_corner.pk, "effectiveness": 2},
            {"strategy_id": world.first_then.pk, "effectiveness": 1},
        ],
    }
    data.update(changes)
    return data


def rows():
    return (
        Incident.objects.count(),
        StrategyUse.objects.count(),
        TimelineEntry.objects.count(),
        AuditEvent.objects.count(),
    )


def test_record_then_same_client_id_again(world, api):
    data = body(world)
    first = api.post(world.alice, "/behaviour/incidents", data)
    assert first.status_code == 201, first.content
    out = first.json()
    incident = Incident.objects.get()
    assert out["id"] == str(incident.pk) and out["client_id"] == data["client_id"]
    assert out["staff_present"] == [world.alice.pk]
    assert out["strategies"] == [
        {"strategy_id": world.calm_corner.pk, "effectiveness": 2},
        {"strategy_id": world.first_then.pk, "effectiveness": 1},
    ]
    assert out["recorded_by"] == "Alice Assistant"
    # A time sent without a zone is school time.
    assert incident.occurred_at == at(-1, 13, 20)
    before = rows()
    again = api.post(world.alice, "/behaviour/incidents", data)
    changed = api.post(world.alice, "/behaviour/incidents", {**data, "behaviour": "Different"})
    assert again.status_code == changed.status_code == 200
    assert again.json() == out == changed.json()
    assert rows() == before


def test_a_client_id_used_for_a_pupil_out_of_scope_is_a_conflict(world, api):
    data = body(world)
    assert api.post(world.alice, "/behaviour/incidents", data).status_code == 201
    clash = api.post(world.hana, "/behaviour/incidents", {**data, "pupil_id": str(world.cara.pk)})
    assert clash.status_code == 409
    assert "client_id" in clash.json()["errors"]
    assert "Ben" not in clash.content.decode()


@pytest.mark.parametrize(
    ("person", "pupil", "status"),
    [("alice", "ben", 201), ("alice", "cara", 404), ("tess", "ben", 201), ("bob", "ben", 404),
     ("olga", "ben", 404), ("nobody", "ben", 404), ("hana", "cara", 201)],
)  # fmt: skip
def test_who_may_record(world, api, person, pupil, status):
    data = body(world, pupil_id=str(getattr(world, pupil).pk), strategies=[])
    response = api.post(getattr(world, person), "/behaviour/incidents", data)
    assert response.status_code == status
    assert Incident.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"behaviour": ""}, "behaviour", "Say what the pupil did"),
        ({"kind": "bad"}, "kind", "behaviour concern or a positive recognition"),
        ({"severity": 7}, "severity", "low (1), medium (2) or high (3)"),
        ({"kind": "positive", "severity": 2}, "severity", "no severity"),
        ({"occurred_at": "2026-11-19T09:00:00"}, "occurred_at", "hasn't happened yet"),
        ({"location": "x" * 101}, "location", "100 characters or fewer"),
        ({"staff_present": [999999]}, "staff_present", "this school's staff"),
        ({"strategies": [{"strategy_id": 999999, "effectiveness": 3}]},
         "strategies.0.strategy_id", "agreed in the pupil's behaviour plan"),
        ({"strategies": [{"strategy_id": 0, "effectiveness": 9}]},
         "strategies.0.strategy_id", "not one of the strategies"),
        ({"occurred_at": "yesterday"}, "occurred_at", "must be"),
        ({"staff_present": "Alice"}, "staff_present", "must be a list"),
        ({"staff_present": [10**20]}, "staff_present", "this school's staff"),
        ({"behaviour": "Hid\x00"}, "behaviour", "can't be stored"),
    ],
)  # fmt: skip
def test_bad_input_is_422_with_field_errors_and_nothing_written(world, api, changes, field, words):
    before = rows()
    response = api.post(world.alice, "/behaviour/incidents", body(world, **changes))
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in errors, errors
    assert words in errors[field]
    assert rows() == before


def test_staff_from_another_school_and_a_cara_strategy_are_refused(world, api):
    response = api.post(
        world.alice, "/behaviour/incidents", body(world, staff_present=[world.olga.pk])
    )
    assert response.status_code == 422
    assert not Incident.objects.exists()


def test_not_json_and_not_an_object(world, api):
    assert api.post(world.alice, "/behaviour/incidents", "{nope").status_code == 400
    assert api.post(world.alice, "/behaviour/incidents", "[]").status_code == 422


def _observation(world, hour, events):
    start = at(-1, hour, 0)
    return Observation.objects.create(
        school=world.school,
        pupil=world.ben,
        method="frequency",
        behaviour="calls out",
        lesson="Maths",
        observer=world.alice,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=30),
        event_count=events,
        rate_per_hour=events * 2,
        recorded_at=start + dt.timedelta(minutes=31),
    )


def test_a_pupils_behaviour_record(world, api, incident, intervention):
    incident(behaviour="Kicked the door")
    incident(kind="positive", behaviour="Read aloud to the class", severity=None)
    _observation(world, 13, 6)
    ri = intervention()
    response = api.get(world.tess, f"/pupils/{world.ben.pk}/behaviour")
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["pupil_id"] == str(world.ben.pk)
    assert {i["behaviour"] for i in out["incidents"]} == {
        "Kicked the door",
        "Read aloud to the class",
    }
    [obs] = out["observations"]
    assert (obs["event_count"], obs["rate_per_hour"], obs["observer"]) == (
        6,
        12.0,
        "Alice Assistant",
    )
    [item] = out["restrictive_interventions"]
    assert item["id"] == str(ri.pk)
    assert (item["notified"], item["overdue"]) == (False, False)
    strategies = {s["text"]: s for s in out["strategy_effectiveness"]}
    assert strategies["Offer the calm corner with ear defenders"]["uses"] == 0
    assert strategies["Offer the calm corner with ear defenders"]["mean"] is None
    assert AccessEvent.objects.filter(
        actor=world.tess, pupil=world.ben, via="api", what="behaviour record"
    ).exists()


@pytest.mark.parametrize(
    ("person", "pupil", "status"),
    [("alice", "ben", 200), ("alice", "cara", 404), ("tess", "ben", 200), ("bob", "ben", 404),
     ("olga", "ben", 404), ("dsl", "ben", 200), ("senco", "cara", 200)],
)  # fmt: skip
def test_who_may_read_the_behaviour_record(world, api, person, pupil, status):
    response = api.get(getattr(world, person), f"/pupils/{getattr(world, pupil).pk}/behaviour")
    assert response.status_code == status
    if status == 404:
        missing = api.get(getattr(world, person), f"/pupils/{uuid.uuid4()}/behaviour")
        assert response.content == missing.content
        assert not AccessEvent.objects.filter(actor=getattr(world, person)).exists()


def test_behaviour_record_queries_do_not_grow(world, api, incident, count_queries):
    def call():
        return api.get(world.alice, f"/pupils/{world.ben.pk}/behaviour")

    call()  # the token's first use is noted once; measure after it

    for _ in range(3):
        incident(staff_present=[world.alice.pk], strategies=[])
    (r1, few) = count_queries(call)
    for _ in range(27):
        incident(staff_present=[world.alice.pk, world.tess.pk])
    (r2, many) = count_queries(call)
    assert r1.status_code == r2.status_code == 200
    assert len(r2.json()["incidents"]) == 30
    assert few == many
