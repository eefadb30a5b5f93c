"""Reads the assessment pages, the API and the review sections share: an intervention's
impact and dosage, the school's interventions, a pupil's scores and routine-test trends,
and their Engagement Model observations. Each costs a fixed number of queries, however
many pupils, sessions or scores there are."""

import datetime as dt
import decimal
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from sendesk import access
from sendesk.provision.models import Measure, Provision, Session, SessionPupil
from sendesk.schools.calendar import school_calendar

from . import dosage as eef
from .models import Assessment, EngagementArea, EngagementObservation
from .words import gain_text, score_text

# --- Intervention impact -------------------------------------------------------------------


def group_provisions(provision: Provision):
    """The provisions of the intervention `provision` belongs to: itself and the other
    pupils' provisions recorded in the same sessions (a group session is recorded once,
    under one member's provision, with each pupil's own provision on their record). A
    queryset: subqueries only, no query until read."""
    # Two subqueries, each read through an index (a session's provision; a record's
    # provision), rather than one OR across a join of sessions to their records, which
    # the database answers by scanning every session of every school (~85 ms at 70,000).
    led = Session.objects.filter(provision=provision).values("pk")
    joined = SessionPupil.objects.filter(provision=provision).values("session_id")
    members = SessionPupil.objects.filter(
        Q(session__in=led) | Q(session__in=joined), provision__isnull=False
    ).values("provision")
    return Provision.objects.filter(
        Q(pk=provision.pk) | Q(pk__in=members), pupil__school_id=provision.pupil.school_id
    )


@dataclass
class PupilImpact:
    provision: Provision
    entry: Assessment | None
    exit: Assessment | None
    gain: decimal.Decimal | None
    met_exit: bool | None
    planned: eef.Dosage
    delivered: eef.Dosage
    finished: bool

    @property
    def pupil(self):
        return self.provision.pupil

    @property
    def measure(self):
        return self.provision.measure

    @property
    def outside(self) -> list[str]:
        return self.planned.outside + (self.delivered.outside if not self.delivered.unknown else [])

    @property
    def gain_words(self) -> str:
        return gain_text(self.measure, self.gain)

    @property
    def entry_words(self) -> str:
        return score_text(self.measure, self.entry.score) if self.entry else "—"

    @property
    def exit_words(self) -> str:
        return score_text(self.measure, self.exit.score) if self.exit else "—"


@dataclass
class Impact:
    provision: Provision
    measure: Measure | None
    pupils: list[PupilImpact]
    planned: eef.Dosage
    average_gain: decimal.Decimal | None = None
    with_both: int = 0
    met_exit: int = 0
    outside: list[PupilImpact] = field(default_factory=list)

    @property
    def average_gain_words(self) -> str:
        return gain_text(self.measure, self.average_gain)


def improvement(measure: Measure, entry, exit_) -> decimal.Decimal | None:
    """The change from entry to exit in the better direction: positive is progress."""
    if entry is None or exit_ is None:
        return None
    change = exit_.score - entry.score
    return change if measure.higher_is_better else -change


def met_exit(measure: Measure, exit_) -> bool | None:
    if exit_ is None or measure is None or measure.exit_score is None:
        return None
    if measure.higher_is_better:
        return exit_.score >= measure.exit_score
    return exit_.score <= measure.exit_score


def _delivered_figures(provision_ids) -> dict:
    """provision id -> (sessions attended, minutes received, first date, last date)."""
    rows = (
        SessionPupil.objects.filter(provision_id__in=provision_ids, minutes__gt=0)
        .values("provision_id")
        .annotate(n=Count("id"), total=Sum("minutes"), first=Min("date"), last=Max("date"))
    )
    return {r["provision_id"]: (r["n"], r["total"], r["first"], r["last"]) for r in rows}


def _scores(provision_ids) -> dict:
    """(provision id, kind) -> the entry or exit score."""
    rows = Assessment.objects.filter(provision_id__in=provision_ids).exclude(kind="routine")
    return {(a.provision_id, a.kind): a for a in rows}


def _pupil_impact(p, scores, figures, calendar, today) -> PupilImpact:
    entry, exit_ = scores.get((p.pk, "entry")), scores.get((p.pk, "exit"))
    finished = exit_ is not None or (p.end is not None and p.end < today)
    n, minutes, first, last = figures.get(p.pk, (0, 0, None, None))
    return PupilImpact(
        provision=p,
        entry=entry,
        exit=exit_,
        gain=improvement(p.measure, entry, exit_) if p.measure else None,
        met_exit=met_exit(p.measure, exit_),
        planned=eef.planned(p, calendar),
        delivered=eef.delivered(n, minutes, first, last, calendar, finished=finished),
        finished=finished,
    )


def impact(user, provision: Provision, today: dt.date | None = None) -> Impact:
    """The intervention's impact for the pupils `user` may see: each one's entry and exit
    scores, gain, exit criterion and dosage (planned and received), the group's average
    gain and how many met the exit criterion. About six queries."""
    today = today or timezone.localdate()
    members = list(
        access.scoped(user, group_provisions(provision))
        .select_related("pupil", "pupil__year_group", "measure")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name")
    )
    ids = [p.pk for p in members]
    scores, figures = _scores(ids), _delivered_figures(ids)
    calendar = school_calendar(provision.pupil.school_id)
    rows = [_pupil_impact(p, scores, figures, calendar, today) for p in members]
    result = Impact(
        provision=provision,
        measure=provision.measure,
        pupils=rows,
        planned=eef.planned(provision, calendar),
    )
    gains = [r.gain for r in rows if r.gain is not None]
    result.with_both = len(gains)
    if gains:
        result.average_gain = (sum(gains) / len(gains)).quantize(decimal.Decimal("0.1"))
    result.met_exit = sum(1 for r in rows if r.met_exit)
    result.outside = [r for r in rows if r.outside]
    return result


@dataclass
class SchoolLine:
    """One intervention across the school: every provision with its title and measure."""

    title: str
    measure: Measure
    pupils: int = 0
    with_both: int = 0
    gains: list = field(default_factory=list)
    met_exit: int = 0
    outside: list = field(default_factory=list)  # (pupil, provision, reasons)
    example: Provision | None = None

    @property
    def average_gain(self):
        if not self.gains:
            return None
        return (sum(self.gains) / len(self.gains)).quantize(decimal.Decimal("0.1"))

    @property
    def average_gain_words(self) -> str:
        return gain_text(self.measure, self.average_gain)


def school_impact(user, school_id: int, today: dt.date | None = None) -> list[SchoolLine]:
    """Every intervention with a measure at the school, grouped by title and measure, for
    the pupils `user` may see: pupils, gains, exit criterion met, who fell outside the
    dosage guidance. Four queries."""
    today = today or timezone.localdate()
    provisions = list(
        access.scoped(
            user, Provision.objects.filter(pupil__school_id=school_id, measure__isnull=False)
        )
        .select_related("pupil", "pupil__year_group", "measure")
        .order_by("title", "pupil__legal_last_name")
    )
    ids = [p.pk for p in provisions]
    scores, figures = _scores(ids), _delivered_figures(ids)
    calendar = school_calendar(school_id)
    lines: dict = {}
    for p in provisions:
        line = lines.setdefault((p.title, p.measure_id), SchoolLine(p.title, p.measure, example=p))
        row = _pupil_impact(p, scores, figures, calendar, today)
        line.pupils += 1
        if row.gain is not None:
            line.with_both += 1
            line.gains.append(row.gain)
        line.met_exit += bool(row.met_exit)
        if row.outside:
            line.outside.append(row)
    return list(lines.values())


# --- A pupil's scores ----------------------------------------------------------------------


@dataclass
class Trend:
    measure: Measure
    points: list  # Assessment rows, oldest first

    @property
    def first(self):
        return self.points[0]

    @property
    def last(self):
        return self.points[-1]

    @property
    def change_words(self) -> str:
        if len(self.points) < 2:
            return "—"
        change = self.last.score - self.first.score
        if not self.measure.higher_is_better:
            change = -change
        return gain_text(self.measure, change)


def pupil_scores(pupil, since: dt.date | None = None, until: dt.date | None = None):
    """The pupil's scores by measure (routine tests and interventions' entry and exit),
    oldest first, as Trends. One query."""
    rows = Assessment.objects.filter(pupil=pupil).select_related(
        "measure", "provision", "recorded_by"
    )
    if since:
        rows = rows.filter(date__gte=since)
    if until:
        rows = rows.filter(date__lte=until)
    by_measure: dict = defaultdict(list)
    for row in rows.order_by("date", "recorded_at"):
        by_measure[row.measure].append(row)
    return [Trend(m, pts) for m, pts in sorted(by_measure.items(), key=lambda kv: kv[0].name)]


def pupil_interventions(pupil):
    """The pupil's provisions that have a measure, newest first: where entry and exit
    scores go. One query."""
    return list(
        Provision.objects.filter(pupil=pupil, measure__isnull=False)
        .select_related("measure")
        .order_by("-start")
    )


def group_results(user, school_id: int, measure: Measure, pupils, since: dt.date):
    """A group's routine-test results on `measure` since a date: the dates tested (oldest
    first), each pupil's score per date, and the group's average per date. One query."""
    pupil_ids = [p.pk for p in pupils]
    rows = access.scoped(
        user,
        Assessment.objects.filter(
            measure=measure, pupil_id__in=pupil_ids, date__gte=since, school_id=school_id
        ),
    ).order_by("date", "recorded_at")
    dates, cells = [], defaultdict(dict)
    for row in rows:
        if row.date not in dates:
            dates.append(row.date)
        cells[row.pupil_id][row.date] = row.score  # a later score that day wins
    averages = []
    for day in dates:
        values = [cells[pk][day] for pk in pupil_ids if day in cells[pk]]
        averages.append((sum(values) / len(values)).quantize(decimal.Decimal("0.1")))
    table = [(p, [cells[p.pk].get(day) for day in dates]) for p in pupils]
    return dates, table, averages


# --- The Engagement Model ------------------------------------------------------------------


def engagement(pupil, since: dt.date | None = None, until: dt.date | None = None):
    """The pupil's Engagement Model observations, oldest first, with their areas and the
    outcomes they evidence. Three queries."""
    rows = EngagementObservation.objects.filter(pupil=pupil)
    if since:
        rows = rows.filter(observed_at__date__gte=since)
    if until:
        rows = rows.filter(observed_at__date__lte=until)
    return list(
        rows.select_related("observer")
        .prefetch_related("entries", "outcomes")
        .order_by("observed_at")
    )


def area_series(observations) -> dict[str, list]:
    """area -> [(local date, level, level name, scale size)] in time order, for charts."""
    series = {area: [] for area in EngagementArea.values}
    for obs in observations:
        day = timezone.localtime(obs.observed_at).date()
        for entry in obs.entries.all():
            name = obs.scale[entry.level - 1] if entry.level <= len(obs.scale) else str(entry.level)
            series[entry.area].append((day, entry.level, name, len(obs.scale)))
    return series


def pupil_impacts(pupil, since: dt.date, until: dt.date) -> list[PupilImpact]:
    """The pupil's own interventions with a measure that ran in the window: entry, exit,
    gain and dosage, as on the impact page. Three queries."""
    provisions = list(
        Provision.objects.filter(pupil=pupil, measure__isnull=False, start__lte=until)
        .filter(Q(end__isnull=True) | Q(end__gte=since))
        .select_related("pupil", "measure")
        .order_by("start", "title")
    )
    ids = [p.pk for p in provisions]
    scores, figures = _scores(ids), _delivered_figures(ids)
    calendar = school_calendar(pupil.school_id)
    today = min(until, timezone.localdate())
    return [_pupil_impact(p, scores, figures, calendar, today) for p in provisions]
