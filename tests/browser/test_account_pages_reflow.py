"""The signed-out account pages (forgot password, the e-mailed links) at 320 CSS px, in demo
mode: they reflow like every other page, and the demo banner sits above the header without
covering anything."""

from sendesk.accounts.models import User
from sendesk.signin.invites import invite_link

from .test_reflow import WIDTH, problems


def test_account_pages_and_the_demo_banner_fit_320_css_px(
    live_world, live_server, browser, settings
):
    settings.DEMO_MODE = True
    nia = User.objects.create_user("nia@test.example", None, full_name="Nia Newstaff")
    invite = invite_link(nia).removeprefix(settings.SITE_URL)
    context = browser.new_context(viewport={"width": WIDTH, "height": 640})
    page = context.new_page()
    base = live_server.url
    try:
        for path, status in [
            ("/login/", 200),
            ("/password/forgot/", 200),
            ("/password/forgot/sent/", 200),
            (invite, 200),  # redirected to its form
            ("/password/reset/MQ/not-a-token/", 410),
        ]:
            assert page.goto(base + path).status == status, path
            assert problems(page) == [], path
            banner = page.locator(".demo-banner")
            assert banner.inner_text() == "Demo — synthetic data"
            header = page.locator("header.top").bounding_box()
            box = banner.bounding_box()
            assert box["y"] + box["height"] <= header["y"] + 0.5, "the banner covers the header"
    finally:
        context.close()
