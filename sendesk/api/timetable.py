"""An adult's week from the published deployment plan: GET /staff/{id}/timetable."""

import datetime as dt
import uuid

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from sendesk.audit.services import record_access_many
from sendesk.deployment import selectors
from sendesk.deployment import timetable as tt
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError

from .common import LOOKUP_ERRORS

router = Router(tags=["deployment"])


class TimetableItem(Schema):
    date: dt.date
    start: dt.time
    end: dt.time
    kind: str = Field(description="support, group, duty, cover or break.")
    provision_id: uuid.UUID | None = Field(description="The provision given, if any.")
    pupil_ids: list[uuid.UUID]


class Timetable(Schema):
    items: list[TimetableItem] = Field(description="The week's assignments in time order.")


@router.get(
    "/{staff_id}/timetable",
    response={200: Timetable, **LOOKUP_ERRORS},
    summary="A member of staff's week from the published deployment plan",
    description="For the person themself, their line manager, and the SENCO and head of "
    "their school; 404 for everyone else. `week` is an ISO week, YYYY-Www (this week when "
    "left out).",
)
def staff_timetable(request, staff_id: int, week: str | None = None):
    if inputs.parse_id(staff_id) is None:
        raise Http404
    schools = selectors.timetable_schools(request.auth, staff_id)
    if not schools:
        raise Http404
    try:
        monday = tt.parse_week(week, timezone.localdate())
    except tt.WeekError as error:
        raise ServiceError({"week": str(error)}) from None
    items = tt.staff_week(request.auth, staff_id, schools, monday)
    record_access_many(actor=request.auth, pupils=tt.named_pupils(items), what="timetable",
                       via="api")  # fmt: skip
    return {"items": items}
