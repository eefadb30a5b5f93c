"""API tokens as their owner sees them: a name for the device each is on, the live ones,
and revoking one (a write with its row in the security trail, in one transaction)."""

import re

from django.db import transaction
from django.utils import timezone

from sendesk.accounts.models import ApiToken
from sendesk.audit.models import SecurityEvent
from sendesk.audit.services import record_security

# Browsers and systems by the words their User-Agent carries, most specific first (Edge
# and Opera also say Chrome and Safari; Chrome on iOS says Safari and CriOS).
_BROWSERS = [
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("CriOS", "Chrome"),
    ("FxiOS", "Firefox"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("iPad", "iPad"),
    ("iPhone", "iPhone"),
    ("Android", "Android"),
    ("CrOS", "Chromebook"),
    ("Windows", "Windows"),
    ("Macintosh", "Mac"),
    ("Mac OS X", "Mac"),
    ("Linux", "Linux"),
]
_PRODUCT = re.compile(r"([A-Za-z][\w.\-]{0,40})(?:/([\w.\-]{1,20}))?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
UNKNOWN_DEVICE = "Unknown device"


def _first(pairs, text: str) -> str:
    return next((name for word, name in pairs if word in text), "")


def device_label(user_agent: str, given: str = "") -> str:
    """A short name for the device a token is made on, for "Your devices": what the app
    says (`given`) if anything, else "Chrome on Android" from a browser's User-Agent, else
    the first product it names ("okhttp 4.12"), else "Unknown device"."""
    given = " ".join(_CONTROL.sub(" ", given or "").split())
    if given:
        return given[:80]
    agent = _CONTROL.sub(" ", user_agent or "")[:512]
    browser, system = _first(_BROWSERS, agent), _first(_SYSTEMS, agent)
    if browser and system:
        return f"{browser} on {system}"
    match = _PRODUCT.search(agent)
    if match and match.group(1) != "Mozilla":
        return " ".join(part for part in match.groups() if part)[:80]
    return browser or system or UNKNOWN_DEVICE


def live_tokens(user):
    """`user`'s tokens that still open the API, newest first."""
    return ApiToken.live(timezone.now()).filter(user=user).order_by("-created", "-id")


def revoke(token: ApiToken, *, actor, request=None, via="web", why: str) -> bool:
    """Ends `token` now. False if it was already gone (revoked twice at once: one row in
    the trail, not two)."""
    with transaction.atomic():
        deleted, _ = ApiToken.objects.filter(pk=token.pk).delete()
        if deleted:
            record_security(
                SecurityEvent.Kind.TOKEN_REVOKED,
                user=token.user,
                actor=actor,
                request=request,
                via=via,
                why=why,
                token=token.pk,
                device=token.device,
                created=token.created,
            )
    return bool(deleted)


def own_token(user, token_id: int):
    """One of `user`'s own live tokens by its id; None for someone else's, an expired one,
    or an id that is no token at all (the caller answers "not found" for each alike)."""
    if not 0 < token_id < 2**63:  # larger would not fit the column: no such token
        return None
    return live_tokens(user).filter(pk=token_id).select_related("user").first()


def revoke_own(user, token_id: int, *, request=None, via="web", why: str) -> bool:
    """Revokes one of `user`'s own live tokens by its id; False if there is no such token."""
    token = own_token(user, token_id)
    return token is not None and revoke(token, actor=user, request=request, via=via, why=why)
