"""Recording a session: the TA's record of a delivered or missed provision."""

import datetime as dt
import uuid
from typing import Annotated

from django.db.models import Prefetch
from ninja import Router, Schema, Status
from pydantic import Field, StrictBool, StrictInt, WithJsonSchema

from sendesk import access
from sendesk.provision.models import Attendance, MissedReason, Rating, SessionPupil, TargetRating
from sendesk.provision.services import PupilRecord, session_record

from .common import ErrorOut, FieldErrorsOut, IsoDate, IsoTime

router = Router(tags=["sessions"])


def _one_of(values, blank=False):
    # Checked by the service, which says what is wrong in words; the enum documents it.
    return {"enum": (["", None] if blank else []) + list(values)}


class TargetProgressIn(Schema):
    target_id: uuid.UUID
    rating: str = Field(json_schema_extra=_one_of(Rating.values))


class SessionPupilIn(Schema):
    pupil_id: uuid.UUID
    attendance: str | None = Field(
        "",
        json_schema_extra=_one_of(Attendance.values, blank=True),
        description="Required when delivered; blank when the session was missed.",
    )
    response: StrictInt | None = Field(None, description="Engagement, 1 (did not engage) to 5.")
    note: str | None = ""
    note_shared_with_parents: StrictBool = Field(
        False,
        description="Whether the child's parents may read the note on their pages. "
        "Optional; false (kept for staff) unless sent as true. Changed later only by an "
        "amendment, which keeps the old value.",
    )
    adaptations: str | None = ""
    flag_for_teacher: StrictBool = False
    flag_note: str | None = Field(
        None,
        description="What the teacher should look at, at most 300 characters: required "
        "(not blank) when flag_for_teacher is true, as on the session form. Left out (null): "
        "not asked, for clients written before it; when not flagged it is checked (300 "
        "characters, no NUL) but not kept.",
    )
    minutes: StrictInt | None = Field(
        None, description="Minutes the pupil had, for a partial attendance (default half)."
    )
    provision_id: uuid.UUID | None = Field(
        None, description="In a group session: this pupil's own provision the minutes count to."
    )
    target_progress: list[TargetProgressIn] = []


class SessionIn(Schema):
    client_id: uuid.UUID = Field(
        description="Made by the device; sending the same id again returns the stored record."
    )
    provision_id: uuid.UUID | None = Field(None, description="Empty for ad-hoc support.")
    date: IsoDate
    start_time: IsoTime | None = None
    minutes: StrictInt = Field(description="Length of the session, 1 to 600.")
    delivered: StrictBool
    missed_reason: str | None = Field(
        "",
        json_schema_extra=_one_of(MissedReason.values, blank=True),
        description="Why a missed session was missed; blank when delivered.",
    )
    missed_note: str | None = Field(
        "", max_length=300, description="Required when the reason is other."
    )
    pupils: list[SessionPupilIn] = Field(
        [], description="May be empty for a missed session of one pupil's provision."
    )


# A time of the school day, as sent: "09:15:00", with no zone. JSON Schema's "time" format
# is RFC 3339's full-time, which must end in a zone, so the document says what is sent.
SchoolTime = Annotated[
    dt.time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?$",
            "description": "School time (Europe/London), HH:MM:SS, without a zone.",
        },
        mode="serialization",
    ),
]


class TargetProgressOut(Schema):
    target_id: uuid.UUID
    rating: str


class SessionPupilOut(Schema):
    pupil_id: uuid.UUID
    provision_id: uuid.UUID | None = Field(description="The provision these minutes count to.")
    attendance: str
    minutes: int = Field(description="Minutes the pupil received.")
    response: int | None
    note: str
    note_shared_with_parents: bool = Field(description="Parents may read the note.")
    adaptations: str
    flag_for_teacher: bool
    flag_note: str = Field(description="What the teacher should look at; empty if not flagged.")
    target_progress: list[TargetProgressOut] = Field(alias="ratings")


class SessionOut(Schema):
    id: uuid.UUID
    client_id: uuid.UUID
    provision_id: uuid.UUID | None
    date: dt.date
    start_time: SchoolTime | None
    minutes: int
    delivered: bool
    missed_reason: str
    missed_note: str
    recorded_by: str
    recorded_at: dt.datetime
    pupils: list[SessionPupilOut] = Field(
        alias="visible_records", description="The pupils in the caller's scope."
    )

    @staticmethod
    def resolve_recorded_by(session):
        return str(session.recorded_by)


@router.post(
    "",
    response={
        200: SessionOut,
        201: SessionOut,
        400: FieldErrorsOut,
        401: ErrorOut,
        404: ErrorOut,
        409: FieldErrorsOut,
        422: FieldErrorsOut,
    },
    summary="Record a delivered or missed session (201; 200 when client_id was sent before)",
)
def session_create(request, payload: SessionIn):
    session, created = session_record(
        actor=request.auth,
        client_id=payload.client_id,
        provision_id=payload.provision_id,
        date=payload.date,
        start_time=payload.start_time,
        minutes=payload.minutes,
        delivered=payload.delivered,
        missed_reason=payload.missed_reason or "",
        missed_note=payload.missed_note or "",
        pupils=[
            PupilRecord(
                pupil_id=p.pupil_id,
                attendance=p.attendance or "",
                response=p.response,
                note=p.note or "",
                note_shared_with_parents=p.note_shared_with_parents,
                adaptations=p.adaptations or "",
                flag_for_teacher=p.flag_for_teacher,
                flag_note=p.flag_note,
                minutes=p.minutes,
                provision_id=p.provision_id,
                target_progress=[(t.target_id, t.rating) for t in p.target_progress],
            )
            for p in payload.pupils
        ],
    )
    session.visible_records = list(
        access.scoped(request.auth, SessionPupil.objects.filter(session=session))
        .prefetch_related(Prefetch("ratings", queryset=TargetRating.objects.order_by("id")))
        .order_by("id")
    )
    return Status(201 if created else 200, session)
