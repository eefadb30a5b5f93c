"""Helpers for the medication tests: giving a dose through the API or the Give page as a
named person, aware times in school time, and a query counter."""

import datetime as dt
import html
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api.conftest import Api
from tests.second_factor import verified_login
from tests.world import TODAY


def at(hour, minute=0, day_offset=0) -> dt.datetime:
    """An aware datetime on the world's today (+ day_offset), in school time."""
    day = TODAY + dt.timedelta(days=day_offset)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def api(client):
    return Api(client)


class Giver:
    """give(person, medicine, **fields) through one channel, answering (status, body):
    body is the JSON for the API and the page's text for the Give page."""

    def __init__(self, channel, api, client):
        self.channel, self.api, self.client = channel, api, client

    def __call__(
        self,
        person,
        medicine,
        *,
        when=None,
        outcome="given",
        dose=None,
        witness=None,
        reason="",
        reactions="",
        due_at=None,
        client_id=None,
    ):
        when = when or timezone.now()
        client_id = client_id or uuid.uuid4()
        dose = medicine.dose if dose is None else dose
        if self.channel == "api":
            body = {
                "client_id": str(client_id),
                "medicine_id": str(medicine.pk),
                "given_at": when.isoformat(),
                "outcome": outcome,
                "dose": dose,
                "reason": reason,
                "reactions": reactions,
            }
            if witness is not None:
                body["witness_id"] = witness.pk
            if due_at is not None:
                body["due_at"] = due_at.isoformat()
            r = self.api.post(person, "/medication/administrations", body)
            return r.status_code, r.json()
        verified_login(self.client, person)
        local = timezone.localtime(when)
        data = {
            "client_id": str(client_id),
            "due_at": due_at.isoformat() if due_at else "",
            "outcome": outcome,
            "dose": dose,
            "date": f"{local:%Y-%m-%d}",
            "time": f"{local:%H:%M}",
            "witness": str(witness.pk) if witness else "",
            "reason": reason,
            "reactions": reactions,
        }
        r = self.client.post(f"/medication/{medicine.pk}/give/", data)
        if r.status_code == 302:
            follow = self.client.get(r["Location"])
            return 201, text(follow)
        return r.status_code, text(r)


@pytest.fixture(params=["api", "page"])
def give(request, world, client):
    """Each test that uses it runs twice: through the API and through the Give page."""
    return Giver(request.param, Api(client), client)


@pytest.fixture
def give_api(world, client):
    return Giver("api", Api(client), client)


def count(call):
    with CaptureQueriesContext(connection) as ctx:
        result = call()
    return result, len(ctx.captured_queries)


def dumps(value) -> str:
    return json.dumps(value, default=str)
