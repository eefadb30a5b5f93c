"""The notifications pages in a browser (issue 11), as Alice, Ben's 1:1, after Ben's mother
wrote twice: the badge in the bar shows the unread count, the list opens by keyboard,
marking read brings the badge down, the settings page saves a choice per kind, a refused
save keeps what was chosen and puts the focus on the error summary; at 320 CSS px nothing
scrolls sideways, and axe-core finds no WCAG 2.2 A/AA violation on either page.

axe-core is not a dependency of the project: the test reads axe.min.js from
SENDESK_AXE_JS, or packs the pinned version with npm into a cache folder once."""

import os
import re
import subprocess
import tarfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from sendesk.homeschool.services import message_send
from sendesk.notifications.models import Notification, Preference

from .signin import log_in

AXE_VERSION = "4.14.1"
AXE_CACHE = Path(os.environ.get("TMPDIR", "/tmp")) / f"sendesk-axe-{AXE_VERSION}"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
KIND = "homeschool_parent_message"
KIND_LABEL = "A parent writes about a child you support"
OTHER_LABEL = "A family writes in a child's home-school diary"


@pytest.fixture(scope="session")
def axe_source() -> str:
    given = os.environ.get("SENDESK_AXE_JS")
    path = Path(given) if given else AXE_CACHE / "package" / "axe.min.js"
    if not path.exists() and not given:
        AXE_CACHE.mkdir(parents=True, exist_ok=True)
        try:
            out = subprocess.run(
                ["npm", "pack", f"axe-core@{AXE_VERSION}", "--silent"],
                cwd=AXE_CACHE, capture_output=True, text=True, check=True, timeout=120,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError) as error:
            pytest.fail(f"axe-core is needed: set SENDESK_AXE_JS to axe.min.js ({error})")
        with tarfile.open(AXE_CACHE / out.stdout.strip().splitlines()[-1]) as tar:
            tar.extractall(AXE_CACHE, filter="data")
    return path.read_text()


def axe_violations(page, source) -> list:
    """WCAG 2.2 A/AA violations on the page as it is now: [(rule, [targets])]."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    found = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => [v.id, v.nodes.map(n => n.target.join(' '))]))",
        WCAG,
    )
    return found


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def badge_link(page, count):
    name = re.compile(rf"^Notifications {count} new" if count else r"^Notifications$")
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name)


def tab_to(page, pattern, limit=60):
    """Press Tab until the focused element's text matches `pattern` (as a keyboard user)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate("document.activeElement ? document.activeElement.innerText : ''")
        if re.search(pattern, text or ""):
            return
    raise AssertionError(f"Tab never reached {pattern!r}")


@pytest.fixture
def wide(browser):
    # bypass_csp: axe is injected by the test, not served by SENDesk (whose CSP refuses it).
    context = browser.new_context(viewport={"width": 1024, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_badge_list_mark_read_and_settings(live_world, live_server, wide, axe_source):
    w, base, page = live_world, live_server.url, wide
    for words in ("Ben slept badly last night.", "He has his swimming kit today."):
        message_send(actor=w.pat, pupil_id=w.ben.pk, body=words)
    mine = Notification.objects.filter(user=w.alice)
    assert mine.count() == 2 and not mine.filter(read_at__isnull=False).exists()

    log_in(page, base, w.alice.email)
    expect(badge_link(page, 2)).to_be_visible()
    # The list opens by keyboard from the bar.
    tab_to(page, r"^Notifications")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    expect(page.get_by_text("2 not read yet.")).to_be_visible()
    assert axe_violations(page, axe_source) == []

    # Marking one read (by keyboard) brings the badge down to 1, then all of them to none.
    page.get_by_role("button", name=re.compile(r"^Mark as read\b")).first.focus()
    page.keyboard.press("Enter")
    expect(badge_link(page, 1)).to_be_visible()
    assert mine.filter(read_at__isnull=True).count() == 1
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("All your notifications are marked as read.")).to_be_visible()
    expect(badge_link(page, None)).to_be_visible()
    assert not mine.filter(read_at__isnull=True).exists()

    # Settings: one e-mail a day for parents' messages, saved.
    page.goto(f"{base}/notifications/settings/")
    group = page.get_by_role("group", name=KIND_LABEL)
    group.get_by_label("In SENDesk and one e-mail a day").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    assert Preference.objects.get(user=w.alice, kind=KIND).how == "digest"
    expect(
        page.get_by_role("group", name=KIND_LABEL).get_by_label("In SENDesk and one e-mail a day")
    ).to_be_checked()
    assert axe_violations(page, axe_source) == []

    # A refused save (a choice the server does not know, as a stale or tampered form sends):
    # nothing saved, the choices as sent are kept, the focus is on the error summary.
    page.get_by_role("group", name=OTHER_LABEL).get_by_label("Not at all").check()
    group = page.get_by_role("group", name=KIND_LABEL)
    group.get_by_label("In SENDesk only").evaluate("el => { el.value = 'sometimes'; }")
    group.get_by_label("In SENDesk only").check()
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(f"{KIND_LABEL}: Choose one of the options.")
    expect(page.get_by_role("group", name=OTHER_LABEL).get_by_label("Not at all")).to_be_checked()
    assert Preference.objects.get(user=w.alice, kind=KIND).how == "digest"
    assert not Preference.objects.filter(user=w.alice, how="off").exists()
    assert axe_violations(page, axe_source) == []


def test_both_pages_fit_320_px(live_world, live_server, narrow):
    w, base, page = live_world, live_server.url, narrow
    message_send(actor=w.pat, pupil_id=w.ben.pk, body="Ben slept badly last night.")
    log_in(page, base, w.head.email)  # the head's list also has the failed e-mails table
    for path in ("/notifications/", "/notifications/settings/"):
        page.goto(base + path)
        expect(page.locator("h1")).to_be_visible()
        assert fits(page), path
    page.context.clear_cookies()
    log_in(page, base, w.alice.email)
    page.goto(f"{base}/notifications/")
    expect(page.get_by_text("1 not read yet.")).to_be_visible()
    assert fits(page)
