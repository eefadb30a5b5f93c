"""The demo's trip: next school week, on a school day, with a pupil who carries an
inhaler, a first-aider and a medication-trained adult; every check passes."""

import datetime as dt

from sendesk.demo.oakfield import demo_school
from sendesk.medication.models import Medicine
from sendesk.schools.calendar import school_calendar
from sendesk.visits.checks import TripFacts, medicines_to_take, run_checks
from sendesk.visits.models import Trip
from tests.world import TODAY


def test_the_demo_has_a_trip_next_week_with_an_inhaler_and_every_check_passing(seeded):
    school = demo_school()
    [trip] = Trip.objects.filter(school=school)
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    assert monday + dt.timedelta(days=7) <= trip.date < monday + dt.timedelta(days=14)
    assert school_calendar(school.pk).is_school_day(trip.date)
    facts = TripFacts.of(trip)
    to_take = medicines_to_take(facts)
    assert any(t.medicine.form == Medicine.Form.INHALER for t in to_take)
    checks = {c.rule: c for c in run_checks(facts, to_take)}
    assert all(c.ok for c in checks.values()), {r: c.detail for r, c in checks.items()}
    assert "Salbutamol" in checks["medicines"].detail
    assert checks["first_aider"].detail.startswith("First aider: ")
