"""Helpers for the SENCO-side page tests: the 404 a person gets for a pupil that does not
exist (an out-of-scope pupil must look exactly like it), timeline filler and a query
counter for the 'constant in data size' guards."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sendesk.pupils.models import TimelineEntry


@pytest.fixture
def missing_body(as_user):
    """missing_body(person, template, method) -> the body `person` gets for `template`
    formatted with an id that matches nothing."""

    def body(person, template="/pupils/{}/", method="get"):
        response = getattr(as_user(person), method)(template.format(uuid.uuid4()))
        assert response.status_code == 404
        return response.content

    return body


def add_timeline(pupil, n, *, title="Entry"):
    """n entries an hour apart, the newest an hour ago; titles are numbered from newest."""
    now = timezone.now()
    TimelineEntry.objects.bulk_create(
        TimelineEntry(
            pupil=pupil,
            occurred_at=now - dt.timedelta(hours=i + 1),
            kind="note",
            title=f"{title} {i + 1:03d}",
        )
        for i in range(n)
    )


def count_queries(client, url, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries)
