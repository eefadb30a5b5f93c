import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from sendesk.safeguarding.models import Concern, SafeguardingAudit
from sendesk.safeguarding.services import concern_report

from ..world import build_world


@pytest.fixture
def committed_world(transactional_db, now):
    return build_world()


def test_same_client_id_sent_twice_at_once_makes_one_concern(committed_world):
    w = committed_world
    client_id = uuid.uuid4()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def send():
        try:
            barrier.wait()
            results.append(
                concern_report(
                    actor=w.alice,
                    client_id=client_id,
                    pupil_id=w.dan.pk,
                    occurred_at=timezone.now(),
                    concern="Dan said something worrying at lunch.",
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
    assert Concern.objects.filter(client_id=client_id).count() == 1
    assert SafeguardingAudit.objects.count() == 1
    assert sorted(created for _, created in results) == [False, True]
    assert len({c.pk for c, _ in results}) == 1
