"""The recorder page, the write-up form that works without script, and an observation's
page: what they show, the access rows they write, and their query counts."""

import html
import json
import re
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sendesk.behaviour.models import Amendment, Observation, ObservationEntry
from sendesk.pupils.models import TimelineEntry

from ..second_factor import verified_login
from .conftest import abc, accesses, duration, frequency, interval, rows


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_recorder_page(world, as_user):
    w = world
    r = as_user(w.alice).get(f"/pupils/{w.ben.pk}/observe/")
    assert r.status_code == 200
    body = text(r)
    assert "<h1>Observe Ben Brown" in body
    assert f'data-post-url="/pupils/{w.ben.pk}/observe/"' in body
    assert re.search(r'data-csrf="[^"]{32,}"', body)
    assert "js/observe.js" in body and "<noscript>" in body
    for label in (
        "ABC (antecedent, behaviour, consequence)",
        "Frequency count per interval",
        "Duration recording",
        "Interval sampling (on / off task)",
    ):
        assert label in body
    for control in (
        "obs-lesson",
        "obs-activity",
        "obs-staff",
        "obs-behaviour",
        "obs-interval",
        "obs-a",
        "obs-b",
        "obs-c",
        "obs-notes",
    ):
        assert f'<label for="{control}">' in body, control
    assert 'aria-live="assertive"' in body and 'role="timer"' in body
    assert accesses(w.alice, w.ben) == ["observation recorder"]


def test_the_page_endpoint_takes_the_csrf_header(world):
    """What observe.js does: the token from the page, in X-CSRFToken, with the session."""
    w = world
    client = Client(enforce_csrf_checks=True)
    verified_login(client, w.alice)
    page = text(client.get(f"/pupils/{w.ben.pk}/observe/"))
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    url = f"/pupils/{w.ben.pk}/observe/"
    refused = client.post(url, json.dumps(abc()), content_type="application/json")
    assert refused.status_code == 403
    r = client.post(url, json.dumps(abc()), content_type="application/json",
                    HTTP_X_CSRFTOKEN=token)  # fmt: skip
    assert r.status_code == 201
    assert Observation.objects.count() == 1


def manual(**changes):
    data = {
        "manual-client_id": str(uuid.uuid4()),
        "manual-date": "2026-11-18",
        "manual-start": "09:00",
        "manual-end": "09:40",
        "manual-lesson": "Maths",
        "manual-activity": "Times tables",
        "manual-staff_present": "Tess Teacher",
        "manual-notes": "",
        "manual-e0_time": "09:12",
        "manual-e0_antecedent": "Asked to put the iPad away",
        "manual-e0_behaviour": "Threw a pencil",
        "manual-e0_consequence": "Five-minute warning given",
        "manual-e1_time": "09:05",
        "manual-e1_behaviour": "Left his seat",
    }
    data.update(changes)
    return data


def test_manual_abc_form_saves_an_observation(world, as_user):
    w = world
    client = as_user(w.alice)
    data = manual()
    r = client.post(f"/pupils/{w.ben.pk}/observe/", data)
    obs = Observation.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/observations/{obs.pk}/"
    assert str(obs.client_id) == data["manual-client_id"]
    assert (obs.method, obs.lesson, obs.minutes, obs.event_count, obs.rate_per_hour) == (
        "abc", "Maths", 40, 2, 3.0
    )  # fmt: skip
    # In time order: 09:05 first.
    assert list(obs.entries.values_list("behaviour", flat=True)) == [
        "Left his seat", "Threw a pencil"
    ]  # fmt: skip
    again = client.post(f"/pupils/{w.ben.pk}/observe/", data)  # a double tap
    assert again.status_code == 302 and Observation.objects.count() == 1
    assert "Observation of Ben Brown saved ✓" in text(client.get(r["Location"]))


def test_manual_form_keeps_what_was_typed_when_refused(world, as_user):
    w = world
    client = as_user(w.alice)
    before = rows()
    # Row 3 has text but no time.
    r = client.post(f"/pupils/{w.ben.pk}/observe/", manual(**{"manual-e2_antecedent": "Noisy"}))
    assert r.status_code == 422
    body = text(r)
    assert "Not saved: please check" in body
    assert "Time, entry 3: Give the time of this entry." in body
    assert "Asked to put the iPad away</textarea>" in body
    assert "Noisy</textarea>" in body
    assert 'value="Maths"' in body
    # Row 2's time is outside the observation: the service says so beside it.
    r = client.post(f"/pupils/{w.ben.pk}/observe/", manual(**{"manual-e1_time": "10:30"}))
    assert r.status_code == 422
    assert 'aria-invalid="true"' in text(r)
    assert "Time, entry 2: This entry's time is outside the observation (09:00:00–09:40:00)." in (
        text(r)
    )
    assert "Left his seat</textarea>" in text(r)
    assert rows() == before


def test_manual_form_end_before_start(world, as_user):
    w = world
    r = as_user(w.alice).post(f"/pupils/{w.ben.pk}/observe/", manual(**{"manual-end": "08:00"}))
    assert r.status_code == 422
    assert "Ended: The observation can't end before it started." in text(r)


DETAIL = {
    "abc": (abc, ["ABC (antecedent, behaviour, consequence)", "6 events in 30 min, 12 an hour",
                  "Pushed the book away (6)", "Column addition", "Tess Teacher, Alice Assistant",
                  "Worse after the fire drill."]),
    "frequency": (frequency, ["Frequency count per interval",
                              "“calls out”: 8 times in 10 min, 48 an hour", "Counts per interval"]),
    "duration": (duration, ["“out of seat”: 3 episodes, 3 min in all, in 20 min", "1 min 30 s",
                            "Total duration"]),
    "interval": (interval, ["“on task”: 70% on task (10 samples) in 5 min",
                            "70% (7 of 10 samples)", "Off task"]),
}  # fmt: skip


@pytest.mark.parametrize("method", DETAIL)
def test_observation_page(world, recorder, as_user, method):
    w = world
    make, expected = DETAIL[method]
    obs_id = recorder.page(w.alice, w.ben, make()).json()["id"]
    r = as_user(w.tess).get(f"/observations/{obs_id}/")
    assert r.status_code == 200
    body = text(r)
    for words in expected:
        assert words in body, words
    assert "Alice Assistant" in body  # the observer
    assert accesses(w.tess) == ["observation"]


def test_timeline_entry_points_at_the_observation(world, recorder, as_user):
    w = world
    obs_id = recorder.page(w.alice, w.ben, abc()).json()["id"]
    entry = TimelineEntry.objects.get(pupil=w.ben, kind="observation")
    assert (entry.ref_type, entry.ref_id) == ("observation", obs_id)
    body = text(as_user(w.alice).get(f"/pupils/{w.ben.pk}/timeline/"))
    assert "Observation (ABC): 6 events in 30 min, 12 an hour" in body


def test_corrections_show_what_the_record_said_before(world, recorder, as_user):
    w = world
    obs_id = recorder.page(w.alice, w.ben, abc()).json()["id"]
    Amendment.objects.create(
        record_type="observation", record_id=obs_id, pupil=w.ben, amended_by=w.senco,
        amended_at=Observation.objects.get().recorded_at, reason="Lesson was English",
        changes={"lesson": ["Maths", "English"]},
    )  # fmt: skip
    body = text(as_user(w.alice).get(f"/observations/{obs_id}/"))
    assert "Why: Lesson was English" in body
    assert "lesson: was “Maths”, now “English”" in body


def _count(call):
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    return response, len(ctx.captured_queries)


@pytest.mark.parametrize("make", [abc, frequency, interval])
def test_saving_costs_the_same_however_many_entries(world, recorder, make):
    w = world
    body = make()
    recorder.page(w.alice, w.ben, make())  # logs in
    r, few = _count(lambda: recorder.page(w.alice, w.ben, make(entries=body["entries"][:2])))
    assert r.status_code == 201
    r, many = _count(lambda: recorder.page(w.alice, w.ben, body))
    assert r.status_code == 201
    assert few == many
    assert ObservationEntry.objects.count() == 2 * len(body["entries"]) + 2


def test_saving_query_count(world, recorder, django_assert_num_queries):
    w = world
    recorder.page(w.alice, w.ben, abc(n=1))  # logs in
    # session, user, the second-factor gate (has Alice set one up, her roles, does her
    # school's policy ask her to: one query, mfa.step_owed), pupil (the page), client_id
    # lookup, pupil (the service), savepoint, observation, entries, timeline, the audit
    # chain's head, audit, release.
    with django_assert_num_queries(13):
        assert recorder.page(w.alice, w.ben, abc(n=40)).status_code == 201
    assert ObservationEntry.objects.count() == 41


def test_observation_page_costs_the_same_however_many_entries(world, recorder, as_user):
    w = world
    few_id = recorder.page(w.alice, w.ben, abc(n=2)).json()["id"]
    many_id = recorder.page(w.alice, w.ben, abc(n=60)).json()["id"]
    client = as_user(w.tess)
    client.get(f"/observations/{few_id}/")
    _, few = _count(lambda: client.get(f"/observations/{few_id}/"))
    r, many = _count(lambda: client.get(f"/observations/{many_id}/"))
    assert r.status_code == 200 and "Pushed the book away (60)" in text(r)
    assert few == many


def test_recorder_page_query_count(world, as_user, django_assert_num_queries):
    client = as_user(world.alice)
    client.get(f"/pupils/{world.ben.pk}/observe/")
    # session, user, the second-factor gate (device, roles and policy in one query), pupil,
    # the access chain's head, access row, the unread notifications beside the bar's
    # "Notifications" (issue 11)
    with django_assert_num_queries(7):
        client.get(f"/pupils/{world.ben.pk}/observe/")
