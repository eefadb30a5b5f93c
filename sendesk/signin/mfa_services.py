"""Writes about the second factor: set it up, check a code, make new recovery codes, reset
it, set a school's policy. Each validates, writes and records in one transaction; codes
and secrets never reach the trail."""

import math
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendesk.audit.models import AuditEvent, SecurityEvent
from sendesk.audit.services import record_change, record_security, snapshot
from sendesk.lib.errors import ServiceError

from . import mfa
from .models import SecondFactorPolicy
from .services import end_sessions_and_tokens

APP_NAME = "Authenticator app"
WRONG_CODE = "That code is not right. Check your authenticator app and type the code it shows now."
WRONG_RECOVERY = "That recovery code is not right, or it has been used already."
NOT_A_CODE = "Enter the 6-digit code from your authenticator app, or one of your recovery codes."
NO_CODE = "Enter the 6-digit code from your authenticator app."


@dataclass
class Checked:
    """The outcome of checking a code: the device that accepted it, or why not (a wrong
    code is recorded, so it is an outcome, not a ServiceError that rolls back)."""

    device: object = None
    error: str = ""
    # New recovery codes, when setting up an authenticator made them (shown once).
    codes: list = field(default_factory=list)


def _wait_message(device) -> str:
    """django-otp refuses every code for a while after a wrong one (1, 2, 4, 8… seconds):
    say so, and for how long, rather than calling a right code wrong."""
    allowed, data = device.verify_is_allowed()
    if allowed or not data or data.get("reason") != VerifyNotAllowed.N_FAILED_ATTEMPTS:
        return ""
    seconds = max(1, math.ceil((data["locked_until"] - timezone.now()).total_seconds()))
    unit = "second" if seconds == 1 else "seconds"
    return (
        f"Wait {seconds} {unit}, then type the code your app shows at that moment: after a "
        "wrong code, SENDesk waits a little longer each time before it checks another."
    )


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed, so scanning
    the code and then reloading the page still works."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def _verify(device, code: str) -> Checked:
    if wait := _wait_message(device):
        return Checked(error=wait)
    return Checked(device=device) if device.verify_token(code) else Checked()


def enrol(*, user, code: str, request) -> Checked:
    """Confirm the authenticator being set up with a code it shows; it replaces any earlier
    one. Marks the session verified and returns new recovery codes (shown once). A wrong
    code is recorded as a failed code."""
    code = mfa.normalise_code(code)
    if not mfa.is_totp_code(code):
        return Checked(error=NO_CODE)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-id")
            .first()
        )
        if device is None:  # confirmed in another tab meanwhile
            return Checked(error="Start again: open the set-up page.")
        checked = _verify(device, code)
        if checked.device is None:
            record_security(
                SecurityEvent.Kind.MFA_FAILED, user=user, request=request, step="set-up"
            )
            checked.error = checked.error or WRONG_CODE
            return checked
        replaced, _ = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.name = APP_NAME
        device.save()
        checked.codes = _new_recovery_codes(user)
        record_security(
            SecurityEvent.Kind.MFA_ENROLLED,
            user=user,
            request=request,
            device="authenticator app",
            replaced_earlier=bool(replaced),
            recovery_codes=len(checked.codes),
        )
    _verified(request, device)
    return checked


def _new_recovery_codes(user) -> list[str]:
    # One recovery "device" per person, kept across new sets of codes: a session verified
    # with a recovery code stays verified (django-otp checks the device it names).
    device = StaticDevice.objects.filter(user=user).order_by("id").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    device.token_set.all().delete()
    codes = [mfa.new_recovery_code() for _ in range(mfa.RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=mfa.recovery_digest(code)) for code in codes
    )
    return [mfa.shown(code) for code in codes]


def replace_recovery_codes(*, user, request) -> list[str]:
    """A new set of recovery codes for someone with an authenticator; the old ones stop
    working. Returns the codes (shown once; only their digests are kept)."""
    with transaction.atomic():
        if not mfa.has_second_factor(user):
            raise ServiceError({"__all__": "Set up an authenticator app first."}, status=409)
        codes = _new_recovery_codes(user)
        record_security(
            SecurityEvent.Kind.MFA_ENROLLED,
            user=user,
            request=request,
            device="recovery codes",
            recovery_codes=len(codes),
        )
    return codes


def check_code(*, user, code: str, request, via: str = "web", recovery: bool = True) -> Checked:
    """Check a code typed at the second step: a 6-digit code from the authenticator app,
    or (on the web) a recovery code, used up once it is accepted. A wrong code is recorded
    (MFA_FAILED), a recovery code used too (RECOVERY_CODE_USED). django-otp slows down
    guessing: after each wrong code every code is refused for twice as long."""
    code = mfa.normalise_code(code)
    if mfa.is_totp_code(code):
        model, kind, digest = TOTPDevice, "authenticator", code
    elif recovery and mfa.is_recovery_code(code):
        model, kind, digest = StaticDevice, "recovery code", mfa.recovery_digest(code)
    else:
        return Checked(error=NOT_A_CODE if recovery else NO_CODE)
    with transaction.atomic():
        # Locked, so two requests cannot both use one code.
        devices = model.objects.select_for_update().filter(user=user, confirmed=True)
        device = devices.order_by("id").first()
        if device is None:
            checked = Checked(error=WRONG_RECOVERY if kind == "recovery code" else WRONG_CODE)
        else:
            checked = _verify(device, digest)
        if checked.device is None:
            record_security(
                SecurityEvent.Kind.MFA_FAILED, user=user, request=request, via=via, code=kind
            )
            if not checked.error:
                checked.error = WRONG_RECOVERY if kind == "recovery code" else WRONG_CODE
        elif kind == "recovery code":
            record_security(
                SecurityEvent.Kind.RECOVERY_CODE_USED,
                user=user,
                request=request,
                via=via,
                left=device.token_set.count(),
            )
    return checked


def sign_in_second_step(*, request, code: str) -> Checked:
    """The web's second step: check the code and, when it is right, mark the session as
    signed in with the second factor (a new session key, as a sign-in makes)."""
    checked = check_code(user=request.user, code=code, request=request)
    if checked.device is not None:
        _verified(request, checked.device)
        # The password step's row says "password"; this one completes the sign-in, so the
        # trail tells a full sign-in from one that stopped at the code.
        record_security(
            SecurityEvent.Kind.SIGNED_IN,
            user=request.user,
            request=request,
            step="second factor",
            device="recovery code"
            if isinstance(checked.device, StaticDevice)
            else "authenticator app",
        )
    return checked


def _verified(request, device) -> None:
    # The session key changes with what the session may do, as it does at sign-in, so a
    # key learnt before the second step is of no use after it.
    request.session.cycle_key()
    otp_login(request, device)


def api_refusal(*, user, otp: str | None, request) -> str:
    """Why the API refuses a token to `user` (who gave the right password), or "" when it
    may have one: someone who must use a second factor, or has set one up, sends the code
    from their authenticator app as `otp`. Recovery codes are for the web only."""
    if not mfa.has_second_factor(user):
        if mfa.second_factor_required(user):
            return (
                "This account must use a second factor, and has none yet. Sign in on the "
                "web first to set up an authenticator app, then send its 6-digit code as otp."
            )
        return ""
    if not otp:
        return (
            "This account uses a second factor: send the 6-digit code from the "
            "authenticator app as otp."
        )
    checked = check_code(user=user, code=otp, request=request, via="api", recovery=False)
    return "" if checked.device is not None else checked.error


def reset(*, user, actor, request) -> None:
    """A lost or changed phone: the head removes someone's second factor. Their devices
    and recovery codes go, every session and API token of theirs ends, and they set it up
    again at their next sign-in (if they must have one)."""
    with transaction.atomic():
        totp, _ = TOTPDevice.objects.filter(user=user).delete()
        static, _ = StaticDevice.objects.filter(user=user).delete()
        record_security(
            SecurityEvent.Kind.MFA_RESET,
            user=user,
            actor=actor,
            request=request,
            had_authenticator=bool(totp),
        )
        end_sessions_and_tokens(user, why="second factor reset", actor=actor, request=request)


def set_policy(*, school_id: int, roles, actor) -> SecondFactorPolicy:
    """The roles at a school that must also use a second factor (beyond mfa.ALWAYS)."""
    unknown = set(roles) - set(mfa.OPTIONAL)
    if unknown:
        raise ServiceError({"roles": "Choose from the roles listed."}, status=422)
    chosen = [role.value for role in mfa.OPTIONAL if role in roles]
    with transaction.atomic():
        policy, created = SecondFactorPolicy.objects.select_for_update().get_or_create(
            school_id=school_id
        )
        before = None if created else snapshot(policy)
        if not created and policy.roles == chosen:
            return policy
        policy.roles = chosen
        policy.changed_at = timezone.now()
        policy.changed_by = actor
        policy.save()
        record_change(
            actor=actor,
            action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
            obj=policy,
            school_id=school_id,
            before=before,
            after=snapshot(policy),
        )
    return policy
