"""The person's own sign-ins: "Your devices" (each app signed in as them, and signing one
or all out) and the keep-alive behind "Stay signed in"."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import sessions, tokens
from .services import end_sessions_and_tokens


@login_required
@require_GET
def devices(request):
    return render(
        request,
        "signin/devices.html",
        {
            "devices": tokens.live_tokens(request.user),
            "idle_hours": settings.SENDESK_TOKEN_IDLE_HOURS,
            "max_days": settings.SENDESK_TOKEN_MAX_DAYS,
        },
    )


@login_required
@require_POST
def device_revoke(request, pk):
    # Only the person's own live tokens: anyone else's, or one that has ended, is "not
    # found", the same answer as an id that was never a token.
    token = tokens.own_token(request.user, pk)
    if token is None:
        raise Http404
    tokens.revoke(token, actor=request.user, request=request, why="signed out on Your devices")
    messages.success(request, f"{token.device or tokens.UNKNOWN_DEVICE} is signed out.")
    return redirect("devices")


@login_required
@require_POST
def sign_out_everywhere_else(request):
    user = request.user
    revoked = end_sessions_and_tokens(
        user, why="signed out everywhere else", actor=user, request=request
    )
    # The new security stamp ends every session at its next request; this one carries on.
    update_session_auth_hash(request, user)
    apps = "no apps" if revoked == 0 else "1 app" if revoked == 1 else f"{revoked} apps"
    messages.success(
        request, f"Signed out everywhere else: your other browsers and {apps}. You are still "
        "signed in here."
    )  # fmt: skip
    return redirect("devices")


@never_cache
@require_POST
def keep_alive(request):
    """ "Stay signed in": counts as activity. With script it answers JSON (how long is
    left); without, it goes back to the page the button was on."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not request.user.is_authenticated:
        login = resolve_url(settings.LOGIN_URL)
        if wants_json:
            return JsonResponse({"signed_in": False, "login": login}, status=401)
        return redirect(login)
    sessions.note_activity(request)
    if wants_json:
        return JsonResponse({"signed_in": True, **request.session_left})
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(back if safe else "home")
