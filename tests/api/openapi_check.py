"""What the conformance tests share: the document under test, loaded for schemathesis, the
checks every answer must pass, and a WSGI app that answers in the test's transaction."""

import json
import os

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from ninja.responses import NinjaJSONEncoder

from sendesk.api.main import api

# Fuzzed cases per operation and caller, on top of the coverage cases. More for a deeper
# search by hand: SENDESK_CONFORMANCE_EXAMPLES=200 .venv/bin/pytest tests/api/test_conformance.py
EXAMPLES = int(os.environ.get("SENDESK_CONFORMANCE_EXAMPLES", "25"))

# An answer fails if it is a server error, or its status code, content type, body or
# headers are not what the document says; a request the document calls wrong must be
# refused (4xx).
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.negative_data_rejection,
]
ANSWER_CHECKS = CHECKS[:5]  # for requests written by hand, which schemathesis did not make

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261118,
        "generation": {
            "mode": "all",  # requests the document allows, and requests it calls wrong
            "max-examples": EXAMPLES,
            "deterministic": True,
            # The token is the test's to send (as a named person, or not at all), not a
            # field to fuzz.
            "with-security-parameters": False,
            # An unknown query parameter is ignored, as HTTP APIs do; the document does not
            # promise to refuse one.
            "allow-extra-parameters": False,
        },
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
    }
)


def document() -> dict:
    """The document /api/v1/openapi.json serves (test_document holds them equal). Made from
    the API object, not fetched, because tests are collected before the test database
    exists."""
    return json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))


schema = schemathesis.openapi.from_dict(document(), config=CONFIG)


class WsgiApp:
    """Django's WSGI handler, keeping the test's database connection open. A plain handler
    closes it at each request, inside the test's transaction; Django's test client stops
    that for its own requests and turns it back on after each, so it is turned off again
    at every request here, and back on by close()."""

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        return self.handler(environ, start_response)

    def close(self):
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
