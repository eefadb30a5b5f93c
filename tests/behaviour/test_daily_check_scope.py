"""The daily check's notice about parents not told of a restrictive intervention names the
pupil, so it goes only to people who still have the pupil in scope (review of issue 11,
B6): the recorder whose deployment to the pupil has ended is not told."""

import datetime as dt
import uuid

from sendesk.behaviour import services as behaviour
from sendesk.notifications import daily
from sendesk.notifications.models import Notification
from sendesk.pupils.models import Deployment
from tests.conftest import LONDON
from tests.world import TODAY

THREE_DAYS_AGO = TODAY - dt.timedelta(days=3)


def _restraint(world):
    ri, _ = behaviour.intervention_record(
        actor=world.alice, client_id=uuid.uuid4(), pupil_id=world.ben.pk,
        staff=[(world.alice.pk, "lead")], kind="restraint",
        started_at=dt.datetime.combine(THREE_DAYS_AGO, dt.time(13, 5), tzinfo=LONDON),
        duration_minutes=4, location="Corridor", before="Ran at another pupil",
        deescalation="Calm voice", holds="Single elbow", reason="Imminent risk of injury",
    )  # fmt: skip
    return ri


def test_a_recorder_no_longer_working_with_the_pupil_is_not_told(world, now, as_user):
    ri = _restraint(world)
    Deployment.objects.filter(staff=world.alice, pupil=world.ben).update(
        end=TODAY - dt.timedelta(days=1)
    )
    assert as_user(world.alice).get(f"/interventions/{ri.pk}/").status_code == 404
    assert daily.run_checks(TODAY)["sendesk.behaviour.checks.parents_not_told"] == 1
    told = set(
        Notification.objects.filter(kind="ri_parents_overdue").values_list("user_id", flat=True)
    )
    assert told == {world.senco.pk, world.head.pk}  # fmt: skip


def test_a_recorder_still_deployed_is_told(world, now):
    _restraint(world)
    daily.run_checks(TODAY)
    told = Notification.objects.filter(kind="ri_parents_overdue", user=world.alice)
    assert told.count() == 1
