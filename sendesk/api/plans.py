"""A pupil's plans, with outcomes, targets and each target's latest rating; and each
target's ratings over time (progress)."""

import datetime as dt
import uuid

from ninja import Query, Router, Schema
from pydantic import Field

from sendesk import access
from sendesk.audit.services import record_access
from sendesk.lib.errors import ServiceError
from sendesk.plans.models import Plan, Target
from sendesk.provision import progress

from . import selectors
from .common import LOOKUP_ERRORS, IsoDate

router = Router(tags=["plans"])


class OutcomeOut(Schema):
    id: int
    text: str
    order: int


class RatingOut(Schema):
    rating: str = Field(description="not_yet, emerging, developing, secure or achieved.")
    date: dt.date = Field(description="The date of the session it was given in.")


class TargetOut(Schema):
    id: uuid.UUID
    outcome_id: int | None
    text: str
    baseline: str
    success_criteria: str
    target_date: dt.date | None
    status: str
    latest_rating: RatingOut | None = Field(description="The most recent rating, if any.")

    @staticmethod
    def resolve_latest_rating(target):
        if target.latest_rating is None:
            return None
        return {"rating": target.latest_rating, "date": target.latest_rating_date}


class PlanOut(Schema):
    id: uuid.UUID
    kind: str = Field(description="iep, ibp, psp, ehcp or profile.")
    kind_label: str
    title: str
    status: str = Field(description="draft, active or closed.")
    start_date: dt.date | None
    review_date: dt.date | None
    closed_on: dt.date | None
    outcomes: list[OutcomeOut]
    targets: list[TargetOut]

    @staticmethod
    def resolve_kind_label(plan):
        return plan.get_kind_display()


class PlanList(Schema):
    items: list[PlanOut] = Field(description="Active plans first, then drafts, then closed.")


@router.get(
    "/{pupil_id}/plans",
    response={200: PlanList, **LOOKUP_ERRORS},
    summary="A pupil's plans with outcomes and targets",
)
def pupil_plans(request, pupil_id: uuid.UUID):
    pupil = access.get_pupil(request.auth, pupil_id)
    record_access(actor=request.auth, pupil=pupil, what="plans", via="api")
    return {"items": selectors.pupil_plans(pupil)}


class ProgressQuery(Schema):
    since: IsoDate | None = Field(None, description="Ratings from this date; default: all.")
    until: IsoDate | None = Field(None, description="Ratings up to this date; default: all.")


class TargetRatingsOut(Schema):
    target_id: uuid.UUID
    plan_id: uuid.UUID
    plan_kind: str = Field(description="iep, ibp, psp, ehcp or profile.")
    outcome_id: int | None
    text: str
    status: str = Field(description="open, achieved, partly, not_achieved or dropped.")
    ratings: list[RatingOut] = Field(description="Every rating given, oldest first.")


class PupilProgressOut(Schema):
    pupil_id: uuid.UUID
    since: dt.date | None
    until: dt.date | None
    levels: list[str] = Field(description="The ratings as a scale, lowest first.")
    items: list[TargetRatingsOut] = Field(
        description="The targets of the pupil's active plans, in the plan's order."
    )


@router.get(
    "/{pupil_id}/progress",
    response={200: PupilProgressOut, **LOOKUP_ERRORS},
    summary="A pupil's progress: per target of the active plans, its ratings over time",
)
def pupil_progress(request, pupil_id: uuid.UUID, query: Query[ProgressQuery]):
    pupil = access.get_pupil(request.auth, pupil_id)
    if query.since and query.until and query.since > query.until:
        raise ServiceError({"until": "The end date is before the start date."})
    targets = list(
        Target.objects.filter(plan__pupil=pupil, plan__status=Plan.Status.ACTIVE)
        .order_by("plan__start_date", "plan__title", "order", "text")
        .values("pk", "plan_id", "plan__kind", "outcome_id", "text", "status")
    )
    found = progress.ratings([t["pk"] for t in targets], query.since, query.until)
    record_access(actor=request.auth, pupil=pupil, what="progress", via="api")
    return {
        "pupil_id": pupil.pk,
        "since": query.since,
        "until": query.until,
        "levels": progress.LEVELS,
        "items": [
            {
                "target_id": t["pk"],
                "plan_id": t["plan_id"],
                "plan_kind": t["plan__kind"],
                "outcome_id": t["outcome_id"],
                "text": t["text"],
                "status": t["status"],
                "ratings": [{"date": d, "rating": r} for d, r in found.get(t["pk"], [])],
            }
            for t in targets
        ],
    }
