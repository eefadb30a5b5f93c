"""An emergency dose from the trip: an adult going who may give medicines opens the
emergency form from the trip page (or its medicines list) with the trip's destination as
the place and the trip's adults as the witnesses; saved, back to the trip with a
confirmation, on the MAR with the place, the SENCO and the parents told. Nobody else gets
the form, and only for a medicine a pupil going has for emergencies."""

import datetime as dt
import re
import uuid

import pytest
from django.core import mail

from sendesk.medication.models import Administration, Medicine
from sendesk.visits.models import Trip
from tests.medication.test_emergency import run_the_worker

from .conftest import TRIP_DAY
from .test_pages import _on as on
from .test_pages import _trip as plan
from .test_pages import text


def _on(hour, minute=0):
    return on(TRIP_DAY, hour, minute)


@pytest.fixture
def attack(trained):
    """Ben's inhaler as his plan gives it in an attack: a puff at a time, up to ten."""
    Medicine.objects.filter(pk=trained.inhaler.pk).update(
        emergency_use=True, emergency_dose="1 puff every 30 to 60 seconds, up to 10 puffs",
        emergency_limit=10,
    )  # fmt: skip
    trained.inhaler.refresh_from_db()
    return trained


@pytest.fixture
def trip(attack, api, now) -> Trip:
    """The SENCO's trip for Ben with Alice, Bob and Hana; the clock at 10:55 on its day."""
    planned = plan(api, attack, staff_ids=[attack.alice.pk, attack.bob.pk, attack.hana.pk])
    now.move_to(_on(10, 55))
    return planned


def form(**changes):
    data = {
        "client_id": str(uuid.uuid4()), "date": TRIP_DAY.isoformat(), "time": "10:42",
        "units": "4", "what_happened": "Wheeze by the steam engines; four puffs, eased by 10:50.",
        "called_999": "no", "parent_called": "yes", "reactions": "",
    }  # fmt: skip
    data.update(changes)
    return data


def url(trip, medicine):
    return f"/trips/{trip.pk}/emergency/{medicine.pk}/"


def test_an_adult_going_records_an_emergency_dose_from_the_trip(attack, trip, as_user, now):
    w = attack
    client = as_user(w.alice)
    page = text(client.get(f"/trips/{trip.pk}/"))
    assert f'href="{url(trip, w.inhaler)}"' in page
    assert "Emergency: Ben Brown's Salbutamol" in page
    assert f'href="{url(trip, w.inhaler)}"' in text(client.get(f"/trips/{trip.pk}/medicines/"))
    # The lunchtime tablet is not for emergencies: no emergency button for it.
    assert f"/emergency/{w.lunch_med.pk}/" not in page

    opened = client.get(url(trip, w.inhaler))
    assert opened.status_code == 200
    shown = text(opened)
    assert "Given at Science Museum" in shown and "← Trip to Science Museum" in shown
    assert w.ihcp.emergency in shown  # the plan's emergency steps, as at school
    # The witnesses offered are the trip's other adults, not the whole staff.
    offered = set(re.findall(r'<option value="(\d+)"', shown))
    assert offered == {str(w.bob.pk), str(w.hana.pk)}

    r = client.post(url(trip, w.inhaler), form(witness=str(w.bob.pk)))
    assert r.status_code == 302 and r["Location"] == f"/trips/{trip.pk}/"
    record = Administration.objects.get()
    assert (record.emergency, record.place, record.units, record.given_by, record.witness) == (
        True, "Science Museum", 4, w.alice, w.bob,
    )  # fmt: skip
    assert record.given_at == _on(10, 42)
    assert Medicine.objects.get(pk=w.inhaler.pk).stock == 196
    back = text(client.get(f"/trips/{trip.pk}/"))
    assert "Emergency recorded on Ben Brown's medication record" in back
    assert "at Science Museum" in back
    mar = text(as_user(w.senco).get(f"/pupils/{w.ben.pk}/mar/?month=2026-11"))
    assert "Science Museum" in mar


def test_the_senco_and_the_parents_are_told_where(attack, trip, as_user, now):
    w = attack
    assert as_user(w.alice).post(url(trip, w.inhaler), form()).status_code == 302
    run_the_worker()
    parent = next(m for m in mail.outbox if m.to == ["parent@test.example"])
    assert parent.subject == (
        "Ben needed emergency medicine on the trip to Science Museum on Tuesday 24 November"
    )
    senco = next(m for m in mail.outbox if m.to == ["senco@test.example"])
    assert "on Tuesday 24 November, at Science Museum." in senco.body
    assert Administration.objects.get().notified_at is not None


def test_the_plans_rules_flag_it_as_at_school(attack, trip, as_user, now):
    """Eleven puffs, past the plan's limit of ten, without 999: recorded (an emergency dose
    given is never refused) and flagged for the SENCO, exactly as at school."""
    w = attack
    r = as_user(w.alice).post(url(trip, w.inhaler), form(units="11"))
    assert r.status_code == 302
    record = Administration.objects.get()
    assert [f["rule"] for f in record.flags] == ["emergency_limit"]


def test_bad_input_keeps_what_was_typed(attack, trip, as_user, now):
    w = attack
    client = as_user(w.alice)
    r = client.post(url(trip, w.inhaler), form(what_happened="", units="4"))
    assert r.status_code == 422
    assert "Say what happened" in text(r) and 'value="4"' in text(r)
    # Not the trip's day.
    r = client.post(url(trip, w.inhaler), form(date="2026-11-23"))
    assert r.status_code == 422 and "The trip was on 24 November 2026" in text(r)
    # A witness who is not on the trip.
    r = client.post(url(trip, w.inhaler), form(witness=str(w.tess.pk)))
    assert r.status_code == 422
    assert not Administration.objects.exists()


def test_only_an_adult_going_who_may_give_medicines_gets_the_form(attack, trip, as_user, now):
    w = attack
    # The SENCO and the head see the trip but are not on it; Tess and Pat are not on it.
    for person in (w.senco, w.head, w.tess, w.pat):
        client = as_user(person)
        assert client.get(url(trip, w.inhaler)).status_code == 404, person
        assert client.post(url(trip, w.inhaler), form()).status_code == 404, person
    assert f"/trips/{trip.pk}/emergency/" not in text(as_user(w.senco).get(f"/trips/{trip.pk}/"))
    # A medicine not for emergencies, or not of a pupil going, is not found.
    other = Medicine.objects.create(
        pupil=w.cara, name="Adrenaline", form="injection", strength="300 micrograms",
        dose="1 injection", route="injection", storage="Office", expiry_date=dt.date(2027, 6, 1),
        stock=2, as_needed=True, emergency_use=True, consent_by="Mr Clark",
        consent_on=dt.date(2026, 9, 2),
    )  # fmt: skip
    alice = as_user(w.alice)
    assert alice.get(url(trip, w.lunch_med)).status_code == 404
    assert alice.get(url(trip, other)).status_code == 404
    assert alice.post(url(trip, other), form()).status_code == 404
    assert not Administration.objects.exists()


def test_routine_doses_from_the_trip_still_work(attack, trip, as_user, now):
    w = attack
    now.move_to(_on(11))
    r = as_user(w.alice).post(
        f"/trips/{trip.pk}/dose/",
        {"medicine": str(w.inhaler.pk), "time": "10:50", "outcome": "given", "dose": "2 puffs"},
    )
    assert r.status_code == 302
    assert Administration.objects.get().place == "Science Museum"
