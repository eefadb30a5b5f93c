"""Reads about plans and targets that the pupil page, the plan page and the SENCO overview
share."""

import datetime as dt
from collections import defaultdict

from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects

from sendesk.provision.models import MissedReason, Rating, TargetRating
from sendesk.provision.selectors import reconcile

from .models import Plan, Target

REVIEW_WINDOW_WEEKS = 4


def targets_with_latest_rating(qs):
    """Annotates each target with its latest rating and that rating's date, as two
    subqueries on the (target, -date) index: no extra query per target."""
    latest = TargetRating.objects.filter(target=OuterRef("pk")).order_by("-date", "-id")
    return qs.annotate(
        latest_rating=Subquery(latest.values("rating")[:1]),
        latest_rating_date=Subquery(latest.values("date")[:1]),
    )


def rating_label(value):
    return Rating(value).label if value in Rating.values else ""


def label_missed(figures):
    """Sets `missed_reasons` on each provision.selectors.Figures: (label, sessions) pairs,
    most missed first, for templates (which cannot look up a dict by a variable)."""
    for f in figures:
        f.missed_reasons = sorted(
            (
                (MissedReason(r).label if r in MissedReason.values else r, n)
                for r, n in f.missed.items()
            ),
            key=lambda pair: (-pair[1], pair[0]),
        )
    return figures


def group_targets(plan) -> None:
    """Sets `plan.sections`: each outcome with its targets, then the targets under no
    outcome. Uses the prefetched outcomes and targets; no query."""
    by_outcome = defaultdict(list)
    for target in plan.targets.all():
        target.latest_rating_label = rating_label(getattr(target, "latest_rating", None))
        by_outcome[target.outcome_id].append(target)
    plan.sections = [(o, by_outcome.pop(o.pk, [])) for o in plan.outcomes.all()]
    loose = [t for targets in by_outcome.values() for t in targets]
    if loose:
        plan.sections.append((None, loose))


def plan_with_detail(plan: Plan, day: dt.date):
    """The plan page: outcomes, targets with latest ratings, and the provisions that
    deliver it with promised vs delivered. A fixed number of queries."""
    prefetch_related_objects(
        [plan],
        "outcomes",
        Prefetch("targets", queryset=targets_with_latest_rating(Target.objects.all())),
    )
    group_targets(plan)
    provisions = list(
        plan.provisions.select_related("pupil")
        .prefetch_related("targets")
        .order_by("start", "title")
    )
    return label_missed(reconcile(provisions, day)) if provisions else []


def plans_due_for_review(school_id: int, day: dt.date, weeks: int = REVIEW_WINDOW_WEEKS):
    """Active plans whose review date is within `weeks` of `day`, or past: overdue first.
    Uses the (status, review_date) index."""
    return (
        Plan.objects.active()
        .filter(pupil__school_id=school_id, review_date__lte=day + dt.timedelta(weeks=weeks))
        .select_related("pupil", "pupil__year_group")
        .order_by("review_date", "pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )


def stale_targets(school_id: int, day: dt.date, weeks: int):
    """Open targets on active plans with no rating in the last `weeks` weeks, the longest
    without evidence first. A plan that began within those weeks has not had the time to
    gather any, so its targets are left out."""
    since = day - dt.timedelta(weeks=weeks)
    recent = TargetRating.objects.filter(target=OuterRef("pk"), date__gt=since)
    return (
        targets_with_latest_rating(
            Target.objects.filter(
                plan__status=Plan.Status.ACTIVE,
                plan__pupil__school_id=school_id,
                status=Target.Status.OPEN,
            )
            .filter(Q(plan__start_date__isnull=True) | Q(plan__start_date__lte=since))
            .filter(~Exists(recent))
        )
        .select_related("plan", "plan__pupil", "plan__pupil__year_group")
        .order_by(
            F("latest_rating_date").asc(nulls_first=True),
            "plan__pupil__legal_last_name",
            "plan__pupil__legal_first_name",
            "order",
            "pk",
        )
    )
