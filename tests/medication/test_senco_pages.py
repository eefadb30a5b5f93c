"""Healthcare plans and medicines, written by the SENCO or head: what is checked, what is
audited, and that nobody else can reach the pages."""

import datetime as dt
import uuid

import pytest

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.medication.models import HealthcarePlan, Medicine
from sendesk.pupils.models import TimelineEntry

from .conftest import text

IHCP = {
    "conditions": "Epilepsy (tonic-clonic seizures)",
    "triggers": "Tiredness, missed meals",
    "signs": "Staring, then stiffening",
    "daily_care": "",
    "emergency": "Time the seizure; buccal midazolam after 5 minutes; call 999",
    "who_to_call": "Dad (07700 900456)",
    "review_date": "2027-09-01",
    "consent_by": "Mr Dale",
    "consent_on": "2026-11-10",
    "consent_document": "Medical file, form 2026-30",
}

MEDICINE = {
    "name": "Midazolam",
    "form": "buccal",
    "strength": "10 mg/ml",
    "dose": "0.5 ml",
    "dose_units": "1",
    "route": "buccal",
    "times": "",
    "as_needed": "on",
    "as_needed_when": "Seizure lasting over 5 minutes",
    "min_interval_minutes": "720",
    "max_per_24h": "1",
    "storage": "Office, red box",
    "expiry_date": "2027-05-01",
    "stock": "4",
    "low_stock_at": "1",
    "training": "buccal_midazolam",
    "consent_by": "Mr Dale",
    "consent_on": "2026-11-10",
}


def test_senco_writes_a_healthcare_plan_linked_to_the_ehc_plan(world, as_user):
    w = world
    client = as_user(w.senco)
    assert client.get(f"/pupils/{w.ben.pk}/healthcare-plans/new/").status_code == 200
    r = client.post(f"/pupils/{w.ben.pk}/healthcare-plans/new/", {**IHCP, "ehc_plan": w.plan.pk})
    assert r.status_code == 302
    plan = HealthcarePlan.objects.get(conditions__startswith="Epilepsy")
    assert (plan.ehc_plan, plan.created_by, plan.consent_by) == (w.plan, w.senco, "Mr Dale")
    assert plan.consent_on == dt.date(2026, 11, 10) and plan.has_consent
    assert AuditEvent.objects.filter(object_id=str(plan.pk), action="create").exists()
    assert TimelineEntry.objects.filter(pupil=w.ben, title__startswith="Healthcare plan written")


def test_a_healthcare_plan_with_gaps_is_refused_keeping_what_was_typed(world, as_user):
    w = world
    url = f"/pupils/{w.ben.pk}/healthcare-plans/new/"
    r = as_user(w.senco).post(url, {**IHCP, "emergency": "", "consent_on": ""})
    assert r.status_code == 422
    page = text(r)
    assert "Say what to do in an emergency." in page
    assert "Say when consent was given." in page
    assert "Tiredness, missed meals" in page
    # The behaviour plan is not an EHC plan.
    r = as_user(w.senco).post(url, {**IHCP, "ehc_plan": w.ibp.pk})
    assert r.status_code == 422
    assert "Choose this pupil's EHC plan, or none." in text(r)
    assert HealthcarePlan.objects.count() == 1


def test_senco_edits_the_plan_and_the_change_is_audited(world, as_user):
    w = world
    client = as_user(w.senco)
    url = f"/healthcare-plans/{w.ihcp.pk}/edit/"
    page = text(client.get(url))
    assert "Cold air, exercise, dust" in page
    data = {
        "conditions": "Asthma",
        "triggers": "Cold air, exercise, dust, cats",
        "signs": "Wheeze",
        "emergency": "Two puffs, call 999 if no better",
        "who_to_call": "Mum",
        "review_date": "2027-09-01",
        "consent_by": "Mrs Brown",
        "consent_on": "2026-09-02",
        "active": "on",
    }
    assert client.post(url, data).status_code == 302
    w.ihcp.refresh_from_db()
    assert w.ihcp.triggers == "Cold air, exercise, dust, cats"
    audit = AuditEvent.objects.get(object_id=str(w.ihcp.pk), action="update")
    assert audit.before["triggers"] == "Cold air, exercise, dust"
    assert AccessEvent.objects.filter(actor=w.senco, what="healthcare plan (edit)").exists()


def test_senco_adds_a_medicine(world, as_user):
    w = world
    r = as_user(w.senco).post(f"/pupils/{w.dan.pk}/medicines/new/", MEDICINE)
    assert r.status_code == 302, text(r)[:3000]
    m = Medicine.objects.get(name="Midazolam")
    assert (m.pupil, m.as_needed, m.min_interval_minutes, m.max_per_24h) == (w.dan, True, 720, 1)
    assert (m.training, m.stock, m.times) == ("buccal_midazolam", 4, [])
    assert AuditEvent.objects.filter(object_id=str(m.pk), action="create").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"times": "12:60", "as_needed": ""}, "Write each time as HH:MM"),
        ({"times": "", "as_needed": ""}, "Give the fixed times it is due"),
        ({"min_interval_minutes": ""}, "least time between two doses"),
        ({"max_per_24h": "30"}, "The most doses in 24 hours is 1 to 24."),
        ({"expiry_date": "2026-10-01"}, "This medicine has expired"),
        ({"stock": "-1"}, "Give the units held now"),
        ({"stock": "many"}, "Give a whole number."),
        ({"form": "smoke"}, "Choose the form"),
        ({"consent_by": ""}, "Say who gave consent"),
        ({"times": "08:00, 10:00", "min_interval_minutes": "240"}, "closer than the least time"),
    ],
)
def test_medicine_schedule_and_fields_are_checked(world, as_user, change, message):
    r = as_user(world.senco).post(f"/pupils/{world.dan.pk}/medicines/new/", {**MEDICINE, **change})
    assert r.status_code == 422
    page = text(r)
    assert message in page
    assert 'value="Office, red box"' in page
    assert not Medicine.objects.filter(name="Midazolam").exists()


def test_senco_edits_a_medicine_but_not_its_stock(world, as_user):
    w = world
    client = as_user(w.senco)
    url = f"/medicines/{w.lunch_med.pk}/edit/"
    page = text(client.get(url))
    assert 'value="12:00"' in page and 'name="stock"' not in page
    data = {
        "name": "Methylphenidate",
        "form": "tablet",
        "strength": "10 mg",
        "dose": "1 tablet",
        "dose_units": "1",
        "route": "oral",
        "times": "12:15",
        "storage": "Office locked cabinet",
        "expiry_date": "2027-03-31",
        "low_stock_at": "5",
        "controlled": "on",
        "training": "medication",
        "consent_by": "Mrs Brown",
        "consent_on": "2026-09-02",
        "stock": "999",
    }
    assert client.post(url, data).status_code == 302
    w.lunch_med.refresh_from_db()
    assert (w.lunch_med.times, w.lunch_med.stock) == (["12:15"], 20)
    assert AuditEvent.objects.get(object_id=str(w.lunch_med.pk), action="update").before[
        "times"
    ] == ["12:00"]


def test_a_delivery_adds_stock_and_is_audited(world, as_user):
    w = world
    client = as_user(w.senco)
    url = f"/medicines/{w.inhaler.pk}/stock/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"quantity": "200", "expiry_date": "2027-10-31", "note": "From Mum"})
    assert r.status_code == 302
    w.inhaler.refresh_from_db()
    assert (w.inhaler.stock, w.inhaler.expiry_date) == (400, dt.date(2027, 10, 31))
    audit = AuditEvent.objects.get(object_id=str(w.inhaler.pk), after__event="stock_received")
    assert audit.action == "update"
    assert (audit.before["stock"], audit.after["stock"], audit.after["received"]) == (200, 400, 200)
    r = client.post(url, {"quantity": "0"})
    assert r.status_code == 422 and "Give the units received" in text(r)


def test_stopping_a_medicine_keeps_it_and_its_doses(world, as_user):
    w = world
    client = as_user(w.senco)
    url = f"/medicines/{w.inhaler.pk}/stop/"
    assert client.post(url, {"reason": ""}).status_code == 422
    assert client.post(url, {"reason": "GP stopped it"}).status_code == 302
    w.inhaler.refresh_from_db()
    assert w.inhaler.active is False
    audit = AuditEvent.objects.get(object_id=str(w.inhaler.pk), after__event="stopped")
    assert (audit.action, audit.before["active"], audit.after["reason"]) == (
        "update",
        True,
        "GP stopped it",
    )
    page = text(as_user(w.alice).get("/medication/"))
    assert "Give Salbutamol" not in page
    assert "Stopped medicines" in text(client.get(f"/pupils/{w.ben.pk}/medication/"))


@pytest.mark.parametrize("person", ["alice", "tess", "hana", "dsl", "bob", "olga", "theo"])
def test_only_senco_and_head_reach_the_writing_pages(world, as_user, person):
    w = world
    client = as_user(getattr(w, person))
    paths = [
        f"/pupils/{w.ben.pk}/healthcare-plans/new/",
        f"/healthcare-plans/{w.ihcp.pk}/edit/",
        f"/pupils/{w.ben.pk}/medicines/new/",
        f"/medicines/{w.inhaler.pk}/edit/",
        f"/medicines/{w.inhaler.pk}/stock/",
        f"/medicines/{w.inhaler.pk}/stop/",
    ]
    for path in paths:
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"quantity": "5", "reason": "x"}).status_code == 404, path
    ghost = client.get(f"/medicines/{uuid.uuid4()}/edit/")
    assert client.get(paths[3]).content == ghost.content
    w.inhaler.refresh_from_db()
    assert (w.inhaler.stock, w.inhaler.active) == (200, True)


def test_the_head_may_write_too(world, as_user):
    r = as_user(world.head).get(f"/pupils/{world.ben.pk}/medicines/new/")
    assert r.status_code == 200
