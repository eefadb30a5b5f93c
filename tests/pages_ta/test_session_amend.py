import uuid

from sendesk.audit.models import AuditEvent
from sendesk.provision.models import Session, SessionAmendment, SessionPupil, TargetRating
from sendesk.pupils.models import TimelineEntry

from .helpers import text


def amend_form(session, **changes):
    """The amend form as it is first shown for a one-pupil session, with `changes`."""
    sp = session.pupils.get()
    data = {
        "reason": "",
        "outcome": "delivered" if session.delivered else "missed",
        "minutes": str(session.minutes),
        "start_time": "",
        "missed_reason": session.missed_reason,
        "missed_note": session.missed_note,
        "p0_attendance": sp.attendance,
        "p0_response": "" if sp.response is None else str(sp.response),
        "p0_note": sp.note,
        "p0_adaptations": sp.adaptations,
    }
    if sp.flag_for_teacher:
        data["p0_flag_for_teacher"] = "on"
    for r in sp.ratings.all():
        data[f"p0_rating_{r.target_id}"] = r.rating
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_form_shows_the_record_as_it_is(world, as_user, record):
    w = world
    session = record(w.alice, w.talk, response=3, note="Quiet today",
                     target_progress=[(w.t1.pk, "emerging")])  # fmt: skip
    response = as_user(w.alice).get(f"/sessions/{session.pk}/amend/")
    assert response.status_code == 200
    body = text(response)
    assert 'name="minutes" id="amend-minutes" value="30"' in body
    assert 'name="p0_attendance" value="present" id="amend-p0_attendance-0" checked' in body
    assert 'name="p0_response" value="3" id="amend-p0_response-3" checked' in body
    assert f'name="p0_rating_{w.t1.pk}" value="emerging"' in body
    assert ">Quiet today</textarea>" in body


def test_amend_keeps_the_original_in_the_history(world, as_user, record):
    w = world
    session = record(w.alice, w.talk, response=3, target_progress=[(w.t1.pk, "emerging")])
    client = as_user(w.alice)
    data = amend_form(
        session, reason="It was 25 minutes; he left early", minutes="25",
        p0_attendance="partial", **{f"p0_rating_{w.t1.pk}": "developing"},
    )  # fmt: skip
    response = client.post(f"/sessions/{session.pk}/amend/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/sessions/{session.pk}/"

    amendment = SessionAmendment.objects.get()
    assert (amendment.session_id, amendment.amended_by, amendment.reason) == (
        session.pk, w.alice, "It was 25 minutes; he left early"
    )  # fmt: skip
    assert amendment.changes["minutes"] == [30, 25]
    assert amendment.changes[f"pupil:{w.ben.pk}:attendance"] == ["present", "partial"]
    assert amendment.changes[f"pupil:{w.ben.pk}:rating:{w.t1.pk}"] == ["emerging", "developing"]
    assert f"pupil:{w.ben.pk}:response" not in amendment.changes  # unchanged fields
    session.refresh_from_db()
    assert session.minutes == 25
    assert SessionPupil.objects.get().attendance == "partial"
    assert TargetRating.objects.get().rating == "developing"
    assert Session.objects.count() == 1
    assert AuditEvent.objects.filter(action="amend", pupil=w.ben).count() == 1
    assert TimelineEntry.objects.filter(kind="session_amended").count() == 1

    body = text(client.get(f"/sessions/{session.pk}/"))
    assert "Correction saved. The original stays in the history below." in body
    assert "Why: It was 25 minutes; he left early" in body
    assert '<td data-label="Was">30</td><td data-label="Changed to">25</td>' in body
    assert (
        '<td data-label="Was">Present</td><td data-label="Changed to">Part of the session</td>'
        in body
    )


def test_reason_is_required_and_the_typing_is_kept(world, as_user, record):
    w = world
    session = record(w.alice, w.talk)
    data = amend_form(session, minutes="25", p0_note="Left at 10:20")
    response = as_user(w.alice).post(f"/sessions/{session.pk}/amend/", data)
    assert response.status_code == 422
    body = text(response)
    assert "Say why the record is being corrected." in body
    assert 'aria-describedby="amend-reason-error"' in body and 'href="#amend-reason"' in body
    assert 'name="minutes" id="amend-minutes" value="25"' in body
    assert ">Left at 10:20</textarea>" in body
    assert not SessionAmendment.objects.exists()
    session.refresh_from_db()
    assert session.minutes == 30


def test_nothing_changed_is_said_plainly(world, as_user, record):
    w = world
    session = record(w.alice, w.talk)
    data = amend_form(session, reason="Checking")
    response = as_user(w.alice).post(f"/sessions/{session.pk}/amend/", data)
    assert response.status_code == 422
    assert "Nothing was changed." in text(response)
    assert not SessionAmendment.objects.exists()


def test_missed_needs_a_reason_and_bad_minutes_are_refused(world, as_user, record):
    w = world
    session = record(w.alice, w.talk)
    client = as_user(w.alice)
    response = client.post(
        f"/sessions/{session.pk}/amend/",
        amend_form(session, reason="It didn't happen", outcome="missed", p0_attendance=""),
    )
    assert response.status_code == 422
    assert "Say why the session was missed." in text(response)
    response = client.post(
        f"/sessions/{session.pk}/amend/", amend_form(session, reason="Typo", minutes="0")
    )
    assert response.status_code == 422
    assert "Minutes must be a whole number from 1 to 600." in text(response)
    assert not SessionAmendment.objects.exists()


def test_out_of_scope_or_not_allowed_is_the_same_404(world, as_user, record):
    w = world
    session = record(w.alice, w.talk)
    missing = as_user(w.tom).get(f"/sessions/{uuid.uuid4()}/amend/")
    assert missing.status_code == 404
    data = amend_form(session, reason="Sneaky", minutes="5")
    # Tom and Bob can't see Ben; Dee (DSL) can see him but may not correct session records.
    for person in (w.tom, w.bob, w.dsl):
        client = as_user(person)
        for response in (
            client.get(f"/sessions/{session.pk}/amend/"),
            client.post(f"/sessions/{session.pk}/amend/", data),
        ):
            assert response.status_code == 404
            # The 404 page carries the person's own navigation: compare with what they get for a
            # record that does not exist.
            assert response.content == client.get(f"/sessions/{uuid.uuid4()}/amend/").content
    assert "/amend/" not in text(as_user(w.dsl).get(f"/sessions/{session.pk}/"))
    assert not SessionAmendment.objects.exists()


def test_senco_may_correct_a_tas_record(world, as_user, record):
    w = world
    session = record(w.alice, w.talk)
    data = amend_form(session, reason="Timetable says 20", minutes="20")
    response = as_user(w.senco).post(f"/sessions/{session.pk}/amend/", data)
    assert response.status_code == 302
    assert SessionAmendment.objects.get().amended_by == w.senco
