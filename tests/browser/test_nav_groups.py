"""The bar's groups (Staff, Your account) as the head: on a wide screen a group drops down
from its button by keyboard and Escape closes it; on a 320 px phone the groups open inside
the menu without anything scrolling sideways."""

import re

from playwright.sync_api import expect

from .signin import log_in
from .test_phone_layout import no_sideways_scroll


def test_the_staff_group_opens_by_keyboard_and_escape_closes_it(live_world, live_server, browser):
    w, base = live_world, live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        log_in(page, base, w.head.email)
        nav = page.get_by_role("navigation", name="Main")
        staff = nav.locator(".nav-group summary", has_text="Staff")
        expect(nav.get_by_role("link", name="Staff accounts")).to_be_hidden()
        staff.focus()
        page.keyboard.press("Enter")
        link = nav.get_by_role("link", name="Staff accounts")
        expect(link).to_be_visible()
        page.keyboard.press("Tab")
        expect(link).to_be_focused()
        page.keyboard.press("Escape")
        expect(link).to_be_hidden()
        expect(staff).to_be_focused()
        # Following a link in the group marks the group as the place one is.
        staff.click()
        nav.get_by_role("link", name="Staff", exact=True).click()
        expect(page).to_have_url(re.compile(r"/staff/$"))
        expect(nav.locator(".nav-group summary.current")).to_have_text("Staff")
    finally:
        context.close()


def test_groups_open_inside_the_phone_menu_without_sideways_scroll(
    live_world, live_server, browser
):
    w, base = live_world, live_server.url
    context = browser.new_context(viewport={"width": 320, "height": 640}, has_touch=True)
    page = context.new_page()
    try:
        log_in(page, base, w.head.email)
        page.locator("header.top details.menu > summary").tap()
        nav = page.get_by_role("navigation", name="Main")
        nav.locator(".nav-group summary", has_text="Staff").tap()
        expect(nav.get_by_role("link", name="Training needs")).to_be_visible()
        assert no_sideways_scroll(page)
    finally:
        context.close()
