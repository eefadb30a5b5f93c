"""A pupil leaves mid-week and the SENCO plans the week again (a TA is off): the plan
publishes for everyone else, and nobody is deployed to the leaver from their leaving day.
(Found by the second review of issue 12.)"""

from sendesk.deployment import services
from sendesk.pupils import leavers
from sendesk.pupils.models import Deployment
from tests.deployment.school import TUE, Small


def test_republishing_the_week_after_a_pupil_left_midweek(world, now):
    s = Small(world)
    ann = s.adult("Ann Able")
    eve, sid = s.pupil("Eve"), s.pupil("Sid")
    s.provision(eve, "Eve's 1:1", hours=5, named_adult=ann)
    s.provision(sid, "Sid's 1:1", hours=5)
    services.publish(actor=s.senco, plan=s.plan())
    assert Deployment.objects.filter(pupil=eve, start__gte=TUE, made_by_plan__isnull=False)
    leavers.pupil_leave(actor=s.senco, pupil=eve, data={"left_on": TUE, "reason": "transfer"})
    services.publish(actor=s.senco, plan=s.plan())
    assert not Deployment.objects.filter(pupil=eve, start__gte=TUE, made_by_plan__isnull=False)
    assert Deployment.objects.filter(pupil=sid, start__gte=TUE, made_by_plan__isnull=False)
