"""Subject access requests (issue 12): open one about a pupil or a member of staff (POST
/subject-access answers 201), and read one: its status, its deadline (one calendar month
from receipt) and, once gathered, the links to its download. For the head and the
school's data-protection officer; a subject or a request out of their reach is a 404,
exactly as one that does not exist."""

import datetime as dt
import uuid

from django.http import Http404
from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import Field

from sendesk.records import services
from sendesk.records.models import SubjectAccessRequest as Sar
from sendesk.records.views import FILES, download_response

from .common import ErrorOut, FieldErrorsOut, IsoDate

router = Router(tags=["subject access"])

WRITE_ERRORS = {400: FieldErrorsOut, 401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


class SarIn(Schema):
    pupil_id: uuid.UUID | None = Field(None, description="The pupil it is about.")
    staff_id: int | None = Field(
        None, description="Or the member of staff it is about (their user id): one of the two."
    )
    requester: str = Field(
        "", description="Who asked, as they signed it. Required; e.g. 'Mrs J Brown (mother)'."
    )
    received_on: IsoDate | None = Field(
        None, description="The day it was received, YYYY-MM-DD; today when left out."
    )


class SarOut(Schema):
    id: uuid.UUID
    status: str = Field(json_schema_extra={"enum": Sar.Status.values})
    deadline: dt.date = Field(description="One calendar month from the day it was received.")
    received_on: dt.date
    subject: str = Field(json_schema_extra={"enum": ["pupil", "staff"]})
    pupil_id: uuid.UUID | None
    staff_id: int | None
    safeguarding: str = Field(
        json_schema_extra={"enum": Sar.Safeguarding.values},
        description="The DSL's decision: pending, include or exclude.",
    )
    download: dict[str, str] | None = Field(
        description="Once gathered (status ready or released): the paths of its readable "
        "copy ('pdf') and machine-readable copy ('json'); otherwise null."
    )


def _out(sar: Sar) -> dict:
    ready = sar.status in (Sar.Status.READY, Sar.Status.RELEASED) and bool(sar.pdf_name)
    links = (
        {kind: reverse("api:sar_download", args=[sar.pk, kind]) for kind in FILES}
        if ready else None
    )  # fmt: skip
    return {
        "id": sar.pk, "status": sar.status, "deadline": sar.deadline,
        "received_on": sar.received_on, "subject": "pupil" if sar.about_pupil else "staff",
        "pupil_id": sar.pupil_id, "staff_id": sar.staff_id, "safeguarding": sar.safeguarding,
        "download": links,
    }  # fmt: skip


@router.post(
    "/subject-access",
    response={201: SarOut, **WRITE_ERRORS},
    summary="Open a subject access request about a pupil or a member of staff (head, DPO)",
)
def sar_create(request, payload: SarIn):
    sar = services.sar_open(
        actor=request.auth, pupil_id=payload.pupil_id, staff_id=payload.staff_id,
        requester=payload.requester, received_on=payload.received_on,
    )  # fmt: skip
    sar.refresh_from_db()  # the gathering may already have run
    return Status(201, _out(sar))


@router.get(
    "/subject-access/{sar_id}",
    response={200: SarOut, 401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut},
    summary="A subject access request: status, deadline and, when ready, the download",
)
def sar_read(request, sar_id: uuid.UUID):
    return _out(services.get_request(request.auth, sar_id))


# The download is a file, not a schema of ours: the document says which files it is.
DOWNLOAD_DOC = {
    "responses": {
        200: {
            "description": "The readable copy (kind 'pdf') or the machine-readable copy "
            "(kind 'json'), as an attachment.",
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "application/json": {"schema": {"type": "object"}},
            },
        }
    }
}


@router.get(
    "/subject-access/{sar_id}/download/{kind}",
    response={200: None, 401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut},
    url_name="sar_download",
    summary="The request's download, 'pdf' or 'json' (head, DPO); logged",
    openapi_extra=DOWNLOAD_DOC,
)
def sar_download(request, sar_id: uuid.UUID, kind: str):
    if kind not in FILES:
        raise Http404
    return download_response(services.get_request(request.auth, sar_id), kind, request.auth, "api")
