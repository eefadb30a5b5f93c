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
from sendesk.signin.mfa_services import api_refusal

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
    otp: str | None = Field(
        None,
        max_length=64,
        description="The 6-digit code from the authenticator app, for an account that uses "
        "a second factor (an answer 401 with mfa_required says so).",
    )


class TokenOut(Schema):
    token: str = Field(description="Send it as 'Authorization: Bearer <token>'.")


class MfaRequiredOut(Schema):
    detail: str = Field(description="What is missing or wrong, in words a person can act on.")
    mfa_required: bool = Field(
        description="Always true: the password was right, and this account must send the code "
        "from its authenticator app as otp (set one up on the web first if it has none)."
    )


BAD_LOGIN = "That e-mail address and password don't match an active account."


@router.post(
    "/token",
    auth=None,
    response={
        200: TokenOut,
        400: FieldErrorsOut,
        401: MfaRequiredOut | ErrorOut,
        422: FieldErrorsOut,
    },
    summary="Get an API token for an e-mail address and password",
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
        return Status(401, {"detail": BAD_LOGIN})
    if refusal := api_refusal(user=user, otp=payload.otp, request=request):
        return Status(401, {"detail": refusal, "mfa_required": True})
    with transaction.atomic():
        raw = ApiToken.issue(user)
        record_security(SecurityEvent.Kind.TOKEN_CREATED, user=user, request=request, via="api")
    return {"token": raw}
