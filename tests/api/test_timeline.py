import base64
import datetime as dt

import pytest
from django.utils import timezone

from sendesk.audit.models import AccessEvent
from sendesk.pupils.models import TimelineEntry


def entries(world, n):
    # Entries come in pairs at the same moment: the order must still be total.
    start = timezone.now() - dt.timedelta(days=n)
    TimelineEntry.objects.bulk_create(
        TimelineEntry(pupil=world.ben, occurred_at=start + dt.timedelta(hours=(i // 2) * 5),
                      kind="session", title=f"Entry {i}", actor=world.alice)
        for i in range(n)
    )  # fmt: skip


def test_newest_first_paged_with_a_cursor(world, api):
    entries(world, 30)
    first = api.get(world.alice, f"/pupils/{world.ben.pk}/timeline").json()
    assert len(first["items"]) == 25 and first["next_cursor"]
    second = api.get(world.alice, f"/pupils/{world.ben.pk}/timeline", cursor=first["next_cursor"])
    assert second.status_code == 200
    assert len(second.json()["items"]) == 5 and second.json()["next_cursor"] is None

    items = first["items"] + second.json()["items"]
    assert len({i["id"] for i in items}) == 30
    keys = [(i["occurred_at"], i["id"]) for i in items]
    assert keys == sorted(keys, reverse=True)
    assert items[0]["actor"] == "Alice Assistant" and items[0]["kind"] == "session"


def test_the_cursor_survives_an_unencoded_query_string(world, api, client):
    # A client that pastes next_cursor into a URL without encoding it still gets page 2.
    entries(world, 4)
    first = api.get(world.alice, f"/pupils/{world.ben.pk}/timeline", limit=2).json()
    url = f"/api/v1/pupils/{world.ben.pk}/timeline?limit=2&cursor={first['next_cursor']}"
    second = client.get(url, HTTP_AUTHORIZATION=f"Bearer {api.token(world.alice)}").json()
    assert {i["id"] for i in second["items"]}.isdisjoint({i["id"] for i in first["items"]})


@pytest.mark.parametrize(
    "cursor", ["not a cursor", base64.urlsafe_b64encode(b"no separator").decode(), "%%%"]
)
def test_a_cursor_the_api_did_not_give_is_422(world, api, cursor):
    r = api.get(world.alice, f"/pupils/{world.ben.pk}/timeline", cursor=cursor)
    assert r.status_code == 422
    assert "cursor" in r.json()["errors"]
    assert not AccessEvent.objects.exists()


def test_timeline_writes_an_access_row(world, api):
    api.get(world.hana, f"/pupils/{world.cara.pk}/timeline")
    event = AccessEvent.objects.get()
    assert (event.actor, event.pupil, event.what, event.via) == (
        world.hana, world.cara, "timeline", "api",
    )  # fmt: skip


def test_timeline_query_count_does_not_grow(world, api, count_queries):
    api.get(world.alice, "/pupils")
    entries(world, 3)
    _, few = count_queries(lambda: api.get(world.alice, f"/pupils/{world.ben.pk}/timeline"))
    entries(world, 300)
    r, many = count_queries(lambda: api.get(world.alice, f"/pupils/{world.ben.pk}/timeline"))
    assert len(r.json()["items"]) == 25
    assert many == few == 6  # token, roles, pupil, page, the access chain's head, access row
