"""Correcting a dose record: by the giver or the SENCO/head, with a reason; the old values
are kept in an Amendment; the stock follows a change to or from 'given'; nothing is
deleted."""

import uuid

import pytest

from sendesk.audit.models import AuditEvent
from sendesk.care.models import Amendment
from sendesk.lib.errors import ServiceError
from sendesk.medication import services as med
from sendesk.medication.models import Administration, Medicine
from sendesk.pupils.models import TimelineEntry

from .conftest import at, text


@pytest.fixture
def dose(world):
    record, _ = med.administration_record(
        actor=world.alice,
        client_id=uuid.uuid4(),
        medicine_id=world.inhaler.pk,
        given_at=at(9, 30),
        outcome="given",
        dose="2 puffs",
    )
    return record


def test_the_giver_corrects_given_to_refused_and_the_stock_comes_back(world, as_user, dose):
    w = world
    client = as_user(w.alice)
    url = f"/medication/doses/{dose.pk}/amend/"
    assert client.get(url).status_code == 200
    r = client.post(
        url,
        {
            "outcome": "refused",
            "dose": "2 puffs",
            "time": "09:30",
            "reason": "Pushed it away",
            "reason_for_change": "Wrong button",
        },
    )
    assert r.status_code == 302
    dose.refresh_from_db()
    assert (dose.outcome, dose.reason) == ("refused", "Pushed it away")
    assert Medicine.objects.get(pk=w.inhaler.pk).stock == 200
    amendment = Amendment.objects.get(record_id=dose.pk)
    assert amendment.changes["outcome"] == ["given", "refused"]
    assert amendment.changes["stock"] == [198, 200]
    assert (amendment.amended_by, amendment.reason) == (w.alice, "Wrong button")
    assert AuditEvent.objects.filter(object_id=str(dose.pk), action="amend").exists()
    assert TimelineEntry.objects.filter(title__startswith="Salbutamol record of 18 Nov").exists()
    page = text(client.get(f"/medication/doses/{dose.pk}/"))
    assert "Wrong button" in page and "Alice Assistant" in page
    # The one partial every record's corrections use: what, was, changed to.
    assert (
        '<td data-label="What">What happened</td><td data-label="Was">Given</td>'
        '<td data-label="Changed to">Refused</td>'
    ) in page
    assert (
        '<td data-label="What">Stock</td><td data-label="Was">198</td>'
        '<td data-label="Changed to">200</td>'
    ) in page


def test_a_correction_needs_a_reason_and_a_change(world, as_user, dose):
    client = as_user(world.alice)
    url = f"/medication/doses/{dose.pk}/amend/"
    base = {"outcome": "given", "dose": "2 puffs", "time": "09:30"}
    r = client.post(url, {**base, "dose": "1 puff"})
    assert r.status_code == 422 and "Say why the record is corrected." in text(r)
    r = client.post(url, {**base, "reason_for_change": "Checking"})
    assert r.status_code == 422 and "Nothing was changed." in text(r)
    assert not Amendment.objects.exists()


def test_the_senco_corrects_refused_to_given_and_the_stock_goes_down(world, dose):
    w = world
    med.administration_amend(
        actor=w.alice,
        record=dose,
        reason="Mistake",
        changes={"outcome": "refused", "reason": "Refused"},
    )
    assert Medicine.objects.get(pk=w.inhaler.pk).stock == 200
    dose.refresh_from_db()
    med.administration_amend(
        actor=w.senco,
        record=dose,
        reason="He did take it",
        changes={"outcome": "given", "reason": ""},
    )
    assert Medicine.objects.get(pk=w.inhaler.pk).stock == 198
    assert Amendment.objects.filter(record_id=dose.pk).count() == 2
    assert Administration.objects.count() == 1


def test_others_cannot_correct(world, as_user, dose):
    # Tess sees Ben but did not give it and does not write care: no correction.
    for person in (world.tess, world.bob, world.olga):
        client = as_user(person)
        assert client.get(f"/medication/doses/{dose.pk}/amend/").status_code == 404
        r = client.post(
            f"/medication/doses/{dose.pk}/amend/",
            {"outcome": "refused", "reason": "x", "reason_for_change": "x"},
        )
        assert r.status_code == 404
    assert as_user(world.tess).get(f"/medication/doses/{dose.pk}/").status_code == 200
    assert as_user(world.bob).get(f"/medication/doses/{dose.pk}/").status_code == 404
    with pytest.raises(ServiceError):
        med.administration_amend(
            actor=world.alice, record=dose, reason="x", changes={"medicine": "other"}
        )
    dose.refresh_from_db()
    assert dose.outcome == "given"
