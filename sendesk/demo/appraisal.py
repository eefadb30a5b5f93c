"""Appraisal, CPD and training needs for a generated school (issue 9).

Seed data, written directly (not through the services, and without audit rows: the trail
records what people do), following the services' rules, every date a school day on or
before the last school day:
- hlta line-manages ta1–ta4 (the hr demo's contracts are kept when they are already there;
  a missing StaffMember row is made with a plain contract).
- ta1's appraisal for the cycle under way: this school year's, or last year's while this
  one is in its first six weeks (its end-of-year review is then still to come). Three
  objectives tied to the Teaching Assistant Standards, agreed and signed by both at the
  start, and a mid-year review with ta1's own review, the HLTA's judgements in three areas
  against the band descriptors, a summary and a CPD plan, signed by both; the end-of-year
  review is still to do.
- ta1's training gets providers and hours, two of them a certificate (a tiny synthetic
  PDF), and three CPD log entries.
- Required training: every TA safeguarding and positive handling; every HLTA those and
  first aid (set by the SENCO). ta2, the medicated pupil's key adult at lunchtimes, has no
  medication training (demo.care): the training needs page shows it.
- An induction for the newest TA, with the HLTA as mentor and the first items ticked."""

import datetime as dt
import hashlib
from decimal import Decimal

from django.utils import timezone

from sendesk.appraisal.models import (
    Appraisal,
    Certificate,
    CpdEntry,
    Induction,
    InductionItem,
    Judgement,
    Objective,
    RequiredTraining,
    Review,
)
from sendesk.appraisal.standards import INDUCTION_ITEMS
from sendesk.staff.models import StaffMember, Training

from .generator import SCHOOL_DAYS, academic_year_of

# A valid one-page PDF, written out so the demo needs no file on disk.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

OBJECTIVES = [
    (
        "Deliver Talk Boost to two small groups each week and track each child's progress "
        "against their targets",
        "Every group session recorded; most children move up a step "
        "on their language targets by the summer",
        "outcomes",
        "2.2, 3.4, 3.5",
    ),  # fmt: skip
    (
        "Complete Team Teach refresher and lead a staff briefing on de-escalation",
        "Certificate on file; briefing held before the spring half term",
        "development",
        "2.1, 4.3, 4.4",
    ),  # fmt: skip
    (
        "Build the home–school communication book for the 1:1 pupil with their family",
        "The family and the class teacher say it helps",
        "relationships",
        "1.2, 4.1, 4.2",
    ),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _school_day(day: dt.date, last_day: dt.date) -> dt.date:
    return SCHOOL_DAYS.on_or_before(min(day, last_day))


def _members(data, hlta, tas, start):
    """hlta manages ta1–ta4: the hr demo's rows when there, else plain ones."""
    school = data.school
    for user in [hlta, *tas]:
        post = StaffMember.Post.HLTA if user == hlta else StaffMember.Post.TA
        member, _ = StaffMember.objects.get_or_create(
            school=school, user=user,
            defaults={"post": post, "job_title": post.label, "hours_per_week": Decimal("31.67"),
                      "weeks_per_year": Decimal("39"), "term_time_only": True, "inset_days": 5,
                      "started_on": start},
        )  # fmt: skip
        if user != hlta and member.line_manager_id is None:
            member.line_manager = hlta
            member.save(update_fields=["line_manager"])


def _appraisal(data, ta1, hlta, last_day):
    today = data.today
    year = academic_year_of(today)
    # In the first six weeks of a school year the cycle under way is last year's.
    if today < dt.date(year, 10, 15):
        year -= 1
    start_day = SCHOOL_DAYS.on_or_after(dt.date(year, 9, 15))
    mid_day = _school_day(min(dt.date(year + 1, 2, 3), last_day - dt.timedelta(days=5)), last_day)
    if mid_day <= start_day:
        mid_day = last_day
    appraisal = Appraisal.objects.create(
        school=data.school, appraisee=ta1, year=year, started_by=hlta,
        started_at=_at(start_day, 9),
    )  # fmt: skip
    for n, (text, criteria, area, standards) in enumerate(OBJECTIVES):
        Objective.objects.create(
            appraisal=appraisal, text=text, success_criteria=criteria, area=area,
            standards=standards, added_by=hlta, added_at=_at(start_day, 15, n),
        )  # fmt: skip
    start = Review.objects.create(
        appraisal=appraisal, stage=Review.Stage.START, held_on=start_day,
        own_review="I'd like to grow my speech and language work and get my Team Teach "
        "refreshed; I find the afternoons with the 1:1 pupil the hardest part.",
        summary="Objectives agreed. A settled start to the year with a new 1:1 pupil.",
        cpd_plan="Team Teach refresher; Talk Boost training with the speech and language "
        "therapist; shadow the HLTA's phonics catch-up group.",
        appraisee_signed_at=_at(start_day, 15, 40), manager_signed_at=_at(start_day, 15, 45),
        manager_signed_by=hlta, updated_at=_at(start_day, 15, 45),
    )  # fmt: skip
    mid = Review.objects.create(
        appraisal=appraisal, stage=Review.Stage.MID, held_on=mid_day,
        own_review="Talk Boost groups run every week now. The communication book took "
        "longer than planned to get going, but mum writes in it most days.",
        summary="Strong progress on the Talk Boost objective, with careful records of each "
        "session. Keep the briefing on de-escalation on the plan for next term.",
        cpd_plan="Book the Team Teach refresher; observe the HLTA's de-escalation session.",
        appraisee_signed_at=_at(mid_day, 15, 30), manager_signed_at=_at(mid_day, 15, 35),
        manager_signed_by=hlta, updated_at=_at(mid_day, 15, 35),
    )  # fmt: skip
    Judgement.objects.bulk_create(
        [
            Judgement(review=mid, area="practice", band="band2",
                      comment="Sessions well planned and adapted to each child."),
            Judgement(review=mid, area="outcomes", band="band2",
                      comment="Most of the group are on track with their language targets."),
            Judgement(review=mid, area="relationships", band="band1",
                      comment="Good with the pupil and family; share more with colleagues."),
        ]
    )  # fmt: skip
    Review.objects.create(appraisal=appraisal, stage=Review.Stage.END, updated_at=start.updated_at)
    return appraisal


def _training(data, ta1, last_day):
    """Providers and hours on ta1's records, two certificates, and the CPD log."""
    providers = {
        Training.Kind.SAFEGUARDING: ("Oakfield Learning Trust", Decimal("2")),
        Training.Kind.POSITIVE_HANDLING: ("Team Teach", Decimal("12")),
        Training.Kind.MEDICATION: ("School nursing team", Decimal("3")),
        Training.Kind.FIRST_AID: ("St John Ambulance", Decimal("12")),
    }
    rows = list(Training.objects.filter(user=ta1))
    for row in rows:
        row.provider, row.hours = providers.get(row.kind, ("", None))
    Training.objects.bulk_update(rows, ["provider", "hours"])
    certified = [r for r in rows if r.kind in (Training.Kind.SAFEGUARDING,
                                                Training.Kind.POSITIVE_HANDLING)]  # fmt: skip
    Certificate.objects.bulk_create(
        Certificate(
            training=row, name=f"{row.kind.replace('_', '-')}-certificate.pdf",
            content_type="application/pdf", size=len(PDF),
            sha256=hashlib.sha256(PDF).hexdigest(), data=PDF, uploaded_by=ta1,
            uploaded_at=_at(_school_day(row.completed_on, last_day), 16),
        )
        for row in certified
    )  # fmt: skip
    entries = [
        (40, "Talk Boost training with the speech and language therapist", "3",
         "Learnt to keep the groups to four and to model rather than correct."),
        (25, "Observed the HLTA's phonics catch-up group", "1",
         "Picked up the sound mat routine; using it with my group since."),
        (9, "Read 'Making best use of teaching assistants' (EEF)", "1.5",
         "Talked with the class teacher about how I'm deployed in maths."),
    ]  # fmt: skip
    CpdEntry.objects.bulk_create(
        CpdEntry(
            school=data.school, user=ta1, what=what,
            done_on=_school_day(last_day - dt.timedelta(days=days), last_day),
            hours=Decimal(hours), reflection=reflection, recorded_by=ta1,
            recorded_at=_at(_school_day(last_day - dt.timedelta(days=days), last_day), 16),
        )
        for days, what, hours, reflection in entries
    )  # fmt: skip
    return len(entries)


def _required(data, senco, last_day):
    rules = [
        (StaffMember.Post.TA, Training.Kind.SAFEGUARDING),
        (StaffMember.Post.TA, Training.Kind.POSITIVE_HANDLING),
        (StaffMember.Post.HLTA, Training.Kind.SAFEGUARDING),
        (StaffMember.Post.HLTA, Training.Kind.POSITIVE_HANDLING),
        (StaffMember.Post.HLTA, Training.Kind.FIRST_AID),
    ]
    RequiredTraining.objects.bulk_create(
        RequiredTraining(school=data.school, post=post, kind=kind, set_by=senco,
                         set_at=_at(_school_day(dt.date(last_day.year, 9, 8) if
                                                last_day.month >= 9 else last_day, last_day), 8))
        for post, kind in rules
    )  # fmt: skip


def _induction(data, tas, mentor, last_day):
    """The newest TA: the latest started_on among the TA contracts, else the last TA."""
    newest = (
        StaffMember.objects.filter(school=data.school, post=StaffMember.Post.TA)
        .exclude(user=tas[0])
        .order_by("-started_on", "-user_id")
        .select_related("user")
        .first()
    )
    user = newest.user if newest else tas[-1]
    started = _school_day(last_day - dt.timedelta(days=16), last_day)
    if newest and newest.started_on and newest.started_on <= last_day:
        started = max(started, SCHOOL_DAYS.on_or_after(newest.started_on))
        started = min(started, last_day)
    induction = Induction.objects.create(
        school=data.school, user=user, mentor=mentor, started_on=started,
        created_by=data.staff["senco"], created_at=_at(started, 8, 30),
    )  # fmt: skip
    done = 4

    def ticked(n):
        return _school_day(started + dt.timedelta(days=n - 1), last_day) if n <= done else None

    InductionItem.objects.bulk_create(
        InductionItem(
            induction=induction, text=text, order=n,
            done_on=ticked(n),
            done_by=mentor if n <= done else None,
        )
        for n, text in enumerate(INDUCTION_ITEMS, start=1)
    )  # fmt: skip
    return induction


def make_appraisal_demo(data) -> dict:
    """Everything above for one generated school (generator.SchoolData). Runs after the hr
    demo's contracts when both are there (it keeps theirs)."""
    staff = data.staff
    last_day = SCHOOL_DAYS.on_or_before(data.today)
    hlta = staff["hlta"]
    tas = [staff[f"ta{i}"] for i in range(1, 9) if f"ta{i}" in staff]
    _members(data, hlta, tas[:4], dt.date(academic_year_of(last_day) - 2, 9, 1))
    appraisal = _appraisal(data, tas[0], hlta, last_day)
    cpd = _training(data, tas[0], last_day)
    _required(data, staff["senco"], last_day)
    induction = _induction(data, tas, hlta, last_day)
    return {"appraisals": 1, "cpd_entries": cpd, "inductions": 1,
            "appraisal_id": appraisal.pk, "induction_id": induction.pk}  # fmt: skip
