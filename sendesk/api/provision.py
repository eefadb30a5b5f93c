"""Provision promised against delivered: for one pupil, and the school's shortfall list."""

import datetime as dt
import uuid
from typing import Literal

from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from sendesk import access
from sendesk.audit.services import record_access, record_access_many
from sendesk.provision.selectors import Shortfalls, explain

from . import selectors
from .common import LOOKUP_ERRORS

router = Router(tags=["provision"])


class FiguresOut(Schema):
    """Minutes promised (school days up to and including today) and delivered."""

    promised_minutes_week: int = Field(alias="promised_week")
    delivered_minutes_week: int = Field(alias="delivered_week")
    shortfall_minutes_week: int = Field(alias="shortfall_week")
    promised_minutes_term: int = Field(alias="promised_term")
    delivered_minutes_term: int = Field(alias="delivered_term")
    shortfall_minutes_term: int = Field(alias="shortfall_term")
    delivered_pct: int | None = Field(description="Delivered as a % of promised this term.")
    missed: dict[str, int] = Field(description="Sessions missed this term, by reason.")


class ProvisionOut(FiguresOut):
    id: uuid.UUID = Field(alias="provision.id")
    title: str = Field(alias="provision.title")
    description: str = Field(alias="provision.description")
    kind: str = Field(alias="provision.kind")
    source: str = Field(alias="provision.source", description="ehcp_f or sen_support.")
    how_much: str = Field(alias="provision.how_much")
    weekly_minutes: int = Field(alias="provision.weekly_minutes")
    days: list[str] = Field(alias="provision.day_names", description="Weekly pattern.")
    group_size: int = Field(alias="provision.group_size")
    staffing: str = Field(alias="provision.staffing")
    start: dt.date = Field(alias="provision.start")
    end: dt.date | None = Field(alias="provision.end")
    plan_id: uuid.UUID | None = Field(alias="provision.plan_id")
    target_ids: list[uuid.UUID]
    measure_id: int | None = Field(
        alias="provision.measure_id",
        description="The intervention's measure (GET /measures); null when it has none.",
    )

    @staticmethod
    def resolve_target_ids(figures):
        return [t.pk for t in figures.provision.targets.all()]


class ProvisionList(Schema):
    as_of: dt.date
    items: list[ProvisionOut]


@router.get(
    "/pupils/{pupil_id}/provision",
    response={200: ProvisionList, **LOOKUP_ERRORS},
    summary="A pupil's provision, promised against delivered this week and term",
)
def pupil_provision(request, pupil_id: uuid.UUID):
    pupil = access.get_pupil(request.auth, pupil_id)
    today = timezone.localdate()
    record_access(actor=request.auth, pupil=pupil, what="provision", via="api")
    return {"as_of": today, "items": selectors.pupil_provision(pupil, today)}


class PupilRef(Schema):
    id: uuid.UUID
    name: str
    year_group: str = Field(alias="year_group.name")


class ProvisionRef(Schema):
    id: uuid.UUID
    title: str
    kind: str


class ExplainedOut(Schema):
    """Why the provision is short this term. The minutes add up to
    shortfall_minutes_term exactly; minutes delivered beyond what was owed (a longer or
    catch-up session) offset "short" first, then "not_recorded", then the missed reasons."""

    missed: dict[str, int] = Field(
        description="Minutes owed on sessions the pupil missed, by reason (staff_absent, "
        "pupil_absent, trip, timetable_clash, other); a pupil absent from a delivered "
        "group session counts as pupil_absent."
    )
    short: int = Field(
        description="Minutes not given in sessions that were recorded as delivered: part "
        "attendance, refusal, or fewer minutes than the provision owed that day."
    )
    not_recorded: int = Field(
        description="Minutes owed on school days with no session recorded at all."
    )


class ShortfallOut(FiguresOut):
    pupil: PupilRef = Field(alias="provision.pupil")
    provision: ProvisionRef
    explained: ExplainedOut
    no_adult_deployed_minutes: int = Field(
        alias="explained.no_adult",
        description="Of explained.not_recorded, the minutes owed on school days when no "
        "adult was deployed 1:1 to the pupil: for promises of 1:1 adult hours only (1:1 "
        "support counted in hours a week, not in sessions; 0 for anything else). The gap "
        "is staffing, not recording; these minutes are already in not_recorded, so they "
        "are not added to the shortfall again.",
    )


class ShortfallList(Schema):
    school_id: int
    as_of: dt.date
    items: list[ShortfallOut] = Field(
        description="Largest shortfall this term first (or lowest % delivered, by `sort`)."
    )
    count: int = Field(
        description="How many provisions are short in all: page through them with limit and offset."
    )


class ShortfallQuery(Schema):
    school_id: int | None = Field(None, description="For someone who oversees several schools.")
    limit: int = Field(
        20,
        ge=1,
        le=1000,
        description="At most this many, worst first: a page, as the web list's page of 20. "
        "Clients page through the list with limit and offset; count says how many in all.",
    )
    offset: int = Field(
        0,
        ge=0,
        le=1_000_000,
        description="How many of the worst to skip first: with limit, pages through the list.",
    )
    sort: Literal["minutes", "percent"] = Field(
        "minutes",
        description="Worst first by minutes short this term (the default), or by the "
        "lowest percentage of the promised minutes delivered.",
    )


@router.get(
    "/provision/shortfalls",
    response={200: ShortfallList, **LOOKUP_ERRORS},
    summary="The school's provision shortfall list, worst first (SENCO, head)",
)
def provision_shortfalls(request, query: Query[ShortfallQuery]):
    school_id = access.oversight_school(request.auth, query.school_id)
    today = timezone.localdate()
    ranked = Shortfalls(school_id, today, query.sort)
    # Only the items returned are built and explained, not the whole school's list.
    shown = explain(ranked[query.offset : query.offset + query.limit], staffing=True)
    record_access_many(
        actor=request.auth, pupils=[f.provision.pupil for f in shown], what="shortfalls", via="api"
    )
    return {
        "school_id": school_id,
        "as_of": today,
        "items": [_shortfall_item(f) for f in shown],
        "count": len(ranked),
    }


def _shortfall_item(f) -> dict:
    """One item of ShortfallOut as a dict keyed by the schema's aliases: validated as
    before, but read by key instead of by dotted path from objects (ninja resolves each
    dotted alias with a template Variable, which cost more than explaining the item)."""
    p, why = f.provision, f.explained
    pupil = p.pupil
    return {
        "promised_week": f.promised_week,
        "delivered_week": f.delivered_week,
        "shortfall_week": f.shortfall_week,
        "promised_term": f.promised_term,
        "delivered_term": f.delivered_term,
        "shortfall_term": f.shortfall_term,
        "delivered_pct": f.delivered_pct,
        "missed": f.missed,
        "provision.pupil": {
            "id": pupil.pk,
            "name": pupil.name,
            "year_group.name": pupil.year_group.name,
        },
        "provision": {"id": p.pk, "title": p.title, "kind": p.kind},
        "explained": {"missed": why.missed, "short": why.short, "not_recorded": why.not_recorded},
        "explained.no_adult": why.no_adult,
    }
