"""The deployment planner's services: plan a week, publish it, re-plan one day around
absent staff, and hand changes (pin, move). Each validates, writes and audits in one
transaction; bad input raises ServiceError (a message per field) and nothing is written.
Only the SENCO and the head plan (capability "plan_deployment"); anyone else gets Http404,
as for a record out of scope.

How to call them (pages and the API do exactly this):

    plan = plan_week(actor=user, school_id=school.pk, week_start=monday)  # a draft Plan
    plan.unmet.all()  # what could not be staffed, each with .rule and .reason
    publish(actor=user, plan=plan)  # published; the week's previous one superseded;
                                    # writes pupils.Deployment rows for the plan's pupils
    plan, changes, uncovered = replan_day(
        actor=user, school_id=school.pk, day=date, absent_staff_ids=[user_id, ...]
    )  # a draft Plan (day=date) from the published one; changes and uncovered are lists of
       # dicts with "text" in plain English; publish(actor=user, plan=plan) puts it in force
       # and records uncovered sessions (dated today or before) as missed, "staff absent"
    pin(actor=user, assignment=a, pinned=True)  # the next plan_week keeps it as it is
    move(actor=user, assignment=a, staff_id=other_id, period_id=other_period_id)
       # a draft plan's assignment given to another adult and/or period; it is pinned
    record_uncovered(actor=user, plan=plan)  # a published re-plan's uncovered sessions
       # whose day has come, as missed sessions (publish does this; call it on the day for
       # a re-plan published ahead)

    set_max_adults(actor=user, school_id=school.pk, value=4)  # the school's limit of
       # adults one pupil sees in a week (PlannerSettings; 4 when never set)

plan_week(time_limit=...) bounds the solver in seconds (10 by default, 2 for replan_day).
"""

import datetime as dt
import uuid
from collections import defaultdict

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from sendesk import access
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, record_changes, snapshot
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.provision.models import MissedReason, Session
from sendesk.provision.services import session_record
from sendesk.pupils.leavers import leaver_writes_allowed
from sendesk.pupils.models import Deployment
from sendesk.schools import calendar
from sendesk.schools.calendar import Calendar
from sendesk.schools.models import Period
from sendesk.staff import access as staff_access
from sendesk.staff.models import StaffMember

from . import problem as problems
from . import setup, tasks
from .models import Assignment, Plan, PlannerSettings, StaffAbsence, Unmet
from .problem import DAY_NAMES, Fixed, Problem
from .solver import CHANGE_COST, solve, where_label

CAPABILITY = "plan_deployment"
STAFF_ABSENT = "staff_absent"
ABSENCE_NOTE = "Marked absent when cover was planned."
MISSED_NAMESPACE = uuid.UUID("6f1b8f5e-2f0a-4c53-9d1e-7a4c0f6f1d21")


def _require(actor, school_id):
    if not access.can(actor, school_id, CAPABILITY):
        raise Http404


def may_change(actor, assignment, staff_id=None) -> bool:
    """The SENCO and head change any assignment; a line manager (an HLTA) allocates their
    own current team's work, among their team. The one rule the pages and the services ask."""
    school_id = assignment.plan.school_id
    if access.can(actor, school_id, CAPABILITY):
        return True
    wanted = {assignment.staff_id, inputs.parse_id(staff_id)} - {None}
    team = staff_access.line_managed(actor, school_id)
    return bool(team) and wanted <= team


def _require_hand_change(actor, assignment, staff_id=None):
    if not may_change(actor, assignment, staff_id):
        raise Http404


def _school_days(school_id, week_start) -> list[dt.date]:
    days = [week_start + dt.timedelta(days=i) for i in range(5)]
    calendar = Calendar.load(school_id, days[0], days[-1])
    return [d for d in days if calendar.is_school_day(d)]


def _check_periods(school_id):
    if not Period.objects.filter(school_id=school_id).exists():
        raise ServiceError(
            {"week_start": "Set up the school day's periods first: the planner plans by period."}
        )


# --- Planning a week -----------------------------------------------------------------------


def plan_week(*, actor, school_id, week_start, time_limit=10.0) -> Plan:
    """A new draft plan for the school week starting `week_start` (a Monday), keeping the
    assignments pinned in the week's latest plan."""
    _require(actor, school_id)
    if not isinstance(week_start, dt.date) or week_start.isoweekday() != 1:
        raise ServiceError({"week_start": "Give the Monday of the week, written YYYY-MM-DD."})
    _check_periods(school_id)
    days = _school_days(school_id, week_start)
    if not days:
        raise ServiceError({"week_start": "There are no school days that week."})
    problem = problems.build(school_id, days)
    latest = (
        Plan.objects.filter(school_id=school_id, week_start=week_start)
        .order_by("-created_at", "-pk")
        .first()
    )
    pins = list(latest.assignments.filter(pinned=True).prefetch_related("pupils")) if latest else []
    _keep(problem, pins)
    solution = solve(problem, time_limit=time_limit)
    with transaction.atomic():
        plan = _write(actor, problem, solution, week_start=week_start, based_on=latest)
    return plan


def _slot_of(problem: Problem):
    return {(s.date, s.period_id): s for s in problem.slots}


def _ident(kind, provision_id, duty_post_id, teaching_group_id, pupil_ids):
    """What an assignment staffs, to match it with a need: a provision, a duty post, a
    class's cover, or a pupil's dose."""
    if provision_id:
        return ("p", str(provision_id))
    if kind == Assignment.Kind.DUTY:
        return ("d", duty_post_id)
    if kind == Assignment.Kind.COVER:
        return ("c", teaching_group_id)
    return ("m", str(pupil_ids[0]) if pupil_ids else None)


def _need_ident(need):
    return _ident(
        need.kind, need.provision_id, need.duty_post_id, need.teaching_group_id,
        [need.pupil_id] if need.pupil_id else [],
    )  # fmt: skip


class _NeedIndex(dict):
    """(ident, date, slot index) -> need. A provision's need of a day is found whatever
    the period (a hand-moved session may sit outside the periods the planner would use)."""

    def get(self, key, default=None):
        found = super().get(key)
        if found is None and key[0][0] == "p":
            found = super().get((key[0], key[1], None))
        return default if found is None else found


def _need_for(problem: Problem):
    found = _NeedIndex()
    for need in problem.needs:
        ident = _need_ident(need)
        if need.provision_id:
            found[(ident, need.date, None)] = need
        for s in need.slots:
            found[(ident, need.date, s)] = need
    return found


def _keep(problem: Problem, kept, pinned=True):
    """Assignments kept as they are: their adult is busy then, and what they staff is owed
    that much less."""
    slots = _slot_of(problem)
    needs = _need_for(problem)
    by_adult = {a.id: a for a in problem.adults}
    for a in kept:
        if a.kind == Assignment.Kind.BREAK:
            continue
        pupil_ids = tuple(p.pk for p in a.pupils.all())
        slot = slots.get((a.date, a.period_id))
        ident = _ident(a.kind, a.provision_id, a.duty_post_id, a.teaching_group_id, pupil_ids)
        need = needs.get((ident, a.date, slot.index)) if slot else None
        problem.fixed.append(
            Fixed(
                staff_id=a.staff_id, slot=slot.index if slot else None, date=a.date,
                start=a.start, end=a.end, kind=a.kind, need_key=need.key if need else None,
                provision_id=a.provision_id, pupil_ids=pupil_ids, duty_post_id=a.duty_post_id,
                teaching_group_id=a.teaching_group_id, pinned=pinned and a.pinned,
            )
        )  # fmt: skip
        if slot and a.staff_id in by_adult:
            by_adult[a.staff_id].busy[slot.index] = "pinned"
        if need is None:
            continue
        if need.minutes:
            need.minutes = max(0, need.minutes - need.credit(slot))
            if need.most_slots is not None:
                need.most_slots = max(0, need.most_slots - 1)
        else:
            need.adults_needed = max(0, need.adults_needed - 1)
        need.slots = [s for s in need.slots if s != slot.index or need.adults_needed > 1]
    problem.needs = [
        n
        for n in problem.needs
        if (n.minutes if n.source in ("ehcp_f", "sen_support") else n.adults_needed) > 0
    ]


def _assignment_rows(problem, solution, plan):
    """(Assignment, pupil ids) for the solution, the kept ones, and the breaks."""
    needs = {n.key: n for n in problem.needs}
    rows = []
    for f in problem.fixed:
        rows.append(
            (
                Assignment(
                    plan=plan, staff_id=f.staff_id, date=f.date,
                    period_id=problem.slots[f.slot].period_id if f.slot is not None else None,
                    start=f.start, end=f.end, kind=f.kind, provision_id=f.provision_id,
                    duty_post_id=f.duty_post_id, teaching_group_id=f.teaching_group_id,
                    pinned=f.pinned,
                ),
                f.pupil_ids,
            )
        )  # fmt: skip
    for placed in solution.placed:
        need, slot = needs[placed.need_key], problem.slots[placed.slot]
        end = slot.end
        if need.session_minutes and need.session_minutes < slot.minutes:
            end = (dt.datetime.combine(slot.date, slot.start) + dt.timedelta(
                minutes=need.session_minutes)).time()  # fmt: skip
        rows.append(
            (
                Assignment(
                    plan=plan, staff_id=placed.staff_id, date=slot.date, period_id=slot.period_id,
                    start=slot.start, end=end, kind=need.kind, provision_id=need.provision_id,
                    duty_post_id=need.duty_post_id,
                    teaching_group_id=need.teaching_groups.get(slot.index, need.teaching_group_id),
                ),
                (need.pupil_id,) if need.pupil_id else (),
            )
        )  # fmt: skip
    for staff_id, s in solution.breaks:
        slot = problem.slots[s]
        rows.append(
            (
                Assignment(
                    plan=plan, staff_id=staff_id, date=slot.date, period_id=slot.period_id,
                    start=slot.start, end=slot.end, kind=Assignment.Kind.BREAK,
                ),
                (),
            )
        )  # fmt: skip
    return rows


def _save_assignments(rows):
    made = Assignment.objects.bulk_create([a for a, _ in rows])
    through = Assignment.pupils.through
    through.objects.bulk_create(
        through(assignment_id=a.pk, pupil_id=pid)
        for a, (_, pupil_ids) in zip(made, rows, strict=True)
        for pid in pupil_ids
    )
    return made


def _unmet_rows(plan, shortfalls):
    return [
        Unmet(
            plan=plan, provision_id=s.need.provision_id, pupil_id=s.need.pupil_id,
            date=s.need.date, minutes=s.minutes, rule=s.rule[:30], reason=s.reason[:300],
        )
        for s in shortfalls
    ]  # fmt: skip


def _write(actor, problem, solution, *, week_start, based_on, day=None, extra=(), unmet=None):
    plan = Plan.objects.create(
        school_id=problem.school_id, week_start=week_start, day=day, based_on=based_on,
        status=Plan.Status.DRAFT, optimal=solution.optimal, objective=solution.objective,
        bound=solution.bound, solve_seconds=round(solution.seconds, 3), created_by=actor,
        created_at=timezone.now(),
    )  # fmt: skip
    rows = _assignment_rows(problem, solution, plan) + [
        (Assignment(plan=plan, **fields), pupil_ids) for fields, pupil_ids in extra
    ]
    _save_assignments(rows)
    Unmet.objects.bulk_create(
        _unmet_rows(plan, solution.unmet) if unmet is None else [u(plan) for u in unmet]
    )
    record_change(
        actor=actor, action=AuditEvent.Action.CREATE, obj=plan, school_id=plan.school_id,
        after=snapshot(plan),
    )  # fmt: skip
    return plan


# --- Publishing -------------------------------------------------------------------------------


def publish(*, actor, plan: Plan) -> Plan:
    """Put a draft plan in force for its week: the week's published plan is superseded, and
    the deployment scope (pupils.Deployment) follows the new plan's pupils."""
    _require(actor, plan.school_id)
    with transaction.atomic():
        # Every plan of the week locked, in one order: two drafts of one week published at
        # once (from two app servers) then go one after the other, the second superseding
        # the first, instead of both trying to be the week's one published plan.
        week = Plan.objects.select_for_update().filter(
            school_id=plan.school_id, week_start=plan.week_start
        )
        plan = {p.pk: p for p in week.order_by("pk")}[plan.pk]
        if plan.status != Plan.Status.DRAFT:
            raise ServiceError(
                {"__all__": f"This plan is {plan.get_status_display().lower()}: only a draft "
                 "can be published. Run the planner again for a new draft."}
            )  # fmt: skip
        now = timezone.now()
        before = snapshot(plan)
        Plan.objects.filter(
            school_id=plan.school_id, week_start=plan.week_start, status=Plan.Status.PUBLISHED
        ).update(status=Plan.Status.SUPERSEDED)
        plan.status, plan.published_by, plan.published_at = Plan.Status.PUBLISHED, actor, now
        plan.save(update_fields=["status", "published_by", "published_at"])
        _write_scope(actor, plan)
        record_change(
            actor=actor, action=AuditEvent.Action.UPDATE, obj=plan, school_id=plan.school_id,
            before=before, after=snapshot(plan),
        )  # fmt: skip
        if plan.day:
            record_uncovered(actor=actor, plan=plan)
            if plan.day >= timezone.localdate():
                # The rest when the day has come (tasks.py says why at its end).
                tasks.record_uncovered_on_the_day.using(run_after=tasks.due_at(plan.day)).enqueue(
                    plan.pk
                )
    return plan


def _scope_rows(plan: Plan) -> set[tuple]:
    """(staff, date, kind, pupil, teaching group) of each dated Deployment the plan means:
    each adult with each pupil they support or group they teach, and each class covered."""
    through = Assignment.pupils.through
    rows = set()
    for staff_id, date, pupil_id, left_on in through.objects.filter(
        assignment__plan=plan,
        assignment__kind__in=[Assignment.Kind.SUPPORT, Assignment.Kind.GROUP],
    ).values_list("assignment__staff_id", "assignment__date", "pupil_id", "pupil__left_on"):
        # Nobody is deployed to a pupil from the day they leave, whatever the week's plan
        # said when it was made.
        if left_on is None or date < left_on:
            rows.add((staff_id, date, Deployment.Kind.ONE_TO_ONE, pupil_id, None))
    for staff_id, date, group_id in plan.assignments.filter(
        kind=Assignment.Kind.COVER, teaching_group__isnull=False
    ).values_list("staff_id", "date", "teaching_group_id"):
        rows.add((staff_id, date, Deployment.Kind.GROUP, None, group_id))
    return rows


def _scope_audit(actor, action, deployments) -> None:
    if deployments:
        record_changes(
            actor=actor, action=action, object_type=Deployment._meta.label_lower,
            rows=[(d.school_id, d.pupil_id, d.pk, snapshot(d)) for d in deployments],
        )  # fmt: skip


def _write_scope(actor, plan: Plan) -> None:
    """Dated Deployment rows for each adult with each pupil (or cover class) of the plan,
    in place of the rows an earlier plan wrote for that week; hand-made rows stay. Only
    what differs is written, and each row created, ended (deleted) or handed to this plan
    has its own audit row, which is what says who could read a pupil on which day. A
    fixed number of queries (a dozen at most: read, delete, update, insert, and each kind
    of audit row's chain head and INSERT), however many rows."""
    week_end = plan.week_start + dt.timedelta(days=6)
    # The scope rows are the adults' timetable, not the child's record: ending a leaver's
    # rows (and the audit saying so) goes through although the record is read-only.
    with leaver_writes_allowed():
        _replace_scope(actor, plan, week_end)


def _replace_scope(actor, plan: Plan, week_end: dt.date) -> None:
    held = list(
        Deployment.objects.filter(
            school_id=plan.school_id, made_by_plan__isnull=False,
            start__gte=plan.week_start, start__lte=week_end,
        )
    )  # fmt: skip
    wanted = _scope_rows(plan)
    kept, ended = [], []
    for d in held:
        key = (d.staff_id, d.start, d.kind, d.pupil_id, d.teaching_group_id)
        if key in wanted and d.end == d.start:
            wanted.discard(key)  # one row a key: a duplicate held is ended
            kept.append(d)
        else:
            ended.append(d)
    if ended:
        Deployment.objects.filter(pk__in=[d.pk for d in ended]).delete()
    handed = [d for d in kept if d.made_by_plan != plan.pk]
    if handed:
        Deployment.objects.filter(pk__in=[d.pk for d in handed]).update(made_by_plan=plan.pk)
        for d in handed:
            d.made_by_plan = plan.pk
    made = Deployment.objects.bulk_create(
        Deployment(
            school_id=plan.school_id, staff_id=staff_id, kind=kind, pupil_id=pupil_id,
            teaching_group_id=group_id, start=date, end=date, made_by_plan=plan.pk,
        )
        for staff_id, date, kind, pupil_id, group_id in sorted(wanted, key=str)
    )  # fmt: skip
    _scope_audit(actor, AuditEvent.Action.DELETE, ended)
    _scope_audit(actor, AuditEvent.Action.UPDATE, handed)
    _scope_audit(actor, AuditEvent.Action.CREATE, made)


def record_uncovered(*, actor, plan: Plan) -> int:
    """The published re-plan's uncovered provision (Unmet, rule staff_absent) on days that
    have come, recorded through provision's session service as missed sessions, reason
    "staff absent". Each is recorded once (a fixed client id per unmet row). Returns how
    many were recorded now."""
    _require(actor, plan.school_id)
    today = timezone.localdate()
    made = 0
    rows = plan.unmet.filter(rule=STAFF_ABSENT, provision__isnull=False, date__lte=today)
    # A session somebody gave after all, and recorded, is not also missed.
    given = set(
        Session.objects.filter(
            provision__in=rows.values("provision"), date__in=rows.values("date"), delivered=True
        ).values_list("provision_id", "date")
    )
    for unmet in rows.select_related("provision__pupil"):
        if (unmet.provision_id, unmet.date) in given:
            continue
        _, created = session_record(
            actor=actor,
            client_id=uuid.uuid5(MISSED_NAMESPACE, f"{plan.pk}:{unmet.pk}"),
            provision=unmet.provision,
            date=unmet.date,
            minutes=max(1, min(600, unmet.minutes)),
            delivered=False,
            missed_reason=MissedReason.STAFF_ABSENT,
            missed_note=unmet.reason[:300],
        )
        made += created
    return made


# --- Re-planning a day for absence ----------------------------------------------------------


def replan_day(
    *,
    actor,
    school_id,
    day,
    absent_staff_ids,
    reason=StaffAbsence.Reason.OTHER,
    note=ABSENCE_NOTE,
    time_limit=2.0,
):
    """Re-plan `day` from the week's published plan with the given staff absent (their
    absence recorded, with `reason`, by setup.absence_mark if it was not: the one way
    absence is written, its checks first), changing as few assignments as it can. Returns (draft
    plan, changes, uncovered): each change and each uncovered session a dict whose "text"
    says it in plain words ("Sam Lee covers Ava Brown's 1:1 support, period 2, instead of
    Jo Park")."""
    _require(actor, school_id)
    # The absence's own checks (setup.absence_mark's), with the re-plan's after them.
    errors, wanted = setup.absence_problems(
        school_id=school_id, day=day, staff_ids=absent_staff_ids, reason=reason
    )
    if "date" in errors:
        raise ServiceError(errors)
    week_start = calendar.week_start(day)
    if day not in _school_days(school_id, week_start):
        errors["date"] = "That is not a school day."
    base = Plan.objects.filter(
        school_id=school_id, week_start=week_start, status=Plan.Status.PUBLISHED
    ).first()
    if base is None and "date" not in errors:
        errors["date"] = "There is no published plan for that week: plan and publish it first."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        setup.absence_mark(actor=actor, school_id=school_id, day=day, staff_ids=wanted,
                           reason=reason, note=note)  # fmt: skip
        problem = problems.build(school_id, [day])
        that_day = list(base.assignments.filter(date=day).prefetch_related("pupils"))
        _keep(problem, [a for a in that_day if a.pinned and a.staff_id not in wanted])
        slots, needs = _slot_of(problem), _need_for(problem)
        previous = _previous(that_day, slots, needs)
        problem.previous = set(previous)
        problem.change_weight = CHANGE_COST
        others = list(base.assignments.exclude(date=day).prefetch_related("pupils"))
        for a in others:
            for p in a.pupils.all():
                problem.week_adults.setdefault(p.pk, set()).add(a.staff_id)
        solution = solve(problem, time_limit=time_limit)
        changes, uncovered, unmet = _compare(problem, solution, previous, that_day, slots)
        extra = [
            (
                {f: getattr(a, f) for f in ("staff_id", "date", "period_id", "start", "end",
                 "kind", "provision_id", "duty_post_id", "teaching_group_id", "pinned")},
                tuple(p.pk for p in a.pupils.all()),
            )
            for a in others
        ]  # fmt: skip
        kept_unmet = [_copy_unmet(u) for u in base.unmet.exclude(date=day)]
        plan = _write(
            actor, problem, solution, week_start=week_start, based_on=base, day=day,
            extra=extra, unmet=kept_unmet + unmet,
        )  # fmt: skip
    return plan, changes, uncovered


def _copy_unmet(u):
    return lambda plan: Unmet(
        plan=plan, provision_id=u.provision_id, pupil_id=u.pupil_id, date=u.date,
        minutes=u.minutes, rule=u.rule, reason=u.reason,
    )  # fmt: skip


def _previous(that_day, slots, needs):
    """{(staff id, need key, slot): assignment} of the base plan's day."""
    previous = {}
    for a in that_day:
        slot = slots.get((a.date, a.period_id))
        if slot is None or a.kind == Assignment.Kind.BREAK:
            continue
        pupil_ids = [p.pk for p in a.pupils.all()]
        ident = _ident(a.kind, a.provision_id, a.duty_post_id, a.teaching_group_id, pupil_ids)
        need = needs.get((ident, a.date, slot.index))
        if need is not None:
            previous[(a.staff_id, need.key, slot.index)] = a
    return previous


def _what(need) -> str:
    if need.kind == "duty":
        return f"{need.title} duty"
    if need.kind == "cover":
        return need.title.replace("Cover for", "cover for", 1)
    kind = "1:1 support" if need.kind == "support" and need.provision_id else need.title
    if need.source == "dose":
        kind = need.title
    return f"{need.pupil_name}'s {kind}" if need.pupil_name else kind


def _compare(problem, solution, previous, that_day, slots):
    """What changed against the base plan's day (per need: who gives it, and when), what
    is left uncovered, and the day's Unmet rows (what the absence took away counted as
    staff_absent)."""
    names = {a.id: a.name for a in problem.adults}
    needs = {n.key: n for n in problem.needs}
    before, after = defaultdict(set), defaultdict(set)
    for staff_id, key, s in previous:
        before[key].add((staff_id, s))
    for p in solution.placed:
        after[p.need_key].add((p.staff_id, p.slot))
    changes = []
    lost = {}
    for key in sorted(set(before) | set(after)):
        was, now = before[key], after[key]
        if was == now:
            continue
        need = needs[key]
        gone = sorted({staff for staff, _ in was} - {staff for staff, _ in now})
        changes += [_change(problem, need, staff, s, gone, names) for staff, s in sorted(now - was)]
        if need.minutes:
            had = min(need.minutes, sum(need.credit(problem.slots[s]) for _, s in was))
            got = solution.met.get(key, 0)
            lost[key] = max(0, had - got)
    return changes, *_uncovered(problem, solution, lost, names)


def _change(problem, need, staff, s, gone, names) -> dict:
    slot = problem.slots[s]
    instead = " instead of " + " and ".join(names.get(i, "?") for i in gone) if gone else ""
    return {
        "date": slot.date, "start": slot.start, "end": slot.end, "period": slot.name,
        "kind": need.kind, "provision_id": need.provision_id, "pupil_id": need.pupil_id,
        "from_staff_ids": gone, "to_staff_ids": [staff],
        "text": f"{names[staff]} covers {_what(need)}, {slot.name.lower()}, "
        f"{DAY_NAMES[slot.date.isoweekday() - 1]}{instead}",
    }  # fmt: skip


def _uncovered(problem, solution, lost, names):
    uncovered, unmet = [], []
    absent = {a.id for a in problem.adults if any(why == "absence" for why in a.busy.values())}
    absent_names = " and ".join(sorted(names[i] for i in absent)) or "Staff"
    for short in solution.unmet:
        need = short.need
        taken = min(lost.get(need.key, 0), short.minutes) if need.minutes else 0
        is_absence = taken or need.kind == "cover" or short.rule == "absence"
        what = _what(need)
        text = f"{what[0].upper()}{what[1:]} on {where_label(problem, need)}: {short.reason}"
        if is_absence:
            uncovered.append(
                {
                    "date": need.date, "kind": need.kind, "provision_id": need.provision_id,
                    "pupil_id": need.pupil_id, "minutes": taken or short.minutes,
                    "reason": short.reason, "text": text,
                }
            )  # fmt: skip
        rest = short.minutes - taken
        if taken:
            unmet.append(_unmet(need, taken, STAFF_ABSENT,
                                f"{absent_names} absent; {short.reason}"))  # fmt: skip
        if rest > 0 or (not need.minutes):
            unmet.append(_unmet(need, rest, short.rule, short.reason))
    return uncovered, unmet


def _unmet(need, minutes, rule, reason):
    return lambda plan: Unmet(
        plan=plan, provision_id=need.provision_id, pupil_id=need.pupil_id, date=need.date,
        minutes=minutes, rule=rule[:30], reason=reason[:300],
    )  # fmt: skip


# --- Hand changes -------------------------------------------------------------------------------


def pin(*, actor, assignment: Assignment, pinned=True) -> Assignment:
    """Pin (or unpin) an assignment: the next plan of the week keeps it as it is."""
    plan = assignment.plan
    _require_hand_change(actor, assignment)
    if assignment.kind == Assignment.Kind.BREAK:
        raise ServiceError(
            {"pinned": "A break is placed by the planner around the work; pin the work."}
        )
    with transaction.atomic():
        before = snapshot(assignment)
        assignment.pinned = bool(pinned)
        assignment.save(update_fields=["pinned"])
        record_change(
            actor=actor, action=AuditEvent.Action.UPDATE, obj=assignment,
            school_id=plan.school_id, before=before, after=snapshot(assignment),
        )  # fmt: skip
    return assignment


def move(*, actor, assignment: Assignment, staff_id=None, period_id=None) -> Assignment:
    """Give an assignment of a draft or the published plan to another adult and/or another
    period of the same day; the result is pinned, so the next plan keeps it. A change to
    the published plan takes effect at once: the deployment scope follows it."""
    plan = assignment.plan
    _require_hand_change(actor, assignment, staff_id)
    errors = {}
    if plan.status == Plan.Status.SUPERSEDED:
        raise ServiceError(
            {"__all__": "This plan has been replaced: change the week's published plan."}
        )
    if assignment.kind == Assignment.Kind.BREAK:
        raise ServiceError({"__all__": "A break follows the work: move the work instead."})
    staff_id = assignment.staff_id if staff_id in (None, "") else staff_id
    period = assignment.period
    if period_id not in (None, ""):
        period = Period.objects.filter(
            pk=period_id, school_id=plan.school_id, weekday=assignment.date.isoweekday()
        ).first()
        if period is None:
            errors["period_id"] = (
                f"Choose a period of {DAY_NAMES[assignment.date.weekday()]} at this school."
            )
    staff_id = inputs.parse_id(staff_id)
    member = (
        StaffMember.objects.filter(school_id=plan.school_id, user_id=staff_id).first()
        if staff_id is not None
        else None
    )
    if member is None:
        errors["staff_id"] = "Choose a member of staff at this school."
    if errors:
        raise ServiceError(errors)
    start, end = period.start, period.end
    if assignment.period_id == period.pk:
        start, end = assignment.start, assignment.end
    clash = (
        plan.assignments.filter(
            staff_id=member.user_id, date=assignment.date, start__lt=end, end__gt=start
        )
        .exclude(pk=assignment.pk)
        .exclude(kind=Assignment.Kind.BREAK)
    )
    if clash.exists():
        raise ServiceError({"staff_id": f"{member.user.full_name} is already deployed then."})
    if not member.pattern.filter(
        weekday=assignment.date.isoweekday(), start__lte=start, end__gte=end
    ).exists():
        raise ServiceError({"staff_id": f"{member.user.full_name} is not contracted to work then."})
    if StaffAbsence.objects.filter(staff_id=member.user_id, date=assignment.date).exists():
        raise ServiceError({"staff_id": f"{member.user.full_name} is absent that day."})
    with transaction.atomic():
        before = snapshot(assignment)
        assignment.staff_id, assignment.period = member.user_id, period
        assignment.start, assignment.end, assignment.pinned = start, end, True
        assignment.save()
        # Their own break then is no longer free time: each break taken away is audited.
        breaks = list(
            plan.assignments.filter(
                staff_id=member.user_id, date=assignment.date, kind=Assignment.Kind.BREAK,
                start__lt=end, end__gt=start,
            )
        )  # fmt: skip
        if breaks:
            Assignment.objects.filter(pk__in=[b.pk for b in breaks]).delete()
            record_changes(
                actor=actor, action=AuditEvent.Action.DELETE,
                object_type=Assignment._meta.label_lower,
                rows=[(plan.school_id, None, b.pk, snapshot(b)) for b in breaks],
            )  # fmt: skip
        if plan.status == Plan.Status.PUBLISHED:
            _write_scope(actor, plan)
        record_change(
            actor=actor, action=AuditEvent.Action.UPDATE, obj=assignment,
            school_id=plan.school_id, before=before, after=snapshot(assignment),
        )  # fmt: skip
    return assignment


def set_max_adults(*, actor, school_id, value) -> PlannerSettings:
    """Set the most adults one pupil sees in a week at the school (1 to 10)."""
    _require(actor, school_id)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10:
        raise ServiceError({"max_adults_per_pupil": "Give a whole number from 1 to 10."})
    with transaction.atomic():
        row, _ = PlannerSettings.objects.get_or_create(school_id=school_id)
        before = snapshot(row)
        row.max_adults_per_pupil = value
        row.save(update_fields=["max_adults_per_pupil"])
        record_change(
            actor=actor, action=AuditEvent.Action.UPDATE, obj=row, school_id=school_id,
            before=before, after=snapshot(row),
        )  # fmt: skip
    return row
