"""GET /api/v1/notifications: the caller's, newest first, with `read`; and marking read."""

import datetime as dt

from tests.api.conftest import Api


def test_the_callers_newest_first_with_read(world, client, tell, now):
    api = Api(client)
    (old,) = tell([world.tess], title="old")
    now.shift(dt.timedelta(minutes=1))
    tell([world.tess], title="new")
    tell([world.tom], title="not hers")
    api.post(world.tess, "/notifications/read", {"ids": [old.pk]})
    body = api.get(world.tess, "/notifications").json()
    assert [(i["title"], i["read"]) for i in body["items"]] == [("new", False), ("old", True)]
    assert body["count"] == 2 and body["unread"] == 1
    assert [i["title"] for i in api.get(world.tess, "/notifications", unread="true").json()[
        "items"]] == ["new"]  # fmt: skip


def test_marking_anothers_is_404_and_changes_nothing(world, client, tell):
    api = Api(client)
    (theirs,) = tell([world.tom], title="Tom's")
    response = api.post(world.tess, "/notifications/read", {"ids": [theirs.pk]})
    assert response.status_code == 404 and response.json() == {"detail": "Not Found"}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    all_read = api.post(world.tess, "/notifications/read", {})
    assert all_read.status_code == 200 and all_read.json() == {"marked": 0, "unread": 0}


def test_without_a_token_401(client, db):
    assert client.get("/api/v1/notifications").status_code == 401
