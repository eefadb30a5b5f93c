"""The daily digest: one e-mail a person for every notification of the kinds they chose
"one e-mail a day" for, not yet e-mailed and not yet read (what they saw in SENDesk needs
no e-mail). The words are the same as any notification e-mail: nothing about a child."""

from itertools import groupby

from .models import How, Notification
from .preferences import how_for
from .services import queue_email


def send_digests(now) -> int:
    """Queue the digests; returns how many e-mails."""
    waiting = list(
        Notification.objects.filter(read_at__isnull=True, emailed__isnull=True, created__lte=now)
        .only("pk", "user_id", "kind", "school_id")
        .order_by("user_id", "pk")
    )
    if not waiting:
        return 0
    choices = how_for({n.user_id for n in waiting}, {n.kind for n in waiting})
    wanted = [n for n in waiting if choices[(n.user_id, n.kind)] == How.DIGEST]
    sent = 0
    for user_id, rows in groupby(wanted, key=lambda n: n.user_id):
        rows = list(rows)
        queue_email(user_id=user_id, school_id=rows[0].school_id, notifications=rows, digest=True)
        sent += 1
    return sent
