"""Everyone gets a break, and duty posts get their adults."""

import datetime as dt

from .school import Small, cells, unmet


def test_duty_posts_get_their_adults_and_nobody_loses_every_break(world):
    s = Small(world)
    for name in ("Ann Able", "Bea Bright", "Cal Clever", "Dee Dee"):
        s.adult(name)
    yard = s.duty("Playground", "Break", adults=2)
    hall = s.duty("Dining hall", "Lunch", adults=2)
    plan = s.plan()
    for post, period in ((yard, "Break"), (hall, "Lunch")):
        rows = plan.assignments.filter(duty_post=post, kind="duty")
        assert rows.count() == 10  # two adults, five days
        assert {a.period.name for a in rows} == {period}
    # Each adult on each day keeps a break or lunch free, written as their own break.
    for name in ("Ann Able", "Bea Bright", "Cal Clever", "Dee Dee"):
        for day in range(5):
            date = plan.week_start + dt.timedelta(days=day)
            mine = cells(plan, date=date, staff__full_name=name, kind="break")
            assert len(mine) >= 1, (name, date)


def test_two_adults_share_two_duties_each_keeping_a_break(world):
    s = Small(world)
    s.adult("Ann Able")
    s.adult("Bea Bright")
    s.duty("Playground", "Break")
    s.duty("Dining hall", "Lunch")
    plan = s.plan()
    assert len(cells(plan, kind="duty")) == 10  # both posts, every day
    for name in ("Ann Able", "Bea Bright"):
        # One duty a day each: the other period is their break.
        assert len(cells(plan, kind="duty", staff__full_name=name)) == 5
        assert len(cells(plan, kind="break", staff__full_name=name)) == 5
    assert unmet(plan) == []


def test_a_long_day_keeps_two_free_periods(world):
    s = Small(world)
    s.adult("Ann Able", start=dt.time(8, 0), end=dt.time(16, 0))
    s.duty("Playground", "Break")
    eve = s.pupil("Eve")
    s.provision(eve, "Eve's 1:1", hours=20)  # every lesson
    plan = s.plan()
    for day in range(5):
        date = plan.week_start + dt.timedelta(days=day)
        worked = plan.assignments.filter(date=date).exclude(kind="break").count()
        # Six periods in a day over six hours long: two stay free.
        assert worked == 4, date


def test_a_post_left_short_is_listed_with_its_reason(world):
    s = Small(world)
    s.adult("Ann Able")
    s.duty("Dining hall", "Lunch", adults=2)
    plan = s.plan()
    rows = unmet(plan)
    # Terry Teacher keeps lunch free (he teaches every lesson of a long day).
    assert len(rows) == 5 and rows[0]["pupil_id"] is None and rows[0]["minutes"] == 50
    assert rows[0]["rule"] == "breaks"
    assert "Monday lunch" in rows[0]["reason"] and "Dining hall" in rows[0]["reason"]
