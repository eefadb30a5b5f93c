"""Observation bodies as the recorder page and API clients send them, and clients that
post them. The world's clock stands at 10:00 on Wed 18 Nov 2026; observations run from 09:00."""

import datetime as dt
import json
import uuid
from zoneinfo import ZoneInfo

import pytest

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.behaviour.models import Observation, ObservationEntry
from sendesk.pupils.models import TimelineEntry
from tests.api.conftest import Api
from tests.second_factor import verified_login
from tests.world import TODAY

LONDON = ZoneInfo("Europe/London")
START = dt.datetime.combine(TODAY, dt.time(9, 0), LONDON)
WRITTEN = (Observation, ObservationEntry, TimelineEntry, AuditEvent)


def at(minutes=0, seconds=0) -> str:
    return (START + dt.timedelta(minutes=minutes, seconds=seconds)).isoformat()


def rows() -> dict:
    return {model.__name__: model.objects.count() for model in WRITTEN}


def abc(n=6, minutes=30, **changes):
    """An ABC observation, 09:00 for `minutes`, with n entries."""
    body = {
        "client_id": str(uuid.uuid4()),
        "method": "abc",
        "lesson": "Maths",
        "activity": "Column addition",
        "staff_present": "Tess Teacher, Alice Assistant",
        "started_at": at(0),
        "ended_at": at(minutes),
        "notes": "Worse after the fire drill.",
        "entries": [
            {
                "at": at(seconds=(i + 1) * minutes * 60 // (n + 1)),
                "antecedent": f"Asked to start question {i + 1}",
                "behaviour": f"Pushed the book away ({i + 1})",
                "consequence": "Offered the calm corner",
            }
            for i in range(n)
        ],
    }
    body.update(changes)
    return body


FREQUENCY_COUNTS = [2, 0, 1, 3, 0, 0, 1, 0, 0, 1]  # 8 in 10 one-minute intervals


def frequency(counts=FREQUENCY_COUNTS, **changes):
    body = {
        "client_id": str(uuid.uuid4()),
        "method": "frequency",
        "behaviour": "calls out",
        "lesson": "Phonics",
        "activity": "Carpet time",
        "staff_present": "Tess Teacher",
        "started_at": at(0),
        "ended_at": at(len(counts)),
        "interval_seconds": 60,
        "entries": [{"seq": i + 1, "at": at(i), "count": count} for i, count in enumerate(counts)],
    }
    body.update(changes)
    return body


def duration(**changes):
    """Three episodes of 30 s, 90 s and 60 s in 20 minutes."""
    body = {
        "client_id": str(uuid.uuid4()),
        "method": "duration",
        "behaviour": "out of seat",
        "lesson": "Science",
        "started_at": at(0),
        "ended_at": at(20),
        "entries": [
            {"at": at(2), "duration_seconds": 30},
            {"at": at(7, 30), "duration_seconds": 90},
            {"at": at(15), "duration_seconds": 60},
        ],
    }
    body.update(changes)
    return body


ON_TASK = [True, True, False, True, True, True, False, True, False, True]  # 7 of 10


def interval(samples=ON_TASK, **changes):
    """A sample every 30 seconds for five minutes."""
    body = {
        "client_id": str(uuid.uuid4()),
        "method": "interval",
        "lesson": "English",
        "activity": "Independent writing",
        "started_at": at(0),
        "ended_at": at(seconds=30 * len(samples)),
        "interval_seconds": 30,
        "entries": [
            {"at": at(seconds=30 * (i + 1)), "on_task": on} for i, on in enumerate(samples)
        ],
    }
    body.update(changes)
    return body


class Recorder:
    """Posts observations the two ways: as the recorder page does (session login, JSON to
    /pupils/<id>/observe/) and through the API (a token, POST /api/v1/behaviour/observations)."""

    def __init__(self, client):
        self.client = client
        self.api = Api(client)
        self.logged_in = None

    def page(self, person, pupil, body):
        if self.logged_in != person:
            verified_login(self.client, person)
            self.logged_in = person
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.client.post(
            f"/pupils/{pupil.pk}/observe/", data, content_type="application/json"
        )

    def via_api(self, person, pupil, body):
        if isinstance(body, dict):
            body = {"pupil_id": str(pupil.pk), **body}
        return self.api.post(person, "/behaviour/observations", body)

    def post(self, how, person, pupil, body):
        return (self.page if how == "page" else self.via_api)(person, pupil, body)


@pytest.fixture
def recorder(client):
    return Recorder(client)


def accesses(person, pupil=None) -> list[str]:
    qs = AccessEvent.objects.filter(actor=person)
    if pupil is not None:
        qs = qs.filter(pupil=pupil)
    return list(qs.order_by("id").values_list("what", flat=True))
