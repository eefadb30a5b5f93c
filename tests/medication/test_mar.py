"""The MAR grid: a row per scheduled dose, a cell per day; what happened, and a missed
dose visible the same day once it is more than an hour late."""

import datetime as dt
import uuid

from sendesk.medication import mar
from sendesk.medication import services as med
from sendesk.medication.models import Medicine

from .conftest import at, count

NOV = dt.date(2026, 11, 1)


def _cells(w):
    grid = mar.mar_grid(w.ben, NOV)
    [row] = grid.rows
    return {c.day.day: c.state for c in row.cells}


def _record(w, when, **kw):
    return med.administration_record(
        actor=w.alice,
        client_id=uuid.uuid4(),
        medicine_id=w.lunch_med.pk,
        given_at=when,
        dose="1 tablet",
        due_at=at(12, 0, (when.date() - at(12).date()).days),
        **kw,
    )[0]


def test_a_missed_dose_shows_the_same_day_an_hour_after_it_was_due(world, now):
    w = world
    now.move_to(at(12, 30))
    assert _cells(w)[18] == "due"
    now.move_to(at(13, 0))
    assert _cells(w)[18] == "due"  # exactly an hour: not yet
    now.move_to(at(13, 1))
    assert _cells(w)[18] == "missed"
    _record(w, at(13, 1), outcome="given", witness_id=w.bob.pk)
    assert _cells(w)[18] == "given"


def test_the_month_greys_weekends_and_counts_missed_school_days(world, now):
    w = world
    Medicine.objects.filter(pk=w.lunch_med.pk).update(created=at(8, 0, -16))  # Mon 2 Nov
    now.move_to(at(12, 5, -1))
    _record(w, at(12, 5, -1), outcome="refused", reason="Spat it out")
    now.move_to(at(13, 30))
    cells = _cells(w)
    assert cells[1] == "closed"  # a Sunday
    assert cells[2] == "missed"  # the first school day after it was added
    assert (cells[7], cells[8]) == ("closed", "closed")
    assert cells[17] == "refused"
    assert cells[18] == "missed"
    assert cells[19] == "due"
    grid = mar.mar_grid(w.ben, NOV)
    assert grid.rows[0].counts["missed"] == 12  # 2–16 Nov (11 school days) and today
    assert [d.school_day for d in grid.days[:3]] == [False, True, True]


def test_as_needed_doses_are_listed_and_the_month_before_is_empty(world):
    w = world
    med.administration_record(
        actor=w.alice, client_id=uuid.uuid4(), medicine_id=w.inhaler.pk,
        given_at=at(9, 15), outcome="given", dose="2 puffs",
    )  # fmt: skip
    grid = mar.mar_grid(w.ben, NOV)
    assert [(d.medicine.name, d.dose) for d in grid.as_needed] == [("Salbutamol", "2 puffs")]
    october = mar.mar_grid(w.ben, dt.date(2026, 10, 1))
    assert october.rows == [] and october.as_needed == []  # nothing prescribed yet


def test_parse_month():
    today = dt.date(2026, 11, 18)
    assert mar.parse_month("", today) == (NOV, "")
    assert mar.parse_month("2026-09", today) == (dt.date(2026, 9, 1), "")
    for bad in ("2026-00", "2026-1", "November", "2026-12", "1999-12"):
        assert mar.parse_month(bad, today)[1]


def test_the_grid_costs_the_same_queries_whatever_it_holds(world, now):
    w = world
    _, empty = count(lambda: mar.mar_grid(w.ben, NOV))
    now.move_to(at(12, 5))
    _record(w, at(12, 5), outcome="given", witness_id=w.bob.pk)
    med.administration_record(
        actor=w.alice, client_id=uuid.uuid4(), medicine_id=w.inhaler.pk,
        given_at=at(9, 15), outcome="given", dose="2 puffs",
    )  # fmt: skip
    _, full = count(lambda: mar.mar_grid(w.ben, NOV))
    assert full == empty == 4


def test_pupil_medication_costs_the_same_queries_whatever_it_holds(world, as_user, api):
    w = world
    client = as_user(w.alice)
    url = f"/pupils/{w.ben.pk}/medication/"
    client.get(url)
    _, page_before = count(lambda: client.get(url))
    api.get(w.alice, f"/pupils/{w.ben.pk}/medication")
    _, api_before = count(lambda: api.get(w.alice, f"/pupils/{w.ben.pk}/medication"))
    for hour in (2, 7):
        med.administration_record(
            actor=w.alice, client_id=uuid.uuid4(), medicine_id=w.inhaler.pk,
            given_at=at(hour), outcome="given", dose="2 puffs",
        )  # fmt: skip
    Medicine.objects.create(
        pupil=w.ben, name="Paracetamol", form="liquid", strength="120 mg/5 ml", dose="5 ml",
        route="oral", times=["09:00"], storage="Office", expiry_date=dt.date(2027, 1, 1),
        stock=100, consent_by="Mrs Brown", consent_on=dt.date(2026, 9, 2),
    )  # fmt: skip
    _, page_after = count(lambda: client.get(url))
    _, api_after = count(lambda: api.get(w.alice, f"/pupils/{w.ben.pk}/medication"))
    assert (page_after, api_after) == (page_before, api_before)
