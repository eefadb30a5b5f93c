"""The demo school's day and its deployment (issue 9): Oakfield's periods (registration at
08:45, five lessons, break at 10:30, lunch 12:00–13:00 in two halves, the day ending at
15:15), duty posts (playground, dining hall) with the adults each needs, where each class
is each lesson; then, once the staff have contracts and working patterns, a published plan
for the current school week (the planner's own services) and ta3@ absent on the next school
day with the cover re-plan published.

Called from oakfield.build_demo once the school exists and the staffing step has made the
contracts; without contracts it makes the school day only."""

import datetime as dt

from django.db import transaction
from django.db.models import Q

from sendesk.deployment import services
from sendesk.deployment.models import DutyNeed, DutyPost, GroupLesson, Plan
from sendesk.deployment.setup import absence_mark
from sendesk.provision.models import Provision
from sendesk.schools.models import Period, TeachingGroup
from sendesk.staff.models import StaffMember, WorkingDay

from .generator import SCHOOL_DAYS

T = dt.time
DAY = [
    ("Registration", Period.Kind.REGISTRATION, T(8, 45), T(9, 0)),
    ("Lesson 1", Period.Kind.LESSON, T(9, 0), T(9, 45)),
    ("Lesson 2", Period.Kind.LESSON, T(9, 45), T(10, 30)),
    ("Morning break", Period.Kind.BREAK, T(10, 30), T(10, 45)),
    ("Lesson 3", Period.Kind.LESSON, T(10, 45), T(12, 0)),
    ("Lunch, first half", Period.Kind.LUNCH, T(12, 0), T(12, 30)),
    ("Lunch, second half", Period.Kind.LUNCH, T(12, 30), T(13, 0)),
    ("Lesson 4", Period.Kind.LESSON, T(13, 0), T(14, 0)),
    ("Lesson 5", Period.Kind.LESSON, T(14, 0), T(15, 15)),
]
# Adults each duty post needs: at break, and in each half of lunch.
DUTIES = {"Playground": {"break": 2, "lunch": 2}, "Dining hall": {"lunch": 2}}
# A primary week: English and maths in the mornings, the rest in the afternoons.
SUBJECTS = {
    "Lesson 1": ["English"] * 5,
    "Lesson 2": ["Maths"] * 5,
    "Lesson 3": ["Phonics and reading", "Science", "Phonics and reading", "Science", "Spelling"],
    "Lesson 4": ["History", "PE", "Geography", "Art", "Music"],
    "Lesson 5": ["RE", "Computing", "PE", "PSHE", "Golden time"],
}


def make_school_day(school) -> dict:
    """Periods, duty posts and their needs, and each class's lessons. Bulk writes: a few
    queries whatever the number of classes."""
    periods = Period.objects.bulk_create(
        Period(school=school, weekday=weekday, name=name, kind=kind, start=start, end=end)
        for weekday in range(1, 6)
        for name, kind, start, end in DAY
    )
    posts = {name: DutyPost.objects.create(school=school, name=name) for name in DUTIES}
    DutyNeed.objects.bulk_create(
        DutyNeed(post=posts[name], period=period, adults=needs[period.kind])
        for name, needs in DUTIES.items()
        for period in periods
        if period.kind in needs
    )
    lessons = [
        GroupLesson(
            teaching_group=group,
            period=period,
            subject=(subject := SUBJECTS[period.name][period.weekday - 1]),
            room="Hall" if subject == "PE" else f"Class {group.name}",
        )
        for group in TeachingGroup.objects.filter(school=school)
        for period in periods
        if period.name in SUBJECTS
    ]
    GroupLesson.objects.bulk_create(lessons)
    return {"periods": len(periods), "duty_posts": len(posts), "class_lessons": len(lessons)}


# The planner proves the demo week optimal in about a second; a busy machine (a CI run
# beside other work) must not cut the search short, or the demo would differ from run to run.
DEMO_TIME_LIMIT = 60.0


def make_deployment(data, *, time_limit: float = DEMO_TIME_LIMIT) -> dict:
    """The school day, then the plans and the absence when contracts and the planner are
    there. `data` is the demo generator's SchoolData (school, staff, today)."""
    school, staff = data.school, data.staff
    with transaction.atomic():
        counts = make_school_day(school)
    contracts = StaffMember.objects.filter(school=school).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=data.today)
    )
    if not contracts.exists():
        return counts | {"plans": 0}
    senco = staff["senco"]
    _name_the_part_timer(school, staff, data.today)
    # The current school week (in a holiday, the first week back), and the next school
    # day, which may be in the week after.
    this_day = SCHOOL_DAYS.on_or_after(data.today)
    absent_day = SCHOOL_DAYS.on_or_after(data.today + dt.timedelta(days=1))
    weeks = sorted({_monday(this_day), _monday(absent_day)})
    for monday in weeks:
        plan = services.plan_week(
            actor=senco, school_id=school.pk, week_start=monday, time_limit=time_limit
        )
        services.publish(actor=senco, plan=plan)
    ta3 = staff.get("ta3")
    if ta3 is not None:
        with transaction.atomic():
            absence_mark(actor=senco, school_id=school.pk, day=absent_day, staff_ids=[ta3.pk],
                         reason="sickness")  # fmt: skip
            # Published, as a SENCO does the evening before: tomorrow's My day shows who
            # covers whom, and what nobody can is recorded as missed at the end of the day.
            plan, _, _ = services.replan_day(
                actor=senco, school_id=school.pk, day=absent_day, absent_staff_ids=[ta3.pk]
            )
            services.publish(actor=senco, plan=plan)
    return counts | {"plans": Plan.objects.filter(school=school).count()}


def _name_the_part_timer(school, staff, today) -> None:
    """The one SEN support intervention the plan cannot fully staff, as happens in real
    schools: its plan names the part-time TA who runs it (ta5@, Monday to Wednesday), but
    the group also meets on a Thursday or Friday. The planner gives her days and lists the
    other with that reason. EHC plan hours never name her, so they are all met."""
    part_timer = staff.get("ta5")
    if part_timer is None:
        return
    works = set(
        WorkingDay.objects.filter(member__school=school, member__user=part_timer).values_list(
            "weekday", flat=True
        )
    )
    candidates = (
        Provision.objects.current_on(today)
        .filter(
            pupil__school=school,
            source=Provision.Source.SEN_SUPPORT,
            kind=Provision.Kind.GROUP,
            session_minutes__isnull=False,
            named_adult__isnull=True,
        )
        .order_by("title", "pupil__legal_last_name", "pk")
    )
    for provision in candidates:
        days = {int(d) for d in provision.days}
        if days & works and days - works:
            Provision.objects.filter(pk=provision.pk).update(named_adult=part_timer)
            return


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
