"""The home-school conversation and diary over the API. Parents for their own child, staff
for the pupils in their scope (services.conversation_pupil, the access layer): any other
pupil answers 404, exactly as one that does not exist."""

import datetime as dt
import uuid

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from sendesk.audit.services import record_access
from sendesk.homeschool import selectors, services
from sendesk.homeschool.models import BODY_MAX, Section

from .common import ErrorOut, FieldErrorsOut, IsoDate

router = Router(tags=["home-school"])


class MessageIn(Schema):
    client_id: uuid.UUID = Field(
        description="Made by the device; sending the same id again returns the stored message."
    )
    body: str = Field(description=f"The message, {BODY_MAX} characters at most.")


class MessageOut(Schema):
    id: uuid.UUID
    client_id: uuid.UUID
    author: str
    from_parent: bool
    body: str = Field(description="The words as they read now (the latest correction, if any).")
    first_sent_as: str = Field(description="The words as first sent.")
    corrected: bool
    sent_at: dt.datetime
    read_by_other_at: dt.datetime | None = Field(
        description="When the other side (the family, or the school) first read it."
    )
    photos: list[str] = Field(description="Where to fetch each photo sent with it.")


def _out(m) -> dict:
    return {
        "id": m.pk, "client_id": m.client_id, "author": m.author.full_name,
        "from_parent": m.from_parent, "body": m.latest.body if m.latest else m.body,
        "first_sent_as": m.body, "corrected": m.latest is not None, "sent_at": m.sent_at,
        "read_by_other_at": m.read_by_other,
        "photos": [f"/messages/photos/{a.pk}/" for a in m.attachments.all()],
    }  # fmt: skip


@router.get(
    "/pupils/{pupil_id}/messages",
    response={200: list[MessageOut], 401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut},
    summary="The conversation about a pupil, oldest first (marks it read for the caller)",
)
def messages_list(request, pupil_id: uuid.UUID):
    pupil, _ = services.conversation_pupil(request.auth, pupil_id)
    services.mark_read(request.auth, pupil)
    record_access(actor=request.auth, pupil=pupil, what="home-school messages", via="api")
    return [_out(m) for m in selectors.conversation(pupil)]


@router.post(
    "/pupils/{pupil_id}/messages",
    response={
        200: MessageOut,
        400: FieldErrorsOut,
        201: MessageOut,
        401: ErrorOut,
        404: ErrorOut,
        409: FieldErrorsOut,
        422: FieldErrorsOut,
    },  # fmt: skip
    summary="Write in the conversation about a pupil (201; 200 when client_id was sent before)",
)
def messages_create(request, pupil_id: uuid.UUID, payload: MessageIn):
    message, created = services.message_send(
        actor=request.auth, pupil_id=pupil_id, body=payload.body, client_id=payload.client_id
    )
    if created:
        message.latest, message.read_by_other = None, None
    else:
        # A replay answers with the message as it stands now: corrected since, or read.
        message = next(m for m in selectors.conversation(message.pupil) if m.pk == message.pk)
    return Status(201 if created else 200, _out(message))


class DiaryNoteOut(Schema):
    section: str
    label: str
    text: str
    by: str
    from_home: bool
    written_at: dt.datetime


class DiaryDayOut(Schema):
    date: dt.date
    notes: list[DiaryNoteOut]


class DiaryIn(Schema):
    client_id: uuid.UUID | None = Field(
        None, description="Made by the device; the same id again returns the stored notes."
    )
    date: IsoDate | None = Field(None, description="The day; today when left out.")
    notes: dict[str, str] = Field(
        description="Section -> text. Staff: "
        + ", ".join(Section.values[:6])
        + "; a parent: evening, morning, food, sleep, know."
    )


def _note(n) -> dict:
    return {"section": n.section, "label": Section(n.section).label, "text": n.text,
            "by": n.by.full_name, "from_home": n.from_home, "written_at": n.written_at}  # fmt: skip


@router.get(
    "/pupils/{pupil_id}/diary",
    response={200: DiaryDayOut, 401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut},
    summary="One day of a pupil's home-school diary (404 when the pupil has no diary)",
)
def diary_day(request, pupil_id: uuid.UUID, date: IsoDate | None = None):
    pupil, _ = services.diary_pupil(request.auth, pupil_id)
    day = date or timezone.localdate()
    record_access(actor=request.auth, pupil=pupil, what="home-school diary", via="api")
    notes = []
    for d in selectors.diary_days(pupil, day, day):
        for _label, group in d["school"] + d["home"]:
            notes.extend(_note(n) for n in group)
    return {"date": day, "notes": notes}


@router.post(
    "/pupils/{pupil_id}/diary",
    response={
        200: list[DiaryNoteOut],
        400: FieldErrorsOut,
        201: list[DiaryNoteOut],
        401: ErrorOut,
        404: ErrorOut,
        409: FieldErrorsOut,
        422: FieldErrorsOut,
    },  # fmt: skip
    summary="Add to a day of the diary (201; 200 when client_id was sent before)",
)
def diary_create(request, pupil_id: uuid.UUID, payload: DiaryIn):
    rows, created = services.diary_write(
        actor=request.auth, pupil_id=pupil_id, date=payload.date, notes=payload.notes,
        client_id=payload.client_id,
    )  # fmt: skip
    return Status(201 if created else 200, [_note(n) for n in rows])
