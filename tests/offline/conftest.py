import json
import uuid

import pytest

from tests.api.conftest import Api

OUTBOX = "/api/v1/offline/outbox"


class Device:
    """A browser signed in as one person, speaking to the offline API with its session
    cookie, as the offline app's script does."""

    def __init__(self, client):
        self.client = client

    def get(self, path):
        return self.client.get(f"/api/v1/offline{path}")

    def send(self, person, kind, data, client_id=None, recorded_by=None):
        body = {
            "kind": kind,
            "client_id": str(client_id or uuid.uuid4()),
            "recorded_by": person.pk if recorded_by is None else recorded_by,
            "recorded_at": "2026-11-18T09:30:00Z",
            "data": data,
        }
        return self.client.post(OUTBOX, json.dumps(body), content_type="application/json")


@pytest.fixture
def device(as_user):
    """device(person) -> that person's signed-in browser."""

    def signed_in(person):
        return Device(as_user(person))

    return signed_in


@pytest.fixture
def api(client):
    return Api(client)
