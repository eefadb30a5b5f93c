"""Alice logs Ben's toileting from her phone: the first try without a second member of staff
is refused with the reason beside the field; then one tap for the kind, Tess picked, saved."""

import re

from playwright.sync_api import expect

from sendesk.care.models import CareEvent
from tests.world import PASSWORD


def test_alice_logs_care_on_a_phone(live_world, live_server, phone):
    w, base = live_world, live_server.url
    phone.goto(f"{base}/login/")
    phone.get_by_label("E-mail address").fill(w.alice.email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone).to_have_url(re.compile(r"/my-day/$"))

    phone.goto(f"{base}/care/")
    phone.get_by_role("link", name="Log care for Ben Brown: Toileting support").click()
    expect(phone.locator("#gender-preference")).to_contain_text("no preference")
    phone.get_by_label("pad change").check()
    phone.get_by_label("Observations").fill("Skin fine")
    phone.get_by_role("button", name="Save care log").click()

    summary = phone.locator(".error-summary")
    expect(summary).to_contain_text("This plan needs 2 staff")
    expect(phone.get_by_label("Observations")).to_have_value("Skin fine")
    assert CareEvent.objects.count() == 0

    phone.get_by_label("pad change").check()
    phone.get_by_label("Second member of staff").select_option(label="Tess Teacher")
    phone.get_by_role("button", name="Save care log").click()
    expect(phone.get_by_role("heading", name=re.compile("Pad change"))).to_be_visible()
    expect(phone.locator(".messages")).to_contain_text("Logged ✓ pad change for Ben Brown")
    event = CareEvent.objects.get()
    assert (event.kind, event.second_staff_id, event.observations) == (
        "pad change",
        w.tess.pk,
        "Skin fine",
    )
    # Nothing wider than the phone's screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
