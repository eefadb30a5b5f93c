"""Publishing: one published plan a week, and the deployment scope follows it (dated
pupils.Deployment rows; hand-made rows stay; a re-publish replaces the plan's own)."""

import datetime as dt

from sendesk import access
from sendesk.deployment import services
from sendesk.pupils.models import Deployment

from .school import FRI, MON, WEEK, Small


def test_publish_supersedes_and_writes_the_scope(world, now):
    s = Small(world)
    ann = s.adult("Ann Able")
    bea = s.adult("Bea Bright", days="3")  # Wednesday only
    eve, sid = s.pupil("Eve"), s.pupil("Sid")
    s.provision(eve, "Eve's 1:1", hours=5, named_adult=ann)
    Deployment.objects.create(school=s.school, staff=bea, kind="one_to_one", pupil=sid, start=WEEK)
    first = services.publish(actor=s.senco, plan=s.plan())
    made = Deployment.objects.filter(made_by_plan=first.pk)
    days = [WEEK + dt.timedelta(days=i) for i in range(5)]
    assert set(made.values_list("staff", "pupil", "start", "end")) == {
        (ann.pk, eve.pk, day, day) for day in days
    }
    # The TA sees the pupil on the days the plan puts them together (the access layer
    # reads the rows, unchanged).
    assert eve in access.visible_pupils(ann, day=MON)
    assert eve not in access.visible_pupils(bea, day=MON)
    second = services.publish(actor=s.head, plan=s.plan())
    first.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "published")
    assert not Deployment.objects.filter(made_by_plan=first.pk).exists()
    assert Deployment.objects.filter(made_by_plan=second.pk).count() == 5
    # The hand-made deployment is untouched.
    assert Deployment.objects.filter(staff=bea, pupil=sid, made_by_plan__isnull=True).exists()


def test_a_plan_of_another_week_leaves_this_weeks_scope(world):
    s = Small(world)
    ann = s.adult("Ann Able")
    eve = s.pupil("Eve")
    s.provision(eve, "Eve's 1:1", hours=5)
    services.publish(actor=s.senco, plan=s.plan())
    nxt = services.plan_week(
        actor=s.senco, school_id=s.school.pk, week_start=WEEK + dt.timedelta(days=7)
    )
    services.publish(actor=s.senco, plan=nxt)
    assert Deployment.objects.filter(staff=ann, start__gte=MON, start__lte=FRI).count() == 5
    assert Deployment.objects.filter(staff=ann, start__gt=FRI).count() == 5
