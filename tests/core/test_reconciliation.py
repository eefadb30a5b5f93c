import datetime as dt
import uuid

import pytest

from sendesk.provision import selectors
from sendesk.provision.models import Provision
from sendesk.provision.selectors import explain, reconcile, shortfalls
from sendesk.provision.services import PupilRecord, session_record
from sendesk.schools.calendar import Calendar
from sendesk.schools.models import Closure

from ..world import AUTUMN_START, TODAY


def school_days(start, end, weekdays, closed):
    day, n = start, 0
    while day <= end:
        if str(day.isoweekday()) in weekdays and day not in closed:
            n += 1
        day += dt.timedelta(days=1)
    return n


def figures(w):
    qs = Provision.objects.filter(pupil=w.ben).select_related("pupil").order_by("title")
    return {f.provision.title: f for f in reconcile(qs, TODAY)}


def test_promised_counts_school_days_to_date_only(world):
    half_term = {dt.date(2026, 10, 26) + dt.timedelta(days=i) for i in range(5)}
    f = figures(world)
    assert f["Talk Boost"].promised_week == 3 * 30  # Mon–Wed of this week
    assert f["Precision teaching"].promised_week == 2 * 20  # Mon and Wed
    assert f["Talk Boost"].promised_term == 30 * school_days(
        AUTUMN_START, TODAY, "12345", half_term
    )
    assert f["Precision teaching"].promised_term == 20 * school_days(
        AUTUMN_START, TODAY, "135", half_term
    )
    assert f["Talk Boost"].delivered_term == 0


def test_training_day_is_not_owed(world):
    before = figures(world)["Talk Boost"].promised_week
    Closure.objects.create(
        school=world.school,
        kind="training",
        name="INSET",
        start=dt.date(2026, 11, 16),
        end=dt.date(2026, 11, 16),
    )
    assert figures(world)["Talk Boost"].promised_week == before - 30


# Missed sessions are counted from the provisions' records for a few provisions and from
# the school's missed sessions for many: both ways must give the same figures.
@pytest.mark.parametrize("few", [40, 0], ids=["from the records", "from missed sessions"])
def test_delivered_partial_and_missed_sessions_count_as_recorded(
    world, django_assert_num_queries, monkeypatch, few
):
    monkeypatch.setattr(selectors, "FEW_PROVISIONS", few)
    w = world

    def record(day, attendance="present", delivered=True, reason="", minutes=None):
        pupils = (
            [PupilRecord(pupil_id=w.ben.pk, attendance=attendance, minutes=minutes)]
            if delivered
            else []
        )
        session_record(
            actor=w.alice,
            client_id=uuid.uuid4(),
            provision_id=w.talk.pk,
            date=day,
            minutes=30,
            delivered=delivered,
            missed_reason=reason,
            pupils=pupils,
        )

    record(dt.date(2026, 11, 16))
    record(dt.date(2026, 11, 17), attendance="partial", minutes=10)
    record(dt.date(2026, 11, 18), delivered=False, reason="staff_absent")
    record(dt.date(2026, 11, 9), attendance="refused")
    record(dt.date(2026, 11, 10), delivered=False, reason="trip")
    # The calendar is one query (the term and closure dates: schools.calendar).
    with django_assert_num_queries(4):  # provisions, calendar, sums (2)
        talk = figures(w)["Talk Boost"]
    assert (talk.delivered_week, talk.delivered_term) == (40, 40)
    assert talk.missed == {"staff_absent": 1, "trip": 1}
    assert talk.shortfall_week == 50


def test_shortfall_list_is_worst_first_and_ignores_ended_provision(world):
    w = world
    w.precision.end = dt.date(2026, 9, 30)
    w.precision.save()
    rows = shortfalls(w.school.pk, TODAY)
    assert [r.provision.title for r in rows] == ["Talk Boost"]
    assert rows[0].shortfall_term == rows[0].promised_term


def test_calendar_knows_weekends_holidays_and_terms(world):
    cal = Calendar.load(world.school.pk, dt.date(2026, 9, 1), dt.date(2027, 1, 10))
    assert cal.is_school_day(TODAY)
    assert not cal.is_school_day(dt.date(2026, 11, 21))  # Saturday
    assert not cal.is_school_day(dt.date(2026, 10, 28))  # half term
    assert not cal.is_school_day(dt.date(2026, 12, 25))  # Christmas holiday, between terms
    assert not cal.is_school_day(dt.date(2026, 9, 2))  # before term
    assert cal.is_school_day(dt.date(2027, 1, 5))


def test_records_path_gives_the_aggregates_figures_and_keeps_the_records(
    world, django_assert_num_queries
):
    # The pupil page asks reconcile(records=True): one query of the session records
    # instead of the two aggregates. Its figures must be those of the aggregates.
    w = world
    for day, delivered, reason, attendance, minutes in (
        (dt.date(2026, 11, 16), True, "", "present", None),
        (dt.date(2026, 11, 17), True, "", "partial", 10),
        (dt.date(2026, 11, 18), False, "staff_absent", "", None),
        (dt.date(2026, 11, 10), False, "trip", "", None),
        (dt.date(2026, 11, 11), False, "trip", "", None),
        (dt.date(2026, 11, 12), True, "", "absent", None),
    ):
        session_record(
            actor=w.alice,
            client_id=uuid.uuid4(),
            provision_id=w.talk.pk,
            date=day,
            minutes=30,
            delivered=delivered,
            missed_reason=reason,
            pupils=[PupilRecord(pupil_id=w.ben.pk, attendance=attendance, minutes=minutes)]
            if delivered
            else [],
        )
    provisions = list(Provision.objects.filter(pupil=w.ben).select_related("pupil"))
    summed = reconcile(provisions, TODAY)
    with django_assert_num_queries(2):  # calendar, records
        held = reconcile(provisions, TODAY, records=True)

    def shown(f):
        return (
            f.provision.title,
            f.promised_week,
            f.delivered_week,
            f.promised_term,
            f.delivered_term,
            f.missed,
        )

    assert [shown(f) for f in held] == [shown(f) for f in summed]
    talk = next(f for f in held if f.provision == w.talk)
    assert (talk.delivered_week, talk.delivered_term) == (40, 40)
    assert talk.missed == {"staff_absent": 1, "trip": 2}
    assert all(f.records is None for f in summed)
    # The records reconcile() keeps read as the ones explain() fetches itself.
    fetched = selectors._session_records([f.provision.pk for f in held], held[0].term_start, TODAY)
    assert {f.provision.pk: f.records for f in held if f.records} == dict(fetched)
    assert len(talk.records) == 6
    # explain() reads the records held, no query of its own, and explains the same.
    with django_assert_num_queries(0):
        explain(held)
    explain(summed)
    assert [f.explained for f in held] == [f.explained for f in summed]
    assert talk.explained.missed == {"trip": 60, "staff_absent": 30, "pupil_absent": 30}
