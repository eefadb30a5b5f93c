"""Evidence in pictures and sound over the API: a tablet sends a photo, video or recording
(multipart), and reads a file back. Both through the access layer: out of scope is 404."""

import uuid

from ninja import File, Form, Router, Schema, Status, UploadedFile

from sendesk.audit.services import record_access
from sendesk.evidence import selectors, services
from sendesk.evidence.views import file_response

from .common import ErrorOut, FieldErrorsOut

router = Router(tags=["evidence"])

# What GET .../file may answer with: the types evidence is stored as (photos are stored
# afresh as JPEG or PNG; videos and recordings keep their own type).
FILE_TYPES = [
    "image/jpeg",
    "image/png",
    "video/mp4",
    "video/quicktime",
    "video/webm",
    "audio/mp4",
    "audio/mpeg",
    "audio/ogg",
    "audio/webm",
    "audio/wav",
]


# The multipart fields beside the file (module-level: a call in a default runs once anyway).
CAPTION = Form("", description="What it shows, in a few words (300 at most).")
SESSION_ID = Form(None, description="A session the pupil was in.")
TARGET_IDS = Form([], description="The pupil's targets it is evidence for.")
KIND = Form(
    None,
    description="'work' for a picture of work with nobody in it; otherwise worked out from "
    "the file (photo, video or audio).",
    example="work",
)


class EvidenceCreatedOut(Schema):
    id: uuid.UUID


@router.post(
    "/pupils/{pupil_id}/evidence",
    response={
        201: EvidenceCreatedOut,
        400: FieldErrorsOut,
        401: ErrorOut,
        404: ErrorOut,
        409: FieldErrorsOut,
        413: FieldErrorsOut,
        422: FieldErrorsOut,
    },
    summary="Add a photo, video, recording or work sample about a pupil (multipart)",
    description="Location and other metadata are removed before the file is kept. A photo "
    "or video of the pupil needs the parent's photo consent (422 with errors.consent "
    "otherwise); kind 'work' is a picture of work with nobody in it. A file over the limit "
    "for its kind answers 413 with errors.file saying the limit.",
)
def evidence_create(
    request,
    pupil_id: uuid.UUID,
    file: File[UploadedFile],
    caption: str = CAPTION,
    session_id: uuid.UUID | None = SESSION_ID,
    target_ids: list[uuid.UUID] = TARGET_IDS,
    kind: str | None = KIND,
):
    evidence = services.evidence_add(
        actor=request.auth,
        pupil_id=pupil_id,
        upload=file,
        caption=caption,
        kind=kind,
        session_id=session_id,
        target_ids=target_ids,
    )
    return Status(201, {"id": evidence.pk})


@router.get(
    "/evidence/{evidence_id}/file",
    response={401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut},
    summary="The file of one piece of evidence",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The stored file, with its type.",
                "content": {
                    t: {"schema": {"type": "string", "format": "binary"}} for t in FILE_TYPES
                },  # fmt: skip
            }
        }
    },
)
def evidence_file(request, evidence_id: uuid.UUID):
    evidence = selectors.staff_item(request.auth, evidence_id)
    record_access(actor=request.auth, pupil=evidence.pupil, what="evidence file", via="api")
    return file_response(evidence)
