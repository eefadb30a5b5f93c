"""The links that let someone choose a password by e-mail (an invite to a new account, a
"forgot password" reset), and the e-mails that carry them, sent by the task worker.

A link works once and for PASSWORD_RESET_TIMEOUT (72 hours): its token is Django's
PasswordResetTokenGenerator, a signature over the account's password hash (so setting a
password spends it), its last sign-in and its security stamp (so ending someone's sessions
and tokens, or their employment, spends it too). Invites and resets sign with different
salts: neither link opens the other's page."""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django_tasks import task

from sendesk.accounts.models import User
from sendesk.schools.models import Role, School

log = logging.getLogger(__name__)

# A mail server that is down is tried again after these waits (minutes), then given up on;
# the person can ask again (a new invite from the head, or "forgot password").
RETRY_AFTER_MINUTES = (1, 5, 30)


class _AccountTokens(PasswordResetTokenGenerator):
    def _make_hash_value(self, user, timestamp):
        return super()._make_hash_value(user, timestamp) + user.security_stamp

    def state(self, user, token) -> str:
        """ "ok", "expired" (it was right, and its 72 hours have passed) or "invalid"
        (used, spent by a newer invite or a change to the account, or never right), so that
        a page can say which in plain words."""
        if user is None or not token:
            return "invalid"
        if self.check_token(user, token):
            return "ok"
        try:
            stamp, _ = token.split("-")
            timestamp = base36_to_int(stamp)
        except ValueError:
            return "invalid"
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(
                self._make_token_with_timestamp(user, timestamp, secret), token
            ):
                return "expired"
        return "invalid"


class InviteTokens(_AccountTokens):
    key_salt = "sendesk.signin.invites.InviteTokens"


class ResetTokens(_AccountTokens):
    key_salt = "sendesk.signin.invites.ResetTokens"


invite_tokens = InviteTokens()
reset_tokens = ResetTokens()


def uid_of(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def invite_link(user) -> str:
    path = reverse("invite_accept", args=[uid_of(user), invite_tokens.make_token(user)])
    return settings.SITE_URL + path


def reset_link(user) -> str:
    path = reverse("password_reset_confirm", args=[uid_of(user), reset_tokens.make_token(user)])
    return settings.SITE_URL + path


def hours_valid() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 3600


def invite_message(user, school, inviter) -> EmailMessage:
    held = set(user.staff_roles.filter(school=school).values_list("role", flat=True))
    roles = ", ".join(role.label for role in Role if role.value in held)
    body = (
        f"Hello {user.full_name},\n\n"
        f"{inviter.full_name} has made you a SENDesk account at {school.name}"
        f"{f' ({roles})' if roles else ''}. SENDesk is where the school records the support "
        "pupils with special educational needs get.\n\n"
        f"Choose your password here. The link works once, for {hours_valid()} hours:\n"
        f"{invite_link(user)}\n\n"
        f"You will then sign in with this e-mail address, {user.email}.\n\n"
        f"If the link has run out, ask {inviter.full_name} to send the invite again, or use "
        f'"Forgot your password?" on the sign-in page: {settings.SITE_URL}{reverse("login")}\n\n'
        "If you were not expecting this e-mail, you can ignore it.\n"
    )
    subject = f"Your SENDesk account at {school.name}"
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def reset_message(user) -> EmailMessage:
    body = (
        f"Hello {user.full_name},\n\n"
        f"Someone asked to reset the password of the SENDesk account for {user.email}.\n\n"
        f"Choose a new password here. The link works once, for {hours_valid()} hours:\n"
        f"{reset_link(user)}\n\n"
        "When you set it, you are signed out everywhere else (other browsers and devices).\n\n"
        "If you did not ask for this, you can ignore this e-mail: your password has not "
        "changed.\n"
    )
    return EmailMessage(
        "Reset your SENDesk password", body, settings.DEFAULT_FROM_EMAIL, [user.email]
    )


@task()
def send_account_email(
    user_id: int, purpose: str, school_id: int | None = None, inviter_id: int | None = None,
    attempt: int = 1,
) -> int:  # fmt: skip
    """Send an invite ("invite") or a reset link ("reset"). The link is made here, when it
    is sent, so no usable link is ever stored with the queued task. Returns the number of
    messages sent (0 when the account can no longer use it)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.may_sign_in():
        return 0
    if purpose == "invite":
        if user.has_usable_password():
            return 0  # they chose a password before this (re-sent) invite went out
        school = School.objects.get(pk=school_id)
        inviter = User.objects.get(pk=inviter_id)
        message = invite_message(user, school, inviter)
    else:
        message = reset_message(user)
    try:
        return get_connection().send_messages([message]) or 0
    except Exception:
        log.exception(
            "Account e-mail (%s) to user %s not sent (attempt %s)", purpose, user_id, attempt
        )
        if attempt <= len(RETRY_AFTER_MINUTES):
            wait = dt.timedelta(minutes=RETRY_AFTER_MINUTES[attempt - 1])
            send_account_email.using(run_after=timezone.now() + wait).enqueue(
                user_id, purpose, school_id, inviter_id, attempt + 1
            )
        raise
