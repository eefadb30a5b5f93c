import datetime as dt
import uuid

from sendesk.audit.models import AuditEvent
from sendesk.plans.models import Plan, Target
from sendesk.provision.models import Provision, Session, SessionPupil, TargetRating
from sendesk.pupils.models import TimelineEntry
from tests.world import AUTUMN_START, TODAY

from .helpers import HTMX, quick_form, text


def url(provision):
    return f"/sessions/record/{provision.pk}/"


def assert_nothing_written():
    assert not Session.objects.exists()
    assert not SessionPupil.objects.exists()
    assert not TargetRating.objects.exists()
    assert not TimelineEntry.objects.exists()
    assert not AuditEvent.objects.exists()


def test_htmx_delivered_session_is_recorded(world, as_user):
    w = world
    data = quick_form(
        start_time="09:15", note="Asked for the glue stick in four words.",
        adaptations="Visual prompt card", flag_for_teacher="on",
        flag_note="Check his sentence cards are in his tray.",
        **{f"rating_{w.t1.pk}": "emerging"},
    )  # fmt: skip
    response = as_user(w.alice).post(url(w.talk), data, **HTMX)

    assert response.status_code == 200
    session = Session.objects.get()
    assert str(session.client_id) == data["client_id"]
    assert (session.provision, session.date, session.minutes, session.delivered) == (
        w.talk, TODAY, 30, True
    )  # fmt: skip
    assert session.start_time == dt.time(9, 15)
    assert session.recorded_by == w.alice and session.delivered_by == w.alice
    sp = SessionPupil.objects.get()
    assert (sp.pupil, sp.provision, sp.attendance, sp.minutes, sp.response) == (
        w.ben, w.talk, "present", 30, 4
    )  # fmt: skip
    assert sp.note == "Asked for the glue stick in four words."
    assert sp.adaptations == "Visual prompt card"
    assert sp.flag_for_teacher is True
    assert list(TargetRating.objects.values_list("target", "rating")) == [(w.t1.pk, "emerging")]
    entry = TimelineEntry.objects.get()
    assert (entry.pupil, entry.kind, entry.ref_id) == (w.ben, "session", str(session.pk))
    audit = AuditEvent.objects.get()
    assert (audit.actor, audit.pupil_id, audit.action) == (w.alice, w.ben.pk, "create")

    # The card, not a page: its recorded state, a link to the record, the draft cleared.
    body = text(response)
    assert "<html" not in body
    assert f'id="card-{w.talk.pk}"' in body
    assert "Recorded ✓" in body and "Present · 30 min · response 4/5" in body
    # What was saved, not just "saved": the ratings, the note, the adaptations, the flag.
    assert f"{w.t1.text}: <strong>Emerging</strong>" in body
    assert "Asked for the glue stick in four words." in body
    assert "Visual prompt card" in body
    assert "Flagged for teacher</span> Check his sentence cards are in his tray." in body
    assert sp.flag_note == "Check his sentence cards are in his tray."
    assert f'href="/sessions/{session.pk}/"' in body
    assert f'data-draft-clear="provision-{w.talk.pk}-{TODAY}"' in body
    assert "<form" not in body


def test_htmx_missed_session_is_recorded_with_its_reason(world, as_user):
    w = world
    # Chips typed in the delivered half before switching to "missed" are not refused.
    data = quick_form(outcome="missed", missed_reason="staff_absent", missed_note="Cover in 4B")
    response = as_user(w.alice).post(url(w.precision), data, **HTMX)

    assert response.status_code == 200
    session = Session.objects.get()
    assert (session.delivered, session.missed_reason, session.missed_note) == (
        False, "staff_absent", "Cover in 4B"
    )  # fmt: skip
    sp = SessionPupil.objects.get()
    assert (sp.pupil, sp.provision, sp.attendance, sp.minutes) == (w.ben, w.precision, "", 0)
    assert not TargetRating.objects.exists()
    assert TimelineEntry.objects.get().kind == "session_missed"
    assert AuditEvent.objects.filter(pupil=w.ben, action="create").count() == 1
    assert "Missed — staff absent" in text(response)


def test_plain_post_redirects_back_to_my_day(world, as_user):
    w = world
    client = as_user(w.alice)
    response = client.post(url(w.talk), quick_form())
    assert response.status_code == 302
    assert response["Location"] == "/my-day/"
    assert Session.objects.count() == 1

    body = text(client.get("/my-day/"))
    assert "Recorded ✓ Talk Boost for Ben Brown, 18 November." in body


def test_yesterdays_session_recorded_in_the_morning(world, as_user):
    w = world
    yesterday = TODAY - dt.timedelta(days=1)
    response = as_user(w.alice).post(url(w.talk), quick_form(date=yesterday.isoformat()))
    assert response.status_code == 302
    assert response["Location"] == f"/my-day/?date={yesterday}"
    assert Session.objects.get().date == yesterday
    assert SessionPupil.objects.get().date == yesterday


def test_same_client_id_twice_makes_one_session(world, as_user):
    w = world
    client = as_user(w.alice)
    data = quick_form()
    first = client.post(url(w.talk), data, **HTMX)
    again = client.post(url(w.talk), data, **HTMX)
    plain = client.post(url(w.talk), data)
    assert (first.status_code, again.status_code, plain.status_code) == (200, 200, 302)
    session = Session.objects.get()
    assert f'href="/sessions/{session.pk}/"' in text(again)
    assert SessionPupil.objects.count() == 1
    assert TimelineEntry.objects.count() == 1
    assert AuditEvent.objects.count() == 1


def _assert_kept(body, data):
    """The re-rendered form holds what was typed."""
    assert f'name="client_id" value="{data["client_id"]}"' in body
    assert f'value="{data["minutes"]}"' in body
    assert data["note"] in body


def test_delivered_without_attendance_is_refused_and_keeps_the_typing(world, as_user):
    w = world
    data = quick_form(attendance=None, minutes="25", note="Tired after PE", response="2")
    response = as_user(w.alice).post(url(w.talk), data, **HTMX)

    assert response.status_code == 422
    body = text(response)
    assert "Choose attendance: present, part of the session, absent or refused." in body
    _assert_kept(body, data)
    assert f'name="response" value="2" id="c{w.talk.pk.hex}-response-1" checked' in body
    # The message sits beside the chips and is linked to them, and the summary is focusable.
    pre = f"c{w.talk.pk.hex}"
    assert f'aria-describedby="{pre}-attendance-error"' in body
    assert f'id="{pre}-attendance-error"' in body
    assert 'class="error-summary" role="alert" tabindex="-1" autofocus' in body
    assert f'href="#{pre}-attendance-0"' in body
    assert_nothing_written()


def test_missed_without_reason_is_refused(world, as_user):
    data = quick_form(outcome="missed", note="Typed before switching")
    response = as_user(world.alice).post(url(world.talk), data, **HTMX)
    assert response.status_code == 422
    body = text(response)
    assert "Say why the session was missed" in body
    assert f'value="missed" id="c{world.talk.pk.hex}-outcome-1" checked' in body
    _assert_kept(body, data)
    assert_nothing_written()


def test_other_reason_needs_a_note(world, as_user):
    data = quick_form(outcome="missed", missed_reason="other")
    response = as_user(world.alice).post(url(world.talk), data, **HTMX)
    assert response.status_code == 422
    assert "When the reason is 'other', say what it was." in text(response)
    assert_nothing_written()


def test_zero_minutes_is_refused(world, as_user):
    data = quick_form(minutes="0", note="Short one")
    response = as_user(world.alice).post(url(world.talk), data, **HTMX)
    assert response.status_code == 422
    body = text(response)
    assert "Minutes must be a whole number from 1 to 600." in body
    assert f'aria-describedby="c{world.talk.pk.hex}-minutes-error"' in body
    _assert_kept(body, data)
    assert_nothing_written()


def test_minutes_that_are_not_a_number_are_refused(world, as_user):
    data = quick_form(minutes="half an hour", note="x")
    response = as_user(world.alice).post(url(world.talk), data, **HTMX)
    assert response.status_code == 422
    body = text(response)
    assert "Minutes must be a whole number from 1 to 600." in body
    assert 'value="half an hour"' in body
    assert_nothing_written()


def test_future_date_is_refused(world, as_user):
    data = quick_form(date="2026-11-19", note="Tomorrow's")
    response = as_user(world.alice).post(url(world.talk), data, **HTMX)
    assert response.status_code == 422
    body = text(response)
    assert "A session can't be recorded for a day that hasn't happened yet." in body
    _assert_kept(body, data)
    assert_nothing_written()


def test_target_of_another_pupil_is_refused(world, as_user):
    w = world
    dans_plan = Plan.objects.create(pupil=w.dan, kind="iep", title="Dan's IEP", status="active")
    dans_target = Target.objects.create(plan=dans_plan, text="Names three feelings")
    data = quick_form(note="Rated the wrong one", **{f"rating_{dans_target.pk}": "secure"})
    response = as_user(w.alice).post(url(w.talk), data, **HTMX)
    assert response.status_code == 422
    body = text(response)
    assert "This target is not one of this pupil's targets." in body
    assert "Names three feelings" not in body
    _assert_kept(body, data)
    assert_nothing_written()


def test_unknown_rating_is_refused_beside_its_target(world, as_user):
    w = world
    data = quick_form(note="n", **{f"rating_{w.t1.pk}": "brilliant"})
    response = as_user(w.alice).post(url(w.talk), data, **HTMX)
    assert response.status_code == 422
    body = text(response)
    assert "Rate progress as not yet, emerging, developing, secure or achieved." in body
    assert f'aria-describedby="c{w.talk.pk.hex}-rating_{w.t1.pk}-error"' in body
    assert_nothing_written()


def test_plain_post_failure_renders_the_whole_page_with_errors(world, as_user):
    data = quick_form(attendance=None, note="No script on this tablet")
    response = as_user(world.alice).post(url(world.talk), data)
    assert response.status_code == 422
    body = text(response)
    assert "<html" in body and "Record a session" in body
    assert "Choose attendance" in body
    assert "Give a five-minute warning before changes" in body  # the pupil's strategies
    _assert_kept(body, data)
    assert_nothing_written()


def test_provision_out_of_scope_is_404_like_a_missing_one(world, as_user):
    w = world
    caras = Provision.objects.create(
        pupil=w.cara, title="Toe by Toe", kind="group", source="sen_support",
        sessions_per_week=1, session_minutes=15, weekly_minutes=15, days="3", start=AUTUMN_START,
    )  # fmt: skip
    client = as_user(w.alice)
    missing = client.post(f"/sessions/record/{uuid.uuid4()}/", quick_form(), **HTMX)
    out_of_scope = client.post(url(caras), quick_form(), **HTMX)
    assert out_of_scope.status_code == 404
    assert out_of_scope.content == missing.content
    for person in (w.bob, w.dsl):  # Dee sees Ben, may not record
        response = as_user(person).post(url(w.talk), quick_form(), **HTMX)
        assert response.status_code == 404
        # The 404 page carries the person's own navigation: compare with what they get for a
        # record that does not exist.
        ghost = as_user(person).post(f"/sessions/record/{uuid.uuid4()}/", quick_form(), **HTMX)
        assert response.content == ghost.content
    assert as_user(w.bob).get(url(w.talk)).status_code == 404
    assert_nothing_written()


def test_form_page_without_script_and_card_for_htmx(world, as_user):
    w = world
    client = as_user(w.alice)
    page = client.get(url(w.talk) + "?date=2026-11-17")
    assert page.status_code == 200
    body = text(page)
    assert "<html" in body and 'name="date" value="2026-11-17"' in body
    assert "For Tuesday 17 November" in body
    card = client.get(url(w.talk) + f"?date={TODAY}&another=1", **HTMX)
    body = text(card)
    assert "<html" not in body and "another session" in body
    assert f'data-draft="provision-{w.talk.pk}-{TODAY}"' in body


def test_the_card_after_a_save_matches_the_card_drawn_from_the_database(world, as_user):
    """The first save draws the card from what it wrote (nothing read back); the same form
    sent again draws it from the stored record. A TA sees the same card either way: the
    ratings, the note and the flag that were saved."""
    w = world
    client = as_user(w.alice)
    data = quick_form(
        note="Used his sentence strip.",
        flag_for_teacher="on",
        flag_note="New words this week",
        **{f"rating_{w.t1.pk}": "secure"},
    )
    first = text(client.post(url(w.talk), data, **HTMX))
    again = text(client.post(url(w.talk), data, **HTMX))
    assert first == again
    assert f"{w.t1.text}: <strong>Secure</strong>" in first
    assert "Used his sentence strip." in first and "New words this week" in first
    assert f"By {w.alice}" in first
