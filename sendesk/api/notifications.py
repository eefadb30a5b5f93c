"""The caller's own notifications: newest first, with whether each was read, and marking
them read. There is no way to name another person's: a notification id that is not the
caller's is 404, as one that does not exist."""

import datetime as dt
from typing import Annotated

from django.http import Http404
from ninja import Query, Router, Schema
from pydantic import Field

from sendesk.notifications.models import Notification
from sendesk.notifications.services import mark_read

from .common import LOOKUP_ERRORS, ErrorOut, FieldErrorsOut, Paging

# A body that is not JSON is a 400, as on every write.
WRITE_ERRORS = {400: FieldErrorsOut, 401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}

router = Router(tags=["notifications"])


class NotificationItem(Schema):
    id: int
    kind: str = Field(description="What sort of thing happened, e.g. session_flagged.")
    title: str = Field(description="One line saying what happened.")
    url: str = Field(description="The page it is about (a path on this server).")
    created: dt.datetime
    read: bool = Field(description="Whether the person has marked it read.")


class NotificationList(Schema):
    items: list[NotificationItem]
    count: int = Field(description="How many in all, across pages.")
    unread: int = Field(description="How many not read yet.")


class NotificationQuery(Paging):
    unread: bool = Field(False, description="Only those not read yet.")


class NotificationsReadIn(Schema):
    # Bounded to what the id column holds: a larger number is a 422, not a failed query.
    ids: list[Annotated[int, Field(ge=1, lt=2**63)]] | None = Field(
        None, description="The notifications to mark read; leave out to mark all read."
    )


class NotificationsReadOut(Schema):
    marked: int = Field(description="How many were unread and are read now.")
    unread: int


def _out(row: Notification) -> dict:
    return {
        "id": row.pk,
        "kind": row.kind,
        "title": row.title,
        "url": row.url,
        "created": row.created,
        "read": row.read_at is not None,
    }


@router.get(
    "/notifications",
    response={200: NotificationList, **LOOKUP_ERRORS},
    summary="The caller's notifications, newest first",
)
def notification_list(request, query: Query[NotificationQuery]):
    mine = Notification.objects.filter(user=request.auth)
    rows = mine.filter(read_at__isnull=True) if query.unread else mine
    rows = rows.order_by("-created", "-id")
    page = rows[query.offset : query.offset + query.limit]
    return {
        "items": [_out(r) for r in page],
        "count": rows.count(),
        "unread": mine.filter(read_at__isnull=True).count(),
    }


@router.post(
    "/notifications/read",
    response={200: NotificationsReadOut, **WRITE_ERRORS},
    summary="Mark some or all of the caller's notifications read",
)
def notifications_read(request, body: NotificationsReadIn):
    if body.ids is not None:
        owned = set(
            Notification.objects.filter(user=request.auth, pk__in=body.ids).values_list(
                "pk", flat=True
            )
        )
        if owned != set(body.ids):
            raise Http404
    marked = mark_read(request.auth, body.ids)
    unread = Notification.objects.filter(user=request.auth, read_at__isnull=True).count()
    return {"marked": marked, "unread": unread}
