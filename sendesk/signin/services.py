"""Writes about sign-in and accounts: validate, write and record in the security trail in
one transaction."""

from django.db import transaction

from sendesk.accounts.models import ApiToken, new_security_stamp
from sendesk.audit.models import SecurityEvent
from sendesk.audit.services import record_security


def end_sessions_and_tokens(user, *, why: str, actor=None, request=None) -> int:
    """Ends every web session and revokes every API token of `user`: after a password
    change or reset, a lost device, or the end of their employment. Sessions end at their
    next request (the session check covers the security stamp, see accounts.User); the
    caller keeps its own session with update_session_auth_hash when it should. Returns
    how many tokens were revoked."""
    with transaction.atomic():
        user.security_stamp = new_security_stamp()
        user.save(update_fields=["security_stamp"])
        # Which tokens, by id, so each can be matched with its "made" row in the trail.
        ids = list(ApiToken.objects.filter(user=user).values_list("pk", flat=True))
        revoked, _ = ApiToken.objects.filter(pk__in=ids).delete()
        record_security(
            SecurityEvent.Kind.TOKEN_REVOKED,
            user=user,
            actor=actor,
            request=request,
            why=why,
            tokens=revoked,
            token_ids=ids,
            sessions="all",
        )
    return revoked
