"""The term tallies (provision.TermTally) are kept by the database: whatever saves a session
record, amends its minutes, disposes of it, or enters, moves or removes a term, each tally
stays the sum of its provision's records dated in that term (sendesk/provision/tally.py),
on SQLite and on PostgreSQL. The sums here are the ORM's, worked out afresh."""

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection, models, transaction
from django.db.models import Sum
from django.utils import timezone

from sendesk.lib.migrations import disposal_permit
from sendesk.provision import selectors, tally
from sendesk.provision.models import Provision, Session, SessionPupil, TermTally
from sendesk.schools.models import Term
from tests.api.conftest import Api
from tests.core.test_trail_concurrency import _at_once
from tests.pages_ta.helpers import HTMX, quick_form
from tests.pages_ta.test_session_amend import amend_form
from tests.world import AUTUMN_START, TODAY, build_world

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


def _own(pupil, title):
    return Provision.objects.create(
        pupil=pupil, title=title, kind="group", source="sen_support", sessions_per_week=5,
        session_minutes=30, weekly_minutes=150, days="12345", start=AUTUMN_START,
    )  # fmt: skip


def test_a_group_sessions_records_are_written_in_provision_order(world, client):
    """Each pupil's minutes go to their own provision's tally; the records are written in
    the order of their provisions, whatever order the recorder sent (two group sessions of
    the same pupils saved at once then lock the tallies in one order: no deadlock)."""
    w = world
    dan = _own(w.dan, "Social skills group")
    pupils = [(w.dan, dan), (w.ben, w.talk)]
    pupils.sort(key=lambda pair: str(pair[1].pk), reverse=True)  # the wrong order
    body = {
        "client_id": str(uuid.uuid4()), "provision_id": None, "date": str(TODAY),
        "minutes": 30, "delivered": True, "missed_reason": "",
        "pupils": [{"pupil_id": str(p.pk), "attendance": "present", "provision_id": str(own.pk)}
                   for p, own in pupils],
    }  # fmt: skip
    response = Api(client).post(w.senco, "/sessions", body)
    assert response.status_code == 201, response.content
    # The records went in provision order (and the answer lists them in the records' order).
    written = SessionPupil.objects.order_by("pk").values_list("provision_id", flat=True)
    assert [str(pk) for pk in written] == sorted(str(own.pk) for _, own in pupils)
    pupils.reverse()
    assert [p["pupil_id"] for p in response.json()["pupils"]] == [str(p.pk) for p, _ in pupils]
    assert kept() == from_records() == {(dan.pk, AUTUMN_START): 30, (w.talk.pk, AUTUMN_START): 30}


def test_an_absent_pupil_amended_to_present_is_added(world, as_user):
    w = world
    alice = as_user(w.alice)
    session = save_on_my_day(alice, w.talk, attendance="absent", response="")
    assert kept() == from_records() == {}
    data = amend_form(session, reason="He came in late: register fixed", p0_attendance="present")
    assert alice.post(f"/sessions/{session.pk}/amend/", data).status_code == 302
    assert kept() == from_records() == {(w.talk.pk, AUTUMN_START): 30}


def test_summed_afresh_after_migrate_whatever_the_table_held(world, as_user):
    save_on_my_day(as_user(world.alice), world.talk)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE provision_termtally SET minutes = 999")
        cursor.execute(
            "INSERT INTO provision_termtally (provision_id, term_start, minutes) "
            "VALUES (%s, %s, 5)",
            [world.talk.pk.hex if connection.vendor == "sqlite" else world.talk.pk, TODAY],
        )
    tally.after_migrate(None, plan=[("a migration", False)])
    assert kept() == from_records() == {(world.talk.pk, AUTUMN_START): 30}


def test_a_day_before_today_sums_the_records(world, as_user):
    """The tally holds the whole term to date; a window ending yesterday must not count
    today's session (selectors._tallied)."""
    w = world
    alice = as_user(w.alice)
    save_on_my_day(alice, w.talk)
    save_on_my_day(alice, w.talk, date=YESTERDAY.isoformat(), minutes="20")
    got = {}
    for day in (YESTERDAY, TODAY):
        rows = selectors.tallies(selectors.windows_of([w.school.pk], day), day)
        got[day] = next(r[4] for r in rows if r[0] in (str(w.talk.pk), w.talk.pk.hex))
    assert got == {YESTERDAY: 20, TODAY: 50}


@pytest.fixture
def committed_world(transactional_db, now):
    return build_world()


def test_a_migration_that_rebuilds_a_table_keeps_the_tallies(committed_world):
    """On SQLite most column changes rebuild the table, which SQLite refuses while another
    table's trigger names it: migrate drops the triggers first and makes them again after
    (tally.before_migrate, after_migrate). The same steps, around such a change."""
    w = committed_world
    plan = [("a migration", False)]
    probe = models.BooleanField(default=False)
    probe.set_attributes_from_name("probe")
    tally.before_migrate(None, plan=plan)
    with connection.schema_editor() as editor:
        editor.add_field(Provision, probe)
        editor.add_field(Term, probe)
    with connection.schema_editor() as editor:
        editor.remove_field(Provision, probe)
        editor.remove_field(Term, probe)
    tally.after_migrate(None, plan=plan)
    _write(w, w.talk, TODAY, 30)
    assert kept() == from_records() == {(w.talk.pk, AUTUMN_START): 30}


def _write(w, provision, day, minutes):
    """A session record as any writer makes it (a console, a second program)."""
    session = Session.objects.create(
        school_id=provision.pupil.school_id, provision=provision, date=day, minutes=minutes,
        delivered=True, delivered_by=w.alice, recorded_by=w.alice, recorded_at=timezone.now(),
    )  # fmt: skip
    SessionPupil.objects.create(session=session, pupil=provision.pupil, provision=provision,
                                date=day, minutes=minutes, attendance="present")  # fmt: skip


def test_a_session_saved_while_its_term_is_moved_is_in_the_tally(committed_world):
    """Review 15: on PostgreSQL the term's new dates and the TA's record each read what was
    committed when they began, and the record was in neither sum. The school's lock makes
    one wait for the other (SQLite: one writer at a time)."""
    w = committed_world
    autumn = Term.objects.get(school=w.school, start=AUTUMN_START)
    autumn.end = YESTERDAY  # a typo: the term ended yesterday
    autumn.save()
    moved, recorded = threading.Event(), threading.Event()

    def the_end_put_back():
        with transaction.atomic():
            Term.objects.filter(pk=autumn.pk).update(end=dt.date(2026, 12, 18))
            moved.set()
            # Hold the change open while the TA saves: without the lock her save goes
            # through at once; with it, it waits for this commit (so: at most 2 s here).
            recorded.wait(2)

    def a_session_saved_today():
        moved.wait(10)
        with transaction.atomic():
            _write(w, w.talk, TODAY, 30)
        recorded.set()

    assert _at_once(the_end_put_back, a_session_saved_today) == []
    assert kept() == from_records() == {(w.talk.pk, AUTUMN_START): 30}
