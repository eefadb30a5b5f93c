"""The head sets a leaver's last day: sign-in stops after it, and a day already past ends
their sessions and tokens at once."""

import datetime as dt

from django.test import Client

from sendesk.accounts.models import ApiToken
from sendesk.audit.models import SecurityEvent

from ..world import PASSWORD, TODAY


def _signed_in_alice():
    alice = Client()
    alice.post("/login/", {"username": "alice@test.example", "password": PASSWORD})
    body = {"email": "alice@test.example", "password": PASSWORD}
    raw = alice.post("/api/v1/auth/token", body, content_type="application/json").json()["token"]
    return alice, raw


def test_a_last_day_in_the_future_lets_them_work_until_then(world, as_user, now):
    alice, raw = _signed_in_alice()
    head = as_user(world.head)
    url = f"/staff/accounts/{world.alice.pk}/"
    r = head.post(url, {"form": "last_day", "leaves_on": "2026-12-18"})
    assert r.status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.leaves_on == dt.date(2026, 12, 18)
    assert alice.get("/my-day/").status_code == 200
    assert ApiToken.objects.filter(user=world.alice).exists()
    event = SecurityEvent.objects.get(user=world.alice, kind="account_ended")
    assert (event.actor, event.detail["leaves_on"]) == (world.head, "2026-12-18")
    listing = head.get("/staff/accounts/").content.decode()
    assert "last day 18 December 2026" in listing
    now.move_to(dt.datetime(2026, 12, 19, 8, 0))
    assert alice.get("/my-day/").status_code == 302


def test_a_last_day_already_past_ends_everything_now(world, as_user, now):
    alice, raw = _signed_in_alice()
    head = as_user(world.head)
    yesterday = TODAY - dt.timedelta(days=1)
    r = head.post(
        f"/staff/accounts/{world.alice.pk}/", {"form": "last_day", "leaves_on": str(yesterday)}
    )
    assert r.status_code == 302
    assert "signed out everywhere" in head.get(r.url).content.decode()
    assert alice.get("/my-day/").status_code == 302
    assert Client().get("/api/v1/pupils", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert not ApiToken.objects.filter(user=world.alice).exists()
    kinds = [e.kind for e in SecurityEvent.objects.filter(user=world.alice).order_by("id")]
    assert kinds[-2:] == ["account_ended", "token_revoked"]
    refused = Client().post("/login/", {"username": "alice@test.example", "password": PASSWORD})
    assert refused.status_code == 200
    assert "Left" in head.get("/staff/accounts/").content.decode()


def test_a_last_day_is_refused_when_it_is_not_the_heads_to_set(world, as_user, now):
    head = as_user(world.head)
    r = head.post(
        f"/staff/accounts/{world.head.pk}/", {"form": "last_day", "leaves_on": "2026-11-01"}
    )
    assert r.status_code == 422 and "your own account" in r.content.decode()
    # Olga also works at the other school: the head here takes away her roles instead.
    head.post(
        "/staff/accounts/invite/",
        {"full_name": "Olga", "email": "olga@other.example", "roles": ["ta"]},
    )
    r = head.post(
        f"/staff/accounts/{world.olga.pk}/", {"form": "last_day", "leaves_on": "2026-11-01"}
    )
    assert r.status_code == 422 and "another school" in r.content.decode()
    r = head.post(
        f"/staff/accounts/{world.bob.pk}/", {"form": "last_day", "leaves_on": "18/11/26x"}
    )
    assert r.status_code == 422 and "Give the date as day, month and year." in r.content.decode()
    world.olga.refresh_from_db()
    assert world.olga.leaves_on is None
    assert not SecurityEvent.objects.filter(kind="account_ended").exists()
