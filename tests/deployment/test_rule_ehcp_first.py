"""EHC plan section F hours come before SEN support: one TA, two pupils wanting the same
hours; the EHC plan's are met, the SEN support's are listed as unmet with the reason."""

from .school import MON, Small, cells, unmet


def test_ehc_plan_hours_are_met_before_sen_support(world):
    s = Small(world)
    s.adult("Ann Able")
    eve = s.pupil("Eve")
    sid = s.pupil("Sid")
    ehcp = s.provision(eve, "Eve's 1:1", hours=20, source="ehcp_f")  # 4 h a day: every lesson
    sen = s.provision(sid, "Sid's 1:1", hours=5, source="sen_support")
    plan = s.plan()
    got = cells(plan, provision=ehcp)
    assert len(got) == 20  # four lessons a day, five days
    assert {c[0] for c in got} == {"Ann Able"}
    assert not plan.assignments.filter(provision=sen).exists()
    rows = unmet(plan)
    assert [(r["date"], r["minutes"], r["rule"]) for r in rows][0] == (MON, 60, "capacity")
    assert all(r["pupil_id"] == sid.pk for r in rows)
    assert sum(r["minutes"] for r in rows) == 300
    assert "EHC plan hours" in rows[0]["reason"]
    assert plan.optimal
