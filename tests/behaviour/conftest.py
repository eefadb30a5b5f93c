"""Helpers for the behaviour tests: records made through the services (as a person would
make them), the API client from tests/api, and a query counter."""

import datetime as dt
import html
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sendesk.behaviour import services
from tests.api.conftest import Api, count_queries  # noqa: F401 (a fixture, shared)
from tests.world import TODAY


def text(response) -> str:
    """The body as a reader sees it (entities decoded)."""
    return html.unescape(response.content.decode())


def at(day_offset=0, hour=13, minute=20) -> dt.datetime:
    """An aware datetime `day_offset` days from the world's today, in school time."""
    day = TODAY + dt.timedelta(days=day_offset)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def incident(world):
    """incident(actor=Alice, pupil=Ben, **fields) -> an Incident saved through the service."""

    def make(actor=None, pupil=None, **fields):
        data = {
            "kind": "concern",
            "occurred_at": at(-1),
            "location": "Classroom",
            "lesson": "Maths",
            "antecedent": "Asked to stop the computer",
            "behaviour": "Threw a pencil and hid under the table",
        }
        data.update(fields)
        record, _ = services.incident_record(
            actor=actor or world.alice,
            client_id=uuid.uuid4(),
            pupil_id=(pupil or world.ben).pk,
            **data,
        )
        return record

    return make


@pytest.fixture
def intervention(world):
    """intervention(actor=Sam, pupil=Ben, staff=[(Alice, lead)], **fields) -> saved."""

    def make(actor=None, pupil=None, staff=None, **fields):
        data = {
            "kind": "restraint",
            "started_at": at(-1, 13, 5),
            "duration_minutes": 4,
            "location": "Corridor by the hall",
            "before": "Ran at another pupil with a chair raised",
            "deescalation": "Calm voice, offered the calm corner, cleared the corridor",
            "holds": "Team Teach single elbow, walked to the calm room",
            "reason": "Imminent risk of injury to another pupil",
        }
        data.update(fields)
        staff = staff if staff is not None else [(world.alice.pk, "lead")]
        record, _ = services.intervention_record(
            actor=actor or world.senco,
            client_id=uuid.uuid4(),
            pupil_id=(pupil or world.ben).pk,
            staff=staff,
            **data,
        )
        return record

    return make


def page_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)
