"""The SENCO on a phone (320 CSS px): the plan reads one adult under another with nothing
scrolling sideways, its unmet reason in words; the hand-change controls open by keyboard;
and the school day's form, sent with an overlap, says what it overlaps with focus on the
error summary and what was typed kept."""

from playwright.sync_api import expect

from tests.browser.conftest import narrow  # noqa: F401 - a fixture, for a test outside tests/browser
from tests.browser.signin import log_in
from tests.browser.test_reflow import problems

from .helpers import make_plan


def test_the_plan_and_the_school_day_on_a_phone(live_world, live_server, narrow):  # noqa: F811
    w, base = live_world, live_server.url
    made = make_plan(w, status="draft")
    log_in(narrow, base, w.senco.email)
    narrow.goto(f"{base}/deployment/plans/{made.plan.pk}/")
    assert problems(narrow) == []
    assert "No medication-trained adult free on Tuesday, Lesson 2." in narrow.inner_text(
        "#unmet + ul"
    )
    adults = narrow.locator("section.plan-adult")
    assert adults.count() == 3
    first, second = adults.nth(0).bounding_box(), adults.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"]  # stacked, not side by side
    change = narrow.locator("details.hand summary").first
    change.focus()
    narrow.keyboard.press("Enter")
    move = narrow.get_by_role("link", name="Give it to someone else…").first
    assert move.is_visible()
    assert problems(narrow) == []
    move.click()
    narrow.wait_for_url(lambda url: url.endswith("/move/"))
    assert narrow.get_by_label("Give it to").is_visible()
    assert problems(narrow) == []

    narrow.goto(f"{base}/deployment/school-day/")
    assert problems(narrow) == []
    narrow.get_by_label("Day", exact=True).select_option(label="Monday")
    narrow.get_by_label("Kind", exact=True).select_option(label="Lesson")
    narrow.get_by_label("Name", exact=True).fill("Assembly")
    narrow.get_by_label("Starts", exact=True).fill("09:30")
    narrow.get_by_label("Ends", exact=True).fill("09:50")
    narrow.get_by_role("button", name="Add period").click()
    summary = narrow.locator(".error-summary").last
    assert "That overlaps Lesson 1 (09:00–10:00) on Monday." in summary.inner_text()
    expect(summary).to_be_focused()
    assert narrow.get_by_label("Name", exact=True).input_value() == "Assembly"
    assert problems(narrow) == []
