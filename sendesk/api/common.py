"""Schemas and helpers every router shares: the error bodies and paging parameters."""

from ninja import Schema
from pydantic import Field

NOT_FOUND = {"detail": "Not Found"}


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in words a person can act on.")


class FieldErrorsOut(Schema):
    detail: str = Field(description="A summary naming each field that is wrong.")
    errors: dict[str, str] = Field(
        description="One message per field, keyed by its path in the request, e.g. "
        "'pupils.0.attendance'. '__all__' holds a problem with the request as a whole."
    )


# Every endpoint behind the token answers these; declared so the OpenAPI document is whole.
AUTH_ERRORS = {401: ErrorOut}
LOOKUP_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}
# Every endpoint that takes a body: 400 when it is not JSON at all, 422 when it is JSON but
# not what the endpoint takes (not an object, a field missing or of the wrong kind).
BODY_ERRORS = {400: FieldErrorsOut, 422: FieldErrorsOut}


class Paging(Schema):
    limit: int = Field(100, ge=1, le=500, description="How many items, at most 500.")
    offset: int = Field(0, ge=0, le=1_000_000, description="How many items to skip.")
