"""A TA records an ABC observation on a phone: starts it, adds two entries, survives a
reload, finishes; the observation and its entries are stored and the summary is shown."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from sendesk.behaviour.models import Observation
from sendesk.pupils.models import TimelineEntry

from ..world import TODAY
from .signin import log_in

LONDON = ZoneInfo("Europe/London")


def test_ta_records_an_abc_observation_on_a_phone(live_world, live_server, phone):
    w, base = live_world, live_server.url
    # The server's clock stands at 10:00; the phone's is set to 09:30 that day and moves
    # only when the test moves it, so the observation lasts exactly 10 minutes.
    start = dt.datetime.combine(TODAY, dt.time(9, 30), LONDON)
    # Installed a minute early: the clock runs between the two calls, and pausing at a
    # moment already passed is an error (seen on a busy machine).
    phone.clock.install(time=start - dt.timedelta(minutes=1))
    phone.clock.pause_at(start)

    log_in(phone, base, w.alice.email)
    expect(phone).to_have_url(re.compile(r"/my-day/$"))
    phone.goto(f"{base}/pupils/{w.ben.pk}/observe/")
    expect(phone.get_by_role("heading", name=re.compile("Observe Ben Brown"))).to_be_visible()

    setup = phone.locator("#obs-setup")
    setup.get_by_text("ABC (antecedent, behaviour, consequence)").tap()
    setup.get_by_label("Lesson").fill("Maths")
    setup.get_by_label("Activity").fill("Column addition")
    setup.get_by_label("Staff present").fill("Tess Teacher, Alice Assistant")
    setup.get_by_role("button", name="Start observing").tap()

    live = phone.locator("#obs-live")
    expect(live.get_by_role("heading", name="ABC observation: Ben Brown")).to_be_visible()
    entries = live.locator("#obs-abc-list > li")

    # The behaviour box is the one that must be filled.
    live.get_by_role("button", name="Add entry").tap()
    expect(live.get_by_text("Write what the pupil did")).to_be_visible()
    expect(entries).to_have_count(0)

    phone.clock.fast_forward("02:00")
    live.get_by_label("Antecedent: what happened before").fill("Asked to put the iPad away")
    live.get_by_label("Behaviour: what the pupil did").fill("Threw a pencil across the table")
    consequence = live.get_by_label("Consequence: what happened next")
    consequence.fill("Five-minute warning, then calm corner")
    live.get_by_role("button", name="Add entry").tap()
    expect(entries).to_have_count(1)
    expect(live.get_by_label("Behaviour: what the pupil did")).to_have_value("")

    # A reload (a tab closed, a battery swap) loses nothing: the phone offers to resume.
    phone.clock.fast_forward("04:00")
    phone.reload()
    expect(phone.get_by_text("An observation is kept on this device")).to_be_visible()
    phone.get_by_role("button", name="Resume").tap()
    expect(entries).to_have_count(1)
    live.get_by_label("Behaviour: what the pupil did").fill("Left his seat and hid under the desk")
    live.get_by_role("button", name="Add entry").tap()
    expect(entries).to_have_count(2)
    expect(entries.nth(1)).to_contain_text("Left his seat and hid under the desk")

    phone.clock.fast_forward("04:00")
    live.get_by_label("Notes (optional)").fill("Noisy corridor before the lesson.")
    live.get_by_role("button", name="Finish and save").tap()

    expect(phone).to_have_url(re.compile(r"/observations/[0-9a-f-]{36}/$"))
    expect(phone.locator("#obs-summary")).to_have_text("2 events in 10 min, 12 an hour")
    expect(phone.get_by_text("Threw a pencil across the table")).to_be_visible()

    obs = Observation.objects.get()
    assert (obs.pupil, obs.observer, obs.method) == (w.ben, w.alice, "abc")
    assert (obs.lesson, obs.activity, obs.staff_present) == (
        "Maths", "Column addition", "Tess Teacher, Alice Assistant"
    )  # fmt: skip
    assert (obs.started_at, obs.ended_at) == (start, start + dt.timedelta(minutes=10))
    assert (obs.event_count, obs.rate_per_hour, obs.notes) == (
        2, 12.0, "Noisy corridor before the lesson."
    )  # fmt: skip
    assert list(obs.entries.values_list("seq", "at", "antecedent", "behaviour", "consequence")) == [
        (1, start + dt.timedelta(minutes=2), "Asked to put the iPad away",
         "Threw a pencil across the table", "Five-minute warning, then calm corner"),
        (2, start + dt.timedelta(minutes=6), "", "Left his seat and hid under the desk", ""),
    ]  # fmt: skip
    assert TimelineEntry.objects.get(kind="observation").ref_id == str(obs.pk)
    # Saved: the phone keeps no copy, so the recorder starts afresh.
    assert (
        phone.evaluate(f"localStorage.getItem('sendesk-observe:{w.alice.pk}:{w.ben.pk}')") is None
    )


@pytest.fixture
def phone_without_worker(browser):
    """The phone with service workers blocked. Once My day's service worker controls a
    page, Chromium sends the page's requests through it, and Playwright's routes do not
    always see what a service worker fetches (its documentation advises blocking workers
    when routing): the answer this test drops then got through now and then. The test is
    of the observation page's own retry, not of the offline app (tests/browser/
    test_offline_*.py are)."""
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, has_touch=True, service_workers="block"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_save_lost_on_the_way_back_is_retried_without_a_duplicate(
    live_world, live_server, phone_without_worker
):
    """The server stores the observation but the answer never reaches the phone (the
    Wi-Fi drops): the phone says it is not saved yet, keeps it, retries with the same
    client_id, and the server answers with the one it stored."""
    w, base, phone = live_world, live_server.url, phone_without_worker
    start = dt.datetime.combine(TODAY, dt.time(9, 30), LONDON)
    # Installed a minute early: the clock runs between the two calls, and pausing at a
    # moment already passed is an error (seen on a busy machine).
    phone.clock.install(time=start - dt.timedelta(minutes=1))
    phone.clock.pause_at(start)
    log_in(phone, base, w.alice.email)
    expect(phone).to_have_url(re.compile(r"/my-day/$"))
    phone.goto(f"{base}/pupils/{w.ben.pk}/observe/")

    lost = []

    def lose_the_first_answer(route):
        if route.request.method == "POST" and not lost:
            lost.append(route.fetch())  # it reaches the server, which saves it
            route.abort("internetdisconnected")
        else:
            route.continue_()

    phone.route(f"**/pupils/{w.ben.pk}/observe/", lose_the_first_answer)
    phone.locator("#obs-setup").get_by_text("Duration recording").tap()
    phone.get_by_label("Behaviour to count or time").fill("out of seat")
    phone.get_by_role("button", name="Start observing").tap()
    toggle = phone.get_by_role("button", name="Start episode")
    toggle.tap()
    phone.clock.fast_forward("00:45")
    expect(phone.get_by_role("button", name="Stop episode")).to_have_attribute(
        "aria-pressed", "true"
    )
    phone.get_by_role("button", name="Stop episode").tap()
    expect(phone.locator("#obs-dur-list > li")).to_have_count(1)
    phone.clock.fast_forward("05:00")
    phone.get_by_role("button", name="Finish and save").tap()

    expect(phone.get_by_text(re.compile("Not saved yet: no connection"))).to_be_visible()
    assert lost[0].status == 201
    assert Observation.objects.count() == 1
    key = f"sendesk-observe:{w.alice.pk}:{w.ben.pk}"
    assert phone.evaluate(f"JSON.parse(localStorage.getItem('{key}')).status") == "sending"

    phone.get_by_role("button", name="Try again now").tap()
    expect(phone).to_have_url(re.compile(r"/observations/[0-9a-f-]{36}/$"))
    expect(phone.locator("#obs-summary")).to_contain_text("1 episode, 45 s in all, in 6 min")
    obs = Observation.objects.get()
    assert (obs.total_duration_seconds, obs.event_count) == (45, 1)
    assert TimelineEntry.objects.filter(kind="observation").count() == 1
    assert phone.evaluate(f"localStorage.getItem('{key}')") is None
