"""Two people recording the same dose at once: the database decides, exactly one dose is
stored and the other request is refused by the rule. Real threads, real transactions,
through the API (the Medicine row lock; on SQLite the IMMEDIATE transaction)."""

import json
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from sendesk.accounts.models import ApiToken
from sendesk.medication.models import Administration, Medicine
from sendesk.pupils.models import TimelineEntry
from sendesk.staff.models import Training
from tests.world import TODAY, build_world

from .conftest import at


@pytest.fixture
def committed_world(transactional_db, now):
    w = build_world()
    # A second trained adult at Ben's side: Sam the SENCO (whole school).
    Training.objects.create(user=w.senco, kind="medication", completed_on=TODAY)
    return w


def _race(calls):
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def send(call):
        try:
            barrier.wait()
            results.append(call())
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


def _poster(person, body):
    token = ApiToken.issue(person)

    def post():
        r = Client().post(
            "/api/v1/medication/administrations",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        return r.status_code, r.json()

    return post


def test_two_inhaler_doses_at_once_store_exactly_one(committed_world):
    w = committed_world
    bodies = [
        {
            "client_id": str(uuid.uuid4()),
            "medicine_id": str(w.inhaler.pk),
            "given_at": at(9, 58).isoformat(),
            "outcome": "given",
            "dose": "2 puffs",
        }
        for _ in range(2)
    ]
    results = _race([_poster(w.alice, bodies[0]), _poster(w.senco, bodies[1])])
    statuses = sorted(status for status, _ in results)
    assert statuses == [201, 409], results
    refused = next(body for status, body in results if status == 409)
    assert refused["rule"] == "too_soon"
    assert refused["next_allowed_at"].startswith("2026-11-18T13:58")
    assert Administration.objects.filter(outcome="given").count() == 1
    assert Medicine.objects.get(pk=w.inhaler.pk).stock == 198
    assert TimelineEntry.objects.filter(kind="medication").count() == 1


def test_two_records_of_the_same_scheduled_dose_store_exactly_one(committed_world, now):
    w = committed_world
    now.move_to(at(12, 2))
    bodies = [
        {
            "client_id": str(uuid.uuid4()),
            "medicine_id": str(w.lunch_med.pk),
            "given_at": at(12, 2).isoformat(),
            "due_at": at(12).isoformat(),
            "outcome": "given",
            "dose": "1 tablet",
            "witness_id": witness.pk,
        }
        for witness in (w.bob, w.hana)
    ]
    results = _race([_poster(w.alice, bodies[0]), _poster(w.senco, bodies[1])])
    assert sorted(status for status, _ in results) == [201, 409], results
    refused = next(body for status, body in results if status == 409)
    assert refused["rule"] == "already_recorded"
    assert Administration.objects.count() == 1
    assert Medicine.objects.get(pk=w.lunch_med.pk).stock == 19
    assert TimelineEntry.objects.filter(kind="medication").count() == 1


def test_the_same_client_id_twice_at_once_stores_one(committed_world):
    w = committed_world
    body = {
        "client_id": str(uuid.uuid4()),
        "medicine_id": str(w.inhaler.pk),
        "given_at": at(9, 58).isoformat(),
        "outcome": "given",
        "dose": "2 puffs",
    }
    results = _race([_poster(w.alice, body), _poster(w.alice, body)])
    assert sorted(status for status, _ in results) == [200, 201], results
    assert len({body["id"] for _, body in results}) == 1
    assert Administration.objects.count() == 1
    assert Medicine.objects.get(pk=w.inhaler.pk).stock == 198
