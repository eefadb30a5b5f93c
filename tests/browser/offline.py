"""What the offline browser tests share (issue 13): a TA's My day saved on the device with
a signal, the network cut with Playwright's offline mode, and a look inside the device's
IndexedDB from the page."""

from playwright.sync_api import expect

OFFLINE_BANNER = "Offline — saved on this device, will send when connected"

# The device's databases, by name (the offline store is "sendesk-offline").
DATABASES = "indexedDB.databases().then((list) => list.map((d) => d.name))"

# The device's records: [{seq, user, state}] (their contents are encrypted).
OUTBOX_ROWS = """() => new Promise((resolve) => {
  const r = indexedDB.open("sendesk-offline");
  r.onsuccess = () => {
    const db = r.result;
    if (!db.objectStoreNames.contains("outbox")) { db.close(); resolve([]); return; }
    const all = db.transaction("outbox").objectStore("outbox").getAll();
    all.onsuccess = () => {
      db.close();
      resolve(all.result.map((x) => ({seq: x.seq, user: x.user, state: x.state,
                                      plain: typeof x.ct === "string"})));
    };
  };
})"""

# How many keys and packs the device holds.
KEYS_AND_PACKS = """() => new Promise((resolve) => {
  const r = indexedDB.open("sendesk-offline");
  r.onsuccess = () => {
    const db = r.result, t = db.transaction(["keys", "packs"]);
    const k = t.objectStore("keys").count(), p = t.objectStore("packs").count();
    t.oncomplete = () => { db.close(); resolve([k.result, p.result]); };
  };
})"""


def save_my_day(page, base):
    """My day opened with a signal: the device has the person's key and My day, and the
    service worker controls the page (so a page fetched with no network gets the shell)."""
    if "/my-day/" not in page.url:
        page.goto(f"{base}/my-day/")
    expect(page.locator("body[data-offline-saved]")).to_have_count(1)
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def go_offline(page, base):
    """Cut the network and open My day: the service worker answers with the offline shell."""
    page.context.set_offline(True)
    page.goto(f"{base}/my-day/")
    expect(page.get_by_text(OFFLINE_BANNER)).to_be_visible()
    expect(page.locator("body[data-shell-ready]")).to_have_count(1)


def session_button(card, provision):
    """The "Record session" button of one provision on a pupil's card."""
    row = card.locator("li").filter(has_text=provision)
    return row.get_by_role("button", name="Record session")


def pupil_card(page, name):
    return (
        page.locator("section.offline-day")
        .first.locator("article.offline-pupil")
        .filter(has=page.get_by_role("heading", name=name))
    )


def outbox_item(page, text):
    return page.locator("li.outbox-item").filter(has_text=text)


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width}px wide"
