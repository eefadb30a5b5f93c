"""Imports over the API: upload a file (multipart) to see what it would do, then apply it.
Only the head (or school admin) imports; for anyone else an import is 404, as one that
does not exist."""

import uuid
from typing import Literal

from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from sendesk.imports import services
from sendesk.imports.models import ImportBatch
from sendesk.lib.errors import ServiceError

from .common import ErrorOut, FieldErrorsOut

router = Router(tags=["imports"])


class CountsOut(Schema):
    created: int
    updated: int
    unchanged: int
    errors: int


class RowErrorOut(Schema):
    file: str = Field(description="The file inside the upload (or the upload's own name).")
    row: int = Field(description="The row as a spreadsheet numbers it (the header is row 1); "
                     "for a CTF, the pupil's position in the file.")  # fmt: skip
    field: str = Field(description="The column or element, '' for the file as a whole.")
    message: str


class ImportOut(Schema):
    id: uuid.UUID
    status: Literal["previewed", "applied", "refused"]
    counts: CountsOut
    errors: list[RowErrorOut]
    sen_to_decide: int = Field(
        description="Known pupils whose SEN in the file differs from SENDesk's: listed for "
        "the SENCO to decide, never applied by the import."
    )
    notes: list[str] = Field(description="What was tolerated (columns not read, and so on).")


class ImportRefusedOut(ImportOut):
    detail: str


COUNTS = ("created", "updated", "unchanged", "errors")
KIND = Form(..., description="ctf, oneroster, csv-pupils, csv-staff or csv-classes.")


def _out(batch: ImportBatch) -> dict:
    return {
        "id": batch.pk,
        "status": batch.status,
        "counts": {
            k: batch.counts.get(k, 0) for k in ("created", "updated", "unchanged", "errors")
        },
        "errors": batch.errors,
        "sen_to_decide": sum("SEN differs" in c["flags"] for c in batch.changes),
        "notes": batch.notes,
    }


@router.post(
    "/imports",
    response={
        201: ImportOut,
        401: ErrorOut,
        404: ErrorOut,
        413: FieldErrorsOut,
        422: FieldErrorsOut,
    },  # fmt: skip
    summary="Upload a file to import, and see what it would do (multipart)",
    description="Nothing changes yet: the answer counts what applying it would create, "
    "update and leave alone, and lists every error with its file, row and field. Head or "
    "school admin only.",
)
def import_create(request, file: File[UploadedFile], kind: str = KIND):
    batch = services.import_preview(actor=request.auth, kind=kind, upload=file)
    return Status(201, _out(batch))


@router.post(
    "/imports/{import_id}/apply",
    response={
        200: ImportOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ImportRefusedOut,
        422: FieldErrorsOut,
    },  # fmt: skip
    summary="Apply a previewed import, all or nothing",
    description="Writes everything or nothing. 409 when the file has errors (nothing is "
    "written; the body lists them) or was applied already.",
)
def import_apply(request, import_id: uuid.UUID):
    try:
        batch = services.import_apply(actor=request.auth, batch_id=import_id)
    except ServiceError as exc:
        if exc.status != 409:
            raise
        batch = services.get_batch(request.auth, import_id)
        return Status(409, {**_out(batch), "detail": exc.errors["__all__"]})
    return Status(200, _out(batch))
