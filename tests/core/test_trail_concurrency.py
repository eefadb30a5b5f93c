"""Writers at once never fork a chain: each new row takes the next position after the head
it read, under the head's lock (PostgreSQL) or the one write lock (SQLite); a row that lost
the race is refused by the database and linked again. Committed for real, in threads."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from sendesk.audit.models import AccessEvent, AuditEvent, ChainHead
from sendesk.audit.services import record_access, record_change
from sendesk.lib.migrations import disposal_permit

from ..world import build_world

ROWS = 12


@pytest.fixture
def committed_world(transactional_db, now):
    return build_world()


def _at_once(*jobs):
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_two_writers_at_once_keep_one_chain(committed_world):
    w = committed_world

    def page_views():
        # As a page writes its access row: outside any transaction.
        for _ in range(ROWS):
            record_access(actor=w.senco, pupil=w.ben, what="pupil page")

    def saves():
        # As a service writes: the access and audit rows inside its transaction.
        for _ in range(ROWS):
            with transaction.atomic():
                record_access(actor=w.alice, pupil=w.cara, what="session form")
                record_change(
                    actor=w.alice, action=AuditEvent.Action.UPDATE, obj=w.cara,
                    school_id=w.school.pk, pupil_id=w.cara.pk, after={"x": 1},
                )  # fmt: skip

    assert _at_once(page_views, saves) == []
    rows = list(AccessEvent.objects.filter(school=w.school).order_by("seq"))
    assert len(rows) == 2 * ROWS
    assert [r.seq for r in rows] == list(range(1, 2 * ROWS + 1))
    assert all(b.prev_hash == a.row_hash for a, b in zip(rows, rows[1:], strict=False))
    assert ChainHead.objects.get(chain=f"audit_accessevent:{w.school.pk}").seq == 2 * ROWS
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().strip() == f"OK, {3 * ROWS} rows"


def test_a_permit_counts_in_its_own_transaction_only(committed_world):
    w = committed_world
    record_access(actor=w.senco, pupil=w.ben, what="pupil page")
    with disposal_permit(["audit_accessevent"], why="test: a permit taken and committed"):
        pass
    # A later transaction (or another connection) gets nothing from it.
    with pytest.raises(IntegrityError, match="never deleted"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_accessevent")
    assert AccessEvent.objects.count() == 1
