"""A correction leaves the record consistent: a missed session credits nobody, a session
that turns out delivered says who attended, and credit follows attendance."""

import uuid

from sendesk.provision.models import Session, SessionAmendment, SessionPupil
from sendesk.provision.services import PupilRecord, session_record

from ..world import TODAY
from .test_session_amend import amend_form


def post(client, session, **changes):
    return client.post(f"/sessions/{session.pk}/amend/", amend_form(session, **changes))


def test_delivered_to_missed_clears_attendance_and_credit(world, as_user, record):
    session = record(world.alice, world.talk)
    response = post(as_user(world.alice), session, reason="Wrong day", outcome="missed",
                    missed_reason="staff_absent")  # fmt: skip
    assert response.status_code == 302
    sp = SessionPupil.objects.get()
    assert (sp.attendance, sp.minutes) == ("", 0)
    assert Session.objects.get().missed_reason == "staff_absent"


def test_missed_to_delivered_needs_attendance(world, as_user, record):
    session = record(world.alice, world.talk, delivered=False, missed_reason="trip")
    client = as_user(world.alice)
    response = post(client, session, reason="It did happen", outcome="delivered",
                    missed_reason="", p0_attendance="")  # fmt: skip
    assert response.status_code == 422
    assert "say whether Ben Brown attended" in response.content.decode()
    assert not SessionAmendment.objects.exists()
    response = post(client, session, reason="It did happen", outcome="delivered",
                    missed_reason="", p0_attendance="present")  # fmt: skip
    assert response.status_code == 302
    sp = SessionPupil.objects.get()
    assert (sp.attendance, sp.minutes) == ("present", 30)
    assert Session.objects.get().missed_reason == ""


def test_credit_follows_a_change_to_part_attendance(world, as_user, record):
    session = record(world.alice, world.talk)
    response = post(as_user(world.alice), session, reason="Left at half time",
                    p0_attendance="partial")  # fmt: skip
    assert response.status_code == 302
    assert SessionPupil.objects.get().minutes == 15


def test_a_teacher_cannot_change_a_group_session_with_pupils_they_do_not_teach(world, as_user):
    w = world
    # Sam records a group session for Ben (3A) and Cara (4B); Tess teaches only Ben.
    session, _ = session_record(
        actor=w.senco, client_id=uuid.uuid4(), provision_id=w.talk.pk, date=TODAY, minutes=30,
        delivered=True,
        pupils=[PupilRecord(pupil_id=w.ben.pk, attendance="present"),
                PupilRecord(pupil_id=w.cara.pk, attendance="present")],
    )  # fmt: skip
    response = as_user(w.tess).post(
        f"/sessions/{session.pk}/amend/",
        {"reason": "Shorter", "outcome": "delivered", "minutes": "10", "p0_attendance": "present"},
    )
    assert response.status_code == 422
    assert "ask whoever recorded it, or the SENCO" in response.content.decode()
    assert Session.objects.get().minutes == 30
    assert list(SessionPupil.objects.order_by("minutes").values_list("minutes", flat=True)) == [
        30,
        30,
    ]
