"""The demo's leaver (issue 12): a Year 6 pupil who left Oakfield at the end of last summer
term for a named secondary school, with the plan, targets, provision, strategies, profile
and care plan a transfer pack carries, and the DSL's record that the safeguarding file
went. Made after everything else, as a new pupil of the school's own: nothing the other
demo modules chose changes. The leaving and the DSL's record go through the product's
services, audited as a school's would be."""

import datetime as dt

from django.utils import timezone

from sendesk.care.models import CarePlan
from sendesk.plans.models import Plan, Target
from sendesk.provision.models import Provision
from sendesk.pupils.leavers import pupil_leave
from sendesk.pupils.models import Pupil, PupilNeed, SenStatusPeriod, Strategy
from sendesk.pupils.upn import make_upn
from sendesk.safeguarding.transfer import transfer_record
from sendesk.schools.models import Role, StaffRole, Term, YearGroup

NEXT_SCHOOL = "Riverside Academy"
NEXT_URN = "149001"
NEXT_LAESTAB = "9994001"


def _last_summer(school, today) -> Term | None:
    return (
        Term.objects.filter(school=school, name__startswith="Summer", end__lt=today)
        .order_by("-end")
        .first()
    )


def _person(school, role):
    return (
        StaffRole.objects.filter(school=school, role=role)
        .select_related("user")
        .order_by("user__email")
        .first()
        .user
    )


def make_leaver(built) -> Pupil | None:
    """`built`: the generator's SchoolData for Oakfield (its school and its 'today')."""
    school, today = built.school, built.today or timezone.localdate()
    summer = _last_summer(school, today)
    year6 = YearGroup.objects.filter(school=school, ordinal=6).first()
    if summer is None or year6 is None:
        return None
    senco, dsl = _person(school, Role.SENCO), _person(school, Role.DSL)
    # The autumn term before that summer (the spring term lies between).
    before = list(Term.objects.filter(school=school, end__lt=summer.start).order_by("-end")[:2])
    if len(before) < 2:
        return None
    started = before[1]
    pupil = Pupil.objects.create(
        school=school, upn=make_upn(school.la_number, "4999", summer.end.year - 7, 1),
        legal_first_name="James", legal_last_name="Mitchell", preferred_name="Jamie",
        date_of_birth=dt.date(summer.end.year - 11, 3, 14), year_group=year6, sen_status="K",
        what_matters="My dog Biscuit, football, and knowing what is happening next.",
        good_at="Drawing maps, remembering football scores, helping younger children.",
        how_to_support="Tell me about changes the day before; give me one step at a time.",
    )  # fmt: skip
    SenStatusPeriod.objects.create(pupil=pupil, status="K", start=started.start)
    PupilNeed.objects.bulk_create(
        [PupilNeed(pupil=pupil, code="SLCN", rank=1), PupilNeed(pupil=pupil, code="SPLD", rank=2)]
    )
    Strategy.objects.bulk_create(
        Strategy(pupil=pupil, text=text, added_by=senco)
        for text in (
            "Show the day's timetable first thing; point to changes",
            "Give instructions one at a time and check back",
            "Coloured overlay for reading; larger print worksheets",
        )
    )
    plan = Plan.objects.create(
        pupil=pupil, kind=Plan.Kind.IEP, title="Jamie's SEN support plan", status="active",
        start_date=started.start, review_date=summer.end, created_by=senco,
    )  # fmt: skip
    targets = [
        Target.objects.create(plan=plan, order=i, text=text, success_criteria=criteria)
        for i, (text, criteria) in enumerate(
            [
                ("Follows a two-step instruction without a reminder", "4 out of 5 times"),
                ("Reads 50 high-frequency words", "In two checks a week apart"),
            ],
            start=1,
        )
    ]
    talk = Provision.objects.create(
        pupil=pupil, plan=plan, title="Language for thinking", kind="group",
        source="sen_support", sessions_per_week=2, session_minutes=30, weekly_minutes=60,
        days="24", start=started.start, end=summer.end,
    )  # fmt: skip
    talk.targets.set(targets[:1])
    CarePlan.objects.create(
        pupil=pupil, kind="feeding", title="Lunchtime eating plan",
        routine="Cut food into small pieces; sit at the quiet table; remind to drink.",
        review_date=summer.end, consent_by="Ms Mitchell", consent_on=started.start,
    )  # fmt: skip
    pupil_leave(
        actor=senco, pupil=pupil,
        data={"left_on": summer.end, "reason": "phase", "next_school": NEXT_SCHOOL,
              "next_school_urn": NEXT_URN, "next_school_laestab": NEXT_LAESTAB},
    )  # fmt: skip
    transfer_record(
        actor=dsl, pupil=pupil,
        data={"transferred_on": summer.end, "to_school": NEXT_SCHOOL,
              "to_whom": "Mr Okafor, designated safeguarding lead", "method": "secure_system",
              "receipt_confirmed_on": summer.end + dt.timedelta(days=1),
              "receipt_note": "Confirmed by e-mail"},
    )  # fmt: skip
    return pupil


def leaver_notes(school) -> list[str]:
    pupil = Pupil.objects.filter(school=school, left_on__isnull=False).first()
    if pupil is None:
        return []
    return [
        f"Leavers: {pupil.name} left on {pupil.left_on:%-d %B %Y} for {NEXT_SCHOOL}. The "
        "SENCO and head find them under Leavers, with the transfer pack and the CTF; their "
        "record is read-only and no TA or teacher sees it; the DSL recorded sending the "
        "safeguarding file."
    ]
