"""A dose given with no network (issue 13). The device shows the last dose it knows and the
plan's rules, warns that another adult may have given one since, and keeps the dose as
"given offline — not yet confirmed"; a controlled drug cannot be saved without its witness.
On sync the server checks every rule: a dose that broke one is kept (it was given) and
raised at once to the SENCO and to the person who gave it."""

import datetime as dt
import re
import uuid

from playwright.sync_api import expect

from sendesk.medication.models import Administration
from sendesk.medication.services import administration_record
from sendesk.notifications.models import Notification
from tests.world import TODAY

from .offline import go_offline, no_sideways_scroll, outbox_item, pupil_card, save_my_day
from .signin import log_in


def test_dose_given_offline_that_broke_a_rule_is_raised_on_sync(live_world, live_server, narrow):
    w, base, page = live_world, live_server.url, narrow
    # Alice gave Ben his inhaler at 09:30 on the class tablet (at least 4 hours must pass
    # between doses), and has forgotten.
    administration_record(
        actor=w.alice, client_id=uuid.uuid4(), medicine_id=w.inhaler.pk, outcome="given",
        given_at=dt.datetime.combine(TODAY, dt.time(9, 30)), dose="2 puffs",
    )  # fmt: skip
    log_in(page, base, w.alice.email)
    save_my_day(page, base)

    go_offline(page, base)
    ben = pupil_card(page, "Ben Brown")
    inhaler = ben.locator("div.medicine").filter(has_text="Salbutamol")
    expect(
        inhaler.get_by_text(re.compile(r"Last dose this device knows of: .*09:30, by Alice"))
    ).to_be_visible()
    expect(inhaler.get_by_text("At least 4 hours between doses", exact=False)).to_be_visible()

    # The controlled drug cannot be saved without the witness chosen on the device.
    ben.get_by_role("button", name="Give Methylphenidate").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text(re.compile("cannot check whether another adult"))).to_be_visible()
    dialog.get_by_role("button", name="Save on this device").click()
    expect(dialog.locator("[data-record-errors]")).to_contain_text("needs its witness")
    dialog.get_by_role("button", name="Cancel").click()

    # Alice gives the inhaler at 10:00, not knowing of Bob's dose: the device warns her.
    inhaler.get_by_role("button", name="Give Salbutamol").click()
    expect(dialog.get_by_text(re.compile("Another adult may have given a dose"))).to_be_visible()
    no_sideways_scroll(page)
    dialog.get_by_role("button", name="Save on this device").click()
    item = outbox_item(page, "Salbutamol")
    expect(item).to_contain_text("given offline, not yet confirmed")
    expect(item.get_by_text("Waiting to send")).to_be_visible()
    assert Administration.objects.filter(medicine=w.inhaler).count() == 1

    page.context.set_offline(False)
    expect(item.get_by_text("Saved ✓")).to_be_visible()
    # Kept as given, marked, and the broken rule shown to her.
    expect(item.locator("p.error")).to_contain_text(re.compile("hour", re.I))
    dose = Administration.objects.filter(medicine=w.inhaler).latest("given_at")
    assert (dose.given_by_id, dose.outcome, dose.given_offline) == (w.alice.pk, "given", True)
    assert dose.offline_problem
    # Raised at once to the SENCO and to Alice.
    told = Notification.objects.filter(kind="dose_offline_problem")
    assert set(told.values_list("user_id", flat=True)) == {w.senco.pk, w.alice.pk}
