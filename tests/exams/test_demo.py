"""The demo's exams: a Year 6 pupil with a reader and 25 % extra time, their uses in class
recorded as the normal way of working, and the practice SATs on school days ahead with
their own TA allocated as their reader, no 1:1 left without an adult."""

from sendesk.demo.oakfield import demo_notes, demo_school
from sendesk.exams.models import Allocation, Arrangement, ArrangementUse, ExamSession
from sendesk.exams.selectors import room_list
from sendesk.pupils.models import Deployment
from sendesk.schools.calendar import school_calendar
from tests.world import TODAY


def test_the_demo_has_a_year_6_pupil_with_a_reader_and_a_ta_for_the_practice_sats(seeded):
    school = demo_school()
    reader = Arrangement.objects.select_related("pupil__year_group").get(
        pupil__school=school, kind="reader"
    )
    pupil = reader.pupil
    assert pupil.year_group.name == "Year 6"
    extra = Arrangement.objects.get(pupil=pupil, kind="extra_time")
    assert extra.extra_time_percent == 25
    assert ArrangementUse.objects.filter(arrangement=reader, session__isnull=False).count() >= 3
    assert ArrangementUse.objects.filter(arrangement=extra).exists()
    sessions = list(ExamSession.objects.filter(school=school, series__startswith="Practice SATs"))
    assert len(sessions) == 2
    calendar = school_calendar(school.pk)
    for s in sessions:
        assert s.date > TODAY and calendar.is_school_day(s.date)
        a = Allocation.objects.select_related("staff").get(session=s, pupil=pupil, role="reader")
        assert a.confirmed_conflict == ""
        assert Deployment.objects.filter(staff=a.staff, pupil=pupil).exists()  # their own TA
        assert a.staff.staff_roles.filter(role="ta").exists()
        listing = room_list(s, a.staff)
        assert listing["missing"] == []
        assert pupil in listing["pupils"]
    assert any(n.startswith(f"Exams: {pupil.name} (Year 6)") for n in demo_notes(school))
