"""Nobody works outside their contract pattern: a TA contracted Monday to Wednesday, and
outside her hours on those days."""

import datetime as dt

from .school import FRI, THU, Small, cells, unmet


def test_nobody_is_deployed_outside_their_pattern(world):
    s = Small(world)
    s.adult("Ann Able", days="123", start=dt.time(9, 0), end=dt.time(12, 20))
    eve = s.pupil("Eve")
    prov = s.provision(eve, "Eve's 1:1", hours=5)
    plan = s.plan()
    got = cells(plan, provision=prov)
    assert len(got) == 3
    assert {c[1].isoweekday() for c in got} == {1, 2, 3}
    assert {c[2] for c in got} <= {"Period 1", "Period 2", "Period 3"}
    rows = unmet(plan)
    assert [(r["date"], r["rule"]) for r in rows] == [(THU, "contract"), (FRI, "contract")]
    assert rows[0]["reason"] == "no adult is contracted to work on Thursday (Eve's 1:1)"
