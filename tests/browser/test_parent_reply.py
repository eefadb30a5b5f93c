"""A parent replies on a phone (320 and 390 CSS px): Pat opens Ben's page, follows the
link to the messages, reads what Alice wrote, sends nothing by mistake (the error summary
takes the focus), then replies; the reply is stored, shown, and nothing scrolls sideways."""

import re

import pytest
from playwright.sync_api import expect

from sendesk.homeschool.models import Message
from sendesk.homeschool.services import message_send

from .signin import log_in


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [320, 390])
def test_parent_replies_on_a_phone(live_world, live_server, browser, width):
    w, base = live_world, live_server.url
    message_send(actor=w.alice, pupil_id=w.ben.pk, body="Ben built a tall tower today!")
    context = browser.new_context(viewport={"width": width, "height": 740}, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    try:
        log_in(phone, base, w.pat.email)
        phone.goto(f"{base}/family/children/{w.ben.pk}/")
        phone.get_by_role("link", name=re.compile("Messages with Ben's school")).tap()
        expect(phone.get_by_role("heading", name="Messages about Ben Brown")).to_be_visible()
        expect(phone.get_by_text("Ben built a tall tower today!")).to_be_visible()
        assert fits_the_screen(phone)

        phone.get_by_role("button", name="Send").tap()
        summary = phone.locator(".error-summary")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("Write your message.")
        assert Message.objects.count() == 1

        phone.get_by_label("Your message").fill("Thank you! He told us all about it.")
        phone.get_by_role("button", name="Send").tap()
        expect(phone.get_by_text("Sent.")).to_be_visible()
        expect(phone.get_by_text("Thank you! He told us all about it.")).to_be_visible()
        # The draft this phone kept is forgotten once sent: the box is empty again.
        expect(phone.get_by_label("Your message")).to_have_value("")
        assert fits_the_screen(phone)
        reply = Message.objects.get(author=w.pat)
        assert (reply.pupil_id, reply.from_parent) == (w.ben.pk, True)
    finally:
        context.close()
