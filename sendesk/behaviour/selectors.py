"""Reads about behaviour that the pages and the API share. Each aggregates in SQL, so a
page's number of queries does not grow with the pupil's records (tests guard this)."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.template.defaultfilters import floatformat
from django.utils import timezone

from sendesk.lib.paths import Paths
from sendesk.plans.models import Plan
from sendesk.schools.calendar import week_start
from sendesk.schools.models import Term

from .models import (
    BehaviourPlan,
    BehaviourStrategy,
    Effectiveness,
    Incident,
    InterventionStaff,
    NotificationRetraction,
    Observation,
    ObservationEntry,
    ObservationMethod,
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
# Stored value -> the words the pages show, as get_FOO_display() gives them.
INCIDENT_KINDS = dict(Incident.Kind.choices)
OBSERVATION_METHODS = dict(ObservationMethod.choices)
INTERVENTION_KINDS = dict(RestrictiveIntervention.Kind.choices)
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
    best first. Two queries; the figures' written in SQL (_strategy_rows): the ORM took
    longer to build that aggregate than the database took to answer it."""
    rows = _strategy_rows(pupil)
    agreed = {s.pk: s for s in agreed_strategies(pupil)}
    out = {}
    for sid, text, plan_title, uses, mean, did_not_help, helped_a_little, worked_well in rows:
        sid = _id(BehaviourStrategy, sid)
        out[sid] = StrategyFigures(
            strategy_id=sid,
            text=text,
            plan_title=plan_title,
            agreed=sid in agreed,
            uses=uses,
            mean=float(mean) if mean is not None else None,
            did_not_help=did_not_help,
            helped_a_little=helped_a_little,
            worked_well=worked_well,
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


def _strategy_rows(pupil) -> list[tuple]:
    """(strategy id, text, plan title, uses, mean, and the uses of each Effectiveness,
    worst first) of each strategy reported for `pupil`."""
    q = connection.ops.quote_name
    uses, strategies, plans = (q(m._meta.db_table) for m in (StrategyUse, BehaviourStrategy, Plan))
    sql = f"""
        SELECT u.strategy_id, s.text, p.title, COUNT(u.id), AVG(u.effectiveness),
            COUNT(CASE WHEN u.effectiveness = %s THEN 1 END),
            COUNT(CASE WHEN u.effectiveness = %s THEN 1 END),
            COUNT(CASE WHEN u.effectiveness = %s THEN 1 END)
        FROM {uses} u
        INNER JOIN {strategies} s ON s.id = u.strategy_id
        INNER JOIN {plans} p ON p.id = s.plan_id
        WHERE u.pupil_id = %s
        GROUP BY u.strategy_id, s.text, p.title
    """
    pupil_id = StrategyUse._meta.get_field("pupil").get_db_prep_value(pupil.pk, connection)
    levels = [
        Effectiveness.DID_NOT_HELP.value,
        Effectiveness.HELPED_A_LITTLE.value,
        Effectiveness.WORKED_WELL.value,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*levels, pupil_id])
        return cursor.fetchall()


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


# What a line of the SENCO's list shows (interventions_overseen(...).values(*RI_LINE)).
RI_LINE = (
    "pk", "pupil_id", "pupil__preferred_name", "pupil__legal_first_name",
    "pupil__legal_last_name", "pupil__year_group__name", "kind", "started_at",
    "duration_minutes", "notify_parent_by", "notified", "overdue", "school_id",
)  # fmt: skip


def ri_lines(rows) -> list[SimpleNamespace]:
    """The list's lines from RI_LINE values: link, names, kind and times in school time
    worked out once here, with no intervention, pupil or year group built (three models
    and three date filters a line were most of the page's time)."""
    paths = Paths()
    lines = []
    for r in rows:
        started = timezone.localtime(r["started_at"])
        told_by = timezone.localtime(r["notify_parent_by"])
        first = r["pupil__preferred_name"] or r["pupil__legal_first_name"]
        lines.append(
            SimpleNamespace(
                url=paths("intervention_detail", r["pk"]),
                # What record_access_many asks of each pupil shown: its id and school.
                pupil=SimpleNamespace(pk=r["pupil_id"], school_id=r["school_id"]),
                name=f"{first} {r['pupil__legal_last_name']}",
                year=r["pupil__year_group__name"],
                kind=INTERVENTION_KINDS.get(r["kind"], r["kind"]),
                minutes=r["duration_minutes"],
                day=f"{started.day} {started:%b}",
                when=f"{started:%a} {started.day} {started:%b %Y, %H:%M}",
                told_by=f"{told_by:%a} {told_by.day} {told_by:%b, %H:%M}",
                notified=r["notified"],
                overdue=r["overdue"],
            )
        )
    return lines


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


def _top(first: dict, second: dict, n=TOP):
    keys = sorted(
        set(first) | set(second), key=lambda k: (-first.get(k, 0), -second.get(k, 0), str(k))
    )
    return [k for k in keys if k not in ("", None)][:n]


def _grouping(text) -> str:
    # Free-text groupings are trimmed and lower-cased, so "Maths " and "maths" are one.
    return (text or "").strip(" ").lower()


@dataclass
class _Records:
    """The period's records as plain tuples, in school time: a pupil has at most a few
    hundred in a year, so counting them in Python costs less than a grouped query each."""

    concerns: list  # (local occurred_at, lesson, antecedent)
    kinds: Counter  # incident kind -> count
    weeks: dict  # kind -> Counter(monday)
    observations: list  # (local started_at, event_count, lesson)


def _records(pupil, since) -> _Records:
    """Incidents and observations since `since`. Two queries."""
    kinds, weeks, concerns = Counter(), {}, []
    for occurred_at, kind, lesson, antecedent in Incident.objects.filter(
        pupil=pupil, occurred_at__gte=since
    ).values_list("occurred_at", "kind", "lesson", "antecedent"):
        local = timezone.localtime(occurred_at)
        kinds[kind] += 1
        weeks.setdefault(kind, Counter())[week_start(local.date())] += 1
        if kind == Incident.Kind.CONCERN:
            concerns.append((local, lesson, antecedent))
    observations = [
        (timezone.localtime(started_at), events or 0, lesson)
        for started_at, events, lesson in Observation.objects.filter(
            pupil=pupil, started_at__gte=since
        ).values_list("started_at", "event_count", "lesson")
    ]
    return _Records(concerns=concerns, kinds=kinds, weeks=weeks, observations=observations)


def analysis(pupil, *, weeks=DEFAULT_WEEKS, today=None) -> Analysis:
    """Incidents and observations for `pupil` over the last `weeks` weeks by hour of day,
    weekday, lesson, antecedent and staff present; concerns against positives week by
    week; restrictive interventions per term; and which strategies work. Eight queries,
    whatever the number of records: the period's incidents, observations, ABC entries and
    staff present, the terms, one count of restrictive interventions, and the strategies
    (2); the counting is done in Python on plain tuples."""
    today = today or timezone.localdate()
    first_week = week_start(today) - dt.timedelta(weeks=weeks - 1)
    since = timezone.make_aware(dt.datetime.combine(first_week, dt.time.min))
    records = _records(pupil, since)
    per_term, interventions = _per_term(pupil, today, since)
    return Analysis(
        weeks=weeks,
        since=first_week,
        totals=_totals(records, interventions),
        by_hour=_by_hour(records),
        by_weekday=_by_weekday(records),
        by_lesson=_by_lesson(records),
        by_antecedent=_by_antecedent(pupil, since, records),
        by_staff=_by_staff(pupil, since),
        trend=_trend(records, first_week, weeks),
        per_term=per_term,
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


def _totals(records: _Records, interventions: int) -> dict:
    return {
        "concerns": records.kinds[Incident.Kind.CONCERN],
        "positives": records.kinds[Incident.Kind.POSITIVE],
        "observations": len(records.observations),
        "observed_events": sum(events for _, events, _ in records.observations),
        "interventions": interventions,
    }


def _observed(records: _Records, key) -> Counter:
    """Observed behaviours (event counts) by `key` of the local start time and lesson."""
    counts = Counter()
    for started_at, events, lesson in records.observations:
        counts[key(started_at, lesson)] += events
    return counts


def _by_hour(records: _Records) -> Breakdown:
    # Hour of day and weekday, in school time.
    c_hour = Counter(at.hour for at, _, _ in records.concerns)
    o_hour = _observed(records, lambda at, _: at.hour)
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


def _by_weekday(records: _Records) -> Breakdown:
    c_day = Counter(at.isoweekday() for at, _, _ in records.concerns)
    o_day = _observed(records, lambda at, _: at.isoweekday())
    day_keys = [d for d in WEEKDAYS if d <= 5 or c_day.get(d) or o_day.get(d)]
    return _against(
        "Concerns",
        c_day,
        "Observed behaviours",
        o_day,
        day_keys,
        labels=[WEEKDAYS[d] for d in day_keys],
    )


def _by_lesson(records: _Records) -> Breakdown:
    c_lesson = Counter(_grouping(lesson) for _, lesson, _ in records.concerns)
    o_lesson = _observed(records, lambda _, lesson: _grouping(lesson))
    lesson_keys = _top(c_lesson, o_lesson)
    return _against(
        "Concerns",
        c_lesson,
        "Observed behaviours",
        o_lesson,
        lesson_keys,
        labels=_capitalised(lesson_keys),
    )


def _by_antecedent(pupil, since, records: _Records) -> Breakdown:
    c_ante = Counter(_grouping(antecedent) for _, _, antecedent in records.concerns)
    o_ante = Counter(
        _grouping(antecedent)
        for antecedent in ObservationEntry.objects.filter(
            observation__pupil=pupil, observation__started_at__gte=since
        )
        .exclude(antecedent="")
        .values_list("antecedent", flat=True)
    )
    ante_keys = _top(c_ante, o_ante)
    return _against(
        "Concerns",
        c_ante,
        "ABC observation entries",
        o_ante,
        ante_keys,
        labels=_capitalised(ante_keys),
    )


def _by_staff(pupil, since) -> Breakdown:
    s_concern, s_positive = Counter(), Counter()
    for kind, name in Incident.staff_present.through.objects.filter(
        incident__pupil=pupil, incident__occurred_at__gte=since
    ).values_list("incident__kind", "user__full_name"):
        (s_positive if kind == Incident.Kind.POSITIVE else s_concern)[name] += 1
    staff_keys = _top(s_concern, s_positive)
    return _against("Concerns", s_concern, "Positive recognitions", s_positive, staff_keys)


def _trend(records: _Records, first_week, weeks) -> Breakdown:
    mondays = [first_week + dt.timedelta(weeks=i) for i in range(weeks)]
    return _against(
        "Concerns",
        records.weeks.get(Incident.Kind.CONCERN, {}),
        "Positive recognitions",
        records.weeks.get(Incident.Kind.POSITIVE, {}),
        mondays,
        labels=[f"{m:%-d %b}" for m in mondays],
    )


def _per_term(pupil, today, since) -> tuple[Breakdown, int]:
    """Restrictive interventions in each of the last few terms, and since `since`: the
    terms, then the pupil's interventions from the earliest of those as a list of times
    (they are rare), counted by local date in Python."""
    recent_terms = Term.objects.filter(school_id=pupil.school_id, start__lte=today)
    terms = list(recent_terms.order_by("-start")[:TERMS_SHOWN])[::-1]
    earliest = since
    if terms:
        first = timezone.make_aware(dt.datetime.combine(terms[0].start, dt.time.min))
        earliest = min(earliest, first)
    times = list(
        RestrictiveIntervention.objects.filter(pupil=pupil, started_at__gte=earliest).values_list(
            "started_at", flat=True
        )
    )
    days = [timezone.localdate(at) for at in times]
    breakdown = Breakdown(
        labels=[t.name for t in terms],
        series=[
            (
                "Restrictive interventions",
                [sum(1 for d in days if t.start <= d <= t.end) for t in terms],
            )
        ],
    )
    return breakdown, sum(1 for at in times if at >= since)


def _when(at) -> str:
    """A record's time as the link lists show it, in school time ('Wed 18 Nov 2026,
    10:00'): once in Python instead of a date filter per line."""
    local = timezone.localtime(at)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def _observation_detail(o) -> str:
    """What follows an observation's link: ' · 20 min · Maths · 4.5 an hour · 80% on
    task', as the page wrote it with floatformat."""
    minutes = round((o["ended_at"] - o["started_at"]).total_seconds() / 60)
    text = f"· {minutes} min"
    if o["lesson"]:
        text += f" · {o['lesson']}"
    if o["rate_per_hour"] is not None:
        text += f" · {floatformat(o['rate_per_hour'], 1)} an hour"
    if o["on_task_pct"] is not None:
        text += f" · {floatformat(o['on_task_pct'], 0)}% on task"
    return text


def recent_records(pupil, n=RECENT):
    """The pupil's latest incidents, observations and restrictive interventions, for the
    link lists: each line's link, words and time worked out here from the few columns it
    shows (no model built). Three queries, written in SQL (_recent_sql): the ORM took
    twenty times longer to build them (the interventions' notified/overdue subqueries
    most) than the database took to answer them, on every behaviour page."""
    paths = Paths()
    rows = _recent_rows(pupil, n)
    incidents = [
        SimpleNamespace(
            url=paths("incident_detail", _id(Incident, pk)),
            text=f"{INCIDENT_KINDS.get(kind, kind)}, {_when(_aware(at))}",
            location=location,
        )
        for pk, kind, at, location in rows["incidents"]
    ]
    observations = []
    for pk, method, started, ended, lesson, rate, on_task in rows["observations"]:
        o = {
            "started_at": _aware(started),
            "ended_at": _aware(ended),
            "lesson": lesson,
            "rate_per_hour": rate,
            "on_task_pct": on_task,
        }
        observations.append(
            SimpleNamespace(
                url=paths("observation_detail", _id(Observation, pk)),
                text=f"{OBSERVATION_METHODS.get(method, method)}, {_when(o['started_at'])}",
                detail=_observation_detail(o),
            )
        )
    now = timezone.now()
    interventions = []
    for pk, kind, started, notified, notify_by in rows["interventions"]:
        notified = bool(notified)
        # As with_notified: not told, and the deadline (if any) has passed.
        overdue = not notified and notify_by is not None and _aware(notify_by) < now
        interventions.append(
            SimpleNamespace(
                url=paths("intervention_detail", _id(RestrictiveIntervention, pk)),
                text=f"{INTERVENTION_KINDS.get(kind, kind)}, {_when(_aware(started))}",
                notified=notified,
                overdue=overdue,
            )
        )
    return {"incidents": incidents, "observations": observations, "interventions": interventions}


def _recent_rows(pupil, n) -> dict:
    """The rows recent_records shows, newest first (the models' own ordering), as tuples."""
    q = connection.ops.quote_name
    incident, observation, ri = (
        q(m._meta.db_table) for m in (Incident, Observation, RestrictiveIntervention)
    )
    notification = q(ParentNotification._meta.db_table)
    retraction = q(NotificationRetraction._meta.db_table)
    queries = {
        "incidents": f"SELECT id, kind, occurred_at, location FROM {incident} "
        "WHERE pupil_id = %s ORDER BY occurred_at DESC LIMIT %s",
        "observations": "SELECT id, method, started_at, ended_at, lesson, rate_per_hour, "
        f"on_task_pct FROM {observation} WHERE pupil_id = %s ORDER BY started_at DESC LIMIT %s",
        # notified: told at least once (a notification not retracted), as with_notified.
        "interventions": f"""SELECT r.id, r.kind, r.started_at, EXISTS (
                SELECT 1 FROM {notification} n WHERE n.intervention_id = r.id
                AND NOT EXISTS (SELECT 1 FROM {retraction} x WHERE x.notification_id = n.id)
            ), r.notify_parent_by
            FROM {ri} r WHERE r.pupil_id = %s ORDER BY r.started_at DESC LIMIT %s""",
    }
    pupil_id = Incident._meta.get_field("pupil").get_db_prep_value(pupil.pk, connection)
    rows = {}
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            cursor.execute(sql, [pupil_id, n])
            rows[name] = cursor.fetchall()
    return rows


def _aware(value) -> dt.datetime:
    """A datetime column read by SQL: text in UTC on SQLite, aware from PostgreSQL."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _id(model, value):
    """A primary key read by SQL as the ORM gives it (a UUID is hex text on SQLite)."""
    return model._meta.pk.to_python(value)


def recent_sessions(pupil, n=5):
    """The pupil's latest delivered sessions, to say after each which strategies worked:
    only what a link shows (values(), no model built), its day in words set once. One
    query."""
    from sendesk.provision.models import SessionPupil

    rows = (
        SessionPupil.objects.filter(pupil=pupil, session__delivered=True)
        .order_by("-date", "-session__start_time", "-pk")
        .values_list("session_id", "date", "session__provision__title")[:n]
    )
    return [
        # title None: an ad-hoc session, with no provision.
        SimpleNamespace(session_id=session_id, day=f"{day:%a} {day.day} {day:%b}", title=title)
        for session_id, day, title in rows
    ]


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
