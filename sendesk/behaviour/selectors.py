"""Reads about behaviour that the pages and the API share. Each aggregates in SQL, so a
page's number of queries does not grow with the pupil's records (tests guard this)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, Lower, Trim, TruncWeek
from django.utils import timezone

from sendesk.plans.models import Plan
from sendesk.schools.calendar import week_start
from sendesk.schools.models import Term

from .models import (
    BehaviourPlan,
    Effectiveness,
    Incident,
    InterventionStaff,
    Observation,
    ObservationEntry,
    ParentNotification,
    RestrictiveIntervention,
    StrategyUse,
)
from .services import agreed_strategies

PERIOD_WEEKS = (4, 12, 26, 52)
DEFAULT_WEEKS = 12
TOP = 8
TERMS_SHOWN = 6
RECENT = 10
WEEKDAYS = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}


def active_ibp(pupil):
    """The pupil's active IBP with its behaviour details (or None). One query."""
    return (
        Plan.objects.filter(pupil=pupil, kind=Plan.Kind.IBP, status=Plan.Status.ACTIVE)
        .select_related("behaviour")
        .first()
    )


def behaviour_details(plan):
    try:
        return plan.behaviour
    except BehaviourPlan.DoesNotExist:
        return None


# --- Which strategies work ---------------------------------------------------------------


@dataclass
class StrategyFigures:
    strategy_id: int
    text: str
    plan_title: str
    agreed: bool  # on the active IBP now
    uses: int = 0
    mean: float | None = None
    did_not_help: int = 0
    helped_a_little: int = 0
    worked_well: int = 0

    @property
    def mean_label(self):
        if self.mean is None:
            return "Not reported yet"
        return f"{self.mean:.1f} of 3"

    @property
    def verdict(self):
        if self.mean is None:
            return ""
        if self.mean >= 2.5:
            return "Works"
        if self.mean >= 1.75:
            return "Helps a little"
        return "Not helping"


def strategy_effectiveness(pupil) -> list[StrategyFigures]:
    """Per strategy ever reported for the pupil, and each agreed one not yet reported:
    how often it was used and how well it worked (mean of 1 didn't help … 3 worked well),
    best first. Two queries."""
    rows = (
        StrategyUse.objects.filter(pupil=pupil)
        .values("strategy_id", "strategy__text", "strategy__plan__title")
        .annotate(
            uses=Count("pk"),
            mean=Avg("effectiveness"),
            did_not_help=Count("pk", filter=Q(effectiveness=Effectiveness.DID_NOT_HELP)),
            helped_a_little=Count("pk", filter=Q(effectiveness=Effectiveness.HELPED_A_LITTLE)),
            worked_well=Count("pk", filter=Q(effectiveness=Effectiveness.WORKED_WELL)),
        )
        .order_by()
    )
    agreed = {s.pk: s for s in agreed_strategies(pupil)}
    out = {}
    for row in rows:
        sid = row["strategy_id"]
        out[sid] = StrategyFigures(
            strategy_id=sid,
            text=row["strategy__text"],
            plan_title=row["strategy__plan__title"],
            agreed=sid in agreed,
            uses=row["uses"],
            mean=float(row["mean"]) if row["mean"] is not None else None,
            did_not_help=row["did_not_help"],
            helped_a_little=row["helped_a_little"],
            worked_well=row["worked_well"],
        )
    for sid, strategy in agreed.items():
        if sid not in out:
            out[sid] = StrategyFigures(
                strategy_id=sid, text=strategy.text, plan_title="", agreed=True
            )
    return sorted(
        out.values(),
        key=lambda f: (f.mean is None, -(f.mean or 0), -f.uses, f.text.lower()),
    )


# --- Restrictive interventions: parents told? ----------------------------------------------


def with_notified(qs, now=None):
    """Annotates `notified` (parents told at least once) and `overdue` (not told and the
    deadline has passed). Two subqueries, no extra query."""
    now = now or timezone.now()
    notified = Exists(
        ParentNotification.objects.filter(intervention=OuterRef("pk"), retraction__isnull=True)
    )
    return qs.annotate(notified=notified).annotate(
        overdue=Case(
            When(Q(notified=False) & Q(notify_parent_by__lt=now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def interventions_overseen(school_ids, *, overdue_only=False, now=None):
    """The restrictive interventions of the schools a SENCO or head oversees, overdue
    parent notifications first, then newest first. Uses ri_notify_idx for the deadline."""
    qs = with_notified(
        RestrictiveIntervention.objects.filter(school_id__in=school_ids).select_related(
            "pupil", "pupil__year_group", "recorded_by"
        ),
        now,
    )
    if overdue_only:
        qs = qs.filter(overdue=True)
    return qs.order_by("-overdue", "-started_at", "-pk")


def intervention_detail(ri_qs):
    return ri_qs.select_related(
        "pupil", "pupil__year_group", "recorded_by", "incident"
    ).prefetch_related(
        Prefetch(
            "staff",
            queryset=InterventionStaff.objects.select_related("user").order_by("part", "id"),
        ),
        Prefetch(
            "notifications",
            queryset=ParentNotification.objects.select_related(
                "notified_by", "retraction", "retraction__by"
            ),
        ),
    )


# --- The analysis page ---------------------------------------------------------------------


@dataclass
class Breakdown:
    """Counts by category for up to three series, for a chart and its table."""

    labels: list[str]
    series: list[tuple[str, list[int]]]

    @property
    def empty(self):
        return not any(v for _, values in self.series for v in values)

    def rows(self):
        return [
            (label, [values[i] for _, values in self.series]) for i, label in enumerate(self.labels)
        ]


@dataclass
class Analysis:
    weeks: int
    since: dt.date
    totals: dict
    by_hour: Breakdown
    by_weekday: Breakdown
    by_lesson: Breakdown
    by_antecedent: Breakdown
    by_staff: Breakdown
    trend: Breakdown
    per_term: Breakdown
    strategies: list = field(default_factory=list)


def _counts(qs, key, value=None):
    """{key: count} (or the sum of `value`) in one grouped query."""
    agg = Sum(value) if value else Count("pk")
    return {row[key]: row["n"] or 0 for row in qs.values(key).annotate(n=agg).order_by()}


def _top(first: dict, second: dict, n=TOP):
    keys = sorted(
        set(first) | set(second), key=lambda k: (-first.get(k, 0), -second.get(k, 0), str(k))
    )
    return [k for k in keys if k not in ("", None)][:n]


def analysis(pupil, *, weeks=DEFAULT_WEEKS, today=None) -> Analysis:
    """Incidents and observations for `pupil` over the last `weeks` weeks by hour of day,
    weekday, lesson, antecedent and staff present; concerns against positives week by
    week; restrictive interventions per term; and which strategies work. About a dozen
    grouped queries, whatever the number of records."""
    today = today or timezone.localdate()
    first_week = week_start(today) - dt.timedelta(weeks=weeks - 1)
    since = timezone.make_aware(dt.datetime.combine(first_week, dt.time.min))

    incidents = Incident.objects.filter(pupil=pupil, occurred_at__gte=since)
    concerns = incidents.filter(kind=Incident.Kind.CONCERN)
    observations = Observation.objects.filter(pupil=pupil, started_at__gte=since)

    return Analysis(
        weeks=weeks,
        since=first_week,
        totals=_totals(pupil, since, incidents, observations),
        by_hour=_by_hour(concerns, observations),
        by_weekday=_by_weekday(concerns, observations),
        by_lesson=_by_lesson(concerns, observations),
        by_antecedent=_by_antecedent(pupil, since, concerns),
        by_staff=_by_staff(incidents),
        trend=_trend(incidents, first_week, weeks),
        per_term=_per_term(pupil, today),
        strategies=strategy_effectiveness(pupil),
    )


def _against(first_name, first, second_name, second, keys, labels=None):
    """Two series of counts over the same `keys`, zero where a series has none."""
    return Breakdown(
        labels=list(keys) if labels is None else labels,
        series=[
            (first_name, [first.get(k, 0) for k in keys]),
            (second_name, [second.get(k, 0) for k in keys]),
        ],
    )


def _capitalised(keys):
    return [k[:1].upper() + k[1:] for k in keys]


def _totals(pupil, since, incidents, observations) -> dict:
    totals = incidents.aggregate(
        concerns=Count("pk", filter=Q(kind=Incident.Kind.CONCERN)),
        positives=Count("pk", filter=Q(kind=Incident.Kind.POSITIVE)),
    )
    totals.update(
        observations.aggregate(observations=Count("pk"), observed_events=Sum("event_count"))
    )
    totals["observed_events"] = totals["observed_events"] or 0
    totals["interventions"] = RestrictiveIntervention.objects.filter(
        pupil=pupil, started_at__gte=since
    ).count()
    return totals


def _by_hour(concerns, observations) -> Breakdown:
    # Hour of day and weekday, in school time (the database converts with the current zone).
    c_hour = _counts(concerns.annotate(h=ExtractHour("occurred_at")), "h")
    o_hour = _counts(observations.annotate(h=ExtractHour("started_at")), "h", "event_count")
    hours = set(c_hour) | set(o_hour)
    lo, hi = min(hours | {8}), max(hours | {16})
    hour_keys = list(range(lo, hi + 1))
    return _against(
        "Concerns",
        c_hour,
        "Observed behaviours",
        o_hour,
        hour_keys,
        labels=[f"{h:02d}:00" for h in hour_keys],
    )


def _by_weekday(concerns, observations) -> Breakdown:
    c_day = _counts(concerns.annotate(d=ExtractIsoWeekDay("occurred_at")), "d")
    o_day = _counts(observations.annotate(d=ExtractIsoWeekDay("started_at")), "d", "event_count")
    day_keys = [d for d in WEEKDAYS if d <= 5 or c_day.get(d) or o_day.get(d)]
    return _against(
        "Concerns",
        c_day,
        "Observed behaviours",
        o_day,
        day_keys,
        labels=[WEEKDAYS[d] for d in day_keys],
    )


def _by_lesson(concerns, observations) -> Breakdown:
    # Free-text groupings are trimmed and lower-cased, so "Maths " and "maths" are one.
    c_lesson = _counts(concerns.annotate(k=Lower(Trim("lesson"))), "k")
    o_lesson = _counts(observations.annotate(k=Lower(Trim("lesson"))), "k", "event_count")
    lesson_keys = _top(c_lesson, o_lesson)
    return _against(
        "Concerns",
        c_lesson,
        "Observed behaviours",
        o_lesson,
        lesson_keys,
        labels=_capitalised(lesson_keys),
    )


def _by_antecedent(pupil, since, concerns) -> Breakdown:
    c_ante = _counts(concerns.annotate(k=Lower(Trim("antecedent"))), "k")
    abc = ObservationEntry.objects.filter(
        observation__pupil=pupil, observation__started_at__gte=since
    ).exclude(antecedent="")
    o_ante = _counts(abc.annotate(k=Lower(Trim("antecedent"))), "k")
    ante_keys = _top(c_ante, o_ante)
    return _against(
        "Concerns",
        c_ante,
        "ABC observation entries",
        o_ante,
        ante_keys,
        labels=_capitalised(ante_keys),
    )


def _by_staff(incidents) -> Breakdown:
    staff_rows = (
        incidents.filter(staff_present__isnull=False)
        .values("staff_present__full_name", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    s_concern, s_positive = {}, {}
    for row in staff_rows:
        target = s_positive if row["kind"] == Incident.Kind.POSITIVE else s_concern
        target[row["staff_present__full_name"]] = row["n"]
    staff_keys = _top(s_concern, s_positive)
    return _against("Concerns", s_concern, "Positive recognitions", s_positive, staff_keys)


def _trend(incidents, first_week, weeks) -> Breakdown:
    week_rows = (
        incidents.annotate(w=TruncWeek("occurred_at"))
        .values("w", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    w_concern, w_positive = {}, {}
    for row in week_rows:
        monday = _local_date(row["w"])
        target = w_positive if row["kind"] == Incident.Kind.POSITIVE else w_concern
        target[monday] = target.get(monday, 0) + row["n"]
    mondays = [first_week + dt.timedelta(weeks=i) for i in range(weeks)]
    return _against(
        "Concerns",
        w_concern,
        "Positive recognitions",
        w_positive,
        mondays,
        labels=[f"{m:%-d %b}" for m in mondays],
    )


def _per_term(pupil, today) -> Breakdown:
    recent_terms = Term.objects.filter(school_id=pupil.school_id, start__lte=today)
    terms = list(recent_terms.order_by("-start")[:TERMS_SHOWN])[::-1]
    per_term_counts = {}
    if terms:
        per_term_counts = RestrictiveIntervention.objects.filter(pupil=pupil).aggregate(
            **{
                f"t{t.pk}": Count("pk", filter=Q(started_at__date__range=(t.start, t.end)))
                for t in terms
            }
        )
    return Breakdown(
        labels=[t.name for t in terms],
        series=[("Restrictive interventions", [per_term_counts.get(f"t{t.pk}", 0) for t in terms])],
    )


def _local_date(value):
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def recent_records(pupil, n=RECENT):
    """The pupil's latest incidents, observations and restrictive interventions, for the
    link lists. Three queries."""
    return {
        "incidents": list(Incident.objects.filter(pupil=pupil).select_related("recorded_by")[:n]),
        "observations": list(
            Observation.objects.filter(pupil=pupil).select_related("observer")[:n]
        ),
        "interventions": list(
            with_notified(RestrictiveIntervention.objects.filter(pupil=pupil))[:n]
        ),
    }


def recent_sessions(pupil, n=5):
    """The pupil's latest delivered sessions, to say after each which strategies worked.
    One query."""
    from sendesk.provision.models import SessionPupil

    return list(
        SessionPupil.objects.filter(pupil=pupil, session__delivered=True)
        .select_related("session", "session__provision")
        .order_by("-date", "-session__start_time", "-pk")[:n]
    )


# --- The export for the review meeting -----------------------------------------------------


def export_rows(pupil, since: dt.date):
    """Everything the review meeting's CSV (and the API) holds, from `since`. Six queries."""
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    incidents = list(
        Incident.objects.filter(pupil=pupil, occurred_at__gte=start)
        .select_related("recorded_by")
        .prefetch_related("staff_present", "strategy_uses")
        .order_by("occurred_at", "pk")
    )
    observations = list(
        Observation.objects.filter(pupil=pupil, started_at__gte=start)
        .select_related("observer")
        .order_by("started_at", "pk")
    )
    interventions = list(
        with_notified(RestrictiveIntervention.objects.filter(pupil=pupil, started_at__gte=start))
        .prefetch_related(
            Prefetch("staff", queryset=InterventionStaff.objects.select_related("user"))
        )
        .order_by("started_at", "pk")
    )
    return incidents, observations, interventions
