import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.signin import mfa
from tests.second_factor import code_for, enrol
from tests.world import PASSWORD


class Api:
    """The Django test client speaking to /api/v1/ as named people, each with a token
    got the way a client gets one: POST /api/v1/auth/token."""

    def __init__(self, client):
        self.client = client
        self.tokens = {}

    def token(self, person):
        if person.pk not in self.tokens:
            body = {"email": person.email, "password": PASSWORD}
            if mfa.second_factor_required(person) or mfa.has_second_factor(person):
                # Enrolled as on the web, and the code their app shows now, as a client sends.
                body["otp"] = code_for(enrol(person))
            r = self.client.post(
                "/api/v1/auth/token", json.dumps(body), content_type="application/json"
            )
            assert r.status_code == 200, r.content
            self.tokens[person.pk] = r.json()["token"]
        return self.tokens[person.pk]

    def _auth(self, person):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token(person)}"}

    def get(self, person, path, **params):
        return self.client.get(f"/api/v1{path}", params, **self._auth(person))

    def post(self, person, path, body):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.client.post(
            f"/api/v1{path}", data, content_type="application/json", **self._auth(person)
        )


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def count_queries():
    """count_queries(call) -> (result, number of SQL queries it ran)."""

    def run(call):
        with CaptureQueriesContext(connection) as ctx:
            result = call()
        return result, len(ctx.captured_queries)

    return run


@pytest.fixture
def wsgi_app():
    """The site as a WSGI app answering inside the test's transaction (schemathesis calls
    it in-process, without a network)."""
    from .openapi_check import WsgiApp

    app = WsgiApp()
    yield app
    app.close()
