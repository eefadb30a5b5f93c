"""`make bench`: server time and SQL queries of the pages that must stay fast as a school's
records grow. A benchmark to read, not a timed test.

Builds (once; cached in var/bench/bench.sqlite3, or in DATABASE_URL's database if set):
- a large trust: 2 schools of 1,000 synthetic pupils with 3 years of session history and
  of behaviour records (a few incidents and observations per pupil on the SEN register per
  term), and one pupil with 10,000 timeline entries; each school has the demo's medication,
  care, equipment and therapy records (a term of doses for one pupil, four weeks of care
  events for another: sendesk/demo/care.py), not more in proportion to its size;
- a small one: 200 pupils, 4 weeks of history, a pupil with 100 entries.
Photos the bench stores go under var/bench/evidence (never a developer's var/evidence).
Both have the generator's staff records and single central record; their first school also
gets what the demo adds after the generator (issue 9): the school day and duty posts, ta1's
appraisal, next week's trip and this week's plan, made and published by the planner
(within PLAN_TIME_LIMIT seconds); and issue 10's (add_review_records): the demo's evidence,
assessments, exams and annual review, plus reviews and measured interventions in
proportion to the school's plans and provision.
Then measures, in-process with the Django test client (real middleware and templates),
p50/p95 server time and the SQL query count of each request, at both sizes: the query
counts should be equal, whatever the data.

The benchmark's "today" is fixed (Wednesday 18 November 2026, 10:00 London; time moves on
from there) so the cached database stays valid and My day always falls on a school day.

    .venv/bin/python bench/bench.py [-n 40] [--rebuild] [--only "My day" ...]
"""

import argparse
import datetime as dt
import gc
import os
import shutil
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_FILE = ROOT / "var" / "bench" / "bench.sqlite3"
# The bench's photos: its own folder, so a build never writes into a developer's evidence.
EVIDENCE_DIR = ROOT / "var" / "bench" / "evidence"
# Each run measures a copy of the cached data: the pages write access rows and the saves
# write sessions, which would otherwise pile up in the cache and move later runs' figures.
RUN_FILE = ROOT / "var" / "bench" / "run.sqlite3"
TODAY = dt.date(2026, 11, 18)
NOW = dt.datetime.combine(TODAY, dt.time(10, 0), ZoneInfo("Europe/London"))
# Part of the trust names: a changed generator builds afresh instead of reusing stale data.
# 2: behaviour, restraint, training and safeguarding records (issue 3).
# 3: medication, care, equipment and therapy records; therapist and parent logins (issue 4).
# 4: the demo's school-day, staffing and naming invariants (issue 7).
# 5: whole-day absences, flag notes, ratings and notes that fit their provision.
# 6: staff records and the single central record (issue 9, demo/staffing.py, made by the
#    generator), and the first school's school day, duty posts, ta1's appraisal, next
#    week's trip and this week's published plan (add_staffing_records).
# 7: issue 10's records on the first school (add_review_records): the demo's photo consent
#    and photos, measures, reading group with entry/exit scores, spelling tests, a term of
#    Engagement Model observations, exam arrangements and practice SATs, an annual review
#    with views; and, in proportion to the school, a review booked for each plan due within
#    six weeks, measured reading interventions, and a termly review held with decisions.
VERSION = 7
# The planner's limit for this week's plan on the bench school (the demo allows 60 s:
# demo/deployment.py). The solver stops once its plan is proven optimal or within 1 %
# (about 7 s for the large school's first school and 5 s for the small one on a busy
# machine); the limit is only there so a slower machine still gets that plan, not the
# page's 10 s one cut short, and the cached data does not differ from build to build.
PLAN_TIME_LIMIT = 60.0

SIZES = {
    "large": {
        "trust": f"Bench Trust v{VERSION}",
        "pupils": 1000,
        "schools": 2,
        "weeks": 156,
        "timeline": 10_000,
        "seed": 1,
    },
    "small": {
        "trust": f"Bench Small Trust v{VERSION}",
        "pupils": 200,
        "schools": 1,
        "weeks": 4,
        "timeline": 100,
        "seed": 2,
    },
}


def configure(rebuild: bool):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendesk.settings")
    os.environ["SENDESK_EVIDENCE_DIR"] = str(EVIDENCE_DIR)
    if rebuild:
        shutil.rmtree(EVIDENCE_DIR, ignore_errors=True)
    if not os.environ.get("DATABASE_URL"):
        DB_FILE.parent.mkdir(parents=True, exist_ok=True)
        if rebuild:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{DB_FILE}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{DB_FILE}"
    import django

    django.setup()


def build(size: str, spec: dict):
    """Make the size's trust unless it is already there; returns its first school."""
    from sendesk.demo.generator import generate, pad_timeline
    from sendesk.schools.models import School

    school = School.objects.filter(trust__name=spec["trust"]).order_by("pk").first()
    if school is None:
        started = time.perf_counter()
        print(
            f"Building the {size} data set ({spec['schools']} × {spec['pupils']:,} pupils, "
            f"{spec['weeks']} weeks of history)…",
            flush=True,
        )
        generated = generate(
            seed=spec["seed"],
            pupils=spec["pupils"],
            schools=spec["schools"],
            weeks_of_history=spec["weeks"],
            trust_name=spec["trust"],
            today=TODAY,
            school_names=[f"{spec['trust']} School {i + 1}" for i in range(spec["schools"])],
            domains=[f"{size}{VERSION}-{i + 1}.bench.example" for i in range(spec["schools"])],
            progress=lambda message: print("  " + message, flush=True),
        )
        school = generated.schools[0].school
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    add_staffing_records(size, school)
    add_review_records(size, school)
    subjects = pick_subjects(school)
    # Idempotent: tops the pupil's timeline up to the size's total.
    pad_timeline(
        subjects["pupil"],
        total=spec["timeline"],
        start=TODAY - dt.timedelta(weeks=spec["weeks"]),
        end=TODAY,
        actor=subjects["senco"],
        seed=spec["seed"],
    )
    return school, subjects


def _school_data(school):
    """The generator's SchoolData for a school already in the database, as the demo's
    issue 9 steps take it: staff by their login's local part (head, senco, hlta, ta1…)."""
    from sendesk.accounts.models import User
    from sendesk.demo.generator import SchoolData

    staff, roles = {}, {}
    for user in User.objects.filter(staff_roles__school=school).distinct().order_by("pk"):
        key = user.email.split("@")[0]
        staff[key] = user
        roles[key] = user.staff_roles.filter(school=school).values_list("role", flat=True)[0]
    return SchoolData(school=school, staff=staff, roles=roles, pupils=[],
                      history_start=TODAY, today=TODAY)  # fmt: skip


def add_staffing_records(size, school):
    """Issue 9's records that the demo makes after the generator (demo.oakfield.build_demo)
    and its pages need: the school day and duty posts, ta1's appraisal (with the HLTA as
    line manager), next week's trip, and this week's plan made and published by the
    planner's own services. Each step only when its records are missing, so the cached
    database gets them once (and a build stopped half-way is finished by the next run)."""
    from django.db import transaction

    from sendesk.appraisal.models import Appraisal
    from sendesk.demo.appraisal import make_appraisal_demo
    from sendesk.demo.deployment import make_school_day
    from sendesk.demo.visits import make_trip
    from sendesk.deployment import services
    from sendesk.deployment.models import Plan
    from sendesk.schools.models import Period
    from sendesk.visits.models import Trip

    data = _school_data(school)
    with transaction.atomic():
        if not Period.objects.filter(school=school).exists():
            make_school_day(school)
        if not Appraisal.objects.filter(school=school).exists():
            make_appraisal_demo(data)
        if not Trip.objects.filter(school=school).exists():
            make_trip(data)
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    published = Plan.objects.filter(school=school, week_start=monday, status=Plan.Status.PUBLISHED)
    if not published.exists():
        started = time.perf_counter()
        print(f"Planning the {size} school's week of {monday:%-d %B}…", flush=True)
        senco = data.staff["senco"]
        plan = services.plan_week(
            actor=senco, school_id=school.pk, week_start=monday, time_limit=PLAN_TIME_LIMIT
        )
        services.publish(actor=senco, plan=plan)
        print(
            f"  planned and published in {time.perf_counter() - started:.0f} s (solver "
            f"{plan.solve_seconds:.1f} s, {_proven(plan)}, "
            f"{plan.unmet.count()} unmet)",
            flush=True,
        )


def add_review_records(size, school):
    """Issue 10's records, as the demo makes them after the generator (demo.oakfield's
    make_evidence, make_assessment, make_exams, make_reviews: photo consent and photos on a
    few sessions, the measures, a reading group with entry and exit scores, spelling tests,
    a term of Engagement Model observations, a Year 6 pupil's arrangements and practice
    SATs with a TA allocated, an annual review with views); then what grows with the
    school, so that a list's cost per row shows: a review booked for every plan due within
    six weeks, the school's reading interventions measured, and a termly review held with
    decisions. Each step only when its records are missing, as add_staffing_records."""
    import dataclasses

    from django.db import transaction
    from django.db.models import Min

    from sendesk.demo.assessment import make_assessment
    from sendesk.demo.evidence import make_evidence
    from sendesk.demo.exams import make_exams
    from sendesk.demo.reviews import make_reviews
    from sendesk.evidence.models import Evidence
    from sendesk.exams.models import ExamSession
    from sendesk.provision.models import Measure, Session
    from sendesk.reviews.models import ReviewMeeting

    # The demo's steps read history from history_start: the bench's first session day.
    first = Session.objects.filter(school=school).aggregate(first=Min("date"))["first"]
    data = dataclasses.replace(_school_data(school), history_start=first or TODAY)
    senco = data.staff["senco"]
    with transaction.atomic():
        if not Evidence.objects.filter(school=school).exists():
            make_evidence(data)
        if not Measure.objects.filter(school=school).exists():
            make_assessment(data)
            _measure_reading_interventions(school, senco)
        if not ExamSession.objects.filter(school=school).exists():
            make_exams(data)
        if not ReviewMeeting.objects.filter(school=school).exists():
            make_reviews(data)
            _book_due_reviews(school, senco)
            _hold_a_termly_review(school, senco)
    print(f"  {size}: {_review_counts(school)}", flush=True)


def _review_counts(school) -> str:
    from sendesk.assessment.models import Assessment
    from sendesk.evidence.models import Evidence
    from sendesk.provision.models import Provision
    from sendesk.reviews.models import ReviewMeeting

    return (
        f"{ReviewMeeting.objects.filter(school=school).count()} reviews, "
        f"{Provision.objects.filter(pupil__school=school, measure__isnull=False).count()} "
        f"measured provisions, {Assessment.objects.filter(school=school).count()} scores, "
        f"{Evidence.objects.filter(school=school).count()} photos"
    )


READING_TITLES = ("Reading fluency group", "Phonics catch-up", "Daily reading 1:1")


def _measure_reading_interventions(school, senco):
    """The generator's reading interventions of the last year measured on the demo's
    standardised reading score, with an entry score at the start and an exit score for
    those that have ended: the school's impact page then lists as many pupils as the
    school has in them."""
    import random

    from django.db.models import Q

    from sendesk.assessment.models import Assessment
    from sendesk.provision.models import Measure, Provision

    measure = Measure.objects.get(school=school, name="Single word reading (standardised)")
    provisions = list(
        Provision.objects.filter(
            pupil__school=school, title__in=READING_TITLES, measure__isnull=True
        )
        .filter(Q(end__isnull=True) | Q(end__gte=TODAY - dt.timedelta(days=365)))
        .order_by("pk")
    )
    Provision.objects.filter(pk__in=[p.pk for p in provisions]).update(measure=measure)
    rng = random.Random(f"bench-reading:{school.pk}")
    at = dt.datetime.combine(TODAY, dt.time(9), dt.UTC)
    rows = []
    for p in provisions:
        entry = rng.randint(70, 84)
        scores = [("entry", entry, p.start)]
        if p.end and p.end < TODAY:
            scores.append(("exit", entry + rng.randint(-1, 12), p.end))
        rows += [
            Assessment(school=school, pupil_id=p.pupil_id, measure=measure, provision=p,
                       kind=kind, score=score, date=day, recorded_by=senco, recorded_at=at)
            for kind, score, day in scores
        ]  # fmt: skip
    Assessment.objects.bulk_create(rows, batch_size=500)


def _book_due_reviews(school, senco):
    """A review booked on its day for every plan in force whose review falls in the next
    six weeks (annual for an EHC plan, termly for the rest), as a SENCO books them; every
    other annual one with its invitations sent, so the list has steps done and overdue."""
    from sendesk.plans.models import Plan
    from sendesk.reviews.models import ReviewMeeting

    plans = (
        Plan.objects.active()
        .filter(pupil__school=school, review_date__gt=TODAY,
                review_date__lte=TODAY + dt.timedelta(weeks=6))
        .exclude(review_meetings__isnull=False)
        .order_by("review_date", "pk")
    )  # fmt: skip
    rows = []
    for n, plan in enumerate(plans):
        annual = plan.kind == Plan.Kind.EHCP
        rows.append(
            ReviewMeeting(
                school=school,
                pupil_id=plan.pupil_id,
                plan=plan,
                kind=ReviewMeeting.Kind.ANNUAL if annual else ReviewMeeting.Kind.TERMLY,
                date=plan.review_date,
                created_by=senco,
                invitations_sent_on=TODAY - dt.timedelta(days=7) if annual and n % 2 else None,
            )  # fmt: skip
        )
    ReviewMeeting.objects.bulk_create(rows)


def _hold_a_termly_review(school, senco):
    """A SEN support plan's termly review held yesterday through the reviews services, as
    the SENCO records it: who came, progress on each target, and decisions (one target
    achieved, one continued, a new one)."""
    from django.db.models import Count, Q

    from sendesk.demo.assessment import TITLE
    from sendesk.plans.models import Plan, Target
    from sendesk.reviews import services

    plans = (
        Plan.objects.active()
        .filter(pupil__school=school, kind=Plan.Kind.IEP)
        .annotate(
            open=Count("targets", filter=Q(targets__status=Target.Status.OPEN), distinct=True)
        )
        .filter(open__gte=2)
        .select_related("pupil")
        .order_by("pupil__upn")
    )
    # A pupil of the demo's reading group with no photos: the page then has the same
    # sections at both sizes (scores and spellings, no photos), so its query counts compare.
    plan = (
        plans.filter(pupil__provisions__title=TITLE).exclude(pupil__evidence__isnull=False).first()
        or plans.first()
    )
    if plan is None:
        return None
    day = TODAY - dt.timedelta(days=1)
    review = services.review_schedule(actor=senco, plan=plan, kind="termly", date=day)
    targets = list(plan.targets.filter(status=Target.Status.OPEN).order_by("order")[:2])
    name = plan.pupil.preferred_name or plan.pupil.legal_first_name
    review = services.review_record(
        actor=senco,
        review=review,
        data={
            "summary": f"{name} has made good progress this term.",
            "next_review_date": day + dt.timedelta(weeks=13),
            "attendees": [
                {"name": senco.full_name, "role": "SENCO", "attended": True},
                {"name": f"{name}'s parent", "role": "Parent", "attended": True},
            ],
            "progress": {str(t.pk): "Secure in class most days." for t in targets},
        },
    )
    services.review_decide(actor=senco, review=review, kind="achieved",
                           data={"target_id": str(targets[0].pk)})  # fmt: skip
    services.review_decide(actor=senco, review=review, kind="continued",
                           data={"target_id": str(targets[1].pk)})  # fmt: skip
    services.review_decide(
        actor=senco, review=review, kind="new",
        data={"text": f"{name} reads a short sentence aloud without help.",
              "target_date": day + dt.timedelta(weeks=13)},
    )  # fmt: skip
    return review


def _proven(plan) -> str:
    if plan.optimal:
        return "optimal"
    if plan.bound and plan.objective is not None:
        return f"within {(plan.bound - plan.objective) / abs(plan.bound):.2%} of optimal"
    return "not proven optimal"


def pick_subjects(school):
    """The people and records the requests are made about."""
    from django.db.models import Count

    from sendesk.accounts.models import User
    from sendesk.plans.models import Plan
    from sendesk.provision.models import Provision
    from sendesk.provision.selectors import my_day
    from sendesk.pupils.models import Deployment
    from sendesk.schools.models import Role

    senco = User.objects.get(staff_roles__school=school, staff_roles__role=Role.SENCO)
    assistants = User.objects.filter(
        staff_roles__school=school, staff_roles__role__in=[Role.TA, Role.HLTA]
    ).distinct()
    # My day for the assistant with the most provision due: several deployed pupils.
    busiest = max(sorted(assistants, key=lambda u: u.email), key=lambda u: len(my_day(u, TODAY)))
    # The pupil page is about the first 1:1 pupil (whose timeline is padded); saves go to
    # the second, so repeated runs leave the first one's timeline as built.
    # Standing deployments only: a published plan also writes a row a day for each adult
    # with each pupil (deployment.services._write_scope), and one of another day would
    # leave the recorder out of the pupil's scope today.
    ones = list(
        Deployment.objects.standing()
        .filter(school=school, kind=Deployment.Kind.ONE_TO_ONE, pupil__sen_status="E")
        .select_related("staff", "pupil")
        .order_by("staff__email", "pupil__upn")[:2]
    )
    saved = ones[-1]
    provision = (
        Provision.objects.current_on(TODAY)
        .filter(pupil=saved.pupil, days="12345", session_minutes__isnull=False)
        .prefetch_related("targets")
        .order_by("title")
        .first()
    )
    # The behaviour pages are about the pupil on an IBP with the most incidents.
    ibp = (
        Plan.objects.active()
        .filter(pupil__school=school, kind=Plan.Kind.IBP)
        .annotate(incidents=Count("pupil__incidents"))
        .select_related("pupil")
        .order_by("-incidents", "pupil__upn")
        .first()
    )
    # The medication and care pages are about the pupil with medicines and a term of doses
    # (one a school: see sendesk/demo/care.py).
    from sendesk.care.models import CarePlan
    from sendesk.medication.models import Medicine

    medicine = Medicine.objects.filter(pupil__school=school).order_by("pupil__upn").first()
    care = CarePlan.objects.filter(pupil__school=school).order_by("pupil__upn").first()
    # Medicines due is about the assistant who gives that pupil's medicines: the busiest
    # assistant has pupils with medicines at one size and none at the other, which measured
    # an empty list against a full one (4 queries against 9), not the school's size.
    giver = _deployed_to(assistants, medicine.pupil) if medicine else None
    # Care due likewise: the busiest assistant gives no care at one size (an empty list).
    carer = _deployed_to(assistants, care.pupil) if care else None
    return {
        **more_subjects(school),
        "senco": senco,
        "busiest": busiest,
        "giver": giver or busiest,
        "carer": carer or busiest,
        "pupil": ones[0].pupil,
        "recorder": saved.staff,
        "provision": provision,
        "behaviour_pupil": ibp.pupil if ibp else ones[0].pupil,
        "medicated_pupil": medicine.pupil if medicine else ones[0].pupil,
        "cared_pupil": care.pupil if care else ones[0].pupil,
    }


def _deployed_to(assistants, pupil):
    """The first of `assistants` (by e-mail) with a standing deployment to `pupil`."""
    from sendesk.pupils.models import Deployment

    deployed = Deployment.objects.standing().filter(pupil=pupil, start__lte=TODAY)
    return assistants.filter(pk__in=deployed.values("staff_id")).order_by("email").first()


def more_subjects(school):
    """The other people and one record of each kind the pages are about: the newest of
    each at the school, so the page shows a record with its full history around it."""
    from django.db.models import Count

    from sendesk.accounts.models import User
    from sendesk.behaviour.models import Incident, Observation, RestrictiveIntervention
    from sendesk.provision.models import Session
    from sendesk.safeguarding.models import Concern
    from sendesk.schools.models import Role

    def first(qs):
        return qs.order_by("-pk").first()

    teacher = (
        User.objects.filter(staff_roles__school=school, staff_roles__role=Role.TEACHER)
        .annotate(taught=Count("teaching_groups__pupils"))
        .order_by("-taught", "email")
        .first()
    )
    records = {
        "teacher": teacher,
        "dsl": User.objects.filter(staff_roles__school=school, staff_roles__role=Role.DSL).first(),
        "session": first(Session.objects.filter(school=school, delivered=True)),
        "incident": first(Incident.objects.filter(school=school)),
        "observation": first(Observation.objects.filter(school=school)),
        "intervention": first(RestrictiveIntervention.objects.filter(school=school)),
        "concern": first(Concern.objects.filter(school=school)),
    }
    records.update(_care_subjects(school))
    records.update(_staffing_subjects(school))
    records.update(_review_subjects(school))
    return records


def _review_subjects(school):
    """Issue 10's records the pages are about: the demo's annual review (with views), the
    termly review held with decisions, the newest photo, the demo's reading group (its
    first member's provision), the class given spelling tests, the Engagement Model pupil,
    the first practice SATs paper, the pupil with access arrangements and the first pupil
    with photo consent."""
    from django.db.models import Count

    from sendesk.assessment.models import Assessment, EngagementObservation
    from sendesk.consent.models import Consent
    from sendesk.demo.assessment import TITLE
    from sendesk.demo.exams import SERIES
    from sendesk.evidence.models import Evidence
    from sendesk.exams.models import Arrangement, ExamSession
    from sendesk.provision.models import Provision
    from sendesk.reviews.models import ReviewMeeting
    from sendesk.schools.models import TeachingGroup

    reviews = ReviewMeeting.objects.filter(school=school)
    spelling = Assessment.objects.filter(school=school, kind="routine").order_by("pk").first()
    engagement = EngagementObservation.objects.filter(school=school).order_by("pk").first()
    arrangement = Arrangement.objects.filter(pupil__school=school).order_by("pk").first()
    consent = Consent.objects.filter(school=school).order_by("pk").first()
    return {
        "annual_review": reviews.filter(kind="annual")
        .annotate(n=Count("views"))
        .filter(n__gt=0)
        .order_by("date", "pk")
        .first(),
        "held_review": reviews.filter(status="held").order_by("-date", "pk").first(),
        "evidence": Evidence.objects.filter(school=school).order_by("-recorded_at").first(),
        "reading_group": Provision.objects.filter(pupil__school=school, title=TITLE)
        .order_by("pk")
        .first(),
        "spelling": spelling,
        "spelling_group": TeachingGroup.objects.filter(school=school, pupils=spelling.pupil_id)
        .order_by("year_group__ordinal", "name")
        .first()
        if spelling
        else None,
        "engagement_pupil": engagement.pupil if engagement else None,
        "exam_session": ExamSession.objects.filter(school=school, series__startswith=SERIES)
        .order_by("date", "pk")
        .first(),
        "arranged_pupil": arrangement.pupil if arrangement else None,
        "consent_pupil": consent.pupil if consent else None,
    }


def _staffing_subjects(school):
    """Issue 9's people and records: the head (single central record), the HLTA (My
    team, the appraisal of ta1 they manage), this week's published plan, the trip, and the
    staff record of the first TA the HLTA manages."""
    from sendesk.accounts.models import User
    from sendesk.appraisal.models import Appraisal
    from sendesk.deployment.models import Plan
    from sendesk.schools.models import Role
    from sendesk.staff.models import StaffMember
    from sendesk.visits.models import Trip

    def one(role):
        return (
            User.objects.filter(staff_roles__school=school, staff_roles__role=role)
            .order_by("email")
            .first()
        )

    # The HLTA who manages ta1 (hlta@, whose team the demo gives ta1–ta4), not the first
    # by e-mail: hlta2@ sorts before hlta@ and manages nobody.
    appraisal = Appraisal.objects.filter(school=school).order_by("-pk").first()
    appraisee = StaffMember.objects.filter(
        school=school, user_id=appraisal.appraisee_id if appraisal else None
    ).first()
    hlta = appraisee.line_manager if appraisee and appraisee.line_manager else one(Role.HLTA)
    return {
        "head": one(Role.HEAD),
        "hlta": hlta,
        "published_plan": Plan.objects.filter(school=school, status=Plan.Status.PUBLISHED)
        .order_by("-week_start", "-pk")
        .first(),
        "trip": Trip.objects.filter(school=school).order_by("-pk").first(),
        "appraisal": appraisal,
        "member": StaffMember.objects.filter(school=school, line_manager=hlta)
        .order_by("user__email")
        .first(),
    }


def _care_subjects(school):
    from sendesk.accounts.models import User
    from sendesk.care.models import CareEvent, Equipment
    from sendesk.family.models import ParentLink
    from sendesk.medication.models import Administration
    from sendesk.schools.models import Role
    from sendesk.therapy.models import Referral

    def newest(model, **where):
        return model.objects.filter(**where).order_by("-pk").first()

    return {
        "therapist": User.objects.filter(
            staff_roles__school=school, staff_roles__role=Role.THERAPIST
        ).first(),
        "dose": newest(Administration, pupil__school=school),
        "care_event": newest(CareEvent, pupil__school=school),
        "equipment": newest(Equipment, school=school),
        "referral": newest(Referral, pupil__school=school),
        "parent_link": newest(ParentLink, pupil__school=school),
    }


class SqlTimer:
    """Counts the statements a request runs and the time spent in them, through the
    connection's execute wrapper (so the share of a request's time that is SQL is seen)."""

    def __init__(self):
        self.queries = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def measure(call, n):
    """(p50 ms, p95 ms, query counts, SQL share of the time, status) over n calls after
    three warm-ups."""
    from django.db import connection

    status = None
    try:
        for _ in range(3):
            status = call()
            if status is not None and status not in (200, 302):
                return None, None, [], None, status
    except Exception as error:  # a page still being written must not stop the run
        return None, None, [], None, f"{type(error).__name__}: {error}"
    times, queries, sql = [], [], 0.0
    for _ in range(n):
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        queries.append(timer.queries)
        sql += timer.seconds * 1000
    share = sql / sum(times) if times else None
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, queries, share, status


def _timeline_tail_cursor(pupil):
    """The cursor of the timeline's last page: keyset paging should cost there what it
    costs on page 1."""
    from sendesk.pupils.models import TimelineEntry
    from sendesk.pupils.selectors import PAGE_SIZE, _encode_cursor

    entries = TimelineEntry.objects.filter(pupil=pupil).order_by("-occurred_at", "-id")
    total = entries.count()
    if total <= PAGE_SIZE:
        return ""
    last = entries[max(0, total - PAGE_SIZE - 1)]
    return _encode_cursor(last.occurred_at, last.id)


def _pages(subjects):
    """(label, who, url) for every page type, as the person who uses it. A record the data
    set lacks leaves its row out."""
    s = subjects
    pupil, bp, mp, cp = (
        s["pupil"].pk,
        s["behaviour_pupil"].pk,
        s["medicated_pupil"].pk,
        s["cared_pupil"].pk,
    )
    link = s.get("parent_link")
    referral = s.get("referral")
    rows = [
        ("My day (TA)", "busiest", "/my-day/"),
        ("Medicines due (TA)", "giver", "/medication/"),
        ("Care due (TA)", "carer", "/care/"),
        ("Own training (TA)", "busiest", "/staff/me/training/"),
        ("Teacher feed", "teacher", "/feed/"),
        ("SENCO overview", "senco", "/overview/"),
        # Its lists, as the page asks for them (htmx) once it has loaded.
        ("SENCO overview: shortfalls part", "senco", "/overview/parts/shortfalls/"),
        ("SENCO overview: reviews part", "senco", "/overview/parts/reviews/"),
        ("SENCO overview: stale targets part", "senco", "/overview/parts/stale-targets/"),
        ("Shortfalls", "senco", "/overview/shortfalls/"),
        ("Plans due for review", "senco", "/overview/reviews/"),
        ("Targets with no evidence", "senco", "/overview/stale-targets/"),
        ("Pupil list", "senco", "/pupils/"),
        ("Pupil page", "senco", f"/pupils/{pupil}/"),
        (
            "Timeline, last page",
            "senco",
            f"/pupils/{pupil}/timeline/?cursor={_timeline_tail_cursor(s['pupil'])}",
        ),
        ("Who viewed a pupil", "senco", f"/pupils/{pupil}/access-log/"),
        ("Deployment", "senco", "/deployment/"),
        ("Behaviour analysis", "senco", f"/pupils/{bp}/behaviour/"),
        ("Behaviour print view", "senco", f"/pupils/{bp}/behaviour/print/"),
        ("Restraint log", "senco", "/restrictive-interventions/"),
        ("Today's care (SENCO)", "senco", "/care/today/"),
        ("Pupil medication", "senco", f"/pupils/{mp}/medication/"),
        ("MAR page", "senco", f"/pupils/{mp}/mar/"),
        ("Pupil care", "senco", f"/pupils/{cp}/care/"),
        ("Equipment", "senco", "/equipment/"),
        ("Training register", "senco", "/staff/training/"),
        ("Referrals", "senco", "/referrals/"),
        ("Safeguarding inbox (DSL)", "dsl", "/safeguarding/"),
        ("Chronology (DSL)", "dsl", f"/pupils/{pupil}/chronology/"),
        ("Therapist home", "therapist", "/therapy/"),
        # Issue 9: staff, line management and deployment.
        ("Deployment plans", "senco", "/deployment/plans/"),
        ("Adult's week timetable (TA)", "busiest", "/timetable/"),
        ("Pupil's week timetable", "senco", f"/pupils/{pupil}/timetable/"),
        ("School day set-up", "senco", "/deployment/school-day/"),
        ("Absence and cover", "senco", "/deployment/absence/"),
        ("My team (HLTA)", "hlta", "/team/"),
        ("Single central record (head)", "head", "/staff/scr/"),
        ("Single central record CSV (head)", "head", "/staff/scr.csv"),
        ("Staff list (head)", "head", "/staff/"),
        ("Trips", "senco", "/trips/"),
        ("Training needs (SENCO)", "senco", "/staff/training/needs/"),
        # Issue 10: the provision map (every provision line and pupil of the school).
        ("Provision map (SENCO)", "senco", "/provision-map/"),
        ("Provision map CSV (SENCO)", "senco", "/provision-map.csv"),
    ]
    records = [
        ("Session", "senco", "session", "/sessions/{}/"),
        ("Incident", "senco", "incident", "/incidents/{}/"),
        ("Observation", "senco", "observation", "/observations/{}/"),
        ("Restrictive intervention", "senco", "intervention", "/restrictive-interventions/{}/"),
        ("Dose", "senco", "dose", "/medication/doses/{}/"),
        ("Care event", "senco", "care_event", "/care/events/{}/"),
        ("Equipment item", "senco", "equipment", "/equipment/{}/"),
        ("Concern (DSL)", "dsl", "concern", "/safeguarding/concerns/{}/"),
        ("Published plan", "senco", "published_plan", "/deployment/plans/{}/"),
        ("Staff record (head)", "head", "member", "/staff/{}/"),
        ("Trip", "senco", "trip", "/trips/{}/"),
        ("Appraisal (line manager)", "hlta", "appraisal", "/appraisal/{}/"),
    ]
    rows += [(label, who, url.format(s[key].pk)) for label, who, key, url in records if s.get(key)]
    if referral is not None:
        rows.append(("Therapist's pupil", "therapist", f"/therapy/pupils/{referral.pupil_id}/"))
    if link is not None:
        s["parent"] = link.user
        rows += [
            ("Parent: home", "parent", "/family/"),
            ("Parent: child", "parent", f"/family/children/{link.pupil_id}/"),
            ("Parent: medication record", "parent", f"/family/children/{link.pupil_id}/mar/"),
        ]
    rows += _review_pages(s)
    return [(label, s.get(who), url) for label, who, url in rows if s.get(who) is not None]


def _review_pages(s):
    """Issue 10 (bench10): assess and review. The provision map is provmap10's row."""
    rows = [("Reviews list", "senco", "/reviews/"), ("Intervention impact (school)",
            "senco", "/interventions/"), ("Measures", "senco", "/measures/"),
            ("Exam timetable", "senco", "/exams/")]  # fmt: skip
    review, held = s.get("annual_review"), s.get("held_review")
    if review is not None:
        rows += [
            ("Review (annual, with sections)", "senco", f"/reviews/{review.pk}/"),
            ("Plan's reviews", "senco", f"/plans/{review.plan_id}/reviews/"),
        ]
        link = s.get("parent_link")
        if link is not None and link.pupil_id == review.pupil_id:
            url = f"/family/children/{link.pupil_id}/reviews/{review.pk}/"
            rows.append(("Parent: view for a review", "parent", url))
    if held is not None:
        rows.append(("Review (held, with decisions)", "senco", f"/reviews/{held.pk}/"))
    if s.get("evidence"):
        rows += [
            ("Pupil's evidence", "senco", f"/pupils/{s['evidence'].pupil_id}/evidence/"),
            ("Evidence item", "senco", f"/evidence/{s['evidence'].pk}/"),
        ]
    if s.get("reading_group"):
        rows.append(
            ("Intervention impact", "senco", f"/interventions/{s['reading_group'].pk}/impact/")
        )
    if s.get("spelling_group"):
        query = urlencode({"group": s["spelling_group"].pk, "measure": s["spelling"].measure_id})
        rows.append(("Routine tests (a class)", "senco", f"/routine-tests/?{query}"))
    if s.get("engagement_pupil"):
        rows.append(
            ("Engagement Model", "senco", f"/pupils/{s['engagement_pupil'].pk}/engagement/")
        )
    if s.get("exam_session"):
        exam = s["exam_session"].pk
        rows += [("Exam session", "senco", f"/exams/{exam}/"),
                 ("Exam room list", "senco", f"/exams/{exam}/room-list/")]  # fmt: skip
    if s.get("arranged_pupil"):
        url = f"/pupils/{s['arranged_pupil'].pk}/exam-arrangements/"
        rows.append(("Access arrangements", "senco", url))
    if s.get("consent_pupil"):
        rows.append(("Consent", "senco", f"/pupils/{s['consent_pupil'].pk}/consent/"))
    return rows


def _review_api(subjects):
    """Issue 10 (bench10): the API reads, as (label, path)."""
    rows = []
    if subjects.get("annual_review"):
        rows.append(("API: review", f"/api/v1/reviews/{subjects['annual_review'].pk}"))
    if subjects.get("reading_group"):
        rows.append(("API: intervention impact",
                     f"/api/v1/provision/{subjects['reading_group'].pk}/impact"))  # fmt: skip
    if subjects.get("engagement_pupil"):
        rows.append(("API: pupil engagement",
                     f"/api/v1/pupils/{subjects['engagement_pupil'].pk}/engagement"))  # fmt: skip
    return rows


def second_factor_done(client, user):
    """The bench measures pages, not the second step: for someone who must use a second
    factor, a device and a session marked verified, as django-otp's login marks it (else
    the gate would answer every page with a redirect, and the bench time that)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sendesk.signin import mfa

    if not mfa.second_factor_required(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def rows_for(subjects, n, only=()):
    from django.test import Client

    from sendesk.accounts.models import ApiToken
    from sendesk.provision.services import PupilRecord, session_record

    senco, busiest, pupil = subjects["senco"], subjects["busiest"], subjects["pupil"]
    token = ApiToken.issue(senco)

    def page(user, url, **headers):
        client = Client(raise_request_exception=False, **headers)
        if user is not None:
            client.force_login(user)
            second_factor_done(client, user)
        return lambda: client.get(url).status_code

    provision = subjects["provision"]
    targets = [t.pk for t in provision.targets.all()]

    def save():
        session_record(
            actor=subjects["recorder"],
            client_id=uuid.uuid4(),
            provision_id=provision.pk,
            date=TODAY,
            start_time=dt.time(9, 10),
            minutes=provision.session_minutes,
            delivered=True,
            pupils=[
                PupilRecord(
                    pupil_id=provision.pupil_id,
                    attendance="present",
                    response=4,
                    note="Bench run.",
                    target_progress=[(t, "developing") for t in targets],
                )
            ],
        )

    http = Client(raise_request_exception=False)
    http.force_login(subjects["recorder"])

    def save_over_http():
        # The TA's quick form on My day, as htmx sends it: a new client_id each time.
        data = {
            "client_id": str(uuid.uuid4()),
            "date": TODAY.isoformat(),
            "outcome": "delivered",
            "minutes": str(provision.session_minutes),
            "start_time": "09:10",
            "attendance": "present",
            "response": "4",
            "note": "Bench run.",
            **{f"rating_{t}": "developing" for t in targets},
        }
        # htmx posts a form url-encoded (hx-post without hx-encoding), not multipart: the
        # test client's default would measure a parser the real request never runs.
        return http.post(
            f"/sessions/record/{provision.pk}/",
            urlencode(data),
            content_type="application/x-www-form-urlencoded",
            HTTP_HX_REQUEST="true",
        ).status_code

    from sendesk.behaviour.models import Incident, Observation
    from sendesk.provision.selectors import my_day
    from sendesk.pupils.models import TimelineEntry

    behaviour_pupil = subjects["behaviour_pupil"]
    detail = (
        f"My day for {busiest.email.split('@')[0]} ({len(my_day(busiest, TODAY))} provisions due); "
        f"pupil page with {TimelineEntry.objects.filter(pupil=pupil).count():,} timeline entries; "
        f"behaviour of a pupil with {Incident.objects.filter(pupil=behaviour_pupil).count()} "
        f"incidents and {Observation.objects.filter(pupil=behaviour_pupil).count()} observations"
    )
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    checks = [
        (label, page(user, url, **({"HTTP_HX_REQUEST": "true"} if "/parts/" in url else {})))
        for label, user, url in _pages(subjects)
    ]
    checks += [
        ("API: shortfall list", page(None, "/api/v1/provision/shortfalls", **bearer)),
        ("API: pupil timeline", page(None, f"/api/v1/pupils/{pupil.pk}/timeline", **bearer)),
        (
            "API: pupil behaviour",
            page(None, f"/api/v1/pupils/{behaviour_pupil.pk}/behaviour", **bearer),
        ),
        (
            "API: parents not told",
            page(
                None, "/api/v1/restrictive-interventions?overdue_parent_notification=true", **bearer
            ),
        ),
        (
            "API: pupil medication",
            page(None, f"/api/v1/pupils/{subjects['medicated_pupil'].pk}/medication", **bearer),
        ),
        (
            "API: MAR, this month",
            page(
                None,
                f"/api/v1/pupils/{subjects['medicated_pupil'].pk}/mar?month={TODAY:%Y-%m}",
                **bearer,
            ),
        ),
        (
            "API: care plans",
            page(None, f"/api/v1/pupils/{subjects['cared_pupil'].pk}/care-plans", **bearer),
        ),
        *[(label, page(None, path, **bearer)) for label, path in _review_api(subjects)],
        ("Session save (service)", save),
        ("Session save (HTTP)", save_over_http),
    ]
    if only:
        checks = [
            (label, call) for label, call in checks if any(o.lower() in label.lower() for o in only)
        ]
    return [(label, *measure(call, n)) for label, call in checks], detail


def data_summary(school):
    from sendesk.behaviour.models import Incident, Observation
    from sendesk.provision.models import Session
    from sendesk.pupils.models import Pupil, TimelineEntry

    trust = school.trust
    return (
        f"{trust.schools.count()} school(s), {Pupil.objects.filter(school__trust=trust).count():,} "
        f"pupils, {Session.objects.filter(school__trust=trust).count():,} sessions, "
        f"{Incident.objects.filter(school__trust=trust).count():,} incidents, "
        f"{Observation.objects.filter(school__trust=trust).count():,} observations, "
        f"{TimelineEntry.objects.filter(pupil__school__trust=trust).count():,} timeline entries"
    )


# The aims (issue 7): every page at most 15 ms p50 on the large school, a save over HTTP
# at most 5 ms, and the same number of queries at both sizes.
PAGE_LIMIT_MS = 15.0
SAVE_LIMIT_MS = 5.0


def limit_for(label):
    return SAVE_LIMIT_MS if label.startswith("Session save") else PAGE_LIMIT_MS


def cell(p50, p95, queries, share, status):
    if p50 is None:
        return f"{'not available (' + str(status) + ')':33.33}"
    q = str(queries[0]) if min(queries) == max(queries) else f"{min(queries)}–{max(queries)}"
    return f"{p50:7.1f} {p95:7.1f} {q:>7} {share * 100:6.0f}%"


def verdict(label, large, small):
    """How far the large school's p50 is from the aim, and whether the cost is flat."""
    p50, _, queries, _, _ = large
    if p50 is None:
        return ""
    limit = limit_for(label)
    notes = [f"{p50 / limit * 100:4.0f}% of {limit:g} ms"]
    # The most common count at each size: a request that crosses a minute also writes the
    # session's last activity (signin/sessions.py notes it at most once a minute), so a
    # slow page's run has a request or two with those statements more, whatever the data.
    if small[0] is not None and statistics.mode(queries) != statistics.mode(small[2]):
        notes.append("queries grow")
    return ", ".join(notes)


def measure_on_a_copy(connection):
    """With SQLite, point the connection at a fresh copy of the cached file, so that what
    this run writes is gone with it. (With DATABASE_URL, the database is the caller's.)"""
    if connection.vendor != "sqlite" or Path(connection.settings_dict["NAME"]) != DB_FILE:
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{RUN_FILE}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(DB_FILE, RUN_FILE)
    connection.settings_dict["NAME"] = str(RUN_FILE)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=40, help="Measured requests per row (default 40).")
    parser.add_argument(
        "--rebuild", action="store_true", help="Delete the cached SQLite file first."
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="TEXT",
        help="Measure only the rows whose label contains TEXT (repeatable).",
    )
    args = parser.parse_args()
    configure(args.rebuild)

    import time_machine
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    with time_machine.travel(NOW, tick=True):
        results, summaries, details = {}, {}, {}
        built = {size: build(size, spec) for size, spec in SIZES.items()}
        measure_on_a_copy(connection)
        # As sendesk/wsgi.py does in a served process: what exists before the first
        # request is frozen out of the collector's generations.
        gc.collect()
        gc.freeze()
        for size, (school, subjects) in built.items():
            summaries[size] = data_summary(school)
            results[size], details[size] = rows_for(subjects, args.n, args.only)

    db = connection.settings_dict
    where = (
        db["NAME"]
        if db["ENGINE"].endswith("sqlite3")
        else f"{db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}"
    )
    print(f"\nSENDesk benchmark: {args.n} requests each, in-process, database {where}")
    for size in SIZES:
        print(f"  {size}: {summaries[size]}\n    {details[size]}")
    width = max(len(label) for label, *_ in results["large"]) + 2
    head = f"{'p50 ms':>7} {'p95 ms':>7} {'queries':>7} {'SQL':>7}"
    print(f"\n{'':{width}}{'large':^31}   {'small':^31}   large p50 against the aim")
    print(f"{'':{width}}{head}   {head}")
    over = []
    for (label, *large), (_, *small) in zip(results["large"], results["small"], strict=True):
        aim = verdict(label, large, small)
        print(f"{label:{width}}{cell(*large):31}   {cell(*small):31}   {aim}")
        if large[0] is not None and large[0] > limit_for(label):
            over.append(label)
    print(
        "\nServer time per request (p50/p95, ms), SQL statements per request and the share of\n"
        "the time spent in SQL. The query counts match at both sizes when a page's cost does\n"
        f"not grow with the data. Aim: pages ≤ {PAGE_LIMIT_MS:g} ms p50, a save ≤ "
        f"{SAVE_LIMIT_MS:g} ms, on the large school."
    )
    print(f"Over the aim: {', '.join(over)}" if over else "Every row is within the aim.")


if __name__ == "__main__":
    main()
