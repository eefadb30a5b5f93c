"""'Your devices': a TA sees the apps signed in as them (and nobody else's), signs one out,
or signs out everywhere else; every revocation is in the security trail."""

import json
import re

from django.test import Client

from sendesk.accounts.models import ApiToken
from sendesk.audit.models import SecurityEvent
from tests.world import PASSWORD

IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1"
)


def app_token(person, agent="", device=""):
    body = {"email": person.email, "password": PASSWORD, "device": device}
    r = Client().post(
        "/api/v1/auth/token",
        json.dumps(body),
        content_type="application/json",
        HTTP_USER_AGENT=agent,
    )
    assert r.status_code == 200
    raw = r.json()["token"]
    return raw, ApiToken.objects.get(digest=ApiToken.hash(raw))


def api_works(raw) -> bool:
    r = Client().get("/api/v1/pupils", HTTP_AUTHORIZATION=f"Bearer {raw}")
    return r.status_code == 200


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_a_ta_sees_their_own_devices_and_nobody_elses(world, as_user):
    app_token(world.alice, IPAD)
    app_token(world.alice, device="Phone in the hall")
    app_token(world.bob, device="Bob's phone")
    r = as_user(world.alice).get("/account/devices/")
    assert r.status_code == 200
    page = text(r)
    assert "Safari on iPad" in page and "Phone in the hall" in page
    assert "Bob's phone" not in page
    assert "phone and tablet apps that are signed in as you" in page
    assert page.count("Sign out this device") == 2
    assert "Not used yet" in page
    for token in ApiToken.objects.all():
        assert token.digest not in r.content.decode()


def test_the_menu_links_to_your_devices(world, as_user):
    html = as_user(world.alice).get("/my-day/").content.decode()
    assert '<a href="/account/devices/" class="devices-link">Your devices</a>' in html


def test_nobody_signed_in_is_sent_to_log_in(world, client):
    r = client.get("/account/devices/")
    assert r.status_code == 302 and r.url.startswith("/login/")


def test_signing_one_device_out(world, as_user):
    raw, token = app_token(world.alice, IPAD)
    other, _ = app_token(world.alice, device="Phone in the hall")
    client = as_user(world.alice)
    r = client.post(f"/account/devices/{token.pk}/sign-out/", follow=True)
    assert r.redirect_chain == [("/account/devices/", 302)]
    assert "Safari on iPad is signed out." in text(r)
    assert "Sign out this device" in text(r) and "Safari on iPad" not in text(r).replace(
        "Safari on iPad is signed out.", ""
    )
    assert not api_works(raw) and api_works(other)
    row = SecurityEvent.objects.get(kind="token_revoked")
    assert (row.user, row.actor, row.via) == (world.alice, world.alice, "web")
    assert (row.detail["token"], row.detail["device"]) == (token.pk, "Safari on iPad")
    # Gone: a second go finds nothing.
    assert client.post(f"/account/devices/{token.pk}/sign-out/").status_code == 404


def test_someone_elses_device_is_not_found(world, as_user):
    raw, bobs = app_token(world.bob, IPAD)
    client = as_user(world.alice)
    for pk in (bobs.pk, 987654, 2**70):
        assert client.post(f"/account/devices/{pk}/sign-out/").status_code == 404
    assert client.get(f"/account/devices/{bobs.pk}/sign-out/").status_code == 405
    assert api_works(raw)
    assert not SecurityEvent.objects.filter(kind="token_revoked").exists()


def test_sign_out_everywhere_else(world, as_user):
    phone = Client()
    phone.post("/login/", {"username": world.alice.email, "password": PASSWORD})
    assert phone.get("/my-day/").status_code == 200
    raw, _ = app_token(world.alice, IPAD)
    here = as_user(world.alice)

    r = here.post("/account/devices/sign-out-everywhere-else/", follow=True)
    assert r.redirect_chain == [("/account/devices/", 302)]
    assert "Signed out everywhere else: your other browsers and 1 app." in text(r)
    assert "No phone or tablet app is signed in as you." in text(r)

    assert here.get("/my-day/").status_code == 200
    assert phone.get("/my-day/").status_code == 302
    assert not api_works(raw)
    row = SecurityEvent.objects.get(kind="token_revoked")
    assert (row.user, row.actor, row.detail["why"]) == (
        world.alice,
        world.alice,
        "signed out everywhere else",
    )


def test_the_page_says_when_use_no_longer_moves_the_end_on(world, as_user, now):
    raw, _ = app_token(world.alice, IPAD)
    client = as_user(world.alice)
    assert "unless it is used before then" in text(client.get("/account/devices/"))
    for _ in range(29 * 24 // 6 + 3):  # used every 6 hours to within a day of its 30
        now.shift(6 * 3600)
        assert api_works(raw)
    client = as_user(world.alice)
    page = text(client.get("/account/devices/"))
    assert "(its 30 days are up then, however much it is used)" in page
    assert "unless it is used before then" not in page
