"""The teacher's feed: "flagged only", and marking the whole visible list seen in one tap."""

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.audit.models import AuditEvent
from sendesk.provision.models import FeedReceipt
from tests.world import TODAY

from .helpers import HTMX, text


def _rows(body):
    return [int(pk) for pk in re.findall(r'<li class="card feed-row[^"]*" id="feed-(\d+)"', body)]


def _new(body):
    return body.count('<span class="badge warn">New</span>')


def test_flagged_only_shows_what_a_ta_asked_tess_to_look_at(world, as_user, record):
    w = world
    flagged = record(w.alice, w.talk, flag_for_teacher=True, flag_note="He hid under the table",
                     day=TODAY - dt.timedelta(days=1)).pupils.get()  # fmt: skip
    record(w.alice, w.precision, note="Read 12 words")
    client = as_user(w.tess)

    everything = text(client.get("/feed/"))
    assert len(_rows(everything)) == 2
    assert "Look at:</strong> He hid under the table" in everything

    only = text(client.get("/feed/?flagged=1"))
    assert _rows(only) == [flagged.pk]
    assert "Read 12 words" not in only
    assert '<a class="button secondary" href="/feed/?flagged=1" aria-current="page">' in only
    # The per-item form keeps the filter when there is no script.
    assert '<input type="hidden" name="flagged" value="1">' in only
    response = client.post(f"/feed/{flagged.pk}/seen/", {"page": "1", "flagged": "1"})
    assert response["Location"] == f"/feed/?flagged=1#feed-{flagged.pk}"


def test_flagged_only_with_nothing_flagged_says_so(world, as_user, record):
    w = world
    record(w.alice, w.talk)
    body = text(as_user(w.tess).get("/feed/?flagged=1"))
    assert _rows(body) == []
    assert "Nothing flagged for you in the last four weeks." in body


def test_mark_all_seen_marks_the_visible_list_in_one_tap(world, as_user, record):
    w = world
    a = record(w.alice, w.talk, flag_for_teacher=True).pupils.get()
    b = record(w.alice, w.precision).pupils.get()
    client = as_user(w.tess)
    body = text(client.get("/feed/"))
    assert _new(body) == 2
    assert "Mark all 2 new on this page seen" in body
    for pk in (a.pk, b.pk):
        assert f'<input type="hidden" name="row" value="{pk}">' in body

    # A record that arrives after the page was drawn is not marked seen unread.
    late = record(w.alice, w.talk, day=TODAY - dt.timedelta(days=1)).pupils.get()
    response = client.post("/feed/seen/", {"row": [a.pk, b.pk], "page": "1"})
    assert response.status_code == 302 and response["Location"] == "/feed/"
    assert set(FeedReceipt.objects.values_list("session_pupil", "user")) == {
        (a.pk, w.tess.pk),
        (b.pk, w.tess.pk),
    }
    audits = AuditEvent.objects.filter(object_type="provision.feedreceipt")
    assert sorted(audits.values_list("actor", "pupil", "action")) == [
        (w.tess.pk, w.ben.pk, "create"),
        (w.tess.pk, w.ben.pk, "create"),
    ]
    after = text(client.get("/feed/"))
    assert "Marked 2 records seen." in after
    assert _new(after) == 1 and _rows(after)[0] == late.pk
    assert "Mark all 1 new on this page seen" in after

    # Again: nothing new is written, nothing audited twice.
    client.post("/feed/seen/", {"row": [a.pk, b.pk]})
    assert FeedReceipt.objects.count() == 2 and audits.count() == 2


def test_mark_all_seen_with_htmx_reloads_the_list_in_place(world, as_user, record):
    w = world
    a = record(w.alice, w.talk, flag_for_teacher=True).pupils.get()
    response = as_user(w.tess).post("/feed/seen/", {"row": [a.pk], "flagged": "1"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Location"] == "/feed/?flagged=1"
    assert FeedReceipt.objects.filter(session_pupil=a, user=w.tess).exists()


def test_mark_all_seen_ignores_records_outside_the_teachers_feed(world, as_user, record):
    w = world
    bens = record(w.alice, w.talk, flag_for_teacher=True).pupils.get()
    # Tom does not teach Ben; Bob is a TA with no feed; junk ids are ignored, not a 500.
    for person in (w.tom, w.bob):
        junk = [bens.pk, "x", "-1", "²", "9" * 40]  # "²" passes str.isdigit()
        response = as_user(person).post("/feed/seen/", {"row": junk})
        assert response.status_code == 302
    assert not FeedReceipt.objects.exists()
    assert not AuditEvent.objects.filter(object_type="provision.feedreceipt").exists()
    assert as_user(w.tess).get("/feed/seen/").status_code == 405
    # Tess teaches Ben: the junk beside his record is ignored and his record marked.
    assert as_user(w.tess).post("/feed/seen/", {"row": [bens.pk, "²", "9" * 40]}).status_code == 302
    assert FeedReceipt.objects.get().session_pupil_id == bens.pk


def test_mark_all_seen_costs_the_same_queries_for_one_record_or_five(world, as_user, record):
    w = world
    one = [record(w.alice, w.talk).pupils.get().pk]
    client = as_user(w.tess)
    with CaptureQueriesContext(connection) as first:
        client.post("/feed/seen/", {"row": one})
    five = [
        record(w.alice, w.precision, day=TODAY - dt.timedelta(days=i)).pupils.get().pk
        for i in range(1, 6)
    ]
    with CaptureQueriesContext(connection) as second:
        client.post("/feed/seen/", {"row": five})
    assert len(second) == len(first)
    assert FeedReceipt.objects.count() == 6


def test_flagged_only_costs_the_same_queries_for_one_record_or_five(world, as_user, record):
    w = world
    record(w.alice, w.talk, flag_for_teacher=True, target_progress=[(w.t1.pk, "emerging")])
    client = as_user(w.tess)
    with CaptureQueriesContext(connection) as first:
        assert len(_rows(text(client.get("/feed/?flagged=1")))) == 1
    for i in range(1, 5):
        record(w.alice, w.talk, day=TODAY - dt.timedelta(days=i), flag_for_teacher=True,
               target_progress=[(w.t1.pk, "secure")])  # fmt: skip
    record(w.alice, w.precision)  # not flagged: not in the list
    with CaptureQueriesContext(connection) as second:
        assert len(_rows(text(client.get("/feed/?flagged=1")))) == 5
    assert len(second) == len(first)
