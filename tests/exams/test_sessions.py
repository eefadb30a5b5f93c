"""The exam timetable: sessions, rooms and candidates for the SENCO and head; adults
allocated with conflicts refused (two rooms at once, extra time counted; a trip; an
absence), and a pupil's EHC plan 1:1 in the published deployment plan never taken away
silently: refused, or confirmed by the SENCO with a reason that is recorded. The printable
room list; an allocated adult sees their session, naming only the pupils in their scope;
anyone else gets 404."""

import datetime as dt
import html

from django.utils import timezone

from sendesk.audit.models import AuditEvent
from sendesk.deployment.models import StaffAbsence
from sendesk.exams.models import Allocation, Candidate, ExamSession
from sendesk.visits.models import Trip

from .conftest import (
    EXAM_DAY,
    T,
    allocate,
    arrangement,
    one_to_one_hours,
    published_plan,
    room,
    seat,
    session,
)


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_senco_puts_an_exam_on_the_timetable(world, as_user):
    w = world
    client = as_user(w.senco)
    assert client.get("/exams/new/").status_code == 200
    r = client.post("/exams/new/", {
        "title": "Practice SATs: English reading", "series": "Practice SATs",
        "date": "2026-11-19", "start": "09:15", "end": "10:15", "rooms": "Hall\nLibrary\nhall",
    })  # fmt: skip
    assert r.status_code == 302
    s = ExamSession.objects.get()
    assert sorted(s.rooms.values_list("name", flat=True)) == ["Hall", "Library"]
    assert AuditEvent.objects.filter(object_type="exams.examsession").exists()
    assert "Practice SATs: English reading" in text(client.get("/exams/"))


def test_a_bad_session_is_refused_in_words_and_keeps_what_was_typed(world, as_user):
    w = world
    r = as_user(w.senco).post("/exams/new/", {
        "title": "Spelling", "date": "2026-11-17", "start": "10:00", "end": "09:00", "rooms": "",
    })  # fmt: skip
    assert r.status_code == 422
    shown = text(r)
    assert "That day has passed" in shown and "The exam must end after it starts." in shown
    assert "Name at least one room" in shown and 'value="Spelling"' in shown
    assert not ExamSession.objects.exists()


def test_only_the_senco_and_head_build_the_timetable(world, as_user):
    w = world
    for person in (w.alice, w.tess, w.hana, w.dsl):
        assert as_user(person).get("/exams/new/").status_code == 404, person
    s = session(w)
    for person in (w.alice, w.tess):
        client = as_user(person)
        assert (
            client.post(
                f"/exams/{s.pk}/seat/", {"room": room(s, "Hall").pk, "pupils": [str(w.ben.pk)]}
            ).status_code
            == 404
        )
        assert (
            client.post(
                f"/exams/{s.pk}/allocate/", {"staff": w.alice.pk, "role": "invigilator"}
            ).status_code
            == 404
        )
    assert not Candidate.objects.exists() and not Allocation.objects.exists()


def test_seating_and_the_room_list_with_each_candidates_finish(world, as_user):
    w = world
    arrangement(w, w.ben, "extra_time", extra_time_percent=25)
    arrangement(w, w.ben, "reader")
    s = session(w, start=T(9, 15), end=T(10, 15))
    client = as_user(w.senco)
    r = client.post(f"/exams/{s.pk}/seat/", {"room": room(s, "Library").pk,
                                            "pupils": [str(w.ben.pk)]})  # fmt: skip
    assert r.status_code == 302
    seat(w, s, "Hall", w.cara, w.dan)
    detail = text(client.get(f"/exams/{s.pk}/"))
    assert "Ben Brown needs a reader: nobody is allocated." in detail
    allocate(w, s, w.alice, "reader", "Library", w.ben)
    allocate(w, s, w.tess, "invigilator", "Hall")
    printed = text(client.get(f"/exams/{s.pk}/room-list/"))
    assert "Room list" in printed and "Printed" in printed
    assert "needs a reader" not in printed
    # 25 % of an hour: Ben finishes at 10:30; the Library is in use until then.
    assert "10:30" in printed and "Library" in printed and "until 10:30" in printed
    assert "Reader: Alice Assistant" in printed and "Tess Teacher: invigilator" in printed
    assert "Cara Clark" in printed and "Dan Dale" in printed


def test_nobody_is_in_two_rooms_at_once_extra_time_included(world):
    w = world
    arrangement(w, w.cara, "extra_time", extra_time_percent=50)
    first = session(w, start=T(9, 15), end=T(9, 45))
    seat(w, first, "Hall", w.cara)
    allocate(w, first, w.bob, "invigilator", "Hall")
    errors = _refused(w, first, w.bob, "Library")
    assert "Bob Assistant is already in Hall for Spelling test" in errors["staff_id"]
    # Cara's extra time keeps the Hall until 10:00: a paper at 09:50 clashes, one at 10:00 not.
    clash = session(w, title="Maths", start=T(9, 50), end=T(10, 20), rooms=("Room 4",))
    assert "nobody can be in two rooms" in _refused(w, clash, w.bob, "Room 4")["staff_id"]
    later = session(w, title="Science", start=T(10, 0), end=T(10, 30), rooms=("Room 5",))
    allocate(w, later, w.bob, "invigilator", "Room 5")
    assert Allocation.objects.filter(staff=w.bob).count() == 2


def _refused(w, s, staff, room_name, **extra) -> dict:
    from sendesk.lib.errors import ServiceError

    try:
        allocate(w, s, staff, room_name=room_name, **extra)
    except ServiceError as error:
        return error.errors
    raise AssertionError("allocated")


def test_an_adult_on_a_trip_or_away_is_refused(world):
    w = world
    s = session(w)
    trip = Trip.objects.create(
        school=w.school, date=EXAM_DAY, start=T(9, 0), end=T(15, 0), destination="The zoo",
        created_by=w.senco, created_at=timezone.now(),
    )  # fmt: skip
    trip.staff.set([w.bob])
    assert "on the trip to The zoo" in _refused(w, s, w.bob, "Hall")["staff_id"]
    StaffAbsence.objects.create(
        school=w.school, staff=w.hana, date=EXAM_DAY, reason="sickness", recorded_by=w.senco,
        recorded_at=timezone.now(),
    )  # fmt: skip
    assert "absent that day (Sickness)" in _refused(w, s, w.hana, "Hall")["staff_id"]
    assert not Allocation.objects.exists()


def test_a_reader_needs_the_arrangement_and_sits_with_their_candidate(world):
    w = world
    s = session(w)
    seat(w, s, "Library", w.ben)
    errors = _refused(w, s, w.alice, "Library", role="reader", pupil=w.ben)
    assert "Ben Brown has no reader arrangement" in errors["pupil_id"]
    arrangement(w, w.ben, "reader")
    errors = _refused(w, s, w.alice, "Hall", role="reader", pupil=w.ben)
    assert errors["room_id"] == "Ben Brown sits in Library: choose that room."
    allocate(w, s, w.alice, "reader", "Library", w.ben)
    errors = _refused(w, s, w.bob, "Library", role="reader", pupil=w.ben)
    assert "Ben Brown already has a reader: Alice Assistant." in errors["pupil_id"]


def test_a_1to1_left_without_an_adult_is_refused_until_the_senco_gives_a_reason(world, as_user):
    w = world
    hours = one_to_one_hours(w)
    published_plan(w, (w.alice, "support", T(9, 0), T(12, 0), hours, [w.ben]))
    s = session(w)
    seat(w, s, "Hall", w.cara)
    client = as_user(w.senco)
    form = {"staff": w.alice.pk, "role": "invigilator", "room": room(s, "Hall").pk}
    r = client.post(f"/exams/{s.pk}/allocate/", form)
    assert r.status_code == 422
    assert "Ben Brown's EHC plan 1:1 (1:1 support in class, 09:15–09:45) would be left " \
        "without an adult" in text(r)  # fmt: skip
    assert not Allocation.objects.exists()
    r = client.post(f"/exams/{s.pk}/allocate/", {**form, "confirm_reason": "Ben is on a visit"})
    assert r.status_code == 302
    a = Allocation.objects.get()
    assert (
        a.confirmed_reason == "Ben is on a visit"
        and "Ben Brown's EHC plan 1:1" in a.confirmed_conflict
    )
    trail = AuditEvent.objects.get(object_type="exams.allocation")
    assert trail.after["confirmed_reason"] == "Ben is on a visit"
    assert "1:1 left, confirmed" in text(client.get(f"/exams/{s.pk}/room-list/"))


def test_no_1to1_is_left_when_the_pupil_sits_with_them_or_another_adult_covers(world):
    w = world
    hours = one_to_one_hours(w)
    published_plan(w, (w.alice, "support", T(9, 0), T(12, 0), hours, [w.ben]))
    s = session(w)
    seat(w, s, "Hall", w.ben)
    allocate(w, s, w.alice, "invigilator", "Hall")  # Ben sits in the Hall with her
    Allocation.objects.all().delete()
    Candidate.objects.all().delete()
    seat(w, s, "Hall", w.cara)
    assert "confirm_reason" in _refused(w, s, w.alice, "Hall")
    published = w.school.deployment_plans.get()
    published.assignments.create(staff=w.bob, date=EXAM_DAY, start=T(9, 0), end=T(10, 0),
                                 kind="support", provision=hours).pupils.set([w.ben])  # fmt: skip
    allocate(w, s, w.alice, "invigilator", "Hall")
    assert Allocation.objects.get().confirmed_conflict == ""


def test_an_allocated_adult_sees_their_session_naming_only_their_pupils(world, as_user):
    w = world
    s = session(w)
    seat(w, s, "Hall", w.ben, w.cara)
    allocate(w, s, w.bob, "invigilator", "Hall")
    bob = as_user(w.bob)
    assert "Spelling test" in text(bob.get("/exams/"))
    shown = text(bob.get(f"/exams/{s.pk}/room-list/"))
    assert "Ben Brown" not in shown and "Cara Clark" not in shown
    assert "2 other candidates you do not support sit here." in shown
    allocate(w, s, w.alice, "invigilator", "Library")
    shown = text(as_user(w.alice).get(f"/exams/{s.pk}/"))
    assert "Ben Brown" in shown and "Cara Clark" not in shown and "Allocate an adult" not in shown
    for person in (w.tess, w.hana, w.theo, w.pat, w.olga, w.nobody):
        client = as_user(person)
        for path in ("", "room-list/"):
            assert client.get(f"/exams/{s.pk}/{path}").status_code == 404, (person, path)
    assert "Spelling test" not in text(as_user(w.tess).get("/exams/"))
    assert as_user(w.senco).get("/exams/99999999999999999999/").status_code == 404


def test_my_day_shows_the_exam_to_be_at(world, as_user, now):
    w = world
    arrangement(w, w.ben, "reader")
    s = session(w, day=EXAM_DAY - dt.timedelta(days=1), start=T(11, 0), end=T(11, 45))
    seat(w, s, "Library", w.ben)
    allocate(w, s, w.alice, "reader", "Library", w.ben)
    shown = text(as_user(w.alice).get("/my-day/"))
    assert "Exam: Spelling test, reader for Ben Brown" in shown and "Library" in shown


def test_taking_an_adult_off_and_a_pupil_off(world, as_user):
    w = world
    arrangement(w, w.ben, "reader")
    s = session(w)
    seat(w, s, "Library", w.ben)
    a = allocate(w, s, w.alice, "reader", "Library", w.ben)
    client = as_user(w.senco)
    client.post(f"/exams/{s.pk}/unseat/", {"pupil": str(w.ben.pk)})
    assert Candidate.objects.filter(pupil=w.ben).exists()  # their reader first
    assert as_user(w.alice).post(f"/exams/allocations/{a.pk}/remove/").status_code == 404
    client = as_user(w.senco)
    assert client.post(f"/exams/allocations/{a.pk}/remove/").status_code == 302
    client.post(f"/exams/{s.pk}/unseat/", {"pupil": str(w.ben.pk)})
    assert not Candidate.objects.exists() and not Allocation.objects.exists()
    assert AuditEvent.objects.filter(object_type="exams.allocation", action="delete").exists()


def test_seating_refuses_a_bad_id_in_words_and_another_schools_pupil_as_not_found(world):
    import pytest
    from django.http import Http404

    from sendesk.exams import services as exams
    from sendesk.lib.errors import ServiceError

    w = world
    s = session(w)
    hall = room(s, "Hall").pk
    with pytest.raises(ServiceError) as refused:
        exams.seat(actor=w.senco, session=s, pupil_ids=["not-an-id"], room_id=hall)
    assert refused.value.errors == {"pupil_ids": "Choose pupils from the list."}
    with pytest.raises(Http404):
        exams.seat(actor=w.senco, session=s, pupil_ids=[str(w.olly.pk)], room_id=hall)
    assert not Candidate.objects.exists()


def test_the_seat_form_lists_one_year_group_at_a_time(world, as_user):
    """A school of a thousand pupils is not a page of a thousand boxes: nothing is listed
    until a year is chosen, then the year most of the seated candidates are in."""
    w = world
    s = session(w)
    client = as_user(w.senco)
    boxes = 'name="pupils" value="{}"'
    page = client.get(f"/exams/{s.pk}/").content.decode()
    assert "Choose a year group above to list its pupils." in page
    assert boxes.format(w.ben.pk) not in page and boxes.format(w.cara.pk) not in page
    everyone = client.get(f"/exams/{s.pk}/?year=all").content.decode()
    assert boxes.format(w.ben.pk) in everyone and boxes.format(w.cara.pk) in everyone
    year4 = client.get(f"/exams/{s.pk}/?year={w.cara.year_group_id}").content.decode()
    assert boxes.format(w.cara.pk) in year4 and boxes.format(w.ben.pk) not in year4
    seat(w, s, "Hall", w.ben)
    page = client.get(f"/exams/{s.pk}/").content.decode()
    assert boxes.format(w.dan.pk) in page and boxes.format(w.cara.pk) not in page  # Year 3
