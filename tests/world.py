"""The small school every test speaks to, with named people in each role.

Test Primary (Test Trust), autumn term 2026, "today" is Wednesday 18 November 2026:
- Sam Senco (senco@), Helen Head (head@), Dee Dsl (dsl@): whole school.
- Tess Teacher teaches 3A; Tom Teacher teaches 4B.
- Alice Assistant (TA) is 1:1 with Ben; Bob Assistant (TA) is deployed to nobody.
- Hana Hlta (HLTA) supports group 4B.
- Pupils: Ben Brown (3A, EHC plan, 1:1 with Alice), Cara Clark (4B, SEN support),
  Dan Dale (3A, SEN support, no TA).
- Other School (same trust): Olga Other (SENCO there only) and pupil Olly Oak.

Ben has an active EHC plan with two targets and two provisions:
"Talk Boost" 5 × 30 min (Mon–Fri) and "Precision teaching" 3 × 20 min (Mon, Wed, Fri).
Ben also has an active IBP (`ibp`) with triggers, early signs, what to avoid and two agreed
strategies (`calm_corner`, `first_then`).

Training: Alice's positive handling is current (to 2027), Bob's expired in 2025, Hana has
none; Alice's medication and intimate care training are current; nobody else has either.

Care and health (issue 4): Ben has an asthma healthcare plan (`ihcp`), a salbutamol inhaler
(`inhaler`: as needed, at least 4 h apart, at most 4 in 24 h, 2 puffs a dose, stock 200)
and a controlled lunchtime medicine (`lunch_med`: methylphenidate at 12:00, a witness
needed, stock 20), both with consent. Ben has a toileting care plan (`toileting`) needing
two staff. The school has a hoist (`hoist`) due for inspection on 20 November 2026.
Theo Therapist (slt@, role therapist) has a speech and language referral for Ben (not Cara)
and a programme (`programme`) delivered through Ben's "Talk Boost" provision (`talk`).
Pat Parent (parent@, no staff role) is linked to Ben.
"""

import datetime as dt
from types import SimpleNamespace

from sendesk.accounts.models import User
from sendesk.behaviour.models import BehaviourPlan, BehaviourStrategy
from sendesk.care.models import CarePlan, Equipment
from sendesk.consent.models import Consent
from sendesk.family.models import ParentLink
from sendesk.medication.models import HealthcarePlan, Medicine
from sendesk.plans.models import Outcome, Plan, Target
from sendesk.provision.models import Provision
from sendesk.pupils.models import Deployment, Pupil, PupilNeed, SenStatusPeriod, Strategy
from sendesk.pupils.upn import make_upn
from sendesk.schools.models import (
    Closure,
    Role,
    School,
    StaffRole,
    TeachingGroup,
    Term,
    Trust,
    YearGroup,
)
from sendesk.staff.models import Training
from sendesk.therapy.models import Programme, Referral

PASSWORD = "test-password-123"
TODAY = dt.date(2026, 11, 18)  # a Wednesday in the autumn term
AUTUMN_START = dt.date(2026, 9, 3)


def _user(email, name, school, *roles):
    user = User.objects.create_user(email, PASSWORD, full_name=name)
    for role in roles:
        StaffRole.objects.create(user=user, school=school, role=role)
    return user


def _medicine_consents(recorder, *medicines):
    """Issue 11: a medicine's consent lives in the consent app (the medicine form's copy
    is read by no rule), as the data migration writes it for medicines already held."""
    for m in medicines:
        Consent.objects.create(
            pupil=m.pupil, school_id=m.pupil.school_id, kind="medication", decision="given",
            ref=f"medicine:{m.pk}", on=m.consent_on, given_by_name=m.consent_by,
            recorded_by=recorder, recorded_at=dt.datetime(2026, 9, 2, 16, tzinfo=dt.UTC),
        )  # fmt: skip


def _pupil(school, year, serial, first, last, status, needs, groups=()):
    pupil = Pupil.objects.create(
        school=school,
        upn=make_upn(school.la_number, "4567", 2019, serial),
        legal_first_name=first,
        legal_last_name=last,
        date_of_birth=dt.date(2018, 3, serial % 28 + 1),
        year_group=year,
        sen_status=status,
        what_matters=f"{first} likes trains and quiet spaces.",
    )
    pupil.teaching_groups.set(groups)
    SenStatusPeriod.objects.create(pupil=pupil, status=status, start=AUTUMN_START)
    for rank, code in enumerate(needs, start=1):
        PupilNeed.objects.create(pupil=pupil, code=code, rank=rank)
    return pupil


def build_world():
    trust = Trust.objects.create(name="Test Trust")
    school = School.objects.create(trust=trust, name="Test Primary", la_number="123", urn="100001")
    other = School.objects.create(trust=trust, name="Other School", la_number="124", urn="100002")
    for s in (school, other):
        Term.objects.create(
            school=s, name="Autumn 2026", start=AUTUMN_START, end=dt.date(2026, 12, 18)
        )
        Term.objects.create(
            school=s, name="Spring 2027", start=dt.date(2027, 1, 5), end=dt.date(2027, 3, 26)
        )
        Closure.objects.create(
            school=s,
            kind="holiday",
            name="Half term",
            start=dt.date(2026, 10, 26),
            end=dt.date(2026, 10, 30),
        )
    y3 = YearGroup.objects.create(school=school, name="Year 3", ordinal=3)
    y4 = YearGroup.objects.create(school=school, name="Year 4", ordinal=4)
    oy3 = YearGroup.objects.create(school=other, name="Year 3", ordinal=3)

    senco = _user("senco@test.example", "Sam Senco", school, Role.SENCO)
    head = _user("head@test.example", "Helen Head", school, Role.HEAD)
    dsl = _user("dsl@test.example", "Dee Dsl", school, Role.DSL)
    tess = _user("tess@test.example", "Tess Teacher", school, Role.TEACHER)
    tom = _user("tom@test.example", "Tom Teacher", school, Role.TEACHER)
    alice = _user("alice@test.example", "Alice Assistant", school, Role.TA)
    bob = _user("bob@test.example", "Bob Assistant", school, Role.TA)
    hana = _user("hana@test.example", "Hana Hlta", school, Role.HLTA)
    olga = _user("olga@other.example", "Olga Other", other, Role.SENCO)
    nobody = User.objects.create_user("nobody@test.example", PASSWORD, full_name="Norma Noroles")

    g3a = TeachingGroup.objects.create(school=school, name="3A", year_group=y3)
    g3a.teachers.add(tess)
    g4b = TeachingGroup.objects.create(school=school, name="4B", year_group=y4)
    g4b.teachers.add(tom)
    og = TeachingGroup.objects.create(school=other, name="3O", year_group=oy3)

    ben = _pupil(school, y3, 1, "Ben", "Brown", "E", ["ASD", "SLCN"], [g3a])
    cara = _pupil(school, y4, 2, "Cara", "Clark", "K", ["SPLD"], [g4b])
    dan = _pupil(school, y3, 3, "Dan", "Dale", "K", ["SEMH"], [g3a])
    olly = Pupil.objects.create(
        school=other,
        upn=make_upn("124", "4567", 2019, 9),
        legal_first_name="Olly",
        legal_last_name="Oak",
        date_of_birth=dt.date(2018, 5, 5),
        year_group=oy3,
        sen_status="K",
    )
    olly.teaching_groups.set([og])

    Deployment.objects.create(
        school=school, staff=alice, kind="one_to_one", pupil=ben, start=AUTUMN_START
    )
    Deployment.objects.create(
        school=school, staff=hana, kind="group", teaching_group=g4b, start=AUTUMN_START
    )
    Strategy.objects.create(
        pupil=ben, text="Give a five-minute warning before changes", added_by=senco
    )

    plan = Plan.objects.create(
        pupil=ben,
        kind="ehcp",
        title="Ben's EHC plan",
        status="active",
        start_date=AUTUMN_START,
        review_date=dt.date(2026, 12, 10),
        created_by=senco,
    )
    outcome = Outcome.objects.create(plan=plan, text="Ben will talk about his day in sentences.")
    t1 = Target.objects.create(
        plan=plan,
        outcome=outcome,
        text="Uses 4-word sentences to ask for help",
        baseline="2-word phrases",
        success_criteria="4 out of 5 times, 3 weeks running",
        target_date=dt.date(2027, 3, 26),
        order=1,
    )
    t2 = Target.objects.create(
        plan=plan,
        outcome=outcome,
        text="Reads 20 high-frequency words",
        baseline="8 words",
        target_date=dt.date(2027, 3, 26),
        order=2,
    )
    talk = Provision.objects.create(
        pupil=ben,
        plan=plan,
        title="Talk Boost",
        kind="one_to_one",
        source="ehcp_f",
        sessions_per_week=5,
        session_minutes=30,
        weekly_minutes=150,
        days="12345",
        start=AUTUMN_START,
        cost_per_hour=18,
    )
    talk.targets.set([t1])
    precision = Provision.objects.create(
        pupil=ben,
        plan=plan,
        title="Precision teaching",
        kind="one_to_one",
        source="ehcp_f",
        sessions_per_week=3,
        session_minutes=20,
        weekly_minutes=60,
        days="135",
        start=AUTUMN_START,
    )
    precision.targets.set([t2])

    ibp = Plan.objects.create(
        pupil=ben,
        kind="ibp",
        title="Ben's behaviour plan",
        status="active",
        start_date=AUTUMN_START,
        review_date=dt.date(2027, 1, 20),
        created_by=senco,
    )
    BehaviourPlan.objects.create(
        plan=ibp,
        triggers="Sudden changes; noisy transitions after lunch",
        early_signs="Covers ears, rocks, repeats questions",
        avoid="Raised voices; touching without warning",
    )
    calm_corner = BehaviourStrategy.objects.create(
        plan=ibp, text="Offer the calm corner with ear defenders", order=1
    )
    first_then = BehaviourStrategy.objects.create(
        plan=ibp, text="First/then board for the next task", order=2
    )

    Training.objects.create(
        user=alice,
        kind="positive_handling",
        course="Team Teach level 2",
        completed_on=dt.date(2025, 1, 10),
        expires_on=dt.date(2027, 1, 9),
    )
    Training.objects.create(
        user=bob,
        kind="positive_handling",
        course="Team Teach level 2",
        completed_on=dt.date(2023, 3, 1),
        expires_on=dt.date(2025, 2, 28),
    )
    Training.objects.create(
        user=alice,
        kind="medication",
        course="Administering medicines",
        completed_on=dt.date(2026, 9, 1),
        expires_on=dt.date(2027, 8, 31),
    )

    Training.objects.create(
        user=alice,
        kind="intimate_care",
        course="Intimate care",
        completed_on=dt.date(2026, 9, 1),
        expires_on=dt.date(2028, 8, 31),
    )
    ihcp = HealthcarePlan.objects.create(
        pupil=ben,
        conditions="Asthma",
        triggers="Cold air, exercise, dust",
        signs="Wheeze, cough, tight chest",
        emergency="Two puffs of salbutamol every two minutes, up to ten; call 999 if no better",
        who_to_call="Mum (07700 900123), then Dad",
        review_date=dt.date(2027, 9, 1),
        created_by=senco,
        consent_by="Mrs Brown",
        consent_on=dt.date(2026, 9, 2),
        consent_document="Medical file, form 2026-14",
    )
    inhaler = Medicine.objects.create(
        pupil=ben,
        healthcare_plan=ihcp,
        name="Salbutamol",
        form="inhaler",
        strength="100 micrograms per puff",
        dose="2 puffs",
        dose_units=2,
        route="inhaled",
        as_needed=True,
        as_needed_when="Wheeze, cough or tight chest",
        min_interval_minutes=240,
        max_per_24h=4,
        storage="Class 3A medical box",
        expiry_date=dt.date(2027, 6, 30),
        stock=200,
        low_stock_at=40,
        consent_by="Mrs Brown",
        consent_on=dt.date(2026, 9, 2),
    )
    lunch_med = Medicine.objects.create(
        pupil=ben,
        name="Methylphenidate",
        form="tablet",
        strength="10 mg",
        dose="1 tablet",
        route="oral",
        times=["12:00"],
        storage="Office locked cabinet",
        controlled=True,
        expiry_date=dt.date(2027, 3, 31),
        stock=20,
        low_stock_at=5,
        consent_by="Mrs Brown",
        consent_on=dt.date(2026, 9, 2),
    )
    _medicine_consents(senco, inhaler, lunch_med)
    toileting = CarePlan.objects.create(
        pupil=ben,
        kind="toileting",
        title="Toileting support",
        routine="Prompt at break and lunch",
        staff_required=2,
        review_date=dt.date(2027, 1, 15),
        consent_by="Mrs Brown",
        consent_on=dt.date(2026, 9, 2),
    )
    hoist = Equipment.objects.create(
        school=school,
        kind="hoist",
        name="Ceiling hoist, hygiene room",
        serial="H-100",
        last_inspected=dt.date(2026, 5, 20),
        next_inspection=dt.date(2026, 11, 20),
    )

    theo = _user("slt@test.example", "Theo Therapist", school, Role.THERAPIST)
    referral = Referral.objects.create(
        pupil=ben,
        therapist=theo,
        discipline="slt",
        reason="Expressive language",
        consent_by="Mrs Brown",
        consent_on=dt.date(2026, 9, 2),
        start=AUTUMN_START,
        shared_notes="Ben likes trains; use them in activities.",
        referred_by=senco,
    )
    programme = Programme.objects.create(
        referral=referral,
        pupil=ben,
        provision=talk,
        title="Building sentences",
        goals="Uses 4-word sentences",
        activities="Barrier games with train pictures",
        updated_at=dt.datetime(2026, 9, 10, 12, 0, tzinfo=dt.UTC),
        updated_by=theo,
    )

    pat = User.objects.create_user("parent@test.example", PASSWORD, full_name="Pat Parent")
    ParentLink.objects.create(user=pat, pupil=ben, relationship="Mother")

    return SimpleNamespace(**locals())
