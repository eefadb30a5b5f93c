"""Helpers for the safeguarding tests: concerns written through the service as the named
people, the 404 body of a record that does not exist, and the API client."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sendesk.safeguarding import services

from ..api.conftest import Api

MARKER = "QUOKKA-7731"


def report(actor, pupil, text=f"{MARKER} bruise on arm", **extra):
    """A concern as `actor` reports it, with the marker in every free-text field."""
    kwargs = {
        "client_id": uuid.uuid4(),
        "pupil_id": pupil.pk,
        "occurred_at": timezone.now() - dt.timedelta(hours=1),
        "location": f"Playground {MARKER}",
        "concern": text,
        "words_used": f"He said '{MARKER} hurt me'",
        "body_map": [{"side": "front", "x": 30, "y": 40, "note": f"{MARKER} bruise"}],
        "action_taken": f"Told the DSL {MARKER}",
    }
    kwargs.update(extra)
    concern, created = services.concern_report(actor=actor, **kwargs)
    assert created
    return concern


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def missing_body(as_user):
    """missing_body(person, template, method) -> the body `person` gets for `template`
    formatted with an id that matches nothing."""

    def body(person, template, method="get"):
        response = getattr(as_user(person), method)(template.format(uuid.uuid4()))
        assert response.status_code == 404
        return response.content

    return body


def queries(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)
