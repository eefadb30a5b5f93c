"""After a failed submit, focus is on the error summary (so a screen reader reads it out and
the keyboard starts from it), on every kind of form: one rule in sendesk.js. Without script,
the summary is still the first thing in the form."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .signin import log_in

FOCUSED_SUMMARY = """() => {
  const el = document.activeElement;
  return el && el.classList.contains("error-summary") ? el.innerText : null;
}"""

# (who, url name, kwargs from the world, the button that sends the form empty)
FORMS = [
    ("alice", "incident_new", lambda w: {"pupil_id": w.ben.pk}, "Save incident"),
    ("senco", "intervention_new", lambda w: {"pupil_id": w.ben.pk}, "Save record"),
    ("senco", "pupil_new", lambda w: {}, "Add pupil"),
    ("senco", "medicine_new", lambda w: {"pupil_id": w.ben.pk}, "Save the medicine"),
    ("senco", "equipment_new", lambda w: {}, "Add to the register"),
    ("senco", "training_new", lambda w: {}, "Save training record"),
    ("senco", "referral_new", lambda w: {"pupil_id": w.ben.pk}, "Refer"),
    ("alice", "safeguarding_report", lambda w: {}, "Send to the DSL team"),
]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_failed_form_puts_focus_on_its_error_summary(live_world, live_server, page):
    w, base = live_world, live_server.url
    failures = []
    who = None
    for person, name, kwargs, button in FORMS:
        if person != who:
            page.context.clear_cookies()
            log_in(page, base, getattr(w, person).email)
            who = person
        page.goto(base + reverse(name, kwargs=kwargs(w)))
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state()
        expect(page.locator(".error-summary").first).to_be_visible()
        focused = page.evaluate(FOCUSED_SUMMARY)
        if focused is None:
            active = page.evaluate("document.activeElement.tagName")
            failures.append(f"{name}: focus is on <{active.lower()}>")
        elif "Not saved" not in focused:
            failures.append(f"{name}: the focused summary says {focused!r}")
    assert failures == []


def test_the_login_form_focuses_its_summary_and_says_what_is_missing(live_world, live_server, page):
    base = live_server.url
    page.goto(f"{base}/login/")
    expect(page.get_by_label("E-mail address")).to_be_focused()
    page.get_by_role("button", name="Log in").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter your e-mail address.")
    expect(page.get_by_label("Password")).to_have_accessible_description("Enter your password.")


def test_without_script_the_summary_is_the_first_thing_in_the_form(
    browser, live_world, live_server
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        w, base = live_world, live_server.url
        log_in(page, base, w.senco.email)
        page.goto(base + reverse("pupil_new"))
        page.get_by_role("button", name="Add pupil").click()
        first = page.locator("main form > :not(input[type=hidden])").first
        expect(first).to_have_class(re.compile(r"\berror-summary\b"))
        expect(first).to_be_visible()
    finally:
        context.close()
