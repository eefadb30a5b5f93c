"""The audit trail writes a moment as the person saw it: in school time (Europe/London),
whether a record's own snapshot or an amendment's before/after wrote it. In British Summer
Time a UTC stamp would read an hour early beside the amendment of the same incident."""

import uuid

import pytest

from sendesk.audit.models import AuditEvent
from sendesk.behaviour.models import Incident
from tests.api.conftest import Api


@pytest.fixture
def api(client):
    return Api(client)


def test_an_incident_in_summer_is_audited_in_school_time(world, api):
    r = api.post(
        world.alice,
        "/behaviour/incidents",
        {
            "client_id": str(uuid.uuid4()),
            "pupil_id": str(world.ben.pk),
            "kind": "concern",
            "severity": 1,
            "occurred_at": "2026-06-17T13:20:00",
            "location": "Hall",
            "lesson": "PE",
            "staff_present": [world.alice.pk],
            "antecedent": "Whistle blown",
            "behaviour": "Dropped to the floor, hands over ears",
            "strategies": [],
        },
    )
    assert r.status_code == 201, r.content
    incident = Incident.objects.get()
    audit = AuditEvent.objects.get(object_type="behaviour.incident", action="create")
    assert audit.after["occurred_at"] == "2026-06-17T13:20:00+01:00"
    assert incident.occurred_at.isoformat() == "2026-06-17T12:20:00+00:00"
