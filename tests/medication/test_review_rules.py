"""A correction is no way round the dose rules; a scheduled dose has a latest time; the
dose given is the dose on the plan."""

import uuid

import pytest

from sendesk.medication import services as med
from sendesk.medication.models import Administration, Medicine

from .conftest import at


def give(world, medicine, when, outcome="given", **fields):
    return med.administration_record(
        actor=world.alice, client_id=uuid.uuid4(), medicine_id=medicine.pk, given_at=when,
        outcome=outcome, dose=fields.pop("dose", medicine.dose), **fields,
    )[0]  # fmt: skip


def test_correcting_a_refusal_to_given_keeps_the_interval(world):
    give(world, world.inhaler, at(9, 0))
    refusal = give(world, world.inhaler, at(9, 30), outcome="refused", reason="Said no")
    with pytest.raises(med.DoseRefused) as err:
        med.administration_amend(
            actor=world.alice, record=refusal, reason="Actually took it",
            changes={"outcome": "given", "reason": ""},
        )  # fmt: skip
    assert err.value.rule == "too_soon"
    assert Administration.objects.get(pk=refusal.pk).outcome == "refused"
    assert Medicine.objects.get(pk=world.inhaler.pk).stock == 198


def test_a_controlled_drug_cannot_be_corrected_to_given_without_a_witness(world):
    record = give(world, world.lunch_med, at(12, 0, -1), outcome="not_given", reason="Away")
    with pytest.raises(med.ServiceError) as err:
        med.administration_amend(
            actor=world.senco, record=record, reason="He was in", changes={"outcome": "given"}
        )
    assert "witness" in str(err.value.errors)
    assert Administration.objects.get(pk=record.pk).outcome == "not_given"


def test_a_scheduled_dose_more_than_two_hours_late_is_refused(world):
    with pytest.raises(med.DoseRefused) as err:
        give(world, world.lunch_med, at(14, 30, -1), due_at=at(12, 0, -1), witness_id=world.tess.pk)
    assert err.value.rule == "too_late"
    assert not Administration.objects.exists()


def test_the_dose_given_is_the_dose_on_the_plan(world, api):
    body = {"client_id": str(uuid.uuid4()), "medicine_id": str(world.inhaler.pk),
            "given_at": at(9, 0).isoformat(), "outcome": "given", "dose": "20 puffs"}  # fmt: skip
    r = api.post(world.alice, "/medication/administrations", body)
    assert r.status_code == 422
    assert "The dose on the plan is 2 puffs." in r.content.decode()
    assert Medicine.objects.get(pk=world.inhaler.pk).stock == 200


def test_a_far_month_or_date_is_refused_not_an_error(world, api):
    assert api.get(world.senco, f"/pupils/{world.ben.pk}/mar", month="0000-01").status_code == 422
    body = {
        "client_id": str(uuid.uuid4()), "medicine_id": str(world.lunch_med.pk),
        "given_at": "0001-01-01T00:00:00+12:00", "outcome": "given", "dose": "1 tablet",
    }  # fmt: skip
    assert api.post(world.alice, "/medication/administrations", body).status_code == 422


def test_medicines_and_own_training_pages_are_for_school_staff(world, as_user):
    for person in (world.theo, world.pat):
        client = as_user(person)
        assert client.get("/medication/").status_code == 404
        assert client.get("/staff/me/training/").status_code == 404


def test_the_parent_page_has_one_medication_section(world, as_user):
    body = as_user(world.pat).get(f"/family/children/{world.ben.pk}/").content.decode()
    assert body.count('id="medication"') == 1
    assert "<title>Ben Brown · SENDesk</title>" in body
