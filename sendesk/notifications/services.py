"""Sending a notification: validate the kind, write a row per person, in the caller's
transaction (a notification about a record that was rolled back never appears), with the
e-mails the people chose in the outbox beside it (`delivered`); digests: digest.py."""

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from sendesk.lib.registry import merged

from .models import Email, EmailedNotification, How, Notification

TITLE_MAX = Notification._meta.get_field("title").max_length


def kinds() -> dict:
    """{kind: what a person reads when choosing which they want}: every app's
    `notification_kinds`."""
    return merged("notification_kinds")


def notify(
    *, users, kind: str, title: str, url: str, school_id=None, dedupe_key: str = "",
    email_now: bool = False,
):  # fmt: skip
    """Tell each of `users` (people or ids; the same person once) that `title` happened,
    linking to `url`. Returns the rows written: none for a person already told of
    `dedupe_key`. `email_now`: each is e-mailed at once whatever they chose, for what must
    reach them today (a dose given offline that broke a rule)."""
    if kind not in kinds():
        raise ImproperlyConfigured(f"No app declares the notification kind {kind!r}.")
    ids = sorted({getattr(u, "pk", u) for u in users if u is not None})
    if not ids:
        return []
    if dedupe_key:
        told = set(
            Notification.objects.filter(user_id__in=ids, dedupe_key=dedupe_key).values_list(
                "user_id", flat=True
            )
        )
        ids = [i for i in ids if i not in told]
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        [
            Notification(
                user_id=i,
                school_id=school_id,
                kind=kind,
                title=title[:TITLE_MAX],
                url=url,
                created=now,
                dedupe_key=dedupe_key,
            )  # fmt: skip
            for i in ids
        ]
    )
    if email_now:
        for row in rows:
            queue_email(user_id=row.user_id, school_id=row.school_id, notifications=[row])
    else:
        delivered(rows)
    return rows


def delivered(rows) -> None:
    """In the caller's transaction: an e-mail in the outbox for each person who chose one
    at once for the kind (so it exists exactly when the record does; it is sent in the
    background after commit, never in the request, and the scheduler's sweep sends it if
    that hand-over is lost). A person who chose "not at all" has the row marked read, so
    no badge counts it; the daily digest picks up the rest (digest.send_digests)."""
    if not rows:
        return
    from .preferences import how_for  # preferences reads the registry, as this does

    choices = how_for({r.user_id for r in rows}, {r.kind for r in rows})
    now = timezone.now()
    off = [r.pk for r in rows if choices[(r.user_id, r.kind)] == How.OFF]
    if off:
        Notification.objects.filter(pk__in=off).update(read_at=now)
    at_once = [r for r in rows if choices[(r.user_id, r.kind)] == How.EMAIL]
    for row in at_once:
        queue_email(user_id=row.user_id, school_id=row.school_id, notifications=[row])


def queue_email(*, user_id, school_id, notifications, digest=False) -> Email:
    """Write one e-mail to the outbox, telling of `notifications`, and hand it to the task
    worker once this transaction commits."""
    from .tasks import send_email  # the task reads this module

    with transaction.atomic():
        email = Email.objects.create(
            user_id=user_id,
            school_id=school_id,
            digest=digest,
            created=timezone.now(),
            next_try=timezone.now(),
        )
        EmailedNotification.objects.bulk_create(
            [EmailedNotification(notification_id=n.pk, email=email) for n in notifications]
        )
        transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return email


def mark_read(user, ids=None) -> int:
    """Mark the person's notifications read (`ids`, or all of them): theirs only."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
