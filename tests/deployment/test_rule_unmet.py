"""What cannot be met is listed, never dropped: on a school with too little staff for its
promises, every provision's minutes are either planned or listed as unmet with a rule and a
reason. And building the problem asks the database the same number of questions whatever
the school's size."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.deployment import problem as problems

from .school import WEEK, Small


def _owed_and_given(plan, prov):
    given = 0
    for a in plan.assignments.filter(provision=prov):
        start = dt.datetime.combine(a.date, a.start)
        given += int((dt.datetime.combine(a.date, a.end) - start).total_seconds() // 60)
    unmet = sum(plan.unmet.filter(provision=prov).values_list("minutes", flat=True))
    return given, unmet


def test_every_promised_minute_is_planned_or_listed(world):
    s = Small(world)
    s.adult("Ann Able", days="1234")
    s.adult("Bea Bright", days="2345", training=["medication"])
    provisions = [
        s.provision(s.pupil(f"P{i}"), f"1:1 {i}", hours=h, source=src)
        for i, (h, src) in enumerate([(15, "ehcp_f"), (10, "ehcp_f"), (5, "sen_support")])
    ] + [
        s.provision(
            s.pupil("Q"),
            "Reading",
            sessions=3,
            minutes=30,
            kind="group",
            source="sen_support",
            days="135",
        )  # fmt: skip
    ]
    plan = s.plan()
    for prov in provisions:
        given, unmet = _owed_and_given(plan, prov)
        assert given + unmet == prov.weekly_minutes, prov.title
    assert plan.unmet.exists()
    assert all(u.rule and u.reason for u in plan.unmet.all())


def test_building_the_problem_costs_the_same_queries_at_any_size(world):
    days = [WEEK + dt.timedelta(days=i) for i in range(5)]
    counts = []
    for size in (1, 4):
        s = Small(world)
        for i in range(size):
            s.adult(f"TA {i}", training=["medication"])
            s.provision(s.pupil(f"P{i}"), "1:1", hours=5)
            s.duty(f"Post {i}", "Lunch")
        with CaptureQueriesContext(connection) as ctx:
            problem = problems.build(s.school.pk, days)
        assert len(problem.adults) == size + 1
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
