"""Staff records and the single central record. staff.access decides who sees what: the
head / school admin every record of their school, the SENCO every team's working record,
a line manager their team's, everyone their own. The single central record answers only
the head / school admin; everyone else gets 404, as for a path that does not exist."""

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from sendesk.staff import access, records
from sendesk.staff.models import StaffMember

from .common import LOOKUP_ERRORS, Paging

router = Router(tags=["staff"])


class StaffItem(Schema):
    id: int = Field(description="The person's user id (as line_manager_id and timetables use).")
    member_id: int = Field(description="The staff record's id (one per person per school).")
    school_id: int
    name: str
    roles: list[str] = Field(description="The person's roles at that school.")
    post: str = Field(description="ta, hlta, teacher, senco, leader, admin or other.")
    job_title: str
    grade: str = Field(description="Pay grade, e.g. H3; empty if not recorded.")
    band: str = Field(description="band1, band2, band3 (HLTA) or empty.")
    contract_hours: float = Field(description="Contracted hours a week while working.")
    line_manager_id: int | None = Field(description="The line manager's user id.")


class StaffList(Schema):
    items: list[StaffItem]
    count: int = Field(description="How many records in scope in all, across pages.")


class StaffQuery(Paging):
    school: int | None = Field(None, description="Only this school's staff.")


@router.get(
    "/staff",
    response={200: StaffList, **LOOKUP_ERRORS},
    summary="Staff records in the caller's scope",
)
def staff_list(request, query: Query[StaffQuery]):
    members = StaffMember.objects.filter(access.visible_q(request.auth))
    if query.school is not None:
        members = members.filter(school_id=query.school)
    members = members.order_by("school_id", "user__full_name", "pk")
    page = members[query.offset : query.offset + query.limit]
    return {"items": records.api_rows(page), "count": members.count()}


class CentralCheckOut(Schema):
    kind: str = Field(
        description="identity, dbs, prohibition, right_to_work, overseas, qualifications or "
        "section_128."
    )
    label: str
    required: bool = Field(description="Whether the post needs this check.")
    checked_on: dt.date | None = Field(description="Empty when not recorded.")
    checked_by: str | None
    evidence: str | None
    certificate_number: str | None = Field(description="DBS certificate number (DBS only).")
    barred_list: bool | None = Field(description="Barred list checked (DBS only).")
    update_service: bool | None = Field(description="On the DBS update service (DBS only).")


class ScrRow(Schema):
    staff_id: int = Field(description="The person's user id.")
    member_id: int
    name: str
    post: str
    job_title: str
    started_on: dt.date
    left_on: dt.date | None
    checks: list[CentralCheckOut]
    gaps: list[str] = Field(description="What the record lacks for this person, in words.")


class ScrOut(Schema):
    school_id: int
    items: list[ScrRow]
    count: int
    gaps: int = Field(description="Gaps across the whole record.")


class ScrQuery(Schema):
    school: int | None = Field(None, description="The school (the caller's first if not given).")


def _check(cell) -> dict:
    check, is_dbs = cell["check"], cell["kind"] == "dbs"
    return {
        "kind": cell["kind"],
        "label": cell["label"],
        "required": cell["required"],
        "checked_on": check.checked_on if check else None,
        "checked_by": check.checked_by.full_name if check else None,
        "evidence": check.evidence if check else None,
        "certificate_number": check.certificate_number if check and is_dbs else None,
        "barred_list": check.barred_list if check and is_dbs else None,
        "update_service": check.update_service if check and is_dbs else None,
    }


@router.get(
    "/staff/scr",
    response={200: ScrOut, **LOOKUP_ERRORS},
    summary="The single central record (head / school admin only)",
)
def staff_scr(request, query: Query[ScrQuery]):
    school_id = access.scr_school(request.auth, query.school)
    rows = records.scr_rows(school_id)
    items = [
        {
            "staff_id": m.user_id,
            "member_id": m.pk,
            "name": m.user.full_name or m.user.email,
            "post": m.post,
            "job_title": m.job_title,
            "started_on": m.started_on,
            "left_on": m.left_on,
            "checks": [_check(cell) for cell in m.cells],
            "gaps": m.gaps,
        }
        for m in rows
    ]
    gaps = sum(len(m.gaps) for m in rows)
    return {"school_id": school_id, "items": items, "count": len(items), "gaps": gaps}
