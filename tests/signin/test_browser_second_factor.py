"""In a browser at 320 CSS px: the SENCO sets up an authenticator from the key written on
the page (as someone who cannot scan would), keeps the recovery codes, and later signs in
with a code; a wrong code puts focus on the error summary."""

import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from sendesk.signin import mfa

from ..second_factor import code_for
from ..world import PASSWORD

pytestmark = pytest.mark.browser

FITS = "document.documentElement.scrollWidth <= window.innerWidth"
FOCUSED_SUMMARY = """() => {
  const el = document.activeElement;
  return el && el.classList.contains("error-summary") ? el.innerText : null;
}"""


@pytest.fixture
def narrow(browser):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def password(page, base, email):
    page.goto(f"{base}/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_the_senco_sets_up_a_second_factor_and_signs_in_with_it(
    live_world, live_server, narrow, now
):
    w, base = live_world, live_server.url
    password(narrow, base, w.senco.email)
    narrow.wait_for_url(re.compile(r"/account/second-factor/set-up/"))
    expect(narrow.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert narrow.evaluate(FITS), "the set-up page scrolls sideways at 320 px"

    # Typed from the page, as an app is given it when the QR code cannot be scanned.
    key = narrow.locator("#secret").inner_text().replace("Key:", "")
    key = re.sub(r"\s", "", key)
    code = f"{totp(bytes.fromhex(mfa.totp_key(key))):06d}"
    narrow.get_by_label("6-digit code from your authenticator app").fill(code)
    narrow.get_by_role("button", name="Confirm").click()
    expect(narrow.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(narrow.locator("#recovery-codes li")).to_have_count(10)
    assert narrow.evaluate(FITS), "the recovery codes scroll sideways at 320 px"
    narrow.get_by_role("link", name="I have kept them: continue").click()
    narrow.wait_for_url(re.compile(r"/overview/"))

    # Next time: the password, then the second step; a wrong code first.
    narrow.context.clear_cookies()
    password(narrow, base, w.senco.email)
    narrow.wait_for_url(re.compile(r"/login/second-step/"))
    field = narrow.get_by_label("6-digit code from your authenticator app")
    expect(field).to_have_attribute("autocomplete", "one-time-code")
    expect(field).to_have_attribute("inputmode", "numeric")
    assert narrow.evaluate(FITS), "the second step scrolls sideways at 320 px"
    field.fill("000000")
    narrow.get_by_role("button", name="Continue").click()
    narrow.wait_for_load_state("load")
    focused = narrow.evaluate(FOCUSED_SUMMARY)
    assert focused and "That code is not right" in focused
    expect(narrow.get_by_label("6-digit code from your authenticator app")).to_have_value("000000")

    now.shift(31)  # the app's next code, after django-otp's pause for the wrong one
    narrow.get_by_label("6-digit code from your authenticator app").fill(code_for(w.senco))
    narrow.get_by_role("button", name="Continue").click()
    narrow.wait_for_url(re.compile(r"/overview/"))
    expect(narrow.get_by_role("heading", level=1)).to_be_visible()
