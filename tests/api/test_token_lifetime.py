"""API tokens end: 8 hours after their last use, 30 days after they were made however often
they are used, when revoked (the calling one, or one of the caller's own by id), and for
someone who may no longer sign in. Time is frozen and moved with `now`."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from sendesk.accounts.models import ApiToken
from sendesk.audit.models import SecurityEvent
from tests.world import PASSWORD, TODAY

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
LONDON = ZoneInfo("Europe/London")
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)


def sign_in(client, person, agent="", **extra):
    body = {"email": person.email, "password": PASSWORD, **extra}
    r = client.post(
        "/api/v1/auth/token",
        json.dumps(body),
        content_type="application/json",
        HTTP_USER_AGENT=agent,
    )
    assert r.status_code == 200, r.content
    return r.json()


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def pupils(client, raw):
    return client.get("/api/v1/pupils", **bearer(raw)).status_code


def when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_a_new_token_says_when_it_ends(world, client, now):
    got = sign_in(client, world.alice)
    assert when(got["expires_at"]) == dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)


def test_an_unused_token_ends_8_hours_after_it_was_made(world, client, now):
    raw = sign_in(client, world.alice)["token"]
    now.shift(dt.timedelta(hours=8) - dt.timedelta(seconds=1))
    other = sign_in(client, world.alice)["token"]  # made later: still live after the first
    assert pupils(client, other) == 200
    now.shift(1)
    assert pupils(client, raw) == 401
    assert pupils(client, other) == 200


def test_each_use_moves_the_end_on_8_hours(world, client, now):
    raw = sign_in(client, world.alice)["token"]
    for _ in range(3):
        now.shift(dt.timedelta(hours=7, minutes=59))
        assert pupils(client, raw) == 200
    now.shift(dt.timedelta(hours=8))
    assert pupils(client, raw) == 401


def test_30_days_at_most_even_when_used_all_day_every_day(world, client, now):
    made = dt.datetime.now(dt.UTC)
    raw = sign_in(client, world.alice)["token"]
    end = made + dt.timedelta(days=30)
    while dt.datetime.now(dt.UTC) + dt.timedelta(hours=7) < end:
        now.shift(dt.timedelta(hours=7))
        assert pupils(client, raw) == 200
    # Used 7 hours ago or less, but never past its 30 days: the list says so too.
    listed = client.get("/api/v1/auth/tokens", **bearer(raw)).json()
    assert [when(t["expires_at"]) for t in listed] == [end]
    now.move_to(end)
    assert pupils(client, raw) == 401


def test_delete_signs_the_calling_device_out(world, client, now):
    phone = sign_in(client, world.alice, IPHONE)["token"]
    tablet = sign_in(client, world.alice, ANDROID_CHROME)["token"]
    r = client.delete("/api/v1/auth/token", **bearer(phone))
    assert (r.status_code, r.content) == (204, b"")
    assert pupils(client, phone) == 401
    assert client.delete("/api/v1/auth/token", **bearer(phone)).status_code == 401
    assert pupils(client, tablet) == 200
    row = SecurityEvent.objects.get(kind="token_revoked")
    assert (row.user, row.actor, row.via) == (world.alice, world.alice, "api")
    assert row.detail["device"] == "Safari on iPhone"
    assert not ApiToken.objects.filter(pk=row.detail["token"]).exists()


def test_the_list_shows_only_my_live_tokens_and_never_the_token(world, client, now):
    old = sign_in(client, world.alice, device="Old iPad")["token"]
    now.shift(dt.timedelta(hours=9))  # the old one has ended
    phone = sign_in(client, world.alice, IPHONE)["token"]
    now.shift(dt.timedelta(minutes=5))
    mine = sign_in(client, world.alice, ANDROID_CHROME, device="  Class 3\ttablet ")["token"]
    bobs = sign_in(client, world.bob, IPHONE)["token"]
    assert pupils(client, phone) == 200

    r = client.get("/api/v1/auth/tokens", **bearer(mine))
    assert r.status_code == 200
    assert r["Cache-Control"] == "no-store"
    listed = r.json()
    assert [(t["device"], t["current"]) for t in listed] == [
        ("Class 3 tablet", True),
        ("Safari on iPhone", False),
    ]
    assert set(listed[0]) == {"id", "device", "created", "last_used", "expires_at", "current"}
    for raw in (old, phone, mine, bobs):
        assert raw not in r.content.decode()
    assert not any(t.digest in r.content.decode() for t in ApiToken.objects.all())
    # Making a token cleared the ended one away.
    assert not ApiToken.objects.filter(device="Old iPad").exists()


def test_revoke_one_of_my_own_by_id_and_nobody_elses(world, client, now):
    phone = sign_in(client, world.alice, IPHONE)["token"]
    mine = sign_in(client, world.alice, ANDROID_CHROME)["token"]
    bobs = sign_in(client, world.bob, IPHONE)["token"]
    phone_id = ApiToken.objects.get(digest=ApiToken.hash(phone)).pk
    bobs_id = ApiToken.objects.get(digest=ApiToken.hash(bobs)).pk

    for wrong in (bobs_id, 999_999, 2**70, 0, "abc"):
        r = client.delete(f"/api/v1/auth/tokens/{wrong}", **bearer(mine))
        assert (r.status_code, r.json()) == (404, {"detail": "Not Found"}), wrong
    assert pupils(client, bobs) == 200

    r = client.delete(f"/api/v1/auth/tokens/{phone_id}", **bearer(mine))
    assert r.status_code == 204
    assert pupils(client, phone) == 401
    assert pupils(client, mine) == 200
    assert client.delete(f"/api/v1/auth/tokens/{phone_id}", **bearer(mine)).status_code == 404
    row = SecurityEvent.objects.get(kind="token_revoked")
    assert (row.user, row.actor, row.detail["token"]) == (world.alice, world.alice, phone_id)


@pytest.mark.parametrize(
    "agent,device,label",
    [
        (IPHONE, "", "Safari on iPhone"),
        (ANDROID_CHROME, "", "Chrome on Android"),
        ("okhttp/4.12.0", "", "okhttp 4.12.0"),
        ("", "", "Unknown device"),
        (IPHONE, "Reception iPad\x00 2", "Reception iPad 2"),
        ("", "x" * 80, "x" * 80),
    ],
)
def test_the_device_is_named_for_the_person(world, client, now, agent, device, label):
    sign_in(client, world.alice, agent, device=device)
    assert ApiToken.objects.get(user=world.alice).device == label
    made = SecurityEvent.objects.get(kind="token_created")
    assert made.detail["device"] == label


def test_a_device_name_too_long_is_refused(world, client):
    body = {"email": world.alice.email, "password": PASSWORD, "device": "x" * 81}
    r = client.post("/api/v1/auth/token", json.dumps(body), content_type="application/json")
    assert r.status_code == 422 and "device" in r.json()["errors"]
    assert not ApiToken.objects.exists()


def test_a_leavers_tokens_stop_the_day_after_their_last(world, client, now):
    world.alice.leaves_on = TODAY
    world.alice.save()
    raw = sign_in(client, world.alice)["token"]
    for hour in (17, 23):  # used through the evening
        now.move_to(dt.datetime.combine(TODAY, dt.time(hour, 0), LONDON))
        assert pupils(client, raw) == 200
    # An hour later, well within 8 hours of its last use, but the day after their last.
    now.move_to(dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(0, 1), LONDON))
    assert pupils(client, raw) == 401
    assert client.get("/api/v1/auth/tokens", **bearer(raw)).status_code == 401
