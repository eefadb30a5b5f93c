"""Lockout (issue 8, part 2): 5 failed sign-ins for one account within 15 minutes lock it for
15 minutes on the form, the API and /admin/ alike, even for the right password; an address
failing across many accounts is paused; the head sees and lifts locks, recorded."""

import datetime as dt
import json
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from sendesk.accounts.models import User
from sendesk.audit.models import SecurityEvent

from ..world import PASSWORD

FAILURES = settings.SENDESK_LOCKOUT_FAILURES
MINUTES = settings.SENDESK_LOCKOUT_MINUTES


def form(client, email, password, **extra):
    return client.post("/login/", {"username": email, "password": password}, **extra)


def api(client, email, password, **extra):
    body = json.dumps({"email": email, "password": password})
    return client.post("/api/v1/auth/token", body, content_type="application/json", **extra)


def admin(client, email, password, **extra):
    data = {"username": email, "password": password, "next": "/admin/"}
    return client.post("/admin/login/?next=/admin/", data, **extra)


def another(client):
    """A second browser (no cookies), for signing in while `client` is someone else's."""
    other = Client()
    other.handler = client.handler
    return other


def fail(client, email, times=FAILURES, **extra):
    for _ in range(times):
        response = form(client, email, "wrong-password", **extra)
        assert response.status_code in (200, 429)
    return response


def test_settings_hold_the_numbers():
    assert (FAILURES, MINUTES) == (5, 15)
    assert settings.SENDESK_LOCKOUT_ADDRESS_FAILURES == 30


def test_four_failures_do_not_lock(world, client):
    fail(client, "alice@test.example", times=FAILURES - 1)
    assert form(client, "alice@test.example", PASSWORD).status_code == 302


def test_five_failures_lock_the_form_even_for_the_right_password(world, client, now):
    last = fail(client, "Alice@Test.Example ")  # any case: one account
    assert last.status_code == 429  # the fifth failure already says so
    response = form(client, "alice@test.example", PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == str(MINUTES * 60 + 1)
    body = response.content.decode()
    assert "This account is locked for 15 minutes" in body
    assert "Try again after 10:15" in body  # locked to 10:15:00 (Retry-After: 10:15:01)
    assert 'value="alice@test.example"' in body  # what was typed is kept
    assert 'class="error-summary" role="alert"' in body
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # not signed in


def test_the_lock_ends_after_15_minutes(world, client, now):
    fail(client, "alice@test.example")
    now.shift(dt.timedelta(minutes=MINUTES))
    assert form(client, "alice@test.example", PASSWORD).status_code == 429  # still 10:15:00
    now.shift(dt.timedelta(seconds=1))
    assert form(client, "alice@test.example", PASSWORD).status_code == 302
    assert client.get("/").url == "/my-day/"


def test_knocking_while_locked_does_not_extend_the_lock(world, client, now):
    fail(client, "alice@test.example")
    for _ in range(10):
        now.shift(dt.timedelta(minutes=1))
        assert form(client, "alice@test.example", "wrong-again").status_code == 429
    now.shift(dt.timedelta(minutes=MINUTES - 10, seconds=1))
    assert form(client, "alice@test.example", PASSWORD).status_code == 302


def test_failures_older_than_the_window_do_not_count(world, client, now):
    fail(client, "alice@test.example", times=FAILURES - 1)
    now.shift(dt.timedelta(minutes=MINUTES, seconds=1))
    fail(client, "alice@test.example", times=1)
    assert form(client, "alice@test.example", PASSWORD).status_code == 302


def test_the_api_answers_429_with_retry_after_and_when(world, client, now):
    for _ in range(FAILURES - 1):
        assert api(client, "alice@test.example", "nope").status_code == 401
    locked = api(client, "alice@test.example", "nope")
    assert locked.status_code == 429
    response = api(client, "alice@test.example", PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == str(MINUTES * 60 + 1)
    body = response.json()
    assert body["retry_after"] == MINUTES * 60 + 1
    assert body["locked_until"].startswith("2026-11-18T10:15:01")
    assert "locked" in body["detail"] and "after 10:15" in body["detail"]
    now.shift(dt.timedelta(minutes=MINUTES, seconds=1))
    assert api(client, "alice@test.example", PASSWORD).status_code == 200


def test_a_lock_made_on_the_form_holds_on_the_api_and_the_admin(world, client, now):
    User.objects.filter(pk=world.head.pk).update(is_staff=True, is_superuser=True)
    fail(client, "head@test.example")
    assert api(client, "head@test.example", PASSWORD).status_code == 429
    response = admin(client, "head@test.example", PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == str(MINUTES * 60 + 1)
    assert "This account is locked for 15 minutes" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # not signed in to the admin either
    now.shift(dt.timedelta(minutes=MINUTES, seconds=1))
    assert admin(client, "head@test.example", PASSWORD).status_code == 302
    # Signed in by the password; the second factor comes next, as on the form.
    assert client.session["_auth_user_id"] == str(world.head.pk)
    assert client.get("/admin/").url == "/account/second-factor/set-up/?next=%2Fadmin%2F"


def test_failures_on_the_admin_lock_the_form(world, client):
    for _ in range(FAILURES):
        admin(client, "alice@test.example", "wrong")
    assert form(client, "alice@test.example", PASSWORD).status_code == 429


def test_another_accounts_failures_do_not_lock_this_one(world, client):
    fail(client, "bob@test.example")
    fail(client, "hana@test.example", times=FAILURES - 1)
    assert form(client, "bob@test.example", PASSWORD).status_code == 429
    assert form(client, "alice@test.example", PASSWORD).status_code == 302


def test_an_unknown_address_is_locked_the_same_way(world, client):
    """A lockout says nothing about whether the account exists: the same words."""
    fail(client, "nobody-here@test.example")
    fail(client, "alice@test.example")
    unknown = form(client, "nobody-here@test.example", "x")
    known = form(client, "alice@test.example", "x")
    assert unknown.status_code == known.status_code == 429
    assert unknown["Retry-After"] == known["Retry-After"]

    def words(response):  # the page less its CSRF token, which differs on every response
        token = r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"'
        return re.sub(token, "", response.content.decode())

    assert words(unknown).replace("nobody-here", "alice") == words(known)


def test_a_lock_lasts_whatever_address_the_failures_come_from(world, client):
    for n in range(FAILURES):
        form(client, "alice@test.example", "wrong", REMOTE_ADDR=f"198.51.100.{n}")
    assert form(client, "alice@test.example", PASSWORD, REMOTE_ADDR="192.0.2.9").status_code == 429


def test_an_address_failing_across_accounts_is_paused(world, client, now):
    spray = {"REMOTE_ADDR": "203.0.113.7"}
    limit = settings.SENDESK_LOCKOUT_ADDRESS_FAILURES
    for n in range(limit):  # each account fails once: none is locked
        response = form(client, f"guess{n}@test.example", "Password1", **spray)
        assert response.status_code == 200, n
    response = form(client, "alice@test.example", PASSWORD, **spray)
    assert response.status_code == 429
    assert "paused" in response.content.decode()
    assert int(response["Retry-After"]) == MINUTES * 60 + 1
    assert api(client, "alice@test.example", PASSWORD, **spray).status_code == 429
    # Alice herself is not locked: from another address she signs in.
    assert form(client, "alice@test.example", PASSWORD).status_code == 302
    # One lockout row for the address, when it reached the limit.
    rows = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKED_OUT)
    assert [(r.user_id, r.ip, r.detail["scope"]) for r in rows] == [
        (None, "203.0.113.7", "address")
    ]
    now.shift(dt.timedelta(minutes=MINUTES, seconds=1))
    assert form(client, "alice@test.example", PASSWORD, **spray).status_code == 302


def test_a_lockout_is_recorded_once_in_the_security_trail(world, client):
    fail(client, "alice@test.example")
    form(client, "alice@test.example", PASSWORD)
    api(client, "alice@test.example", PASSWORD)
    rows = SecurityEvent.objects.filter(email="alice@test.example").order_by("id")
    kinds = [r.kind for r in rows]
    # 5 failures, the lockout, then the 2 tries refused while locked (failures too).
    assert kinds == ["sign_in_failed"] * 5 + ["locked_out"] + ["sign_in_failed"] * 2
    locked = rows.get(kind="locked_out")
    assert locked.user == world.alice and locked.ip == "127.0.0.1"
    assert locked.detail["scope"] == "account" and locked.detail["failures"] == 5


def test_axes_state_does_not_leak_between_tests_part_1(world, client):
    fail(client, "alice@test.example")
    assert AccessAttempt.objects.filter(username="alice@test.example").exists()


def test_axes_state_does_not_leak_between_tests_part_2(world, client):
    # Runs after part 1 (same module, file order): its failures were rolled back.
    assert not AccessAttempt.objects.exists()
    assert form(client, "alice@test.example", PASSWORD).status_code == 302


# --- The head sees and lifts locks -----------------------------------------------------


def test_the_head_sees_current_locks_of_their_school(world, client, as_user):
    door = another(client)
    for _ in range(FAILURES):
        form(door, "alice@test.example", "wrong", REMOTE_ADDR="198.51.100.4")
    fail(door, "olga@other.example")  # another school's SENCO: not Helen's to see
    fail(door, "someone@nowhere.example")  # no account: not a school's
    page = as_user(world.head).get("/sign-in-locks/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "alice@test.example" in body and "198.51.100.4" in body
    assert "olga@other.example" not in body and "someone@nowhere.example" not in body
    row = body.split("<strong>alice@test.example</strong>", 1)[1].split("</tr>", 1)[0]
    assert ">10:00<" in row and ">10:15<" in row and ">5<" in row
    # No address is paused: the section says none.
    assert 'Addresses paused now <span class="muted">(0)</span>' in body


def test_the_head_lifts_a_lock_after_confirming(world, client, as_user):
    door = another(client)
    fail(door, "alice@test.example")
    head = as_user(world.head)
    ask = head.post("/sign-in-locks/lift/", {"scope": "account", "key": "alice@test.example"})
    assert ask.status_code == 200
    assert "Lift the lock on alice@test.example?" in ask.content.decode()
    assert form(door, "alice@test.example", PASSWORD).status_code == 429  # not yet
    done = head.post(
        "/sign-in-locks/lift/",
        {"scope": "account", "key": "alice@test.example", "confirm": "yes"},
    )
    assert done.status_code == 302 and done.url == "/sign-in-locks/"
    lifted = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOCKOUT_LIFTED)
    assert (lifted.user, lifted.actor, lifted.email) == (
        world.alice,
        world.head,
        "alice@test.example",
    )
    assert lifted.detail["failures"] == 5
    assert "alice@test.example can sign in again" in head.get("/sign-in-locks/").content.decode()
    assert form(door, "alice@test.example", PASSWORD).status_code == 302


def test_a_head_cannot_lift_another_schools_lock(world, client, as_user):
    door = another(client)
    fail(door, "olga@other.example")
    data = {"scope": "account", "key": "olga@other.example", "confirm": "yes"}
    response = as_user(world.head).post("/sign-in-locks/lift/", data)
    assert response.status_code == 302  # "no lock on that account now", as for none at all
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT_LIFTED).exists()
    assert form(door, "olga@other.example", PASSWORD).status_code == 429


@pytest.mark.parametrize("person", ["alice", "senco", "dsl", "theo", "pat"])
def test_other_roles_get_404(world, client, as_user, person):
    door = another(client)
    fail(door, "bob@test.example")
    them = as_user(getattr(world, person))
    assert them.get("/sign-in-locks/").status_code == 404
    data = {"scope": "account", "key": "bob@test.example", "confirm": "yes"}
    assert them.post("/sign-in-locks/lift/", data).status_code == 404
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT_LIFTED).exists()
    assert form(door, "bob@test.example", PASSWORD).status_code == 429


def test_the_head_finds_the_page_in_the_menu(world, as_user):
    assert 'href="/sign-in-locks/"' in as_user(world.head).get("/pupils/").content.decode()
    assert 'href="/sign-in-locks/"' not in as_user(world.senco).get("/pupils/").content.decode()


def test_an_admin_sees_and_lifts_an_address_pause(world, client, as_user):
    door = another(client)
    admin_user = User.objects.create_superuser("it@test.example", PASSWORD, full_name="Ian It")
    spray = {"REMOTE_ADDR": "203.0.113.9"}
    for n in range(settings.SENDESK_LOCKOUT_ADDRESS_FAILURES):
        form(door, f"guess{n}@test.example", "Password1", **spray)
    it = as_user(admin_user)
    body = it.get("/sign-in-locks/").content.decode()
    assert "203.0.113.9" in body and "Addresses paused now" in body
    it.post("/sign-in-locks/lift/", {"scope": "address", "key": "203.0.113.9", "confirm": "yes"})
    lifted = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOCKOUT_LIFTED)
    assert lifted.actor == admin_user and lifted.detail["address"] == "203.0.113.9"
    assert form(door, "alice@test.example", PASSWORD, **spray).status_code == 302


def test_a_head_sees_and_lifts_the_pause_of_their_schools_address(world, client, as_user):
    # Found by hand: a school's staff share one public address; made-up addresses tried from
    # it paused sign-in for everyone there, and the head could neither see nor lift it.
    door = another(client)
    school = {"REMOTE_ADDR": "203.0.113.20"}
    for n in range(settings.SENDESK_LOCKOUT_ADDRESS_FAILURES):
        form(door, f"guess{n}@nowhere.example", "Password1", **school)
    elsewhere = {"REMOTE_ADDR": "198.51.100.77"}  # a pause that is nothing to do with Helen
    for n in range(settings.SENDESK_LOCKOUT_ADDRESS_FAILURES):
        form(door, f"guess{n}@nowhere.example", "Password1", **elsewhere)
    assert form(door, "alice@test.example", PASSWORD, **school).status_code == 429
    head = as_user(world.head)
    body = head.get("/sign-in-locks/", **school).content.decode()
    assert "203.0.113.20" in body and "198.51.100.77" not in body
    # Not Helen's to lift from elsewhere either.
    head.post("/sign-in-locks/lift/", {"scope": "address", "key": "198.51.100.77",
                                       "confirm": "yes"}, **school)  # fmt: skip
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT_LIFTED).exists()
    head.post("/sign-in-locks/lift/", {"scope": "address", "key": "203.0.113.20",
                                       "confirm": "yes"}, **school)  # fmt: skip
    lifted = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOCKOUT_LIFTED)
    assert lifted.actor == world.head and lifted.detail["address"] == "203.0.113.20"
    assert form(door, "alice@test.example", PASSWORD, **school).status_code == 302


def test_a_head_sees_a_pause_of_an_address_their_people_failed_from(world, client, as_user):
    door = another(client)
    spray = {"REMOTE_ADDR": "203.0.113.21"}
    form(door, "alice@test.example", "wrong", **spray)
    for n in range(settings.SENDESK_LOCKOUT_ADDRESS_FAILURES):
        form(door, f"guess{n}@nowhere.example", "Password1", **spray)
    body = as_user(world.head).get("/sign-in-locks/").content.decode()
    assert "203.0.113.21" in body


def test_lifting_a_lock_that_has_ended_says_so(world, client, as_user, now):
    door = another(client)
    fail(door, "alice@test.example")
    now.shift(dt.timedelta(minutes=MINUTES, seconds=1))
    head = as_user(world.head)
    data = {"scope": "account", "key": "alice@test.example", "confirm": "yes"}
    response = head.post("/sign-in-locks/lift/", data, follow=True)
    assert "There is no lock on that account or address now." in response.content.decode()
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT_LIFTED).exists()
