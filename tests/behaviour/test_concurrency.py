"""The same client_id sent twice at once (a retry racing the first send) stores one
record: the loser of the race gets the winner's record, created=False."""

import threading
import uuid

import pytest
from django.db import connection

from sendesk.behaviour import services
from sendesk.behaviour.models import Incident, RestrictiveIntervention, StrategyUse
from sendesk.pupils.models import TimelineEntry
from tests.world import build_world

from .conftest import at


@pytest.fixture
def committed_world(transactional_db, now):
    return build_world()


def _race(call):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def send():
        try:
            barrier.wait()
            results.append(call())
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_one_incident(committed_world):
    w = committed_world
    client_id = uuid.uuid4()
    results, errors = _race(
        lambda: services.incident_record(
            actor=w.alice,
            client_id=client_id,
            pupil_id=w.ben.pk,
            occurred_at=at(-1),
            behaviour="Ran out of class",
            strategies=[services.Use(w.calm_corner.pk, 2)],
        )
    )
    assert errors == []
    assert sorted(created for _, created in results) == [False, True]
    assert Incident.objects.count() == StrategyUse.objects.count() == 1
    assert TimelineEntry.objects.filter(kind="incident").count() == 1


def test_one_intervention(committed_world):
    w = committed_world
    client_id = uuid.uuid4()
    results, errors = _race(
        lambda: services.intervention_record(
            actor=w.senco,
            client_id=client_id,
            pupil_id=w.ben.pk,
            kind="restraint",
            started_at=at(-1),
            duration_minutes=3,
            location="Hall",
            before="b",
            deescalation="d",
            holds="h",
            reason="r",
            staff=[(w.alice.pk, "lead")],
        )
    )
    assert errors == []
    assert sorted(created for _, created in results) == [False, True]
    assert RestrictiveIntervention.objects.count() == 1
