"""Hand changes: a pinned or moved assignment is kept as it is by the next plan."""

import pytest
from django.http import Http404

from sendesk.audit.models import AuditEvent
from sendesk.deployment import services
from sendesk.lib.errors import ServiceError

from .school import MON, TUE, Small, cells


def _school(world):
    s = Small(world)
    ann, bea = s.adult("Ann Able"), s.adult("Bea Bright")
    eve = s.pupil("Eve")
    prov = s.provision(eve, "Eve's 1:1", hours=5)
    return s, ann, bea, prov


def test_a_moved_assignment_is_pinned_and_kept_by_the_next_plan(world):
    s, ann, bea, prov = _school(world)
    plan = s.plan()
    monday = plan.assignments.get(provision=prov, date=MON)
    other = bea if monday.staff_id == ann.pk else ann
    p3 = s.period(MON, "Period 3")
    if monday.period_id == p3.pk:
        p3 = s.period(MON, "Period 4")
    services.move(actor=s.senco, assignment=monday, staff_id=other.pk, period_id=p3.pk)
    monday.refresh_from_db()
    assert (monday.staff_id, monday.period_id, monday.pinned) == (other.pk, p3.pk, True)
    assert AuditEvent.objects.filter(object_type="deployment.assignment", action="update").exists()
    again = s.plan()
    kept = again.assignments.get(provision=prov, date=MON)
    assert (kept.staff_id, kept.period_id, kept.pinned) == (other.pk, p3.pk, True)
    assert len(cells(again, provision=prov)) == 5  # Monday's hour is the pinned one, not two


def test_pin_and_unpin(world):
    s, ann, bea, prov = _school(world)
    plan = s.plan()
    a = plan.assignments.filter(provision=prov).first()
    services.pin(actor=s.senco, assignment=a)
    assert s.plan().assignments.filter(pinned=True, staff_id=a.staff_id, date=a.date).exists()
    services.pin(actor=s.head, assignment=a, pinned=False)
    a.refresh_from_db()
    assert a.pinned is False


def test_bad_moves_are_refused_in_words(world):
    s, ann, bea, prov = _school(world)
    s.absent(bea, MON)
    plan = s.plan()
    monday = plan.assignments.get(provision=prov, date=MON)
    with pytest.raises(ServiceError) as e:
        services.move(actor=s.senco, assignment=monday, staff_id=bea.pk)
    assert "absent" in e.value.errors["staff_id"]
    with pytest.raises(ServiceError) as e:
        services.move(actor=s.senco, assignment=monday, staff_id=world.olga.pk)
    assert e.value.errors["staff_id"] == "Choose a member of staff at this school."
    with pytest.raises(ServiceError) as e:
        services.move(actor=s.senco, assignment=monday, period_id=s.period(TUE, "Period 1").pk)
    assert "Choose a period of Monday" in e.value.errors["period_id"]
    services.publish(actor=s.senco, plan=plan)
    # A newer published plan replaces it: the old one's assignments are history now.
    services.publish(actor=s.senco, plan=s.plan())
    monday.refresh_from_db()
    with pytest.raises(ServiceError) as e:
        services.move(actor=s.senco, assignment=monday, staff_id=ann.pk)
    assert "has been replaced" in e.value.errors["__all__"]


def test_a_teaching_assistant_cannot_plan(world):
    s, ann, bea, prov = _school(world)
    with pytest.raises(Http404):
        services.plan_week(actor=ann, school_id=s.school.pk, week_start=MON)
    plan = s.plan()
    with pytest.raises(Http404):
        services.pin(actor=world.senco, assignment=plan.assignments.first())  # another school
