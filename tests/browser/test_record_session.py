"""A TA records a session from My day on a phone; the teacher sees it flagged."""

import re

from playwright.sync_api import expect

from sendesk.provision.models import Session, SessionPupil

from .signin import log_in


def talk_boost_card(page):
    return page.locator("article.provision-card").filter(
        has=page.get_by_role("heading", name="Talk Boost")
    )


def test_ta_records_from_my_day_and_teacher_sees_it_flagged(live_world, live_server, phone):
    w, base = live_world, live_server.url

    log_in(phone, base, w.alice.email)
    expect(phone).to_have_url(re.compile(r"/my-day/$"))
    expect(phone.get_by_role("heading", name="Ben Brown")).to_be_visible()
    card = talk_boost_card(phone)
    # The card is a summary until it is opened: the form loads into it.
    card.get_by_role("link", name=re.compile("Record this session")).tap()
    # The form is in, and its script has bound it (drafts are kept from here on).
    expect(card.locator("form[data-draft-bound]")).to_have_count(1)
    expect(card.get_by_role("button", name="Save session")).to_be_visible()

    # A save with the attendance left out is refused, and the note typed stays.
    card.get_by_label("Note (optional)").fill("Asked for help with a 4-word sentence twice.")
    card.get_by_role("button", name="Save session").click()
    summary = card.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("attendance", ignore_case=True)
    expect(card.get_by_label("Note (optional)")).to_have_value(
        "Asked for help with a 4-word sentence twice."
    )
    assert Session.objects.count() == 0

    # Few taps: attendance, response, a rating, the flag, save.
    card.get_by_text("Present", exact=True).tap()
    card.locator("label").filter(has_text=re.compile(r"^\s*4\b")).first.tap()
    card.get_by_label(re.compile("Uses 4-word sentences")).select_option("emerging")
    card.get_by_text("Flag for the teacher").tap()
    card.get_by_label("What should the teacher look at?").fill("Ask him about the sentence cards")
    card.get_by_role("button", name="Save session").tap()
    expect(card.get_by_text("Recorded ✓")).to_be_visible()

    record = SessionPupil.objects.select_related("session").get()
    assert (record.session.provision_id, record.session.delivered) == (w.talk.pk, True)
    assert (record.attendance, record.response, record.flag_for_teacher) == ("present", 4, True)
    assert record.note == "Asked for help with a 4-word sentence twice."
    assert list(record.ratings.values_list("target_id", "rating")) == [(w.t1.pk, "emerging")]

    # The teacher who teaches Ben sees it at the top of the feed, flagged, and marks it seen.
    phone.context.clear_cookies()
    log_in(phone, base, w.tess.email)
    phone.goto(f"{base}/feed/")
    first = phone.locator("li.feed-row").first
    expect(first).to_contain_text("Ben Brown")
    expect(first).to_contain_text("Talk Boost")
    expect(first.get_by_text("Flagged for you")).to_be_visible()
    first.get_by_role("button", name=re.compile("Mark seen")).tap()
    expect(phone.locator("li.feed-row").first).to_have_class(re.compile("is-seen"))
    assert record.receipts.filter(user=w.tess).exists()
