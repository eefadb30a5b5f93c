"""Sign-ins, failed sign-ins and sign-outs go to the security trail wherever they happen
(the sign-in form, the API's token endpoint, /admin/): Django's auth signals fire for all
three, so no entry point can forget to record them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from .models import SecurityEvent
from .services import record_security


def _via(request) -> str:
    return "api" if request is not None and request.path.startswith("/api/") else "web"


def signed_in(sender, request, user, **kwargs):
    # The password step (the form, /admin/): for someone who uses a second factor, a second
    # SIGNED_IN row with step "second factor" follows when the code is right.
    record_security(
        SecurityEvent.Kind.SIGNED_IN,
        user=user,
        request=request,
        via=_via(request),
        step="password",
    )


def signed_out(sender, request, user, **kwargs):
    if user is not None:  # signing out when not signed in is no event
        record_security(
            SecurityEvent.Kind.SIGNED_OUT, user=user, request=request, via=_via(request)
        )


def sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the address is kept.
    email = str(credentials.get("username") or credentials.get("email") or "").strip().lower()
    email = email.replace("\x00", "")  # PostgreSQL cannot store a NUL
    user = get_user_model().objects.filter(email=email).first() if email else None
    record_security(
        SecurityEvent.Kind.SIGN_IN_FAILED,
        user=user,
        email=email,
        request=request,
        via=_via(request),
    )


def connect():
    user_logged_in.connect(signed_in, dispatch_uid="sendesk.audit.signed_in")
    user_logged_out.connect(signed_out, dispatch_uid="sendesk.audit.signed_out")
    user_login_failed.connect(sign_in_failed, dispatch_uid="sendesk.audit.sign_in_failed")
