"""Web sessions end after 30 minutes idle and 10 hours after signing in however busy;
activity is written at most once a minute; every page carries the warning; a form sent
after the end leads back to its page. Time is frozen and moved with `now`."""

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sendesk.audit.models import SecurityEvent
from tests.world import PASSWORD

MINUTE = dt.timedelta(minutes=1)
IDLE_TEXT = "You were signed out because nothing happened for 30 minutes."
MOST_TEXT = "You were signed out because a sign-in lasts at most 10 hours."


def signed_in(person) -> Client:
    client = Client()
    r = client.post("/login/", {"username": person.email, "password": PASSWORD})
    assert r.status_code == 302, r.content
    return client


def test_a_session_ends_after_30_minutes_idle(world, now):
    client = signed_in(world.alice)
    # Each request within 30 minutes of the last keeps it going.
    for _ in range(3):
        now.shift(29 * MINUTE)
        assert client.get("/my-day/").status_code == 200
    now.shift(30 * MINUTE)
    r = client.get("/my-day/")
    assert r.status_code == 302 and r.url.startswith("/login/?next=/my-day/")
    page = client.get(r.url)
    assert IDLE_TEXT in page.content.decode()
    # Ended for good: signing in again is the way back.
    assert client.get("/my-day/").status_code == 302


def test_a_session_ends_after_10_hours_however_busy(world, now):
    client = signed_in(world.alice)
    started = dt.datetime.now(dt.UTC)
    while dt.datetime.now(dt.UTC) + 20 * MINUTE < started + dt.timedelta(hours=10):
        now.shift(20 * MINUTE)
        assert client.get("/my-day/").status_code == 200
    now.move_to(started + dt.timedelta(hours=10))
    r = client.get("/my-day/", follow=True)
    assert r.redirect_chain[0][0].startswith("/login/")
    assert MOST_TEXT in r.content.decode()
    assert client.get("/my-day/").status_code == 302


def _session_writes(client, path="/my-day/"):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    return [sql for sql in sqls if "django_session" in sql and "UPDATE" in sql]


def test_activity_is_written_at_most_once_a_minute(world, now):
    client = signed_in(world.alice)
    assert _session_writes(client) == []
    now.shift(59)
    assert _session_writes(client) == []
    now.shift(1)
    assert len(_session_writes(client)) == 1
    now.shift(30)
    assert _session_writes(client) == []


def test_idle_is_counted_from_the_last_noted_activity(world, now):
    client = signed_in(world.alice)
    now.shift(59)
    client.get("/my-day/")  # not written: within the minute
    now.shift(30 * MINUTE - dt.timedelta(seconds=59))
    assert client.get("/my-day/").status_code == 302


def test_every_page_carries_the_warning_with_what_is_left(world, now):
    client = signed_in(world.alice)
    now.shift(40)
    r = client.get("/my-day/")
    html = r.content.decode()
    assert r["X-Session-Left"] == f"{30 * 60 - 40} {10 * 3600 - 40}"
    assert '<dialog id="session-end"' in html
    assert f'data-idle-left="{30 * 60 - 40}"' in html
    assert f'data-most-left="{10 * 3600 - 40}"' in html
    assert 'data-warn="120"' in html
    # Each sign-in has its own id (session.js tells a form lost at the end by it).
    sign_in = client.session["sendesk_sign_in"]
    assert len(sign_in) == 16 and f'data-sign-in="{sign_in}"' in html
    assert signed_in(world.alice).session["sendesk_sign_in"] != sign_in
    assert "Stay signed in" in html and 'action="/session/keep-alive/"' in html
    assert '<script src="/static/js/session.js" defer></script>' in html
    assert client.get("/static/js/session.js").status_code == 200
    # No script written into the page itself (a strict CSP is coming).
    dialog = html[html.index('<dialog id="session-end"') :]
    assert "<script>" not in dialog and " on" + "click=" not in dialog
    # Nobody signed in: no warning.
    assert "session-end" not in Client().get("/login/").content.decode()


def test_the_idle_limit_is_a_setting(world, now, settings):
    settings.SENDESK_SESSION_IDLE_MINUTES = 5
    client = signed_in(world.alice)
    assert 'data-idle-left="300"' in client.get("/my-day/").content.decode()
    now.shift(5 * MINUTE)
    assert client.get("/my-day/").status_code == 302


def test_stay_signed_in_counts_as_activity(world, now):
    client = signed_in(world.alice)
    now.shift(28 * MINUTE + dt.timedelta(seconds=30))
    r = client.post("/session/keep-alive/", HTTP_ACCEPT="application/json")
    assert r.status_code == 200
    assert r.json() == {
        "signed_in": True,
        "idle": 1800,
        "most": 10 * 3600 - (28 * 60 + 30),
    }
    now.shift(29 * MINUTE)
    assert client.get("/my-day/").status_code == 200
    # Without script, the button goes back to the page it was on.
    r = client.post("/session/keep-alive/", {"next": "/my-day/?day=2026-11-18"})
    assert (r.status_code, r.url) == (302, "/my-day/?day=2026-11-18")
    r = client.post("/session/keep-alive/", {"next": "https://elsewhere.example/"})
    assert (r.status_code, r.url) == (302, "/")
    assert client.get("/session/keep-alive/").status_code == 405


def test_stay_signed_in_too_late_says_so(world, now):
    client = signed_in(world.alice)
    now.shift(31 * MINUTE)
    r = client.post("/session/keep-alive/", HTTP_ACCEPT="application/json")
    assert (r.status_code, r.json()) == (401, {"signed_in": False, "login": "/login/"})
    assert Client().post("/session/keep-alive/", HTTP_ACCEPT="application/json").status_code == 401


def test_a_form_sent_after_the_end_leads_back_to_its_page(world, now):
    client = signed_in(world.senco)
    stamp = world.senco.security_stamp
    now.shift(31 * MINUTE)
    r = client.post(
        "/account/devices/sign-out-everywhere-else/",
        HTTP_REFERER="http://testserver/account/devices/?x=1",
    )
    assert (r.status_code, r.url) == (302, "/login/?next=%2Faccount%2Fdevices%2F%3Fx%3D1")
    world.senco.refresh_from_db()
    assert world.senco.security_stamp == stamp  # the form did nothing
    assert IDLE_TEXT in client.get(r.url).content.decode()
    # Signing in again goes back to that page, where session.js puts the text back.
    r = client.post(r.url, {"username": world.senco.email, "password": PASSWORD})
    assert (r.status_code, r.url) == (302, "/account/devices/?x=1")


def test_a_form_sent_from_another_site_goes_to_its_own_address(world, now):
    client = signed_in(world.senco)
    now.shift(31 * MINUTE)
    r = client.post(
        "/account/devices/sign-out-everywhere-else/", HTTP_REFERER="https://evil.example/x"
    )
    assert r.url == "/login/?next=%2Faccount%2Fdevices%2Fsign-out-everywhere-else%2F"


def test_an_htmx_request_after_the_end_is_told_where_to_sign_in(world, now):
    client = signed_in(world.alice)
    assert client.get("/my-day/", HTTP_HX_REQUEST="true").status_code == 200
    now.shift(31 * MINUTE)
    r = client.get(
        "/my-day/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/my-day/?day=2026-11-18",
    )
    assert r.status_code == 401
    assert r["X-Signed-Out"] == "/login/?next=%2Fmy-day%2F%3Fday%3D2026-11-18"


def test_ending_for_idleness_is_not_audited_per_request(world, now):
    client = signed_in(world.alice)
    before = SecurityEvent.objects.count()
    for _ in range(5):
        now.shift(2 * MINUTE)
        client.get("/my-day/")
    now.shift(31 * MINUTE)
    client.get("/my-day/")
    assert SecurityEvent.objects.count() == before
