"""A leaver's last day ends sign-in; ending someone's sessions and tokens ends them all."""

import datetime as dt

from django.test import Client

from sendesk.accounts.models import ApiToken
from sendesk.audit.models import SecurityEvent
from sendesk.signin.services import end_sessions_and_tokens

from ..world import PASSWORD, TODAY


def _token(client, email="alice@test.example"):
    body = {"email": email, "password": PASSWORD}
    return client.post("/api/v1/auth/token", body, content_type="application/json")


def test_a_leaver_signs_in_on_their_last_day_and_not_after(world, client, now):
    world.alice.leaves_on = TODAY
    world.alice.save()
    assert client.post("/login/", {"username": "alice@test.example", "password": PASSWORD}).url
    assert client.get("/my-day/").status_code == 200
    now.move_to(dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(8, 0)))
    # The session they already had ends too, and a new sign-in is refused on every door.
    assert client.get("/my-day/").status_code == 302
    refused = Client().post("/login/", {"username": "alice@test.example", "password": PASSWORD})
    assert refused.status_code == 200
    assert _token(Client()).status_code == 401


def test_ending_sessions_and_tokens_signs_out_everywhere(world, client):
    phone = Client()
    phone.post("/login/", {"username": "alice@test.example", "password": PASSWORD})
    raw = _token(client).json()["token"]
    api = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/pupils", **api).status_code == 200
    assert phone.get("/my-day/").status_code == 200

    assert end_sessions_and_tokens(world.alice, why="lost phone", actor=world.head) == 1

    assert phone.get("/my-day/").status_code == 302
    assert client.get("/api/v1/pupils", **api).status_code == 401
    assert not ApiToken.objects.filter(user=world.alice).exists()
    row = SecurityEvent.objects.get(user=world.alice, kind="token_revoked")
    assert (row.actor, row.detail["why"], row.detail["tokens"]) == (world.head, "lost phone", 1)
