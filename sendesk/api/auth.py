"""API tokens: issue one for an e-mail and password, know the caller by it, list the
caller's tokens and revoke them. A token ends 8 hours after its last use and 30 days after
it was made (settings SENDESK_TOKEN_IDLE_HOURS, SENDESK_TOKEN_MAX_DAYS); so does every
token of someone who may no longer sign in (a leaver)."""

import datetime as dt

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import Field

from sendesk.accounts.models import ApiToken
from sendesk.audit.models import SecurityEvent
from sendesk.audit.services import record_security
from sendesk.signin import tokens as devices
from sendesk.signin.lockout import locked_body, refused_for_lockout
from sendesk.signin.mfa_services import api_refusal

from .common import AUTH_ERRORS, ErrorOut, FieldErrorsOut

# Recording each use would be a write per request; a minute is precise enough to see
# which tokens are still in use.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def live_token(raw: str):
    """The live token `raw` is, of someone who may still sign in, or None. One query; a
    second, at most once a minute per token, to note that it was used."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.hash(raw), user__is_active=True)
        .first()
    )
    now = timezone.now()
    if token is None or not token.is_live(now) or not token.user.may_sign_in():
        return None
    if token.last_used is None or now - token.last_used >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    return token


def token_user(raw: str):
    """The user a live token `raw` belongs to, or None."""
    token = live_token(raw)
    return token.user if token is not None else None


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        if not token:
            return None
        found = live_token(token)
        if found is None:
            return None
        # So code that reads request.user (the no-store middleware) sees the caller, and
        # the token endpoints know which token is calling.
        request.user = found.user
        request.api_token = found
        return found.user


router = Router(tags=["auth"])


class TokenIn(Schema):
    email: str = Field(max_length=254, examples=["ta1@oakfield.example"])
    password: str = Field(max_length=1024)
    device: str = Field(
        "",
        max_length=80,
        description="A name for the device, shown on the person's list of devices "
        "(e.g. 'Class 3 iPad'). Without it, a short reading of the User-Agent.",
    )
    otp: str | None = Field(
        None,
        max_length=64,
        description="The 6-digit code from the authenticator app, for an account that uses "
        "a second factor (an answer 401 with mfa_required says so).",
    )


EXPIRY = (
    "When the token ends if it is not used again. Each use moves it to 8 hours after that "
    "use (to the minute), but never past 30 days after the token was made: then sign in "
    "again for a new one."
)


class TokenOut(Schema):
    token: str = Field(description="Send it as 'Authorization: Bearer <token>'.")
    expires_at: dt.datetime = Field(description=EXPIRY)


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
    if refusal := api_refusal(user=user, otp=payload.otp, request=request):
        return Status(401, {"detail": refusal, "mfa_required": True})
    device = devices.device_label(request.headers.get("User-Agent", ""), payload.device)
    with transaction.atomic():
        raw, made = ApiToken.make(user, device)
        record_security(
            SecurityEvent.Kind.TOKEN_CREATED,
            user=user,
            request=request,
            via="api",
            token=made.pk,
            device=made.device,
        )
    return {"token": raw, "expires_at": made.expires_at}


class DeviceOut(Schema):
    id: int
    device: str = Field(description="The device's name, as it was given or read when made.")
    created: dt.datetime
    last_used: dt.datetime | None = Field(description="To the minute; null if never used.")
    expires_at: dt.datetime = Field(description=EXPIRY)
    current: bool = Field(description="True for the token making this request.")


@router.delete(
    "/token",
    response={204: None, **AUTH_ERRORS},
    summary="Sign this device out: revoke the token making the request",
)
def revoke_token(request):
    devices.revoke(
        request.api_token, actor=request.user, request=request, via="api", why="signed out"
    )
    return Status(204, None)


@router.get(
    "/tokens",
    response={200: list[DeviceOut], **AUTH_ERRORS},
    summary="Your live API tokens, one per device signed in (never the tokens themselves)",
)
def list_tokens(request, response: HttpResponse):
    response["Cache-Control"] = "no-store"
    calling = request.api_token.pk
    return [
        {
            "id": t.pk,
            "device": t.device,
            "created": t.created,
            "last_used": t.last_used,
            "expires_at": t.expires_at,
            "current": t.pk == calling,
        }
        for t in devices.live_tokens(request.user)
    ]


@router.delete(
    "/tokens/{token_id}",
    response={204: None, 401: ErrorOut, 404: ErrorOut},
    summary="Revoke one of your own API tokens (someone else's is not found)",
)
def revoke_token_by_id(request, token_id: int):
    if not devices.revoke_own(
        request.user, token_id, request=request, via="api", why="revoked from the API"
    ):
        raise Http404
    return Status(204, None)
