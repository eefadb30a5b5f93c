"""Reads for the deployment pages: who may see whose timetable, the school day as set up,
plans side by side, and the line manager's team. Pupil data comes through sendesk.access."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q, Sum

from sendesk.accounts.models import User
from sendesk.provision.models import Session
from sendesk.schools import capabilities
from sendesk.schools.calendar import minutes_between
from sendesk.schools.models import Period, StaffRole, TeachingGroup
from sendesk.staff import access as staff_access
from sendesk.staff.models import StaffMember

from .models import (
    Assignment,
    DutyNeed,
    DutyPost,
    GroupLesson,
    Plan,
    PlannerSettings,
    StaffAbsence,
    Unmet,
)

WEEKDAYS = {1: "Monday", 2: "Tuesday", 3: "Wednesday", 4: "Thursday", 5: "Friday"}
# Kinds of assignment that give a pupil their promised time.
GIVING = (Assignment.Kind.SUPPORT, Assignment.Kind.GROUP)


def timetable_schools(viewer, staff_id: int) -> set[int]:
    """The schools at which `viewer` may read `staff_id`'s timetable: their own, their line
    manager's, and the SENCO's and head's of the school. Empty: 404. Two queries at most."""
    staff_at = set(StaffRole.objects.filter(user_id=staff_id).values_list("school_id", flat=True))
    if viewer.pk == staff_id:
        return staff_at & capabilities.schools_where(viewer, "school_staff")
    allowed = staff_at & capabilities.schools_where(viewer, "oversee")
    managed = set(
        staff_access.managed_members(viewer)
        .filter(user_id=staff_id)
        .values_list("school_id", flat=True)
    )
    return allowed | (managed & staff_at)


def school_day(school_id: int) -> dict:
    """The periods of each weekday, in order. One query."""
    days = {n: [] for n in WEEKDAYS}
    for period in Period.objects.filter(school_id=school_id).order_by("weekday", "start"):
        days[period.weekday].append(period)
    return [{"weekday": n, "name": WEEKDAYS[n], "periods": days[n]} for n in WEEKDAYS]


def duty_posts(school_id: int) -> list[dict]:
    """Each duty post with the adults it needs in each break and lunch. Two queries."""
    posts = list(DutyPost.objects.filter(school_id=school_id))
    needs = defaultdict(dict)
    for need in DutyNeed.objects.filter(post__school_id=school_id):
        needs[need.post_id][need.period_id] = need.adults
    return [{"post": post, "needs": needs[post.pk]} for post in posts]


def free_periods(school_id: int):
    """The breaks and lunches a duty post can need adults in."""
    return Period.objects.filter(
        school_id=school_id, kind__in=[Period.Kind.BREAK, Period.Kind.LUNCH]
    ).order_by("weekday", "start")


def lesson_periods(school_id: int):
    return Period.objects.filter(school_id=school_id, kind=Period.Kind.LESSON).order_by(
        "weekday", "start"
    )


def groups(school_id: int):
    return TeachingGroup.objects.filter(school_id=school_id).order_by("name")


def group_lessons(group) -> dict[int, GroupLesson]:
    return {lesson.period_id: lesson for lesson in GroupLesson.objects.filter(teaching_group=group)}


def plans(school_id: int, limit: int = 30):
    return (
        Plan.objects.filter(school_id=school_id)
        .select_related("created_by", "published_by")
        .annotate(unmet_count=Count("unmet", distinct=True))
        .order_by("-week_start", "-created_at")[:limit]
    )


def get_plan(school_id: int, plan_id) -> Plan:
    return Plan.objects.select_related("created_by", "published_by", "based_on").get(
        pk=plan_id, school_id=school_id
    )


def plan_days(plan: Plan) -> list[dt.date]:
    """The plan's days: a re-plan's one day, a week plan's five."""
    return [plan.day] if plan.day else _days(plan.week_start)


def plan_grid(plan: Plan, day: dt.date) -> dict:
    """One day of the plan by adult: every adult the plan deploys that week, each with that
    day's assignments (so the list keeps its shape from day to day), and the week's unmet
    promises. Four queries, whatever the plan's size."""
    staff = (
        Assignment.objects.filter(plan=plan)
        .values_list("staff_id", "staff__full_name")
        .order_by("staff__full_name", "staff_id")
        .distinct()
    )
    rows = (
        Assignment.objects.filter(plan=plan, date=day)
        .select_related("staff", "provision", "duty_post", "teaching_group")
        .prefetch_related("pupils")
        .order_by("staff_id", "start")
    )
    adults = {
        pk: {"staff": {"pk": pk, "full_name": name}, "items": [], "minutes": 0}
        for pk, name in staff
    }
    for a in rows:
        adult = adults[a.staff_id]
        adult["items"].append(a)
        if a.kind in GIVING:
            adult["minutes"] += _minutes(a)
    return {"adults": list(adults.values()), "days": plan_days(plan), "unmet": unmet_rows(plan)}


def _days(monday: dt.date) -> list[dt.date]:
    return [monday + dt.timedelta(days=n) for n in range(5)]


def _minutes(a) -> int:
    return minutes_between(a.start, a.end)


def unmet_rows(plan: Plan):
    return (
        Unmet.objects.filter(plan=plan)
        .select_related("pupil", "provision")
        .order_by("date", "pupil__legal_last_name", "pk")
    )


def _key(a: dict) -> tuple:
    return (a["staff_id"], a["date"], a["start"], a["end"], a["kind"], a["provision_id"])


def plan_totals(plan: Plan) -> dict:
    """Minutes met by support and group assignments, and minutes left unmet. Two queries."""
    met = 0
    for start, end in Assignment.objects.filter(plan=plan, kind__in=GIVING).values_list(
        "start", "end"
    ):
        met += (end.hour - start.hour) * 60 + end.minute - start.minute
    unmet = Unmet.objects.filter(plan=plan).aggregate(m=Sum("minutes"))["m"] or 0
    return {"met": met, "unmet": unmet}


def compare(a: Plan, b: Plan) -> dict:
    """What changed from plan `a` to plan `b`: the assignments only in one of them (by
    adult, day, time, kind and provision), with the minutes each meets and leaves unmet."""
    fields = ("pk", "staff_id", "staff__full_name", "date", "start", "end", "kind",
              "provision_id", "provision__title")  # fmt: skip
    rows_a = {_key(r): r for r in Assignment.objects.filter(plan=a).values(*fields)}
    rows_b = {_key(r): r for r in Assignment.objects.filter(plan=b).values(*fields)}
    removed = [rows_a[k] for k in sorted(rows_a.keys() - rows_b.keys(), key=_sort)]
    added = [rows_b[k] for k in sorted(rows_b.keys() - rows_a.keys(), key=_sort)]
    return {
        "removed": removed,
        "added": added,
        "same": len(rows_a.keys() & rows_b.keys()),
        "totals_a": plan_totals(a),
        "totals_b": plan_totals(b),
    }


def _sort(key: tuple) -> tuple:
    return (key[1], key[2], key[0], key[4])


def absences(school_id: int, since: dt.date):
    return (
        StaffAbsence.objects.filter(school_id=school_id, date__gte=since)
        .select_related("staff", "recorded_by")
        .order_by("date", "staff__full_name")
    )


def team(manager, school_id: int):
    """The people `manager` line-manages at the school (the SENCO's and head's view passes
    None: everyone with a line manager), with their contract. One query."""
    members = StaffMember.objects.filter(school_id=school_id, left_on__isnull=True).select_related(
        "user", "line_manager"
    )
    if manager is None:
        members = members.filter(line_manager__isnull=False)
    else:
        members = members.filter(line_manager=manager)
    return list(members.order_by("line_manager__full_name", "user__full_name"))


def managers(school_id: int):
    """Everyone at the school who line-manages someone."""
    return (
        User.objects.filter(line_managed__school_id=school_id, line_managed__left_on__isnull=True)
        .distinct()
        .order_by("full_name")
    )


def recorded_counts(staff_ids, monday: dt.date, until: dt.date) -> dict[int, int]:
    """Sessions each person delivered in the week up to `until`. One query."""
    rows = (
        Session.objects.filter(
            delivered_by_id__in=list(staff_ids), date__gte=monday, date__lte=until
        )
        .values("delivered_by_id")
        .annotate(n=Count("pk"))
    )
    return {row["delivered_by_id"]: row["n"] for row in rows}


def recorded_pairs(staff_ids, monday: dt.date, until: dt.date) -> set[tuple]:
    """(adult, provision, date) of the sessions recorded in the week, delivered or missed.
    One query."""
    return set(
        Session.objects.filter(
            Q(delivered_by_id__in=list(staff_ids)) | Q(recorded_by_id__in=list(staff_ids)),
            date__gte=monday,
            date__lte=until,
            provision__isnull=False,
        ).values_list("delivered_by_id", "provision_id", "date")
    )


def max_adults(school_id: int) -> int:
    """The school's limit of adults one pupil sees in a week (the default when never set).
    One query."""
    value = (
        PlannerSettings.objects.filter(school_id=school_id)
        .values_list("max_adults_per_pupil", flat=True)
        .first()
    )
    return PlannerSettings.DEFAULT_MAX_ADULTS if value is None else value


def gaps_across(school_ids, monday: dt.date) -> dict[int, dict]:
    """School id -> the week's deployment gaps (issue 13, the trust view): whether a plan
    is published for the week of `monday`, and of it the promised provisions nobody is
    deployed to deliver (Unmet rows naming a provision) and their minutes. One query,
    grouped by school, whatever the number of schools."""
    unmet = Q(unmet__provision__isnull=False)
    rows = (
        Plan.objects.filter(
            school_id__in=list(school_ids), week_start=monday, status=Plan.Status.PUBLISHED
        )
        .values("school_id")
        .annotate(
            provisions=Count("unmet__provision", filter=unmet, distinct=True),
            minutes=Sum("unmet__minutes", filter=unmet),
        )
        .order_by()
    )
    found = {
        school_id: {"published": False, "provisions": 0, "minutes": 0} for school_id in school_ids
    }
    for row in rows:
        found[row["school_id"]] = {
            "published": True,
            "provisions": row["provisions"],
            "minutes": row["minutes"] or 0,
        }
    return found
