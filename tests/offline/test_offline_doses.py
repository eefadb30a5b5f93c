"""Medicines given offline (issue 13, part 3): the device could not ask the server, so the
dose is checked against every rule when it arrives. A broken rule does not refuse it (it
was given): it is stored, marked, and raised at once to the SENCO and the giver. A
controlled drug still needs the witness recorded on the device."""

import datetime as dt
import uuid

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from sendesk.medication.models import Administration
from sendesk.medication.services import administration_record
from sendesk.notifications.models import Email, Notification
from sendesk.staff.models import Training
from tests.second_factor import verified_login

from ..world import TODAY


def senco_browser(world):
    """The SENCO on her own computer (the TA's tablet stays signed in as the TA)."""
    return verified_login(Client(), world.senco)


def inhaler_dose(world, at="09:30", **more):
    return {"medicine_id": str(world.inhaler.pk), "given_at": f"{TODAY}T{at}",
            "outcome": "given", "dose": "2 puffs", "given_offline": True, **more}  # fmt: skip


def test_a_dose_that_broke_nothing_is_stored_confirmed_without_alarm(world, device):
    r = device(world.alice).send(world.alice, "dose", inhaler_dose(world, "08:00"))
    assert r.status_code == 201, r.content
    assert r.json()["warning"] is None
    assert r.json()["message"] == "Saved: Salbutamol given for Ben, Wednesday 18 November."
    record = Administration.objects.get(pk=r.json()["id"])
    assert (record.given_offline, record.offline_problem) == (True, "")
    assert record.synced_at is not None and record.given_by == world.alice
    world.inhaler.refresh_from_db()
    assert world.inhaler.stock == 198
    assert not Notification.objects.exists() and not Email.objects.exists()


def test_a_dose_that_broke_a_rule_is_kept_and_raised_at_once(
    world, device, django_capture_on_commit_callbacks
):
    tablet = device(world.alice)
    assert tablet.send(world.alice, "dose", inhaler_dose(world, "08:00")).status_code == 201
    # Offline, Alice could not see that a dose had been given 90 minutes before.
    with django_capture_on_commit_callbacks(execute=True):
        r = tablet.send(world.alice, "dose", inhaler_dose(world, "09:30"))
    assert r.status_code == 201, r.content
    warning = r.json()["warning"]
    assert warning.startswith("Too soon: Salbutamol was last given at 08:00")
    record = Administration.objects.get(pk=r.json()["id"])
    assert record.given_offline and record.offline_problem == warning
    assert Administration.objects.filter(medicine=world.inhaler).count() == 2
    world.inhaler.refresh_from_db()
    assert world.inhaler.stock == 196

    # The SENCO and the giver, in SENDesk and by e-mail (queued, sent by the worker).
    told = Notification.objects.filter(kind="dose_offline_problem")
    assert sorted(n.user_id for n in told) == sorted([world.senco.pk, world.alice.pk])
    assert all(n.url == f"/medication/doses/{record.pk}/" for n in told)
    assert "Too soon" in told[0].title
    assert sorted(Email.objects.values_list("user_id", flat=True)) == sorted(
        [world.senco.pk, world.alice.pk]
    )
    assert DBTaskResult.objects.filter(task_path__endswith="send_email").count() == 2

    # The dose page says it plainly, to the SENCO.
    page = senco_browser(world).get(f"/medication/doses/{record.pk}/")
    assert page.status_code == 200
    assert f"Given offline — not confirmed: {warning}" in page.content.decode()

    # A replay of the same record raises nothing more.
    again = tablet.send(world.alice, "dose", inhaler_dose(world, "09:30"),
                        client_id=uuid.UUID(r.json()["client_id"]))  # fmt: skip
    assert again.status_code == 200, again.content
    assert again.json()["duplicate"] is True
    assert told.count() == 2


def test_a_controlled_drug_without_its_witness_is_refused(world, device):
    data = {"medicine_id": str(world.lunch_med.pk), "given_at": f"{TODAY}T10:00",
            "outcome": "given", "dose": "1 tablet", "given_offline": True}  # fmt: skip
    r = device(world.alice).send(world.alice, "dose", data)
    assert r.status_code == 422, r.content
    assert r.json()["code"] == "witness_required"
    assert "controlled drug" in r.json()["message"]
    assert not Administration.objects.filter(medicine=world.lunch_med).exists()


@pytest.fixture
def senco_trained(world):
    Training.objects.create(
        user=world.senco, kind="medication", course="Administering medicines",
        completed_on=dt.date(2026, 9, 1), expires_on=dt.date(2027, 8, 31),
    )  # fmt: skip


def test_a_slot_someone_else_answered_stays_theirs(world, device, now, senco_trained):
    now.shift(dt.timedelta(hours=2, minutes=30))  # 12:30
    slot = dt.datetime.fromisoformat(f"{TODAY}T12:00:00+00:00")
    # Online, the SENCO gave the 12:00 dose at 12:05, with Alice as witness ...
    first, _ = administration_record(
        actor=world.senco, client_id=uuid.uuid4(), medicine_id=world.lunch_med.pk,
        given_at=slot + dt.timedelta(minutes=5), outcome="given", dose="1 tablet",
        witness_id=world.alice.pk, due_at=slot,
    )  # fmt: skip
    # ... while Alice, offline on the playground, gave it at 12:10 with Hana as witness.
    data = {"medicine_id": str(world.lunch_med.pk), "given_at": f"{TODAY}T12:10",
            "due_at": f"{TODAY}T12:00", "outcome": "given", "dose": "1 tablet",
            "witness_id": world.hana.pk, "given_offline": True}  # fmt: skip
    r = device(world.alice).send(world.alice, "dose", data)
    assert r.status_code == 201, r.content
    warning = r.json()["warning"]
    assert warning == (
        "The 12:00 dose of Methylphenidate was already recorded (given) by Sam Senco at 12:30."
    )
    offline = Administration.objects.get(pk=r.json()["id"])
    # Stored as given, without taking the slot (one record per slot stays the rule).
    assert (offline.due_at, offline.witness, offline.outcome) == (None, world.hana, "given")
    assert Administration.objects.get(medicine=world.lunch_med, due_at=slot) == first
    assert Notification.objects.filter(kind="dose_offline_problem").count() == 2

    mar = senco_browser(world).get(f"/pupils/{world.ben.pk}/mar/")
    assert mar.status_code == 200
    assert f"Given offline — not confirmed: {warning}" in mar.content.decode()


def test_a_dose_other_than_the_plans_is_kept_and_raised(world, device):
    # Offline, Alice gave 4 puffs: the most serious error there is, so never refused.
    r = device(world.alice).send(world.alice, "dose", inhaler_dose(world, dose="4 puffs"))
    assert r.status_code == 201, r.content
    warning = r.json()["warning"]
    assert warning.startswith("4 puffs was given; the plan's dose is 2 puffs.")
    record = Administration.objects.get(pk=r.json()["id"])
    assert (record.dose, record.outcome, record.offline_problem) == ("4 puffs", "given", warning)
    # The stock goes down by the plan's dose, as for any dose, and the problem says so.
    assert "The stock went down by the plan's dose (2)" in warning
    world.inhaler.refresh_from_db()
    assert world.inhaler.stock == 198
    told = Notification.objects.filter(kind="dose_offline_problem")
    assert sorted(n.user_id for n in told) == sorted([world.senco.pk, world.alice.pk])


def test_a_dose_sent_8_days_late_is_kept_and_raised(world, device, now):
    now.shift(dt.timedelta(days=8))  # the Thursday after: Alice signs in on that tablet
    r = device(world.alice).send(world.alice, "dose", inhaler_dose(world))
    assert r.status_code == 201, r.content
    assert r.json()["warning"].startswith(
        "Given on 18 November, more than 7 days before it reached SENDesk."
    )
    record = Administration.objects.get(pk=r.json()["id"])
    assert record.given_at.date() == TODAY and record.offline_problem
    assert Notification.objects.filter(kind="dose_offline_problem").count() == 2


def test_a_bad_witness_and_a_slot_of_another_day_are_problems(world, device):
    # The controlled drug, witnessed by Alice herself, answering yesterday's 12:00 slot.
    yesterday = TODAY - dt.timedelta(days=1)
    data = {"medicine_id": str(world.lunch_med.pk), "given_at": f"{TODAY}T09:00",
            "due_at": f"{yesterday}T12:00", "outcome": "given", "dose": "1 tablet",
            "witness_id": world.alice.pk, "given_offline": True}  # fmt: skip
    r = device(world.alice).send(world.alice, "dose", data)
    assert r.status_code == 201, r.content
    warning = r.json()["warning"]
    assert "The witness must be a different member of staff from the giver." in warning
    assert "The dose due at 12:00 on 17 November was recorded as given on 18 November" in warning
    record = Administration.objects.get(pk=r.json()["id"])
    assert (record.witness, record.due_at, record.outcome) == (None, None, "given")
    world.lunch_med.refresh_from_db()
    assert world.lunch_med.stock == 19


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"given_at": f"{TODAY}T23:00"}, "given_at"),  # not yet happened
        ({"dose": ""}, "dose"),
        ({"outcome": "spilled"}, "outcome"),
        ({"given_at": "at lunch"}, "given_at"),
    ],
)
def test_unreadable_input_is_still_refused(world, device, change, field):
    r = device(world.alice).send(world.alice, "dose", {**inhaler_dose(world), **change})
    assert r.status_code == 422, r.content
    assert r.json()["status"] == "refused" and field in r.json()["errors"]
    assert not Administration.objects.exists()
    assert not Notification.objects.exists()
