"""The care API: GET /api/v1/pupils/{id}/care-plans and POST /api/v1/care/events, as the
named people. Every refusal leaves nothing written."""

import uuid

import pytest

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.care.models import CareEvent
from sendesk.pupils.models import TimelineEntry

from .conftest import event_body


def nothing_written():
    assert CareEvent.objects.count() == 0
    assert TimelineEntry.objects.filter(kind="care").count() == 0
    assert not AuditEvent.objects.filter(object_type="care.careevent").exists()


def test_care_plans_with_equipment(world, api, hoisting):
    r = api.get(world.alice, f"/pupils/{world.ben.pk}/care-plans")
    assert r.status_code == 200, r.content
    plans = {p["title"]: p for p in r.json()["items"]}
    assert set(plans) == {"Toileting support", "Hoisting to the changing bed"}
    toileting = plans["Toileting support"]
    assert (toileting["kind"], toileting["staff_required"], toileting["training"]) == (
        "toileting",
        2,
        "intimate_care",
    )
    assert toileting["has_consent"] is True and toileting["equipment"] == []
    hoist = plans["Hoisting to the changing bed"]
    assert (hoist["kind"], hoist["sling_size"], hoist["gender_preference"]) == (
        "moving_handling",
        "Medium",
        "female",
    )
    assert hoist["training"] == "moving_handling"
    [item] = hoist["equipment"]
    assert (item["id"], item["kind"], item["next_inspection"]) == (
        world.hoist.pk,
        "hoist",
        "2026-11-20",
    )
    assert item["inspection_due"] is True
    access = AccessEvent.objects.get(actor=world.alice)
    assert (access.pupil, access.what, access.via) == (world.ben, "care plans", "api")


@pytest.mark.parametrize("who", ["bob", "olga", "theo", "pat"])
def test_out_of_scope_is_404_like_missing(world, api, who):
    person = getattr(world, who)
    real = api.get(person, f"/pupils/{world.ben.pk}/care-plans")
    ghost = api.get(person, f"/pupils/{uuid.uuid4()}/care-plans")
    assert real.status_code == ghost.status_code == 404
    assert real.json() == ghost.json()
    posted = api.post(person, "/care/events", event_body(world.toileting, second_staff_id=None))
    missing = api.post(
        person, "/care/events", event_body(world.toileting, care_plan_id=str(uuid.uuid4()))
    )
    assert posted.status_code == missing.status_code == 404
    assert posted.json() == missing.json()
    nothing_written()


def test_log_201_then_same_client_id_200(world, api):
    body = event_body(world.toileting, second_staff_id=world.tess.pk)
    first = api.post(world.alice, "/care/events", body)
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["second_staff_id"] == world.tess.pk and data["second_staff"] == "Tess Teacher"
    assert data["by"] == "Alice Assistant" and data["pupil_id"] == str(world.ben.pk)
    assert data["occurred_at"].startswith("2026-11-18T09:40:00")
    again = api.post(world.alice, "/care/events", body)
    assert again.status_code == 200
    assert again.json()["id"] == data["id"]
    assert CareEvent.objects.count() == 1
    assert TimelineEntry.objects.filter(kind="care").count() == 1


def test_client_id_of_someone_elses_pupil_is_a_conflict(world, api):
    body = event_body(world.toileting, second_staff_id=world.tess.pk)
    assert api.post(world.alice, "/care/events", body).status_code == 201
    r = api.post(world.bob, "/care/events", body)
    assert r.status_code == 409
    assert r.json()["errors"] == {"client_id": "This client_id is already used by another record."}


def test_without_second_staff_422(world, api):
    r = api.post(world.alice, "/care/events", event_body(world.toileting))
    assert r.status_code == 422
    assert "This plan needs 2 staff" in r.json()["errors"]["second_staff_id"]
    nothing_written()


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("alice", "must be someone else"),
        ("olga", "from this school's staff"),
        ("theo", "from this school's staff"),
        ("pat", "from this school's staff"),
    ],
)
def test_second_staff_rule_422(world, api, who, message):
    body = event_body(world.toileting, second_staff_id=getattr(world, who).pk)
    r = api.post(world.alice, "/care/events", body)
    assert r.status_code == 422
    assert message in r.json()["errors"]["second_staff_id"]
    nothing_written()


@pytest.mark.parametrize("pk", [99999, 0, -1, 2**40])
def test_unknown_second_staff_id_422(world, api, pk):
    r = api.post(world.alice, "/care/events", event_body(world.toileting, second_staff_id=pk))
    assert r.status_code == 422
    assert "from this school's staff" in r.json()["errors"]["second_staff_id"]
    nothing_written()


def test_untrained_recorder_403(world, api):
    body = event_body(world.toileting, second_staff_id=world.alice.pk)
    r = api.post(world.tess, "/care/events", body)
    assert r.status_code == 403
    assert "no intimate care training" in r.json()["detail"]
    nothing_written()


def test_no_consent_409(world, api):
    world.toileting.consent_on = None
    world.toileting.save()
    r = api.post(
        world.alice, "/care/events", event_body(world.toileting, second_staff_id=world.tess.pk)
    )
    assert r.status_code == 409
    assert "No consent recorded" in r.json()["detail"]
    nothing_written()


def test_hoist_transfer_needs_both_handlers_trained(world, api, hoisting):
    # Tess is school staff but not trained for moving and handling: as the second handler
    # of a hoist transfer she is refused; Hana, who is trained, is accepted.
    body = event_body(hoisting, kind="hoist transfer", second_staff_id=world.tess.pk)
    r = api.post(world.alice, "/care/events", body)
    assert r.status_code == 403
    assert (
        "Tess Teacher has no moving and handling training" in r.json()["errors"]["second_staff_id"]
    )
    nothing_written()
    body = event_body(hoisting, kind="hoist transfer", second_staff_id=world.hana.pk)
    r = api.post(world.alice, "/care/events", body)
    assert r.status_code == 201, r.content
    assert TimelineEntry.objects.get(kind="care").title == (
        "Moving and handling: hoist transfer, with Hana Hlta"
    )


def test_one_person_plan_needs_no_second(world, api):
    world.toileting.staff_required = 1
    world.toileting.save()
    r = api.post(world.alice, "/care/events", event_body(world.toileting))
    assert r.status_code == 201
    assert r.json()["second_staff_id"] is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": ""}, "kind"),
        ({"kind": "x" * 31}, "kind"),
        ({"occurred_at": "2026-11-18T11:00:00"}, "occurred_at"),
        ({"occurred_at": "2026-09-01T09:00:00"}, "occurred_at"),
        ({"products_used": "p" * 201}, "products_used"),
        ({"care_plan_id": "not-an-id"}, "care_plan_id"),
        ({"second_staff_id": "Tess"}, "second_staff_id"),
    ],
)
def test_bad_input_422_names_the_field(world, api, changes, field):
    body = event_body(world.toileting, **{"second_staff_id": world.tess.pk, **changes})
    r = api.post(world.alice, "/care/events", body)
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]
    nothing_written()


def test_post_query_count_is_small(world, api, count_queries):
    api.token(world.alice)
    body = event_body(world.toileting, second_staff_id=world.tess.pk)
    r, queries = count_queries(lambda: api.post(world.alice, "/care/events", body))
    assert r.status_code == 201
    assert queries <= 14
