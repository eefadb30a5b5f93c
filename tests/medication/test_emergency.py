"""Emergency doses: Ben's asthma plan says "in an attack, puffs of salbutamol up to ten;
call 999 if no better". A routine dose 30 minutes after the last is refused as too soon;
the emergency path records the run of puffs with what happened and who was called, stands
out on every page that lists doses and in the API, and e-mails the SENCO and Ben's parent.
The routine rules still hold for routine doses."""

import datetime as dt
import uuid

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from sendesk.audit.models import AuditEvent
from sendesk.care.models import Amendment
from sendesk.consent import services as consent_services
from sendesk.medication.forms import MedicineForm
from sendesk.medication.models import Administration, Medicine
from sendesk.pupils.leavers import pupil_leave
from sendesk.pupils.models import TimelineEntry
from sendesk.staff.models import Training

from ..world import TODAY
from .conftest import api as api  # noqa: F401 (fixture)
from .conftest import at, text
from .test_pages import _give


@pytest.fixture
def attack(world):
    """The inhaler as the SENCO marks it for emergencies: a puff at a time, up to ten."""
    Medicine.objects.filter(pk=world.inhaler.pk).update(
        emergency_use=True,
        emergency_dose="1 puff every 30 to 60 seconds, up to 10 puffs",
        emergency_limit=10,
    )
    world.inhaler.refresh_from_db()
    _give(world, when=at(9, 30))  # the routine dose half an hour ago
    return world.inhaler


def form(**changes):
    data = {
        "client_id": str(uuid.uuid4()),
        "date": "2026-11-18",
        "time": "09:58",
        "units": "6",
        "what_happened": "Wheezing and coughing after PE; six puffs, breathing eased by 10:05.",
        "called_999": "no",
        "parent_called": "yes",
        "reactions": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def url(medicine):
    return f"/medication/{medicine.pk}/emergency/"


def test_too_soon_offers_the_emergency_path(world, as_user, attack):
    client = as_user(world.alice)
    r = client.post(
        f"/medication/{attack.pk}/give/",
        {"client_id": str(uuid.uuid4()), "outcome": "given", "dose": "2 puffs",
         "date": "2026-11-18", "time": "10:00"},
    )  # fmt: skip
    assert r.status_code == 409
    page = text(r)
    assert "Too soon" in page
    assert f'href="{url(attack)}"' in page and "This is an emergency" in page


def run_the_worker():
    """What `make run`'s task worker (manage.py db_worker) does with each queued task:
    claim it and run it. Its polling loop is left out: it closes the database connection
    between tasks, which would end the test's transaction."""
    worker = Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="test", excluded_queue_names=[],
    )  # fmt: skip
    for result in DBTaskResult.objects.ready():
        result.claim(worker.worker_id)
        worker.run_task(result)


def test_alice_records_a_run_of_puffs_and_people_are_told(world, as_user, attack):
    client = as_user(world.alice)
    page = client.get(url(attack))
    assert page.status_code == 200
    body = text(page)
    assert "1 puff every 30 to 60 seconds, up to 10 puffs" in body
    assert world.ihcp.emergency in body and world.ihcp.who_to_call in body
    r = client.post(url(attack), form())
    assert r.status_code == 302
    record = Administration.objects.get(emergency=True)
    # Queued with the record, sent by the worker, not by the request.
    assert mail.outbox == []
    queued = DBTaskResult.objects.get()
    assert (queued.status, queued.args_kwargs["args"]) == ("READY", [str(record.pk)])
    run_the_worker()
    assert r["Location"] == f"/medication/doses/{record.pk}/"
    assert (record.units, record.dose, record.outcome, record.due_at) == (
        6,
        "6 puffs",
        "given",
        None,
    )
    assert (record.called_999, record.parent_called, record.given_by) == (False, True, world.alice)
    attack.refresh_from_db()
    assert attack.stock == 200 - 2 - 6
    assert record.flags == []
    record.refresh_from_db()
    assert record.notified_at is not None
    line = TimelineEntry.objects.get(ref_id=str(record.pk))
    assert line.title == "Emergency: Salbutamol 6 puffs given (Alice Assistant); parent phoned"
    audit = AuditEvent.objects.get(object_id=str(record.pk), action="create")
    assert audit.after["emergency"] is True and audit.after["stock_after"] == 192
    # The SENCO, and Ben's parent on their own: one message each.
    assert sorted(tuple(m.to) for m in mail.outbox) == [
        ("parent@test.example",),
        ("senco@test.example",),
    ]
    senco = next(m for m in mail.outbox if m.to == ["senco@test.example"])
    assert senco.subject.startswith("Emergency medicine given: Ben")
    assert "Alice Assistant gave Ben" in senco.body and "6 puffs of Salbutamol" in senco.body
    assert f"The record: http://127.0.0.1:8000/medication/doses/{record.pk}/" in senco.body
    assert "What happened: Wheezing and coughing after PE" in senco.body
    parent = next(m for m in mail.outbox if m.to == ["parent@test.example"])
    assert parent.subject == "Ben needed emergency medicine at school on Wednesday 18 November"
    assert "At 09:58 on Wednesday 18 November 2026, Ben needed the emergency medicine" in (
        parent.body
    )
    assert "Ben was given 6 puffs of Salbutamol." in parent.body
    assert "We phoned you." in parent.body and "999" not in parent.body
    # The staff's own words may name other children or staff: parents get the facts only.
    assert "Wheezing" not in parent.body and "What happened" not in parent.body
    assert "Alice" not in parent.body
    # Sent late (the worker was down till the next day): the date, never "today".
    assert "today" not in parent.subject + parent.body
    detail = text(client.get(r["Location"]))
    assert "Emergency recorded: 6 puffs of Salbutamol at 09:58" in detail
    assert "Given in an emergency" in detail and "breathing eased" in detail


def test_the_emergency_stands_out_on_the_mar_and_the_medication_page(world, as_user, attack):
    client = as_user(world.alice)
    assert client.post(url(attack), form(called_999="yes")).status_code == 302
    for page in (f"/pupils/{world.ben.pk}/mar/", f"/pupils/{world.ben.pk}/medication/"):
        body = text(client.get(page))
        assert '<tr class="emergency">' in body, page
        assert body.count('<strong class="badge bad">Emergency</strong>') == 1, page
        assert "999 called · parent phoned" in body, page
    # The routine dose beside it is an ordinary row.
    assert text(client.get(f"/pupils/{world.ben.pk}/mar/")).count("<tr") >= 3


def flag_rules(record) -> list[str]:
    return [f["rule"] for f in record.flags]


def test_past_the_limit_999_must_have_been_called(world, as_user, attack):
    """Past the plan's limit without 999: the puffs were given, so they are stored,
    flagged on the record, its page and the MAR, and the SENCO is told."""
    client = as_user(world.alice)
    assert client.post(url(attack), form(units="6", time="09:50")).status_code == 302
    # Four more in the same attack is ten: still within the plan.
    assert client.post(url(attack), form(units="4", time="09:55")).status_code == 302
    assert all(r.flags == [] for r in Administration.objects.filter(emergency=True))
    # Two more is past the limit with 999 not called: recorded all the same, and flagged.
    r = client.post(url(attack), form(units="2", what_happened="Still wheezing, lips pale"))
    assert r.status_code == 302
    record = Administration.objects.get(emergency=True, units=2)
    assert flag_rules(record) == ["emergency_limit"]
    words = "over the emergency limit of 10 puffs (12 puffs in this emergency) without 999 called"
    assert record.flags[0]["words"] == words
    attack.refresh_from_db()
    assert attack.stock == 200 - 2 - 12
    detail = text(client.get(r["Location"]))
    assert "Emergency - check:" in detail and "Over the emergency limit of 10 puffs" in detail
    mar = text(client.get(f"/pupils/{world.ben.pk}/mar/"))
    assert mar.count(f"Emergency - check: {words}") == 1
    page = text(client.get(f"/pupils/{world.ben.pk}/medication/"))
    assert page.count(f"Emergency - check: {words}") == 1
    run_the_worker()
    senco = next(m for m in mail.outbox if m.to == ["senco@test.example"] and "2 puffs" in m.body)
    assert f"Emergency - check: {words}." in senco.body
    # With 999 called, a run past the limit carries no flag.
    assert client.post(url(attack), form(units="2", called_999="yes")).status_code == 302
    assert Administration.objects.filter(emergency=True).count() == 4
    assert Administration.objects.filter(emergency=True, flags=[]).count() == 3


def test_a_run_typed_later_but_timed_earlier_counts_with_the_attack(world, as_user, attack):
    """The later run was typed first: the earlier one, typed afterwards, still adds up
    with it (the hour either side of its time is one attack)."""
    client = as_user(world.alice)
    assert client.post(url(attack), form(units="6", time="09:58")).status_code == 302
    assert client.post(url(attack), form(units="6", time="09:20")).status_code == 302
    typed_later = Administration.objects.get(emergency=True, given_at=at(9, 20))
    assert flag_rules(typed_later) == ["emergency_limit"]
    assert "(12 puffs in this emergency)" in typed_later.flags[0]["words"]


def test_a_correction_that_moves_a_run_into_an_attack_is_flagged(world, as_user, attack):
    client = as_user(world.alice)
    assert client.post(url(attack), form(units="6", time="09:58")).status_code == 302
    assert client.post(url(attack), form(units="6", time="08:30")).status_code == 302
    early = Administration.objects.get(emergency=True, given_at=at(8, 30))
    assert early.flags == []
    r = client.post(
        f"/medication/doses/{early.pk}/amend/",
        {"outcome": "given", "dose": "6 puffs", "date": "2026-11-18", "time": "09:30",
         "reason": "", "reactions": "", "reason_for_change": "Time from the log"},
    )  # fmt: skip
    assert r.status_code == 302
    early.refresh_from_db()
    assert early.given_at == at(9, 30) and flag_rules(early) == ["emergency_limit"]
    amendment = Amendment.objects.get(record_id=early.pk)
    assert amendment.changes["flags"] == ["", early.flags[0]["words"]]
    detail = text(client.get(f"/medication/doses/{early.pk}/"))
    assert "Emergency - check" in detail and "(12 puffs in this emergency)" in detail


def test_answers_are_required_and_kept(world, as_user, attack):
    r = as_user(world.alice).post(
        url(attack), form(units="", what_happened="", called_999=None, parent_called=None)
    )
    assert r.status_code == 422
    body = text(r)
    for words in (
        "Give how many puffs or doses were given",
        "Say what happened",
        "Say whether 999 was called",
        "Say whether a parent or carer was phoned",
    ):
        assert words in body
    assert not Administration.objects.filter(emergency=True).exists()


def test_a_medicine_not_marked_for_emergencies_is_recorded_and_flagged(world, as_user):
    """Methylphenidate is not on the plan for emergencies, is a controlled drug and was
    given without a witness: what was given is recorded, with each of those flagged."""
    client = as_user(world.alice)
    r = client.post(url(world.lunch_med), form(units="1"))
    assert r.status_code == 302
    record = Administration.objects.get(emergency=True)
    assert flag_rules(record) == ["not_emergency", "no_witness"]
    detail = text(client.get(r["Location"]))
    assert "Not on the plan for emergencies" in detail
    assert "Controlled drug given without a witness" in detail


def test_a_stopped_medicine_is_recorded_and_flagged(world, as_user, attack):
    Medicine.objects.filter(pk=attack.pk).update(active=False)
    r = as_user(world.alice).post(url(attack), form(units="2"))
    assert r.status_code == 302
    assert flag_rules(Administration.objects.get(emergency=True)) == ["stopped"]


def test_the_routine_checks_become_flags(world, as_user, attack):
    """No consent, expired, Alice's training lapsed and more puffs than the count held:
    each flagged, none refusing; the stock count's shortfall is said, not hidden."""
    Medicine.objects.filter(pk=attack.pk).update(expiry_date=dt.date(2026, 11, 1), stock=3)
    # Issue 11: consent lives in the consent app; the parent withdrew it today.
    consent_services.parent_decide(
        actor=world.pat, pupil_id=world.ben.pk, kind="medication", decision="withdrawn"
    )
    Training.objects.filter(user=world.alice, kind="medication").update(
        expires_on=dt.date(2026, 11, 10)
    )
    r = as_user(world.alice).post(url(attack), form(units="6"))
    assert r.status_code == 302
    record = Administration.objects.get(emergency=True)
    assert flag_rules(record) == ["no_consent", "no_training", "expired", "stock"]
    assert record.flags[-1]["words"] == ("stock count short: 3 held, 6 given, 3 unaccounted for")
    attack.refresh_from_db()
    assert attack.stock == 0
    audit = AuditEvent.objects.get(object_id=str(record.pk), action="create")
    assert (audit.after["stock_before"], audit.after["stock_short"]) == (3, 3)


def test_a_witness_is_taken_and_checked(world, as_user):
    client = as_user(world.alice)
    page = text(client.get(url(world.lunch_med)))
    assert "Witness" in page and "Bob Assistant" in page
    # Alice can't witness her own dose: bad input, nothing stored.
    r = client.post(url(world.lunch_med), form(units="1", witness=str(world.alice.pk)))
    assert r.status_code == 422
    assert "The witness must be a different member of staff" in text(r)
    r = client.post(url(world.lunch_med), form(units="1", witness=str(world.olga.pk)))
    assert r.status_code == 422 and not Administration.objects.exists()
    r = client.post(url(world.lunch_med), form(units="1", witness=str(world.bob.pk)))
    assert r.status_code == 302
    record = Administration.objects.get(emergency=True)
    assert record.witness == world.bob and "no_witness" not in flag_rules(record)


def test_bad_input_is_still_refused(world, as_user, attack):
    r = as_user(world.alice).post(url(attack), form(time="10:30"))
    assert r.status_code == 422
    assert "That time hasn't happened yet" in text(r)
    r = as_user(world.alice).post(url(attack), form(units="101"))
    assert r.status_code == 422
    assert not Administration.objects.filter(emergency=True).exists()


@pytest.mark.parametrize("who", ["olga", "theo", "pat", "tom"])
def test_out_of_scope_looks_like_nothing(world, as_user, attack, who):
    client = as_user(getattr(world, who))
    assert client.get(url(attack)).status_code == 404
    assert client.post(url(attack), form()).status_code == 404
    assert not Administration.objects.filter(emergency=True).exists()


def test_routine_doses_keep_the_routine_rules(world, as_user, attack):
    client = as_user(world.alice)
    assert client.post(url(attack), form()).status_code == 302
    # After the attack, a routine dose is still held to the least time between doses.
    r = client.post(
        f"/medication/{attack.pk}/give/",
        {"client_id": str(uuid.uuid4()), "outcome": "given", "dose": "2 puffs",
         "date": "2026-11-18", "time": "10:00"},
    )  # fmt: skip
    assert r.status_code == 409 and "Too soon" in text(r)


def test_an_emergency_record_keeps_what_was_given(world, as_user, attack):
    client = as_user(world.alice)
    client.post(url(attack), form())
    record = Administration.objects.get(emergency=True)
    r = client.post(
        f"/medication/doses/{record.pk}/amend/",
        {"outcome": "refused", "dose": "6 puffs", "date": "2026-11-18", "time": "09:58",
         "reason": "", "reactions": "", "reason_for_change": "Mistake"},
    )  # fmt: skip
    assert r.status_code == 422
    assert "An emergency record keeps what was given" in text(r)
    record.refresh_from_db()
    assert record.outcome == "given"
    r = client.post(
        f"/medication/doses/{record.pk}/amend/",
        {"outcome": "given", "dose": "6 puffs", "date": "2026-11-18", "time": "09:57",
         "reason": "", "reactions": "Shaky hands", "reason_for_change": "Time from the log"},
    )  # fmt: skip
    assert r.status_code == 302
    record.refresh_from_db()
    assert record.reactions == "Shaky hands" and record.units == 6


def test_the_api_records_and_shows_an_emergency(world, api, attack):
    body = {
        "client_id": str(uuid.uuid4()), "medicine_id": str(attack.pk),
        "given_at": at(9, 58).isoformat(), "emergency": True, "units": 3,
        "what_happened": "Wheeze in the playground", "called_999": False,
        "parent_called": True,
    }  # fmt: skip
    r = api.post(world.alice, "/medication/administrations", body)
    assert r.status_code == 201, r.content
    out = r.json()
    assert (out["emergency"], out["units"], out["dose"], out["stock_after"]) == (
        True,
        3,
        "3 puffs",
        195,
    )
    assert out["what_happened"] == "Wheeze in the playground" and out["parent_called"] is True
    again = api.post(world.alice, "/medication/administrations", body)
    assert again.status_code == 200 and again.json()["id"] == out["id"]
    assert (out["flags"], out["notified_at"]) == ([], None)
    over = {**body, "client_id": str(uuid.uuid4()), "units": 8}
    r = api.post(world.alice, "/medication/administrations", over)
    assert r.status_code == 201
    assert [f["rule"] for f in r.json()["flags"]] == ["emergency_limit"]
    mar = api.get(world.alice, f"/pupils/{world.ben.pk}/mar").json()
    emergency = [d for d in mar["as_needed"] if d["emergency"]]
    assert sorted(d["units"] for d in emergency) == [3, 8]
    meds = api.get(world.alice, f"/pupils/{world.ben.pk}/medication").json()["medicines"]
    inhaler = next(m for m in meds if m["id"] == str(attack.pk))
    assert (inhaler["emergency_use"], inhaler["emergency_limit"]) == (True, 10)


def test_the_senco_marks_a_medicine_for_emergencies(world, as_user):
    client = as_user(world.senco)
    page = client.get(f"/medicines/{world.inhaler.pk}/edit/")
    assert "May be given in an emergency" in text(page)

    data = {
        k: ("" if v is None else v) for k, v in MedicineForm.initial_from(world.inhaler).items()
    }
    data.update({"healthcare_plan": str(world.ihcp.pk), "as_needed": "on",
                 "emergency_use": "on", "emergency_dose": "", "emergency_limit": "10"})  # fmt: skip
    data = {k: v for k, v in data.items() if v is not False}
    data["expiry_date"] = "2027-06-30"
    data["consent_on"] = "2026-09-02"
    r = client.post(f"/medicines/{world.inhaler.pk}/edit/", data)
    assert r.status_code == 422
    assert "Say the emergency dose, as the plan says." in text(r)
    data["emergency_dose"] = "1 puff a minute, up to 10"
    r = client.post(f"/medicines/{world.inhaler.pk}/edit/", data)
    assert r.status_code == 302, text(r)[:3000]
    world.inhaler.refresh_from_db()
    assert world.inhaler.emergency_use and world.inhaler.emergency_limit == 10


class BrokenBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def test_a_mail_server_that_is_down_loses_nothing(world, as_user, attack, settings, caplog, now):
    settings.EMAIL_BACKEND = "tests.medication.test_emergency.BrokenBackend"
    client = as_user(world.alice)
    r = client.post(url(attack), form())
    assert r.status_code == 302
    run_the_worker()
    record = Administration.objects.get(emergency=True)
    assert record.notified_at is None
    # This attempt failed; the next is queued.
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1
    again = DBTaskResult.objects.get(status="READY")
    assert again.args_kwargs["args"] == [str(record.pk), 2]
    assert again.run_after > record.recorded_at  # later, not straight away
    assert TimelineEntry.objects.filter(ref_id=str(record.pk)).exists()
    assert "the e-mails could not be sent" in caplog.text
    assert "SENCO and parents not yet e-mailed" in text(client.get(r["Location"]))
    # Not yet due: the worker leaves it.
    run_the_worker()
    assert DBTaskResult.objects.get(pk=again.pk).status == "READY"
    # The mail server is back by the time the retry is due.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    now.shift(dt.timedelta(minutes=2))
    run_the_worker()
    record.refresh_from_db()
    assert record.notified_at is not None
    # Noting that the e-mails went is a change to the record: audited, by the worker.
    noted = AuditEvent.objects.get(object_id=str(record.pk), action="update")
    assert (noted.actor, noted.action, noted.before) == (None, "update", {"notified_at": None})
    assert len(mail.outbox) == 2
    assert "SENCO and parents not yet e-mailed" not in text(client.get(r["Location"]))


def test_the_mail_server_down_for_good_is_given_up_on(world, as_user, attack, settings, now):
    settings.EMAIL_BACKEND = "tests.medication.test_emergency.BrokenBackend"
    assert as_user(world.alice).post(url(attack), form()).status_code == 302
    for _ in range(8):
        run_the_worker()
        now.shift(dt.timedelta(hours=3))
    assert DBTaskResult.objects.filter(status="FAILED").count() == 5
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert Administration.objects.get(emergency=True).notified_at is None


def test_each_emergency_link_names_its_medicine(world, as_user, attack):
    """Screen-reader users tabbing through the links hear which medicine each is for."""
    body = text(as_user(world.alice).get(f"/pupils/{world.ben.pk}/medication/"))
    link = (
        f'<a class="button danger" href="{url(attack)}">Emergency dose'
        '<span class="visually-hidden"> of Salbutamol</span></a>'
    )
    assert link in body


def test_the_dose_email_is_recorded_when_the_pupil_has_left_since(world, as_user, attack):
    """The pupil leaves between the dose and the worker's e-mail: the e-mails went, so the
    dose record still notes when, though the record is otherwise read-only."""
    assert as_user(world.alice).post(url(attack), form()).status_code == 302
    left = {"left_on": TODAY, "reason": "moved_away"}
    pupil_leave(actor=world.senco, pupil=attack.pupil, data=left)
    run_the_worker()
    record = Administration.objects.get(emergency=True)
    assert mail.outbox and record.notified_at is not None
