"""How long a web session lasts: it ends after SENDESK_SESSION_IDLE_MINUTES with no
request, and SESSION_COOKIE_AGE (10 hours) after signing in, however busy it has been.

The sign-in time is kept in the session, so saving the session (which moves its cookie's
and its row's expiry on) never extends the 10 hours. The last activity is written at most
once a minute: a write per page would be a database write per request. So "idle" is
measured from the last noted activity, to the minute; the page is told exactly when its
session will end (request.session_left and request.session_warning, read by
signin/_session_end.html) and warns
before it does (static/js/session.js). Nothing here is audited: it runs on every request."""

import secrets
import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url

from sendesk.lib import faults

SIGNED_IN_AT = "sendesk_signed_in_at"
SEEN_AT = "sendesk_seen_at"
# Which sign-in this is, for session.js: a form sent from a page of an earlier sign-in
# that comes back to a page of a later one was answered with the login page, not saved.
SIGN_IN = "sendesk_sign_in"
# How stale the noted activity may get before a request writes it again.
SEEN_RESOLUTION = 60

IDLE_ENDED = (
    "You were signed out because nothing happened for {minutes} minutes. Sign in again to "
    "carry on: if you were typing something, it was kept on this device and is put back "
    "when you return to that page."
)
MOST_ENDED = (
    "You were signed out because a sign-in lasts at most {hours} hours. Sign in again to "
    "carry on: if you were typing something, it was kept on this device and is put back "
    "when you return to that page."
)


def idle_seconds() -> int:
    return settings.SENDESK_SESSION_IDLE_MINUTES * 60


def note_sign_in(sender, request, user, **kwargs):
    """user_logged_in: start both clocks (the session's own data survives login's new key)."""
    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[SIGNED_IN_AT] = now
        session[SEEN_AT] = now
        session[SIGN_IN] = secrets.token_hex(8)


def note_activity(request) -> None:
    """Counts this moment as activity, written now (the keep-alive button)."""
    request.session[SEEN_AT] = int(time.time())
    request.session_left = _left(request.session, int(time.time()))


def _left(session, now: int) -> dict:
    idle = session[SEEN_AT] + idle_seconds() - now
    most = session[SIGNED_IN_AT] + settings.SESSION_COOKIE_AGE - now
    return {"idle": max(idle, 0), "most": max(most, 0)}


def _end(request, why: str) -> str:
    request.session.flush()
    request.user = AnonymousUser()
    if why == "idle":
        text = IDLE_ENDED.format(minutes=settings.SENDESK_SESSION_IDLE_MINUTES)
    else:
        text = MOST_ENDED.format(hours=round(settings.SESSION_COOKIE_AGE / 3600))
    messages.info(request, text)
    return why


def check(request) -> str | None:
    """Ends the session if it has been idle too long or has lasted its most (and says
    which); otherwise notes the activity (at most once a minute) and what is left in
    request.session_left."""
    session = request.session
    now = int(time.time())
    if SIGN_IN not in session:
        # A session from before these limits: its clocks start now.
        session[SIGNED_IN_AT] = session.get(SIGNED_IN_AT, now)
        session[SEEN_AT] = now
        session[SIGN_IN] = secrets.token_hex(8)
    if now - session[SIGNED_IN_AT] >= settings.SESSION_COOKIE_AGE:
        return _end(request, "most")
    if now - session[SEEN_AT] >= idle_seconds():
        return _end(request, "idle")
    if now - session[SEEN_AT] >= SEEN_RESOLUTION:
        session[SEEN_AT] = now
    request.session_left = _left(session, now)
    request.session_warning = {
        "warn": settings.SENDESK_SESSION_WARN_SECONDS,
        "sign_in": session[SIGN_IN],
    }
    return None


def _back_to_the_form(request):
    """A form sent after the session ended goes to the login page and, after signing in,
    back to the page the form was on (where session.js puts back what was typed), not to
    the address it was sent to, which may take POST only."""
    referer = urlsplit(request.headers.get("Referer", ""))
    same_site = referer.netloc == request.get_host() and referer.path
    back = (referer.path + (f"?{referer.query}" if referer.query else "")) if same_site else ""
    login = resolve_url(settings.LOGIN_URL)
    return HttpResponseRedirect(f"{login}?{urlencode({'next': back or request.path})}")


def _signed_out_for_htmx(request, response):
    """An htmx request sent to the login page would swap the whole login page into a
    fragment of this one. Instead: 401 with the login address in a header, which
    session.js follows after keeping what was typed (with the page, not the fragment, as
    where to come back to)."""
    login = resolve_url(settings.LOGIN_URL)
    if response.status_code != 302 or urlsplit(response["Location"]).path != login:
        return response
    page = urlsplit(request.headers.get("HX-Current-URL", ""))
    back = page.path + (f"?{page.query}" if page.query else "") or "/"
    answer = HttpResponse("Signed out.", status=401, content_type="text/plain")
    answer["X-Signed-Out"] = f"{login}?{urlencode({'next': back})}"
    return answer


class SessionLimitsMiddleware:
    """After the auth and messages middleware. The API (tokens only) is left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ended = None
        try:
            if not request.path.startswith("/api/") and request.user.is_authenticated:
                ended = check(request)
        except DatabaseError as error:
            # The first read of the session and the user happens here, before any view: a
            # database fault met here is answered as FaultsMiddleware answers one in a view.
            if (fault := faults.classify(error)) is None:
                raise
            return faults.answer(request, fault)
        plain_post = request.method == "POST" and not request.headers.get("HX-Request")
        if ended and plain_post and "json" not in request.headers.get("Accept", ""):
            return _back_to_the_form(request)
        response = self.get_response(request)
        if request.headers.get("HX-Request"):
            response = _signed_out_for_htmx(request, response)
        left = getattr(request, "session_left", None)
        if left is not None:
            # For session.js: an htmx request moves the session's end on too.
            response["X-Session-Left"] = f"{left['idle']} {left['most']}"
        return response
