"""Deterministic synthetic schools: the demo school, test data at scale and the benchmark
databases all come from `generate`.

Everything is drawn from `random.Random` seeded from (seed, school, purpose), so the same
seed gives the same names, UPNs, needs, plans and history; only database ids differ. The
needs mix follows the DfE's published figures (data/README.md); names come from short
built-in lists. No record is, or is derived from, a real child's data.

Generated rows are written with bulk_create and without audit rows: this is seed data, not
a change made by a person, and the audit trail records what people do. Session history is
written with the field values `provision.services.session_record` would store (minutes
credited by its own rule, the same timeline titles) without calling it per session, which
would take hours for three years of a 1,000-pupil school. The history and behaviour tables
(sessions, their pupil records, ratings, timeline entries, feed receipts) are written from
plain rows by `rows.insert_rows`: COPY on PostgreSQL, one executemany INSERT on SQLite.
A school of 1,000 pupils with 156 weeks of history takes about 20 s on PostgreSQL or SQLite
(12 weeks: 5 s) on a busy two-core machine. Behaviour, restraint, training
and safeguarding records come from `behaviour.make_behaviour`, and medication, care,
equipment and therapy records (with the therapist's and a parent's logins) from `care`,
in the same way.

What a real school would show, the generator holds as invariants (tests/demo/
test_demo_invariants.py): every dated record falls on a school day of the school's own
calendar (`SchoolDays` is the same calendar as the Term and Closure rows written), and the
recorded history ends on the last school day on or before today; every EHC plan has its
annual reviews on record, one at most left overdue on purpose; targets, strategies and
programmes fit the pupil's needs (need-specific pools for hearing, vision, physical and
profound needs) and year group; session notes agree with their own attendance, response
and time of day; no adult is 1:1 with two pupils or in two pupils' sessions at once, and
every promise of 1:1 hours has an adult deployed but one gap left on purpose and labelled
(GAP_NOTE); adults carry names common for people born 1965-2000 and staff surnames are
never pupils'.
"""

import csv
import datetime as dt
import math
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from sendesk.accounts.models import User
from sendesk.plans.models import Outcome, Plan, Target
from sendesk.provision.models import (
    Attendance,
    FeedReceipt,
    MissedReason,
    Provision,
    Rating,
    Session,
    SessionPupil,
    TargetRating,
)
from sendesk.provision.services import PupilRecord, credited_minutes
from sendesk.pupils.models import (
    NEED_AREA,
    Contact,
    Deployment,
    Pupil,
    PupilNeed,
    SenStatus,
    SenStatusPeriod,
    Strategy,
    TimelineEntry,
)
from sendesk.pupils.upn import make_upn
from sendesk.schools.calendar import Calendar
from sendesk.schools.models import (
    Closure,
    Role,
    School,
    StaffRole,
    TeachingGroup,
    Term,
    Trust,
    YearGroup,
)

from . import words
from .behaviour import make_behaviour
from .care import prepare_care
from .rows import insert_rows, new_ids
from .staffing import make_staffing

DATA = Path(__file__).parent / "data"

# School census, January 2025 ("Special educational needs in England 2024/25").
EHCP_RATE = 0.053
SEN_SUPPORT_RATE = 0.142
SEN_BOYS = 0.612
ALL_BOYS = 0.512

EHC_NEED_CODES = ["ASD", "HI", "MLD", "MSI", "OTH", "PD", "PMLD", "SEMH", "SLCN", "SLD", "SPLD",
                  "VI"]  # fmt: skip

# The README gives only SLCN's share of SEN support (25.7%, the commonest primary need);
# the rest is a mainstream SEN-support-like mix (no SLD/PMLD, some NSA), not a quotation.
SEN_SUPPORT_WEIGHTS = {
    "SLCN": 25.7, "SEMH": 20.5, "MLD": 17.5, "SPLD": 14.0, "ASD": 8.0, "NSA": 5.0,
    "OTH": 3.0, "PD": 2.5, "HI": 1.8, "VI": 1.0, "MSI": 0.5,
}  # fmt: skip

YEAR_GROUPS = [(0, "Reception")] + [(n, f"Year {n}") for n in range(1, 7)]
CLASS_SIZE = 25  # one class a year group, two in the oldest years at demo size
MISSED_WEIGHTS = {
    MissedReason.STAFF_ABSENT: 35,
    MissedReason.TIMETABLE: 25,
    MissedReason.PUPIL_ABSENT: 22,
    MissedReason.TRIP: 12,
    MissedReason.OTHER: 6,
}
# An absent adult, an absent pupil and a trip are days, not sessions: they miss all of
# that adult's or pupil's sessions that day. A session missed on its own was a clash or
# something else. (Chances per adult or pupil per school day.)
P_STAFF_AWAY = 0.015
P_PUPIL_AWAY = {MissedReason.PUPIL_ABSENT: 0.02, MissedReason.TRIP: 0.006}
ONE_OFF_REASONS = [MissedReason.TIMETABLE, MissedReason.OTHER]
RATINGS = list(Rating.values)  # not_yet … achieved, in order
DAY_ENDS = 15 * 60 + 30  # minutes after midnight: no session runs past 15:30
LUNCH = (12 * 60 + 15, 13 * 60)  # nor into lunch
SLOTS = [
    dt.time(9, 10),
    dt.time(9, 40),
    dt.time(10, 50),
    dt.time(11, 30),
    dt.time(13, 20),
    dt.time(13, 50),
    dt.time(14, 30),
]
# What an hour of each adult's time costs the school, on costs included (issue 10's
# provision map): a TA on a support-staff scale, an HLTA a little more, a main-scale
# teacher, and a visiting speech and language therapist's hourly rate.
HOURLY = {
    "ta": Decimal("17.50"),
    "hlta": Decimal("20.50"),
    "teacher": Decimal("35.00"),
    "therapist": Decimal("60.00"),
}
BATCH = 4000  # pupil records buffered before a write
# The one promise of 1:1 hours with no adult deployed yet, left on purpose and marked so.
GAP_NOTE = "Gap: no adult deployed for this 1:1 yet; the SENCO is recruiting."


def ehcp_need_weights() -> dict[str, int]:
    """Primary needs of all EHC plans in England, January 2025 (counts; 'unknown' left out)."""
    with open(DATA / "ehc_plans_primary_need_england_2025.csv", encoding="utf-8", newline="") as f:
        row = next(csv.DictReader(f))
    return {code: int(row[f"number_{code.lower()}"]) for code in EHC_NEED_CODES}


def draw_needs(rng: random.Random, status: str, ehcp_weights: dict[str, int]) -> list[str]:
    """Ranked census need codes for a pupil of `status`: a primary, sometimes a secondary."""
    if status == SenStatus.NONE:
        return []
    weights = ehcp_weights if status == SenStatus.EHCP else SEN_SUPPORT_WEIGHTS
    codes = list(weights)
    primary = rng.choices(codes, weights=[weights[c] for c in codes])[0]
    needs = [primary]
    if rng.random() < (0.45 if status == SenStatus.EHCP else 0.25):
        rest = [c for c in codes if c not in (primary, "NSA")]
        needs.append(rng.choices(rest, weights=[weights[c] for c in rest])[0])
    return needs


# ---------------------------------------------------------------- the school calendar


def _easter(year: int) -> dt.date:
    """Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _weekday_from(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _weekday_until(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _monday_of_week(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def academic_year_of(day: dt.date) -> int:
    """The calendar year in which `day`'s academic year began (September)."""
    return day.year if day.month >= 9 else day.year - 1


def academic_year(year: int):
    """Terms and closures of a typical English academic year starting in September `year`:
    ([(name, start, end)], [(kind, name, start, end)])."""
    days = dt.timedelta
    autumn_start = _weekday_from(dt.date(year, 9, 2))
    easter = _easter(year + 1)
    # Half terms: the last full week of October, the week of 14 February, the last week
    # of May (which holds the spring bank holiday).
    oct_half = _monday_of_week(dt.date(year, 10, 27))
    feb_half = _monday_of_week(dt.date(year + 1, 2, 14))
    may_half = _monday_of_week(dt.date(year + 1, 5, 31))
    early_may = dt.date(year + 1, 5, 1)
    while early_may.weekday() != 0:
        early_may += days(1)
    terms = [
        (f"Autumn {year}", autumn_start, _weekday_until(dt.date(year, 12, 19))),
        # Easter: two weeks off, from the Monday of Holy Week.
        (f"Spring {year + 1}", _weekday_from(dt.date(year + 1, 1, 5)), easter - days(9)),
        (f"Summer {year + 1}", easter + days(8), _weekday_until(dt.date(year + 1, 7, 22))),
    ]
    second_day = _weekday_from(autumn_start + days(1))
    closures = [
        ("training", "Training day", autumn_start, autumn_start),
        ("training", "Training day", second_day, second_day),
        ("holiday", "Autumn half term", oct_half, oct_half + days(4)),
        ("training", "Training day", terms[1][1], terms[1][1]),
        ("bank_holiday", "Early May bank holiday", early_may, early_may),
        ("bank_holiday", "Spring bank holiday", may_half, may_half),
        ("holiday", "Summer half term", may_half, may_half + days(4)),
    ]
    if feb_half + days(4) < terms[1][2]:  # not when Easter is so early it takes its place
        closures.append(("holiday", "Spring half term", feb_half, feb_half + days(4)))
    return terms, closures


class SchoolDays:
    """The generated schools' calendar (`academic_year`) for any year, answered in memory:
    every dated record the generator writes falls on a school day, however far back (a
    plan issued five years ago) or ahead (a review next term) it is."""

    def __init__(self):
        self._years = {}

    def _year(self, year):
        if year not in self._years:
            terms, closures = academic_year(year)
            closed = {d for _, _, start, end in closures for d in _days(start, end)}
            self._years[year] = ([(s, e) for _, s, e in terms], closed)
        return self._years[year]

    def is_school_day(self, day: dt.date) -> bool:
        if day.weekday() >= 5:
            return False
        terms, closed = self._year(academic_year_of(day))
        return day not in closed and any(s <= day <= e for s, e in terms)

    def on_or_before(self, day: dt.date) -> dt.date:
        while not self.is_school_day(day):
            day -= dt.timedelta(days=1)
        return day

    def on_or_after(self, day: dt.date) -> dt.date:
        while not self.is_school_day(day):
            day += dt.timedelta(days=1)
        return day


SCHOOL_DAYS = SchoolDays()


def last_school_day(today: dt.date) -> dt.date:
    """The day the recorded history ends: today on a school day, else the last one before
    (the Friday before a weekend, the last day of term in a holiday)."""
    return SCHOOL_DAYS.on_or_before(today)


# ---------------------------------------------------------------- results


@dataclass
class SchoolData:
    school: School
    staff: dict  # "head", "senco", "dsl", "teacher1"…, "hlta"…, "ta1"… -> User
    roles: dict  # the same keys -> Role
    pupils: list
    history_start: dt.date
    today: dt.date
    counts: dict = field(default_factory=dict)


@dataclass
class Generated:
    trust: Trust
    schools: list


def generate(
    *,
    seed: int = 1,
    pupils: int = 200,
    schools: int = 1,
    weeks_of_history: int | None = None,
    trust_name: str = "Synthetic Learning Trust",
    today: dt.date | None = None,
    school_names: list[str] | None = None,
    domains: list[str] | None = None,
    password: str | None = None,
    staff_names: dict | None = None,
    progress=None,
    trust: Trust | None = None,
    first_index: int = 0,
) -> Generated:
    """A trust with `schools` primary schools of `pupils` pupils each, and session history
    for `weeks_of_history` weeks before `today` (None: since the current term began).

    Staff log in as head@, senco@, dsl@, teacher<n>@, hlta@ (hlta<n>@), ta<n>@ at each
    school's domain with `password` (None: no usable password). One transaction.

    With `trust`, the schools join that trust (the demo's smaller schools, issue 13);
    `first_index` numbers them on from the trust's first, so their seeds, LA numbers and
    URNs differ from its."""
    if not 1 <= pupils <= 6000:
        raise ValueError("pupils is per school, from 1 to 6000 (UPN serials are 3 digits a year)")
    today = today or timezone.localdate()
    names = school_names or [f"{stem} Primary" for stem in _school_stems(schools)]
    domains = domains or [n.lower().replace(" ", "-") + ".example" for n in names]
    # One hash for everyone: the demo logins share a password, and a PBKDF2 run per user
    # would make seeding take seconds for nothing.
    password_hash = make_password(password)
    with transaction.atomic():
        trust = trust or Trust.objects.create(name=trust_name)
        built = []
        for i in range(schools):
            builder = _SchoolBuilder(
                seed=seed,
                index=first_index + i,
                trust=trust,
                name=names[i],
                domain=domains[i],
                pupils=pupils,
                weeks=weeks_of_history,
                today=today,
                password_hash=password_hash,
                staff_names=staff_names or {},
                progress=progress,
            )
            built.append(builder.build())
    return Generated(trust=trust, schools=built)


def _school_stems(n):
    stems = [
        "Oakfield",
        "Brookside",
        "Hillcrest",
        "Meadow Lane",
        "Riverside",
        "Ashgrove",
        "Beacon",
        "Elmwood",
        "Kingsway",
        "Larkrise",
        "Millbrook",
        "Northfield",
    ]
    return [
        stems[i % len(stems)] + (f" {i // len(stems) + 1}" if i >= len(stems) else "")
        for i in range(n)
    ]


# ---------------------------------------------------------------- one school


class _SchoolBuilder:
    def __init__(
        self,
        *,
        seed,
        index,
        trust,
        name,
        domain,
        pupils,
        weeks,
        today,
        password_hash,
        staff_names,
        progress,
    ):
        self.seed, self.index, self.trust, self.name, self.domain = seed, index, trust, name, domain
        self.n_pupils, self.weeks, self.today = pupils, weeks, today
        self.password_hash, self.staff_names = password_hash, staff_names
        self.progress = progress or (lambda message: None)
        self.ehcp_weights = ehcp_need_weights()
        self.school_days = SCHOOL_DAYS
        self.last_day = last_school_day(today)

    def school_day(self, day: dt.date) -> dt.date:
        """The first school day on or after `day`, but never after the last school day on
        or before today: the dates of records and of things that have started."""
        return min(SCHOOL_DAYS.on_or_after(day), self.last_day)

    def school_day_before(self, day: dt.date) -> dt.date:
        """The last school day on or before `day` (and before today's end of history)."""
        return SCHOOL_DAYS.on_or_before(min(day, self.last_day))

    def rng(self, purpose: str) -> random.Random:
        # One stream per purpose, so more weeks of history do not change the names.
        return random.Random(f"{self.seed}:{self.index}:{purpose}")

    def build(self) -> SchoolData:
        self.school = School.objects.create(
            trust=self.trust,
            name=self.name,
            la_number=f"{873 + self.index:03d}",
            urn=f"{140000 + self.seed % 1000 * 10 + self.index}",
        )
        self.make_calendar()
        self.make_classes()
        self.make_staff()
        make_staffing(self)  # hr: staff records and the single central record
        self.make_pupils()
        self.make_deployments()
        self.make_plans()
        self.make_provisions()
        care = prepare_care(self)  # reshapes the therapy programmes' provisions: before history
        self.progress(f"{self.name}: {len(self.pupils)} pupils; writing session history")
        counts = self.make_history()
        self.progress(f"{self.name}: behaviour, training and safeguarding records")
        counts.update(make_behaviour(self))
        self.progress(f"{self.name}: medication, care, equipment and therapy records")
        for key, n in care.build().items():
            counts[key] += n
        counts.update(pupils=len(self.pupils), staff=len(self.staff))
        return SchoolData(
            school=self.school,
            staff=self.staff,
            roles=self.roles,
            pupils=self.pupils,
            history_start=self.history_start,
            today=self.today,
            counts=dict(counts),
        )

    # -- calendar ------------------------------------------------------------------

    def make_calendar(self):
        if self.weeks is None:  # the year before too: today may fall before autumn begins
            first = academic_year_of(self.today) - 1
        else:
            first = academic_year_of(self.today - dt.timedelta(weeks=self.weeks))
        # Back to when the oldest pupils started Reception: their EHC plans, reviews and
        # SEN history fall on days this calendar shows as school days.
        first = min(first, academic_year_of(self.today) - 7)
        terms, closures = [], []
        for year in range(first, academic_year_of(self.today) + 2):
            t, c = academic_year(year)
            terms += t
            closures += c
        Term.objects.bulk_create(
            Term(school=self.school, name=n, start=s, end=e) for n, s, e in terms
        )
        Closure.objects.bulk_create(
            Closure(school=self.school, kind=k, name=n, start=s, end=e) for k, n, s, e in closures
        )
        if self.weeks is None:  # the first school day of the term (not its training day)
            starts = [SCHOOL_DAYS.on_or_after(s) for _, s, _ in terms]
            self.history_start = max(d for d in starts if d <= self.last_day)
        else:
            self.history_start = self.school_day(self.today - dt.timedelta(weeks=self.weeks))
        self.calendar = Calendar.load(self.school.pk, self.history_start, self.today)

    # -- year groups and classes ---------------------------------------------------

    def make_classes(self):
        self.years = YearGroup.objects.bulk_create(
            YearGroup(school=self.school, name=name, ordinal=o) for o, name in YEAR_GROUPS
        )
        total = max(len(self.years), math.ceil(self.n_pupils / CLASS_SIZE))
        per_year = [total // len(self.years)] * len(self.years)
        for i in range(total % len(self.years)):
            per_year[-1 - i] += 1  # the extra classes go to the oldest years
        classes = []
        for year, n in zip(self.years, per_year, strict=True):
            prefix = "R" if year.ordinal == 0 else str(year.ordinal)
            classes += [
                TeachingGroup(school=self.school, year_group=year, name=f"{prefix}{chr(65 + k)}")
                for k in range(n)
            ]
        self.classes = TeachingGroup.objects.bulk_create(classes)
        self.classes_of_year = defaultdict(list)
        for group in self.classes:
            self.classes_of_year[group.year_group_id].append(group)

    # -- staff ---------------------------------------------------------------------

    def make_staff(self):
        rng = self.rng("staff")
        n_ta = max(2, round(self.n_pupils / 25))
        n_hlta = max(1, self.n_pupils // 250)
        plan = [("head", Role.HEAD), ("senco", Role.SENCO), ("dsl", Role.DSL)]
        plan += [(f"teacher{i}", Role.TEACHER) for i in range(1, len(self.classes) + 1)]
        plan += [("hlta" if i == 1 else f"hlta{i}", Role.HLTA) for i in range(1, n_hlta + 1)]
        plan += [(f"ta{i}", Role.TA) for i in range(1, n_ta + 1)]
        used = set(self.staff_names.values())
        users = []
        # Adults' sex, which User does not hold: care plans may ask for female staff only.
        # Most teaching assistants in England are women; ta1, ta2 and the HLTA, who give
        # the demo's intimate care, always are.
        always_women = {"ta1", "ta2", "hlta"}
        share = {Role.TEACHER: 0.75, Role.HLTA: 0.9, Role.TA: 0.9}
        self.women = set()
        for key, role in plan:
            full_name = self.staff_names.get(key)
            woman = key in always_women or rng.random() < share.get(role, 0.6)
            while full_name is None or (full_name in used and key not in self.staff_names):
                first = rng.choice(words.WOMEN if woman else words.MEN)
                full_name = f"{first} {rng.choice(words.STAFF_SURNAMES)}"
            if full_name.split()[0] in words.WOMEN:
                self.women.add(f"{key}@{self.domain}")
            used.add(full_name)
            users.append(
                User(email=f"{key}@{self.domain}", full_name=full_name, password=self.password_hash)
            )
        users = User.objects.bulk_create(users)
        self.staff = {key: user for (key, _), user in zip(plan, users, strict=True)}
        self.roles = dict(plan)
        StaffRole.objects.bulk_create(
            StaffRole(user=self.staff[key], school=self.school, role=role) for key, role in plan
        )
        self.teacher_of = {g.pk: self.staff[f"teacher{i}"] for i, g in enumerate(self.classes, 1)}
        through = TeachingGroup.teachers.through
        through.objects.bulk_create(
            through(teachinggroup_id=pk, user_id=teacher.pk)
            for pk, teacher in self.teacher_of.items()
        )
        self.tas = [self.staff[k] for k, r in plan if r == Role.TA]
        self.hltas = [self.staff[k] for k, r in plan if r == Role.HLTA]
        self.teachers = set(self.teacher_of.values())
        self.senco = self.staff["senco"]

    # -- pupils --------------------------------------------------------------------

    def make_pupils(self):
        rng = self.rng("pupils")
        n = self.n_pupils
        n_e = max(1, round(n * EHCP_RATE)) if n >= 5 else 0
        n_k = round(n * SEN_SUPPORT_RATE)
        statuses = [SenStatus.EHCP] * n_e + [SenStatus.SUPPORT] * n_k
        statuses += [SenStatus.NONE] * (n - len(statuses))
        rng.shuffle(statuses)
        a_year = academic_year_of(self.today)
        serials = defaultdict(int)
        establishment = f"{2001 + self.index + (self.seed % 50) * 20:04d}"
        pupils, self.group_of, self.needs_of, self.entry_of = [], {}, {}, {}
        for i, status in enumerate(statuses):
            year = self.years[i % len(self.years)]
            classes = self.classes_of_year[year.pk]
            boy = rng.random() < (SEN_BOYS if status != SenStatus.NONE else ALL_BOYS - 0.04)
            first = rng.choice(words.BOYS if boy else words.GIRLS)
            last = rng.choice(words.SURNAMES)
            preferred = words.PREFERRED.get(first, "") if rng.random() < 0.4 else ""
            born_from = dt.date(a_year - 5 - year.ordinal, 9, 1)
            allocated = a_year - year.ordinal  # the UPN is issued when they start Reception
            serials[allocated] += 1
            pupil = Pupil(
                school=self.school,
                upn=make_upn(self.school.la_number, establishment, allocated, serials[allocated]),
                legal_first_name=first,
                legal_last_name=last,
                preferred_name=preferred,
                date_of_birth=born_from + dt.timedelta(days=rng.randrange(365)),
                year_group=year,
                sen_status=status,
            )
            needs = draw_needs(rng, status, self.ehcp_weights)
            if needs:
                area = NEED_AREA[needs[0]].value
                pupil.what_matters = rng.choice(words.WHAT_MATTERS[area])
                pupil.good_at = rng.choice(words.GOOD_AT)
                pupil.how_to_support = rng.choice(
                    words.for_needs(needs, words.HOW_TO_SUPPORT, words.NEED_HOW_TO_SUPPORT, area)
                )
            pupils.append(pupil)
            self.group_of[pupil.pk] = classes[(i // len(self.years)) % len(classes)]
            self.needs_of[pupil.pk] = needs
            self.entry_of[pupil.pk] = self.school_day(dt.date(allocated, 9, 2))
        self.pupils = Pupil.objects.bulk_create(pupils)
        through = Pupil.teaching_groups.through
        through.objects.bulk_create(
            through(pupil_id=p.pk, teachinggroup_id=self.group_of[p.pk].pk) for p in self.pupils
        )
        PupilNeed.objects.bulk_create(
            PupilNeed(pupil=p, code=code, rank=rank)
            for p in self.pupils
            for rank, code in enumerate(self.needs_of[p.pk], start=1)
        )
        self.make_status_history(rng)
        self.make_strategies_and_contacts(rng)

    def area(self, pupil) -> str:
        needs = self.needs_of[pupil.pk]
        return NEED_AREA[needs[0]].value if needs else "other"

    def make_status_history(self, rng):
        """A current period for every pupil; many SEN pupils were first N, and most with
        an EHC plan were on SEN support before it was issued."""
        periods, self.status_start = [], {}
        for p in self.pupils:
            entry = self.entry_of[p.pk]
            span = (self.today - entry).days
            chain = [(SenStatus.NONE, entry)]
            if p.sen_status != SenStatus.NONE:
                if span > 240 and rng.random() < 0.6:
                    identified = entry + dt.timedelta(days=rng.randrange(120, span - 60))
                    identified = self.school_day_before(identified)
                    chain.append((SenStatus.SUPPORT, identified))
                else:
                    chain = [(SenStatus.SUPPORT, entry)]
            if p.sen_status == SenStatus.EHCP:
                room = (self.today - chain[-1][1]).days
                if room > 150:
                    issued = chain[-1][1] + dt.timedelta(days=rng.randrange(90, room - 30))
                    issued = self.school_day_before(issued)
                    chain.append((SenStatus.EHCP, issued))
                else:
                    chain = [(SenStatus.EHCP, entry)]
            for j, (status, start) in enumerate(chain):
                end = chain[j + 1][1] - dt.timedelta(days=1) if j + 1 < len(chain) else None
                periods.append(SenStatusPeriod(pupil=p, status=status, start=start, end=end))
            self.status_start[p.pk] = chain[-1][1]
        SenStatusPeriod.objects.bulk_create(periods)

    def make_strategies_and_contacts(self, rng):
        strategies, contacts = [], []
        relationships = [r for r, _ in words.CONTACT_RELATIONSHIPS]
        weights = [w for _, w in words.CONTACT_RELATIONSHIPS]
        for p in self.pupils:
            if p.sen_status != SenStatus.NONE:
                pool = words.for_needs(
                    self.needs_of[p.pk], words.STRATEGIES, words.NEED_STRATEGIES, self.area(p)
                )
                for text in rng.sample(pool, k=min(len(pool), rng.randint(1, 3))):
                    strategies.append(Strategy(pupil=p, text=text, added_by=self.senco))
            for priority in range(1, 3 if rng.random() < 0.6 else 2):
                relationship = rng.choices(relationships, weights=weights)[0]
                female = relationship in ("Mother", "Grandmother", "Aunt") or (
                    relationship not in ("Father", "Stepfather") and rng.random() < 0.6
                )
                first = rng.choice(words.WOMEN if female else words.MEN)
                last = p.legal_last_name if rng.random() < 0.8 else rng.choice(words.SURNAMES)
                contacts.append(
                    Contact(
                        pupil=p,
                        name=f"{first} {last}",
                        relationship=relationship,
                        parental_responsibility=relationship not in ("Grandmother", "Aunt"),
                        # Ofcom's range for drama: never a real number.
                        phone=f"07700 900{rng.randrange(1000):03d}",
                        email=f"{first}.{last}{rng.randrange(10, 99)}@example.org".lower(),
                        priority=priority,
                    )
                )
        Strategy.objects.bulk_create(strategies)
        Contact.objects.bulk_create(contacts)

    # -- deployments ---------------------------------------------------------------

    def make_deployments(self):
        """1:1 for most pupils with an EHC plan (ta1 first), never two at once for one TA; a
        key adult for some on SEN support, class support for some classes by the HLTA and
        every third TA. One pupil on SEN support, and their class, is left out by
        construction, so the school always has SEN pupils in no TA's scope."""
        rng = self.rng("deployments")
        ehcp = [p for p in self.pupils if p.sen_status == SenStatus.EHCP]
        support = [p for p in self.pupils if p.sen_status == SenStatus.SUPPORT]
        rng.shuffle(support)
        unreached = support.pop() if support else None
        start = self.history_start
        deployments, self.adult_of = [], {}
        n_one = min(math.ceil(len(ehcp) * 0.8), len(self.tas))
        self.one_to_one = {p.pk for p in ehcp[:n_one]}
        for i, p in enumerate(ehcp[:n_one] + support[: round(len(support) * 0.2)]):
            ta = self.tas[i % len(self.tas)]
            kind = Deployment.Kind.ONE_TO_ONE if i < n_one else Deployment.Kind.KEY_ADULT
            deployments.append(
                Deployment(school=self.school, staff=ta, kind=kind, pupil=p, start=start)
            )
            self.adult_of[p.pk] = ta
        left_out = self.group_of[unreached.pk].pk if unreached else None
        candidates = [g for g in self.classes if g.pk != left_out]
        rng.shuffle(candidates)
        supporters = self.hltas + [ta for i, ta in enumerate(self.tas) if i % 3 == 1]
        self.class_support = {}
        for staff, group in zip(supporters, candidates, strict=False):
            deployments.append(
                Deployment(
                    school=self.school,
                    staff=staff,
                    kind=Deployment.Kind.GROUP,
                    teaching_group=group,
                    start=start,
                )
            )
            self.class_support[group.pk] = staff
        Deployment.objects.bulk_create(deployments)

    def deliverer(self, pupil):
        """Who records this pupil's sessions: their 1:1 or key adult, else the class's
        support assistant, else the class teacher; always someone who can see them."""
        group = self.group_of[pupil.pk]
        return (
            self.adult_of.get(pupil.pk)
            or self.class_support.get(group.pk)
            or self.teacher_of[group.pk]
        )

    # -- plans and targets ---------------------------------------------------------

    def review_chain(self, issued: dt.date):
        """An EHC plan's annual reviews: each on the last school day on or before the
        anniversary of the one before (never more than 12 months apart), those before
        today held; and the next one due."""
        held, due = [], SCHOOL_DAYS.on_or_before(_add_year(issued))
        while due < self.today:
            held.append(due)
            due = SCHOOL_DAYS.on_or_before(_add_year(due))
        return held, due

    def ehcp_reviews(self) -> dict:
        """{pupil pk: (reviews held, next due)} for pupils with an EHC plan. Every review
        that fell due is held, except one, the most recent to fall due, left overdue on
        purpose so the SENCO's "due for review" list shows the alert."""
        chains = {
            p.pk: self.review_chain(self.status_start[p.pk])
            for p in self.pupils
            if p.sen_status == SenStatus.EHCP
        }
        late = max(
            ((held[-1], pk) for pk, (held, _) in chains.items() if held),
            default=None,
            key=lambda item: (item[0], str(item[1])),
        )
        if late is not None:
            held, _ = chains[late[1]]
            chains[late[1]] = (held[:-1], held[-1])
        return chains

    def closed_ehc_plans(self, p, name, held) -> list:
        """The plan as it stood before each annual review: closed on the review's day,
        when the reviewed plan took its place (what plans.services.plan_activate does)."""
        plans, start = [], self.status_start[p.pk]
        for day in held:
            plans.append(
                Plan(
                    pupil=p,
                    kind=Plan.Kind.EHCP,
                    title=f"{name}'s EHC plan, {start:%B %Y} to {day:%B %Y}",
                    status=Plan.Status.CLOSED,
                    start_date=start,
                    review_date=day,
                    closed_on=day,
                    created_by=self.senco,
                )
            )
            start = day
        return plans

    def make_plans(self):
        rng = self.rng("plans")
        plans, outcomes, targets = [], [], []
        self.plan_of, self.targets_of = {}, defaultdict(list)
        reviews = self.ehcp_reviews()
        self.closed_plans = []
        for p in self.pupils:
            name = p.preferred_name or p.legal_first_name
            shape = self._plan_shape(rng, p, name, reviews)
            if shape is None:
                continue
            kind, title, start, review = shape
            plan = Plan(
                pupil=p,
                kind=kind,
                title=title,
                status=Plan.Status.ACTIVE,
                start_date=start,
                review_date=review,
                created_by=self.senco,
            )
            plans.append(plan)
            self.plan_of[p.pk] = plan
            self._plan_targets(rng, p, name, plan, outcomes, targets)
        # Next term's plans being written: drafts are part of the lifecycle too.
        plans += [
            Plan(
                pupil=plan.pupil,
                kind=Plan.Kind.IEP,
                title=f"{plan.title} (next term)",
                status=Plan.Status.DRAFT,
                created_by=self.senco,
            )
            for plan in list(plans)
            if plan.kind == Plan.Kind.IEP and rng.random() < 0.1
        ]
        Plan.objects.bulk_create(plans + self.closed_plans)
        Outcome.objects.bulk_create(outcomes)
        Target.objects.bulk_create(targets)

    def _plan_shape(self, rng, p, name, reviews):
        """(kind, title, start, review) of the pupil's active plan; None for no plan. An EHC
        plan's earlier versions, one per review held, go to self.closed_plans."""
        if p.sen_status == SenStatus.EHCP:
            held, review = reviews[p.pk]
            self.closed_plans += self.closed_ehc_plans(p, name, held)
            start = held[-1] if held else self.status_start[p.pk]
            return Plan.Kind.EHCP, f"{name}'s EHC plan", start, review
        if p.sen_status != SenStatus.SUPPORT or rng.random() >= 0.75:
            return None
        start = max(
            self.status_start[p.pk],
            self.school_day_before(self.history_start - dt.timedelta(days=rng.randrange(60))),
        )
        # Reviewed termly: a school day from next week to the next half term.
        review = SCHOOL_DAYS.on_or_after(
            max(start, self.today) + dt.timedelta(days=rng.randrange(7, 75))
        )
        semh = self.needs_of[p.pk][0] == "SEMH"
        kind = Plan.Kind.IBP if semh and rng.random() < 0.5 else Plan.Kind.IEP
        title = f"{name}'s {'behaviour' if kind == Plan.Kind.IBP else 'SEN support'} plan"
        return kind, title, start, review

    def _plan_targets(self, rng, p, name, plan, outcomes, targets):
        """Targets that fit the pupil's needs and year group; for an EHC plan, under one or
        two of its outcomes."""
        bank = [
            t
            for t in words.for_needs(
                self.needs_of[p.pk], words.TARGETS, words.NEED_TARGETS, self.area(p)
            )
            if words.fits_year(t[0], p.year_group.ordinal)
        ]
        rng.shuffle(bank)
        mine = []
        if plan.kind == Plan.Kind.EHCP:
            for order, text in enumerate(
                words.OUTCOMES[self.area(p)][: rng.randint(1, 2)], start=1
            ):
                outcome = Outcome(plan=plan, text=f"{name} {text}", order=order)
                outcomes.append(outcome)
                mine += [(outcome, bank.pop()) for _ in range(rng.randint(1, 2)) if bank]
        else:
            mine += [(None, bank.pop()) for _ in range(rng.randint(2, 3)) if bank]
        for order, (outcome, (text, baseline, criteria)) in enumerate(mine, start=1):
            target = Target(
                plan=plan,
                outcome=outcome,
                text=text,
                baseline=baseline,
                success_criteria=criteria,
                target_date=plan.review_date,
                order=order,
            )
            targets.append(target)
            self.targets_of[p.pk].append(target)

    # -- provision -----------------------------------------------------------------

    def make_provisions(self):
        """Provisions, grouped into delivery units: one per individual provision, one per
        small group (pupils of a class in the same intervention) sharing days and time."""
        rng = self.rng("provision")
        self.new_provisions, self.new_links, self.units = [], [], []
        self.units_of_staff = defaultdict(list)
        self.one_to_one_gap = None
        for p in self.pupils:
            if p.sen_status == SenStatus.EHCP:
                self._ehcp_provisions(rng, p)
        self._group_provisions(rng)
        self._access_provisions(rng)
        Provision.objects.bulk_create(self.new_provisions)
        through = Provision.targets.through
        through.objects.bulk_create(
            through(provision_id=prov.pk, target_id=t.pk) for prov, t in self.new_links
        )
        self.provision_targets = defaultdict(list)
        for prov, t in self.new_links:
            self.provision_targets[prov.pk].append(t)

    def _provision_start(self, rng, p):
        # An EHC plan's provision runs on through its annual reviews: from the issue.
        plan = self.plan_of.get(p.pk)
        began = self.status_start[p.pk] if p.sen_status == SenStatus.EHCP else None
        start = max(
            began or (plan.start_date if plan else self.history_start),
            self.history_start,
            self.entry_of[p.pk],
        )
        if rng.random() < 0.1:  # added part-way through
            start += dt.timedelta(weeks=rng.randrange(1, 4))
        return self.school_day(start)

    def _add_provision(self, p, unit, **fields):
        staff = unit["staff"]
        default = "hlta" if staff in self.hltas else "teacher" if staff in self.teachers else "ta"
        fields.setdefault("staffing", default)
        prov = Provision(
            pupil=p,
            plan=self.plan_of.get(p.pk),
            days=unit["days"],
            cost_per_hour=HOURLY[fields["staffing"]],
            **fields,
        )
        self.new_provisions.append(prov)
        unit["members"].append(prov)
        return prov

    def _ehcp_provisions(self, rng, p):
        """Section F of an EHC plan: a daily 1:1 programme, a therapy, in-class 1:1 hours
        for some, and a personal care programme where the needs call for one."""
        area, targets, staff, start = (
            self.area(p),
            self.targets_of[p.pk],
            self.deliverer(p),
            self._provision_start(rng, p),
        )
        # Every pupil with an EHC plan has a daily 1:1 programme in section F.
        minutes = rng.choice([15, 20, 30])
        needs = self.needs_of[p.pk]
        prov = self._add_provision(
            p,
            self._unit(rng, "12345", minutes, staff, p),
            title=rng.choice(
                words.for_needs(
                    needs[:1], words.DAILY_PROGRAMMES, words.NEED_DAILY_PROGRAMMES, area
                )
            ),
            start=start,
            kind=Provision.Kind.ONE_TO_ONE,
            source=Provision.Source.EHCP_F,
            **_per_week("12345", minutes),
        )
        daily = [t for t in targets if words.target_fits(t.text, prov.title)][:2]
        self.new_links += [(prov, t) for t in daily]
        title, staffing = words.NEED_THERAPIES.get(needs[0], words.THERAPIES[area])
        days = rng.choice(["25", "14", "3"])
        minutes = 45 if len(days) == 1 else 30
        notes = (
            "Programme set by the therapist; delivered by trained staff."
            if staffing == "therapist"
            else ""
        )
        prov = self._add_provision(
            p,
            self._unit(rng, days, minutes, staff, p),
            title=title,
            start=start,
            kind=Provision.Kind.THERAPY,
            source=Provision.Source.EHCP_F,
            staffing=staffing,
            staffing_notes=notes,
            **_per_week(days, minutes),
        )
        fitting = [t for t in targets if words.target_fits(t.text, title)]
        self.new_links += [
            (prov, t) for t in ([t for t in fitting if t not in daily] or fitting[:1])
        ]
        self._in_class_support(rng, p, staff, start)
        if self.needs_of[p.pk][0] in ("PD", "PMLD", "MSI"):
            self._add_provision(
                p,
                self._unit(rng, "12345", 15, staff, p),
                title="Personal care programme",
                start=start,
                kind=Provision.Kind.CARE,
                source=Provision.Source.EHCP_F,
                **_per_week("12345", 15),
            )

    def _in_class_support(self, rng, p, staff, start):
        # Hours of in-class 1:1 only where an adult is deployed 1:1, and once, on
        # purpose and labelled as such, where none is yet: the gap a SENCO must fill.
        gap = p.pk not in self.one_to_one and not self.one_to_one_gap
        if not ((p.pk in self.one_to_one and rng.random() < 0.5) or gap):
            return
        hours = rng.choice([5, 10, 15])
        unit = self._unit(rng, "12345", hours * 12, staff, p)
        if gap:
            # Nobody to give it: the shortfall shows every day as not recorded.
            self.one_to_one_gap = p.pk
            unit["p_unrecorded"] = 1.0
        self._add_provision(
            p,
            unit,
            title="In-class 1:1 support",
            start=start,
            kind=Provision.Kind.ONE_TO_ONE,
            source=Provision.Source.EHCP_F,
            weekly_minutes=hours * 60,
            description="An adult alongside in English and maths lessons.",
            staffing_notes=GAP_NOTE if gap else "",
        )

    def _group_provisions(self, rng):
        # Pupils on SEN support with a plan (and a few without) join a small-group
        # intervention run in their class.
        by_group = defaultdict(list)
        for p in self.pupils:
            if p.sen_status == SenStatus.SUPPORT and (p.pk in self.plan_of or rng.random() < 0.3):
                # Mostly the area's main intervention, so a class's groups have several pupils.
                choices = words.for_needs(
                    self.needs_of[p.pk][:1],
                    words.GROUP_INTERVENTIONS,
                    words.NEED_GROUP_INTERVENTIONS,
                    self.area(p),
                )
                title = choices[0] if rng.random() < 0.7 else rng.choice(choices)
                by_group[(self.group_of[p.pk].pk, title)].append(p)
        for (group_id, title), members in by_group.items():
            for at in range(0, len(members), 6):
                chunk = members[at : at + 6]
                days, minutes = rng.choice(["135", "24", "124", "35"]), rng.choice([20, 30])
                # The class's support assistant, else (or when they are busy) the teacher.
                staff = self.free_adult(
                    [self.class_support.get(group_id), self.teacher_of[group_id]], days, minutes
                )
                unit = self._unit(rng, days, minutes, staff)
                for p in chunk:
                    prov = self._add_provision(
                        p,
                        unit,
                        title=title,
                        start=self._provision_start(rng, p),
                        kind=Provision.Kind.GROUP,
                        source=Provision.Source.SEN_SUPPORT,
                        group_size=len(chunk),
                        **_per_week(days, minutes),
                    )
                    self.new_links += [
                        (prov, t) for t in self.targets_of[p.pk] if words.target_fits(t.text, title)
                    ]

    def _access_provisions(self, rng):
        for p in self.pupils:
            if p.sen_status != SenStatus.NONE and rng.random() < 0.08:
                source = (
                    Provision.Source.EHCP_F
                    if p.sen_status == SenStatus.EHCP
                    else Provision.Source.SEN_SUPPORT
                )
                self._add_provision(
                    p,
                    self._unit(
                        rng,
                        "4",
                        30,
                        self.free_adult(
                            [self.deliverer(p), self.teacher_of[self.group_of[p.pk].pk]],
                            "4",
                            30,
                            p.pk,
                        ),
                        p,
                    ),
                    title="Reader for assessments",
                    start=self._provision_start(rng, p),
                    kind=Provision.Kind.ACCESS,
                    source=source,
                    **_per_week("4", 30),
                )

    def free_slots(self, staff, days, minutes, pupil_pk=None, unit=None) -> list:
        """The slots at which `staff` can take a session of `minutes` on `days` without
        being with another pupil at the same time (the same pupil's sessions may meet),
        and which do not run into lunch or past the end of the school day."""
        free = []
        for slot in SLOTS:
            start = slot.hour * 60 + slot.minute
            end = start + minutes
            if end > DAY_ENDS or (start < LUNCH[1] and end > LUNCH[0]):
                continue
            if all(
                not set(days) & set(other["days"])
                or other is unit
                or (pupil_pk is not None and other["pupil"] == pupil_pk)
                or end <= _minute(other["slot"])
                or _minute(other["slot"]) + other["minutes"] <= start
                for other in self.units_of_staff[staff.pk]
            ):
                free.append(slot)
        return free

    def free_adult(self, adults, days, minutes, pupil_pk=None):
        """The first of `adults` free for such a session, else the first of them."""
        adults = [a for a in adults if a is not None]
        for adult in adults:
            if self.free_slots(adult, days, minutes, pupil_pk):
                return adult
        return adults[0]

    def reslot(self, rng, unit):
        """Choose a unit's time again after its days or minutes changed."""
        free = self.free_slots(unit["staff"], unit["days"], unit["minutes"], unit["pupil"], unit)
        unit["slot"] = rng.choice(free) if free else unit["slot"]

    def _unit(self, rng, days, minutes, staff, pupil=None):
        free = self.free_slots(staff, days, minutes, pupil.pk if pupil else None)
        unit = {
            "days": days,
            "minutes": minutes,
            "staff": staff,
            "pupil": pupil.pk if pupil else None,  # an individual unit's pupil
            "members": [],
            "slot": rng.choice(free or SLOTS),
            # Most provision is delivered most days; a few units struggle (the shortfalls).
            "p_missed": rng.choice([0.03, 0.05, 0.08, 0.1])
            if rng.random() < 0.85
            else rng.choice([0.2, 0.3]),
            "p_unrecorded": rng.choice([0.0, 0.02, 0.05]),
        }
        self.units.append(unit)
        self.units_of_staff[staff.pk].append(unit)
        return unit

    # -- history -------------------------------------------------------------------

    def make_history(self):
        """Sessions on school days of each unit's pattern, from the history start up to
        yesterday: today is left for the demo's people to record."""
        rng = self.rng("history")
        writer = _HistoryWriter(self.today, self.school.pk)
        yesterday = self.today - dt.timedelta(days=1)
        days = [d for d in _days(self.history_start, yesterday) if self.calendar.is_school_day(d)]
        progress = defaultdict(lambda: (rng.random(), rng.uniform(1.5, 3.5)))
        self._away = {}
        # Each weekday's school days, once: units run on a few weekdays each.
        days_of = defaultdict(list)
        for day in days:
            days_of[str(day.isoweekday())].append(day)
        for unit in self.units:
            # A unit's days in date order, as when every day was tested against its pattern.
            unit_days = sorted(d for weekday in set(unit["days"]) for d in days_of[weekday])
            for day in unit_days:
                members = [m for m in unit["members"] if m.start <= day]
                if not members or rng.random() < unit["p_unrecorded"]:
                    continue
                self._session(rng, writer, unit, members, day, progress)
            if writer.pending > BATCH:
                writer.flush()
        writer.flush()
        self._setup_timeline()
        self._receipts(rng, writer)
        return writer.counts

    def _session(self, rng, writer, unit, members, day, progress):
        individual = len(unit["members"]) == 1
        session = self._session_row(rng, unit, members, day, individual)
        # How far through the provision's life this day is: responses and ratings rise.
        frac = min(
            max((day - members[0].start).days / max((self.today - members[0].start).days, 1), 0), 1
        )
        records = []
        for prov in members:
            if not session.delivered:
                rec, ratings = PupilRecord(pupil_id=prov.pupil_id), []
            elif self.away("pupil", prov.pupil.upn, day):
                rec, ratings = PupilRecord(prov.pupil_id, attendance=Attendance.ABSENT), []
            else:
                rec, ratings = self._delivered_record(rng, unit, prov, individual, frac, progress)
            records.append((self._pupil_record(session, prov, rec), ratings))
        writer.add(session, records)

    def away(self, who: str, key: str, day: dt.date) -> str:
        """Why an adult ("staff", by email) or a pupil (by UPN) is away all day, or "":
        the same answer for every session of theirs that day (keys, not ids, so the same
        seed gives the same school)."""
        # Remembered: seeding a Random from a string (a SHA-512) per session and pupil was
        # much of the history's time.
        memo = getattr(self, "_away", None)
        if memo is None:
            memo = self._away = {}
        known = memo.get((who, key, day))
        if known is not None:
            return known
        draw = random.Random(f"{self.seed}:{self.index}:away:{who}:{key}:{day}").random()
        reason = ""
        if who == "staff":
            reason = MissedReason.STAFF_ABSENT if draw < P_STAFF_AWAY else ""
        else:
            for why, chance in P_PUPIL_AWAY.items():
                if draw < chance:
                    reason = why
                    break
                draw -= chance
        memo[(who, key, day)] = reason
        return reason

    def _session_row(self, rng, unit, members, day, individual):
        """The session itself, delivered or missed (and why), and when it began."""
        staff = unit["staff"]
        # A pupil away all day misses their 1:1 sessions; in a group, they are absent
        # (their attendance) and the session goes ahead.
        missed_reason = self.away("pupil", members[0].pupil.upn, day) if individual else ""
        missed_reason = missed_reason or self.away("staff", staff.email, day)
        if rng.random() < unit["p_missed"] and not missed_reason:
            weights = [MISSED_WEIGHTS[r] for r in ONE_OFF_REASONS]
            missed_reason = rng.choices(ONE_OFF_REASONS, weights=weights)[0]
        delivered = not missed_reason
        minutes = unit["minutes"]
        if delivered and minutes > 10 and rng.random() < 0.05:
            minutes -= 5  # started late
        begins = _at(day, unit["slot"])
        missed_note = rng.choice(words.MISSED_OTHER) if missed_reason == MissedReason.OTHER else ""
        return _SessionRow(
            id=uuid.uuid4(),
            client_id=uuid.uuid4(),
            school_id=self.school.pk,
            provision=members[0],
            date=day,
            start_time=unit["slot"],
            minutes=minutes,
            delivered=delivered,
            missed_reason=str(missed_reason),
            missed_note=missed_note,
            staff_id=staff.pk,
            recorded_at=begins + dt.timedelta(minutes=minutes + rng.randrange(2, 120)),
            begins=begins,
        )

    def _delivered_record(self, rng, unit, prov, individual, frac, progress):
        """One pupil's record of a delivered session, and the target ratings in it."""
        attendance = rng.choices(
            [Attendance.PRESENT, Attendance.PARTIAL, Attendance.ABSENT, Attendance.REFUSED],
            weights=[90, 4, 0, 2],  # absent: only on a day away (above)
        )[0]
        engaged = attendance in (Attendance.PRESENT, Attendance.PARTIAL)
        response = 1 if attendance == Attendance.REFUSED else None
        if engaged:
            response = _clip(round(2.2 + 1.8 * frac + rng.gauss(0, 0.9)), 1, 5)
        note, flag = self._session_note(rng, attendance, response, unit["slot"])
        ratings = []
        for target in self.provision_targets.get(prov.pk, []) if engaged else []:
            if rng.random() < 0.7:
                base, gain = progress[target.pk]
                level = _clip(round(base + gain * frac + rng.gauss(0, 0.6)), 0, 4)
                ratings.append((target.pk, RATINGS[level]))
        rec = PupilRecord(
            pupil_id=prov.pupil_id,
            attendance=attendance,
            response=response,
            note=note,
            # Everyday notes are shared with the family; notes for the teacher are not.
            note_shared_with_parents=note in SHARED_NOTES,
            adaptations=self._adaptation(rng, prov.title) if engaged else "",
            flag_for_teacher=flag,
            flag_note=words.FLAG_LOOK_AT.get(note, "") if flag else "",
            target_progress=ratings,
        )
        return rec, ratings

    @staticmethod
    def _adaptation(rng, title):
        """Now and then, how the session was adapted, in a way that fits the provision."""
        if rng.random() >= 0.1:
            return ""
        return rng.choice(_fitting_adaptations(title))

    @staticmethod
    def _session_note(rng, attendance, response, slot):
        """A note, if any, and whether it is flagged for the teacher."""
        # Notes agree with their own record: its attendance, response and time of day.
        flag = rng.random() < (0.3 if (response or 3) <= 2 else 0.05)
        fitting = _fitting_notes(flag, attendance, response, slot)
        note = rng.choice(fitting) if fitting and (flag or rng.random() < 0.3) else ""
        return note, flag and bool(note)  # a flag always says what the teacher should look at

    def _pupil_record(self, session, prov, rec):
        """The SessionPupil row's values but its id (SessionPupil_FIELDS after the first)."""
        return (
            session.id,
            prov.pupil_id,
            prov.pk,
            str(rec.attendance) if session.delivered else "",
            session.date,
            credited_minutes(session, rec),
            rec.response,
            rec.adaptations,
            rec.note,
            rec.note_shared_with_parents,
            rec.flag_for_teacher,
            rec.flag_note or "",
        )

    def _setup_timeline(self):
        """The entries the plan and provision services write when these are set up."""

        def entry(record, day, time, kind, title):
            return (record.pupil_id, _at(day, time), kind, title, "", self.senco.pk, kind,
                    str(record.pk))  # fmt: skip

        rows = [
            entry(
                plan,
                plan.start_date,
                dt.time(8, 30),
                "plan",
                f"{plan.get_kind_display()} now active: {plan.title}",
            )
            for plan in [*self.plan_of.values(), *self.closed_plans]
        ]
        rows += [
            entry(
                plan,
                plan.closed_on,
                dt.time(8, 29),
                "plan",
                f"{plan.get_kind_display()} closed: {plan.title}",
            )
            for plan in self.closed_plans
        ]
        rows += [
            entry(
                prov,
                prov.start,
                dt.time(8, 45),
                "provision",
                f"Provision added: {prov.title} ({prov.how_much})",
            )
            for unit in self.units
            for prov in unit["members"]
        ]
        insert_rows(TimelineEntry, TIMELINE_FIELDS, rows)

    def _receipts(self, rng, writer):
        """Class teachers have seen most records older than a few days in their feed."""
        until = self.today - dt.timedelta(days=3)
        rows = [
            (sp_id, self.teacher_of[self.group_of[pupil_id].pk].pk, _at(day, dt.time(16, 30)))
            for sp_id, pupil_id, day in writer.recent
            if day <= until and rng.random() < 0.75
        ]
        insert_rows(FeedReceipt, ["session_pupil_id", "user_id", "seen_at"], rows)


@dataclass(slots=True)
class _SessionRow:
    """A generated session: the Session row's values (SESSION_FIELDS), its provision and
    when it began (for the timeline)."""

    id: uuid.UUID
    client_id: uuid.UUID
    school_id: object
    provision: Provision
    date: dt.date
    start_time: dt.time
    minutes: int
    delivered: bool
    missed_reason: str
    missed_note: str
    staff_id: object  # delivered and recorded it
    recorded_at: dt.datetime
    begins: dt.datetime

    def row(self):
        return (
            self.id, self.client_id, self.school_id, self.provision.pk, self.date,
            self.start_time, self.minutes, self.delivered, self.missed_reason, self.missed_note,
            self.staff_id, self.staff_id, self.recorded_at,
        )  # fmt: skip


SESSION_FIELDS = [
    "id", "client_id", "school_id", "provision_id", "date", "start_time", "minutes",
    "delivered", "missed_reason", "missed_note", "delivered_by_id", "recorded_by_id",
    "recorded_at",
]  # fmt: skip
SESSION_PUPIL_FIELDS = [
    "id", "session_id", "pupil_id", "provision_id", "attendance", "date", "minutes",
    "response", "adaptations", "note", "note_shared_with_parents", "flag_for_teacher",
    "flag_note",
]  # fmt: skip
TIMELINE_FIELDS = [
    "pupil_id", "occurred_at", "kind", "title", "body", "actor_id", "ref_type", "ref_id"
]  # fmt: skip
SHARED_NOTES = frozenset(words.SESSION_NOTES)
ATTENDANCE_LABEL = {a.value: a.label.lower() for a in Attendance}
MISSED_LABEL = {r.value: r.label.lower() for r in MissedReason}


@cache
def _fitting_notes(flag, attendance, response, slot):
    """The notes that agree with such a record (the same list, in the same order, as
    filtering the notes per session gave; worked out once per kind of record)."""
    return [
        t
        for t in (words.FLAG_NOTES if flag else words.SESSION_NOTES)
        if words.note_fits(t, attendance, response, slot)
    ]


@cache
def _fitting_adaptations(title):
    return [a for a in words.ADAPTATIONS if words.text_fits_provision(a, title)]


class _HistoryWriter:
    """Buffers generated sessions and writes them in batches: sessions, their pupil
    records (with ids taken first, which ratings and receipts need), ratings, timeline
    entries."""

    def __init__(self, today, school_id):
        self.feed_since = today - dt.timedelta(days=28)
        self.sessions = []
        self.counts = defaultdict(int)
        self.recent = []  # (session pupil id, pupil id, date) in the teacher feed's window
        self.pending = 0

    def add(self, session, records):
        self.sessions.append((session, records))
        self.pending += len(records)

    def flush(self):
        if not self.sessions:
            return
        insert_rows(Session, SESSION_FIELDS, [s.row() for s, _ in self.sessions])
        ids = iter(new_ids(SessionPupil, self.pending))
        sps, ratings, entries = [], [], []
        for session, records in self.sessions:
            for values, pairs in records:
                sp_id = next(ids)
                sps.append((sp_id, *values))
                ratings += [(sp_id, tid, r, session.date) for tid, r in pairs]
                entries.append(_timeline_entry(session, values))
                if session.date >= self.feed_since:
                    self.recent.append((sp_id, values[1], session.date))
        insert_rows(SessionPupil, SESSION_PUPIL_FIELDS, sps)
        insert_rows(TargetRating, ["session_pupil_id", "target_id", "rating", "date"], ratings)
        insert_rows(TimelineEntry, TIMELINE_FIELDS, entries)
        self.counts["sessions"] += len(self.sessions)
        self.counts["delivered"] += sum(1 for s, _ in self.sessions if s.delivered)
        self.counts["session_pupils"] += len(sps)
        self.counts["ratings"] += len(ratings)
        self.counts["timeline"] += len(entries)
        self.sessions, self.pending = [], 0


def _timeline_entry(session, values):
    # The title and fields provision.services._write_pupil_record writes (`values`: a
    # session pupil row's, from _pupil_record).
    _, pupil_id, _, attendance, _, minutes, _, _, note, *_ = values
    what = session.provision.title
    if session.delivered:
        title = f"{what}: {ATTENDANCE_LABEL[attendance]}, {minutes} min"
        kind = "session"
    else:
        title = f"{what}: missed ({MISSED_LABEL[session.missed_reason]})"
        kind = "session_missed"
    return (
        pupil_id, session.begins, kind, title, note or session.missed_note, session.staff_id,
        "session", str(session.id),
    )  # fmt: skip


def pad_timeline(pupil, *, total: int, start: dt.date, end: dt.date, actor, seed: int = 1) -> int:
    """Add observation entries to `pupil`'s timeline until it holds `total`, spread over
    school hours from `start` to `end`. For benchmarks: the pupil page must cost the same
    with 10,000 entries as with 10. Returns how many were added."""
    missing = max(total - TimelineEntry.objects.filter(pupil=pupil).count(), 0)
    rng = random.Random(f"{seed}:timeline:{pupil.upn}")
    span = max((end - start).days, 1)
    entries = []
    for _ in range(missing):
        day = start + dt.timedelta(days=rng.randrange(span))
        entries.append(
            TimelineEntry(
                pupil=pupil,
                occurred_at=_at(day, dt.time(8 + rng.randrange(7), rng.randrange(60))),
                kind="observation",
                title=rng.choice(words.SESSION_NOTES),
                actor=actor,
                ref_type="observation",
                ref_id=str(uuid.UUID(int=rng.getrandbits(128))),
            )
        )
    TimelineEntry.objects.bulk_create(entries, batch_size=2000)
    return missing


def _per_week(days, minutes):
    return {
        "sessions_per_week": len(days),
        "session_minutes": minutes,
        "weekly_minutes": len(days) * minutes,
    }


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _days(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def _minute(time: dt.time) -> int:
    return time.hour * 60 + time.minute


def _clip(value, low, high):
    return max(low, min(high, value))


def _add_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)
