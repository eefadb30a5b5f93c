"""Writes to plans, outcomes and targets (SENCO, HLTA, teachers; TAs read them)."""

import datetime as dt

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from sendesk import access
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_pupil_change, snapshot
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import field_limits
from sendesk.pupils.timeline import timeline_add

from .models import Outcome, Plan, Target, TimelineKind

PLAN_FIELDS = ("kind", "title", "start_date", "review_date")
TARGET_FIELDS = (
    "text",
    "baseline",
    "success_criteria",
    "target_date",
    "status",
    "outcome",
    "order",
)


def _require_writer(actor, pupil):
    if not access.can(actor, pupil.school_id, "write_plans"):
        raise Http404


def _refuse_if_closed(plan):
    if plan.status == Plan.Status.CLOSED:
        raise ServiceError(
            {"__all__": "A closed plan is kept as it was; start a new plan instead."}
        )


def _validate_plan(data):
    errors = field_limits(Plan, data)
    if "kind" in data and data["kind"] not in Plan.Kind.values:
        errors["kind"] = "Choose a kind of plan: IEP, IBP, PSP, EHC plan or pupil profile."
    if "title" in data and not (data["title"] or "").strip():
        errors["title"] = "Give the plan a title."
    start, review = data.get("start_date"), data.get("review_date")
    if start and review and review < start:
        errors["review_date"] = "The review date can't be before the plan starts."
    return errors


@transaction.atomic
def plan_create(*, actor, pupil, data: dict) -> Plan:
    _require_writer(actor, pupil)
    data = {k: v for k, v in data.items() if k in PLAN_FIELDS}
    data.setdefault("title", "")
    if errors := _validate_plan({"kind": data.get("kind"), **data}):
        raise ServiceError(errors)
    plan = Plan.objects.create(pupil=pupil, created_by=actor, status=Plan.Status.DRAFT, **data)
    record_pupil_change(actor, AuditEvent.Action.CREATE, plan, pupil, after=snapshot(plan))
    timeline_add(
        pupil=pupil,
        actor=actor,
        ref=plan,
        kind=TimelineKind.PLAN,
        title=f"{plan.get_kind_display()} drafted: {plan.title}",
    )
    return plan


@transaction.atomic
def plan_update(*, actor, plan: Plan, data: dict) -> Plan:
    _require_writer(actor, plan.pupil)
    _refuse_if_closed(plan)
    data = {k: v for k, v in data.items() if k in PLAN_FIELDS and k != "kind"}
    merged = {"start_date": plan.start_date, "review_date": plan.review_date, **data}
    if errors := _validate_plan(merged):
        raise ServiceError(errors)
    before = snapshot(plan)
    for key, value in data.items():
        setattr(plan, key, value)
    plan.save()
    if before != (after := snapshot(plan)):
        record_pupil_change(
            actor, AuditEvent.Action.UPDATE, plan, plan.pupil, before=before, after=after
        )
    return plan


@transaction.atomic
def plan_activate(*, actor, plan: Plan) -> Plan:
    """Put a draft plan in force. The plan of the same kind in force until now is closed
    today: one of each kind at a time (a database constraint holds this too)."""
    _require_writer(actor, plan.pupil)
    # Every plan of this kind for the pupil, locked in one order before anything is read:
    # the same draft made active at once from two places (two app servers) goes live once,
    # and two drafts of one kind made active at once go one after the other (the second
    # closes the first) rather than both passing the check and the second hitting the
    # one-active-plan constraint (a 500).
    status_now = dict(
        Plan.objects.select_for_update()
        .filter(pupil_id=plan.pupil_id, kind=plan.kind)
        .order_by("pk")
        .values_list("pk", "status")
    )
    if plan.status != Plan.Status.DRAFT or status_now.get(plan.pk) != Plan.Status.DRAFT:
        raise ServiceError({"status": "Only a draft plan can be made active."})
    if not plan.review_date:
        raise ServiceError({"review_date": "Set a review date before the plan goes live."})
    today = timezone.localdate()
    for old in Plan.objects.select_for_update().filter(
        pupil=plan.pupil, kind=plan.kind, status=Plan.Status.ACTIVE
    ):
        _close(actor, old, today)
    before = snapshot(plan)
    plan.status = Plan.Status.ACTIVE
    plan.start_date = plan.start_date or today
    plan.save()
    record_pupil_change(
        actor, AuditEvent.Action.UPDATE, plan, plan.pupil, before=before, after=snapshot(plan)
    )
    timeline_add(
        pupil=plan.pupil,
        actor=actor,
        ref=plan,
        kind=TimelineKind.PLAN,
        title=f"{plan.get_kind_display()} now active: {plan.title}",
    )
    return plan


@transaction.atomic
def plan_close(*, actor, plan: Plan, on: dt.date | None = None) -> Plan:
    _require_writer(actor, plan.pupil)
    if plan.status == Plan.Status.CLOSED:
        raise ServiceError({"status": "This plan is already closed."})
    on = on or timezone.localdate()
    if plan.start_date and on < plan.start_date:
        raise ServiceError(
            {"closed_on": f"A plan can't close before it started ({plan.start_date:%-d %B %Y})."}
        )
    return _close(actor, plan, on)


def _close(actor, plan, day):
    before = snapshot(plan)
    plan.status = Plan.Status.CLOSED
    plan.closed_on = day
    plan.save()
    record_pupil_change(
        actor, AuditEvent.Action.UPDATE, plan, plan.pupil, before=before, after=snapshot(plan)
    )
    timeline_add(
        pupil=plan.pupil,
        actor=actor,
        ref=plan,
        kind=TimelineKind.PLAN,
        title=f"{plan.get_kind_display()} closed: {plan.title}",
    )
    return plan


@transaction.atomic
def outcome_add(*, actor, plan: Plan, text: str) -> Outcome:
    _require_writer(actor, plan.pupil)
    _refuse_if_closed(plan)
    if not (text or "").strip():
        raise ServiceError({"text": "Write the outcome."})
    order = plan.outcomes.count() + 1
    outcome = Outcome.objects.create(plan=plan, text=text.strip(), order=order)
    record_pupil_change(
        actor, AuditEvent.Action.CREATE, outcome, plan.pupil, after=snapshot(outcome)
    )
    return outcome


def _validate_target(plan, data):
    errors = field_limits(Target, data)
    if "text" in data and not (data["text"] or "").strip():
        errors["text"] = "Write the target."
    elif "text" in data and len(data["text"]) > 300:
        errors["text"] = "Keep a target under 300 characters; put detail in the success criteria."
    if "status" in data and data["status"] not in Target.Status.values:
        errors["status"] = "Unknown target status."
    outcome = data.get("outcome")
    if outcome is not None and outcome.plan_id != plan.pk:
        errors["outcome"] = "Choose an outcome of this plan."
    return errors


@transaction.atomic
def target_add(*, actor, plan: Plan, data: dict) -> Target:
    _require_writer(actor, plan.pupil)
    if plan.status == Plan.Status.CLOSED:
        raise ServiceError({"__all__": "Targets can't be added to a closed plan."})
    data = {k: v for k, v in data.items() if k in TARGET_FIELDS}
    data.setdefault("text", "")
    if errors := _validate_target(plan, data):
        raise ServiceError(errors)
    data.setdefault("order", plan.targets.count() + 1)
    target = Target.objects.create(plan=plan, **data)
    record_pupil_change(actor, AuditEvent.Action.CREATE, target, plan.pupil, after=snapshot(target))
    return target


@transaction.atomic
def target_update(*, actor, target: Target, data: dict) -> Target:
    plan = target.plan
    _require_writer(actor, plan.pupil)
    _refuse_if_closed(plan)
    data = {k: v for k, v in data.items() if k in TARGET_FIELDS}
    if errors := _validate_target(plan, data):
        raise ServiceError(errors)
    before = snapshot(target)
    for key, value in data.items():
        setattr(target, key, value)
    target.save()
    if before != (after := snapshot(target)):
        record_pupil_change(
            actor, AuditEvent.Action.UPDATE, target, plan.pupil, before=before, after=after
        )
        if before["status"] != after["status"]:
            timeline_add(
                pupil=plan.pupil,
                actor=actor,
                ref=target,
                kind=TimelineKind.TARGET,
                title=f"Target {target.get_status_display().lower()}: {target.text}",
            )
    return target
