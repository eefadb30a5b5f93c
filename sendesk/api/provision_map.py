"""The school's provision map: every provision line with its hours, staff, cost and pupils,
the cost of each pupil's provision this year, and the totals against the notional SEN
budget (SENCO, head)."""

import datetime as dt
import uuid

from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from sendesk import access
from sendesk.audit.services import record_access_many
from sendesk.provision import costing

from .common import LOOKUP_ERRORS

router = Router(tags=["provision"])


class MapPupilOut(Schema):
    id: uuid.UUID
    name: str
    cost_this_year: float | None = Field(
        description="Their share of the provision this year, in pounds; in `pupils`, the "
        "sum of their provisions that have a cost per hour. Null for a provision with none."
    )


class MapItemOut(Schema):
    title: str
    kind: str = Field(description="one_to_one, group, therapy, care, equipment or access.")
    source: str = Field(description="ehcp_f, sen_support, or mixed (pupils of both).")
    staffing: str = Field(description="ta, hlta, teacher, therapist or any.")
    staff: list[str] = Field(
        description="The adults the plan names and those who delivered its sessions this year."
    )
    hours_per_week: float
    group_size: int
    cost_per_hour: float | None = Field(description="Null: no cost set (not in the totals).")
    pupils: list[MapPupilOut]
    cost_per_pupil: float | None = Field(
        description="A pupil's share of a week: hours × cost per hour ÷ group size."
    )
    cost_this_year: float | None = Field(
        description="The pupils' shares this academic year, over the school's school weeks "
        "(terms less closures) within each provision's start and end."
    )


class ProvisionMapOut(Schema):
    school_id: int
    year_start: dt.date = Field(description="1 September of the current academic year.")
    year_end: dt.date = Field(description="31 August.")
    notional_sen_budget: float | None = Field(description="Null when the school has not set it.")
    total_cost: float = Field(description="Every costed provision this year, in pounds.")
    items: list[MapItemOut] = Field(
        description="Provision lines: the per-pupil provisions that are one provision "
        "(same title, kind, staffing, pattern, cost per hour and group size), by title."
    )
    pupils: list[MapPupilOut] = Field(description="Each pupil's cost this year, highest first.")


class MapQuery(Schema):
    school: int | None = Field(
        None, ge=1, le=2_147_483_647, description="For someone at several schools."
    )


def _pounds(value) -> float | None:
    return None if value is None else float(value)


def _item(line) -> dict:
    return {
        "title": line.title,
        "kind": line.kind,
        "source": line.source,
        "staffing": line.staffing,
        "staff": line.staff,
        "hours_per_week": float(round(line.hours_per_week, 2)),
        "group_size": line.group_size,
        "cost_per_hour": _pounds(line.cost_per_hour),
        "pupils": [
            {"id": r.pupil.pk, "name": r.pupil.name, "cost_this_year": _pounds(r.cost_year)}
            for r in line.rows
        ],
        "cost_per_pupil": _pounds(line.cost_per_pupil),
        "cost_this_year": _pounds(line.cost_year),
    }


@router.get(
    "/provision-map",
    response={200: ProvisionMapOut, **LOOKUP_ERRORS},
    summary="The school's provision map: provision lines, hours, staff, cost and pupils, "
    "and the totals against the notional SEN budget (SENCO, head)",
)
def provision_map(request, query: Query[MapQuery]):
    schools = access.schools_where(request.auth, "view_provision_map")
    school_id = access.pick_school(schools, query.school)
    the_map = costing.provision_map(request.auth, school_id, timezone.localdate())
    record_access_many(
        actor=request.auth, pupils=[c.pupil for c in the_map.pupils], what="provision map",
        via="api",
    )  # fmt: skip
    return {
        "school_id": school_id,
        "year_start": the_map.year_start,
        "year_end": the_map.year_end,
        "notional_sen_budget": _pounds(the_map.school.notional_sen_budget),
        "total_cost": float(the_map.budget.committed),
        "items": [_item(line) for line in the_map.lines],
        "pupils": [
            {"id": c.pupil.pk, "name": c.pupil.name, "cost_this_year": float(c.cost_year)}
            for c in the_map.pupils
        ],
    }
