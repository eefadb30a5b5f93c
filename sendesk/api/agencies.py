"""A school's agencies and their professionals (head, SENCO): the list with members, and
adding an agency. Everyone else gets 404, as for a path that does not exist."""

from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from sendesk.agencies import selectors, services
from sendesk.schools import capabilities

from .common import ErrorOut, FieldErrorsOut

router = Router(tags=["agencies"])

ERRORS = {401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


class MemberOut(Schema):
    id: int
    user_id: int
    name: str = Field(alias="user.full_name")
    email: str = Field(alias="user.email")
    job_title: str
    active: bool = Field(description="Whether they still work for the agency.")


class AgencyOut(Schema):
    id: int
    name: str
    kind: str = Field(description="ep, slt, ot, physio, nurse, camhs, social, la_sen or other.")
    email: str
    phone: str
    response_days: int = Field(description="Days the agency usually takes to respond.")
    active: bool = Field(description="false: no new referral can be sent to it.")
    professionals: int = Field(description="How many professionals work for it now.")
    open_referrals: int = Field(description="Referrals to it not declined, closed or ended.")
    members: list[MemberOut] = Field(description="Its professionals, current first.")

    @staticmethod
    def resolve_members(agency):
        return list(agency.members.all())


class AgencyList(Schema):
    items: list[AgencyOut]
    count: int


class AgencyQuery(Schema):
    school_id: int | None = Field(None, description="One of the schools whose agencies you keep.")


class AgencyIn(Schema):
    name: str
    kind: str = Field(description="ep, slt, ot, physio, nurse, camhs, social, la_sen or other.")
    email: str = ""
    phone: str = ""
    response_days: int = Field(42, description="From 1 to 365.")
    school_id: int | None = Field(None, description="One of the schools whose agencies you keep.")


def _school(user, school_id) -> int:
    if not capabilities.schools_where(user, selectors.MANAGE):
        raise Http404
    return selectors.managed_school(user, school_id)


@router.get(
    "/agencies",
    response={200: AgencyList, **ERRORS},
    summary="The school's agencies with their professionals (SENCO, head)",
)
def agency_list(request, query: Query[AgencyQuery]):
    school_id = _school(request.auth, query.school_id)
    items = selectors.agencies_with_members(school_id)
    return {"items": items, "count": len(items)}


@router.post(
    "/agencies",
    response={201: AgencyOut, 400: FieldErrorsOut, **ERRORS},
    summary="Add an agency to the school (SENCO, head)",
)
def agency_create(request, payload: AgencyIn):
    school_id = _school(request.auth, payload.school_id)
    agency = services.agency_create(
        actor=request.auth, school_id=school_id, data=payload.dict(exclude={"school_id"})
    )
    return Status(201, selectors.agencies_with_members(school_id, pk=agency.pk)[0])
