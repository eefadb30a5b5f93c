"""The recorder retries a save until it hears back: the client_id made when the
observation started means the same observation is never stored twice."""

import threading
import uuid

import pytest
from django.db import connection

from sendesk.behaviour.models import Observation
from sendesk.behaviour.observations import EntryRecord, observation_record
from sendesk.pupils.models import TimelineEntry

from ..world import build_world
from .conftest import START, abc, rows

HOW = ["page", "api"]


@pytest.mark.parametrize("how", HOW)
def test_same_client_id_again_returns_the_stored_record(world, recorder, how):
    w = world
    body = abc()
    first = recorder.post(how, w.alice, w.ben, body)
    again = recorder.post(how, w.alice, w.ben, body)
    changed = recorder.post(how, w.alice, w.ben, {**body, "lesson": "Art", "entries": []})
    assert first.status_code == 201
    assert again.status_code == changed.status_code == 200
    assert first.json()["id"] == again.json()["id"] == changed.json()["id"]
    assert rows() == {"Observation": 1, "ObservationEntry": 6, "TimelineEntry": 1, "AuditEvent": 1}
    assert Observation.objects.get().lesson == "Maths"  # the stored record, unchanged


def test_page_then_api_with_the_same_client_id(world, recorder):
    w = world
    body = abc()
    first = recorder.page(w.alice, w.ben, body)
    again = recorder.via_api(w.alice, w.ben, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert again.json()["lesson"] == "Maths"
    assert len(again.json()["entries"]) == 6
    assert first.json()["created"] is True
    assert recorder.page(w.alice, w.ben, body).json()["created"] is False


@pytest.mark.parametrize("how", HOW)
def test_client_id_used_at_another_school_is_a_409(world, recorder, how):
    w = world
    theirs = recorder.page(w.olga, w.olly, abc())
    assert theirs.status_code == 201
    before = rows()
    r = recorder.post(how, w.alice, w.ben, abc(client_id=theirs.json()["client_id"]))
    assert r.status_code == 409
    assert "client_id" in r.json()["errors"]
    assert "Olly" not in r.content.decode()
    assert rows() == before


@pytest.fixture
def committed_world(transactional_db, now):
    return build_world()


def test_same_client_id_sent_twice_at_once_makes_one_observation(committed_world):
    w = committed_world
    client_id = uuid.uuid4()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def send():
        try:
            barrier.wait()
            results.append(
                observation_record(
                    actor=w.alice,
                    client_id=client_id,
                    pupil_id=w.ben.pk,
                    method="abc",
                    started_at=START,
                    ended_at=START.replace(minute=20),
                    entries=[EntryRecord(at=START.replace(minute=5), behaviour="Shouted")],
                )
            )
        except Exception as exc:  # reported below, with the thread's error
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert Observation.objects.filter(client_id=client_id).count() == 1
    assert sorted(created for _, created in results) == [False, True]
    assert len({obs.pk for obs, _ in results}) == 1
    assert TimelineEntry.objects.filter(kind="observation").count() == 1
