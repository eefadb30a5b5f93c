"""As a TA on a phone (390 × 844): a slim header whose menu opens from a button, a card
that fits the screen when opened, the form's progressive enhancements, drafts kept on the
device, and nothing scrolling sideways at 320 px on the pages this touches."""

import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sendesk.medication import services as med
from sendesk.plans.models import Target
from sendesk.provision.models import FeedReceipt, SessionPupil

from ..world import TODAY
from .signin import log_in

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone390(browser):
    context = browser.new_context(viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def height(locator):
    return locator.bounding_box()["height"]


def second_target(w):
    """Talk Boost serves two targets, as the card in the walkthrough did."""
    target = Target.objects.create(
        plan=w.t1.plan,
        text="Takes turns in a conversation with an adult for three exchanges",
        success_criteria="Three exchanges on two days running",
    )
    w.talk.targets.add(target)
    return target


def test_header_is_a_slim_bar_whose_menu_opens_by_keyboard(live_world, live_server, phone390):
    w, base, page = live_world, live_server.url, phone390
    log_in(page, base, w.alice.email)
    expect(page).to_have_url(re.compile(r"/my-day/$"))
    header = page.locator("header.top")
    assert height(header) <= 60  # was 193 px of the 844

    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    menu = page.locator("header.top details.menu > summary")
    menu.focus()
    page.keyboard.press("Enter")
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="Medicines")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    # The open menu lies over the page: the bar itself stays slim.
    assert height(header) <= 60
    page.keyboard.press("Tab")
    # The bar's first entry: Notifications, with its unread count (issue 11), then My day.
    expect(nav.get_by_role("link", name="Notifications")).to_be_focused()
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="My day")).to_be_focused()
    # Escape closes it and focus goes back to the Menu button.
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    expect(nav).to_be_visible()
    page.keyboard.press("Enter")
    expect(nav).to_be_hidden()

    # On a wide screen the navigation shows without a menu button.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(nav).to_be_visible()
    expect(menu).to_be_hidden()


def test_a_two_target_card_fits_the_screen_and_records(live_world, live_server, phone390):
    w, base, page = live_world, live_server.url, phone390
    extra = second_target(w)
    log_in(page, base, w.alice.email)
    card = page.locator(f"#card-{w.talk.pk}")
    assert height(card) < 300  # closed: a summary
    card.get_by_role("link", name=re.compile("Record this session")).tap()
    # The form is in, and its script has bound it (drafts are kept from here on).
    expect(card.locator("form[data-draft-bound]")).to_have_count(1)
    form = card.locator("form.quick")
    expect(form).to_be_visible()
    expect(card.get_by_role("heading", name="Talk Boost")).to_be_focused()
    assert height(card) <= PHONE["height"]
    assert no_sideways_scroll(page)

    # Missed: the two fields say what was missed; the delivered half goes.
    card.get_by_text("Missed", exact=True).tap()
    expect(card.get_by_role("spinbutton", name="Minutes missed")).to_be_visible()
    expect(card.get_by_role("textbox", name=re.compile("^Was due at"))).to_be_visible()
    expect(card.get_by_text("Attendance", exact=True)).to_be_hidden()
    expect(card.get_by_text("Why was it missed?")).to_be_visible()
    card.get_by_text("Delivered", exact=True).tap()
    expect(card.get_by_role("spinbutton", name="Minutes", exact=True)).to_be_visible()
    expect(card.get_by_role("radio", name="Delivered", exact=True)).to_be_checked()

    # Flagging asks what the teacher should look at.
    flag_note = card.get_by_label("What should the teacher look at?")
    expect(flag_note).to_be_hidden()
    card.get_by_text("Present", exact=True).tap()
    card.locator("label").filter(has_text=re.compile(r"^\s*4\b")).first.tap()
    card.get_by_label(re.compile("Takes turns")).select_option("developing")
    card.get_by_label("Note (optional)").fill("Kept going for three turns with a visual.")
    card.get_by_text("Flag for the teacher").tap()
    expect(flag_note).to_be_visible()
    card.get_by_role("button", name="Save session").tap()
    expect(card.get_by_text("Say what the teacher should look at.").first).to_be_visible()
    assert not SessionPupil.objects.exists()
    card.get_by_label("What should the teacher look at?").fill("Try turn-taking at carpet time")
    card.get_by_role("button", name="Save session").tap()

    # The saved card shows what was saved.
    expect(card.get_by_text("Recorded ✓")).to_be_visible()
    # Focus stays on the card just saved (its heading), not lost to the page.
    expect(card.get_by_role("heading", name="Talk Boost")).to_be_focused()
    expect(card).to_contain_text(f"{extra.text}: Developing")
    expect(card).to_contain_text("Kept going for three turns with a visual.")
    expect(card).to_contain_text("Try turn-taking at carpet time")
    sp = SessionPupil.objects.get()
    assert (sp.attendance, sp.response, sp.flag_note) == (
        "present",
        4,
        "Try turn-taking at carpet time",
    )


def test_a_draft_waits_on_the_closed_card_and_comes_back(live_world, live_server, phone390):
    w, base, page = live_world, live_server.url, phone390
    log_in(page, base, w.alice.email)
    card = page.locator(f"#card-{w.talk.pk}")
    card.get_by_role("link", name=re.compile("Record this session")).tap()
    # The form is in, and its script has bound it (drafts are kept from here on).
    expect(card.locator("form[data-draft-bound]")).to_have_count(1)
    card.get_by_label("Note (optional)").fill("Half written when the bell went")
    page.reload()
    card = page.locator(f"#card-{w.talk.pk}")
    expect(card.get_by_text("Unsaved notes on this device")).to_be_visible()
    other = page.locator(f"#card-{w.precision.pk}")
    expect(other.get_by_text("Unsaved notes on this device")).to_be_hidden()
    card.get_by_role("link", name=re.compile("Record this session")).tap()
    # The form is in, and its script has bound it (drafts are kept from here on).
    expect(card.locator("form[data-draft-bound]")).to_have_count(1)
    expect(card.get_by_label("Note (optional)")).to_have_value("Half written when the bell went")


def test_without_script_the_card_opens_as_a_page(live_world, live_server, browser):
    w, base = live_world, live_server.url
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, base, w.alice.email)
        page.locator(f"#card-{w.talk.pk}").get_by_role(
            "link", name=re.compile("Record this session")
        ).click()
        expect(page).to_have_url(re.compile(rf"/sessions/record/{w.talk.pk}/$"))
        expect(page.get_by_role("heading", name="Record a session")).to_be_visible()
        # The menu is a <details>: it opens with no script.
        page.locator("header.top details.menu > summary").click()
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    finally:
        context.close()


PAGES_320 = [
    ("alice", "/my-day/"),
    ("alice", "/sessions/record/{talk}/"),
    ("alice", "/sessions/{session}/"),
    ("alice", "/sessions/{session}/amend/"),
    ("alice", "/medication/{inhaler}/give/"),
    ("tess", "/feed/"),
    ("tess", "/feed/?flagged=1"),
]


def test_nothing_scrolls_sideways_at_320(live_world, live_server, browser):
    w, base = live_world, live_server.url
    second_target(w)
    from sendesk.provision.services import PupilRecord, session_record

    session, _ = session_record(
        actor=w.alice, client_id=uuid.uuid4(), provision_id=w.precision.pk, date=TODAY,
        minutes=20, delivered=True,
        pupils=[PupilRecord(pupil_id=w.ben.pk, attendance="present", flag_for_teacher=True,
                            flag_note="A long note " * 20, note="Word " * 80)],
    )  # fmt: skip
    ids = {"talk": w.talk.pk, "session": session.pk, "inhaler": w.inhaler.pk}
    context = browser.new_context(viewport={"width": 320, "height": 640}, has_touch=True)
    page = context.new_page()
    try:
        for who, path in PAGES_320:
            context.clear_cookies()
            log_in(page, base, getattr(w, who).email)
            page.wait_for_load_state()
            page.goto(base + path.format(**ids))
            assert no_sideways_scroll(page), path
            if path == "/my-day/":
                card = page.locator(f"#card-{w.talk.pk}")
                card.get_by_role("link", name=re.compile("Record this session")).tap()
                # The form is in, and its script has bound it (drafts are kept from here on).
                expect(card.locator("form[data-draft-bound]")).to_have_count(1)
                expect(card.locator("form.quick")).to_be_visible()
                assert no_sideways_scroll(page), "My day, card opened"
                page.locator("header.top details.menu > summary").tap()
                assert no_sideways_scroll(page), "menu open"
    finally:
        context.close()


def test_medicine_refused_too_soon_shows_the_next_step(live_world, live_server, phone390):
    w, base, page = live_world, live_server.url, phone390
    med.administration_record(
        actor=w.alice, client_id=uuid.uuid4(), medicine_id=w.inhaler.pk,
        given_at=timezone.now() - dt.timedelta(minutes=30), outcome="given",
        dose=w.inhaler.dose,
    )  # fmt: skip
    log_in(page, base, w.alice.email)
    page.goto(f"{base}/medication/{w.inhaler.pk}/give/")
    reason = page.get_by_label("Why refused or not given")
    expect(page.get_by_label("Given", exact=True)).to_be_checked()
    expect(reason).to_be_hidden()
    page.get_by_text("Refused", exact=True).tap()
    expect(reason).to_be_visible()
    page.get_by_text("Given", exact=True).tap()
    expect(reason).to_be_hidden()

    page.get_by_role("button", name="Save dose record").tap()
    expect(page.get_by_text("Too soon", exact=False).first).to_be_visible()
    steps = page.get_by_role("region", name=re.compile("is still unwell"))
    expect(steps).to_be_visible()
    expect(steps).to_contain_text("call 999 if no better")
    assert no_sideways_scroll(page)


def test_teacher_marks_the_whole_list_seen_in_one_tap(live_world, live_server, phone390):
    w, base, page = live_world, live_server.url, phone390
    from sendesk.provision.services import PupilRecord, session_record

    for provision, flagged in ((w.talk, True), (w.precision, False)):
        session_record(
            actor=w.alice, client_id=uuid.uuid4(), provision_id=provision.pk, date=TODAY,
            minutes=20, delivered=True,
            pupils=[PupilRecord(pupil_id=w.ben.pk, attendance="present",
                                flag_for_teacher=flagged, flag_note="Look at his writing")],
        )  # fmt: skip
    log_in(page, base, w.tess.email)
    page.goto(f"{base}/feed/")
    page.get_by_role("link", name="Flagged only").tap()
    expect(page.locator("li.feed-row")).to_have_count(1)
    expect(page.locator("li.feed-row")).to_contain_text("Look at his writing")
    page.get_by_role("link", name="Everything").tap()
    expect(page.locator("li.feed-row")).to_have_count(2)
    expect(page.get_by_text("New", exact=True)).to_have_count(2)
    page.get_by_role("button", name=re.compile("Mark all 2 new")).tap()
    expect(page.get_by_text("Marked 2 records seen.")).to_be_visible()
    expect(page.get_by_text("New", exact=True)).to_have_count(0)
    assert FeedReceipt.objects.filter(user=w.tess).count() == 2
