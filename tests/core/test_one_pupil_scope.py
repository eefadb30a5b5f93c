"""access.get_scoped asks one record's pupil the scope rules directly (not through the
whole visible_pupils query). It must answer exactly as visible_pupils does, for every role
and every way into a scope: deployed 1:1, through a supported group, teaching the group,
the whole school; and not through a deployment that has ended or not begun, a group taught
at a school where the teacher holds no teaching role, or a school where one holds no role."""

import datetime as dt

import pytest
from django.http import Http404

from sendesk import access
from sendesk.plans.models import Target
from sendesk.pupils.models import Deployment, Pupil, Strategy
from sendesk.schools.models import Role, StaffRole, TeachingGroup
from tests.world import AUTUMN_START, TODAY


def _edge_cases(w):
    """Scopes the shared world lacks, each one way in or out."""
    yesterday, tomorrow = TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=1)
    # Bob: 1:1 to Cara until yesterday, to Dan from tomorrow, key adult to Olly at the
    # other school (where he holds no role: still out), and supports 3A through a group
    # deployment that has ended.
    Deployment.objects.create(
        school=w.school, staff=w.bob, kind="one_to_one", pupil=w.cara, start=AUTUMN_START,
        end=yesterday,
    )  # fmt: skip
    Deployment.objects.create(
        school=w.school, staff=w.bob, kind="one_to_one", pupil=w.dan, start=tomorrow
    )
    Deployment.objects.create(
        school=w.other, staff=w.bob, kind="key_adult", pupil=w.olly, start=AUTUMN_START
    )
    Deployment.objects.create(
        school=w.school, staff=w.bob, kind="group", teaching_group=w.g3a,
        start=AUTUMN_START, end=yesterday,
    )  # fmt: skip
    # Tom teaches 4B here and also teaches 3O at the other school, where he is a TA only:
    # teaching a group counts only where he holds the teacher's role.
    w.og.teachers.add(w.tom)
    StaffRole.objects.create(user=w.tom, school=w.other, role=Role.TA)
    # Olga: SENCO at the other school and a teacher here (3A): whole school there, taught
    # pupils here.
    StaffRole.objects.create(user=w.olga, school=w.school, role=Role.TEACHER)
    w.g3a.teachers.add(w.olga)
    # Hana also supports a group of the other school, where she holds no role.
    other_group = TeachingGroup.objects.create(school=w.other, name="3P")
    w.olly.teaching_groups.add(other_group)
    Deployment.objects.create(
        school=w.other, staff=w.hana, kind="group", teaching_group=other_group,
        start=AUTUMN_START,
    )  # fmt: skip


PEOPLE = ("senco", "head", "dsl", "tess", "tom", "alice", "bob", "hana", "olga", "nobody",
          "theo", "pat")  # fmt: skip


@pytest.mark.parametrize("edges", [False, True], ids=["world", "edge cases"])
def test_one_record_answers_as_visible_pupils(world, edges):
    w = world
    if edges:
        _edge_cases(w)
    strategies = {
        p.pk: Strategy.objects.create(pupil=p, text="Visual timetable") for p in Pupil.objects.all()
    }
    seen_somewhere = set()
    for name in PEOPLE:
        user = getattr(w, name)
        visible = set(access.visible_pupils(user).values_list("pk", flat=True))
        for pupil_id, strategy in strategies.items():
            try:
                access.get_scoped(user, Strategy.objects.all(), strategy.pk)
                found = True
            except Http404:
                found = False
            assert found == (pupil_id in visible), (name, str(pupil_id))
            if found:
                seen_somewhere.add((name, pupil_id))
    # The comparison means something: some people see some pupils and not others.
    assert (("alice", w.ben.pk) in seen_somewhere) and (("alice", w.cara.pk) not in seen_somewhere)
    if edges:
        assert ("bob", w.cara.pk) not in seen_somewhere  # ended yesterday
        assert ("bob", w.dan.pk) not in seen_somewhere  # starts tomorrow
        assert ("bob", w.olly.pk) not in seen_somewhere  # no role at that school
        assert ("tom", w.olly.pk) not in seen_somewhere  # a TA there, not deployed
        assert {("olga", w.olly.pk), ("olga", w.ben.pk)} <= seen_somewhere
        assert ("olga", w.cara.pk) not in seen_somewhere


def test_a_nested_pupil_path_is_scoped_too(world):
    """pupil_field may run through another record (a target's plan's pupil)."""
    w = world
    targets = Target.objects.all()
    assert access.get_scoped(w.alice, targets, w.t1.pk, pupil_field="plan__pupil") == w.t1
    for outsider in (w.bob, w.tom, w.olga, w.nobody, w.pat, w.theo):
        with pytest.raises(Http404):
            access.get_scoped(outsider, targets, w.t1.pk, pupil_field="plan__pupil")
