"""A provision that names a TA gets that TA, and only that TA: when she is away, the hours
are unmet with her name in the reason, though another TA is free."""

from .school import TUE, Small, cells, unmet


def test_the_named_ta_gives_the_hours(world):
    s = Small(world)
    s.adult("Ann Able")
    s.adult("Bea Bright")
    s.adult("Cal Clever")
    eve = s.pupil("Eve")
    bea = s.adult("Bea Named")
    prov = s.provision(eve, "Eve's 1:1", hours=5, named_adult=bea)
    plan = s.plan()
    got = cells(plan, provision=prov)
    assert len(got) == 5
    assert {c[0] for c in got} == {"Bea Named"}
    assert unmet(plan) == []


def test_when_the_named_ta_is_away_the_hours_are_unmet_not_given_to_another(world):
    s = Small(world)
    s.adult("Ann Able")
    eve = s.pupil("Eve")
    bea = s.adult("Bea Named")
    s.absent(bea, TUE)
    prov = s.provision(eve, "Eve's 1:1", hours=5, named_adult=bea)
    plan = s.plan()
    assert {c[0] for c in cells(plan, provision=prov)} == {"Bea Named"}
    assert not plan.assignments.filter(provision=prov, date=TUE).exists()
    [row] = unmet(plan)
    assert (row["date"], row["minutes"], row["rule"]) == (TUE, 60, "absence")
    assert row["reason"] == "Bea Named, named in the plan, is absent on Tuesday (Eve's 1:1)"


def test_a_named_adult_who_does_not_work_that_day_is_the_reason(world):
    from sendesk.staff.models import WorkingDay

    s = Small(world)
    s.adult("Ann Able")
    bea = s.adult("Bea Named")
    WorkingDay.objects.filter(member__user=bea, weekday=2).delete()
    eve = s.pupil("Eve", "Brown")
    s.provision(eve, "Eve's 1:1", hours=5, named_adult=bea)
    plan = s.plan()
    [row] = plan.unmet.filter(date=TUE).values("rule", "reason")
    assert row["reason"] == (
        "Bea Named, named in the plan, is not contracted to work on Tuesday (Eve's 1:1)"
    )
