"""The medication API as the issue states it: idempotent dose records, the refusal body,
a pupil's medicines with what is due today, and the MAR."""

import uuid

import pytest

from sendesk.audit.models import AccessEvent
from sendesk.medication.models import Administration, Medicine

from .conftest import at


def _dose(w, **fields):
    body = {
        "client_id": str(uuid.uuid4()),
        "medicine_id": str(w.inhaler.pk),
        "given_at": at(9, 50).isoformat(),
        "outcome": "given",
        "dose": "2 puffs",
    }
    body.update(fields)
    return body


def test_the_same_client_id_again_returns_the_same_record(world, api):
    w = world
    body = _dose(w)
    first = api.post(w.alice, "/medication/administrations", body)
    again = api.post(w.alice, "/medication/administrations", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Administration.objects.count() == 1
    assert Medicine.objects.get(pk=w.inhaler.pk).stock == 198


def test_a_client_id_used_for_something_else_is_a_conflict(world, api, now):
    w = world
    body = _dose(w)
    assert api.post(w.alice, "/medication/administrations", body).status_code == 201
    now.move_to(at(12, 5))
    other = _dose(
        w,
        medicine_id=str(w.lunch_med.pk),
        client_id=body["client_id"],
        given_at=at(12, 5).isoformat(),
        dose="1 tablet",
        witness_id=w.bob.pk,
    )
    r = api.post(w.alice, "/medication/administrations", other)
    assert r.status_code == 409
    assert r.json()["rule"] == "client_id_conflict"
    assert Administration.objects.count() == 1


def test_the_refusal_body_names_the_rule_and_the_next_time(world, api):
    w = world
    assert api.post(w.alice, "/medication/administrations", _dose(w)).status_code == 201
    r = api.post(w.alice, "/medication/administrations", _dose(w, given_at=at(10).isoformat()))
    assert r.status_code == 409
    body = r.json()
    assert set(body) == {"detail", "rule", "next_allowed_at", "errors"}
    assert body["rule"] == "too_soon"
    assert body["next_allowed_at"].startswith("2026-11-18T13:50")
    assert body["detail"].startswith("Too soon: Salbutamol was last given at 09:50")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"client_id": "not-a-uuid"}, "client_id"),
        ({"medicine_id": "nope"}, "medicine_id"),
        ({"given_at": "yesterday"}, "given_at"),
        ({"given_at": None}, "given_at"),
        ({"outcome": "swallowed"}, "outcome"),
        ({"dose": ""}, "dose"),
        ({"dose": "x" * 61}, "dose"),
        ({"due_at": "12 o'clock"}, "due_at"),
        ({"witness_id": "abc"}, "witness_id"),
    ],
)
def test_bad_input_is_422_in_the_same_shape(world, api, change, field):
    r = api.post(world.alice, "/medication/administrations", _dose(world, **change))
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["rule"] in ("invalid", "witness_required")
    assert body["next_allowed_at"] is None
    assert field in body["errors"]
    assert Administration.objects.count() == 0


def test_a_due_time_that_is_not_one_of_the_medicine_s_times_is_bad_input(world, api, now):
    w = world
    now.move_to(at(12, 5))
    body = _dose(
        w,
        medicine_id=str(w.lunch_med.pk),
        given_at=at(12, 5).isoformat(),
        due_at=at(12, 30).isoformat(),
        witness_id=w.bob.pk,
        dose="1 tablet",
    )
    r = api.post(w.alice, "/medication/administrations", body)
    assert r.status_code == 422
    assert "is due at 12:00" in r.json()["errors"]["due_at"]


def test_a_scheduled_dose_sent_without_due_at_answers_the_nearest_time(world, api, now):
    w = world
    now.move_to(at(12, 10))
    body = _dose(
        w,
        medicine_id=str(w.lunch_med.pk),
        given_at=at(12, 10).isoformat(),
        witness_id=w.bob.pk,
        dose="1 tablet",
    )
    r = api.post(w.alice, "/medication/administrations", body)
    assert r.status_code == 201, r.content
    assert r.json()["due_at"].startswith("2026-11-18T12:00")


def test_pupil_medication_lists_medicines_with_what_is_due_today(world, api, now):
    w = world
    assert api.post(w.alice, "/medication/administrations", _dose(w)).status_code == 201
    r = api.get(w.alice, f"/pupils/{w.ben.pk}/medication")
    assert r.status_code == 200
    body = r.json()
    meds = {m["name"]: m for m in body["medicines"]}
    assert set(meds) == {"Salbutamol", "Methylphenidate"}
    inhaler = meds["Salbutamol"]
    assert inhaler["as_needed_now"]["can_give"] is False
    assert inhaler["as_needed_now"]["next_allowed_at"].startswith("2026-11-18T13:50")
    assert inhaler["as_needed_now"]["why_not"] == "Too soon"
    assert inhaler["stock"] == 198 and inhaler["due_today"] == []
    lunch = meds["Methylphenidate"]
    assert lunch["as_needed_now"] is None
    assert [(s["due_at"][:16], s["state"], s["missed"]) for s in lunch["due_today"]] == [
        ("2026-11-18T12:00", "missing", False)
    ]
    assert body["healthcare_plans"][0]["conditions"] == "Asthma"
    assert AccessEvent.objects.filter(actor=w.alice, pupil=w.ben, via="api").exists()


def test_missed_dose_is_visible_the_same_day(world, api, now):
    now.move_to(at(13, 5))
    r = api.get(world.alice, f"/pupils/{world.ben.pk}/medication")
    lunch = next(m for m in r.json()["medicines"] if m["name"] == "Methylphenidate")
    assert lunch["due_today"][0]["missed"] is True


@pytest.mark.parametrize("person", ["bob", "olga", "theo", "pat", "hana"])
def test_out_of_scope_pupil_is_404_like_a_missing_one(world, api, person):
    user = getattr(world, person)
    for path in ("/pupils/{}/medication", "/pupils/{}/mar"):
        hidden = api.get(user, path.format(world.ben.pk))
        ghost = api.get(user, path.format(uuid.uuid4()))
        assert hidden.status_code == ghost.status_code == 404
        assert hidden.content == ghost.content
    assert not AccessEvent.objects.filter(actor=user).exists()


def test_mar_api(world, api, now):
    w = world
    now.move_to(at(12, 4))
    body = _dose(
        w,
        medicine_id=str(w.lunch_med.pk),
        given_at=at(12, 4).isoformat(),
        due_at=at(12).isoformat(),
        witness_id=w.bob.pk,
        dose="1 tablet",
    )
    assert api.post(w.alice, "/medication/administrations", body).status_code == 201
    inhaler = _dose(w, given_at=at(9).isoformat())
    assert api.post(w.alice, "/medication/administrations", inhaler).status_code == 201
    r = api.get(w.alice, f"/pupils/{w.ben.pk}/mar", month="2026-11")
    assert r.status_code == 200
    mar = r.json()
    assert mar["month"] == "2026-11" and len(mar["days"]) == 30
    days = {d["date"]: d["school_day"] for d in mar["days"]}
    assert days["2026-11-18"] is True and days["2026-11-21"] is False  # a Saturday
    [row] = mar["rows"]
    assert (row["medicine"], row["time"]) == ("Methylphenidate 10 mg", "12:00")
    cells = {c["date"]: c for c in row["cells"]}
    assert cells["2026-11-18"]["state"] == "given"
    assert cells["2026-11-18"]["given_by"] == "Alice Assistant"
    assert cells["2026-11-19"]["state"] == "due"
    assert cells["2026-11-21"]["state"] == "closed"
    assert cells["2026-11-17"]["state"] == "none"  # before the medicine was added
    assert [d["medicine"] for d in mar["as_needed"]] == ["Salbutamol"]


@pytest.mark.parametrize("month", ["2026-13", "26-11", "2027-01", "abc"])
def test_mar_api_bad_month_is_422(world, api, month):
    r = api.get(world.alice, f"/pupils/{world.ben.pk}/mar", month=month)
    assert r.status_code == 422
    assert "month" in r.json()["errors"]
