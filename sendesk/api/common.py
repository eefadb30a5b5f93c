"""Schemas and helpers every router shares: the error bodies, paging parameters and the
date and time types requests use."""

import datetime as dt
import re
from typing import Annotated

from ninja import Schema
from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

NOT_FOUND = {"detail": "Not Found"}


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in words a person can act on.")


class FieldErrorsOut(Schema):
    detail: str = Field(description="A summary naming each field that is wrong.")
    errors: dict[str, str] = Field(
        description="One message per field, keyed by its path in the request, e.g. "
        "'pupils.0.attendance'. '__all__' holds a problem with the request as a whole."
    )


# A write about a pupil: 409 when the pupil has left and their record is kept read-only
# (pupils.leavers), as well as the usual refusals.
PUPIL_WRITE_ERRORS = {
    400: FieldErrorsOut,
    401: ErrorOut,
    404: ErrorOut,
    409: FieldErrorsOut,
    422: FieldErrorsOut,
}

# Every endpoint behind the token answers these; declared so the OpenAPI document is whole.
AUTH_ERRORS = {401: ErrorOut}
LOOKUP_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


class Paging(Schema):
    limit: int = Field(100, ge=1, le=500, description="How many items, at most 500.")
    offset: int = Field(0, ge=0, le=1_000_000, description="How many items to skip.")


def _written(pattern: str, kind: str):
    """Pydantic also reads a number as a date or time (seconds since 1970, or since
    midnight): `?since=0` was 1 January 1970. The document says a date is a string written
    YYYY-MM-DD; so does this. The error type names the kind, so errors.py says it in words."""
    form = re.compile(pattern)

    def check(value):
        if isinstance(value, dt.date | dt.time) or (isinstance(value, str) and form.match(value)):
            return value
        raise PydanticCustomError(f"{kind}_type", f"not a {kind}")

    return BeforeValidator(check)


IsoDate = Annotated[dt.date, _written(r"[0-9]{4}-[0-9]{2}-[0-9]{2}$", "date")]
IsoDateTime = Annotated[
    dt.datetime, _written(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}", "datetime")
]
IsoTime = Annotated[dt.time, _written(r"[0-9]{2}:[0-9]{2}", "time")]
