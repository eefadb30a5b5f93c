"""Referrals to therapists and agencies at the schools the caller oversees (SENCO, head),
with their timescales: `?overdue=true` gives those still waiting for the agency's answer
after their timescale. Everyone else gets 404, as for a path that does not exist."""

import datetime as dt
import uuid

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from sendesk import access
from sendesk.audit.services import record_access_many
from sendesk.therapy import selectors
from sendesk.therapy.models import Referral

from .common import LOOKUP_ERRORS, Paging

router = Router(tags=["referrals"])


class ReferralRow(Schema):
    id: int
    pupil_id: uuid.UUID
    pupil_name: str = Field(alias="pupil.name")
    agency_id: int | None
    agency_name: str | None = Field(None, alias="agency.name")
    professional: str | None = Field(None, alias="therapist.full_name")
    discipline: str
    reason: str
    status: str = Field(description="sent, accepted, declined or closed.")
    sent_on: dt.date | None
    response_days: int | None = Field(description="Days the agency has to respond.")
    respond_by: dt.date | None
    responded_on: dt.date | None
    start: dt.date
    end: dt.date | None
    overdue: bool = Field(description="Still waiting for an answer after its timescale.")


class ReferralList(Schema):
    items: list[ReferralRow]
    count: int


class ReferralQuery(Paging):
    overdue: bool = Field(False, description="Only those past their timescale.")
    school_id: int | None = Field(None, description="One of the schools you oversee.")


@router.get(
    "/referrals",
    response={200: ReferralList, **LOOKUP_ERRORS},
    summary="Referrals at a school you oversee, newest first, or only those past their "
    "timescale, oldest first (SENCO, head)",
)
def referral_list(request, query: Query[ReferralQuery]):
    schools = access.schools_where(request.auth, "oversee")
    if not schools:
        raise Http404
    school_id = access.pick_school(schools, query.school_id)
    today = timezone.localdate()
    if query.overdue:
        qs = selectors.overdue_referrals([school_id], today)
    else:
        qs = (
            Referral.objects.filter(pupil__school_id=school_id)
            .select_related("pupil", "agency", "therapist")
            .order_by("-start", "-pk")
        )
    count = qs.count()
    page = list(qs[query.offset : query.offset + query.limit])
    for r in page:
        r.overdue = r.overdue_on(today)
    record_access_many(
        actor=request.auth, pupils=[r.pupil for r in page], what="referrals", via="api"
    )
    return {"items": page, "count": count}
