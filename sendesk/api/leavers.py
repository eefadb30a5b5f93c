"""Leavers (issue 12): record that a pupil leaves (SENCO, head), undo it (head), and the
transfer pack for the next school (PDF; SENCO, head). A leaver's record is read-only: any
other write about them answers 409 with the reason (sendesk.pupils.leavers)."""

import datetime as dt
import uuid

from ninja import Router, Schema, Status
from pydantic import Field

from sendesk import access
from sendesk.pupils import leavers
from sendesk.pupils.models import PupilLeaving
from sendesk.records import transfer

from .common import ErrorOut, FieldErrorsOut, IsoDate

router = Router(tags=["pupils"])

WRITE_ERRORS = {400: FieldErrorsOut, 401: ErrorOut, 404: ErrorOut, 409: FieldErrorsOut,
                422: FieldErrorsOut}  # fmt: skip


class LeaveIn(Schema):
    left_on: IsoDate = Field(
        description="The first day the pupil is no longer at the school, the day after their "
        "last day in school (YYYY-MM-DD): from it the record is read-only."
    )
    reason: str = Field(description=", ".join(PupilLeaving.Reason.values))
    next_school: str = Field("", max_length=150, description="The next school's name.")
    next_school_urn: str = Field("", max_length=20, description="Its URN (6 digits).")
    next_school_laestab: str = Field("", max_length=20, description="Its LA/Estab (7 digits).")


class LeavingOut(Schema):
    pupil_id: uuid.UUID
    left_on: dt.date
    has_left: bool = Field(description="Whether the day has come: the record is read-only.")
    reason: str
    next_school: str
    next_school_urn: str
    next_school_laestab: str


def _out(pupil, leaving) -> dict:
    return {
        "pupil_id": pupil.pk, "left_on": leaving.left_on, "has_left": pupil.has_left,
        "reason": leaving.reason, "next_school": leaving.next_school,
        "next_school_urn": leaving.next_school_urn,
        "next_school_laestab": leaving.next_school_laestab,
    }  # fmt: skip


@router.post(
    "/{pupil_id}/leave",
    response={201: LeavingOut, **WRITE_ERRORS},
    summary="Record that the pupil leaves: their record is then read-only (SENCO, head)",
)
def pupil_leave(request, pupil_id: uuid.UUID, payload: LeaveIn):
    pupil = access.get_pupil_for(request.auth, pupil_id, "record_leaving")
    leaving = leavers.pupil_leave(actor=request.auth, pupil=pupil, data=payload.dict())
    pupil.refresh_from_db(fields=["left_on"])
    return Status(201, _out(pupil, leaving))


@router.post(
    "/{pupil_id}/rejoin",
    response={200: dict, **WRITE_ERRORS},
    summary="Undo the pupil's leaving: their record is open again (head)",
)
def pupil_rejoin(request, pupil_id: uuid.UUID):
    pupil = access.get_pupil_for(request.auth, pupil_id, "rejoin_pupil")
    leavers.pupil_rejoin(actor=request.auth, pupil=pupil)
    return {"pupil_id": str(pupil.pk), "left_on": None}


@router.get(
    "/{pupil_id}/transfer-pack",
    response={401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut},
    summary="The transfer pack for the next school, as a PDF (SENCO, head); never safeguarding",
    openapi_extra={
        "responses": {
            200: {
                "description": "The pack: plan, targets, provision delivered, latest review, "
                "strategies, profile, care and medication plans.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def transfer_pack(request, pupil_id: uuid.UUID):
    return transfer.pack_response(request.auth, pupil_id, via="api")
