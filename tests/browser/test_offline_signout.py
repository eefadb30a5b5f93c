"""A shared tablet (issue 13). Signing out with records not yet sent asks first: send now,
or keep them on this device for me. Kept records stay encrypted, tagged with their person:
the next person to sign in neither sees nor sends them, and the key and My day are gone;
when their own person signs in again they are sent."""

import re

from playwright.sync_api import expect

from sendesk.behaviour.models import Incident

from .offline import KEYS_AND_PACKS, OUTBOX_ROWS, go_offline, pupil_card, save_my_day
from .signin import log_in

OUTBOX = "**/api/v1/offline/outbox"


def log_out(page):
    page.get_by_text("Menu").click()
    page.get_by_role("button", name="Log out").click()


def test_unsent_records_kept_at_sign_out_are_never_anyone_elses(live_world, live_server, narrow):
    w, base, page = live_world, live_server.url, narrow
    log_in(page, base, w.alice.email)
    save_my_day(page, base)
    go_offline(page, base)
    pupil_card(page, "Ben Brown").get_by_role("button", name="Incident").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Low", exact=True).click()
    dialog.get_by_label("What they did").fill("Left the table during phonics")
    dialog.get_by_role("button", name="Save on this device").click()

    # The network is back but SENDesk cannot take records just now (a server fault).
    page.context.route(OUTBOX, lambda route: route.fulfill(status=503, body="{}"))
    page.context.set_offline(False)
    page.goto(f"{base}/my-day/")
    expect(page.locator("body[data-offline-saved]")).to_have_count(1)
    expect(page.get_by_role("status").filter(has_text="not saved yet")).to_be_visible()

    # Sign-out asks; "Send now" cannot send; she keeps the record on the device.
    log_out(page)
    ask = page.get_by_role("dialog", name="Records not sent yet")
    expect(ask).to_contain_text("1 record you made on this device has not been saved")
    ask.get_by_role("button", name="Send now").click()
    expect(ask.get_by_role("alert")).to_contain_text("still not saved")
    ask.get_by_role("button", name="Keep on this device for me").click()
    page.wait_for_url(re.compile(r"/login/"))
    # Her key and My day are gone; the record stays, encrypted, hers.
    assert page.evaluate(KEYS_AND_PACKS) == [0, 0]
    rows = page.evaluate(OUTBOX_ROWS)
    assert [(r["user"], r["state"], r["plain"]) for r in rows] == [
        (str(w.alice.pk), "waiting", False)
    ]
    page.context.unroute(OUTBOX)

    # Bob signs in on the same tablet: nothing of Alice's is shown to him or sent as him.
    log_in(page, base, w.bob.email)
    save_my_day(page, base)
    expect(page.locator("[data-offline-outbox-note]")).to_have_count(0)
    page.goto(f"{base}/offline/")
    expect(page.locator("body[data-shell-ready]")).to_have_count(1)
    expect(page.locator("li.outbox-item")).to_have_count(0)
    assert Incident.objects.count() == 0
    page.goto(f"{base}/my-day/")
    expect(page.locator("body[data-offline-saved]")).to_have_count(1)
    log_out(page)  # nothing of his unsent: no question
    page.wait_for_url(re.compile(r"/login/"))
    assert [r["user"] for r in page.evaluate(OUTBOX_ROWS)] == [str(w.alice.pk)]

    # Alice again: her record is read with her key and sent, once.
    log_in(page, base, w.alice.email)
    # (the page marks its body once the device agrees with it and has sent what it could)
    expect(page.locator("body[data-offline-settled]")).to_have_count(1)
    assert [r["state"] for r in page.evaluate(OUTBOX_ROWS)] == ["saved"]
    incident = Incident.objects.get()
    assert (incident.recorded_by_id, incident.behaviour) == (
        w.alice.pk,
        "Left the table during phonics",
    )
