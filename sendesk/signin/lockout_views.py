"""The head's (and an admin's) view of sign-in lockouts: who is locked out now, and
lifting a lock (confirmed, recorded with who lifted it). Everyone else: 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from . import lockout


def _schools_or_404(user):
    schools = lockout.may_see(user)
    if schools is not None and not schools:
        raise Http404
    return schools


@login_required
@require_GET
def lockouts(request):
    schools = _schools_or_404(request.user)
    locks = lockout.current_locks(schools, viewer_ip=lockout.client_address(request))
    context = {
        "accounts": [lock for lock in locks if lock.scope == lockout.ACCOUNT],
        "addresses": [lock for lock in locks if lock.scope == lockout.ADDRESS],
        "sees_addresses": True,
        "failures_limit": settings.SENDESK_LOCKOUT_FAILURES,
        "minutes": settings.SENDESK_LOCKOUT_MINUTES,
    }
    return render(request, "signin/lockouts.html", context)


@login_required
@require_POST
def lift(request):
    """First POST (from the list): asks to confirm. Second (confirm=yes): lifts."""
    _schools_or_404(request.user)
    scope = request.POST.get("scope", "")
    key = lockout.normal_email(request.POST.get("key", ""))
    lock = None
    if scope in (lockout.ACCOUNT, lockout.ADDRESS) and key:
        lock = lockout.find_lock(
            request.user, scope, key, viewer_ip=lockout.client_address(request)
        )
    if lock is None:
        # Ended since the list was shown, or not theirs: the same answer either way.
        messages.info(request, "There is no lock on that account or address now.")
        return redirect("lockouts")
    if request.POST.get("confirm") != "yes":
        return render(request, "signin/lockout_lift.html", {"lock": lock})
    lockout.lift(lock, actor=request.user, request=request)
    messages.success(request, f"Lock lifted: {lock.key} can sign in again.")
    return redirect("lockouts")
