"""A pupil's plans, with outcomes, targets and each target's latest rating."""

import datetime as dt
import uuid

from ninja import Router, Schema
from pydantic import Field

from sendesk import access
from sendesk.audit.services import record_access

from . import selectors
from .common import LOOKUP_ERRORS

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
