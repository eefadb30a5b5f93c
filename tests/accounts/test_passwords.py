"""Forgot password (never says whether an address has an account), the reset link (once,
72 hours; everyone signed out), and changing one's own password (this session stays)."""

import datetime as dt
import re

from django.core import mail
from django.test import Client

from sendesk.accounts.models import ApiToken
from sendesk.audit.models import SecurityEvent

from ..world import PASSWORD, TODAY
from .conftest import NEW_PASSWORD, link_in, mail_to, run_the_worker

FORGOT = "/password/forgot/"


def _sign_in(client, email="alice@test.example", password=PASSWORD):
    return client.post("/login/", {"username": email, "password": password})


def _token(email="alice@test.example", password=PASSWORD):
    body = {"email": email, "password": password}
    return Client().post("/api/v1/auth/token", body, content_type="application/json")


def test_the_sign_in_page_leads_to_forgot_password(world, client):
    assert f'href="{FORGOT}"' in client.get("/login/").content.decode()
    assert client.get(FORGOT).status_code == 200


def test_forgot_password_answers_the_same_for_any_address(world, client, now):
    known = Client().post(FORGOT, {"email": " Alice@Test.Example "})
    unknown = Client().post(FORGOT, {"email": "nobody-here@test.example"})
    assert (known.status_code, unknown.status_code) == (302, 302)
    assert known.url == unknown.url == "/password/forgot/sent/"
    assert known.content == unknown.content == b""

    def page(response):  # the page after, but for its CSRF token (new on every response)
        return re.sub(r'"X-CSRFToken": "\w+"', "", response.content.decode())

    assert page(Client().get(known.url)) == page(Client().get(unknown.url))
    run_the_worker()
    assert [m.to for m in mail.outbox] == [["alice@test.example"]]
    assert "Reset your SENDesk password" == mail.outbox[0].subject
    bad = client.post(FORGOT, {"email": "not an address"})
    assert bad.status_code == 422
    assert "like name@school.example" in bad.content.decode()
    assert 'value="not an address"' in bad.content.decode()


def test_a_leaver_gets_no_reset_link(world, client, now):
    world.alice.leaves_on = TODAY - dt.timedelta(days=1)
    world.alice.save()
    assert client.post(FORGOT, {"email": "alice@test.example"}).status_code == 302
    run_the_worker()
    assert mail.outbox == []


def test_a_reset_signs_out_everywhere_and_is_recorded(world, client, now):
    phone = Client()
    _sign_in(phone)
    raw = _token().json()["token"]
    client.post(FORGOT, {"email": "alice@test.example"})
    run_the_worker()
    link = link_in(mail_to("alice@test.example")[0])
    browser = Client()
    form_url = browser.get(link).url
    assert "This link" not in browser.get(form_url).content.decode()
    r = browser.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    # Not signed in by the link alone: the sign-in page, with a word about what happened.
    assert r.status_code == 302 and r.url == "/login/"
    assert "Your password is changed" in browser.get(r.url).content.decode()
    assert browser.get("/my-day/").status_code == 302
    # Every session and token of Alice's ended.
    assert phone.get("/my-day/").status_code == 302
    assert Client().get("/api/v1/pupils", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert not ApiToken.objects.filter(user=world.alice).exists()
    kinds = [e.kind for e in SecurityEvent.objects.filter(user=world.alice).order_by("id")]
    assert kinds[-2:] == ["token_revoked", "password_reset"]
    # The new password signs in; the old one does not; the link is spent.
    assert _sign_in(Client()).status_code == 200
    assert _sign_in(Client(), password=NEW_PASSWORD).status_code == 302
    assert Client().get(link).status_code == 410


def test_a_reset_link_runs_out_after_72_hours(world, client, now):
    client.post(FORGOT, {"email": "alice@test.example"})
    run_the_worker()
    link = link_in(mail_to("alice@test.example")[0])
    now.shift(dt.timedelta(hours=72, minutes=1))
    r = Client().get(link)
    assert r.status_code == 410
    assert "This link has run out" in r.content.decode()
    assert world.alice.check_password(PASSWORD)


def test_a_reset_link_is_not_an_invite_link(world, client, now):
    client.post(FORGOT, {"email": "alice@test.example"})
    run_the_worker()
    link = link_in(mail_to("alice@test.example")[0])
    assert Client().get(link.replace("/password/reset/", "/invite/")).status_code == 410
    assert Client().get("/password/reset/xx/yy/").status_code == 410


def test_changing_ones_password_keeps_this_session_only(world, client, now):
    assert client.get("/password/change/").status_code == 302  # sign in first
    _sign_in(client)
    phone = Client()
    _sign_in(phone)
    raw = _token().json()["token"]
    page = client.get("/my-day/").content.decode()
    assert 'href="/password/change/"' in page  # in the person's menu
    wrong = client.post(
        "/password/change/",
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 422 and "not your password now" in wrong.content.decode()
    r = client.post(
        "/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert r.status_code == 302
    assert client.get("/my-day/").status_code == 200
    assert phone.get("/my-day/").status_code == 302
    assert Client().get("/api/v1/pupils", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    event = SecurityEvent.objects.filter(user=world.alice, kind="password_changed").get()
    assert event.detail["how"] == "changed by them"
    world.alice.refresh_from_db()
    assert world.alice.check_password(NEW_PASSWORD)
