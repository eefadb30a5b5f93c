"""The school's limit of adults a pupil sees in a week, set on the deployment set-up pages
by the SENCO or head: a whole number from 1 to 10, the service's message for anything
else (what was typed kept, in the error summary the site's script focuses), and the
change audited."""

import pytest

from sendesk.audit.models import AuditEvent
from sendesk.deployment.models import PlannerSettings

from .helpers import text

URL = "/deployment/planner/"


def test_the_senco_sees_the_default_and_sets_the_limit(world, as_user):
    client = as_user(world.senco)
    page = text(client.get(URL))
    assert "Most adults a pupil sees in a week" in page and 'value="4"' in page
    response = client.post(URL, {"max_adults_per_pupil": "3"})
    assert response.status_code == 302 and response["Location"] == URL
    assert PlannerSettings.objects.get(school=world.school).max_adults_per_pupil == 3
    [event] = AuditEvent.objects.filter(object_type="deployment.plannersettings")
    assert (event.actor_id, event.action, event.after["max_adults_per_pupil"]) == (
        world.senco.pk, "update", 3,
    )  # fmt: skip
    assert 'value="3"' in text(client.get(URL))


@pytest.mark.parametrize("typed", ["0", "11", "three", "2.5", "-1", ""])
def test_anything_but_1_to_10_is_the_services_message(world, as_user, typed):
    client = as_user(world.head)
    response = client.post(URL, {"max_adults_per_pupil": typed})
    assert response.status_code == 422
    page = text(response)
    assert "Give a whole number from 1 to 10." in page
    # The summary every form uses, which the site's script focuses (tabindex -1).
    assert '<div class="error-summary" role="alert" tabindex="-1">' in page
    assert f'value="{typed}"' in page or typed == ""
    assert not PlannerSettings.objects.filter(school=world.school).exists()
    assert not AuditEvent.objects.filter(object_type="deployment.plannersettings").exists()


@pytest.mark.parametrize("person", ["alice", "hana", "tess", "dsl", "pat"])
def test_nobody_else_finds_it(world, as_user, person):
    client = as_user(getattr(world, person))
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"max_adults_per_pupil": "2"}).status_code == 404
    assert not PlannerSettings.objects.exists()
