"""Signing in as a person of tests/world.py, the way they would: one helper for every
browser test."""

from sendesk.accounts.models import User
from sendesk.signin import mfa
from tests.second_factor import code_for, enrol
from tests.world import PASSWORD


def log_in(page, base, email):
    """Log in (with the code from their authenticator app, for someone who uses a second
    factor) and wait until the page they land on has run its scripts (the "load" event
    comes after htmx and sendesk.js have bound the page on DOMContentLoaded). A tap before
    that follows a link as plain HTML: "Record this session" then opened the form's own
    page instead of the card's, which made a test fail now and then."""
    person = User.objects.get(email=email)
    device = None
    if mfa.second_factor_required(person) or mfa.has_second_factor(person):
        device = enrol(person)
    page.goto(f"{base}/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if device is not None:
        second_step(page, device)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.wait_for_load_state("load")


def second_step(page, device):
    """Type the code the person's authenticator app shows, at the step after the password
    (the sign-in form's, or /admin/'s)."""
    page.wait_for_url(lambda url: "/login/second-step/" in url)
    page.get_by_label("6-digit code from your authenticator app").fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
