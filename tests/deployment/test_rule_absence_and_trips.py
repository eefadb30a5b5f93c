"""Nobody is deployed while absent (StaffAbsence) or on an educational visit (its hours)."""

import datetime as dt

from django.utils import timezone

from sendesk.visits.models import Trip

from .school import TUE, WED, Small, cells, unmet


def test_nobody_is_deployed_while_absent(world):
    s = Small(world)
    ann = s.adult("Ann Able")
    s.absent(ann, TUE)
    eve = s.pupil("Eve")
    prov = s.provision(eve, "Eve's 1:1", hours=5)
    plan = s.plan()
    assert TUE not in {c[1] for c in cells(plan, provision=prov)}
    assert not plan.assignments.filter(staff=ann, date=TUE).exists()  # no break either
    [row] = unmet(plan)
    assert (row["date"], row["rule"]) == (TUE, "absence")
    assert row["reason"] == "every adult working on Tuesday is absent (Eve's 1:1)"


def test_nobody_is_deployed_during_their_trip(world):
    s = Small(world)
    ann = s.adult("Ann Able", end=dt.time(14, 10))  # under six hours: one free period
    eve = s.pupil("Eve")
    prov = s.provision(eve, "Eve's 1:1", hours=20)  # every lesson
    trip = Trip.objects.create(
        school=s.school, date=WED, start=dt.time(9, 0), end=dt.time(12, 0),
        destination="Museum", created_by=s.senco, created_at=timezone.now(),
    )  # fmt: skip
    trip.staff.add(ann)
    plan = s.plan()
    wednesday = {c[2] for c in cells(plan, provision=prov) if c[1] == WED}
    assert wednesday == {"Period 4"}
    [row] = unmet(plan)
    assert (row["date"], row["minutes"], row["rule"]) == (WED, 180, "trip")
    assert row["reason"] == (
        "every adult working on Wednesday is on an educational visit (Eve's 1:1)"
    )
