"""Provision keeps its days and its time of day."""

import datetime as dt

from .school import THU, TUE, Small, cells, unmet


def test_days_and_afternoon_are_kept(world):
    s = Small(world)
    s.adult("Ann Able")
    eve = s.pupil("Eve")
    prov = s.provision(
        eve, "Lego therapy", sessions=2, minutes=30, days="24", kind="group",
        time_of_day="afternoon",
    )  # fmt: skip
    plan = s.plan()
    assert cells(plan, provision=prov) == {
        ("Ann Able", TUE, "Period 4", "group"),
        ("Ann Able", THU, "Period 4", "group"),
    }
    # A 30-minute session in a 60-minute period: the assignment is the session.
    a = plan.assignments.filter(provision=prov).first()
    assert (a.start, a.end) == (dt.time(13, 10), dt.time(13, 40))
    assert unmet(plan) == []


def test_morning_provision_stays_in_the_morning(world):
    s = Small(world)
    s.adult("Ann Able")
    eve = s.pupil("Eve")
    prov = s.provision(eve, "Reading", sessions=5, minutes=60, time_of_day="morning")
    plan = s.plan()
    periods = {c[2] for c in cells(plan, provision=prov)}
    assert periods <= {"Period 1", "Period 2", "Period 3"} and len(cells(plan, provision=prov)) == 5
