"""The demo's exams (issue 10): a Year 6 pupil with a reader and 25 % extra time (the
assessor's evidence, and weeks of uses in class recorded by their TA as the normal way of
working), and the practice SATs next school week with the class in its classroom, the
pupil in the library with that TA allocated as their reader, and the class teacher
invigilating. Written through the exams services, as the SENCO and the TA would.
Called once from demo.oakfield.build_demo, after the deployment plans."""

import datetime as dt

from django.utils import timezone

from sendesk import access
from sendesk.exams import services as exams
from sendesk.exams.models import Arrangement, ExamSession
from sendesk.lib.errors import ServiceError
from sendesk.provision.models import SessionPupil
from sendesk.pupils.models import Deployment, Pupil
from sendesk.schools.calendar import school_calendar
from sendesk.schools.models import Role

SERIES = "Practice SATs"
PAPERS = [
    # (paper, start, end): the KS2 papers' own lengths.
    ("Practice SATs: English reading", dt.time(9, 15), dt.time(10, 15)),
    ("Practice SATs: maths arithmetic", dt.time(9, 15), dt.time(9, 45)),
]
CLASSROOM, SMALL_ROOM = "Year 6 classroom", "Library (small room)"
READER_USES = 6
EXTRA_TIME_CONTEXTS = ["Maths: arithmetic practice test", "Spelling test", "Science quiz"]


def _school_days(school_id: int, start: dt.date, n: int, step: int = 1) -> list[dt.date]:
    calendar = school_calendar(school_id)
    days, day = [], start
    for _ in range(400):
        if len(days) == n:
            break
        if calendar.is_school_day(day):
            days.append(day)
        day += dt.timedelta(days=step)
    return days


def _candidate(school):
    """The Year 6 pupil with SEN whose TA works with them 1:1 or as key adult (a standing
    deployment), first by UPN; and that TA."""
    rows = (
        Deployment.objects.standing()
        .filter(
            school=school, pupil__year_group__ordinal=6, pupil__sen_status__in=["K", "E"],
            kind__in=[Deployment.Kind.ONE_TO_ONE, Deployment.Kind.KEY_ADULT],
            staff__staff_roles__school=school, staff__staff_roles__role=Role.TA,
        )
        .select_related("pupil", "staff")
        .order_by("pupil__upn", "staff__email")
    )  # fmt: skip
    row = rows.first()
    return (row.pupil, row.staff) if row is not None else (None, None)


def make_exams(data) -> list[ExamSession]:
    """data: the generator's SchoolData for the demo school."""
    school, senco = data.school, data.staff["senco"]
    pupil, ta = _candidate(school)
    if pupil is None:
        return []
    today = timezone.localdate()
    assessed = _school_days(school.pk, today - dt.timedelta(days=42), 1)[0]
    arrangement_data = [
        {"kind": Arrangement.Kind.READER,
         "details": "Questions read aloud; not the reading paper's texts.",
         "assessor": f"{senco.full_name}, SENCO", "assessed_on": assessed,
         "evidence": "Reading age 7 years 2 months at 10 years 9 months (standardised score "
                     "78). Slow decoding gets in the way of maths and science questions; with "
                     "the questions read aloud, answers are on a par with the class."},
        {"kind": Arrangement.Kind.EXTRA_TIME, "extra_time_percent": 25,
         "details": "Also in class tests.",
         "assessor": "A. Morgan, specialist teacher (access arrangements qualified)",
         "assessed_on": assessed,
         "evidence": "Below-average processing speed (standardised score 79); works "
                     "accurately but slowly, and finishes class tests with a quarter more time."},
    ]  # fmt: skip
    reader, extra = (
        exams.arrangement_add(actor=senco, pupil_id=pupil.pk, data={**d, "start": assessed})
        for d in arrangement_data
    )
    _uses(pupil, ta, senco, reader, extra, today)
    return _practice_sats(data, pupil, ta, today)


def _uses(pupil, ta, senco, reader, extra, today) -> None:
    """The TA's record that both are the pupil's normal way of working: the reader in their
    recent sessions, extra time in class tests."""
    recorder = ta if access.visible_pupils(ta).filter(pk=pupil.pk).exists() else senco
    sessions = list(
        SessionPupil.objects.filter(
            pupil=pupil, session__delivered=True, date__lt=today,
            date__gte=today - dt.timedelta(days=70),
        )
        .order_by("-date")
        .values_list("session_id", "date")[:READER_USES]
    )  # fmt: skip
    for session_id, day in sessions:
        exams.use_record(
            actor=recorder, arrangement=reader, date=day, session_id=session_id,
            context="Questions read aloud",
        )  # fmt: skip
    start = today - dt.timedelta(days=35)
    for i, day in enumerate(_school_days(pupil.school_id, start, 3, step=7)):
        if day < today:
            exams.use_record(
                actor=recorder, arrangement=extra, date=day,
                context=EXTRA_TIME_CONTEXTS[i % len(EXTRA_TIME_CONTEXTS)],
            )  # fmt: skip


def _practice_sats(data, pupil, ta, today) -> list[ExamSession]:
    school, senco = data.school, data.staff["senco"]
    monday = today - dt.timedelta(days=today.weekday())
    days = _school_days(school.pk, monday + dt.timedelta(days=9), len(PAPERS))
    group = pupil.teaching_groups.order_by("name").first()
    classmates = (
        list(group.pupils.filter(year_group__ordinal=6).exclude(pk=pupil.pk).order_by("upn"))
        if group is not None else []
    )  # fmt: skip
    teacher = group.teachers.order_by("email").first() if group is not None else None
    sessions = []
    for (title, start, end), day in zip(PAPERS, days, strict=False):
        session = exams.session_create(
            actor=senco, school_id=school.pk,
            data={"title": title, "series": f"{SERIES}, {day:%B %Y}", "date": day,
                  "start": start, "end": end, "rooms": [CLASSROOM, SMALL_ROOM]},
        )  # fmt: skip
        rooms = {r.name: r.pk for r in session.rooms.all()}
        if classmates:
            exams.seat(actor=senco, session=session, room_id=rooms[CLASSROOM],
                       pupil_ids=[p.pk for p in classmates])  # fmt: skip
        exams.seat(actor=senco, session=session, room_id=rooms[SMALL_ROOM], pupil_ids=[pupil.pk])
        _allocate(senco, session, ta, "reader", rooms[SMALL_ROOM], pupil)
        if teacher is not None:
            _allocate(senco, session, teacher, "invigilator", rooms[CLASSROOM], None)
        sessions.append(session)
    return sessions


def _allocate(senco, session, adult, role, room_id, pupil: Pupil | None) -> None:
    data = {"staff_id": adult.pk, "role": role, "room_id": room_id,
            "pupil_id": str(pupil.pk) if pupil else None}  # fmt: skip
    try:
        exams.allocate(actor=senco, session=session, data=data)
    except ServiceError as error:
        if set(error.errors) != {"confirm_reason"}:
            return  # away, or elsewhere: the session page shows who is missing
        # The published plan has them with another pupil's 1:1 then: the SENCO decides.
        data["confirm_reason"] = "Practice papers only; the class teacher covers that hour."
        exams.allocate(actor=senco, session=session, data=data)


def exam_notes(school) -> list[str]:
    """The demo's exams in one line for the front page. Two queries."""
    reader = (
        Arrangement.objects.filter(pupil__school=school, kind=Arrangement.Kind.READER)
        .select_related("pupil")
        .first()
    )
    first = ExamSession.objects.filter(school=school, series__startswith=SERIES).first()
    if reader is None or first is None:
        return []
    return [
        f"Exams: {reader.pupil.name} (Year 6) has a reader and 25 % extra time, with the uses "
        f"in class recorded as evidence (Access arrangements); the practice SATs start on "
        f"{first.date:%A %-d %B} with their TA allocated as reader (Exams, room list to print)."
    ]
