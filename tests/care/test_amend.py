"""Correcting a care record: the original stays (an Amendment with old and new values,
who and why), the staffing rule still holds, only the recorder and the SENCO/head may."""

import pytest

from sendesk.audit.models import AuditEvent
from sendesk.care.models import Amendment, CareEvent
from sendesk.pupils.models import TimelineEntry

from .conftest import log_form, text


@pytest.fixture
def event(world, as_user):
    as_user(world.alice).post(
        f"/care/plans/{world.toileting.pk}/log/", log_form(second_staff=str(world.tess.pk))
    )
    return CareEvent.objects.get()


def amend_form(world, **changes):
    data = {
        "date": "2026-11-18",
        "time": "09:40",
        "kind": "pad change",
        "second_staff": str(world.tess.pk),
        "observations": "Skin slightly red on the left side",
        "products_used": "Size 5 pad, barrier cream",
        "note": "",
        "reason": "",
    }
    data.update(changes)
    return data


def test_alice_corrects_her_record(world, as_user, event):
    client = as_user(world.alice)
    assert client.get(f"/care/events/{event.pk}/amend/").status_code == 200
    r = client.post(
        f"/care/events/{event.pk}/amend/",
        amend_form(
            world,
            observations="Skin red on both sides",
            second_staff=str(world.senco.pk),
            reason="Sam was the second adult, not Tess; skin noted wrongly",
        ),
    )
    assert r.status_code == 302
    event.refresh_from_db()
    assert event.observations == "Skin red on both sides" and event.second_staff == world.senco
    amendment = Amendment.objects.get(record_type="care_event", record_id=event.pk)
    assert amendment.amended_by == world.alice
    assert amendment.changes == {
        "second_staff_id": [world.tess.pk, world.senco.pk],
        "observations": ["Skin slightly red on the left side", "Skin red on both sides"],
    }
    assert AuditEvent.objects.filter(object_type="care.careevent", action="amend").count() == 1
    assert TimelineEntry.objects.filter(kind="care_amended").count() == 1
    body = text(client.get(f"/care/events/{event.pk}/"))
    assert "Sam was the second adult" in body
    assert "Skin slightly red on the left side" in body  # the old value, kept
    assert "Tess Teacher" in body and "Sam Senco" in body


def test_correction_keeps_the_staffing_rule(world, as_user, event):
    r = as_user(world.senco).post(
        f"/care/events/{event.pk}/amend/",
        amend_form(world, second_staff="", reason="Nobody else there"),
    )
    assert r.status_code == 422
    assert "This plan needs 2 staff" in text(r)
    assert not Amendment.objects.exists()


def test_correction_needs_a_reason_and_a_change(world, as_user, event):
    client = as_user(world.alice)
    r = client.post(f"/care/events/{event.pk}/amend/", amend_form(world, note="Was fine"))
    assert r.status_code == 422 and "Say why the record is being corrected." in text(r)
    r = client.post(f"/care/events/{event.pk}/amend/", amend_form(world, reason="No change"))
    assert r.status_code == 422 and "Nothing was changed." in text(r)
    assert not Amendment.objects.exists()


@pytest.mark.parametrize("who", ["tess", "bob", "olga"])
def test_others_cannot_correct(world, as_user, event, who):
    client = as_user(getattr(world, who))
    assert client.get(f"/care/events/{event.pk}/amend/").status_code == 404
    r = client.post(f"/care/events/{event.pk}/amend/", amend_form(world, note="x", reason="y"))
    assert r.status_code == 404
    assert not Amendment.objects.exists()
