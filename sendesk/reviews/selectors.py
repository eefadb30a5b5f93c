"""Reads about reviews that pages, the API and the pack share: the period a review looks
back over, the statutory steps, the evidence sections every app declares, the views
gathered, and the list of reviews (with the steps overdue) a person may see."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.template.loader import render_to_string

from sendesk import access
from sendesk.lib.registry import hooks
from sendesk.plans.models import Plan, Target
from sendesk.provision.models import Provision

from . import prompts, statutory
from .models import ReviewMeeting, ReviewView

DUE_SOON = dt.timedelta(weeks=6)


def last_review_day(review: ReviewMeeting) -> dt.date | None:
    """The day of the pupil's previous review of the same kind that was held (or, for the
    first, the day the plan started): where the statutory 12 months and the period the
    evidence covers start. One query."""
    previous = (
        ReviewMeeting.objects.filter(
            pupil_id=review.pupil_id,
            kind=review.kind,
            status=ReviewMeeting.Status.HELD,
            date__lt=review.date,
        )  # fmt: skip
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    return previous or review.plan.start_date


def period(review: ReviewMeeting, today: dt.date) -> tuple[dt.date, dt.date]:
    """(since, until): from the last review (at most a year and a term back) to the
    meeting, or to today while the meeting is still ahead."""
    until = min(review.date, today)
    since = last_review_day(review) or until - dt.timedelta(days=365)
    since = max(since, until - dt.timedelta(days=365 + 120))
    return min(since, until), until


def steps(review: ReviewMeeting, today: dt.date) -> list[statutory.Step]:
    return statutory.steps(review, today, last_review_day(review))


@dataclass
class Section:
    key: str
    title: str
    order: int
    template: str
    context: dict = field(default_factory=dict)

    @property
    def html(self) -> str:
        # Each app's template with its own context, as the page and the pack include it.
        return render_to_string(self.template, self.context)


def sections(pupil, since: dt.date, until: dt.date, *, for_parent=False) -> list[Section]:
    """Every app's review sections (AppConfig.review_sections), those with something to
    show, in their order. Safeguarding declares none, and none may read it."""
    out = []
    for section in hooks("review_sections"):
        if found := section(pupil, since, until, for_parent=for_parent):
            out.append(Section(**found))
    return sorted(out, key=lambda s: (s.order, s.key))


def views_by_kind(review: ReviewMeeting) -> list[tuple[str, list]]:
    """[(kind label, [view with .said])] in the order a local authority reads them: the
    pupil, the parents, then the school and the agencies. One query."""
    views = list(review.views.select_related("written_by").order_by("written_at", "pk"))
    out = []
    for kind, label in ReviewView.Kind.choices:
        mine = [v for v in views if v.kind == kind]
        for v in mine:
            v.said = prompts.answered(kind, v.answers)
        out.append((kind, label, mine))
    return out


def plan_with_targets(review: ReviewMeeting):
    """The reviewed plan's outcomes, each with its targets (and the targets under none),
    with what the meeting said about each. Three queries."""
    plan = review.plan
    outcomes = list(plan.outcomes.all())
    targets = list(Target.objects.filter(plan=plan).select_related("outcome"))
    said = {p.target_id: p.text for p in review.progress.all()}
    for t in targets:
        t.review_progress = said.get(t.pk, "")
    groups = [(o, [t for t in targets if t.outcome_id == o.pk]) for o in outcomes]
    loose = [t for t in targets if t.outcome_id is None]
    if loose:
        groups.append((None, loose))
    return groups


def provisions_in_force(review: ReviewMeeting):
    return list(
        Provision.objects.filter(pupil_id=review.pupil_id, start__lte=review.date)
        .filter(Q(end__isnull=True) | Q(end__gte=review.date))
        .order_by("title")
    )


def decisions(review: ReviewMeeting):
    return list(
        review.decisions.select_related("target", "provision", "new_target", "new_provision")
    )


# --- The list of reviews ---------------------------------------------------------------


@dataclass
class Row:
    review: ReviewMeeting
    steps: list
    overdue: list

    @property
    def next_step(self):
        return next(
            (s for s in self.steps if s.state not in (statutory.DONE, statutory.LATE)), None
        )


def _last_days(reviews) -> dict:
    """{review pk: day of the previous held review of its kind, or its plan's start}. One
    query for all of them."""
    pupils = {r.pupil_id for r in reviews}
    held = {}
    for pupil_id, kind, day in (
        ReviewMeeting.objects.filter(pupil_id__in=pupils, status=ReviewMeeting.Status.HELD)
        .order_by("date")
        .values_list("pupil_id", "kind", "date")
    ):
        held.setdefault((pupil_id, kind), []).append(day)
    out = {}
    for r in reviews:
        earlier = [d for d in held.get((r.pupil_id, r.kind), []) if d < r.date]
        out[r.pk] = earlier[-1] if earlier else r.plan.start_date
    return out


def review_rows(user, today: dt.date, *, pupil=None, plan=None) -> list[Row]:
    """The reviews `user` may see that are still open (planned, or held with a step left)
    or were held in the last term, with their steps: overdue ones first, then by date.
    Three queries whatever the number of reviews."""
    qs = access.scoped(user, ReviewMeeting.objects.exclude(status=ReviewMeeting.Status.CANCELLED))
    if pupil is not None:
        qs = qs.filter(pupil=pupil)
    if plan is not None:
        qs = qs.filter(plan=plan)
    else:
        qs = qs.filter(
            Q(status=ReviewMeeting.Status.PLANNED)
            | Q(kind=ReviewMeeting.Kind.ANNUAL, report_sent_on__isnull=True)
            | Q(date__gte=today - dt.timedelta(days=120))
        )
    reviews = list(qs.select_related("pupil", "pupil__year_group", "plan").order_by("date", "pk"))
    last = _last_days(reviews)
    rows = []
    for r in reviews:
        found = statutory.steps(r, today, last[r.pk])
        rows.append(Row(r, found, statutory.overdue(found)))
    rows.sort(key=lambda row: (not row.overdue, row.review.date))
    return rows


def plans_to_book(user, today: dt.date):
    """The EHC plans in force, at schools where `user` runs reviews, whose annual review
    falls within six weeks (12 months from the plan's start, or its review date if sooner)
    or is past, with no annual review booked since the plan started. Two queries."""
    schools = access.schools_where(user, "run_reviews")
    if not schools:
        return []
    booked = ReviewMeeting.objects.filter(
        plan_id__in=Plan.objects.active()
        .filter(kind=Plan.Kind.EHCP, pupil__school_id__in=schools)
        .values("pk"),
        kind=ReviewMeeting.Kind.ANNUAL,
    ).exclude(status=ReviewMeeting.Status.CANCELLED)
    booked_plans = set(booked.values_list("plan_id", flat=True))
    out = []
    plans = (
        Plan.objects.active()
        .filter(kind=Plan.Kind.EHCP, pupil__school_id__in=schools)
        .select_related("pupil", "pupil__year_group")
        .order_by("review_date", "pk")
    )
    for plan in plans:
        if plan.pk in booked_plans or plan.start_date is None:
            continue
        due = statutory.add_year(plan.start_date)
        if plan.review_date and plan.review_date < due:
            due = plan.review_date
        if due <= today + DUE_SOON:
            plan.annual_due = due
            plan.annual_overdue = due < today
            out.append(plan)
    return sorted(out, key=lambda p: (p.annual_due, str(p.pk)))
