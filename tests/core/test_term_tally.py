"""The term tallies (provision.TermTally) are kept by the database: whatever saves a session
record, amends its minutes, disposes of it, or enters, moves or removes a term, each tally
stays the sum of its provision's records dated in that term (sendesk/provision/tally.py),
on SQLite and on PostgreSQL. The sums here are the ORM's, worked out afresh."""

import datetime as dt

from django.db import connection
from django.db.models import Sum

from sendesk.lib.migrations import disposal_permit
from sendesk.provision.models import Session, SessionPupil, TermTally
from sendesk.schools.models import Term
from tests.pages_ta.helpers import HTMX, quick_form
from tests.pages_ta.test_session_amend import amend_form
from tests.world import AUTUMN_START, TODAY

YESTERDAY = TODAY - dt.timedelta(days=1)


def from_records() -> dict:
    """{(provision id, term start): minutes} summed from the session records, term by term."""
    sums = {}
    for term in Term.objects.all():
        rows = (
            SessionPupil.objects.filter(
                provision__pupil__school_id=term.school_id, date__range=(term.start, term.end)
            )
            .values("provision_id")
            .annotate(total=Sum("minutes"))
        )
        for row in rows:
            if row["total"]:
                sums[(row["provision_id"], term.start)] = row["total"]
    return sums


def kept() -> dict:
    rows = TermTally.objects.filter(minutes__gt=0)
    return {(t.provision_id, t.term_start): t.minutes for t in rows}


def save_on_my_day(client, provision, **changes):
    response = client.post(f"/sessions/record/{provision.pk}/", quick_form(**changes), **HTMX)
    assert response.status_code == 200
    return Session.objects.get(client_id=response.wsgi_request.POST["client_id"])


def test_sessions_saved_and_amended_on_the_page_are_in_their_terms_tally(world, as_user):
    w = world
    alice = as_user(w.alice)
    assert kept() == from_records() == {}
    today = save_on_my_day(alice, w.talk)
    save_on_my_day(alice, w.talk, date=YESTERDAY.isoformat(), minutes="20")
    assert kept() == {(w.talk.pk, AUTUMN_START): 50} == from_records()

    # An amendment of the minutes: the tally follows it, the record keeps its history.
    data = amend_form(today, reason="It was 10 minutes: assembly ran over", minutes="10")
    assert alice.post(f"/sessions/{today.pk}/amend/", data).status_code == 302
    assert SessionPupil.objects.get(session=today).minutes == 10
    assert kept() == {(w.talk.pk, AUTUMN_START): 30} == from_records()

    # Missed: nothing delivered, nothing added.
    save_on_my_day(alice, w.talk, outcome="missed", missed_reason="staff_absent",
                   missed_note="Cover in 4B")  # fmt: skip
    assert kept() == {(w.talk.pk, AUTUMN_START): 30} == from_records()


def test_terms_entered_moved_and_removed_are_summed_again(world, as_user):
    w = world
    alice = as_user(w.alice)
    save_on_my_day(alice, w.talk)
    save_on_my_day(alice, w.talk, date=YESTERDAY.isoformat(), minutes="20")
    autumn = Term.objects.get(school=w.school, start=AUTUMN_START)

    # The term ends the day before yesterday's session: neither counts in it now.
    autumn.end = YESTERDAY - dt.timedelta(days=1)
    autumn.save()
    assert kept() == from_records() == {}
    # A term of its own for the last two days (a school that splits its terms).
    Term.objects.create(school=w.school, name="Late autumn", start=YESTERDAY, end=TODAY)
    assert kept() == from_records() == {(w.talk.pk, YESTERDAY): 50}
    # Autumn's end put back: both terms hold the two sessions.
    autumn.end = dt.date(2026, 12, 18)
    autumn.save()
    assert kept() == from_records()
    assert kept() == {(w.talk.pk, YESTERDAY): 50, (w.talk.pk, AUTUMN_START): 50}
    Term.objects.filter(name="Late autumn").delete()
    assert kept() == from_records() == {(w.talk.pk, AUTUMN_START): 50}
    # The other school's terms are not this pupil's.
    Term.objects.filter(school=w.other, start=AUTUMN_START).update(start=dt.date(2026, 9, 1))
    assert kept() == from_records() == {(w.talk.pk, AUTUMN_START): 50}


def test_a_disposed_record_takes_its_minutes_away(world, as_user):
    w = world
    alice = as_user(w.alice)
    save_on_my_day(alice, w.talk)
    kept_one = save_on_my_day(alice, w.talk, date=YESTERDAY.isoformat(), minutes="20")
    record = SessionPupil.objects.get(session=kept_one)
    with disposal_permit(["provision_sessionpupil"], why="test: a record past its date"):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM provision_sessionpupil WHERE id = %s", [record.pk])
    assert kept() == from_records() == {(w.talk.pk, AUTUMN_START): 30}


def test_a_record_outside_every_term_is_in_no_tally(world, as_user):
    """Half term is a closure inside the term (counted); a Saturday is in the term too. The
    summer holiday before the autumn term is in no term."""
    w = world
    w.talk.start = dt.date(2026, 8, 1)
    w.talk.save()
    alice = as_user(w.alice)
    save_on_my_day(alice, w.talk, date="2026-10-27")  # half term
    save_on_my_day(alice, w.talk, date="2026-09-01")  # before the term
    assert kept() == from_records() == {(w.talk.pk, AUTUMN_START): 30}
