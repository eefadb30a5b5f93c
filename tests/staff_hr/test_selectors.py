"""The contract and line-management reads other apps build on (the planner, timetables,
appraisal): what they answer and what they cost."""

import datetime as dt

from sendesk.schools import capabilities
from sendesk.staff import access, records
from sendesk.staff.models import StaffMember, WorkingDay

MONDAY = dt.date(2026, 11, 16)


def test_contract_minutes_follow_the_pattern(world, hr, django_assert_num_queries):
    WorkingDay.objects.filter(member=hr.bob, weekday=3).delete()
    bob = records.members(StaffMember.objects.filter(pk=hr.bob.pk))[0]
    with django_assert_num_queries(0):
        assert records.contract_minutes(bob, 1) == 7 * 60
        assert records.contract_minutes(bob, 3) == 0
        assert records.pattern_minutes(bob) == 4 * 7 * 60


def test_contracted_on_a_day(world, hr, django_assert_num_queries):
    WorkingDay.objects.filter(member=hr.bob, weekday=3).delete()
    hr.tom.left_on = dt.date(2026, 11, 17)
    hr.tom.save()
    with django_assert_num_queries(1):
        wednesday = records.contracted_on(world.school.pk, MONDAY + dt.timedelta(days=2))
    assert world.alice.pk in wednesday and world.bob.pk not in wednesday
    assert world.tom.pk not in wednesday  # left the day before
    assert wednesday[world.alice.pk] == (dt.time(8, 30), dt.time(15, 30))
    assert world.tom.pk in records.contracted_on(world.school.pk, MONDAY)
    assert records.contracted_on(world.school.pk, MONDAY + dt.timedelta(days=5)) == {}


def test_line_managed_and_levels(world, hr, django_assert_num_queries):
    # The roles are read once per request (every request asks them first); then one query.
    capabilities.roles_of(world.hana)
    with django_assert_num_queries(1):
        assert access.line_managed(world.hana, world.school.pk) == {world.alice.pk, world.bob.pk}
    assert access.line_managed(world.alice, world.school.pk) == set()
    assert access.line_managed(world.hana, world.other.pk) == set()
    assert access.level_for(world.hana, hr.alice) == access.WORKING
    assert access.level_for(world.alice, hr.alice) == access.OWN
    assert access.level_for(world.alice, hr.bob) is None
    assert access.level_for(world.senco, hr.tess) == access.WORKING
    assert access.level_for(world.head, hr.tess) == access.FULL
    assert access.level_for(world.head, hr.hana_other) is None
    assert access.level_for(world.dsl, hr.alice) is None
