"""Reads about pupils that pages and the API share."""

import datetime as dt

from django.db.models import Q
from django.utils.dateparse import parse_datetime

from .models import TimelineEntry

PAGE_SIZE = 25


def timeline_page(pupil, *, cursor: str | None = None, size: int = PAGE_SIZE):
    """One page of the pupil's timeline, newest first, and the cursor for the next page
    (None on the last). Keyset paging on the (pupil, -occurred_at, -id) index, so page 400
    costs what page 1 costs. A malformed cursor starts from the top."""
    qs = TimelineEntry.objects.filter(pupil=pupil).select_related("actor")
    if cursor:
        at_text, _, id_text = cursor.rpartition("~")
        at = parse_datetime(at_text) if at_text else None
        if at is not None and id_text.isdigit():
            qs = qs.filter(Q(occurred_at__lt=at) | Q(occurred_at=at, id__lt=int(id_text)))
    entries = list(qs.order_by("-occurred_at", "-id")[: size + 1])
    next_cursor = None
    if len(entries) > size:
        entries = entries[:size]
        last = entries[-1]
        next_cursor = f"{last.occurred_at.isoformat()}~{last.id}"
    return entries, next_cursor

