"""Recording each kind of observation through the recorder page's endpoint and the API:
what is stored, the summary, the timeline entry and the audit row."""

import pytest

from sendesk.audit.models import AuditEvent
from sendesk.behaviour.models import Observation, ObservationEntry
from sendesk.pupils.models import TimelineEntry

from .conftest import START, abc, duration, frequency, interval, rows

HOW = ["page", "api"]


@pytest.mark.parametrize("how", HOW)
def test_abc(world, recorder, how):
    w = world
    body = abc()
    r = recorder.post(how, w.alice, w.ben, body)
    assert r.status_code == 201, r.content
    obs = Observation.objects.get()
    assert str(obs.client_id) == body["client_id"]
    assert (obs.pupil, obs.school, obs.observer, obs.method) == (w.ben, w.school, w.alice, "abc")
    assert (obs.lesson, obs.activity, obs.staff_present) == (
        "Maths", "Column addition", "Tess Teacher, Alice Assistant"
    )  # fmt: skip
    assert (obs.started_at, obs.minutes, obs.notes) == (START, 30, "Worse after the fire drill.")
    assert obs.interval_seconds is None
    # 6 entries in 30 minutes: 12 an hour.
    assert (obs.event_count, obs.rate_per_hour) == (6, 12.0)
    assert (obs.total_duration_seconds, obs.on_task_pct) == (None, None)
    entries = list(obs.entries.all())
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
    assert entries[0].antecedent == "Asked to start question 1"
    assert entries[0].behaviour == "Pushed the book away (1)"
    assert entries[0].consequence == "Offered the calm corner"
    assert [e.at for e in entries] == sorted(e.at for e in entries)

    timeline = TimelineEntry.objects.get(pupil=w.ben, kind="observation")
    assert timeline.title == "Observation (ABC): 6 events in 30 min, 12 an hour"
    assert (timeline.ref_type, timeline.ref_id) == ("observation", str(obs.pk))
    assert (timeline.occurred_at, timeline.actor, timeline.body) == (
        START, w.alice, "Worse after the fire drill."
    )  # fmt: skip
    audit = AuditEvent.objects.get(pupil=w.ben)
    assert (audit.action, audit.actor, audit.object_id) == ("create", w.alice, str(obs.pk))
    assert audit.after["observation"]["rate_per_hour"] == 12.0
    assert len(audit.after["entries"]) == 6
    assert audit.after["entries"][0]["behaviour"] == "Pushed the book away (1)"


@pytest.mark.parametrize("how", HOW)
def test_frequency(world, recorder, how):
    w = world
    r = recorder.post(how, w.alice, w.ben, frequency())
    assert r.status_code == 201, r.content
    obs = Observation.objects.get()
    assert (obs.method, obs.behaviour, obs.interval_seconds) == ("frequency", "calls out", 60)
    # 8 times in 10 minutes: 48 an hour.
    assert (obs.event_count, obs.rate_per_hour) == (8, 48.0)
    assert list(obs.entries.values_list("seq", "count")) == list(
        enumerate([2, 0, 1, 3, 0, 0, 1, 0, 0, 1], start=1)
    )
    assert TimelineEntry.objects.get(kind="observation").title == (
        "Observation (frequency) “calls out”: 8 times in 10 min, 48 an hour"
    )


def test_frequency_intervals_may_come_in_any_order(world, recorder):
    w = world
    body = frequency(counts=[1, 2, 3])
    body["entries"].reverse()
    assert recorder.page(w.alice, w.ben, body).status_code == 201
    assert list(ObservationEntry.objects.values_list("seq", "count")) == [(1, 1), (2, 2), (3, 3)]
    assert Observation.objects.get().rate_per_hour == 120.0


@pytest.mark.parametrize("how", HOW)
def test_duration(world, recorder, how):
    w = world
    r = recorder.post(how, w.alice, w.ben, duration())
    assert r.status_code == 201, r.content
    obs = Observation.objects.get()
    # 3 episodes in 20 minutes (9 an hour), 3 minutes in all.
    assert (obs.event_count, obs.rate_per_hour, obs.total_duration_seconds) == (3, 9.0, 180)
    assert obs.on_task_pct is None
    assert list(obs.entries.values_list("seq", "duration_seconds")) == [(1, 30), (2, 90), (3, 60)]
    assert TimelineEntry.objects.get(kind="observation").title == (
        "Observation (duration) “out of seat”: 3 episodes, 3 min in all, in 20 min"
    )


@pytest.mark.parametrize("how", HOW)
def test_interval_sampling(world, recorder, how):
    w = world
    r = recorder.post(how, w.alice, w.ben, interval())
    assert r.status_code == 201, r.content
    obs = Observation.objects.get()
    # 10 samples, 7 on task: 70%.
    assert (obs.event_count, obs.on_task_pct, obs.rate_per_hour) == (10, 70.0, None)
    assert (obs.behaviour, obs.interval_seconds) == ("on task", 30)
    assert list(obs.entries.values_list("on_task", flat=True)) == [
        True, True, False, True, True, True, False, True, False, True
    ]  # fmt: skip
    assert TimelineEntry.objects.get(kind="observation").title == (
        "Observation (interval sampling): 70% on task (10 samples) in 5 min"
    )


def test_one_decimal_place(world, recorder):
    # 2 of 3 on task; 1 ABC entry in 7 minutes.
    w = world
    assert recorder.page(w.alice, w.ben, interval(samples=[True, True, False])).status_code == 201
    assert recorder.page(w.alice, w.ben, abc(n=1, minutes=7)).status_code == 201
    summaries = Observation.objects.order_by("method").values_list("on_task_pct", "rate_per_hour")
    assert list(summaries) == [(None, 8.6), (66.7, None)]  # abc, interval


def test_an_abc_observation_with_nothing_seen_is_kept(world, recorder):
    w = world
    assert recorder.page(w.alice, w.ben, abc(n=0)).status_code == 201
    obs = Observation.objects.get()
    assert (obs.event_count, obs.rate_per_hour) == (0, 0.0)
    assert TimelineEntry.objects.get().title == "Observation (ABC): 0 events in 30 min, 0 an hour"


def test_a_duration_observation_with_no_episode_is_kept(world, recorder):
    w = world
    assert recorder.page(w.alice, w.ben, duration(entries=[])).status_code == 201
    obs = Observation.objects.get()
    assert (obs.event_count, obs.total_duration_seconds) == (0, 0)


def test_entries_a_little_outside_the_window_are_kept(world, recorder):
    # A device stamps an entry 50 s after it says the observation ended: clock skew.
    w = world
    body = abc(n=1)
    body["entries"][0]["at"] = "2026-11-18T09:30:50+00:00"
    assert recorder.page(w.alice, w.ben, body).status_code == 201


def test_page_answer_links_to_the_record(world, recorder):
    w = world
    r = recorder.page(w.alice, w.ben, abc())
    obs = Observation.objects.get()
    assert r.json() == {
        "id": str(obs.pk),
        "client_id": str(obs.client_id),
        "created": True,
        "url": f"/observations/{obs.pk}/",
        "summary": "6 events in 30 min, 12 an hour",
    }


def test_api_answer(world, recorder):
    w = world
    body = duration()
    out = recorder.via_api(w.alice, w.ben, body).json()
    obs = Observation.objects.get()
    assert out["id"] == str(obs.pk) and out["client_id"] == body["client_id"]
    assert out["pupil_id"] == str(w.ben.pk)
    summary = (out["event_count"], out["rate_per_hour"], out["total_duration_seconds"])
    assert summary == (3, 9.0, 180)
    assert out["on_task_pct"] is None
    assert out["observer"] == "Alice Assistant"
    assert [e["duration_seconds"] for e in out["entries"]] == [30, 90, 60]
    assert out["entries"][0]["at"] == "2026-11-18T09:02:00Z"


@pytest.mark.parametrize("person", ["tess", "hana_for_cara", "senco", "head"])
def test_others_who_record_sessions_may_observe(world, recorder, person):
    w = world
    user, pupil = (w.hana, w.cara) if person == "hana_for_cara" else (getattr(w, person), w.ben)
    assert recorder.page(user, pupil, abc()).status_code == 201
    assert Observation.objects.get().observer == user


def test_nothing_is_written_twice(world, recorder):
    w = world
    recorder.page(w.alice, w.ben, abc())
    assert rows() == {"Observation": 1, "ObservationEntry": 6, "TimelineEntry": 1, "AuditEvent": 1}


@pytest.mark.parametrize("how", HOW)
def test_nul_characters_are_refused_not_dropped_or_a_500(world, recorder, how):
    # PostgreSQL cannot store NUL in text, and a pasted control character is never meant:
    # the recorder is told which field to retype (the tablet keeps the observation).
    w = world
    in_header = recorder.post(how, w.alice, w.ben, abc(n=1, lesson="Ma\x00ths"))
    assert in_header.status_code == 422
    assert in_header.json()["errors"] == {
        "lesson": "This holds a character that can't be stored: retype it."
    }
    body = abc(n=1)
    body["entries"][0]["behaviour"] = "Shouted\x00"
    in_entry = recorder.post(how, w.alice, w.ben, body)
    assert in_entry.status_code == 422
    assert "can't be stored" in in_entry.json()["errors"]["entries.0.behaviour"]
    assert not Observation.objects.exists()


def test_times_without_an_offset_are_school_time(world, recorder):
    w = world
    body = abc(n=1, started_at="2026-11-18T09:00:00", ended_at="2026-11-18T09:30:00")
    body["entries"][0]["at"] = "2026-11-18T09:10:00"
    assert recorder.page(w.alice, w.ben, body).status_code == 201
    assert Observation.objects.get().started_at == START
