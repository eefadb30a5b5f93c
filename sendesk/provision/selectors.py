"""Reads shared by pages and the API: what is due, promised vs delivered, the feed."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    When,
    prefetch_related_objects,
)

from sendesk import access
from sendesk.lib.dates import active_on
from sendesk.plans.models import Plan, Target
from sendesk.pupils.models import Deployment, Strategy
from sendesk.schools.calendar import Calendar, term_around, week_start

from .models import FeedReceipt, MissedReason, Provision, Rating, SessionPupil, TargetRating


@dataclass
class Figures:
    """Promised and delivered minutes for one provision. 'Promised' counts school days up
    to and including the day asked about: a shortfall is what is owed by now."""

    provision: Provision
    promised_week: int = 0
    delivered_week: int = 0
    promised_term: int = 0
    delivered_term: int = 0
    missed: dict = field(default_factory=dict)  # reason -> sessions missed this term

    @property
    def shortfall_week(self):
        return max(self.promised_week - self.delivered_week, 0)

    @property
    def shortfall_term(self):
        return max(self.promised_term - self.delivered_term, 0)

    @property
    def delivered_pct(self):
        if not self.promised_term:
            return None
        return round(100 * self.delivered_term / self.promised_term)


def reconcile(provisions, day: dt.date) -> list[Figures]:
    """Figures for each provision (all of one school) as of `day`. Costs five queries
    whatever the number of provisions: term, calendar (2), and one aggregate each for
    delivered minutes and missed reasons."""
    provisions = list(provisions)
    if not provisions:
        return []
    school_id = provisions[0].pupil.school_id
    term = term_around(school_id, day)
    monday = week_start(day)
    term_start = min(term.start if term else monday, monday)
    calendar = Calendar.load(school_id, term_start, day)

    ids = [p.pk for p in provisions]
    delivered = {
        row["provision"]: row
        for row in SessionPupil.objects.filter(provision__in=ids, date__range=(term_start, day))
        .values("provision")
        .annotate(
            term=Sum("minutes"),
            week=Sum(
                Case(When(date__gte=monday, then="minutes"), default=0, output_field=IntegerField())
            ),
        )
    }
    missed = defaultdict(dict)
    # Counted per pupil record, like the minutes: in a group session each pupil's own
    # provision shows the sessions it missed.
    for row in (
        SessionPupil.objects.filter(
            provision__in=ids, session__delivered=False, date__range=(term_start, day)
        )
        .values("provision", "session__missed_reason")
        .annotate(n=Count("id"))
    ):
        missed[row["provision"]][row["session__missed_reason"]] = row["n"]

    figures = []
    for p in provisions:

        def promised(start, end, p=p):
            start = max(start, p.start)
            end = min(end, p.end) if p.end else end
            if end < start:
                return 0
            return round(calendar.count(p.days, start, end) * p.minutes_per_day)

        got = delivered.get(p.pk, {})
        figures.append(
            Figures(
                provision=p,
                promised_week=promised(monday, day),
                delivered_week=got.get("week") or 0,
                promised_term=promised(term_start, day),
                delivered_term=got.get("term") or 0,
                missed=missed.get(p.pk, {}),
            )
        )
    return figures


def shortfalls(school_id: int, day: dt.date, *, limit: int | None = None) -> list[Figures]:
    """The school-wide shortfall list, worst first (minutes short this term, then %)."""
    provisions = (
        Provision.objects.filter(pupil__school_id=school_id)
        .current_on(day)
        .select_related("pupil", "pupil__year_group")
    )
    figures = [f for f in reconcile(provisions, day) if f.shortfall_term > 0]
    figures.sort(key=lambda f: (-f.shortfall_term, f.delivered_pct or 0, f.provision.title))
    return figures[:limit] if limit else figures


def my_day(user, day: dt.date):
    """The provisions due on `day` for the pupils `user` is deployed to, with their
    targets, strategies and any session already recorded for them that day. A constant
    number of queries."""
    deployed = Deployment.objects.filter(active_on(day), staff=user)
    mine = access.visible_pupils(user, day).filter(
        Exists(deployed.filter(pupil=OuterRef("pk")))
        | Exists(deployed.filter(teaching_group__pupils=OuterRef("pk")))
    )
    active_targets = Target.objects.in_force()
    provisions = list(
        Provision.objects.due_on(day)
        .filter(pupil__in=mine)
        .select_related("pupil", "pupil__year_group")
        .prefetch_related(
            Prefetch("targets", queryset=active_targets),
            Prefetch("pupil__strategies", queryset=Strategy.objects.all()),
        )
        .order_by("pupil__legal_last_name", "title")
    )
    ratings = TargetRating.objects.select_related("target").order_by(
        "target__order", "target__text"
    )
    done = {
        sp.provision_id: sp
        for sp in SessionPupil.objects.filter(provision__in=[p.pk for p in provisions], date=day)
        .select_related("session", "session__recorded_by")
        .prefetch_related(Prefetch("ratings", queryset=ratings))
    }
    return [(p, done.get(p.pk)) for p in provisions]


def teacher_feed(user, *, days: int = 28, day: dt.date):
    """Session records for the pupils in the groups `user` teaches, flagged and unseen
    first. The scope is the access layer's; a teacher who is also SENCO sees only their
    own classes here (the SENCO has the overview)."""
    since = day - dt.timedelta(days=days)
    seen = FeedReceipt.objects.filter(session_pupil=OuterRef("pk"), user=user)
    return (
        access.scoped(user, SessionPupil.objects.all())
        .filter(pupil__teaching_groups__teachers=user, date__gte=since)
        .annotate(seen=Exists(seen))
        .select_related(
            "pupil", "session", "session__provision", "session__delivered_by", "provision"
        )
        .order_by("seen", "-flag_for_teacher", "-date", "-session__recorded_at")
        .distinct()
    )


# --- Progress and delivery as the plan and pupil pages show them --------------------------


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
