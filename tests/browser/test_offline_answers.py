"""What the device makes of the server's answers and of its own clock (issue 13, review 13
findings 5, 6, 7 and 10): only the server's own "saved" for this very record counts as
saved (a portal's or proxy's page does not); another person's sign-in, 429 and 413 leave
the record waiting, never refused; a My day kept from another day says so and records on
the device's own date, or not at all; focus is never dropped to the page after "Correct it"
or "Dismiss"."""

import json

from playwright.sync_api import expect

from sendesk.behaviour.models import Incident

from .offline import go_offline, outbox_item, pupil_card, save_my_day
from .signin import log_in

OUTBOX = "**/api/v1/offline/outbox"

# Moves this device's idea of the server's clock (the skew kept beside the key) by hours:
# the device now reads that much later, as a tablet kept overnight would.
LATER = """(hours) => new Promise((resolve) => {
  const r = indexedDB.open("sendesk-offline");
  r.onsuccess = () => {
    const t = r.result.transaction("keys", "readwrite"), s = t.objectStore("keys");
    s.getAll().onsuccess = (e) => e.target.result.forEach((k) => {
      k.skew = (k.skew || 0) - hours * 3600 * 1000; s.put(k);
    });
    t.oncomplete = () => { r.result.close(); resolve(); };
  };
})"""

FOCUSED = (
    "document.activeElement && (document.activeElement.dataset.seq || document.activeElement.id)"
)


def record_incident(page, what, card=None):
    (card or pupil_card(page, "Ben Brown")).get_by_role("button", name="Incident").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Low", exact=True).click()
    dialog.get_by_label("What they did").fill(what)
    dialog.get_by_role("button", name="Save on this device").click()
    expect(dialog).to_be_hidden()


def send_now(page):
    """Tap "Send now" and wait for the outbox's answer: the next step changes what the
    server answers, so this round must have had its answer first (a message left from the
    step before would otherwise pass the step's check at once)."""
    with page.expect_response(lambda r: r.url.endswith("/api/v1/offline/outbox")):
        page.get_by_role("button", name="Send now").click()


def answer(status, body, content_type="application/json"):
    text = body if isinstance(body, str) else json.dumps(body)
    return lambda route: route.fulfill(status=status, body=text, content_type=content_type)


def test_only_the_servers_own_saved_counts(live_world, live_server, narrow):
    w, base, page = live_world, live_server.url, narrow
    log_in(page, base, w.alice.email)
    save_my_day(page, base)
    go_offline(page, base)
    record_incident(page, "Left the table during phonics")
    item = outbox_item(page, "Incident")

    # A captive portal answers 200 with its own page: the record waits, it is not "saved".
    page.context.route(
        OUTBOX, answer(200, "<!doctype html><title>Sign in to the Wi-Fi</title>", "text/html")
    )
    page.context.set_offline(False)
    expect(item.filter(has_text="could not take it just now")).to_have_count(1)
    expect(item).to_have_attribute("data-state", "waiting")
    page.context.unroute(OUTBOX)

    # JSON "saved" about another record is not this one's answer either.
    page.context.route(OUTBOX, answer(200, {"status": "saved", "client_id": "someone-else"}))
    send_now(page)
    expect(item.filter(has_text="could not take it just now")).to_have_count(1)
    expect(item).to_have_attribute("data-state", "waiting")
    page.context.unroute(OUTBOX)

    # Someone else is signed in on this browser: it waits for its own person, by name.
    page.context.route(
        OUTBOX, answer(409, {"status": "refused", "code": "other_person", "message": "x"})
    )
    send_now(page)
    expect(item.filter(has_text="sign in as Alice Assistant to send it")).to_have_count(1)
    expect(item).to_have_attribute("data-state", "waiting")
    expect(item.get_by_role("button", name="Dismiss (not saved)")).to_have_count(0)
    page.context.unroute(OUTBOX)

    # A proxy's "too many requests" or "too large" is no refusal.
    for status in (429, 413):
        page.context.route(
            OUTBOX, answer(status, {"status": "refused", "code": "x", "message": "x"})
        )
        send_now(page)
        expect(item.filter(has_text="could not take it just now")).to_have_count(1)
        expect(item).to_have_attribute("data-state", "waiting")
        page.context.unroute(OUTBOX)
    assert Incident.objects.count() == 0

    # A refusal in the server's own shape: refused. "Correct it", save: focus is on the
    # corrected record's line, not lost to the page.
    page.context.route(
        OUTBOX, answer(422, {"status": "refused", "code": "invalid", "message": "Say more."})
    )
    send_now(page)
    expect(item).to_have_attribute("data-state", "refused")
    seq = item.get_attribute("data-seq")
    item.get_by_role("button", name="Correct it").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Save on this device").click()
    expect(dialog).to_be_hidden()
    page.wait_for_function(f"({FOCUSED}) === {json.dumps(seq)}")
    expect(item).to_have_attribute("data-state", "refused")

    # Dismissed: the line is gone and focus goes to the page's main part, not <body>.
    page.once("dialog", lambda d: d.accept())
    item.get_by_role("button", name="Dismiss (not saved)").click()
    expect(page.locator("li.outbox-item")).to_have_count(0)
    page.wait_for_function(f"['outbox-title', 'main'].includes({FOCUSED})")
    page.context.unroute(OUTBOX)

    # The real server: saved, once.
    record_incident(page, "Threw a pencil")
    expect(outbox_item(page, "Incident")).to_have_attribute("data-state", "saved")
    assert Incident.objects.count() == 1


def test_a_my_day_kept_from_another_day_says_so(live_world, live_server, narrow):
    w, base, page = live_world, live_server.url, narrow
    log_in(page, base, w.alice.email)
    save_my_day(page, base)
    go_offline(page, base)
    expect(page.get_by_role("heading", name="Today, Wednesday 18 November")).to_be_visible()
    expect(page.locator("[data-stale]")).to_have_count(0)

    # The tablet's clock reads the next morning (01:00, Thursday): that day's plan, kept as
    # the next school day, is today's now, and records are dated Thursday.
    page.evaluate(LATER, 15)
    page.goto(f"{base}/offline/")
    expect(page.locator("body[data-shell-ready]")).to_have_count(1)
    expect(
        page.get_by_text(
            "This was saved on Wednesday 18 November: today's plan is not on this device"
        )
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Today, Thursday 19 November")).to_be_visible()
    expect(page.get_by_role("heading", name="Saved for Wednesday 18 November")).to_be_visible()
    thursday = page.locator('section[data-date="2026-11-19"] article.offline-pupil').filter(
        has=page.get_by_role("heading", name="Ben Brown")
    )
    record_incident(page, "Left the table during phonics", thursday)
    # The form closed: focus is back on the button that opened it.
    page.wait_for_function("document.activeElement.dataset.record === 'incident'")
    expect(outbox_item(page, "Incident")).to_contain_text("Thu 19 Nov")

    # A day later still (Friday): nothing on the device is that day's plan, so nothing can
    # be recorded, but the pupils' medicines and emergency steps still show.
    page.evaluate(LATER, 24)
    page.goto(f"{base}/offline/")
    expect(page.locator("body[data-shell-ready]")).to_have_count(1)
    expect(page.get_by_text("Nothing can be recorded here today")).to_be_visible()
    expect(page.get_by_role("heading", name="In an emergency").first).to_be_visible()
    expect(page.get_by_text("Salbutamol").first).to_be_attached()
    expect(page.locator("[data-record]")).to_have_count(0)
