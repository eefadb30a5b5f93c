"""Nobody is in two places: one TA, two pupils wanting the same single period."""

from django.db.models import Count

from sendesk.schools.models import TeachingGroup

from .school import Small, cells, unmet


def test_an_adult_is_in_one_place_a_period(world):
    s = Small(world)
    s.adult("Ann Able")
    group = TeachingGroup.objects.create(school=s.school, name="3T", year_group=s.year)
    s.class_lessons(group, "Period 1")
    eve, sid = s.pupil("Eve", group=group), s.pupil("Sid", group=group)
    a = s.provision(eve, "Eve's 1:1", hours=5)
    b = s.provision(sid, "Sid's 1:1", hours=5)
    plan = s.plan()
    assert len(cells(plan, provision=a)) + len(cells(plan, provision=b)) == 5
    twice = (
        plan.assignments.values("staff", "date", "period").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert not twice.exists()
    rows = unmet(plan)
    assert sum(r["minutes"] for r in rows) == 300
    assert {r["rule"] for r in rows} == {"capacity"}
