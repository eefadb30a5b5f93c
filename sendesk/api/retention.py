"""Retention (issue 12 §5): what is due for disposal or review (GET /retention/due), and a
disposal confirmed (POST /retention/disposals answers 201 with its log). For the head and
the school's data-protection officer, as the pages /records/retention/; the same service
(records.disposal) refuses what is on legal hold, not due, or a safeguarding record the
DSL has not decided to dispose of (409). Anyone else gets a 404, as for a pupil that does
not exist."""

import datetime as dt
import uuid

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from sendesk import access
from sendesk.records import disposal, retention

from .common import ErrorOut, FieldErrorsOut

router = Router(tags=["retention"])


class DueOut(Schema):
    pupil_id: uuid.UUID
    pupil_name: str
    date_of_birth: dt.date
    kind: str = Field(json_schema_extra={"enum": list(retention.DISPOSABLE)})
    rule: str = Field(description="The retention rule, in words.")
    due_on: dt.date = Field(description="The day it fell due.")
    state: str = Field(
        json_schema_extra={"enum": ["ready", "review"]},
        description="ready: the head or DPO may confirm; review: waiting for the DSL.",
    )
    on_hold: bool = Field(description="A legal hold stops it.")


class DisposalIn(Schema):
    pupil_id: uuid.UUID
    kind: str = Field(
        json_schema_extra={"enum": list(retention.DISPOSABLE)},
        description="sen, safeguarding, care, or all (the whole record and the pupil).",
    )


class DisposalOut(Schema):
    id: uuid.UUID
    pupil_name: str
    upn: str
    date_of_birth: dt.date
    kinds: list[str]
    whole_record: bool
    rule: str
    due_on: dt.date
    counts: dict[str, int] = Field(description="Rows removed, by table.")
    decided_at: dt.datetime


@router.get(
    "/retention/due",
    response={200: list[DueOut], 401: ErrorOut, 404: ErrorOut},
    summary="What is due for disposal or for the DSL's review (head, DPO)",
)
def retention_due(request):
    schools = access.schools_where(request.auth, disposal.DISPOSE)
    if not schools:
        raise Http404
    return [
        {
            "pupil_id": item.pupil.pk, "pupil_name": item.pupil.name,
            "date_of_birth": item.pupil.date_of_birth, "kind": item.kind, "rule": item.rule,
            "due_on": item.due_on, "state": item.state, "on_hold": item.hold is not None,
        }
        for item in retention.due(schools, timezone.localdate())
    ]  # fmt: skip


@router.post(
    "/retention/disposals",
    response={
        201: DisposalOut,
        400: FieldErrorsOut,
        401: ErrorOut,
        404: ErrorOut,
        409: FieldErrorsOut,
        422: FieldErrorsOut,
    },  # fmt: skip
    summary="Dispose of a pupil's records that are due (head, DPO); logged",
)
def retention_dispose(request, payload: DisposalIn):
    log = disposal.dispose(actor=request.auth, pupil_id=payload.pupil_id, kind=payload.kind)
    return Status(201, log)
