"""My day out of school shows the next school day's plan, to read; a flag asks what the
teacher should look at; the opened card and the missed labels."""

import datetime as dt

import time_machine

from sendesk.audit.models import AccessEvent
from sendesk.provision.models import Session, SessionAmendment, SessionPupil
from sendesk.schools.models import Closure
from tests.conftest import LONDON

from .helpers import HTMX, quick_form, text


def _at(day):
    return time_machine.travel(dt.datetime.combine(day, dt.time(9, 0), LONDON), tick=False)


def _plan_ahead(as_user, person, day):
    # Logged in on the day: a session from days before would have timed out.
    with _at(day):
        response = as_user(person).get("/my-day/")
    assert response.status_code == 200
    return text(response)


def test_on_saturday_alice_reads_mondays_plan(world, as_user):
    w = world
    body = _plan_ahead(as_user, w.alice, dt.date(2026, 11, 21))
    assert "No school today. Monday 23 November: the plan" in body
    assert "Ben Brown" in body and "Talk Boost" in body and "Precision teaching" in body
    assert "Uses 4-word sentences to ask for help" in body  # the targets, to read ahead
    # Read only: no way to record a day that has not come.
    assert "/sessions/record/" not in body and "Record this session" not in body
    assert '<form method="post" action="/sessions' not in body
    assert set(AccessEvent.objects.values_list("pupil", "what")) == {(w.ben.pk, "my day")}


def test_on_a_training_day_the_plan_is_the_next_days(world, as_user):
    w = world
    Closure.objects.create(school=w.school, kind="inset", name="Training day",
                           start=dt.date(2026, 11, 19), end=dt.date(2026, 11, 19))  # fmt: skip
    body = _plan_ahead(as_user, w.alice, dt.date(2026, 11, 19))
    assert "No school today. Friday 20 November: the plan" in body
    assert "Precision teaching" in body  # due on Fridays


def test_in_the_christmas_holiday_the_plan_is_januarys(world, as_user):
    body = _plan_ahead(as_user, world.alice, dt.date(2026, 12, 24))
    assert "No school today. Tuesday 5 January: the plan" in body
    assert "Talk Boost" in body and "Precision teaching" not in body  # Tuesday


def test_a_past_weekend_asked_for_still_says_weekend(world, as_user):
    body = text(as_user(world.alice).get("/my-day/?date=2026-11-14"))
    assert "Saturday is the weekend" in body and "No school today" not in body


def test_bob_with_nobody_deployed_is_told_nothing_is_due_on_monday(world, as_user):
    body = _plan_ahead(as_user, world.bob, dt.date(2026, 11, 22))
    assert "Nothing is due on Monday 23 November" in body
    assert not AccessEvent.objects.exists()


def test_opening_a_card_loads_its_form_with_the_missed_labels(world, as_user):
    w = world
    response = as_user(w.alice).get(f"/sessions/record/{w.talk.pk}/", **HTMX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    pre = f"c{w.talk.pk.hex}"
    assert f'<h3 id="{pre}-title" tabindex="-1" autofocus>' in body
    assert f'data-draft="provision-{w.talk.pk}-' in body
    assert (
        '<span class="if-delivered-text">Minutes</span>'
        '<span class="if-missed-text">Minutes missed</span>'
    ) in body
    assert '<span class="if-missed-text">Was due at</span>' in body
    assert f'<select name="rating_{w.t1.pk}" id="{pre}-rating_{w.t1.pk}">' in body
    # Without script, the same link is a whole page, not focused on a heading.
    page = text(as_user(w.alice).get(f"/sessions/record/{w.talk.pk}/"))
    assert "<html" in page and "autofocus>" not in page.split("<main", 1)[1].split("</h3>")[0]


def test_a_flag_needs_what_the_teacher_should_look_at(world, as_user):
    w = world
    data = quick_form(flag_for_teacher="on", flag_note="  ", note="Cried at the start")
    response = as_user(w.alice).post(f"/sessions/record/{w.talk.pk}/", data, **HTMX)
    assert response.status_code == 422
    body = text(response)
    pre = f"c{w.talk.pk.hex}"
    assert f'<a href="#{pre}-flag_note">Say what the teacher should look at.</a>' in body
    assert f'aria-describedby="{pre}-flag_note-error"' in body
    assert ">Cried at the start</textarea>" in body
    assert not Session.objects.exists()

    too_long = quick_form(flag_for_teacher="on", flag_note="x" * 301)
    response = as_user(w.alice).post(f"/sessions/record/{w.talk.pk}/", too_long, **HTMX)
    assert response.status_code == 422
    assert "Keep what the teacher should look at to 300 characters or fewer." in text(response)
    assert not Session.objects.exists()


def test_a_flag_note_unflagged_is_not_kept_and_a_missed_session_can_be_flagged(world, as_user):
    w = world
    client = as_user(w.alice)
    data = quick_form(flag_note="typed then unticked")
    assert client.post(f"/sessions/record/{w.talk.pk}/", data, **HTMX).status_code == 200
    assert SessionPupil.objects.get().flag_note == ""

    missed = quick_form(outcome="missed", missed_reason="trip", flag_for_teacher="on",
                        flag_note="Owed a catch-up session next week")  # fmt: skip
    assert client.post(f"/sessions/record/{w.precision.pk}/", missed, **HTMX).status_code == 200
    sp = SessionPupil.objects.get(provision=w.precision)
    assert (sp.flag_for_teacher, sp.flag_note) == (True, "Owed a catch-up session next week")


def test_the_flag_note_reaches_the_record_and_corrections_keep_the_old_one(world, as_user):
    w = world
    data = quick_form(flag_for_teacher="on", flag_note="Ask about his new glasses")
    as_user(w.alice).post(f"/sessions/record/{w.talk.pk}/", data, **HTMX)
    session = Session.objects.get()
    client = as_user(w.alice)
    assert "Ask about his new glasses" in text(client.get(f"/sessions/{session.pk}/"))
    form = text(client.get(f"/sessions/{session.pk}/amend/"))
    assert ">Ask about his new glasses</textarea>" in form

    sp = session.pupils.get()
    correction = {
        "reason": "Wrong pupil's glasses", "outcome": "delivered", "minutes": "30",
        "p0_attendance": "present", "p0_response": "4", "p0_flag_for_teacher": "on",
        "p0_flag_note": "Ask about his hearing aid",
    }  # fmt: skip
    response = client.post(f"/sessions/{session.pk}/amend/", correction)
    assert response.status_code == 302
    sp.refresh_from_db()
    assert sp.flag_note == "Ask about his hearing aid"
    amendment = SessionAmendment.objects.get()
    assert amendment.changes[f"pupil:{w.ben.pk}:flag_note"] == [
        "Ask about his new glasses",
        "Ask about his hearing aid",
    ]
    detail = text(client.get(f"/sessions/{session.pk}/"))
    assert "what the teacher should look at" in detail
    feed = text(as_user(w.tess).get("/feed/"))
    assert "Look at:</strong> Ask about his hearing aid" in feed


def test_next_day_from_friday_on_a_sunday_is_todays_plan_not_the_future(world, as_user):
    w = world
    sunday = dt.date(2026, 11, 22)
    with _at(sunday):
        client = as_user(w.alice)
        friday = client.get("/my-day/?date=2026-11-20")
        assert friday.status_code == 200
        assert (
            '<a class="button secondary" href="/my-day/">Next day →</a>' in friday.content.decode()
        )
        assert client.get("/my-day/").status_code == 200
        thursday = client.get("/my-day/?date=2026-11-19").content.decode()
    assert 'href="/my-day/?date=2026-11-20">Next day →</a>' in thursday
