"""Signing in as a person of tests/world.py, the way they would: one helper for every
browser test."""

from tests.world import PASSWORD


def log_in(page, base, email):
    """Log in and wait until the page they land on has run its scripts (the "load" event
    comes after htmx and sendesk.js have bound the page on DOMContentLoaded). A tap before
    that follows a link as plain HTML: "Record this session" then opened the form's own
    page instead of the card's, which made a test fail now and then."""
    page.goto(f"{base}/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    page.wait_for_load_state("load")
