"""Pat reads Ben's pages on a 320 px phone: nothing scrolls sideways, and the medication
record is a day-by-day list there (the month grid only on a wide screen)."""

import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sendesk.medication.services import administration_record
from sendesk.provision.services import PupilRecord, session_record
from tests.world import PASSWORD, TODAY


@pytest.fixture
def narrow(browser):
    context = browser.new_context(viewport={"width": 320, "height": 640}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def log_in(page, base, email):
    page.goto(f"{base}/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_pat_reads_ben_on_a_320px_phone(live_world, live_server, narrow, browser):
    w, base = live_world, live_server.url
    session_record(
        actor=w.alice, client_id=uuid.uuid4(), provision_id=w.talk.pk, date=TODAY,
        minutes=30, delivered=True,
        pupils=[PupilRecord(pupil_id=w.ben.pk, attendance="present",
                            note="A long shared note " * 12, note_shared_with_parents=True,
                            target_progress=[(w.t1.pk, "developing")])],
    )  # fmt: skip
    administration_record(
        actor=w.alice, client_id=uuid.uuid4(), medicine_id=w.inhaler.pk,
        given_at=timezone.now() - dt.timedelta(minutes=20), outcome="given", dose="2 puffs",
    )  # fmt: skip
    log_in(narrow, base, w.pat.email)
    expect(narrow).to_have_url(re.compile(r"/family/$"))
    narrow.get_by_role("link", name="Ben Brown").tap()
    expect(narrow.get_by_text("Talk Boost with Alice Assistant, 30 minutes.")).to_be_visible()
    expect(narrow.get_by_text("Note from Alice Assistant")).to_be_visible()
    assert fits(narrow)

    narrow.get_by_role("link", name=re.compile("Medication record for November 2026")).tap()
    expect(narrow.get_by_role("heading", name="Day by day, newest first")).to_be_visible()
    expect(narrow.get_by_text(re.compile("when needed: given at 09:40 by Alice"))).to_be_visible()
    expect(narrow.get_by_role("table").first).to_be_hidden()  # no wide grid on a phone
    assert fits(narrow)

    # On a wide screen the month grid is there too, with its key.
    wide = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    log_in(wide, base, w.pat.email)
    wide.goto(narrow.url)
    expect(wide.get_by_role("table", name=re.compile("Doses at set times"))).to_be_visible()
    expect(wide.get_by_text("What each square means:")).to_be_visible()
    wide.context.close()
