"""Every dated Deployment row a published plan writes, ends or takes over has its own audit
row, written with the plan's (the trail is what says who could read a pupil on which day),
and a hand move's break taken away is audited too. Publishing costs the same number of
queries however many rows it writes."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.audit.models import AuditEvent
from sendesk.deployment.models import Assignment, Plan
from sendesk.pupils.models import Deployment

from .school import TUE, Small

DEPLOYMENT = "pupils.deployment"


def _trail(action, object_type=DEPLOYMENT):
    return {
        e.object_id: e for e in AuditEvent.objects.filter(object_type=object_type, action=action)
    }


def _publish(client, plan):
    return client.post(f"/deployment/plans/{plan.pk}/publish/")


def test_each_scope_row_published_is_audited_with_its_pupil(world, as_user):
    s = Small(world)
    ann = s.adult("Ann Able")
    eve = s.pupil("Eve")
    s.provision(eve, "Eve's 1:1", hours=5, named_adult=ann)
    client = as_user(s.senco)
    plan = s.plan()
    assert _publish(client, plan).status_code == 302
    made = list(Deployment.objects.filter(made_by_plan=plan.pk))
    assert len(made) == 5
    created = _trail("create")
    assert set(created) == {str(d.pk) for d in made}
    for d in made:
        row = created[str(d.pk)]
        assert (row.actor_id, row.school_id, row.pupil_id) == (s.senco.pk, s.school.pk, eve.pk)
        assert row.after["staff_id"] == ann.pk and row.after["start"] == d.start.isoformat()
    # The same week planned again and published: the rows it shares are handed to the new
    # plan (one change each, audited), nothing is deleted and written again.
    second = s.plan()
    assert _publish(client, second).status_code == 302
    assert Plan.objects.get(pk=plan.pk).status == "superseded"
    handed = _trail("update")
    assert set(handed) == {str(d.pk) for d in made}
    assert {e.after["made_by_plan"] for e in handed.values()} == {second.pk}
    assert not _trail("delete")
    assert Deployment.objects.filter(made_by_plan=second.pk).count() == 5


def test_a_move_on_the_published_plan_audits_the_rows_ended_and_made(world, as_user):
    s = Small(world)
    ann, bea = s.adult("Ann Able"), s.adult("Bea Bright")
    eve = s.pupil("Eve")
    s.provision(eve, "Eve's 1:1", hours=1, days="2", named_adult=None)
    client = as_user(s.senco)
    plan = s.plan()
    assert _publish(client, plan).status_code == 302
    support = plan.assignments.get(kind="support", date=TUE)
    other = bea if support.staff_id == ann.pk else ann
    old = Deployment.objects.get(made_by_plan=plan.pk, staff_id=support.staff_id, start=TUE)
    # The other adult's break in that period (if the planner put one there) goes.
    brk = Assignment.objects.create(
        plan=plan, staff=other, date=TUE, period=support.period, start=support.start,
        end=support.end, kind="break",
    )  # fmt: skip
    response = client.post(f"/deployment/assignments/{support.pk}/move/", {"staff": other.pk})
    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=brk.pk).exists()
    gone = _trail("delete", "deployment.assignment")[str(brk.pk)]
    assert gone.before["kind"] == "break" and gone.before["staff_id"] == other.pk
    assert gone.actor_id == s.senco.pk and gone.school_id == s.school.pk
    ended = _trail("delete")[str(old.pk)]
    assert ended.before["staff_id"] == support.staff_id and ended.pupil_id == eve.pk
    new = Deployment.objects.get(made_by_plan=plan.pk, staff=other, start=TUE)
    assert _trail("create")[str(new.pk)].after["staff_id"] == other.pk


def _publish_queries(world, as_user, pupils):
    s = Small(world)
    for n in range(pupils):
        ann = s.adult(f"Adult {n}")
        s.provision(s.pupil(f"P{n}"), f"1:1 {n}", hours=5, named_adult=ann)
    plan = s.plan()
    client = as_user(s.senco)
    with CaptureQueriesContext(connection) as queries:
        assert _publish(client, plan).status_code == 302
    assert Deployment.objects.filter(made_by_plan=plan.pk).count() == 5 * pupils
    return len(queries)


def test_publishing_costs_the_same_queries_for_five_rows_or_forty(world, as_user):
    assert _publish_queries(world, as_user, 1) == _publish_queries(world, as_user, 8)
