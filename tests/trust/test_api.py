"""GET /api/v1/trust/overview (issue 13): the trust view as JSON, for trust people only."""

import pytest

from sendesk.audit.models import AccessEvent
from tests.api.conftest import Api

from .conftest import MONDAY, delivered, provision

PATH = "/trust/overview"


@pytest.fixture
def api(client):
    return Api(client)


def test_the_trust_senco_gets_the_figures_and_links_only_where_a_role_is_held(
    world, trust_senco, api
):
    reading = provision(world.olly, "Reading recovery")
    delivered(reading, MONDAY, 30, world.olga)
    response = api.get(trust_senco, PATH)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["trust"] == "Test Trust"
    other = next(s for s in body["schools"] if s["name"] == "Other School")
    assert (other["promised_minutes"], other["delivered_minutes"], other["short_minutes"]) == (
        90,
        30,
        60,
    )
    rows = {r["pupil_id"]: r for r in body["shortfalls"]}
    assert rows[str(world.olly.pk)]["pupil_url"] == ""
    assert rows[str(world.ben.pk)]["pupil_url"] == f"/pupils/{world.ben.pk}/"
    logged = AccessEvent.objects.filter(actor=trust_senco, what="trust view", via="api")
    assert {str(e.pupil_id) for e in logged} == set(rows)


@pytest.mark.parametrize("who", ["senco", "olga", "alice", "head"])
def test_nobody_else_gets_it(world, api, who):
    assert api.get(getattr(world, who), PATH).status_code == 404


def test_another_trust_or_bad_input_is_not_found_or_explained(world, trust_senco, api):
    assert api.get(trust_senco, PATH, trust=world.trust.pk + 1000).status_code == 404
    response = api.get(trust_senco, PATH, trust="seven")
    assert response.status_code == 422
    assert "trust" in response.json()["errors"].__repr__()
