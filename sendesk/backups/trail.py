"""`manage.py backup` and `restore` in the security trail (audit.SecurityEvent): a copy of
every record leaving the database, or a copy put in its place, is something a DPO asks
about. Each row says who ran the command (the machine's account and host: a command has no
signed-in person), when (the row's time), which file, and the result, failures included
(a backup that could not be written, a backup that failed its restore checks)."""

import getpass
import logging
import socket

from django.db import DatabaseError, transaction

from sendesk.audit.models import SecurityEvent
from sendesk.audit.services import record_security

logger = logging.getLogger(__name__)

Kind = SecurityEvent.Kind


def who() -> str:
    """The account and host the command ran as: `user@host`."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def record(kind: SecurityEvent.Kind, *, file, ok: bool, **detail) -> None:
    """One row, committed at once. A database that cannot take it (the very failure a
    backup may be reporting) must not hide the command's own outcome: it is logged."""
    try:
        with transaction.atomic():
            record_security(
                kind, via="command", by=who(), file=str(file), result="ok" if ok else "failed",
                **detail,
            )  # fmt: skip
    except DatabaseError:
        logger.exception("Could not write %s for %s to the security trail", kind, file)
