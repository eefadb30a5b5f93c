"""A school day and a deployment plan for the world's school, made with the ORM as the
planner would leave them (the planner's services are another helper's; these tests read
what a plan holds, they do not run it).

The week of the world's today (Wednesday 18 November 2026) starts Monday 16 November
(2026-W47). Each weekday: Lesson 1 09:00-10:00, Break 10:30-10:45, Lesson 2 10:45-11:45,
Lunch 12:00-13:00. The plan: Alice 1:1 with Ben for Talk Boost in 3A each morning and her
own break; Bob on playground duty at break; Hana with 4B (Cara) in Lesson 2. Precision
teaching for Ben is left unmet on Tuesday with its reason."""

import datetime as dt
from types import SimpleNamespace

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sendesk.deployment.models import Assignment, DutyNeed, DutyPost, GroupLesson, Plan, Unmet
from sendesk.schools.models import Period
from sendesk.staff.models import StaffMember, WorkingDay

MONDAY = dt.date(2026, 11, 16)
WEEK = "2026-W47"
T = dt.time


def school_day(school):
    periods = {}
    for weekday in range(1, 6):
        for name, kind, start, end in (
            ("Lesson 1", "lesson", T(9), T(10)),
            ("Break", "break", T(10, 30), T(10, 45)),
            ("Lesson 2", "lesson", T(10, 45), T(11, 45)),
            ("Lunch", "lunch", T(12), T(13)),
        ):
            periods[(weekday, name)] = Period.objects.create(
                school=school, weekday=weekday, name=name, kind=kind, start=start, end=end
            )
    return periods


def make_plan(w, *, status="published", periods=None, monday=MONDAY, by=None):
    periods = periods or school_day(w.school)
    now = timezone.now()
    plan = Plan.objects.create(
        school=w.school,
        week_start=monday,
        status=status,
        created_by=by or w.senco,
        created_at=now,
        published_by=w.senco if status != "draft" else None,
        published_at=now if status != "draft" else None,
    )
    post = DutyPost.objects.get_or_create(school=w.school, name="Playground")[0]
    for weekday in range(1, 6):
        day = monday + dt.timedelta(days=weekday - 1)
        lesson1, brk = periods[(weekday, "Lesson 1")], periods[(weekday, "Break")]
        lesson2 = periods[(weekday, "Lesson 2")]
        DutyNeed.objects.get_or_create(post=post, period=brk)
        GroupLesson.objects.get_or_create(
            teaching_group=w.g3a, period=lesson1, defaults={"subject": "Maths", "room": "3A"}
        )
        support = Assignment.objects.create(
            plan=plan, staff=w.alice, date=day, period=lesson1, start=T(9), end=T(9, 30),
            kind="support", provision=w.talk, teaching_group=w.g3a,
        )  # fmt: skip
        support.pupils.set([w.ben])
        Assignment.objects.create(
            plan=plan, staff=w.alice, date=day, period=brk, start=T(10, 30), end=T(10, 45),
            kind="break",
        )  # fmt: skip
        Assignment.objects.create(
            plan=plan, staff=w.bob, date=day, period=brk, start=T(10, 30), end=T(10, 45),
            kind="duty", duty_post=post,
        )  # fmt: skip
        group = Assignment.objects.create(
            plan=plan, staff=w.hana, date=day, period=lesson2, start=T(10, 45), end=T(11, 45),
            kind="group", teaching_group=w.g4b,
        )  # fmt: skip
        group.pupils.set([w.cara])
    Unmet.objects.create(
        plan=plan, provision=w.precision, pupil=w.ben, date=monday + dt.timedelta(days=1),
        minutes=20, rule="medication",
        reason="No medication-trained adult free on Tuesday, Lesson 2.",
    )  # fmt: skip
    return SimpleNamespace(plan=plan, periods=periods, post=post)


def manage(w, manager, *people, hours=30):
    """`manager` line-manages `people` (contracts at the world's school)."""
    for person in people:
        contract(w, person, manager=manager, hours=hours)


def contract(w, person, *, manager=None, hours=30):
    """A TA's contract at the world's school, working 08:30-15:30 every weekday: what the
    planner's services ask before they deploy or mark someone absent."""
    member, _ = StaffMember.objects.update_or_create(
        school=w.school, user=person,
        defaults={"post": "ta", "job_title": "Teaching Assistant", "line_manager": manager,
                  "hours_per_week": hours, "started_on": dt.date(2024, 9, 1)},
    )  # fmt: skip
    for weekday in range(1, 6):
        WorkingDay.objects.get_or_create(
            member=member, weekday=weekday, defaults={"start": T(8, 30), "end": T(15, 30)}
        )
    return member


def count(call):
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    return response, len(ctx.captured_queries)


def text(response) -> str:
    import html

    return html.unescape(response.content.decode())


def grow(w, plan, *, adults=6):
    """More of everything in `plan`: an afternoon session for Alice with three pupils each
    day, and `adults` more adults each in a group every day."""
    from sendesk.accounts.models import User
    from sendesk.schools.models import StaffRole

    for n in range(adults):
        person = User.objects.create_user(f"extra{n}@test.example", "x", full_name=f"Extra {n}")
        StaffRole.objects.create(user=person, school=w.school, role="ta")
        for d in range(5):
            a = Assignment.objects.create(
                plan=plan, staff=person, date=plan.week_start + dt.timedelta(days=d),
                start=T(13, 30), end=T(14, 30), kind="group", teaching_group=w.g3a,
            )  # fmt: skip
            a.pupils.set([w.ben, w.dan])
    for d in range(5):
        a = Assignment.objects.create(
            plan=plan, staff=w.alice, date=plan.week_start + dt.timedelta(days=d),
            start=T(13, 30), end=T(14, 30), kind="support", provision=w.talk,
        )  # fmt: skip
        a.pupils.set([w.ben, w.dan, w.cara])
