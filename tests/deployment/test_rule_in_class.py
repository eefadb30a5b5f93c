"""1:1 in-class support goes where the pupil's class is: in the class's lessons, with the
class named on the assignment; hours beyond the class's lessons are unmet, saying so."""

from sendesk.schools.models import TeachingGroup

from .school import MON, Small, cells, unmet


def test_one_to_one_hours_follow_the_class_timetable(world):
    s = Small(world)
    s.adult("Ann Able")
    group = TeachingGroup.objects.create(school=s.school, name="3T", year_group=s.year)
    s.class_lessons(group, "Period 2", "Period 3")
    eve = s.pupil("Eve", group=group)
    prov = s.provision(eve, "Eve's 1:1", hours=15)  # 3 h a day; her class has 2 lessons
    plan = s.plan()
    got = cells(plan, provision=prov)
    assert {c[2] for c in got} == {"Period 2", "Period 3"} and len(got) == 10
    assert set(
        plan.assignments.filter(provision=prov).values_list("teaching_group", flat=True)
    ) == {group.pk}
    rows = unmet(plan)
    assert len(rows) == 5 and {r["rule"] for r in rows} == {"timetable"}
    assert rows[0]["date"] == MON and rows[0]["minutes"] == 60
    assert "only 2 period(s) allowed on Monday" in rows[0]["reason"]
