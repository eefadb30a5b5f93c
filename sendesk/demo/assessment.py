"""The demo's assessment records (issue 10, parts 2 to 4), made after the rest of the
school: the school's measures; a reading intervention for four pupils of one class, run
for the last ten school weeks (3 × 30 minutes, Monday, Wednesday, Friday) with entry and
exit scores, one of whom was often away from it and so received fewer sessions than the
EEF's guidance; a term of Engagement Model observations for a pupil with an EHC plan and
profound or severe needs; and weekly spelling tests for the class. Deterministic: the same
school gives the same records. Called once from demo.oakfield.build_demo."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.utils import timezone

from sendesk.assessment.models import (
    DEFAULT_SCALE,
    Assessment,
    EngagementEntry,
    EngagementObservation,
)
from sendesk.plans.models import Outcome, Plan
from sendesk.provision.models import Measure, MissedReason, Provision, Session, SessionPupil
from sendesk.pupils.models import Deployment, Pupil, PupilNeed
from sendesk.schools.calendar import school_calendar

LONDON = ZoneInfo("Europe/London")
TITLE = "Reading intervention group"
LITERACY_NEEDS = ("SPLD", "MLD")
ENGAGEMENT_NEEDS = ("PMLD", "SLD", "MSI", "PD")
MEASURES = [
    # name, kind, low, high, exit criterion
    ("Single word reading (standardised)", Measure.Kind.STANDARDISED, 40, 160, 85),
    ("Reading age", Measure.Kind.READING_AGE, 48, 192, None),
    ("Weekly spellings (out of 10)", Measure.Kind.COUNT, 0, 10, None),
    ("Times tables check (out of 25)", Measure.Kind.COUNT, 0, 25, None),
    ("Phonics check (out of 40)", Measure.Kind.COUNT, 0, 40, 32),
]
ACTIVITIES = [
    "Sensory tray with rice and scoops",
    "Bubbles at the window",
    "Cause-and-effect switch toy",
    "Music session with shakers",
    "Light box with coloured tiles",
    "Water play with cups",
    "Story sack: The Very Hungry Caterpillar",
    "Parachute game with the class",
]
NOTES = {
    "exploration": ["Turned towards the new object and reached for it",
                    "Touched it with one hand, then both"],
    "realisation": ["Shook it again to hear the sound", "Tried a new way: tipped the cup"],
    "anticipation": ["Smiled and tensed before the bubbles came",
                     "Looked to the switch before pressing"],
    "persistence": ["Kept reaching when it rolled away", "Returned to it twice after a break"],
    "initiation": ["Pushed the adult's hand to ask for more", "Vocalised to start the game again"],
}  # fmt: skip


def make_assessment(data) -> None:
    """data: the generator's SchoolData for the demo school."""
    school = data.school
    rng = random.Random(f"assessment:{school.name}")
    measures = {
        name: Measure.objects.create(
            school=school, name=name, kind=kind, min_score=low, max_score=high, exit_score=exit_
        )
        for name, kind, low, high, exit_ in MEASURES
    }
    calendar = school_calendar(school.pk)
    days = [
        d
        for d in _days_back(data.today, 90)
        if d >= data.history_start and calendar.is_school_day(d)
    ]
    group = _reading_group(data, days, measures, rng)
    _engagement(data, days, rng)
    if group is not None:
        _spellings(data, group, days, measures["Weekly spellings (out of 10)"], rng)


def _days_back(today, count):
    return [today - dt.timedelta(days=n) for n in range(count, 0, -1)]


def _at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), LONDON)


def _class_support(group):
    row = (
        Deployment.objects.standing()
        .filter(teaching_group=group, kind=Deployment.Kind.GROUP)
        .select_related("staff")
        .order_by("pk")
        .first()
    )
    return row.staff if row else group.teachers.order_by("pk").first()


def _reading_members(data):
    """Up to four pupils on SEN support in one year group (Year 2 up), literacy needs
    first: the year group with most of them. Returns (the first one's class, the pupils)."""
    needs = dict(
        PupilNeed.objects.filter(pupil__school=data.school, rank=1).values_list("pupil_id", "code")
    )
    by_year: dict = {}
    pupils = (
        Pupil.objects.filter(school=data.school, sen_status="K", year_group__ordinal__gte=2)
        .prefetch_related("teaching_groups")
        .order_by("upn")
    )
    for pupil in pupils:
        by_year.setdefault(pupil.year_group_id, []).append(pupil)
    if not by_year:
        return None, []
    _, members = max(
        by_year.items(),
        key=lambda kv: (sum(needs.get(p.pk) in LITERACY_NEEDS for p in kv[1]), len(kv[1]), -kv[0]),
    )
    members.sort(key=lambda p: (needs.get(p.pk) not in LITERACY_NEEDS, p.upn))
    members = members[:4]
    group = next(iter(members[0].teaching_groups.all()), None)
    return group, members if group is not None else []


def _reading_group(data, days, measures, rng):
    """The reading intervention: provisions, sessions over the last ten school weeks, and
    entry and exit scores. The last pupil came on Mondays and every other Friday only."""
    sessions_days = [d for d in days if d.weekday() in (0, 2, 4)][-30:]
    group, members = _reading_members(data)
    if len(members) < 2 or len(sessions_days) < 6:
        return None
    staff = _class_support(group)
    measure = measures["Single word reading (standardised)"]
    first, last = sessions_days[0], sessions_days[-1]
    plans = dict(
        Plan.objects.filter(pupil__in=members, status="active", kind="iep").values_list(
            "pupil_id", "pk"
        )
    )
    provisions = {
        p.pk: Provision.objects.create(
            pupil=p,
            plan_id=plans.get(p.pk),
            title=TITLE,
            kind=Provision.Kind.GROUP,
            source=Provision.Source.SEN_SUPPORT,
            sessions_per_week=3,
            session_minutes=30,
            weekly_minutes=90,
            days="135",
            group_size=len(members),
            start=first,
            end=last,
            staffing=Provision.Staffing.TA,
            measure=measure,
            description="Structured reading: phonics review, fluency practice, a shared book.",
        )  # fmt: skip
        for p in members
    }
    away = members[-1]
    lead = provisions[members[0].pk]
    pupils_away, staff_away = _days_away(data, members, staff, sessions_days)
    for n, day in enumerate(sessions_days):
        # The adult away all day (as the rest of the demo has them): the session is missed.
        delivered = (staff.pk, day) not in staff_away
        session = Session.objects.create(
            school=data.school, provision=lead, date=day, start_time=dt.time(9, 10), minutes=30,
            delivered=delivered, missed_reason="" if delivered else MissedReason.STAFF_ABSENT,
            delivered_by=staff, recorded_by=staff, recorded_at=_at(day, 9, 45),
        )  # fmt: skip
        rows = []
        for p in members:
            there = p != away or day.weekday() == 0 or (day.weekday() == 4 and n % 2 == 0)
            there = there and (p.pk, day) not in pupils_away
            attendance = ("present" if there else "absent") if delivered else ""
            rows.append(
                SessionPupil(
                    session=session,
                    pupil=p,
                    provision=provisions[p.pk],
                    date=day,
                    attendance=attendance,
                    minutes=30 if attendance == "present" else 0,
                    response=rng.choice([3, 4, 4, 5]) if attendance == "present" else None,
                )  # fmt: skip
            )
        SessionPupil.objects.bulk_create(rows)
    recorded_at = timezone.now()
    for p in members:
        entry = rng.randint(72, 83)
        gain = rng.randint(1, 3) if p == away else rng.randint(5, 12)
        for kind, score, day in (("entry", entry, first), ("exit", entry + gain, last)):
            Assessment.objects.create(
                school=data.school, pupil=p, measure=measure, provision=provisions[p.pk],
                kind=kind, score=score, date=day, recorded_by=staff, recorded_at=recorded_at,
            )  # fmt: skip
    return group


def _days_away(data, members, staff, days):
    """The (pupil, day)s the demo already has the pupils away all day (absent, on a trip),
    and the (adult, day)s it has the adult absent: the intervention keeps to them."""
    missed = SessionPupil.objects.filter(
        session__school=data.school, pupil__in=members, date__in=days, session__delivered=False,
        session__missed_reason__in=[MissedReason.PUPIL_ABSENT, MissedReason.TRIP],
    ).values_list("pupil_id", "date")  # fmt: skip
    absent = Session.objects.filter(
        school=data.school, delivered_by=staff, date__in=days, delivered=False,
        missed_reason=MissedReason.STAFF_ABSENT,
    ).values_list("delivered_by_id", "date")  # fmt: skip
    return set(missed), set(absent)


def _engagement_pupil(data):
    # The Engagement Model is for key stages 1 and 2 (Reception follows the EYFS).
    needs = PupilNeed.objects.filter(
        pupil__school=data.school, pupil__sen_status="E", rank=1, pupil__year_group__ordinal__gte=1
    )
    chosen = needs.filter(code__in=ENGAGEMENT_NEEDS).order_by("pupil__upn").first()
    chosen = chosen or needs.order_by("pupil__year_group__ordinal", "pupil__upn").first()
    return chosen.pupil if chosen else None


def _engagement(data, days, rng):
    """A term of weekly observations, each of three areas, mostly becoming more established."""
    pupil = _engagement_pupil(data)
    if pupil is None:
        return
    row = (
        Deployment.objects.standing()
        .filter(pupil=pupil, kind=Deployment.Kind.ONE_TO_ONE)
        .order_by("pk")
        .first()
    )
    hlta = next((u for key, u in data.staff.items() if key.startswith("hlta")), None)
    observer = row.staff if row else hlta or data.staff["senco"]
    outcome = (
        Outcome.objects.filter(plan__pupil=pupil, plan__status="active", plan__kind="ehcp")
        .order_by("order", "pk")
        .first()
    )
    weeks = {}
    for day in days:
        weeks.setdefault(day.isocalendar()[:2], day)
    chosen = list(weeks.values())[-12:]
    areas = ["exploration", "realisation", "anticipation", "persistence", "initiation"]
    for n, day in enumerate(chosen):
        moment = _at(day, 10, 15)
        obs = EngagementObservation.objects.create(
            school=data.school, pupil=pupil, observed_at=moment,
            activity=ACTIVITIES[n % len(ACTIVITIES)], scale=DEFAULT_SCALE, observer=observer,
            recorded_at=moment + dt.timedelta(minutes=20),
        )  # fmt: skip
        progress = n / max(len(chosen) - 1, 1)
        seen = [areas[(n + k) % 5] for k in range(3)]
        EngagementEntry.objects.bulk_create(
            EngagementEntry(
                observation=obs,
                area=area,
                level=max(1, min(5, round(1.5 + 2.5 * progress + rng.gauss(0, 0.5)))),
                note=rng.choice(NOTES[area]),
            )  # fmt: skip
            for area in seen
        )
        if outcome is not None:
            obs.outcomes.add(outcome)


def _spellings(data, group, days, measure, rng):
    """Weekly spelling tests (Fridays) for the class's pupils with SEN: eight weeks."""
    fridays = [d for d in days if d.weekday() == 4][-8:]
    pupils = group.pupils.exclude(sen_status="N").order_by("upn")
    tester = _class_support(group)
    rows = []
    for pupil in pupils:
        base = rng.randint(2, 6)
        for n, day in enumerate(fridays):
            score = max(0, min(10, base + n // 2 + rng.randint(-1, 1)))
            rows.append(
                Assessment(
                    school=data.school,
                    pupil=pupil,
                    measure=measure,
                    kind="routine",
                    score=score,
                    date=day,
                    test_name=f"Spellings, week {n + 1}",
                    recorded_by=tester,
                    recorded_at=_at(day, 15, 0),
                )  # fmt: skip
            )
    Assessment.objects.bulk_create(rows)
