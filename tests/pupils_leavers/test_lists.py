"""A leaver drops out of the school's live lists and counts (issue 12): the census check,
the SENCO's shortfall and review lists, the register, a TA's My day."""

import datetime as dt

import pytest

from tests.api.conftest import Api
from tests.world import TODAY

LEFT = {"left_on": (TODAY - dt.timedelta(days=1)).isoformat(), "reason": "transfer"}


@pytest.fixture
def api(client):
    return Api(client)


def test_the_census_counts_leave_a_leaver_out(world, api, as_user, now):
    before = api.get(world.senco, "/census/sen-check").json()["counts"]
    assert before["on_roll"] == 3 and before["by_provision"]["E"] == 1
    assert as_user(world.senco).post(f"/pupils/{world.ben.pk}/leave/", LEFT).status_code == 302
    after = api.get(world.senco, "/census/sen-check").json()["counts"]
    assert after["on_roll"] == 2 and after["by_provision"]["E"] == 0


def test_the_overview_lists_and_my_day_leave_a_leaver_out(world, as_user, now):
    senco = as_user(world.senco)
    pages = ("/overview/shortfalls/", "/overview/reviews/", "/overview/stale-targets/")
    assert all("Ben Brown" in senco.get(page).content.decode() for page in pages)
    # One client: signing in as Alice signs the SENCO out, and back.
    assert "Talk Boost" in as_user(world.alice).get("/my-day/").content.decode()
    senco = as_user(world.senco)
    assert senco.post(f"/pupils/{world.ben.pk}/leave/", LEFT).status_code == 302
    for page in pages:
        response = senco.get(page)
        assert response.status_code == 200 and "Ben Brown" not in response.content.decode(), page
    my_day = as_user(world.alice).get("/my-day/").content.decode()
    assert "Ben Brown" not in my_day and "Talk Boost" not in my_day
