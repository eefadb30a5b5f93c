"""Before an idle session ends the page warns, and "Stay signed in" keeps it going; when it
does end, what was typed is kept on the device and put back after signing in again, and a
form sent after the end is not lost either. The server's time is frozen and moved with
`now`; the browser's with Playwright's clock, so nobody waits 30 minutes."""

import datetime as dt

from playwright.sync_api import expect

from sendesk.accounts.models import User
from sendesk.signin import mfa
from tests.second_factor import enrol
from tests.world import PASSWORD

from .signin import log_in, second_step

COURSE = "Team Teach refresher, Leeds"
PUT_BACK = "What you typed before you were signed out has been put back."
IDLE_TEXT = "You were signed out because nothing happened for 30 minutes."


def _sign_in_again(page, email):
    expect(page.get_by_text(IDLE_TEXT)).to_be_visible()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    person = User.objects.get(email=email)
    if mfa.has_second_factor(person):
        second_step(page, enrol(person))
    page.wait_for_url(lambda url: "/login/" not in url)
    page.wait_for_load_state("load")


def test_warned_then_kept_signed_in_then_what_was_typed_survives_the_end(
    live_world, live_server, phone, now
):
    w, base = live_world, live_server.url
    phone.clock.install()
    log_in(phone, base, w.senco.email)
    phone.goto(f"{base}/staff/training/new/")
    phone.get_by_label("Course").fill(COURSE)

    # 28½ minutes later, the warning; the keyboard is on "Stay signed in".
    now.shift(dt.timedelta(minutes=28, seconds=30))
    phone.clock.fast_forward("28:30")
    dialog = phone.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_visible()
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    with phone.expect_response(lambda r: "/session/keep-alive/" in r.url) as answer:
        phone.keyboard.press("Enter")
    assert answer.value.status == 200
    expect(dialog).to_be_hidden()

    # Then nothing for 31 minutes: the page goes to the login page, which says why.
    now.shift(dt.timedelta(minutes=31))
    phone.clock.fast_forward("31:00")
    phone.wait_for_url(lambda url: "/login/" in url)
    _sign_in_again(phone, w.senco.email)
    assert phone.url == f"{base}/staff/training/new/"
    expect(phone.get_by_label("Course")).to_have_value(COURSE)
    expect(phone.get_by_text(PUT_BACK)).to_be_visible()


def test_a_form_sent_after_the_end_is_put_back_after_signing_in(
    live_world, live_server, phone, now
):
    w, base = live_world, live_server.url
    log_in(phone, base, w.senco.email)
    phone.goto(f"{base}/staff/training/new/")
    phone.get_by_label("Course").fill(COURSE)
    # The device slept through the end (no warning ran): the form is sent anyway.
    now.shift(dt.timedelta(minutes=45))
    phone.get_by_role("button", name="Save training record").click()
    phone.wait_for_url(lambda url: "/login/" in url)
    _sign_in_again(phone, w.senco.email)
    assert phone.url == f"{base}/staff/training/new/"
    expect(phone.get_by_label("Course")).to_have_value(COURSE)
    expect(phone.get_by_text(PUT_BACK)).to_be_visible()
    # Put back once: the next visit starts empty.
    phone.goto(f"{base}/staff/training/new/")
    expect(phone.get_by_label("Course")).to_have_value("")


def test_at_the_end_of_the_longest_sign_in_there_is_no_staying(
    live_world, live_server, phone, settings
):
    settings.SESSION_COOKIE_AGE = 20 * 60  # shorter than the idle limit, to meet it first
    w, base = live_world, live_server.url
    phone.clock.install()
    log_in(phone, base, w.alice.email)
    phone.clock.fast_forward("18:30")
    dialog = phone.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("signed in for as long as a sign-in lasts")).to_be_visible()
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_hidden()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
