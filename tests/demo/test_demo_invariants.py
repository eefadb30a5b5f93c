"""What makes the demo look like a real school, as invariants of the generator (issue 7):
Oakfield Primary built as `make run` builds it, on four different days (an ordinary term
day, a Saturday, Christmas Day and a day in the summer holiday), each built once for the
module and only read.

- Every record falls on a school day of the school's own calendar (sendesk.schools), and
  the recorded history ends on the last school day on or before today.
- Every EHC plan has its annual reviews on record, never more than a year apart; one
  plan at most is overdue, on purpose.
- Targets and strategies fit the pupil's needs and year group; session notes agree with
  their own record.
- Care events respect the care plan's staffing and gender rules.
- No adult is 1:1 with two pupils; every promise of 1:1 hours has an adult deployed, but
  one gap at most, labelled as such.
- The parent login is among the child's contacts; adults carry adults' names and staff
  do not share a surname with any pupil.
"""

import datetime as dt
import re
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from sendesk.accounts.models import User
from sendesk.behaviour.models import Incident, Observation, RestrictiveIntervention
from sendesk.care.models import CareEvent, CarePlan, Equipment
from sendesk.demo import words
from sendesk.demo.generator import GAP_NOTE, SchoolDays, academic_year, last_school_day
from sendesk.demo.oakfield import build_demo, demo_notes
from sendesk.family.models import ParentLink
from sendesk.medication.models import Administration, HealthcarePlan, Medicine
from sendesk.plans.models import Plan, Target
from sendesk.provision.models import Provision, Session, SessionPupil, TargetRating
from sendesk.pupils.models import (
    Contact,
    Deployment,
    Pupil,
    SenStatusPeriod,
    Strategy,
    TimelineEntry,
)
from sendesk.safeguarding.models import Concern
from sendesk.schools.calendar import Calendar
from sendesk.staff.models import CareGender, Training
from sendesk.therapy.models import ProgrammeReview, Referral

# The mark makes pytest-django set the test database up; the school itself is built once
# a day for the module (the tests only read it).
pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DAYS = {
    "term day": dt.date(2026, 11, 18),  # a Wednesday
    "weekend": dt.date(2026, 11, 21),  # a Saturday
    "christmas": dt.date(2026, 12, 25),
    "summer holiday": dt.date(2027, 8, 10),
}


@pytest.fixture(scope="module", params=list(DAYS), ids=list(DAYS))
def built(request, django_db_setup, django_db_blocker):
    """Oakfield on one of DAYS, at four in the afternoon; rolled back after the module."""
    today = DAYS[request.param]
    with django_db_blocker.unblock(), transaction.atomic():
        at = dt.datetime.combine(today, dt.time(16), LONDON)
        with time_machine.travel(at, tick=False):
            data = build_demo(today=today)
        yield data
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def calendar(built):
    """The school's own calendar, from its Term and Closure rows."""
    return Calendar.load(built.school.pk, dt.date(2015, 1, 1), dt.date(2030, 12, 31))


def _day(value):
    return timezone.localtime(value).date() if isinstance(value, dt.datetime) else value


def _records(school):
    """(what, date) of every dated record of the school, done or planned."""
    pupils = Pupil.objects.filter(school=school)
    fields = [
        (Session.objects.filter(school=school), ["date"]),
        (SessionPupil.objects.filter(pupil__in=pupils), ["date"]),
        (TargetRating.objects.filter(session_pupil__pupil__in=pupils), ["date"]),
        (Incident.objects.filter(pupil__in=pupils), ["occurred_at"]),
        (Observation.objects.filter(pupil__in=pupils), ["started_at"]),
        (RestrictiveIntervention.objects.filter(pupil__in=pupils), ["started_at", "debrief_on"]),
        (Concern.objects.filter(pupil__in=pupils), ["occurred_at", "reported_at"]),
        (CareEvent.objects.filter(pupil__in=pupils), ["occurred_at"]),
        (Administration.objects.filter(medicine__pupil__in=pupils), ["given_at"]),
        (Training.objects.filter(user__staff_roles__school=school), ["completed_on"]),
        (Plan.objects.filter(pupil__in=pupils), ["start_date", "review_date", "closed_on"]),
        (Provision.objects.filter(pupil__in=pupils), ["start"]),
        (Deployment.objects.standing().filter(school=school), ["start"]),
        (SenStatusPeriod.objects.filter(pupil__in=pupils), ["start"]),
        (HealthcarePlan.objects.filter(pupil__in=pupils), ["consent_on", "review_date"]),
        (CarePlan.objects.filter(pupil__in=pupils), ["consent_on", "review_date"]),
        # The next inspection is a deadline the service sets six months on, not a record:
        # in the summer holiday, "in a week or two" cannot be a school day.
        (Equipment.objects.filter(school=school), ["last_inspected"]),
        (Referral.objects.filter(pupil__in=pupils), ["consent_on", "start"]),
        (ProgrammeReview.objects.filter(programme__pupil__in=pupils), ["at"]),
        (TimelineEntry.objects.filter(pupil__in=pupils), ["occurred_at"]),
    ]
    for qs, names in fields:
        what = qs.model.__name__
        for row in qs.values_list(*names):
            for name, value in zip(names, row, strict=True):
                if value is not None:
                    yield f"{what}.{name}", _day(value)


def test_every_record_falls_on_a_school_day(built, calendar):
    off = Counter(what for what, day in _records(built.school) if not calendar.is_school_day(day))
    assert off == Counter()


def test_the_recorded_history_ends_on_the_last_school_day(built, calendar):
    today, end = built.today, last_school_day(built.today)
    assert calendar.is_school_day(end) and end <= today
    assert all(
        not calendar.is_school_day(end + dt.timedelta(days=n))
        for n in range(1, 1 + (today - end).days)
    )
    # Sessions run to the last school day before today (today's are left to record).
    last_session = Session.objects.filter(school=built.school).latest("date").date
    assert last_session == (calendar_before(calendar, today) if end == today else end)
    events = [day for what, day in _records(built.school) if not what.endswith("review_date")]
    assert max(events) <= end


def calendar_before(calendar, day):
    day -= dt.timedelta(days=1)
    while not calendar.is_school_day(day):
        day -= dt.timedelta(days=1)
    return day


def test_every_ehc_plan_has_its_annual_reviews_on_record(built):
    today = built.today
    overdue = list(Plan.objects.active().filter(pupil__school=built.school, review_date__lt=today))
    assert len(overdue) <= 1  # on purpose, to show the alert
    assert all(p.kind == Plan.Kind.EHCP for p in overdue)
    ehcp = Pupil.objects.filter(school=built.school, sen_status="E")
    assert ehcp.exists()
    held_any = 0
    for pupil in ehcp:
        issued = SenStatusPeriod.objects.get(pupil=pupil, status="E").start
        versions = list(
            Plan.objects.filter(pupil=pupil, kind=Plan.Kind.EHCP).order_by("start_date")
        )
        assert versions[0].start_date == issued
        assert [v.status for v in versions[:-1]] == [Plan.Status.CLOSED] * (len(versions) - 1)
        assert versions[-1].status == Plan.Status.ACTIVE
        for old, new in zip(versions, versions[1:], strict=False):
            assert old.closed_on == old.review_date == new.start_date  # reviewed, then renewed
        for v in versions:  # never more than twelve months between reviews
            assert v.review_date <= _add_year(v.start_date)
        active = versions[-1]
        if active.review_date < today:
            continue  # the one overdue
        # Every review that fell due before today was held.
        assert _add_year(active.start_date) >= today or active.review_date >= today
        if issued <= today - dt.timedelta(days=400):
            assert len(versions) >= 2, f"{pupil}: issued {issued}, no review on record"
            held_any += 1
    assert held_any >= 1


def _add_year(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


HEARING = re.compile(r"hearing aid|radio aid|heard", re.I)
VISION = re.compile(r"enlarge|magnifier|glare|bold-lined", re.I)


def test_targets_and_strategies_fit_needs_and_year_group(built):
    needs = defaultdict(set)
    for pupil_id, code in Pupil.objects.filter(school=built.school).values_list(
        "pk", "needs__code"
    ):
        if code:
            needs[pupil_id].add(code)
    texts = [
        (t.plan.pupil_id, t.plan.pupil.year_group.ordinal, t.text)
        for t in Target.objects.filter(plan__pupil__school=built.school).select_related(
            "plan__pupil__year_group"
        )
    ]
    assert texts
    for _pupil, ordinal, text in texts:
        low, high = words.TARGET_YEARS.get(text, (0, 6))
        assert low <= ordinal <= high, (text, ordinal)
    strategies = list(
        Strategy.objects.filter(pupil__school=built.school).values_list("pupil_id", "text")
    )
    support = list(
        Pupil.objects.filter(school=built.school)
        .exclude(how_to_support="")
        .values_list("pk", "how_to_support")
    )
    for pupil_id, text in [(p, t) for p, _, t in texts] + strategies + support:
        if HEARING.search(text):
            assert needs[pupil_id] & {"HI", "MSI"}, (text, needs[pupil_id])
        if VISION.search(text):
            assert needs[pupil_id] & {"VI", "MSI"}, (text, needs[pupil_id])


def test_the_word_lists_keep_needs_and_ages_apart():
    for code, pool in words.NEED_TARGETS.items():
        for text, *_ in pool or words.TARGETS["sp"]:
            if HEARING.search(text):
                assert code in ("HI", "MSI")
            if VISION.search(text):
                assert code in ("VI", "MSI")
    # A pupil whose only need is PD gets no hearing or vision target or strategy.
    for text in words.for_needs(["PD"], words.STRATEGIES, words.NEED_STRATEGIES, "sp"):
        assert not HEARING.search(text) and not VISION.search(text)
    for text, *_ in words.for_needs(["PD"], words.TARGETS, words.NEED_TARGETS, "sp"):
        assert not HEARING.search(text) and not VISION.search(text)
    # Every year group has targets to draw in every area.
    for area, pool in words.TARGETS.items():
        for ordinal in range(7):
            assert any(words.fits_year(t[0], ordinal) for t in pool), (area, ordinal)
    assert not words.fits_year("Counts reliably to 20 and back", 6)


POSITIVE = re.compile(
    r"worked well|breakthrough|brilliantly|proud|right first time|great effort|settled", re.I
)


def test_session_notes_agree_with_their_record(built):
    rows = SessionPupil.objects.filter(session__school=built.school).exclude(note="")
    rows = rows.values_list(
        "note", "attendance", "response", "flag_for_teacher", "session__start_time"
    )
    assert rows
    for note, attendance, response, _, start in rows:
        assert attendance in ("present", "partial", "refused"), (note, attendance)
        if re.search(r"refused", note, re.I):
            assert attendance == "refused"
        if attendance == "refused":
            assert not POSITIVE.search(note) and response == 1
        if POSITIVE.search(note) and "until then" not in note:
            assert response >= 3, (note, response)
        if "after lunch" in note:
            assert start >= dt.time(13), (note, start)
        if "after break" in note:
            assert start >= dt.time(10, 45), (note, start)
        if "this morning" in note or "at break" in note:
            assert start <= dt.time(10, 15), (note, start)
    # A flag always says what the teacher should look at; absent pupils have no note.
    assert not SessionPupil.objects.filter(
        session__school=built.school, flag_for_teacher=True, note=""
    ).exists()
    assert (
        not SessionPupil.objects.filter(session__school=built.school, attendance="absent")
        .exclude(note="")
        .exists()
    )


def test_care_events_keep_the_plans_staffing_and_gender_rules(built):
    events = CareEvent.objects.filter(pupil__school=built.school).select_related(
        "care_plan", "by", "second_staff"
    )
    assert events
    female_only = 0
    for e in events:
        plan = e.care_plan
        staff = [e.by] + ([e.second_staff] if e.second_staff else [])
        if plan.staff_required >= 2:
            assert e.second_staff is not None and e.second_staff != e.by
        if plan.gender_preference == CarePlan.Gender.FEMALE:
            female_only += 1
            assert all(u.full_name.split()[0] in words.WOMEN for u in staff), staff
        if plan.gender_preference == CarePlan.Gender.MALE:
            assert all(u.full_name.split()[0] in words.MEN for u in staff), staff
        day = _day(e.occurred_at)
        for user in staff:
            assert Training.objects.filter(
                user=user, kind=plan.training, completed_on__lte=day, expires_on__gte=day
            ).exists(), (user, plan.training, day)
    assert female_only  # the demo shows a plan for female staff only
    # The staff record the care log checks says the same: every adult is recorded as the
    # demo made them, so nobody logging the demo's care is asked to confirm it.
    recorded = dict(
        CareGender.objects.filter(school=built.school).values_list("user__full_name", "gender")
    )
    # Not the therapist, nor the data protection officer (issue 12): neither gives care.
    staff = User.objects.filter(staff_roles__school=built.school).exclude(
        staff_roles__role__in=["therapist", "dpo"]
    )
    assert recorded == {
        u.full_name: "female" if u.full_name.split()[0] in words.WOMEN else "male" for u in staff
    }
    assert not events.filter(gender_confirmed=True).exists()


def test_one_to_one_adults_and_promises(built):
    deployed = Counter(
        Deployment.objects.standing()
        .filter(school=built.school, kind="one_to_one", end__isnull=True)
        .values_list("staff_id", flat=True)
    )
    assert deployed and max(deployed.values()) == 1  # no adult 1:1 with two pupils
    with_adult = set(
        Deployment.objects.standing()
        .filter(school=built.school, kind="one_to_one")
        .values_list("pupil_id", flat=True)
    )
    promises = Provision.objects.adult_hours().filter(pupil__school=built.school, end__isnull=True)
    assert promises.exists()
    gaps = [p for p in promises if p.pupil_id not in with_adult]
    assert len(gaps) <= 1
    assert all(p.staffing_notes == GAP_NOTE for p in gaps)
    assert not promises.filter(pupil_id__in=with_adult, staffing_notes=GAP_NOTE).exists()


def test_no_adult_has_sessions_with_two_pupils_at_once(built):
    pupils = defaultdict(set)
    for session_id, pupil_id in SessionPupil.objects.filter(
        session__school=built.school
    ).values_list("session_id", "pupil_id"):
        pupils[session_id].add(pupil_id)
    by_adult_day = defaultdict(list)
    for pk, staff, day, start, minutes in Session.objects.filter(school=built.school).values_list(
        "pk", "delivered_by_id", "date", "start_time", "minutes"
    ):
        begins = start.hour * 60 + start.minute
        by_adult_day[staff, day].append((begins, begins + minutes, pupils[pk]))
        assert begins + minutes <= 15 * 60 + 30  # within the school day
        assert begins >= 13 * 60 or begins + minutes <= 12 * 60 + 15  # not across lunch
    clashes = 0
    for sessions in by_adult_day.values():
        sessions.sort(key=lambda s: s[0])
        for i, (_, end, who) in enumerate(sessions):
            for begins, _, others in sessions[i + 1 :]:
                if begins >= end:
                    break
                # The same pupil's programme inside their in-class 1:1 hours is fine.
                clashes += not (len(who) == 1 and who == others)
    assert clashes == 0


def test_the_parent_login_is_among_the_childs_contacts(built):
    link = ParentLink.objects.select_related("user", "pupil").get(
        pupil__school=built.school, user__email="parent@oakfield.example"
    )
    contact = Contact.objects.get(pupil=link.pupil, email=link.user.email)
    assert contact.name == link.user.full_name
    assert contact.relationship == link.relationship


def test_adults_have_adults_names_and_staff_not_pupils_surnames(built):
    pupils = Pupil.objects.filter(school=built.school)
    surnames = set(pupils.values_list("legal_last_name", flat=True))
    staff = User.objects.filter(staff_roles__school=built.school).distinct()
    adults = list(staff.values_list("full_name", flat=True))
    adults += list(Contact.objects.filter(pupil__in=pupils).values_list("name", flat=True))
    adults += list(
        ParentLink.objects.filter(pupil__in=pupils).values_list("user__full_name", flat=True)
    )
    for name in adults:
        assert name.split()[0] in words.WOMEN + words.MEN, name
    for name in staff.values_list("full_name", flat=True):
        assert name.split()[-1] not in surnames, name
    assert not set(words.WOMEN + words.MEN) & set(words.BOYS + words.GIRLS)
    assert not set(words.STAFF_SURNAMES) & set(words.SURNAMES)


def test_the_generators_calendar_is_the_schools():
    days = SchoolDays()
    terms, closures = academic_year(2026)
    assert days.is_school_day(dt.date(2026, 11, 18))
    assert not days.is_school_day(dt.date(2026, 11, 21))  # Saturday
    assert not days.is_school_day(dt.date(2026, 12, 25))
    assert not days.is_school_day(terms[0][1])  # the autumn term opens with training days
    assert days.on_or_before(dt.date(2026, 12, 25)) == terms[0][2]
    assert days.on_or_after(dt.date(2026, 12, 25)) > terms[1][1]
    assert last_school_day(dt.date(2027, 8, 10)) == dt.date(2027, 7, 22)
    assert len(closures) >= 7


def test_the_gaps_left_on_purpose_are_named_in_the_logins_notes(built):
    with time_machine.travel(dt.datetime.combine(built.today, dt.time(16), LONDON), tick=False):
        notes = demo_notes(built.school)
    overdue = Plan.objects.active().get(pupil__school=built.school, review_date__lt=built.today)
    gap = Provision.objects.get(pupil__school=built.school, staffing_notes=GAP_NOTE)
    assert any(
        n.startswith(f"Reviews: {overdue.pupil.name}'s annual review") and "overdue" in n
        for n in notes
    )
    assert any(n.startswith(f"Staffing: {gap.pupil.name} is promised") for n in notes)


def test_every_session_note_says_when_it_fits():
    assert set(words.SESSION_NOTES + words.FLAG_NOTES) == set(words.NOTE_RULES)
    upset = "Upset after lunch; please check in with them this afternoon."
    assert words.note_fits(upset, "present", 2, dt.time(13, 20))
    assert not words.note_fits(upset, "present", 2, dt.time(10, 50))
    refused = "Refused to start; something seemed to be worrying them."
    assert words.note_fits(refused, "refused", 1, dt.time(9, 10))
    assert not words.note_fits(refused, "present", 1, dt.time(9, 10))
    assert not words.note_fits("Settled quickly and worked well.", "refused", 1, dt.time(9, 10))
    assert not words.note_fits("Settled quickly and worked well.", "absent", None, dt.time(9))


def test_the_hoist_falls_due_on_a_weekday_in_a_week_or_two(built, calendar):
    hoist = Equipment.objects.get(school=built.school, name__startswith="Ceiling hoist")
    assert 5 <= (hoist.next_inspection - built.today).days <= 14
    assert hoist.next_inspection.weekday() < 5
    assert calendar.is_school_day(hoist.last_inspected)


def test_medicines_exist_before_their_first_dose(built):
    """The MAR shows a slot before a medicine was written as 'not prescribed': a medicine
    written at seeding time would hide the demo's missed doses behind that."""
    medicines = Medicine.objects.filter(pupil__school=built.school)
    assert medicines.exists()
    for medicine in medicines:
        first = medicine.administrations.order_by("given_at").first()
        if first is not None:
            assert medicine.created <= first.given_at, medicine.name
            assert medicine.healthcare_plan.created <= first.given_at


def test_a_flag_says_what_the_teacher_should_look_at(built):
    flagged = SessionPupil.objects.filter(session__school=built.school, flag_for_teacher=True)
    assert flagged.exists()
    assert not flagged.filter(flag_note="").exists()
    assert not (
        SessionPupil.objects.filter(session__school=built.school, flag_for_teacher=False)
        .exclude(flag_note="")
        .exists()
    )
    for note, look_at in flagged.values_list("note", "flag_note").distinct():
        assert look_at == words.FLAG_LOOK_AT[note], (note, look_at)


# A note about a subject belongs on a provision for it: no reading on Talk Boost.
SUBJECT_NOTES = {
    re.compile(r"\bpage\b|\bbook|phonics", re.I): re.compile(r"read|phonics|precision", re.I),
    re.compile(r"\bnumber|\bsums?\b|\bcount", re.I): re.compile(r"number|numicon|precision", re.I),
}


def test_session_notes_fit_the_provisions_area(built):
    rows = SessionPupil.objects.filter(session__school=built.school)
    texts = set(rows.exclude(note="").values_list("note", "provision__title"))
    texts |= set(rows.exclude(adaptations="").values_list("adaptations", "provision__title"))
    assert texts
    for note, title in texts:
        for about, fits in SUBJECT_NOTES.items():
            if about.search(note):
                assert fits.search(title), (note, title)


# When a concern's words say something happened or was passed on.
TEXT_TIMES = {
    "before registration": (dt.time(7, 30), dt.time(8, 55)),
    "at lunchtime": (dt.time(12, 0), dt.time(13, 15)),
    "after the last lesson": (dt.time(15, 0), dt.time(17, 0)),
    "after school": (dt.time(15, 15), dt.time(18, 0)),
    "breakfast club": (dt.time(7, 30), dt.time(8, 55)),
}


def test_concern_texts_agree_with_their_times(built):
    concerns = Concern.objects.filter(pupil__school=built.school)
    checked = 0
    for c in concerns:
        seen = timezone.localtime(c.occurred_at).time()
        told = timezone.localtime(c.reported_at).time()
        assert seen <= told
        for phrase, (low, high) in TEXT_TIMES.items():
            if phrase in c.action_taken.lower():
                assert low <= told <= high, (phrase, told)
                checked += 1
            if phrase in (c.concern + " " + c.location).lower():
                assert low <= seen <= high, (phrase, seen)
                checked += 1
    assert checked >= 2


def test_sessions_rate_only_the_provisions_own_targets(built):
    links = set(
        Provision.targets.through.objects.filter(provision__pupil__school=built.school).values_list(
            "provision_id", "target_id"
        )
    )
    ratings = TargetRating.objects.filter(session_pupil__pupil__school=built.school)
    rated = set(
        ratings.values_list(
            "session_pupil__provision_id",
            "target_id",
            "session_pupil__provision__title",
            "target__text",
        )
    )
    assert rated
    for provision, target, title, text in rated:
        assert (provision, target) in links
        assert words.target_fits(text, title), (title, text)
    # Nor is a target linked to a provision it does not fit.
    for title, text in Provision.targets.through.objects.filter(
        provision__pupil__school=built.school
    ).values_list("provision__title", "target__text"):
        assert words.target_fits(text, title), (title, text)


def test_no_number_bonds_in_phonics():
    assert not words.target_fits("Recalls number bonds to 10", "Phonics catch-up")
    assert words.target_fits("Recalls number bonds to 10", "Number sense group")
    assert words.target_fits("Blends CVC words to read them", "Phonics catch-up")
    assert not words.target_fits("Blends CVC words to read them", "Talk Boost group")
    assert words.target_fits("Recalls number bonds to 10", "Precision teaching")


def test_a_day_away_is_the_whole_day(built):
    """A pupil absent or on a trip is not in another session that day; an adult absent
    delivers nothing that day."""
    rows = SessionPupil.objects.filter(session__school=built.school).values_list(
        "pupil_id", "date", "session__delivered", "session__missed_reason", "attendance"
    )
    away, there = defaultdict(set), set()
    for pupil, day, delivered, reason, attendance in rows:
        if not delivered and reason in ("pupil_absent", "trip"):
            away[pupil, day].add(reason)
        if delivered and attendance in ("present", "partial", "refused"):
            there.add((pupil, day))
    assert away
    assert not [key for key in away if key in there]
    assert all(len(reasons) == 1 for reasons in away.values())
    sessions = Session.objects.filter(school=built.school).values_list(
        "delivered_by_id", "date", "delivered", "missed_reason"
    )
    absent = {(s, d) for s, d, done, why in sessions if not done and why == "staff_absent"}
    working = {(s, d) for s, d, done, _ in sessions if done}
    assert absent
    assert not absent & working
    assert not words.text_fits_provision("Used cubes instead of the number line.", "Talk Boost 1:1")
    assert words.text_fits_provision("Used cubes instead of the number line.", "Numicon 1:1")
    assert words.text_fits_provision("Read the instructions aloud.", "Lego therapy")


def test_notifications_and_meetings_fall_on_school_days_before_now(built, calendar):
    """notif11b: every demo notification is dated on a school day, no later than the
    moment of seeding, and read after it was written; parent@'s meeting was held on a
    school day before today (issue 11), whatever the day the demo is made on."""
    from sendesk.homeschool.models import Meeting
    from sendesk.notifications.models import Email, Notification

    now = dt.datetime.combine(built.today, dt.time(16), LONDON)  # when `built` was made
    rows = list(Notification.objects.filter(school=built.school))
    assert rows
    for n in rows:
        assert calendar.is_school_day(_day(n.created)) and n.created <= now, n.title
        assert n.read_at is None or n.created <= n.read_at <= now, n.title
    assert not Email.objects.filter(status__in=["queued", "sending"]).exists()
    for meeting in Meeting.objects.filter(school=built.school):
        assert calendar.is_school_day(meeting.held_on) and meeting.held_on < built.today
