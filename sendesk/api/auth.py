"""API tokens: issue one for an e-mail and password, and know the caller by it."""

import datetime as dt

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import Field

from sendesk.accounts.models import ApiToken
from sendesk.audit.models import SecurityEvent
from sendesk.audit.services import record_security
from sendesk.signin.lockout import locked_body, refused_for_lockout

from .common import ErrorOut, FieldErrorsOut

# Recording each use would be a write per request; a minute is precise enough to see
# which tokens are still in use.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_user(raw: str):
    """The active user `raw` belongs to, or None. One query; a second, at most once a
    minute per token, to note that it was used."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.hash(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        if not token:
            return None
        user = token_user(token)
        if user is not None:
            # So code that reads request.user (the no-store middleware) sees the caller.
            request.user = user
        return user


router = Router(tags=["auth"])


class TokenIn(Schema):
    email: str = Field(max_length=254, examples=["ta1@oakfield.example"])
    password: str = Field(max_length=1024)


class TokenOut(Schema):
    token: str = Field(description="Send it as 'Authorization: Bearer <token>'.")


class LockedOut(Schema):
    detail: str = Field(description="That sign-in is locked, and until when, in words.")
    retry_after: int = Field(description="Seconds to wait (the Retry-After header says it too).")
    locked_until: dt.datetime = Field(description="The moment from which signing in works again.")


# The 429 carries a Retry-After header (seconds), declared here for the document.
LOCKED_OUT_DOC = {
    "responses": {
        429: {
            "description": "Too many failed sign-ins for this account (or from this "
            "address): locked, even for the right password, until `locked_until`.",
            "headers": {
                "Retry-After": {
                    "description": "Seconds to wait before trying again.",
                    "schema": {"type": "integer"},
                }
            },
        }
    }
}


BAD_LOGIN = "That e-mail address and password don't match an active account."


@router.post(
    "/token",
    auth=None,
    response={
        200: TokenOut,
        400: FieldErrorsOut,
        401: ErrorOut,
        422: FieldErrorsOut,
        429: LockedOut,
    },
    summary="Get an API token for an e-mail address and password",
    openapi_extra=LOCKED_OUT_DOC,
)
def token(request, payload: TokenIn, response: HttpResponse):
    response["Cache-Control"] = "no-store"
    email = payload.email.strip().lower()
    if "\x00" in email:
        # No address holds a NUL, and PostgreSQL cannot be asked for one (it was a 500 there).
        return Status(401, {"detail": BAD_LOGIN})
    # The model backend refuses inactive users, so they get the same answer as a bad password.
    user = authenticate(request, username=email, password=payload.password)
    if user is None:
        if (lock := refused_for_lockout(request)) is not None:
            response["Retry-After"] = str(lock.retry_after())
            return Status(429, locked_body(lock))
        return Status(401, {"detail": BAD_LOGIN})
    with transaction.atomic():
        raw = ApiToken.issue(user)
        record_security(SecurityEvent.Kind.TOKEN_CREATED, user=user, request=request, via="api")
    return {"token": raw}
