"""The trust view (issue 13) as JSON: a trust SENCO's or trust lead's figures across the
trust's schools. Anyone without a trust role at the trust asked for gets 404."""

import datetime as dt
import uuid

from ninja import Query, Router, Schema
from pydantic import Field

from sendesk.audit.services import record_access_many
from sendesk.trust.selectors import trust_view

from .common import LOOKUP_ERRORS

router = Router(tags=["trust"])


class TrustSchoolOut(Schema):
    school_id: int
    name: str
    promised_minutes: int = Field(description="Provision minutes owed this term to date.")
    delivered_minutes: int = Field(
        description="Of those, delivered (minutes beyond a provision's promise do not count)."
    )
    delivered_pct: int | None = Field(description="Delivered as a % of promised; null: none owed.")
    short_minutes: int
    pupils_short: int = Field(description="Pupils with at least one provision behind.")
    provisions_short: int
    interventions_overdue: int = Field(
        description="Restrictive interventions whose parents were not told by the deadline."
    )
    interventions_due: int = Field(description="Parents not told yet, deadline still to come.")
    training_expired: int
    training_expiring: int = Field(description="Staff training expiring in the next 30 days.")
    plan_published: bool = Field(description="A deployment plan is published for this week.")
    deployment_gap_provisions: int = Field(
        description="Provisions the published plan deploys nobody to deliver this week."
    )
    deployment_gap_minutes: int


class TrustShortfallOut(Schema):
    pupil_id: uuid.UUID
    pupil_name: str
    year_group: str
    school_id: int
    school: str
    provision: str
    promised_minutes: int
    delivered_minutes: int
    short_minutes: int
    delivered_pct: int
    pupil_url: str = Field(
        description="The pupil's page, only where the caller may open it through a role held "
        "at that school; empty otherwise."
    )


class TrustInterventionOut(Schema):
    id: uuid.UUID
    pupil_id: uuid.UUID
    pupil_name: str
    school_id: int
    school: str
    started_at: dt.datetime
    notify_parent_by: dt.datetime
    overdue: bool


class TrustTrainingOut(Schema):
    person: str
    school_id: int
    school: str
    training: str
    expires_on: dt.date
    expired: bool


class TrustOverviewOut(Schema):
    trust_id: int
    trust: str
    day: dt.date
    schools: list[TrustSchoolOut]
    shortfall_count: int = Field(description="Provisions behind across the trust.")
    shortfalls: list[TrustShortfallOut] = Field(description="The worst 50, worst first.")
    interventions_count: int = Field(
        description="Restrictive interventions whose parents are not yet told."
    )
    interventions: list[TrustInterventionOut] = Field(
        description="Parents not yet told: the first 50, overdue first, then by deadline."
    )
    training_count: int
    training: list[TrustTrainingOut] = Field(description="The 50 soonest to expire, or expired.")


class TrustQuery(Schema):
    trust: int | None = Field(
        None, ge=1, le=2_147_483_647, description="For someone with a role at several trusts."
    )


@router.get(
    "/trust/overview",
    response={200: TrustOverviewOut, **LOOKUP_ERRORS},
    summary="Provision, shortfalls, parents to tell, training and deployment gaps across a "
    "trust's schools (trust SENCO, trust lead)",
)
def trust_overview(request, query: Query[TrustQuery]):
    view = trust_view(request.auth, query.trust)
    record_access_many(actor=request.auth, pupils=view.pupils_shown, what="trust view", via="api")
    return {
        "trust_id": view.trust.pk,
        "trust": view.trust.name,
        "day": view.day,
        "schools": [
            {
                "school_id": s.school_id,
                "name": s.name,
                "promised_minutes": s.promised,
                "delivered_minutes": s.delivered,
                "delivered_pct": s.pct,
                "short_minutes": s.short,
                "pupils_short": s.pupils_short,
                "provisions_short": s.provisions_short,
                "interventions_overdue": s.ri_overdue,
                "interventions_due": s.ri_due,
                "training_expired": s.training_expired,
                "training_expiring": s.training_expiring,
                "plan_published": s.plan_published,
                "deployment_gap_provisions": s.gap_provisions,
                "deployment_gap_minutes": s.gap_minutes,
            }
            for s in view.schools
        ],
        "shortfall_count": view.shortfall_count,
        "shortfalls": [
            {
                "pupil_id": r.pupil_id,
                "pupil_name": r.pupil_name,
                "year_group": r.year_group,
                "school_id": r.school_id,
                "school": r.school,
                "provision": r.title,
                "promised_minutes": r.promised,
                "delivered_minutes": r.delivered,
                "short_minutes": r.short,
                "delivered_pct": r.pct,
                "pupil_url": r.url,
            }
            for r in view.shortfalls
        ],
        "interventions_count": view.interventions_count,
        "interventions": [
            {
                "id": r.pk,
                "pupil_id": r.pupil_id,
                "pupil_name": r.pupil_name,
                "school_id": r.school_id,
                "school": r.school,
                "started_at": r.started_at,
                "notify_parent_by": r.notify_by,
                "overdue": r.overdue,
            }
            for r in view.interventions
        ],
        "training_count": view.training_count,
        "training": [
            {
                "person": r.person,
                "school_id": r.school_id,
                "school": r.school,
                "training": r.kind,
                "expires_on": r.expires_on,
                "expired": r.expired,
            }
            for r in view.training
        ],
    }
