"""On a phone, a TA reports a concern with a body-map mark placed by tapping and another
added by keyboard; she sees only that it was received; the DSL sees both marks."""

import re

import pytest
from playwright.sync_api import expect

from sendesk.safeguarding.models import Concern

# The shared sign-in: the DSL types the code from her authenticator app too.
from ..browser.signin import log_in

pytestmark = pytest.mark.browser


def test_report_with_body_map_on_a_phone(live_world, live_server, phone):
    w, base = live_world, live_server.url
    log_in(phone, base, w.alice.email)
    phone.goto(f"{base}/safeguarding/report/")

    # Dan is not in Alice's scope, but she finds him by name.
    phone.get_by_label("Find the pupil").fill("dale")
    phone.get_by_role("button", name="Find").click()
    phone.get_by_label(re.compile("Dale, Dan")).check()

    phone.get_by_label("What did you see, hear or were you told?").fill(
        "Dan flinched when I reached for his coat; bruise on his arm."
    )
    # Tap the front outline at the middle of the chest, and say what was there.
    front = phone.locator("svg.bodymap-target[data-side=front]")
    box = front.bounding_box()
    front.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.27})
    phone.get_by_label(re.compile("What you saw at mark 1")).fill("Red mark")
    phone.get_by_role("button", name="Save mark").click()
    expect(phone.locator(".bodymap-list li")).to_have_count(1)
    expect(phone.locator(".bodymap-list")).to_contain_text("Front, chest / upper back")

    # The keyboard alternative: side and position, without leaving the page.
    phone.get_by_label("Side").select_option("back")
    phone.get_by_label("Position").select_option("l_shoulder")
    phone.get_by_label("What you saw there").fill("Grip marks")
    phone.get_by_role("button", name="Add mark").click()
    expect(phone.locator(".bodymap-list li")).to_have_count(2)
    expect(phone.locator("svg.bodymap-target[data-side=back] g.mark")).to_have_count(1)

    phone.get_by_role("button", name="Send to the DSL team").click()
    expect(phone.get_by_role("heading", name=re.compile("Received"))).to_be_visible()
    expect(phone.locator("main")).not_to_contain_text("flinched")

    concern = Concern.objects.get()
    marks = concern.body_map
    assert [m["side"] for m in marks] == ["front", "back"]
    assert 45 <= marks[0]["x"] <= 55 and 24 <= marks[0]["y"] <= 30
    assert marks[0]["note"] == "Red mark" and marks[1]["note"] == "Grip marks"
    assert marks[1] == {"side": "back", "x": 30.0, "y": 20.5, "note": "Grip marks"}

    # Alice cannot open it; Dee sees it with both marks.
    response = phone.goto(f"{base}/safeguarding/concerns/{concern.pk}/")
    assert response.status == 404
    phone.context.clear_cookies()
    log_in(phone, base, w.dsl.email)
    phone.goto(f"{base}/safeguarding/concerns/{concern.pk}/")
    expect(phone.locator("main")).to_contain_text("flinched")
    expect(phone.locator("main")).to_contain_text("Back, left shoulder: Grip marks")
    expect(phone.locator("svg.bodymap-svg g.mark")).to_have_count(2)
