"""A TA observes with no network (issue 13 follow-up): a frequency count (+1 taps with an
undo, each keeping its moment) and a duration recording (episodes started and stopped) are
kept on the device and, with the network back, each is stored once with its events, as the
online recorder would have sent them. At 320 px, nothing scrolls sideways."""

from playwright.sync_api import expect

from sendesk.behaviour.models import Observation

from .offline import go_offline, no_sideways_scroll, pupil_card, save_my_day
from .signin import log_in


def test_frequency_and_duration_observed_offline(live_world, live_server, narrow):
    w, base, page = live_world, live_server.url, narrow
    log_in(page, base, w.alice.email)
    save_my_day(page, base)
    go_offline(page, base)
    ben = pupil_card(page, "Ben Brown")
    dialog = page.get_by_role("dialog")
    save = dialog.get_by_role("button", name="Save on this device")

    # A count: nothing named, nothing started -> both said next to their place.
    ben.get_by_role("button", name="Observation").click()
    dialog.get_by_text("Count: how often it happens (+1 each time)").click()
    expect(dialog.get_by_label("What they did", exact=True)).to_be_hidden()
    save.click()
    summary = dialog.locator("[data-record-errors]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Name the behaviour you are counting or timing.")
    expect(dialog.locator("[data-field=watch] .field-error")).to_have_text(
        "Press Start watching when you begin, then record what you see."
    )
    dialog.get_by_label("The behaviour you are counting or timing").fill("Calls out")
    dialog.get_by_label("Counts kept per").select_option(label="1 minute")
    plus = dialog.get_by_role("button", name="+1: it happened now")
    for _ in range(3):
        plus.click()  # the first +1 starts the watch
    expect(dialog.get_by_text("Counted: 3 times.")).to_be_visible()
    expect(dialog.locator("[data-obs-taps] li")).to_have_count(3)
    dialog.get_by_role("button", name="Undo last +1").click()
    expect(dialog.get_by_text("Counted: 2 times.")).to_be_visible()
    # Cancel by a slip: the count is only in the form, so closing asks first ("no" keeps it).
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    dialog.get_by_role("button", name="Cancel").click()
    assert asked and asked[0].startswith("Discard this observation?")
    expect(dialog.get_by_text("Counted: 2 times.")).to_be_visible()
    no_sideways_scroll(page)
    save.click()
    expect(dialog).to_be_hidden()

    # A duration: one episode started and stopped.
    ben.get_by_role("button", name="Observation").click()
    dialog.get_by_text("Time: how long each episode lasts").click()
    dialog.get_by_label("The behaviour you are counting or timing").fill("Under the table")
    dialog.get_by_role("button", name="Start watching").click()
    expect(dialog.get_by_role("button", name="Start watching")).to_be_hidden()
    episode = dialog.get_by_role("button", name="Start episode")
    expect(episode).to_be_focused()
    episode.click()
    stop = dialog.get_by_role("button", name="Stop episode")
    expect(stop).to_have_attribute("aria-pressed", "true")
    stop.click()
    expect(dialog.locator("[data-obs-episodes] li")).to_have_count(1)
    # A second episode still going when the watch is stopped ends with it; the watch's end
    # is that moment, not the save's.
    episode.click()
    dialog.get_by_role("button", name="Stop watching").click()
    expect(dialog.locator("[data-obs-episodes] li")).to_have_count(2)
    expect(dialog.get_by_text("finished at")).to_be_visible()
    expect(dialog.get_by_role("button", name="Start episode")).to_be_disabled()
    expect(dialog.get_by_role("button", name="Stop watching")).to_be_hidden()
    no_sideways_scroll(page)
    save.click()
    expect(dialog).to_be_hidden()
    expect(page.locator("li.outbox-item[data-state=waiting]")).to_have_count(2)
    assert not Observation.objects.exists()

    page.context.set_offline(False)
    expect(page.locator("li.outbox-item[data-state=saved]")).to_have_count(2)
    count = Observation.objects.get(method="frequency")
    assert (count.behaviour, count.interval_seconds, count.event_count) == ("Calls out", 60, 2)
    assert count.observer_id == w.alice.pk
    assert sum(e.count for e in count.entries.all()) == 2
    timed = Observation.objects.get(method="duration")
    episodes = list(timed.entries.order_by("at"))
    assert timed.behaviour == "Under the table" and len(episodes) == 2
    assert all(e.duration_seconds >= 1 for e in episodes)
    assert timed.started_at <= episodes[0].at <= episodes[1].at <= timed.ended_at
