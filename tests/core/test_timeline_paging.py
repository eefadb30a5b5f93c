"""The timeline's keyset paging: every page of a long timeline is read from the pupil's
index starting at the cursor, so the last page costs what the first costs."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sendesk.pupils.models import TimelineEntry
from sendesk.pupils.selectors import timeline_page


def _fill(world, n):
    start = timezone.now() - dt.timedelta(days=n)
    TimelineEntry.objects.bulk_create(
        TimelineEntry(pupil=world.ben, occurred_at=start + dt.timedelta(hours=(i // 3) * 7),
                      kind="session", title=f"Entry {i}", actor=world.alice)
        for i in range(n)
    )  # fmt: skip


def _plan(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return " ".join(str(row[-1]) for row in cursor.fetchall())
        # A small table is cheaper to scan or sort, and the statistics left by earlier tests
        # vary: ask how PostgreSQL reads the rows in order, and with which index condition.
        for setting in ("enable_seqscan", "enable_sort", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        rows = [row[0].strip() for row in cursor.fetchall()]
        # The index read and its condition only (a Filter line would also name the column).
        return " ".join(r for r in rows if "Index Scan" in r or r.startswith("Index Cond"))


def test_every_page_walks_the_whole_timeline_once_in_order(world):
    _fill(world, 80)  # entries three at a time at the same moment: ties broken by id
    seen, cursor, pages = [], None, 0
    while True:
        entries, cursor = timeline_page(world.ben, cursor=cursor, size=7)
        seen += [(e.occurred_at, e.id) for e in entries]
        pages += 1
        if cursor is None:
            break
    assert pages == 12
    assert len(set(seen)) == len(seen) == TimelineEntry.objects.filter(pupil=world.ben).count()
    assert seen == sorted(seen, reverse=True)


def test_a_later_page_starts_its_index_range_at_the_cursor(world):
    _fill(world, 60)
    _, cursor = timeline_page(world.ben, size=50)
    with CaptureQueriesContext(connection) as ctx:
        timeline_page(world.ben, cursor=cursor, size=50)
    assert len(ctx.captured_queries) == 1
    sql, params = _captured_sql(world, cursor)
    plan = _plan(sql, params)
    assert "timeline_pupil_idx" in plan
    # The index is searched from the cursor's time, not scanned from the newest entry.
    assert "occurred_at" in plan.split("timeline_pupil_idx", 1)[1]


def _captured_sql(world, cursor):
    from sendesk.pupils import selectors

    at, pk = selectors._decode_cursor(cursor)
    qs = TimelineEntry.objects.filter(pupil=world.ben)
    qs = selectors._before(qs, at, pk).order_by("-occurred_at", "-id")[:51]
    return qs.query.sql_with_params()
