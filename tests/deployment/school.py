"""Small schools for the planner's rule tests: each test builds one in which its rule is
the only thing that can go wrong. A new school in the world's trust, so the world's own
pupils and provision never enter the plan.

The day (every weekday): P1 09:00-10:00, Break 10:00-10:20, P2 10:20-11:20,
P3 11:20-12:20, Lunch 12:20-13:10, P4 13:10-14:10 (lessons P1-P4; a 5 h 50 min day, so
nobody needs a second free period).
"""

import datetime as dt
import itertools

from django.utils import timezone

from sendesk.accounts.models import User
from sendesk.deployment import services
from sendesk.deployment.models import DutyNeed, DutyPost, GroupLesson, StaffAbsence
from sendesk.provision.models import Provision
from sendesk.pupils.models import Pupil
from sendesk.pupils.upn import make_upn
from sendesk.schools.models import Period, Role, School, StaffRole, TeachingGroup, Term, YearGroup
from sendesk.staff.models import CareGender, StaffMember, Training, WorkingDay
from tests.world import PASSWORD, TODAY

WEEK = TODAY - dt.timedelta(days=TODAY.weekday())  # Monday 16 November 2026
MON, TUE, WED, THU, FRI = (WEEK + dt.timedelta(days=i) for i in range(5))
T = dt.time
EARLY, LATE = T(8, 30), T(15, 0)
DAY = [
    ("Period 1", "lesson", T(9, 0), T(10, 0)),
    ("Break", "break", T(10, 0), T(10, 20)),
    ("Period 2", "lesson", T(10, 20), T(11, 20)),
    ("Period 3", "lesson", T(11, 20), T(12, 20)),
    ("Lunch", "lunch", T(12, 20), T(13, 10)),
    ("Period 4", "lesson", T(13, 10), T(14, 10)),
]
_serial = itertools.count(1)


class Small:
    """A school being built: .school, .senco, .head, .group (class 3S, taught in every
    lesson period by .teacher), and helpers that add adults, pupils and provision."""

    def __init__(self, world):
        n = next(_serial)
        self.school = School.objects.create(
            trust=world.trust, name=f"Planner School {n}", la_number=f"{500 + n}"[-3:]
        )
        Term.objects.create(
            school=self.school, name="Autumn 2026", start=dt.date(2026, 9, 3),
            end=dt.date(2026, 12, 18),
        )  # fmt: skip
        self.year = YearGroup.objects.create(school=self.school, name="Year 3", ordinal=3)
        self.periods = {}
        for weekday in range(1, 6):
            for name, kind, start, end in DAY:
                self.periods[(weekday, name)] = Period.objects.create(
                    school=self.school, weekday=weekday, name=name, kind=kind, start=start,
                    end=end,
                )  # fmt: skip
        self.senco = self._user("senco", "Sally Senco", Role.SENCO)
        self.head = self._user("head", "Harry Head", Role.HEAD)
        self.teacher = self.adult("Terry Teacher", post="teacher", role=Role.TEACHER)
        self.group = TeachingGroup.objects.create(
            school=self.school, name="3S", year_group=self.year
        )
        self.group.teachers.add(self.teacher)
        self.class_lessons(self.group, "Period 1", "Period 2", "Period 3", "Period 4")
        self.pupils = 0

    def _user(self, tag, name, role):
        email = f"{tag}{self.school.pk}-{next(_serial)}@planner.example"
        user = User.objects.create_user(email, PASSWORD, full_name=name)
        StaffRole.objects.create(user=user, school=self.school, role=role)
        return user

    def period(self, day: dt.date, name: str) -> Period:
        return self.periods[(day.isoweekday(), name)]

    def class_lessons(self, group, *names, weekdays=range(1, 6)):
        for weekday in weekdays:
            for name in names:
                GroupLesson.objects.create(
                    teaching_group=group, period=self.periods[(weekday, name)], subject="Maths"
                )

    def adult(
        self, name, *, post="ta", role=Role.TA, days="12345", start=EARLY, end=LATE,
        training=(), gender=None,
    ):  # fmt: skip
        user = self._user(post, name, role)
        member = StaffMember.objects.create(
            school=self.school, user=user, post=post, job_title=post.upper(),
            hours_per_week=30, started_on=dt.date(2025, 9, 1),
        )  # fmt: skip
        for d in days:
            WorkingDay.objects.create(member=member, weekday=int(d), start=start, end=end)
        for kind in training:
            Training.objects.create(user=user, kind=kind, completed_on=dt.date(2026, 1, 5))
        if gender:
            CareGender.objects.create(
                school=self.school, user=user, gender=gender, set_by=self.senco,
                set_at=timezone.now(),
            )  # fmt: skip
        return user

    def pupil(self, first, last="Pupil", group=None):
        n = next(_serial)
        pupil = Pupil.objects.create(
            school=self.school, upn=make_upn(self.school.la_number, "4567", 2019, n),
            legal_first_name=first, legal_last_name=last, date_of_birth=dt.date(2018, 3, 3),
            year_group=self.year, sen_status="E",
        )  # fmt: skip
        pupil.teaching_groups.set([group or self.group])
        return pupil

    def provision(self, pupil, title="1:1 support", *, source="ehcp_f", hours=None,
                  sessions=None, minutes=None, days="12345", **extra):  # fmt: skip
        """1:1 hours a week (`hours`), or `sessions` × `minutes` a week."""
        if hours is not None:
            amount = {"weekly_minutes": int(hours * 60)}
        else:
            amount = {"sessions_per_week": sessions, "session_minutes": minutes,
                      "weekly_minutes": sessions * minutes}  # fmt: skip
        return Provision.objects.create(
            pupil=pupil, title=title, kind=extra.pop("kind", "one_to_one"), source=source,
            days=days, start=dt.date(2026, 9, 3), **amount, **extra,
        )  # fmt: skip

    def duty(self, name, period_name, adults=1, weekdays=range(1, 6)):
        post = DutyPost.objects.create(school=self.school, name=name)
        for weekday in weekdays:
            DutyNeed.objects.create(post=post, period=self.periods[(weekday, period_name)],
                                    adults=adults)  # fmt: skip
        return post

    def absent(self, user, day):
        return StaffAbsence.objects.create(
            school=self.school, staff=user, date=day, reason="sickness", recorded_by=self.senco,
            recorded_at=timezone.now(),
        )  # fmt: skip

    def plan(self, **kw):
        return services.plan_week(
            actor=self.senco, school_id=self.school.pk, week_start=WEEK, time_limit=5, **kw
        )


def cells(plan, **filters):
    """{(staff name, date, period name, kind)} of the plan's assignments (breaks left out
    unless asked for)."""
    rows = plan.assignments.filter(**filters)
    if "kind" not in filters:
        rows = rows.exclude(kind="break")
    return {
        (a.staff.full_name, a.date, a.period.name, a.kind)
        for a in rows.select_related("staff", "period")
    }


def unmet(plan):
    return list(
        plan.unmet.order_by("date", "rule").values("date", "minutes", "rule", "reason", "pupil_id")
    )
