"""The deployment planner: run it for a week, read a plan, publish it, and re-plan a day
for absent staff (cover). SENCO and head only (capability plan_deployment); anyone else
gets 404, as for a record that does not exist."""

import datetime as dt
import uuid

from django.http import Http404
from ninja import Router, Schema, Status
from pydantic import Field

from sendesk import access
from sendesk.deployment import services
from sendesk.deployment.models import Plan
from sendesk.lib import inputs

from .common import ErrorOut, FieldErrorsOut, IsoDate

router = Router(tags=["deployment"])

ERRORS = {400: FieldErrorsOut, 401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}
# A plan writes deployments: one naming a pupil who has left is refused, 409 (pupils.leavers).
WRITE_ERRORS = {**ERRORS, 409: FieldErrorsOut}


class DeploymentPlanIn(Schema):
    week_start: IsoDate = Field(description="The Monday of the week, YYYY-MM-DD.")
    school_id: int | None = Field(None, description="Only for someone at several schools.")


class DeploymentUnmetOut(Schema):
    provision_id: uuid.UUID | None = Field(
        description="Empty for a medicine dose, a duty post or a class's cover."
    )
    pupil_id: uuid.UUID | None = Field(description="Empty for a duty post or a class's cover.")
    date: dt.date | None
    minutes: int
    rule: str = Field(description="The rule that stopped it: 'medication', 'capacity' …")
    reason: str = Field(description="In plain words: who, what, when.")


class DeploymentPlanOut(Schema):
    id: int
    week_start: dt.date
    day: dt.date | None = Field(description="Set for a one-day re-plan (cover).")
    status: str = Field(description="draft, published or superseded.")
    optimal: bool = Field(description="Proven the best week possible.")
    gap: float | None = Field(
        description="How far below the best week possible the plan may be, at most, as a "
        "fraction (0.001 is 0.1 %); null when no bound was proven in the time given."
    )
    solve_seconds: float
    unmet: list[DeploymentUnmetOut]


class DeploymentAssignmentOut(Schema):
    staff_id: int
    date: dt.date
    start: dt.time
    end: dt.time
    provision_id: uuid.UUID | None
    pupil_ids: list[uuid.UUID]
    kind: str = Field(description="support, group, duty, cover or break.")
    period_id: int | None
    duty_post_id: int | None
    teaching_group_id: int | None
    pinned: bool


class DeploymentPlanDetailOut(DeploymentPlanOut):
    assignments: list[DeploymentAssignmentOut]


class CoverIn(Schema):
    date: IsoDate
    absent_staff_ids: list[int] = Field(description="User ids of the staff away that day.")
    school_id: int | None = None


class CoverChangeOut(Schema):
    date: dt.date
    start: dt.time
    end: dt.time
    period: str
    kind: str
    provision_id: uuid.UUID | None
    pupil_id: uuid.UUID | None
    from_staff_ids: list[int]
    to_staff_ids: list[int]
    text: str = Field(description="'Sam Lee covers Ava Brown's 1:1 support, period 2 …'")


class CoverUncoveredOut(Schema):
    date: dt.date
    kind: str
    provision_id: uuid.UUID | None
    pupil_id: uuid.UUID | None
    minutes: int
    reason: str
    text: str


class CoverOut(Schema):
    plan_id: int = Field(description="The draft re-plan; publish it to put it in force.")
    changes: list[CoverChangeOut]
    uncovered: list[CoverUncoveredOut]


def _school(user, school_id):
    return access.pick_school(access.schools_where(user, services.CAPABILITY), school_id)


def _plan(user, plan_id) -> Plan:
    plan_id = inputs.parse_id(plan_id)
    plan = Plan.objects.filter(pk=plan_id).first() if plan_id is not None else None
    if plan is None or not access.can(user, plan.school_id, services.CAPABILITY):
        raise Http404
    return plan


def _plan_body(plan, assignments=False) -> dict:
    body = {
        "id": plan.pk, "week_start": plan.week_start, "day": plan.day, "status": plan.status,
        "optimal": plan.optimal, "gap": plan.gap, "solve_seconds": plan.solve_seconds,
        "unmet": list(plan.unmet.values("provision_id", "pupil_id", "date", "minutes", "rule",
                                        "reason")),
    }  # fmt: skip
    if assignments:
        pupils: dict[int, list] = {}
        for aid, pid in plan.assignments.model.pupils.through.objects.filter(
            assignment__plan=plan
        ).values_list("assignment_id", "pupil_id"):
            pupils.setdefault(aid, []).append(pid)
        body["assignments"] = [
            {**row, "pupil_ids": pupils.get(row.pop("id"), [])}
            for row in plan.assignments.values(
                "id", "staff_id", "date", "start", "end", "provision_id", "kind", "period_id",
                "duty_post_id", "teaching_group_id", "pinned",
            )
        ]  # fmt: skip
    return body


@router.post(
    "/deployment/plans",
    response={201: DeploymentPlanOut, **WRITE_ERRORS},
    summary="Run the planner for a week (201 with a draft plan and what it could not meet)",
)
def plan_create(request, payload: DeploymentPlanIn):
    school_id = _school(request.auth, payload.school_id)
    plan = services.plan_week(
        actor=request.auth, school_id=school_id, week_start=payload.week_start
    )
    return Status(201, _plan_body(plan))


@router.get(
    "/deployment/plans/{plan_id}",
    response={200: DeploymentPlanDetailOut, **ERRORS},
    summary="A plan with its assignments and what it could not meet",
)
def plan_detail(request, plan_id: int):
    return _plan_body(_plan(request.auth, plan_id), assignments=True)


@router.post(
    "/deployment/plans/{plan_id}/publish",
    response={200: DeploymentPlanOut, **WRITE_ERRORS},
    summary="Publish a draft plan: it drives My day and the deployment scope for its week",
)
def plan_publish(request, plan_id: int):
    plan = services.publish(actor=request.auth, plan=_plan(request.auth, plan_id))
    return _plan_body(plan)


@router.post(
    "/deployment/cover",
    response={200: CoverOut, **WRITE_ERRORS},
    summary="Re-plan a day for absent staff: who covers whom, and what stays uncovered",
)
def cover(request, payload: CoverIn):
    school_id = _school(request.auth, payload.school_id)
    plan, changes, uncovered = services.replan_day(
        actor=request.auth, school_id=school_id, day=payload.date,
        absent_staff_ids=payload.absent_staff_ids,
    )  # fmt: skip
    return {"plan_id": plan.pk, "changes": changes, "uncovered": uncovered}
