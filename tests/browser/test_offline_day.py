"""A TA with no network (issue 13): My day opens from the device, says it is offline and
when it was refreshed, and takes three sessions and an incident into the outbox; with the
network back they arrive exactly once, and a record the server refuses is shown to the TA
with its reason until she corrects it (test_offline_answers). The diary is offered only for a
pupil who has one. After sign-out the device's store is gone."""

import re

from playwright.sync_api import expect

from sendesk.behaviour.models import Incident
from sendesk.homeschool.models import DiaryNote
from sendesk.homeschool.services import diary_start
from sendesk.provision.models import Session, SessionPupil

from .offline import (
    DATABASES,
    OUTBOX_ROWS,
    go_offline,
    no_sideways_scroll,
    pupil_card,
    save_my_day,
    session_button,
)
from .signin import log_in


def record_session(page, provision, *, attendance="Present", minutes=None, missed=None, flag=False):
    card = pupil_card(page, "Ben Brown")
    session_button(card, provision).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    if missed:
        dialog.get_by_text("Missed", exact=True).click()
        dialog.get_by_label("Why was it missed?").select_option(label=missed)
    else:
        dialog.get_by_text("Delivered", exact=True).click()
        dialog.get_by_text(attendance, exact=True).click()
        dialog.get_by_text("4", exact=True).click()
        if flag:
            note = dialog.get_by_label("What should the teacher look at?")
            expect(note).to_be_hidden()
            dialog.get_by_text("Flag for the teacher").click()
            # Flagged with nothing to look at: refused next to the box, as online.
            dialog.get_by_role("button", name="Save on this device").click()
            summary = dialog.locator("[data-record-errors]")
            expect(summary).to_be_focused()
            expect(summary).to_contain_text("Say what the teacher should look at.")
            expect(dialog.locator("[data-field=flag_note] .field-error")).to_have_text(
                "Say what the teacher should look at."
            )
            note.fill(flag)
    if minutes is not None:
        dialog.get_by_label("Minutes").fill(str(minutes))
    dialog.get_by_role("button", name="Save on this device").click()
    expect(dialog).to_be_hidden()


def test_ta_records_offline_and_each_record_arrives_once(live_world, live_server, narrow):
    w, base, page = live_world, live_server.url, narrow
    log_in(page, base, w.alice.email)
    save_my_day(page, base)

    go_offline(page, base)
    expect(page.get_by_text(re.compile(r"^Last refreshed "))).to_be_visible()
    ben = pupil_card(page, "Ben Brown")
    expect(ben).to_be_visible()
    # What she needs with no signal: targets, strategies, care, medicines, emergency steps.
    expect(ben.get_by_text("In an emergency")).to_be_visible()
    expect(ben.get_by_text(re.compile("Two puffs of salbutamol"))).to_be_visible()
    expect(ben.get_by_text(re.compile("Another adult may have given a dose")).first).to_be_visible()
    ben.get_by_text(re.compile(r"^Targets")).click()
    expect(ben.get_by_text("Uses 4-word sentences to ask for help")).to_be_visible()
    no_sideways_scroll(page)

    # A save the form itself refuses says what is missing, and nothing is kept.
    session_button(ben, "Talk Boost").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Save on this device").click()
    expect(dialog.locator("[data-record-errors]")).to_contain_text("delivered or missed")
    dialog.get_by_role("button", name="Cancel").click()
    assert page.evaluate(OUTBOX_ROWS) == []

    record_session(page, "Talk Boost", flag="He could not find his sentence cards")
    record_session(page, "Precision teaching", attendance="Part of the session", minutes=15)
    record_session(page, "Talk Boost", missed="Pupil absent")
    ben.get_by_role("button", name="Incident").click()
    dialog.get_by_text("Medium", exact=True).click()
    dialog.get_by_label("What they did").fill("Threw a pencil and hid under the table")
    dialog.get_by_label("Where (optional)").fill("Classroom 3A")
    dialog.get_by_label(re.compile("Offer the calm corner")).select_option(index=3)
    dialog.get_by_role("button", name="Save on this device").click()
    # Ben has no home-school diary: it is not offered (the server would refuse it).
    expect(ben.get_by_role("button", name="Recognition")).to_be_visible()
    expect(ben.get_by_role("button", name="Diary entry")).to_have_count(0)
    expect(page.locator("li.outbox-item[data-state=waiting]")).to_have_count(4)
    no_sideways_scroll(page)
    # Kept encrypted, each tagged with its person.
    rows = page.evaluate(OUTBOX_ROWS)
    assert [r["user"] for r in rows] == [str(w.alice.pk)] * 4
    assert not any(r["plain"] for r in rows)
    assert Session.objects.count() == 0 and Incident.objects.count() == 0

    # The network comes back: the browser's "online" event sends them, in order.
    page.context.set_offline(False)
    expect(page.locator("li.outbox-item[data-state=saved]")).to_have_count(4)
    assert Session.objects.count() == 3
    assert sorted(Session.objects.values_list("provision__title", "delivered")) == [
        ("Precision teaching", True),
        ("Talk Boost", False),
        ("Talk Boost", True),
    ]
    flagged = SessionPupil.objects.get(session__provision=w.talk, session__delivered=True)
    assert (flagged.attendance, flagged.flag_for_teacher, flagged.flag_note) == (
        "present", True, "He could not find his sentence cards",
    )  # fmt: skip
    partial = SessionPupil.objects.get(session__provision=w.precision)
    assert (partial.attendance, partial.response) == ("partial", 4)
    incident = Incident.objects.get()
    assert (incident.pupil_id, incident.severity) == (w.ben.pk, 2)
    assert incident.recorded_by_id == w.alice.pk
    assert list(incident.strategy_uses.values_list("strategy_id", "effectiveness")) == [
        (w.calm_corner.pk, 3)
    ]

    # Sent again (an answer lost on the way: the device marks them unsent and retries):
    # the server's idempotency stores nothing twice.
    page.evaluate(
        """() => new Promise((resolve) => {
          const r = indexedDB.open("sendesk-offline");
          r.onsuccess = () => {
            const t = r.result.transaction("outbox", "readwrite"), s = t.objectStore("outbox");
            s.getAll().onsuccess = (e) => e.target.result.forEach((x) => {
              if (x.state === "saved") { x.state = "waiting"; s.put(x); }
            });
            t.oncomplete = () => { r.result.close(); resolve(); };
          };
        })"""
    )
    page.goto(f"{base}/offline/")
    expect(page.locator("li.outbox-item[data-state=saved]")).to_have_count(4)
    expect(page.locator("li.outbox-item").filter(has_text="Already saved")).to_have_count(4)
    assert (Session.objects.count(), Incident.objects.count()) == (3, 1)

    # The SENCO starts Ben's diary: once My day is saved again with a signal, the offline
    # page offers it, and the entry is saved.
    diary_start(actor=w.senco, pupil_id=w.ben.pk)
    save_my_day(page, base)
    page.goto(f"{base}/offline/")
    expect(page.locator("body[data-shell-ready]")).to_have_count(1)
    pupil_card(page, "Ben Brown").get_by_role("button", name="Diary entry").click()
    dialog.get_by_label("Mood (optional)").fill("Happy all morning")
    dialog.get_by_role("button", name="Save on this device").click()
    expect(page.locator("li.outbox-item[data-state=saved]")).to_have_count(5)
    assert DiaryNote.objects.get(pupil=w.ben).text == "Happy all morning"

    # Sign-out with nothing unsent: the device forgets everything.
    page.goto(f"{base}/my-day/")
    expect(page.locator("body[data-offline-saved]")).to_have_count(1)
    page.get_by_text("Menu").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login/"))
    assert "sendesk-offline" not in page.evaluate(DATABASES)
