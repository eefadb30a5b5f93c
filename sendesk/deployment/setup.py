"""Writes for the school day's set-up (SENCO, head): periods per weekday, duty posts and the
adults each needs at break and lunch, and where each class is each lesson. Each validates
first, then writes with its audit row in one transaction (the planner's own writes are in
services.py). Periods a plan uses are not removed: the plan's rows point at them."""

import datetime as dt

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, snapshot
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.schools import capabilities
from sendesk.schools.models import Period, TeachingGroup
from sendesk.staff.models import StaffMember

from .models import Assignment, DutyNeed, DutyPost, GroupLesson, StaffAbsence
from .selectors import WEEKDAYS

A = AuditEvent.Action


def _require(actor, school_id: int) -> None:
    if not capabilities.can(actor, school_id, "oversee"):
        raise Http404


def _period_errors(school_id, weekday, name, kind, start, end, errors) -> None:
    if weekday not in WEEKDAYS:
        errors["weekday"] = "Choose a weekday, Monday to Friday."
    if kind not in Period.Kind.values:
        errors["kind"] = "Choose what kind of period it is."
    if not isinstance(start, dt.time):
        errors["start"] = "Give the start time, like 09:00."
    if not isinstance(end, dt.time):
        errors["end"] = "Give the end time, like 09:45."
    if errors or start is None or end is None:
        return
    if end <= start:
        errors["end"] = f"The end ({end:%H:%M}) must be after the start ({start:%H:%M})."
        return
    clash = (
        Period.objects.filter(school_id=school_id, weekday=weekday, start__lt=end, end__gt=start)
        .order_by("start")
        .first()
    )
    if clash is not None:
        errors["start"] = (
            f"That overlaps {clash.name} ({clash.start:%H:%M}–{clash.end:%H:%M}) on "
            f"{WEEKDAYS[weekday]}. Change the times or remove {clash.name} first."
        )


@transaction.atomic
def period_add(*, actor, school_id: int, weekday, name, kind, start, end) -> Period:
    """Add a period to one weekday of the school day."""
    _require(actor, school_id)
    errors: dict[str, str] = {}
    name = inputs.text(name, "name", errors, limit=40, required="Give the period a name.")
    _period_errors(school_id, weekday, name, kind, start, end, errors)
    if errors:
        raise ServiceError(errors)
    period = Period.objects.create(
        school_id=school_id, weekday=weekday, name=name, kind=kind, start=start, end=end
    )
    record_change(actor=actor, action=A.CREATE, obj=period, school_id=school_id,
                  after=snapshot(period))  # fmt: skip
    return period


def _in_use(period_ids) -> set[int]:
    return set(
        Assignment.objects.filter(period_id__in=list(period_ids)).values_list(
            "period_id", flat=True
        )
    )


@transaction.atomic
def period_remove(*, actor, school_id: int, period_id) -> None:
    """Remove a period no plan uses (its duty needs and class lessons go with it)."""
    _require(actor, school_id)
    period = Period.objects.filter(school_id=school_id, pk=period_id).first()
    if period is None:
        raise Http404
    if _in_use([period.pk]):
        raise ServiceError(
            f"{period.name} on {WEEKDAYS[period.weekday]} is used by a deployment plan, so it "
            "stays. Change its times instead, or remove it once the plan is no longer needed."
        )
    before = snapshot(period)
    period.delete()
    period.pk = before["id"]
    record_change(actor=actor, action=A.DELETE, obj=period, school_id=school_id, before=before)


@transaction.atomic
def copy_monday(*, actor, school_id: int) -> int:
    """Make Tuesday to Friday like Monday: its periods, their duty needs and where each
    class is. Days whose periods a plan uses are refused, naming them, and nothing is
    changed. Returns how many periods were written."""
    _require(actor, school_id)
    monday = list(Period.objects.filter(school_id=school_id, weekday=1).order_by("start"))
    if not monday:
        raise ServiceError("Monday has no periods yet: set Monday up first, then copy it.")
    others = Period.objects.filter(school_id=school_id, weekday__in=[2, 3, 4, 5])
    used = _in_use(others.values_list("pk", flat=True))
    if used:
        days = sorted({p.weekday for p in others if p.pk in used})
        raise ServiceError(
            "A deployment plan uses the periods of "
            + ", ".join(WEEKDAYS[d] for d in days)
            + ", so Monday can't be copied over them. Change those days one period at a time."
        )
    others.delete()
    needs = list(DutyNeed.objects.filter(period__in=monday))
    lessons = list(GroupLesson.objects.filter(period__in=monday))
    copies = {}
    for weekday in (2, 3, 4, 5):
        for period in monday:
            copies[(weekday, period.pk)] = Period(
                school_id=school_id, weekday=weekday, name=period.name, kind=period.kind,
                start=period.start, end=period.end,
            )  # fmt: skip
    Period.objects.bulk_create(copies.values())
    DutyNeed.objects.bulk_create(
        DutyNeed(post_id=n.post_id, period=copies[(w, n.period_id)], adults=n.adults)
        for n in needs
        for w in (2, 3, 4, 5)
    )
    GroupLesson.objects.bulk_create(
        GroupLesson(teaching_group_id=g.teaching_group_id, period=copies[(w, g.period_id)],
                    subject=g.subject, room=g.room)
        for g in lessons
        for w in (2, 3, 4, 5)
    )  # fmt: skip
    record_change(actor=actor, action=A.UPDATE, obj=monday[0], school_id=school_id,
                  after={"copied_to": "Tuesday to Friday", "periods": len(copies)})  # fmt: skip
    return len(copies)


@transaction.atomic
def duty_post_add(*, actor, school_id: int, name) -> DutyPost:
    _require(actor, school_id)
    errors: dict[str, str] = {}
    name = inputs.text(name, "name", errors, limit=60, required="Name the duty post.")
    if not errors and DutyPost.objects.filter(school_id=school_id, name__iexact=name).exists():
        errors["name"] = f"There is already a duty post called “{name}”."
    if errors:
        raise ServiceError(errors)
    post = DutyPost.objects.create(school_id=school_id, name=name)
    record_change(actor=actor, action=A.CREATE, obj=post, school_id=school_id,
                  after=snapshot(post))  # fmt: skip
    return post


@transaction.atomic
def duty_needs_set(*, actor, school_id: int, post_id, adults_by_period: dict) -> int:
    """How many adults the post needs in each break and lunch (0 or empty: none). Returns
    how many needs changed."""
    _require(actor, school_id)
    post = DutyPost.objects.filter(school_id=school_id, pk=post_id).first()
    if post is None:
        raise Http404
    free = {
        p.pk: p
        for p in Period.objects.filter(
            school_id=school_id, kind__in=[Period.Kind.BREAK, Period.Kind.LUNCH]
        )
    }
    errors = {}
    for period_id, adults in adults_by_period.items():
        if period_id not in free:
            errors["__all__"] = "Duty is needed only at break and lunch of this school."
        elif not inputs.whole(adults) or not 0 <= adults <= 20:
            errors[f"p{period_id}"] = "Give a number of adults from 0 to 20."
    if errors:
        raise ServiceError(errors)
    held = {n.period_id: n for n in DutyNeed.objects.filter(post=post)}
    changed = 0
    for period_id, adults in adults_by_period.items():
        need = held.get(period_id)
        if need is not None and adults == 0:
            need.delete()
        elif need is None and adults:
            DutyNeed.objects.create(post=post, period_id=period_id, adults=adults)
        elif need is not None and need.adults != adults:
            DutyNeed.objects.filter(pk=need.pk).update(adults=adults)
        else:
            continue
        changed += 1
    if changed:
        record_change(actor=actor, action=A.UPDATE, obj=post, school_id=school_id,
                      after={str(k): v for k, v in adults_by_period.items()})  # fmt: skip
    return changed


@transaction.atomic
def group_lessons_set(*, actor, school_id: int, group_id, lessons: dict) -> int:
    """Where a class is each lesson: {period id: (subject, room)}; an empty subject means
    the class has no lesson recorded then. Returns how many lessons changed."""
    _require(actor, school_id)
    group = TeachingGroup.objects.filter(school_id=school_id, pk=group_id).first()
    if group is None:
        raise Http404
    periods = set(
        Period.objects.filter(school_id=school_id, kind=Period.Kind.LESSON).values_list(
            "pk", flat=True
        )
    )
    errors: dict[str, str] = {}
    clean = {}
    for period_id, (subject, room) in lessons.items():
        if period_id not in periods:
            errors["__all__"] = "Lessons can be set only for this school's lesson periods."
            continue
        subject = inputs.text(subject, f"s{period_id}", errors, limit=60)
        room = inputs.text(room, f"r{period_id}", errors, limit=60)
        if room and not subject:
            errors[f"s{period_id}"] = "Say what the lesson is, or leave the room empty too."
        clean[period_id] = (subject, room)
    if errors:
        raise ServiceError(errors)
    held = {g.period_id: g for g in GroupLesson.objects.filter(teaching_group=group)}
    changed = 0
    for period_id, (subject, room) in clean.items():
        lesson = held.get(period_id)
        if lesson is not None and not subject:
            lesson.delete()
        elif lesson is None and subject:
            GroupLesson.objects.create(
                teaching_group=group, period_id=period_id, subject=subject, room=room
            )
        elif lesson is not None and (lesson.subject, lesson.room) != (subject, room):
            GroupLesson.objects.filter(pk=lesson.pk).update(subject=subject, room=room)
        else:
            continue
        changed += 1
    if changed:
        record_change(actor=actor, action=A.UPDATE, obj=group, school_id=school_id,
                      after={str(k): list(v) for k, v in clean.items() if v[0]})  # fmt: skip
    return changed


def _absent_staff(school_id, staff_ids, errors) -> set[int]:
    """The user ids of the people marked absent, each a member of staff at the school (a
    staff record there, as the planner plans only those, and a role there)."""
    if not staff_ids:
        errors["absent_staff_ids"] = "Choose who is absent."
        return set()
    many = isinstance(staff_ids, (list, tuple, set, frozenset))
    wanted = {inputs.parse_id(i) for i in staff_ids} if many else {None}
    if None in wanted:
        errors["absent_staff_ids"] = "Give the ids of the absent staff as whole numbers."
        return set()
    known = set(
        StaffMember.objects.filter(
            school_id=school_id, user_id__in=wanted, user__staff_roles__school_id=school_id
        ).values_list("user_id", flat=True)
    )
    if wanted - known:
        errors["absent_staff_ids"] = (
            "These are not members of staff at this school: "
            + ", ".join(str(i) for i in sorted(wanted - known))
            + "."
        )
    return wanted


def absence_problems(*, school_id: int, day, staff_ids, reason) -> tuple[dict, set[int]]:
    """(messages by field, user ids) for marking `staff_ids` absent on `day`: the checks
    absence_mark makes, for a caller that adds its own before anything is written (the
    cover re-plan). One query."""
    errors: dict[str, str] = {}
    if not inputs.is_date(day):
        errors["date"] = "Give the day of the absence, written YYYY-MM-DD."
    elif day.isoweekday() > 5:
        errors["date"] = f"{day:%A} is the weekend: nobody is deployed then."
    elif abs((day - timezone.localdate()).days) > 366:
        errors["date"] = "Check the year: absence is marked within a year of today."
    if reason not in StaffAbsence.Reason.values:
        errors["reason"] = "Choose why."
    return errors, _absent_staff(school_id, staff_ids, errors)


@transaction.atomic
def absence_mark(*, actor, school_id: int, day, staff_ids, reason, note="") -> list:
    """Record each person absent on `day` (already recorded: kept as it was), before the
    planner re-plans the day around them. The one way absence is written: the absence
    page and the cover API (services.replan_day) both come here. Messages are keyed
    "date", "reason" and "absent_staff_ids" (the API's field)."""
    _require(actor, school_id)
    errors, staff = absence_problems(
        school_id=school_id, day=day, staff_ids=staff_ids, reason=reason
    )
    if errors:
        raise ServiceError(errors)
    held = set(
        StaffAbsence.objects.filter(staff_id__in=staff, date=day).values_list("staff_id", flat=True)
    )
    made = []
    now = timezone.now()
    for staff_id in sorted(staff - held):
        absence = StaffAbsence.objects.create(
            school_id=school_id, staff_id=staff_id, date=day, reason=reason, note=note[:200],
            recorded_by=actor, recorded_at=now,
        )  # fmt: skip
        record_change(actor=actor, action=A.CREATE, obj=absence, school_id=school_id,
                      after=snapshot(absence))  # fmt: skip
        made.append(absence)
    return made
