"""The dose API takes the place a dose was given when not at school (a trip's
destination), for routine and emergency doses alike: stored on the record, echoed in the
answer, shown on the MAR; empty means at school, and one too long is a clear 422 with
nothing written."""

import uuid

import pytest

from sendesk.medication.models import Administration, Medicine

from .conftest import at, text


@pytest.fixture
def emergency_inhaler(world):
    Medicine.objects.filter(pk=world.inhaler.pk).update(
        emergency_use=True, emergency_dose="1 puff a minute, up to 10", emergency_limit=10
    )
    world.inhaler.refresh_from_db()
    return world.inhaler


def routine(w, **fields):
    body = {
        "client_id": str(uuid.uuid4()), "medicine_id": str(w.inhaler.pk),
        "given_at": at(9, 50).isoformat(), "outcome": "given", "dose": "2 puffs",
    }  # fmt: skip
    return {**body, **fields}


def emergency(w, **fields):
    body = {
        "client_id": str(uuid.uuid4()), "medicine_id": str(w.inhaler.pk),
        "given_at": at(9, 58).isoformat(), "emergency": True, "units": 4,
        "what_happened": "Wheeze on the nature trail; four puffs, eased by 10:05.",
        "called_999": False, "parent_called": True,
    }  # fmt: skip
    return {**body, **fields}


def test_a_routine_dose_keeps_its_place_and_the_mar_shows_it(world, api, as_user):
    w = world
    r = api.post(w.alice, "/medication/administrations", routine(w, place="  Kew Gardens "))
    assert r.status_code == 201, r.content
    assert r.json()["place"] == "Kew Gardens"
    assert Administration.objects.get(pk=r.json()["id"]).place == "Kew Gardens"
    mar = api.get(w.senco, f"/pupils/{w.ben.pk}/mar?month=2026-11")
    assert mar.status_code == 200
    assert "Kew Gardens" in mar.content.decode()
    assert "Kew Gardens" in text(as_user(w.senco).get(f"/pupils/{w.ben.pk}/mar/"))


def test_an_emergency_dose_keeps_its_place(world, api, emergency_inhaler):
    w = world
    r = api.post(w.alice, "/medication/administrations", emergency(w, place="Kew Gardens"))
    assert r.status_code == 201, r.content
    out = r.json()
    assert (out["emergency"], out["place"], out["units"]) == (True, "Kew Gardens", 4)
    record = Administration.objects.get(pk=out["id"])
    assert (record.emergency, record.place) == (True, "Kew Gardens")


def test_no_place_is_at_school(world, api, emergency_inhaler):
    w = world
    first = api.post(w.alice, "/medication/administrations", routine(w))
    second = api.post(w.alice, "/medication/administrations", emergency(w, place=""))
    assert (first.status_code, second.status_code) == (201, 201), second.content
    assert first.json()["place"] == second.json()["place"] == ""
    assert set(Administration.objects.values_list("place", flat=True)) == {""}


@pytest.mark.parametrize("kind", ["routine", "emergency"])
def test_a_place_too_long_is_a_clear_422_and_nothing_is_written(
    world, api, emergency_inhaler, kind
):
    w = world
    maker = routine if kind == "routine" else emergency
    r = api.post(w.alice, "/medication/administrations", maker(w, place="x" * 201))
    assert r.status_code == 422, r.content
    out = r.json()
    assert out["rule"] == "invalid"
    assert "200 characters or fewer (it has 201)" in out["errors"]["place"]
    assert "place" in out["detail"]
    assert not Administration.objects.exists()
    assert Medicine.objects.get(pk=w.inhaler.pk).stock == 200
    # Exactly the most is kept.
    r = api.post(w.alice, "/medication/administrations", maker(w, place="y" * 200))
    assert r.status_code == 201 and r.json()["place"] == "y" * 200


def test_a_place_that_is_not_text_is_refused(world, api):
    w = world
    r = api.post(w.alice, "/medication/administrations", routine(w, place=["Kew"]))
    assert r.status_code == 422
    assert not Administration.objects.exists()
