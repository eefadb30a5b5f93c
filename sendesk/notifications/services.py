"""Sending a notification: validate the kind, write a row per person, in the caller's
transaction (a notification about a record that was rolled back never appears). Delivery
beyond the product (e-mail, digests) hangs off `delivered` (issue 11, notifications)."""

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from sendesk.lib.registry import merged

from .models import Notification

TITLE_MAX = Notification._meta.get_field("title").max_length


def kinds() -> dict:
    """{kind: what a person reads when choosing which they want}: every app's
    `notification_kinds`."""
    return merged("notification_kinds")


def notify(*, users, kind: str, title: str, url: str, school_id=None, dedupe_key: str = ""):
    """Tell each of `users` (people or ids; the same person once) that `title` happened,
    linking to `url`. Returns the rows written: none for a person already told of
    `dedupe_key`."""
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
    transaction.on_commit(lambda: delivered(rows))
    return rows


def delivered(rows) -> None:
    """After the caller's transaction commits: hand the rows to e-mail delivery (the
    notifications helper of issue 11 fills this in; in the product they already are)."""
