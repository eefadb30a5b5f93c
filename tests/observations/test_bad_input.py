"""Bad input, method by method: a 4xx naming what is wrong, never a 500, nothing written."""

import pytest

from .conftest import abc, at, duration, frequency, interval, rows


def entry(body, i=0, **changes):
    body["entries"][i].update(changes)
    return body


def without(body, key):
    return {k: v for k, v in body.items() if k != key}


BAD = {
    # Any method
    "client_id not a uuid": (lambda: abc(client_id="abc-123"), "client_id"),
    "unknown method": (lambda: abc(method="anecdote"), "method"),
    "started_at in words": (lambda: abc(started_at="this morning"), "started_at"),
    "started_at missing": (lambda: without(abc(), "started_at"), "started_at"),
    "started_at far in the past": (lambda: abc(started_at="1899-01-01T09:00:00Z"), "started_at"),
    "ends before it starts": (lambda: abc(ended_at=at(-5), entries=[]), "ended_at"),
    "longer than 8 hours": (lambda: abc(started_at="2026-11-17T09:00:00Z", entries=[]),
                            "ended_at"),
    "ends in the future": (lambda: abc(ended_at="2026-11-18T11:00:00Z", entries=[]), "ended_at"),
    "lesson too long": (lambda: abc(lesson="x" * 101), "lesson"),
    "lesson not text": (lambda: abc(lesson=["Maths"]), "lesson"),
    "entries not a list": (lambda: abc(entries="lots"), "entries"),
    "entry not an object": (lambda: abc(entries=["Shouted"]), "entries.0"),
    "entry without a time": (lambda: abc(entries=[{"behaviour": "Shouted"}]), "entries.0.at"),
    "entry time in words": (lambda: entry(abc(), 1, at="just now"), "entries.1.at"),
    # ABC
    "abc entry without behaviour": (lambda: entry(abc(), 2, behaviour="  "),
                                    "entries.2.behaviour"),
    "abc entry before the start": (lambda: entry(abc(), 0, at=at(-2)), "entries.0.at"),
    "abc entry after the end": (lambda: entry(abc(), 5, at=at(32)), "entries.5.at"),
    "abc behaviour not text": (lambda: entry(abc(), 0, behaviour=7), "entries.0.behaviour"),
    # Frequency
    "frequency without a behaviour": (lambda: frequency(behaviour=""), "behaviour"),
    "frequency without an interval": (lambda: without(frequency(), "interval_seconds"),
                                      "interval_seconds"),
    "frequency interval too short": (lambda: frequency(interval_seconds=3), "interval_seconds"),
    "frequency interval too long": (lambda: frequency(interval_seconds=3601),
                                    "interval_seconds"),
    "frequency negative count": (lambda: entry(frequency(), 1, count=-1), "entries.1.count"),
    "frequency fractional count": (lambda: entry(frequency(), 1, count=1.5), "entries.1.count"),
    "frequency missing count": (lambda: entry(frequency(), 1, count=None), "entries.1.count"),
    "frequency absurd count": (lambda: entry(frequency(), 1, count=10**12), "entries.1.count"),
    "frequency interval 0": (lambda: entry(frequency(), 0, seq=0), "entries.0.seq"),
    "frequency interval past the end": (lambda: entry(frequency(), 9, seq=11), "entries.9.seq"),
    "frequency interval twice": (lambda: entry(frequency(), 3, seq=2), "entries.3.seq"),
    "frequency with no intervals": (lambda: frequency(entries=[]), "entries"),
    # Duration
    "duration without a behaviour": (lambda: duration(behaviour=None), "behaviour"),
    "duration of 0 seconds": (lambda: entry(duration(), 1, duration_seconds=0),
                              "entries.1.duration_seconds"),
    "duration missing": (lambda: entry(duration(), 1, duration_seconds=None),
                         "entries.1.duration_seconds"),
    "duration past the end": (lambda: entry(duration(), 2, duration_seconds=600),
                              "entries.2.duration_seconds"),
    # Interval sampling
    "sample neither on nor off task": (lambda: entry(interval(), 4, on_task=None),
                                       "entries.4.on_task"),
    "sample on task 'maybe'": (lambda: entry(interval(), 4, on_task="maybe"),
                               "entries.4.on_task"),
    "sampling without an interval": (lambda: interval(interval_seconds=None), "interval_seconds"),
    "sampling with no samples": (lambda: interval(entries=[]), "entries"),
}  # fmt: skip


@pytest.mark.parametrize("how", ["page", "api"])
@pytest.mark.parametrize("case", BAD)
def test_bad_input_says_what_is_wrong_and_writes_nothing(world, recorder, case, how):
    make, field = BAD[case]
    before = rows()
    r = recorder.post(how, world.alice, world.ben, make())
    assert r.status_code == 422, r.content
    out = r.json()
    assert field in out["errors"], out
    assert out["detail"]
    assert rows() == before


def test_messages_are_in_words(world, recorder):
    w = world
    body = entry(frequency(), 3, seq=2)
    entry(body, 0, count=-1)
    errors = recorder.page(w.alice, w.ben, body).json()["errors"]
    assert errors == {
        "entries.0.count": "Give the count for this interval: a whole number from 0 to 10000.",
        "entries.3.seq": "Interval 2 is counted twice (entries 2 and 4).",
    }
    body = entry(abc(), 0, at=at(-2))
    errors = recorder.page(w.alice, w.ben, body).json()["errors"]
    assert errors == {"entries.0.at": "This entry's time is outside the observation "
                      "(09:00:00–09:30:00)."}  # fmt: skip


NOT_AN_OBJECT = {
    "not JSON": ("{method: abc", 400),
    "not UTF-8": (b"\xff\xfe{", 400),
    "a JSON list": ("[1, 2]", 422),
    "JSON null": ("null", 422),
    "deeply nested": ("[" * 100_000 + "]" * 100_000, None),
}


@pytest.mark.parametrize("how", ["page", "api"])
@pytest.mark.parametrize("case", NOT_AN_OBJECT)
def test_a_body_that_is_not_an_observation(world, recorder, case, how):
    body, status = NOT_AN_OBJECT[case]
    r = recorder.post(how, world.alice, world.ben, body)
    assert r.status_code in ((400, 422) if status is None else (status,)), r.content
    assert r.json()["errors"]
    assert rows() == {"Observation": 0, "ObservationEntry": 0, "TimelineEntry": 0,
                      "AuditEvent": 0}  # fmt: skip


def test_the_manual_form_needs_a_time_for_each_entry(world, as_user):
    from sendesk.behaviour.models import Observation

    r = as_user(world.alice).post(
        f"/pupils/{world.ben.pk}/observe/",
        {"manual-client_id": "0b8f0a5e-6c1d-4f0e-9a51-2d6f3c1b7e42", "manual-date": "2026-11-18",
         "manual-start": "09:00", "manual-end": "09:30", "manual-e0_behaviour": "Shouted"},
    )  # fmt: skip
    assert r.status_code == 422
    assert Observation.objects.count() == 0
