"""Safeguarding: any staff member reports a concern; only the DSL team of the pupil's school
reads concerns and chronologies. For anyone else a concern or chronology answers 404, with
the same body as one that does not exist. Reads write SafeguardingAccess rows (via="api"),
never the shared access log."""

import datetime as dt
import uuid
from typing import Literal

from ninja import Router, Schema, Status
from pydantic import Field

from sendesk import access
from sendesk.safeguarding import selectors, services
from sendesk.safeguarding.models import Concern

from .common import ErrorOut, FieldErrorsOut, IsoDateTime

router = Router(tags=["safeguarding"])


class MarkIn(Schema):
    side: Literal["front", "back"]
    x: float = Field(ge=0, le=100, description="Across the figure, 0 (left edge) to 100.")
    y: float = Field(ge=0, le=100, description="Down the figure, 0 (top of the head) to 100.")
    note: str = Field("", max_length=services.MARK_NOTE_MAX)


class ConcernIn(Schema):
    client_id: uuid.UUID = Field(
        description="Made by the device; sending the same id again returns the stored record."
    )
    pupil_id: uuid.UUID = Field(description="Any pupil of a school where you hold a role.")
    occurred_at: IsoDateTime = Field(description="When it happened or was noticed.")
    location: str = Field("", max_length=services.LOCATION_MAX)
    concern: str = Field(description="What was seen, heard or told: facts, not opinions.")
    words_used: str = Field("", description="Who said what, in their own words.")
    body_map: list[MarkIn] = Field(
        [], description=f"Marks and injuries, at most {services.BODY_MAP_MAX_MARKS}."
    )
    action_taken: str = Field("", description="Anything the reporter already did.")


class ReceivedOut(Schema):
    id: uuid.UUID
    received_at: dt.datetime = Field(alias="reported_at")


@router.post(
    "/safeguarding/concerns",
    response={
        200: ReceivedOut,
        201: ReceivedOut,
        400: FieldErrorsOut,
        401: ErrorOut,
        404: ErrorOut,
        409: FieldErrorsOut,
        422: FieldErrorsOut,
    },
    summary="Report a safeguarding concern (201; 200 when client_id was sent before)",
    description="Any staff member, about any pupil of their school. The answer says only "
    "that it was received: the reporter does not read the concern again.",
)
def concern_create(request, payload: ConcernIn):
    concern, created = services.concern_report(
        actor=request.auth,
        client_id=payload.client_id,
        pupil_id=payload.pupil_id,
        occurred_at=payload.occurred_at,
        location=payload.location,
        concern=payload.concern,
        words_used=payload.words_used,
        body_map=[m.model_dump() for m in payload.body_map],
        action_taken=payload.action_taken,
    )
    return Status(201 if created else 200, concern)


class ActionOut(Schema):
    kind: str
    note: str
    by: str
    at: dt.datetime

    @staticmethod
    def resolve_by(action):
        return action.by.full_name


class MarkOut(Schema):
    side: str
    x: float
    y: float
    note: str


class ConcernOut(Schema):
    id: uuid.UUID
    pupil_id: uuid.UUID
    school_id: int
    reported_by: str
    reported_at: dt.datetime
    occurred_at: dt.datetime
    location: str
    concern: str
    words_used: str
    body_map: list[MarkOut]
    action_taken: str
    status: str = Field(json_schema_extra={"enum": Concern.Status.values})
    risk: str = Field(json_schema_extra={"enum": Concern.Risk.values})
    retain_until: dt.date = Field(description="Date of birth + 25 years, then reviewed.")
    actions: list[ActionOut] = Field(alias="action_list")

    @staticmethod
    def resolve_reported_by(concern):
        return concern.reported_by.full_name


DSL_ONLY = {401: ErrorOut, 404: ErrorOut}


@router.get(
    "/safeguarding/concerns/{concern_id}",
    response={200: ConcernOut, **DSL_ONLY},
    summary="A safeguarding concern with the DSL team's actions (DSL team only)",
)
def concern_get(request, concern_id: uuid.UUID):
    concern = selectors.concern_detail(request.auth, concern_id)
    services.access_record(
        actor=request.auth, pupil_id=concern.pupil_id, concern=concern, what="concern", via="api"
    )
    return concern


class ChronologyItemOut(Schema):
    type: Literal["concern", "action"]
    at: dt.datetime = Field(description="When it happened (concern) or was done (action).")
    concern_id: uuid.UUID
    kind: str = Field(description="'concern', or the kind of action: triage, referral_csc, …")
    text: str = Field(description="The concern as reported, or the action's note.")
    by: str
    status: str | None = Field(None, description="A concern's current status.")
    risk: str | None = Field(None, description="A concern's current risk.")


class ChronologyOut(Schema):
    pupil_id: uuid.UUID
    items: list[ChronologyItemOut]


def _item(item) -> dict:
    if item.is_concern:
        c = item.concern
        return {
            "type": "concern", "at": item.at, "concern_id": c.pk, "kind": "concern",
            "text": c.concern, "by": c.reported_by.full_name, "status": c.status, "risk": c.risk,
        }  # fmt: skip
    a = item.action
    return {
        "type": "action", "at": item.at, "concern_id": a.concern_id, "kind": a.kind,
        "text": a.note, "by": a.by.full_name,
    }  # fmt: skip


@router.get(
    "/pupils/{pupil_id}/safeguarding/chronology",
    response={200: ChronologyOut, **DSL_ONLY},
    summary="A pupil's safeguarding chronology, newest first (DSL team only)",
)
def chronology_get(request, pupil_id: uuid.UUID):
    pupil = access.get_pupil_for_dsl(request.auth, pupil_id)
    items = selectors.chronology(pupil)
    services.access_record(
        actor=request.auth, pupil_id=pupil.pk, school_id=pupil.school_id, what="chronology",
        via="api",
    )  # fmt: skip
    return {"pupil_id": pupil.pk, "items": [_item(i) for i in items]}
