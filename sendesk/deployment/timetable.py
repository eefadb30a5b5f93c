"""Weekly timetables read from the published plan: an adult's week (their assignments:
support, groups, duty, cover, their own break) and a pupil's week (who supports them when,
in class or withdrawn). The same rows feed the pages, the API and My day.

Which plan holds a day: the week's published plan. A one-day re-plan (absence and cover,
Plan.day set) is published in its week's place and holds its own day; for the other days
of the week the plan it was based on still holds, so the chain of `based_on` is followed
back to a plan that holds the day. Whatever the planner keeps in a day plan, this reads
the right rows: one query for the week's plans, whatever the school's size."""

import datetime as dt
import re
from collections import defaultdict
from types import SimpleNamespace

from django.db.models import Prefetch

from sendesk import access
from sendesk.pupils.models import Pupil
from sendesk.schools.calendar import week_start

from .models import Assignment, Plan, StaffAbsence, Unmet

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
WEEK_HELP = "Give the week as YYYY-Www, like 2026-W47."


class WeekError(ValueError):
    """A week parameter that is not a week: its message says how to write one."""


def parse_week(raw: str | None, today: dt.date) -> dt.date:
    """The Monday of the ISO week written `raw` ('2026-W47'); this week when empty."""
    if not raw:
        return week_start(today)
    match = WEEK_RE.match(raw.strip())
    if not match:
        raise WeekError(f"“{raw[:20]}” is not a week. {WEEK_HELP}")
    year, week = int(match[1]), int(match[2])
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise WeekError(f"{year} has no week {week}. {WEEK_HELP}") from None
    if abs((monday - today).days) > 366 * 2:
        raise WeekError("Timetables go two years either way. Pick a nearer week.")
    return monday


def week_label(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def school_days(monday: dt.date) -> list[dt.date]:
    return [monday + dt.timedelta(days=n) for n in range(5)]


def plans_by_day(school_ids, monday: dt.date) -> dict[tuple[int, dt.date], int]:
    """(school, date) -> the id of the plan that holds that day of the week, for the
    schools with a published plan that week. One query."""
    rows = list(
        Plan.objects.filter(school_id__in=list(school_ids), week_start=monday).values(
            "pk", "school_id", "day", "based_on_id", "status"
        )
    )
    by_id = {row["pk"]: row for row in rows}
    held = {}
    for row in rows:
        if row["status"] != Plan.Status.PUBLISHED:
            continue
        for day in school_days(monday):
            plan, seen = row, set()
            # Back along the chain to a whole-week plan or this day's own re-plan.
            while plan is not None and plan["day"] not in (None, day) and plan["pk"] not in seen:
                seen.add(plan["pk"])
                plan = by_id.get(plan["based_on_id"])
            if plan is not None:
                held[(row["school_id"], day)] = plan["pk"]
    return held


def _held(assignments, held) -> list:
    return [a for a in assignments if held.get((a.plan.school_id, a.date)) == a.plan_id]


def _place(a) -> str:
    if a.kind == Assignment.Kind.DUTY and a.duty_post is not None:
        return a.duty_post.name
    if a.teaching_group is not None:
        return a.teaching_group.name
    return ""


def _with(a) -> str:
    return ", ".join(p.name for p in a.pupils.all())


def staff_week(viewer, staff_id: int, school_ids, monday: dt.date) -> list[dict]:
    """One adult's week at `school_ids` from the published plans, in time order: the API's
    fields plus the words a page shows, naming only the pupils `viewer` may see on each
    day. Three queries, and one a day of the week for the access layer."""
    return staff_weeks(viewer, [staff_id], school_ids, monday).get(staff_id, [])


def _in_scope(viewer, weeks: dict) -> None:
    """Leave in each line only the pupils the access layer lets `viewer` see on its day
    (out of scope looks like nobody): a line manager or the person themself reads a week
    whose pupils are theirs only on the days the plan deploys them."""
    wanted = defaultdict(set)
    for items in weeks.values():
        for item in items:
            wanted[item["date"]].update(item["pupil_ids"])
    seen = {
        day: set(access.visible_pupils(viewer, day).filter(pk__in=ids).values_list("pk", flat=True))
        for day, ids in wanted.items()
        if ids
    }
    for items in weeks.values():
        for item in items:
            shown = seen.get(item["date"], set())
            item["pupils"] = [(pk, name) for pk, name in item["pupils"] if pk in shown]
            item["pupil_ids"] = [pk for pk, _ in item["pupils"]]
            item["with"] = ", ".join(name for _, name in item["pupils"])


def staff_weeks(viewer, staff_ids, school_ids, monday: dt.date) -> dict[int, list[dict]]:
    """staff_week for several adults at once (a line manager's team): still three queries,
    and one a day for the access layer."""
    held = plans_by_day(school_ids, monday)
    if not held:
        return {}
    assignments = (
        Assignment.objects.filter(
            plan_id__in=set(held.values()), staff_id__in=list(staff_ids), date__gte=monday,
            date__lte=monday + dt.timedelta(days=4),
        )
        .select_related("plan", "provision", "duty_post", "teaching_group", "period")
        .prefetch_related(Prefetch("pupils", queryset=Pupil.objects.order_by("legal_last_name")))
        .order_by("date", "start", "pk")
    )  # fmt: skip
    weeks: dict[int, list[dict]] = {}
    for a in _held(assignments, held):
        weeks.setdefault(a.staff_id, []).append(_item(a))
    _in_scope(viewer, weeks)
    return weeks


def _item(a) -> dict:
    return {
        "id": a.pk,
        "date": a.date,
        "start": a.start,
        "end": a.end,
        "kind": a.kind,
        "kind_label": a.get_kind_display(),
        "provision_id": a.provision_id,
        "provision": a.provision.title if a.provision_id else "",
        "pupil_ids": [p.pk for p in a.pupils.all()],
        "with": _with(a),
        "pupils": [(p.pk, p.name) for p in a.pupils.all()],
        "place": _place(a),
        "period": a.period.name if a.period_id else "",
        "pinned": a.pinned,
        "plan_id": a.plan_id,
        "staff_id": a.staff_id,
    }


def pupil_week(pupil, monday: dt.date) -> list[dict]:
    """Who supports `pupil` when in the week, from the published plan: in class (the
    adult is with the pupil's class) or withdrawn (a session out of class). Three queries."""
    held = plans_by_day([pupil.school_id], monday)
    if not held:
        return []
    assignments = (
        Assignment.objects.filter(
            plan_id__in=set(held.values()), pupils=pupil, date__gte=monday,
            date__lte=monday + dt.timedelta(days=4),
        )
        .select_related("plan", "provision", "teaching_group", "staff", "period")
        .order_by("date", "start", "pk")
    )  # fmt: skip
    rows = []
    for a in _held(assignments, held):
        rows.append(
            {
                "date": a.date,
                "start": a.start,
                "end": a.end,
                "kind": a.kind,
                "kind_label": a.get_kind_display(),
                "provision": a.provision.title if a.provision_id else "",
                "adult": a.staff.full_name or a.staff.email,
                "where": (
                    f"In class ({a.teaching_group.name})" if a.teaching_group_id else "Withdrawn"
                ),
                "period": a.period.name if a.period_id else "",
            }
        )
    return rows


def named_pupils(items) -> list[SimpleNamespace]:
    """The pupils the week's lines name (those the viewer may see), each once, as
    audit.record_access_many takes them: one access row each for the page, in one write."""
    pks = dict.fromkeys(pk for item in items for pk in item["pupil_ids"])
    return [SimpleNamespace(pk=pk) for pk in pks]


def by_day(items: list[dict], monday: dt.date) -> list[dict]:
    """The week's rows under each of its five days (a day with none says so)."""
    days = {day: [] for day in school_days(monday)}
    for item in items:
        days.setdefault(item["date"], []).append(item)
    return [{"date": day, "items": rows} for day, rows in days.items()]


def my_day_lines(user, day: dt.date) -> list[dict]:
    """My day's lines from the published plan for `user` on `day`: where they are when,
    with whom, and the sessions of pupils they may see that nobody covers because their
    adult is absent ("Not covered — Jo Park is absent"). Five queries at most, whatever the
    school's size; none when no plan is published."""
    schools = access.schools_where(user, "school_staff")
    held = {k: v for k, v in plans_by_day(schools, week_start(day)).items() if k[1] == day}
    if not held:
        return []
    plan_ids = set(held.values())
    own = (
        Assignment.objects.filter(plan_id__in=plan_ids, staff=user, date=day)
        .select_related("provision", "duty_post", "teaching_group")
        .prefetch_related("pupils")
        .order_by("start", "pk")
    )
    lines = [
        {"start": a.start, "end": a.end, "kind": a.kind, "text": _line_text(a),
         "place": _place(a), "uncovered": False}
        for a in own
    ]  # fmt: skip
    return lines + _uncovered(user, day, plan_ids)


def _line_text(a) -> str:
    what = a.get_kind_display()
    if a.provision_id:
        what = f"{what}: {a.provision.title}"
    pupils = _with(a)
    return f"{what} with {pupils}" if pupils else what


def _uncovered(user, day, plan_ids) -> list[dict]:
    """The day re-plans' unmet sessions of the user's pupils whose adult is absent."""
    unmet = list(
        Unmet.objects.filter(
            plan_id__in=plan_ids, plan__day=day, date=day,
            pupil__in=access.visible_pupils(user, day),
        ).select_related("provision", "pupil", "plan")
    )  # fmt: skip
    if not unmet:
        return []
    absent = StaffAbsence.objects.filter(date=day, school_id__in={u.plan.school_id for u in unmet})
    names = {a.staff_id: a.staff.full_name or a.staff.email for a in absent.select_related("staff")}
    before = Assignment.objects.filter(
        plan_id__in={u.plan.based_on_id for u in unmet}, date=day, staff_id__in=list(names),
        provision_id__in={u.provision_id for u in unmet},
    ).values_list("provision_id", "staff_id", "start", "end")  # fmt: skip
    whose = {provision: (staff, start, end) for provision, staff, start, end in before}
    lines = []
    for u in unmet:
        if u.provision_id not in whose:
            continue
        staff, start, end = whose[u.provision_id]
        lines.append({
            "start": start, "end": end, "kind": "uncovered", "place": "", "uncovered": True,
            "text": f"{u.provision.title} for {u.pupil.name}: Not covered — "
                    f"{names[staff]} is absent",
        })  # fmt: skip
    return sorted(lines, key=lambda line: line["start"])
