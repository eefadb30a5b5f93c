import threading
import uuid

import pytest
from django.db import connection

from sendesk.provision.models import Session, SessionPupil
from sendesk.provision.services import PupilRecord, session_record
from sendesk.pupils.models import TimelineEntry

from ..world import TODAY, build_world


@pytest.fixture
def committed_world(transactional_db, now):
    return build_world()


def test_same_client_id_sent_twice_at_once_makes_one_session(committed_world):
    w = committed_world
    client_id = uuid.uuid4()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def send():
        try:
            barrier.wait()
            results.append(
                session_record(
                    actor=w.alice,
                    client_id=client_id,
                    provision_id=w.talk.pk,
                    date=TODAY,
                    minutes=30,
                    delivered=True,
                    pupils=[PupilRecord(pupil_id=w.ben.pk, attendance="present")],
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
    assert Session.objects.filter(client_id=client_id).count() == 1
    assert SessionPupil.objects.filter(session__client_id=client_id).count() == 1
    assert sorted(created for _, created in results) == [False, True]
    assert len({s.pk for s, _ in results}) == 1
    assert TimelineEntry.objects.filter(kind="session").count() == 1
