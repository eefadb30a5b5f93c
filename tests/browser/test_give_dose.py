"""A TA gives a dose on a phone: Alice opens Medication, gives Ben's inhaler, sees it
recorded and when the next dose is allowed; trying again is refused with the rule's words,
and nothing more is stored."""

import re

from playwright.sync_api import expect

from sendesk.medication.models import Administration, Medicine
from sendesk.pupils.models import TimelineEntry

from .signin import log_in


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_ta_gives_the_inhaler_on_a_phone_and_a_second_dose_is_refused(
    live_world, live_server, phone
):
    w, base = live_world, live_server.url
    log_in(phone, base, w.alice.email)
    expect(phone).to_have_url(re.compile(r"/my-day/$"))

    phone.goto(f"{base}/medication/")
    expect(phone.get_by_role("heading", name=re.compile("Ben Brown"))).to_be_visible()
    inhaler = phone.locator("article.prn").filter(has_text="Salbutamol")
    expect(inhaler.get_by_text("Can be given now")).to_be_visible()
    assert fits_the_screen(phone)

    # One tap opens the Give form with the dose filled in and "Given" chosen.
    inhaler.get_by_role("link", name="Give Salbutamol").tap()
    expect(phone.get_by_role("heading", name=re.compile("Give Salbutamol"))).to_be_visible()
    expect(phone.get_by_label("Dose")).to_have_value("2 puffs")
    expect(phone.get_by_label("Given", exact=True)).to_be_checked()
    assert fits_the_screen(phone)
    phone.get_by_role("button", name="Save dose record").tap()

    # Back on the list: recorded, and when the next dose is allowed.
    expect(phone).to_have_url(re.compile(r"/medication/"))
    expect(phone.get_by_text("Salbutamol 2 puffs given to Ben Brown at 10:00.")).to_be_visible()
    inhaler = phone.locator("article.prn").filter(has_text="Salbutamol")
    expect(inhaler.get_by_text("Too soon: next allowed at 14:00")).to_be_visible()
    record = Administration.objects.get()
    assert (record.medicine_id, record.given_by_id, record.outcome, record.dose) == (
        w.inhaler.pk,
        w.alice.pk,
        "given",
        "2 puffs",
    )
    assert Medicine.objects.get(pk=w.inhaler.pk).stock == 198
    assert TimelineEntry.objects.filter(kind="medication").count() == 1

    # Again: refused, with the rule and the time, the form as it was.
    inhaler.get_by_role("link", name="Give Salbutamol").tap()
    phone.get_by_label("Reactions or anything noticed").fill("Still wheezy")
    phone.get_by_role("button", name="Save dose record").tap()
    refusal = phone.locator(".refusal")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("Too soon: Salbutamol was last given at 10:00")
    expect(refusal).to_contain_text("Next dose allowed at 14:00")
    expect(phone.get_by_label("Reactions or anything noticed")).to_have_value("Still wheezy")
    assert Administration.objects.count() == 1
    assert Medicine.objects.get(pk=w.inhaler.pk).stock == 198


def test_the_mar_fits_a_phone_and_scrolls_inside_its_box(live_world, live_server, phone):
    w, base = live_world, live_server.url
    log_in(phone, base, w.alice.email)
    expect(phone).to_have_url(re.compile(r"/my-day/$"))
    phone.goto(f"{base}/pupils/{w.ben.pk}/mar/?month=2026-11")
    expect(phone.get_by_role("table", name="Scheduled doses, November 2026")).to_be_visible()
    assert fits_the_screen(phone)
