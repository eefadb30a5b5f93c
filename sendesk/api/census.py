"""The census SEN check (issue 12): the SEN figures the MIS will send on the next census
day, by provision and need, and the issues, each naming its pupil (SENCO, head)."""

import datetime as dt
import uuid
from types import SimpleNamespace

from ninja import Query, Router, Schema
from pydantic import Field

from sendesk import access
from sendesk.audit.services import record_access_many
from sendesk.census.check import KINDS, sen_check

from .common import LOOKUP_ERRORS

router = Router(tags=["census"])


class CensusNeedOut(Schema):
    code: str = Field(description="The census code of the type of need, e.g. SLCN.")
    label: str
    primary: int = Field(description="Pupils with status E or K whose first need is this.")
    primary_e: int = Field(description="Of those, with status E.")
    primary_k: int = Field(description="Of those, with status K.")
    secondary: int = Field(description="Pupils with status E or K whose second need is this.")


class CensusCountsOut(Schema):
    on_roll: int
    by_provision: dict[str, int] = Field(description="Pupils by SEN provision: E, K and N.")
    by_need: list[CensusNeedOut] = Field(description="Every census type of need, in its order.")


class CensusIssueOut(Schema):
    kind: str = Field(description="One of: " + ", ".join(KINDS) + ".")
    title: str = Field(description="What kind of problem it is, in words.")
    pupil_id: uuid.UUID
    pupil_name: str
    year_group: str
    sen_status: str = Field(description="The pupil's SEN status now: E, K or N.")
    message: str = Field(description="What looks wrong for this pupil.")


class CensusCheckOut(Schema):
    school_id: int
    census_day: dt.date = Field(description="The next census day (today on census day).")
    census_name: str = Field(description="e.g. 'Spring census 2027'.")
    last_census_day: dt.date = Field(description="Changes since this day are issues.")
    counts: CensusCountsOut
    issues: list[CensusIssueOut]


class CensusQuery(Schema):
    school: int | None = Field(
        None, ge=1, le=2_147_483_647, description="For someone at several schools."
    )


@router.get(
    "/census/sen-check",
    response={200: CensusCheckOut, **LOOKUP_ERRORS},
    summary="The SEN figures the MIS will send on the next census day, by provision and "
    "need, and what looks wrong (SENCO, head)",
)
def sen_check_view(request, query: Query[CensusQuery]):
    school_id = access.oversight_school(request.auth, query.school)
    check = sen_check(school_id)
    record_access_many(
        actor=request.auth,
        pupils=[SimpleNamespace(pk=i.pupil_id, school_id=school_id) for i in check.issues],
        what="census check",
        via="api",
    )
    return {
        "school_id": school_id,
        "census_day": check.census.day,
        "census_name": check.census.name,
        "last_census_day": check.last.day,
        "counts": {
            "on_roll": check.on_roll,
            "by_provision": check.provision,
            "by_need": [
                {
                    "code": n.code,
                    "label": n.label,
                    "primary": n.primary,
                    "primary_e": n.primary_e,
                    "primary_k": n.primary_k,
                    "secondary": n.secondary,
                }
                for n in check.needs
            ],  # fmt: skip
        },
        "issues": [
            {
                "kind": i.kind,
                "title": i.heading,
                "pupil_id": i.pupil_id,
                "pupil_name": i.pupil_name,
                "year_group": i.year_group,
                "sen_status": i.sen_status,
                "message": i.message,
            }
            for i in check.issues
        ],  # fmt: skip
    }
