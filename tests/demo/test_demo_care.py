"""The demo school's care and health records (issue 4): ta1's 1:1 pupil's asthma plan,
inhaler and lunchtime medicine with this term's doses; ta2 untrained but deployed to them;
a pupil with toileting and hoist plans needing two staff; a hoist due in a week or two; a speech
and language programme delivered by TAs with the therapist's login; the parent's login.
Time frozen at the test world's Wednesday 18 November 2026, 10:00."""

import datetime as dt
from collections import Counter

import pytest
from django.conf import settings
from django.utils import timezone

from sendesk import access
from sendesk.accounts.models import User
from sendesk.care.models import CareEvent, CarePlan, Equipment
from sendesk.demo.care import INHALER_STOCK, LUNCH_STOCK
from sendesk.family.models import ParentLink
from sendesk.medication.models import Administration, HealthcarePlan, Medicine
from sendesk.provision.models import Provision, Session
from sendesk.provision.selectors import my_day
from sendesk.pupils.models import Deployment, TimelineEntry
from sendesk.schools.calendar import Calendar
from sendesk.schools.models import Role, School, StaffRole, Term
from sendesk.signin import mfa
from sendesk.staff.models import Training, training_status
from sendesk.therapy.models import Programme, ProgrammeReview, Referral
from sendesk.therapy.selectors import referred_pupils
from tests.second_factor import code_for
from tests.world import TODAY

from ..second_factor import verified_login

DOMAIN = "oakfield.example"


def login(key):
    return User.objects.get(email=f"{key}@{DOMAIN}")


def local(moment):
    return timezone.localtime(moment)


@pytest.fixture
def school(demo):
    return School.objects.get(name="Oakfield Primary")


@pytest.fixture
def pupil(school):
    """ta1's 1:1 pupil with the medicines."""
    medicines = Medicine.objects.filter(
        pupil__school=school,
        pupil__deployments__in=Deployment.objects.standing().filter(staff=login("ta1")),
    ).select_related("pupil")
    pupils = {m.pupil for m in medicines}
    assert len(pupils) == 1
    return pupils.pop()


def test_ta1s_pupil_has_an_asthma_plan_an_inhaler_and_a_lunchtime_medicine(pupil):
    ta1 = login("ta1")
    assert Deployment.objects.filter(staff=ta1, pupil=pupil, kind="one_to_one").exists()
    assert pupil.sen_status == "E"
    daily = Provision.objects.current_on(TODAY).filter(
        pupil=pupil, days="12345", targets__isnull=False
    )
    assert daily.exists()
    assert set(daily.values_list("pk", flat=True)) <= {p.pk for p, _ in my_day(ta1, TODAY)}

    ihcp = HealthcarePlan.objects.get(pupil=pupil)
    assert "Asthma" in ihcp.conditions and ihcp.emergency and ihcp.who_to_call
    assert ihcp.has_consent and ihcp.consent_document and ihcp.review_date > TODAY
    assert ihcp.ehc_plan is not None and ihcp.ehc_plan.pupil_id == pupil.pk
    inhaler = Medicine.objects.get(pupil=pupil, as_needed=True)
    assert (inhaler.name, inhaler.form, inhaler.dose, inhaler.dose_units) == (
        "Salbutamol",
        "inhaler",
        "2 puffs",
        2,
    )
    assert (inhaler.min_interval_minutes, inhaler.max_per_24h, inhaler.times) == (240, 4, [])
    assert inhaler.has_consent and inhaler.healthcare_plan == ihcp
    # The plan's attack steps: the inhaler may be given in an emergency, up to 10 puffs.
    assert (inhaler.emergency_use, inhaler.emergency_limit) == (True, 10)
    assert inhaler.emergency_dose and "10 puffs" in ihcp.emergency
    assert inhaler.expiry_date.year == TODAY.year + 1 and inhaler.stock > inhaler.low_stock_at
    lunch = Medicine.objects.get(pupil=pupil, as_needed=False)
    assert lunch.times == ["12:15"] and not lunch.controlled and lunch.has_consent
    assert lunch.expiry_date > TODAY and lunch.stock > lunch.low_stock_at
    for record in (ihcp, inhaler, lunch):
        record.full_clean()


def test_the_lunchtime_dose_is_given_most_days_refused_now_and_then_missed_twice(pupil, school):
    lunch = Medicine.objects.get(pupil=pupil, as_needed=False)
    doses = list(Administration.objects.filter(medicine=lunch))
    term = Term.objects.get(school=school, start__lte=TODAY, end__gte=TODAY)
    calendar = Calendar.load(school.pk, term.start, TODAY)
    school_days = [
        term.start + dt.timedelta(days=n)
        for n in range((TODAY - term.start).days)
        if calendar.is_school_day(term.start + dt.timedelta(days=n))
    ]
    by_day = Counter(local(d.due_at).date() for d in doses)
    assert max(by_day.values()) == 1  # one record per scheduled dose
    assert set(by_day) < set(school_days)
    assert 1 <= len(set(school_days) - set(by_day)) <= 2  # the missed doses: no record
    outcomes = Counter(d.outcome for d in doses)
    assert outcomes["given"] > 0.85 * len(doses) and outcomes["refused"] >= 1
    for d in doses:
        assert local(d.due_at).time() == dt.time(12, 15)
        assert d.due_at <= d.given_at <= d.due_at + dt.timedelta(minutes=20)
        assert d.given_at < d.recorded_at
        assert bool(d.reason) == (d.outcome != "given")
        d.full_clean()
    assert lunch.stock == LUNCH_STOCK - lunch.dose_units * outcomes["given"]


def test_the_inhaler_never_breaks_its_interval_or_daily_maximum(pupil):
    inhaler = Medicine.objects.get(pupil=pupil, as_needed=True)
    doses = list(Administration.objects.filter(medicine=inhaler).order_by("given_at"))
    assert len(doses) >= 3
    assert {d.outcome for d in doses} == {"given"} and {d.due_at for d in doses} == {None}
    gap = dt.timedelta(minutes=inhaler.min_interval_minutes)
    for before, after in zip(doses, doses[1:], strict=False):
        assert after.given_at - before.given_at >= gap
    for d in doses:
        window = [e for e in doses if dt.timedelta(0) <= d.given_at - e.given_at < dt.timedelta(1)]
        assert len(window) <= inhaler.max_per_24h
        assert dt.time(9) <= local(d.given_at).time() <= dt.time(15, 15)
        assert local(d.given_at).date() < TODAY
    assert inhaler.stock == INHALER_STOCK - inhaler.dose_units * len(doses)


def test_doses_by_trained_staff_each_with_its_timeline_line(pupil):
    doses = list(Administration.objects.filter(pupil=pupil).select_related("medicine"))
    for d in doses:
        day = local(d.given_at).date()
        assert training_status([d.given_by_id], "medication", day)[d.given_by_id] == "current"
        assert d.given_by.pk in {u.pk for u in access_adults(pupil, day)}
    lines = TimelineEntry.objects.filter(pupil=pupil, kind="medication")
    entries = lines.filter(ref_type="administration")
    assert sorted(entries.values_list("ref_id", flat=True)) == sorted(str(d.pk) for d in doses)
    # And the lines for the healthcare plan and the two medicines being added.
    assert Counter(lines.exclude(ref_type="administration").values_list("ref_type", flat=True)) == {
        "healthcareplan": 1,
        "medicine": 2,
    }
    refused = next(d for d in doses if d.outcome == "refused")
    line = entries.get(ref_id=str(refused.pk))
    assert "refused" in line.title and line.body == refused.reason
    assert line.occurred_at == refused.given_at and line.actor_id == refused.given_by_id


def access_adults(pupil, day):
    """The adults deployed to `pupil` on `day` (1:1 or key adult)."""
    return [
        d.staff
        for d in Deployment.objects.filter(pupil=pupil, start__lte=day).select_related("staff")
    ]


def test_ta1_is_medication_trained_and_ta2_is_not_but_supports_the_pupil(pupil):
    ta1, ta2 = login("ta1"), login("ta2")
    status = training_status([ta1.pk, ta2.pk], Training.Kind.MEDICATION, TODAY)
    assert status == {ta1.pk: "current", ta2.pk: "none"}
    assert not Training.objects.filter(user=ta2, kind=Training.Kind.MEDICATION).exists()
    assert Deployment.objects.filter(staff=ta2, pupil=pupil, kind="key_adult").exists()
    assert access.visible_pupils(ta2, TODAY).filter(pk=pupil.pk).exists()
    assert not Administration.objects.filter(given_by=ta2).exists()


def test_a_pupil_with_intimate_care_for_two_staff_deployed_to_ta1(school):
    ta1 = login("ta1")
    plan = CarePlan.objects.select_related("pupil").get(
        pupil__school=school, kind=CarePlan.Kind.TOILETING
    )
    assert plan.staff_required == 2 and plan.has_consent and plan.routine
    assert Deployment.objects.filter(
        staff=ta1, pupil=plan.pupil, kind__in=["one_to_one", "key_adult"]
    ).exists()
    events = list(CareEvent.objects.filter(care_plan=plan))
    assert len(events) >= 20
    days = {local(e.occurred_at).date() for e in events}
    assert (max(days) - min(days)).days >= 14 and max(days) < TODAY
    people = set()
    for e in events:
        pair = {e.by_id, e.second_staff_id}
        assert len(pair) == 2 and ta1.pk in pair
        people |= pair
        assert e.observations and e.pupil_id == plan.pupil_id and e.recorded_at > e.occurred_at
        e.full_clean()
    assert len(people) == 2
    status = training_status(people, Training.Kind.INTIMATE_CARE, min(days))
    assert set(status.values()) == {"current"}
    assert training_status(people, Training.Kind.INTIMATE_CARE, TODAY) == status
    entries = TimelineEntry.objects.filter(pupil=plan.pupil, kind="care", ref_type="careevent")
    mine = entries.filter(ref_id__in=[str(e.pk) for e in events])
    assert mine.count() == len(events)
    assert all(e.title.startswith("Toileting and continence: ") for e in mine)
    assert TimelineEntry.objects.filter(pupil=plan.pupil, kind="care_plan").count() == 2


def test_equipment_a_hoist_due_next_week_and_a_hoist_plan(school):
    hoists = Equipment.objects.filter(school=school, kind="hoist").order_by("next_inspection")
    ceiling = hoists[0]
    assert "Ceiling hoist" in ceiling.name
    assert 5 <= (ceiling.next_inspection - TODAY).days <= 14
    assert ceiling.next_inspection.weekday() < 5
    last, due = ceiling.last_inspected, ceiling.next_inspection
    assert (due.year - last.year) * 12 + due.month - last.month == 6 and last.day == due.day
    rest = Equipment.objects.filter(school=school).exclude(pk=ceiling.pk)
    assert {e.kind for e in rest} == {"hoist", "sling"}
    for item in rest:
        assert item.next_inspection > TODAY + dt.timedelta(days=30) and item.in_service
        assert item.last_inspected < TODAY
    for item in Equipment.objects.filter(school=school):
        item.full_clean()

    plan = CarePlan.objects.get(pupil__school=school, kind=CarePlan.Kind.MOVING_HANDLING)
    assert plan.staff_required == 2 and plan.has_consent and plan.sling_size and plan.transfers
    assert plan.training == Training.Kind.MOVING_HANDLING
    assert ceiling in plan.equipment.all()
    assert plan.equipment.filter(kind="sling", pupil=plan.pupil).exists()
    events = CareEvent.objects.filter(care_plan=plan)
    assert events.exists() and all(e.second_staff_id for e in events)
    people = {e.by_id for e in events} | {e.second_staff_id for e in events}
    assert set(training_status(people, "moving_handling", TODAY).values()) == {"current"}


def test_a_speech_and_language_programme_delivered_by_tas(school):
    slt = login("slt")
    assert list(StaffRole.objects.filter(user=slt).values_list("school", "role")) == [
        (school.pk, Role.THERAPIST)
    ]
    referrals = list(Referral.objects.filter(therapist=slt).select_related("pupil"))
    assert 1 <= len(referrals) <= 2
    referred = {r.pupil_id for r in referrals}
    assert set(referred_pupils(slt, TODAY).values_list("pk", flat=True)) == referred
    assert not access.visible_pupils(slt, TODAY).exists()
    for referral in referrals:
        assert referral.discipline == "slt" and referral.consent_by
        assert referral.consent_on <= referral.start <= TODAY
        referral.full_clean()
        programme = Programme.objects.select_related("provision").get(referral=referral)
        assert programme.goals and programme.activities and programme.pupil_id == referral.pupil_id
        prov = programme.provision
        assert (prov.kind, prov.staffing, prov.days) == ("therapy", "ta", "24")
        assert (prov.sessions_per_week, prov.session_minutes, prov.weekly_minutes) == (2, 20, 40)
        sessions = Session.objects.filter(provision=prov)
        assert sessions.filter(delivered=True).count() >= 10
        assert {d.isoweekday() for d in sessions.values_list("date", flat=True)} <= {2, 4}
        recorders = StaffRole.objects.filter(
            user__in=sessions.values("recorded_by"), school=school
        ).values_list("role", flat=True)
        assert set(recorders) == {Role.TA}
        reviews = list(ProgrammeReview.objects.filter(programme=programme).order_by("at"))
        assert 1 <= len(reviews) <= 2
        assert all(r.by_id == slt.pk and r.note and r.changes for r in reviews)
        assert programme.updated_at == reviews[-1].at and programme.updated_by_id == slt.pk
        for field, (old, new) in reviews[-1].changes.items():
            assert getattr(programme, field) == new != old
        # The timeline lines the therapy services write.
        lines = TimelineEntry.objects.filter(pupil=referral.pupil)
        assert lines.filter(kind="referral", ref_id=str(referral.pk)).count() == 1
        assert lines.filter(kind="provision", ref_type="programme").count() == 1
        assert lines.filter(kind="programme_review").count() == len(reviews)


def test_the_parent_sees_one_child(pupil):
    parent = login("parent")
    assert not StaffRole.objects.filter(user=parent).exists()
    [link] = ParentLink.objects.filter(user=parent)
    assert (link.pupil_id, link.relationship, link.active) == (pupil.pk, "Mother", True)
    assert list(access.children_of(parent)) == [pupil]
    assert not access.visible_pupils(parent, TODAY).exists()
    assert Medicine.objects.filter(pupil=pupil).first().consent_by == parent.full_name


def test_the_therapist_and_the_parent_log_in_and_are_printed(demo, client, pupil):
    for key in ("slt", "parent"):
        email = f"{key}@{DOMAIN}"
        assert email in demo
        r = client.post("/login/", {"username": email, "password": settings.DEMO_PASSWORD})
        assert r.status_code == 302, email
        client.logout()
    assert f"parent: mother of {pupil.name}" in demo
    assert "sees only" in demo.split(f"parent@{DOMAIN}")[1].splitlines()[0]
    assert f"Medication: {pupil.name} (1:1 with ta1)" in demo
    hoist = Equipment.objects.filter(kind="hoist").order_by("next_inspection").first()
    assert f"due for inspection on {hoist.next_inspection:%A %-d %B}" in demo


def test_the_demo_over_the_api_as_ta1_ta2_the_therapist_and_the_parent(pupil, school, client):
    """The contract's endpoints on the demo data, with the demo logins: the rules the demo
    is there to show refuse and accept what they should."""

    def token(key):
        body = {"email": f"{key}@{DOMAIN}", "password": settings.DEMO_PASSWORD}
        person = User.objects.get(email=body["email"])
        if mfa.has_second_factor(person):  # the demo's authenticator, as seed_demo set it up
            body["otp"] = code_for(person)
        r = client.post("/api/v1/auth/token", body, content_type="application/json")
        assert r.status_code == 200, r.content
        return {"HTTP_AUTHORIZATION": f"Bearer {r.json()['token']}"}

    def give(who, medicine, at, client_id):
        return client.post(
            "/api/v1/medication/administrations",
            {
                "client_id": client_id,
                "medicine_id": str(medicine.pk),
                "given_at": at,
                "outcome": "given",
                "dose": medicine.dose,
            },
            content_type="application/json",
            **who,
        )

    inhaler = Medicine.objects.get(pupil=pupil, as_needed=True)
    ta1, ta2 = token("ta1"), token("ta2")
    # ta2 supports the pupil at lunchtimes but has no medication training.
    r = give(ta2, inhaler, "2026-11-18T09:55", "8f7c1f0e-0000-4000-8000-000000000001")
    assert r.status_code == 403, r.content
    # ta1 gives it; a second dose five minutes later is inside the 4-hour interval.
    r = give(ta1, inhaler, "2026-11-18T09:55", "8f7c1f0e-0000-4000-8000-000000000002")
    assert r.status_code == 201, r.content
    r = give(ta1, inhaler, "2026-11-18T10:00", "8f7c1f0e-0000-4000-8000-000000000003")
    assert r.status_code == 409, r.content
    inhaler.refresh_from_db()
    given = Administration.objects.filter(medicine=inhaler, outcome="given").count()
    assert inhaler.stock == INHALER_STOCK - inhaler.dose_units * given

    r = client.get(f"/api/v1/pupils/{pupil.pk}/medication", **ta1)
    assert r.status_code == 200
    r = client.get(f"/api/v1/pupils/{pupil.pk}/mar", {"month": "2026-11"}, **token("senco"))
    assert r.status_code == 200

    plan = CarePlan.objects.get(pupil__school=school, kind=CarePlan.Kind.TOILETING)
    r = client.get(f"/api/v1/pupils/{plan.pupil_id}/care-plans", **ta1)
    assert r.status_code == 200 and len(r.json()["items"]) == 2
    second = CareEvent.objects.filter(care_plan=plan).exclude(by=login("ta1")).first().by
    event = {
        "care_plan_id": str(plan.pk),
        "occurred_at": "2026-11-18T09:45",
        "kind": "pad change",
        "observations": "Skin intact.",
    }
    r = client.post(
        "/api/v1/care/events",
        {**event, "client_id": "8f7c1f0e-0000-4000-8000-000000000004"},
        content_type="application/json",
        **ta1,
    )
    assert r.status_code == 422, r.content  # the plan needs two staff
    r = client.post(
        "/api/v1/care/events",
        {
            **event,
            "client_id": "8f7c1f0e-0000-4000-8000-000000000005",
            "second_staff_id": second.pk,
        },
        content_type="application/json",
        **ta1,
    )
    assert r.status_code == 201, r.content

    # The therapist reaches the referred pupils' programmes and nothing else.
    slt = token("slt")
    r = client.get("/api/v1/therapy/pupils", **slt)
    assert r.status_code == 200
    referred = {
        str(pk)
        for pk in Referral.objects.filter(therapist=login("slt")).values_list("pupil_id", flat=True)
    }
    assert {item["id"] for item in r.json()["items"]} == referred
    assert client.get(f"/api/v1/pupils/{pupil.pk}/medication", **slt).status_code == 404

    # The parent sees their child's pages and no one else's.
    verified_login(client, login("parent"))
    r = client.get(f"/family/children/{pupil.pk}/")
    assert r.status_code == 200 and pupil.legal_first_name in r.content.decode()
    assert client.get(f"/family/children/{plan.pupil_id}/").status_code == 404
