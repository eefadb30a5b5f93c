"""The offline key: the same for a person on every sign-in, different for each person,
never cached, only for the signed in (issue 13, shared tablets)."""

import base64

from django.db import connection
from django.test import Client, override_settings

from sendesk.audit.models import SecurityEvent
from sendesk.offline.models import DeviceKey
from tests.second_factor import verified_login

from ..world import TODAY


def test_the_key_is_the_persons_own_and_the_same_on_every_sign_in(world, device):
    first = device(world.alice).get("/key")
    assert first.status_code == 200
    assert first["Cache-Control"] == "no-store"
    body = first.json()
    assert body["user"] == world.alice.pk
    assert len(base64.b64decode(body["key"])) == 32
    # Signed in at 10:00 (the frozen clock); a sign-in lasts SESSION_COOKIE_AGE (10 hours).
    assert body["signed_in_at"].startswith(f"{TODAY}T10:00:00")
    assert body["expires_at"].startswith(f"{TODAY}T20:00:00")

    # Signed out and in again, on another browser: the same key.
    again = verified_login(Client(), world.alice).get("/api/v1/offline/key")
    assert again.json()["key"] == body["key"]
    assert DeviceKey.objects.filter(user=world.alice).count() == 1

    # Someone else on the same tablet: a key of their own.
    hana = device(world.hana).get("/key").json()
    assert hana["user"] == world.hana.pk and hana["key"] != body["key"]
    handed = SecurityEvent.objects.filter(kind="offline_key").order_by("pk")
    assert [(e.user_id, e.via, e.detail["made"]) for e in handed] == [
        (world.alice.pk, "web", True),
        (world.alice.pk, "web", False),
        (world.hana.pk, "web", True),
    ]


def test_a_token_gets_no_key(world, device, api):
    # The key is handed at sign-in to the browser keeping the store, never to a token.
    r = api.get(world.alice, "/offline/key")
    assert r.status_code == 404 and "key" not in r.json()
    assert DeviceKey.objects.filter(user=world.alice).count() == 0
    assert not SecurityEvent.objects.filter(kind="offline_key").exists()
    assert device(world.alice).get("/key").status_code == 200


def test_signed_out_or_not_a_recorder(world, client, device):
    r = client.get("/api/v1/offline/key")
    assert r.status_code == 401
    assert DeviceKey.objects.count() == 0
    # A parent and a therapist record nothing: there is nothing here for them.
    assert device(world.pat).get("/key").status_code == 404
    assert device(world.theo).get("/key").status_code == 404
    assert DeviceKey.objects.count() == 0


def test_a_session_past_its_most_is_signed_out(world, device, now):
    tablet = device(world.alice)
    assert tablet.get("/key").status_code == 200
    now.shift(60 * 60 * 10)
    assert tablet.get("/key").status_code == 401


def test_the_key_is_derived_not_stored(world, device):
    key = device(world.alice).get("/key").json()["key"]
    # Nothing in the database holds it: a copy of the database alone opens nothing.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM offline_devicekey")
        rows = cursor.fetchall()
    assert len(rows) == 1 and key not in str(rows)
    # Another server secret, another key: the key is the secret's, the person's and its
    # generation's.
    with override_settings(OFFLINE_KEY_SECRET="another secret"):
        assert device(world.alice).get("/key").json()["key"] != key
    DeviceKey.objects.filter(user=world.alice).update(generation=2)
    assert device(world.alice).get("/key").json()["key"] != key
