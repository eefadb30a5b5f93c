"""The EEF dosage check on its own: planned and received, judged against 20-50 minutes,
3-5 a week, 8-20 weeks, on the school's calendar (half term does not count)."""

import datetime as dt

from sendesk.assessment import dosage
from sendesk.schools.calendar import school_calendar


def test_planned_and_received_against_the_guidance(world, reading):
    calendar = school_calendar(world.school.pk)
    planned = dosage.planned(reading.ben, calendar)
    assert (planned.minutes_per_session, planned.sessions_per_week, planned.weeks) == (30, 3.0, 14)
    assert planned.within_guidance is True
    short = dosage.delivered(
        6, 90, dt.date(2026, 9, 7), dt.date(2026, 10, 2), calendar, finished=True
    )
    assert short.minutes_per_session == 15 and short.weeks == 4
    assert short.outside == [
        "Received 15-minute sessions: shorter than 20–50 minutes",
        "Received 1.5 sessions a week: fewer than 3–5",
        "Received 4 weeks: shorter than 8–20",
    ]
    running = dosage.delivered(
        12, 360, dt.date(2026, 9, 7), dt.date(2026, 10, 2), calendar, finished=False
    )
    assert running.within_guidance is True  # 4 weeks so far is not yet short
    nothing = dosage.delivered(0, 0, None, None, calendar, finished=False)
    assert nothing.within_guidance is None


def test_half_term_does_not_thin_the_week(world):
    calendar = school_calendar(world.school.pk)
    # 19 October to 6 November: three calendar weeks, two school weeks (half term between).
    d = dosage.delivered(6, 180, dt.date(2026, 10, 19), dt.date(2026, 11, 6), calendar,
                         finished=False)  # fmt: skip
    assert (d.weeks, d.sessions_per_week) == (2, 3.0)
