import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.audit.models import AccessEvent
from sendesk.provision.models import FeedReceipt, SessionPupil
from tests.world import TODAY

from .helpers import HTMX, text


def _rows(body):
    """The pupil-record ids in the order the feed shows them."""
    return [int(pk) for pk in re.findall(r'<li class="card feed-row[^"]*" id="feed-(\d+)"', body)]


def test_tess_sees_the_flagged_record_first(world, as_user, record):
    w = world
    flagged = record(w.alice, w.talk, day=TODAY - dt.timedelta(days=2), flag_for_teacher=True,
                     note="Upset after lunch; ask at home time", response=2,
                     target_progress=[(w.t1.pk, "not_yet")])  # fmt: skip
    plain = record(w.alice, w.precision, note="Read 12 words")
    flagged_sp, plain_sp = flagged.pupils.get(), plain.pupils.get()

    response = as_user(w.tess).get("/feed/")
    assert response.status_code == 200
    body = text(response)
    assert _rows(body) == [flagged_sp.pk, plain_sp.pk]
    assert "Flagged for you" in body
    assert "Upset after lunch; ask at home time" in body and "Read 12 words" in body
    assert "Talk Boost" in body and "Precision teaching" in body
    assert "Present, 30 min · response 2 — engaged a little" in body
    assert "Uses 4-word sentences to ask for help: <strong>Not yet</strong>" in body
    assert f'hx-post="/feed/{flagged_sp.pk}/seen/"' in body
    assert set(AccessEvent.objects.values_list("actor", "pupil", "what")) == {
        (w.tess.pk, w.ben.pk, "teacher feed")
    }


def test_tom_does_not_see_bens_records(world, as_user, record):
    w = world
    record(w.alice, w.talk, flag_for_teacher=True, note="Secret to Tom")
    body = text(as_user(w.tom).get("/feed/"))
    assert "Ben" not in body and "Secret to Tom" not in body
    assert "Nothing recorded for the pupils you teach" in body
    assert not AccessEvent.objects.exists()


def test_missed_session_in_the_feed(world, as_user, record):
    w = world
    record(w.alice, w.talk, delivered=False, missed_reason="pupil_absent")
    body = text(as_user(w.tess).get("/feed/"))
    assert "Missed</span> Pupil absent" in body


def test_mark_seen_with_htmx_returns_the_row(world, as_user, record):
    w = world
    flagged = record(w.alice, w.talk, flag_for_teacher=True).pupils.get()
    other = record(w.alice, w.precision).pupils.get()
    client = as_user(w.tess)
    response = client.post(f"/feed/{flagged.pk}/seen/", **HTMX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    assert f'id="feed-{flagged.pk}"' in body and "Seen" in body
    assert "Mark seen" not in body
    receipt = FeedReceipt.objects.get()
    assert (receipt.session_pupil, receipt.user) == (flagged, w.tess)
    # Seen records drop below the unseen ones.
    assert _rows(text(client.get("/feed/"))) == [other.pk, flagged.pk]
    # Marking twice keeps one receipt.
    assert client.post(f"/feed/{flagged.pk}/seen/", **HTMX).status_code == 200
    assert FeedReceipt.objects.count() == 1


def test_mark_seen_without_script_redirects_back(world, as_user, record):
    w = world
    sp = record(w.alice, w.talk).pupils.get()
    response = as_user(w.tess).post(f"/feed/{sp.pk}/seen/", {"page": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/feed/#feed-{sp.pk}"
    assert FeedReceipt.objects.filter(user=w.tess, session_pupil=sp).exists()


def test_mark_seen_out_of_scope_is_the_same_404_as_missing(world, as_user, record):
    w = world
    sp = record(w.alice, w.talk, flag_for_teacher=True).pupils.get()
    missing = as_user(w.tom).post(f"/feed/{sp.pk + 1000}/seen/", **HTMX)
    assert missing.status_code == 404
    for person in (w.tom, w.bob, w.olga):
        response = as_user(person).post(f"/feed/{sp.pk}/seen/", **HTMX)
        assert response.status_code == 404
        # The 404 page carries the person's own navigation: compare with what they get for a
        # record that does not exist.
        ghost = as_user(person).post(f"/feed/{sp.pk + 1000}/seen/", **HTMX)
        assert response.content == ghost.content
    assert not FeedReceipt.objects.exists()
    assert as_user(w.tess).get(f"/feed/{sp.pk}/seen/").status_code == 405


def test_feed_is_paged(world, as_user, record):
    w = world
    for i in range(31):
        record(w.alice, w.talk, day=TODAY - dt.timedelta(days=i % 7), minutes=10 + i)
    client = as_user(w.tess)
    first = text(client.get("/feed/"))
    second = text(client.get("/feed/?page=2"))
    assert len(_rows(first)) == 30 and len(_rows(second)) == 1
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    assert "Page 2 of 2" in second and 'href="?page=1"' in second
    assert set(_rows(first)).isdisjoint(_rows(second))
    assert len(set(_rows(first)) | set(_rows(second))) == SessionPupil.objects.count()


def test_query_count_does_not_grow_with_records(world, as_user, record, django_assert_num_queries):
    w = world
    record(w.alice, w.talk, flag_for_teacher=True, target_progress=[(w.t1.pk, "emerging")])
    client = as_user(w.tess)
    with CaptureQueriesContext(connection) as one:
        assert len(_rows(text(client.get("/feed/")))) == 1
    queries = len(one)  # now: the log is cleared by the next request
    client.post(f"/feed/{SessionPupil.objects.get().pk}/seen/", **HTMX)
    for i in range(1, 5):
        provision = w.precision if i % 2 else w.talk
        record(w.alice, provision, day=TODAY - dt.timedelta(days=i), flag_for_teacher=bool(i % 2),
               target_progress=[(provision.targets.get().pk, "secure")])  # fmt: skip
    with django_assert_num_queries(queries):
        assert len(_rows(text(client.get("/feed/")))) == 5
