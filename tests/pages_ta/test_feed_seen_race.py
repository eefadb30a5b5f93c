"""Marking the feed seen writes one receipt and one audit row per record, however the taps
fall: the audit follows the receipts a tap actually created, and the count the teacher is
told is what was written, not what the page showed."""

import threading

import pytest
from django.db import connection

from sendesk.audit.models import AuditEvent
from sendesk.provision import services
from sendesk.provision.models import FeedReceipt, SessionPupil
from sendesk.provision.services import PupilRecord
from tests.world import TODAY, build_world

from .helpers import text


def _audits():
    return AuditEvent.objects.filter(object_type="provision.feedreceipt")


def test_mark_all_from_a_stale_page_counts_and_audits_only_what_it_marked(world, as_user, record):
    w = world
    a = record(w.alice, w.talk).pupils.get()
    b = record(w.alice, w.precision).pupils.get()
    first_tab = as_user(w.tess)
    assert "Mark all 2 new on this page seen" in text(first_tab.get("/feed/"))
    # Meanwhile, in another tab, Tess marks one of them seen.
    assert first_tab.post(f"/feed/{a.pk}/seen/").status_code == 302

    response = first_tab.post("/feed/seen/", {"row": [a.pk, b.pk]})
    assert response.status_code == 302
    assert "Marked 1 record seen. 1 was already marked seen." in text(first_tab.get("/feed/"))
    assert FeedReceipt.objects.filter(user=w.tess).count() == 2
    assert sorted(_audits().values_list("object_id", flat=True)) == sorted(
        [f"{a.pk}:{w.tess.pk}", f"{b.pk}:{w.tess.pk}"]
    )


def test_mark_all_when_everything_was_already_seen_says_none_were_marked(world, as_user, record):
    w = world
    a = record(w.alice, w.talk).pupils.get()
    client = as_user(w.tess)
    client.post("/feed/seen/", {"row": [a.pk]})
    client.get("/feed/")  # the first tap's message is read
    client.post("/feed/seen/", {"row": [a.pk]})
    assert "Marked 0 records seen. 1 was already marked seen." in text(client.get("/feed/"))
    assert _audits().count() == 1


@pytest.fixture
def committed_world(transactional_db, now):
    return build_world()


def test_two_taps_at_the_same_moment_write_one_receipt_and_one_audit_row(committed_world):
    """A real race on PostgreSQL (on SQLite the IMMEDIATE transactions queue the taps):
    reading the receipts first and inserting after, both taps counted the receipt as new
    and audited it, and this test failed there ([1, 1] marked)."""
    w = committed_world
    session, _ = services.session_record(
        actor=w.alice, provision_id=w.talk.pk, date=TODAY, minutes=30, delivered=True,
        pupils=[PupilRecord(pupil_id=w.talk.pupil_id, attendance="present")],
    )  # fmt: skip
    barrier = threading.Barrier(2)
    marked, errors = [], []

    def tap():
        try:
            rows = list(SessionPupil.objects.filter(session=session).select_related("pupil"))
            barrier.wait()
            marked.append(services.feed_mark_all_seen(actor=w.tess, session_pupils=rows))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(marked) == [0, 1]
    assert FeedReceipt.objects.count() == 1
    assert _audits().count() == 1
