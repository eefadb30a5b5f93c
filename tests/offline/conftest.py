import json
import uuid

import pytest
from django.test import Client

from tests.api.conftest import Api
from tests.second_factor import verified_login

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
def device(_client_handler):
    """device(person) -> that person's signed-in browser: a browser of its own each time
    (two people's tablets do not share a cookie jar)."""

    def signed_in(person):
        browser = Client()
        browser.handler = _client_handler
        return Device(verified_login(browser, person))

    return signed_in


@pytest.fixture
def api(client):
    return Api(client)
