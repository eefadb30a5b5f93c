"""What tells whom, as it happens: a session a TA flags tells the pupil's teachers; a dose
refused or not given tells the SENCO."""

from sendesk.notifications.models import Notification
from tests.pages_ta.helpers import HTMX, quick_form


def test_a_flagged_session_tells_the_pupils_teacher(world, as_user):
    data = quick_form(flag_for_teacher="on", flag_note="Upset after lunch")
    response = as_user(world.alice).post(f"/sessions/record/{world.talk.pk}/", data, **HTMX)
    assert response.status_code == 200
    told = Notification.objects.get(kind="session_flagged")
    assert told.user == world.tess  # Ben is in 3A, Tess's class; not Tom
    assert told.title == "Ben Brown: a session flagged for you to look at"
    # The link works for her.
    assert as_user(world.tess).get(told.url).status_code == 200


def test_an_unflagged_session_tells_nobody(world, as_user):
    as_user(world.alice).post(f"/sessions/record/{world.talk.pk}/", quick_form(), **HTMX)
    assert not Notification.objects.exists()


def test_a_dose_refused_tells_the_senco_and_one_given_does_not(world, client):
    from tests.api.conftest import Api
    from tests.medication.conftest import Giver

    give = Giver("api", Api(client), client)
    status, _ = give(world.alice, world.inhaler, outcome="refused", reason="Said he felt fine")
    assert status == 201
    told = Notification.objects.get(kind="dose_not_given")
    assert told.user == world.senco and told.title == "Ben Brown: Salbutamol refused"
    assert told.url.startswith("/medication/doses/")
    give(world.alice, world.inhaler)
    assert Notification.objects.filter(kind="dose_not_given").count() == 1
