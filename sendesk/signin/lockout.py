"""Locking out sign-ins after repeated failures, with django-axes.

Two rules, both counted over the last SENDESK_LOCKOUT_MINUTES:
- an account (the e-mail address tried, whether or not it has an account, so that a lockout
  says nothing about which addresses exist) that failed SENDESK_LOCKOUT_FAILURES times is
  locked for SENDESK_LOCKOUT_MINUTES, even for the right password;
- an address (IP) that failed SENDESK_LOCKOUT_ADDRESS_FAILURES times across any accounts
  is paused until enough of those failures are older than the window: password spraying
  is slowed, and a school's staff, who usually share one public address, are not stopped
  by one person's typing.

axes counts the failures (its AccessAttempt rows, through its authentication backend and
its handler of Django's auth signals), so the form, the API's token endpoint and /admin/
are covered alike; this module says what is locked, until when, and how to say so, records
each lockout and lift in the security trail, and lets the head lift one."""

import dataclasses
import datetime as dt
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import time_format

from sendesk.accounts.models import User
from sendesk.audit.models import SecurityEvent
from sendesk.audit.services import client_ip, record_security
from sendesk.schools.capabilities import schools_where

ACCOUNT = "account"
ADDRESS = "address"


def window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.SENDESK_LOCKOUT_MINUTES)


def cool_off(request=None) -> dt.timedelta:
    # AXES_COOLOFF_TIME: read when asked, so a test's `settings` change takes effect.
    return window()


def failure_limit(request=None, credentials=None) -> int:
    # AXES_FAILURE_LIMIT: what axes itself counts against is the account rule; the address
    # rule is this module's (LockoutHandler.is_locked).
    return settings.SENDESK_LOCKOUT_FAILURES


def client_address(request) -> str | None:
    # The address the security trail records (REMOTE_ADDR only: see audit.services).
    return client_ip(request)


def normal_email(value) -> str:
    """How an address tried is counted: as accounts are stored (lower case, trimmed), so
    'Alice@…' and 'alice@…' are one account's failures."""
    return str(value or "").strip().lower().replace("\x00", "")[:254]


def username_of(request, credentials=None) -> str | None:
    """AXES_USERNAME_CALLABLE: the address tried, from the credentials given to
    authenticate() (the form, the API and /admin/ all pass it as `username`)."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None and request.method == "POST":
        raw = request.POST.get("username")
    email = normal_email(raw)
    return email or None


@dataclasses.dataclass(frozen=True)
class Lock:
    scope: str  # ACCOUNT or ADDRESS
    key: str  # the e-mail address or the IP address
    failures: int
    until: dt.datetime  # the last moment it holds; sign-in works again just after it
    addresses: tuple = ()
    since: dt.datetime | None = None

    def retry_after(self, now=None) -> int:
        """Whole seconds to wait, at least 1 (the HTTP Retry-After header)."""
        seconds = (self.until - (now or timezone.now())).total_seconds()
        return max(1, math.floor(seconds) + 1)

    @property
    def try_again_at(self) -> dt.datetime:
        """The whole minute after which it has ended, for people to read ("after 10:15")."""
        rounded = self.until.replace(second=0, microsecond=0)
        return rounded if rounded == self.until else rounded + dt.timedelta(minutes=1)

    @property
    def open_from(self) -> dt.datetime:
        """The first whole second at which signing in works again."""
        return self.until.replace(microsecond=0) + dt.timedelta(seconds=1)

    def message(self, now=None) -> str:
        left = (self.until - (now or timezone.now())).total_seconds()
        minutes = max(1, math.ceil(left / 60))
        when = time_format(timezone.localtime(self.try_again_at), "H:i")
        wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
        if self.scope == ACCOUNT:
            return (
                f"This account is locked for {wait} after too many failed sign-ins. "
                f"Try again after {when}, or ask your head teacher or school admin to unlock it."
            )
        return (
            f"Too many failed sign-ins have come from your network, so signing in from it "
            f"is paused for {wait}. Try again after {when}."
        )


def _lock_from(rows, *, scope, key, limit) -> Lock | None:
    """The lock the failures `rows` ((attempt_time, failures, ip) inside the window) make,
    if they reach `limit`: it holds until enough of them have left the window (axes counts
    a failure while its row's last attempt is newer than now minus the window)."""
    total = sum(failures for _, failures, _ in rows)
    if total < limit:
        return None
    remaining = total
    until = None
    for at, failures, _ in sorted(rows, key=lambda row: row[0]):
        remaining -= failures
        if remaining < limit:
            until = at + window()
            break
    addresses = tuple(sorted({ip for _, _, ip in rows if ip}))
    return Lock(scope=scope, key=key, failures=total, until=until, addresses=addresses)


def _rows(now, **match):
    return list(
        AccessAttempt.objects.filter(attempt_time__gte=now - window(), **match).values_list(
            "attempt_time", "failures_since_start", "ip_address"
        )
    )


def account_lock(email: str | None, now=None) -> Lock | None:
    if not email:
        return None
    now = now or timezone.now()
    rows = _rows(now, username=email)
    return _lock_from(rows, scope=ACCOUNT, key=email, limit=settings.SENDESK_LOCKOUT_FAILURES)


def address_lock(ip: str | None, now=None) -> Lock | None:
    if not ip:
        return None
    now = now or timezone.now()
    limit = settings.SENDESK_LOCKOUT_ADDRESS_FAILURES
    return _lock_from(_rows(now, ip_address=ip), scope=ADDRESS, key=ip, limit=limit)


def lock_of(request, credentials=None) -> Lock | None:
    """What stops this sign-in, if anything: the account's lock first (it is the one the
    person can do something about), then the address's."""
    now = getattr(request, "axes_attempt_time", None) or timezone.now()
    email = username_of(request, credentials)
    ip = getattr(request, "axes_ip_address", None) or client_address(request)
    return account_lock(email, now) or address_lock(ip, now)


class LockoutHandler(AxesDatabaseHandler):
    """axes's database handler, counting the two rules above and recording each new
    lockout in the security trail."""

    def get_failures(self, request, credentials=None) -> int:
        # Compared by axes with AXES_FAILURE_LIMIT: the account's failures in the window.
        email = get_client_username(request, credentials)
        if not email:
            return 0
        return sum(f for _, f, _ in _rows(request.axes_attempt_time, username=email))

    def is_locked(self, request, credentials=None) -> bool:
        return lock_of(request, credentials) is not None

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        # A refused try while locked (axes' backend has set axes_locked_out) is not counted
        # (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False): a lock lasts its minutes
        # from the failure that made it, however often someone knocks.
        refused = getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or refused:
            return
        if request.axes_locked_out:
            request.sendesk_new_lock = account_lock(get_client_username(request, credentials))
            return
        lock = address_lock(request.axes_ip_address, request.axes_attempt_time)
        if lock is not None and lock.failures == settings.SENDESK_LOCKOUT_ADDRESS_FAILURES:
            request.sendesk_new_lock = lock  # the failure that reached the address's limit


def _via(request) -> str:
    return "api" if request.path.startswith("/api/") else "web"


def record_new_lock(sender, credentials=None, request=None, **kwargs):
    """Receiver of user_login_failed, connected after the security trail's own (see
    SigninConfig.ready), so the trail reads: the failure, then the lockout it made."""
    lock = getattr(request, "sendesk_new_lock", None)
    if lock is None:
        return
    request.sendesk_new_lock = None
    detail = {"scope": lock.scope, "failures": lock.failures, "until": lock.until}
    if lock.scope == ACCOUNT:
        user = User.objects.filter(email=lock.key).first()
        record_security(
            SecurityEvent.Kind.LOCKED_OUT,
            user=user,
            email=lock.key,
            request=request,
            via=_via(request),
            **detail,
        )
    else:
        record_security(
            SecurityEvent.Kind.LOCKED_OUT,
            request=request,
            via=_via(request),
            address=lock.key,
            **detail,
        )


# --- Answering a locked-out request ------------------------------------------------------


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE, run by axes' middleware for every request on which a sign-in
    was refused for a lockout. The sign-in page and the API's token endpoint say so
    themselves (429, with what was typed kept); anything else (/admin/) gets a page."""
    lock = lock_of(request, credentials)
    response = original_response
    if response is not None and response.status_code == 429:
        return response
    match = getattr(request, "resolver_match", None)
    if response is not None and match is not None and match.view_name == "login":
        response.status_code = 429  # the form already shows the lock (front.views)
    elif request.path.startswith("/api/"):
        response = JsonResponse(locked_body(lock), status=429)
    else:
        context = {"lock": lock, "message": lock.message() if lock else GENERIC}
        response = render(request, "signin/locked.html", context, status=429)
    if lock is not None:
        response["Retry-After"] = str(lock.retry_after())
    response["Cache-Control"] = "no-store"
    return response


GENERIC = "Too many failed sign-ins. Wait a few minutes and try again."


def locked_body(lock: Lock | None) -> dict:
    """The API's 429 body (api.auth.LockedOut)."""
    if lock is None:
        minutes = settings.SENDESK_LOCKOUT_MINUTES
        until = timezone.now() + window()
        return {"detail": GENERIC, "retry_after": minutes * 60, "locked_until": until}
    return {
        "detail": lock.message(),
        "retry_after": lock.retry_after(),
        "locked_until": lock.open_from,
    }


def refused_for_lockout(request) -> Lock | None:
    """After authenticate() said no: the lock that refused it, or None for a plain wrong
    password (axes marks the request it refused or locked)."""
    if not getattr(request, "axes_locked_out", False):
        return None
    return lock_of(request, getattr(request, "axes_credentials", None))


# --- Seeing and lifting lockouts (the head, an admin) ------------------------------------


def may_see(user) -> set[int] | None:
    """The schools whose people's lockouts `user` sees: None for a superuser (everyone's,
    and the addresses paused), an empty set for those who may see none."""
    if user.is_superuser:
        return None
    return schools_where(user, "lift_lockouts")


def current_locks(schools: set[int] | None, now=None, viewer_ip=None) -> list[Lock]:
    """Every lock holding now that someone who sees `schools` may see (None: all), with
    when it began (the trail's LOCKED_OUT row). A few queries, however many locks.

    A head sees the locks of their school's people, and the addresses paused that matter
    to their school: the one they are on now (a school's staff usually share one public
    address, so a pause there stops everyone) and any their people failed from."""
    now = now or timezone.now()
    by_account, by_address, tried_from = {}, {}, {}
    for at, failures, ip, username in AccessAttempt.objects.filter(
        attempt_time__gte=now - window()
    ).values_list("attempt_time", "failures_since_start", "ip_address", "username"):
        if username:
            by_account.setdefault(username, []).append((at, failures, ip))
        if ip:
            by_address.setdefault(ip, []).append((at, failures, ip))
            tried_from.setdefault(ip, set()).add(username)
    locks = [
        lock
        for email, found in by_account.items()
        if (lock := _lock_from(found, scope=ACCOUNT, key=email, limit=failure_limit()))
    ]
    limit = settings.SENDESK_LOCKOUT_ADDRESS_FAILURES
    addresses = [
        lock
        for ip, found in by_address.items()
        if (lock := _lock_from(found, scope=ADDRESS, key=ip, limit=limit))
    ]
    if schools is not None:
        tried = {email for lock in addresses for email in tried_from[lock.key] if email}
        theirs = set(
            User.objects.filter(
                email__in=[lock.key for lock in locks] + sorted(tried),
                staff_roles__school__in=schools,
            ).values_list("email", flat=True)
        )
        locks = [lock for lock in locks if lock.key in theirs]
        addresses = [
            lock for lock in addresses if lock.key == viewer_ip or tried_from[lock.key] & theirs
        ]
    return sorted(_with_since(locks + addresses, now), key=lambda lock: (lock.until, lock.key))


def _with_since(locks: list[Lock], now) -> list[Lock]:
    if not locks:
        return []
    began = {}
    recent = SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.LOCKED_OUT, at__gte=now - 2 * window()
    ).order_by("at")
    for at, email, detail in recent.values_list("at", "email", "detail"):
        key = (detail or {}).get("address") or email
        began[key] = at  # the latest lockout of each account or address
    return [dataclasses.replace(lock, since=began.get(lock.key)) for lock in locks]


def find_lock(user, scope: str, key: str, viewer_ip=None) -> Lock | None:
    """The lock `user` may lift, or None (not locked, or not theirs to see)."""
    return next(
        (
            lock
            for lock in current_locks(may_see(user), viewer_ip=viewer_ip)
            if (lock.scope, lock.key) == (scope, key)
        ),
        None,
    )


def lift(lock: Lock, *, actor, request) -> int:
    """Lifts `lock`: its failures are forgotten by the counter (the security trail keeps
    them) and the lift is recorded with who did it. Returns how many attempt rows went."""
    match = Q(username=lock.key) if lock.scope == ACCOUNT else Q(ip_address=lock.key)
    with transaction.atomic():
        removed, _ = AccessAttempt.objects.filter(match).delete()
        detail = {"scope": lock.scope, "failures": lock.failures, "until": lock.until}
        if lock.scope == ACCOUNT:
            record_security(
                SecurityEvent.Kind.LOCKOUT_LIFTED,
                user=User.objects.filter(email=lock.key).first(),
                email=lock.key,
                actor=actor,
                request=request,
                **detail,
            )
        else:
            record_security(
                SecurityEvent.Kind.LOCKOUT_LIFTED,
                actor=actor,
                request=request,
                address=lock.key,
                **detail,
            )
    return removed
