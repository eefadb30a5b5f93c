"""The gate: after the password, nothing but the second step (or, for someone who must have
a second factor and has none, setting one up) until the session is verified. One place
for every page, /admin/ included, so no view can forget it. Runs after django-otp's
OTPMiddleware, which tells whether the session is verified."""

from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections, router
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from sendesk.lib import faults

from . import mfa

# Pages reachable before the second factor: signing in and out, the second step and
# set-up themselves, the health check and static files. The API is not gated here: it
# takes tokens only, never this session, and asks for the code when a token is made.
OPEN_NAMES = ("login", "logout", "healthz", "mfa_verify", "mfa_enrol")
OPEN_PREFIXES = ("/api/", "/admin/logout/")


class SecondFactorGate:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open = None

    def open_paths(self):
        if self._open is None:
            paths = {reverse(name) for name in OPEN_NAMES}
            self._open = (paths, (*OPEN_PREFIXES, settings.STATIC_URL))
        return self._open

    def __call__(self, request):
        try:
            destination = self.owed(request)
        except DatabaseError as error:
            # Answered as FaultsMiddleware answers a fault met in a view (it runs before any).
            if (fault := faults.classify(error)) is None:
                raise
            return faults.answer(request, fault)
        if destination is None:
            return self.get_response(request)
        url = reverse(destination)
        if request.method in ("GET", "HEAD"):
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request") == "true":
            # htmx would put the whole page into a part of this one: send the browser there.
            return HttpResponseClientRedirect(url)
        return redirect(url)

    def owed(self, request) -> str | None:
        """The URL name of the step this session owes, or None. Costs nothing for a
        verified session beyond OTPMiddleware's one query; one for a session that is not
        (has this person a device; must they have one: mfa.step_owed, which also reads the
        roles the page would read next)."""
        paths, prefixes = self.open_paths()
        path = request.path_info
        if path in paths or path.startswith(prefixes):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        step = mfa.step_owed(user)
        return None if step is None else f"mfa_{step}"


class DeviceMiddleware(OTPMiddleware):
    """django-otp's OTPMiddleware (request.user.is_verified(): the device that verified
    this session still exists, is confirmed and is the user's), with that device read by a
    raw query: every request of a verified session reads it, and the ORM took longer to
    build the query than SQLite to answer it."""

    def _device_from_persistent_id(self, persistent_id: str):
        persistent_id = self._normalize_persistent_id(persistent_id)
        # As Device.from_persistent_id: "app_label.model/id", anything else is no device.
        try:
            model_label, device_id = persistent_id.rsplit("/", 1)
            device_cls = apps.get_model(*model_label.split("."))
            device_id = int(device_id)
        except (ValueError, LookupError, TypeError):
            return None
        if not issubclass(device_cls, Device):
            return None
        q = connections[router.db_for_read(device_cls)].ops.quote_name
        sql = f"SELECT * FROM {q(device_cls._meta.db_table)} WHERE {q('id')} = %s"
        return next(iter(device_cls.objects.raw(sql, [device_id])), None)
