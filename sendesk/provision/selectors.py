"""Reads shared by pages and the API: what is due, promised vs delivered, the feed."""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Subquery,
    Sum,
    When,
    prefetch_related_objects,
)
from django.db.models.base import ModelState
from django.utils import timezone

from sendesk import access
from sendesk.plans.models import Plan, Target
from sendesk.pupils.models import Deployment, Pupil, Strategy
from sendesk.schools.calendar import Calendar, school_calendar, school_calendars, week_start
from sendesk.schools.models import YearGroup

from .models import (
    Attendance,
    FeedReceipt,
    MissedReason,
    Provision,
    Rating,
    Session,
    SessionPupil,
    TargetRating,
)

SORTS = {"minutes": "Most minutes short first", "percent": "Lowest % delivered first"}


@dataclass
class Explained:
    """Why a provision is short this term, in minutes that add up to its shortfall:
    sessions missed (by reason), sessions delivered short (part attendance, refused,
    fewer minutes than owed that day), and school days owed with no record at all."""

    missed: dict = field(default_factory=dict)  # reason -> minutes
    short: int = 0
    not_recorded: int = 0
    # Of not_recorded, the minutes owed on days when no adult was deployed 1:1 to the
    # pupil (promises of 1:1 hours only, see _unstaffed, and only when explain() is asked
    # about staffing): the gap is staffing, not recording. A part of not_recorded, not
    # added to the total.
    no_adult: int = 0

    @property
    def total(self):
        return sum(self.missed.values()) + self.short + self.not_recorded


@dataclass
class Week:
    """Minutes promised and delivered in one school week of the term."""

    monday: dt.date
    promised: int = 0
    delivered: int = 0

    @property
    def short(self):
        return max(self.promised - self.delivered, 0)

    @property
    def pct(self):
        """Delivered as a % of promised, 0-100 for a bar's width (None: nothing owed)."""
        if not self.promised:
            return None
        return min(round(100 * self.delivered / self.promised), 100)


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
    # Set by explain(): why the term's minutes are short, and the term week by week.
    explained: Explained | None = None
    weeks: list = field(default_factory=list)
    # The term's session records (see _session_records), when Shortfalls or
    # reconcile(records=True) has fetched them: explain() then needs no query of its own.
    records: list | None = field(default=None, repr=False)
    # The window and calendar reconcile() used, so explain() counts the same days.
    term_start: dt.date | None = field(default=None, repr=False)
    day: dt.date | None = field(default=None, repr=False)
    calendar: Calendar | None = field(default=None, repr=False)

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

    @property
    def missed_explained(self):
        """(label, minutes, sessions) for each reason in `explained`, most minutes first;
        sessions is None when the minutes are only absences from delivered group sessions.
        For templates, which cannot look a dict up by a variable."""
        if self.explained is None:
            return []
        return [
            (_reason_label(reason), minutes, self.missed.get(reason))
            for reason, minutes in sorted(
                self.explained.missed.items(), key=lambda item: (-item[1], item[0])
            )
        ]


def _window(school_id: int, day: dt.date):
    """(term start, monday, calendar): the window a shortfall is counted over, from the
    term's first day (or this week's Monday, if earlier) to `day`, and the school's
    calendar (kept by the process, checked in one query: schools.calendar)."""
    calendar = school_calendar(school_id)
    monday = week_start(day)
    first = calendar.term_start(day)
    return min(first or monday, monday), monday, calendar


def windows_of(school_ids, day: dt.date) -> dict:
    """{school id: (term start, _Promised of its calendar)} for ranked_provisions, for
    many schools: their calendars in one query (schools.calendar.school_calendars)."""
    monday = week_start(day)
    return {
        school_id: (min(calendar.term_start(day) or monday, monday), _Promised(calendar))
        for school_id, calendar in school_calendars(school_ids).items()
    }


class _Promised:
    """Minutes promised between two dates, for many provisions: most share a weekly
    pattern, start and end (whole classes join a group, plans start on the same day), so
    the calendar is counted once per (weekdays, first day, last day), not per provision."""

    def __init__(self, calendar: Calendar):
        self.calendar = calendar
        self.counts = {}

    def __call__(self, days, weekly_minutes, p_start, p_end, start, end) -> int:
        start = max(start, p_start)
        end = min(end, p_end) if p_end else end
        if end < start:
            return 0
        key = (days, start, end)
        n = self.counts.get(key)
        if n is None:
            n = self.counts[key] = self.calendar.count(days, start, end)
        # As Provision.minutes_per_day, so the figures match owed_days() to the minute.
        return round(n * (weekly_minutes / len(days)))


# Below this many provisions, missed sessions are found from the provisions' own
# records (the (provision, date) index); above it, from the school's few missed sessions
# (session_missed_idx). Measured on the large bench school: a pupil's 8 provisions 0.7
# against 4.5 ms, 20 rows of a page 1.9 against 4.5 ms, the school's 269 26 against 8 ms.
FEW_PROVISIONS = 40


def _missed_counts(school_id: int, start: dt.date, day: dt.date, ids) -> dict:
    """Provision id -> {reason: sessions missed} between start and day, per pupil record,
    like the minutes: in a group session each pupil's own provision shows the sessions it
    missed."""
    missed = defaultdict(dict)
    if len(ids) <= FEW_PROVISIONS:
        rows = (
            SessionPupil.objects.filter(
                provision__in=ids, date__range=(start, day), session__delivered=False
            )
            .values_list("provision", "session__missed_reason")
            .annotate(n=Count("id"))
        )
    else:
        rows = (
            Session.objects.filter(
                school_id=school_id,
                delivered=False,
                date__range=(start, day),
                pupils__provision__in=ids,
            )
            .values_list("pupils__provision", "missed_reason")
            .annotate(n=Count("pupils__id"))
        )
    for provision_id, reason, n in rows:
        missed[provision_id][reason] = n
    return missed


def _sums_of(records: dict, monday: dt.date) -> tuple[dict, dict]:
    """({provision id: {"term": minutes, "week": minutes}}, {provision id: {reason:
    sessions missed}}) of _session_records' `records`: what reconcile()'s two aggregates
    count, per pupil record (a record is missed exactly when its session was)."""
    delivered, missed = {}, {}
    for pk, mine in records.items():
        term = week = 0
        reasons = defaultdict(int)
        for date, minutes, _, was_delivered, reason, _ in mine:
            term += minutes
            if date >= monday:
                week += minutes
            if not was_delivered:
                reasons[reason] += 1
        delivered[pk] = {"term": term, "week": week}
        if reasons:
            missed[pk] = dict(reasons)
    return delivered, missed


def reconcile(provisions, day: dt.date, *, records: bool = False) -> list[Figures]:
    """Figures for each provision (all of one school) as of `day`. Costs three queries
    whatever the number of provisions: the calendar (school_calendar), and one aggregate
    each for delivered minutes and missed reasons. With records=True (for a few
    provisions, such as one pupil's), one query of the provisions' session records
    instead of the two aggregates: two queries, and the records are kept on each
    Figures, so explain() needs none of its own."""
    provisions = list(provisions)
    if not provisions:
        return []
    school_id = provisions[0].pupil.school_id
    term_start, monday, calendar = _window(school_id, day)
    ids = [p.pk for p in provisions]
    if records:
        held = _session_records(ids, term_start, day)
        delivered, missed = _sums_of(held, monday)
    else:
        held = None
        delivered = {
            row["provision"]: row
            for row in SessionPupil.objects.filter(provision__in=ids, date__range=(term_start, day))
            .values("provision")
            .annotate(
                term=Sum("minutes"),
                week=Sum(
                    Case(
                        When(date__gte=monday, then="minutes"),
                        default=0,
                        output_field=IntegerField(),
                    )
                ),
            )
        }
        missed = _missed_counts(school_id, term_start, day, ids)
    promised = _Promised(calendar)
    figures = []
    for p in provisions:
        got = delivered.get(p.pk, {})
        owed = (p.days, p.weekly_minutes, p.start, p.end)
        figures.append(
            Figures(
                provision=p,
                promised_week=promised(*owed, monday, day),
                delivered_week=got.get("week") or 0,
                promised_term=promised(*owed, term_start, day),
                delivered_term=got.get("term") or 0,
                missed=missed.get(p.pk, {}),
                records=None if held is None else held.get(p.pk, []),
                term_start=term_start,
                day=day,
                calendar=calendar,
            )
        )
    return figures


class Shortfalls(Sequence):
    """The school's short provisions as of `day`, worst first: by minutes short this term
    (then %), or with sort="percent" by the share delivered (then minutes short).

    Ranked from one query of the school's current provisions, with the columns a row
    shows and the term's minutes summed in it; indexing or slicing builds full Figures
    (provision, pupil and year group from those columns, this week's minutes, sessions
    missed) for only the rows asked for, from one more query of their session records,
    which explain() then reuses. So ranking costs two queries (with the calendar) and a
    page of rows one more, whatever the school's size. Both are written in SQL, as the
    calendar's: the ORM took longer to build these queries than the database to run
    them, on every request."""

    def __init__(self, school_id: int, day: dt.date, sort: str = "minutes"):
        self.school_id, self.day = school_id, day
        self.term_start, self.monday, self.calendar = _window(school_id, day)
        self._promised = _Promised(self.calendar)
        rows = [
            r
            for r in ranked_provisions({school_id: (self.term_start, self._promised)}, day)
            if r[2] > r[3]
        ]
        # The keys of Figures.shortfall_term and .delivered_pct, then the title, then the
        # id: a group's members tie on all the rest, and pages (and the API's offset)
        # must not show a row twice or skip one.
        if sort == "percent":
            rows.sort(key=lambda r: (r[4], r[3] - r[2], r[1], r[0]))
        else:
            rows.sort(key=lambda r: (r[3] - r[2], r[4], r[1], r[0]))
        self._rows = rows

    def __len__(self):
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._build(self._rows[index])
        return self._build([self._rows[index]])[0]

    def _build(self, rows) -> list[Figures]:
        if not rows:
            return []
        provisions = [ranked_provision(r) for r in rows]
        ids = [p.pk for p in provisions]
        # This week's minutes and the term's missed sessions (per pupil record, as
        # reconcile() counts them) from the rows' records, kept for explain().
        records = _session_records(ids, self.term_start, self.day)
        sums, missed = _sums_of(records, self.monday)
        figures = []
        for p, (_, _, owed, got, *_) in zip(provisions, rows, strict=True):
            pk = p.pk
            figures.append(
                Figures(
                    provision=p,
                    promised_week=self._promised(
                        p.days, p.weekly_minutes, p.start, p.end, self.monday, self.day
                    ),
                    delivered_week=sums.get(pk, {}).get("week", 0),
                    promised_term=owed,
                    delivered_term=got,
                    missed=missed.get(pk, {}),
                    records=records.get(pk, []),
                    term_start=self.term_start,
                    day=self.day,
                    calendar=self.calendar,
                )
            )
        return figures


# The schools' current provisions (as Provision.objects.current_on: started by the day,
# not ended before it), each with the term's minutes delivered (from the (provision,
# date, minutes) index) and what a row shows of it, its pupil and year group. {window}
# is the term's first day: one parameter for one school, a CASE on the school for many
# (the trust view: each school keeps its own term dates).
_CURRENT_SQL = """
SELECT {columns}
FROM pupils_pupil u
INNER JOIN provision_provision p ON p.pupil_id = u.id
{joins}
WHERE u.school_id {schools} AND p.start <= %s AND (p."end" IS NULL OR p."end" >= %s)
    AND (u.left_on IS NULL OR u.left_on > %s){only}
"""
_DELIVERED = """COALESCE((SELECT SUM(r.minutes) FROM provision_sessionpupil r
              WHERE r.provision_id = p.id AND r.date BETWEEN {window} AND %s), 0)"""
# The same minutes from the term's tally (TermTally), where it holds exactly them (_tallied).
_TALLIED = "COALESCE(k.minutes, 0)"
_TALLY_JOIN = (
    "LEFT OUTER JOIN provision_termtally k ON k.provision_id = p.id AND k.term_start = {window}"
)
# What a ranking row shows: the provision, its pupil and year group (ranked_provision).
_RANKING_COLUMNS = """p.id, p.title, p.days, p.weekly_minutes, {start}, {end}, {delivered},
    p.kind, p.source, p.sessions_per_week, p.session_minutes, p.plan_id, p.pupil_id,
    u.legal_first_name, u.legal_last_name, u.preferred_name, u.year_group_id, y.name,
    u.school_id"""
_RANKING_JOINS = "INNER JOIN schools_yeargroup y ON y.id = u.year_group_id"
# Only what adding up needs (tallies): a trust's thousands of rows fetch fast.
_TALLY_COLUMNS = (
    "{id}, {pupil_id}, u.school_id, p.days, p.weekly_minutes, {start}, {end}, {delivered}"
)


def _current_sql(windows: dict, day: dt.date, columns: str, joins="", ids=()) -> tuple:
    """(SQL, params) of the current provisions of the schools of `windows` as of `day`
    (as Provision.objects.current_on, leavers' left out), each row `columns` then the
    minutes delivered since its school's term start ({delivered}): from the term's tally
    where it holds them, else summed from the records (_tallied); only `ids` if given."""
    schools = sorted(windows)
    tallied = _tallied(windows, day)

    def window_of(chosen):  # the window's first day, as SQL, for the schools `chosen`
        if len(schools) == 1:
            return "%s", [_date_param(windows[schools[0]][0])]
        whens = " ".join(["WHEN %s THEN %s"] * len(chosen))
        return f"CASE u.school_id {whens} END", [
            v for pk in chosen for v in (pk, _date_param(windows[pk][0]))
        ]

    at = _date_param(day)
    summed, summed_params = window_of(schools)
    summed, summed_params = _DELIVERED.format(window=summed), [*summed_params, at]
    if not tallied:
        delivered, delivered_params = summed, summed_params
    elif len(tallied) == len(schools):
        delivered, delivered_params = _TALLIED, []
    else:  # some schools on holiday or in a term's first days, others not
        ids_in = ", ".join(["%s"] * len(tallied))
        delivered = f"CASE WHEN u.school_id IN ({ids_in}) THEN {_TALLIED} ELSE {summed} END"
        delivered_params = [*sorted(tallied), *summed_params]
    if tallied:
        window, window_params = window_of(sorted(tallied))
        joins = f"{joins}\n{_TALLY_JOIN.format(window=window)}"
        # Only the rows of the terms asked for are hashed, not every term's.
        terms = [_date_param(start) for start in sorted({windows[pk][0] for pk in tallied})]
        joins += f" AND k.term_start IN ({', '.join(['%s'] * len(terms))})"
        window_params = [*window_params, *terms]
    else:
        window_params = []
    if len(schools) == 1:
        where, school_params = "= %s", schools
    else:
        where, school_params = f"IN ({', '.join(['%s'] * len(schools))})", schools
    only = f" AND p.id IN ({', '.join(['%s'] * len(ids))})" if ids else ""
    sql = _CURRENT_SQL.format(
        columns=columns.format(
            # Ids as text: thousands of UUID objects cost more than the query (tallies).
            id=_sql_text("p.id"),
            pupil_id=_sql_text("p.pupil_id"),
            start=_sql_date("p.start"),
            end=_sql_date('p."end"'),
            delivered=delivered,
        ),
        joins=joins,
        schools=where,
        only=only,
    )
    # Leavers (issue 12) owe nothing after they have gone: not on the list (the last %s).
    params = [
        *delivered_params, *window_params, *school_params, at, at, at,
        *(_id_param(_uuid(pk)) for pk in ids),
    ]  # fmt: skip
    return sql, params


def _tallied(windows: dict, day: dt.date) -> set:
    """The schools of `windows` whose minutes since their window's first day are exactly
    their term's tally: the window starts on the first day of a term that runs at least
    to `day`, and `day` is not before today (no session is ever recorded for a day to
    come: provision.services). Others (in a holiday, or when the week began before the
    term) have their records summed."""
    if day < timezone.localdate():
        return set()
    return {
        school_id
        for school_id, (start, promised) in windows.items()
        if any(term.start == start and term.end >= day for term in promised.calendar.terms)
    }


def ranked_provisions(windows: dict, day: dt.date, ids=()) -> list[tuple]:
    """The current provisions of the schools of `windows` ({school id: (term start,
    _Promised of its calendar)}) as of `day` (only `ids`, if given), in ONE query
    whatever the number of schools: (id, title, minutes owed this term, delivered, %
    delivered, start, end, the ranking row), in no order. Shortfalls ranks one
    school's; the trust view (sendesk.trust) names its worst."""
    if not windows:
        return []
    sql, params = _current_sql(windows, day, _RANKING_COLUMNS, _RANKING_JOINS, ids)
    rows = []
    for row in _fetch(sql, params):
        pk, title, days, weekly, start, end, got = row[:7]
        start, end = _as_date(start), end and _as_date(end)
        term_start, promised = windows[row[18]]
        owed = promised(days, weekly, start, end, term_start, day)
        pct = round(100 * got / owed) if owed else None
        rows.append((pk, title, owed, got, pct, start, end, row))
    return rows


def tallies(windows: dict, day: dt.date) -> list[tuple]:
    """(id, pupil id (both as text), school id, minutes owed this term, delivered) of
    every current provision of the schools of `windows` (as ranked_provisions), in one
    query of only those columns: for adding up across a trust (about 8,000 rows at thirty
    schools), where fetching the ranking's names for every row cost more than the sums."""
    if not windows:
        return []
    sql, params = _current_sql(windows, day, _TALLY_COLUMNS)
    # Most provisions began before the term and run past today: with their dates held to
    # the window first, they share a few patterns, each worked out once.
    owed_of = {}
    rows = []
    for pk, pupil_id, school_id, days, weekly, start, end, got in _fetch(sql, params):
        term_start, promised = windows[school_id]
        start = max(_as_date(start), term_start)
        end = end and _as_date(end)
        if end and end >= day:
            end = None
        key = (school_id, days, weekly, start, end)
        owed = owed_of.get(key)
        if owed is None:
            owed = owed_of[key] = promised(days, weekly, start, end, term_start, day)
        rows.append((pk, pupil_id, school_id, owed, got))
    return rows


def ranked_provision(ranked) -> Provision:
    """The Provision of a ranked_provisions row, with its pupil and year group, built from
    the ranking's columns: only the fields a row, an API item and explain() read (the rest
    deferred, as only() leaves them)."""
    *_, start, end, row = ranked  # the dates already made dates
    school_id = row[18]
    _, title, days, weekly = row[:4]
    kind, source, per_week, minutes, plan_id, pupil_id, first, last, preferred = row[7:16]
    year_group_id, year_group = row[16:18]
    year = _instance(YearGroup, id=year_group_id, school_id=school_id, name=year_group)
    pupil = _instance(
        Pupil,
        id=_uuid(pupil_id),
        school_id=school_id,
        legal_first_name=first,
        legal_last_name=last,
        preferred_name=preferred,
        year_group_id=year_group_id,
    )
    Pupil.year_group.field.set_cached_value(pupil, year)
    provision = _instance(
        Provision,
        id=_uuid(row[0]),
        pupil_id=pupil.pk,
        plan_id=plan_id and _uuid(plan_id),
        title=title,
        kind=kind,
        source=source,
        sessions_per_week=per_week,
        session_minutes=minutes,
        weekly_minutes=weekly,
        days=days,
        start=start,
        end=end,
    )
    Provision.pupil.field.set_cached_value(provision, pupil)
    return provision


def _instance(model, **values):
    """An instance of `model` with these field values (by attname) and the others
    deferred, as the ORM builds one from a row of only() (Model.from_db): a deferred
    field is one missing from the instance's __dict__. Set directly, without __init__'s
    walk over every field (none of these models has a post_init receiver): a page builds
    three for each of its rows, and __init__ was most of the time they took."""
    obj = model.__new__(model)
    obj.__dict__.update(values)
    obj._state = ModelState()
    obj._state.adding = False
    obj._state.db = DEFAULT_DB_ALIAS
    return obj


def shortfalls(
    school_id: int, day: dt.date, *, limit: int | None = None, sort: str = "minutes"
) -> list[Figures]:
    """The school-wide shortfall list, worst first (see Shortfalls), every row built:
    for a page, slice a Shortfalls instead."""
    ranked = Shortfalls(school_id, day, sort)
    return ranked[:limit] if limit else ranked[:]


# Labels looked up from plain dicts: an enum's .values and .choices build a new list on
# every use, and a shortfall page looks up a label for each reason of each row.
_MISSED_LABELS = {str(value): str(label) for value, label in MissedReason.choices}
_RATING_LABELS = {str(value): str(label) for value, label in Rating.choices}


def _reason_label(reason):
    return _MISSED_LABELS.get(reason, reason)


def _split(total: int, weights: dict) -> dict:
    """`total` shared out in proportion to `weights`, in whole minutes that add up to
    `total` (largest remainders get the odd minutes)."""
    whole = sum(weights.values())
    if not whole:
        return {}
    if len(weights) == 1:  # the usual day: one missed session, one reason
        return dict.fromkeys(weights, total)
    shares = {k: total * w // whole for k, w in weights.items()}
    left = total - sum(shares.values())
    for k in sorted(weights, key=lambda k: (-(total * weights[k] % whole), k))[:left]:
        shares[k] += 1
    return shares


def owed_days(f: Figures) -> list[tuple[dt.date, int]]:
    """The school days this term (to f.day) on which f's provision is owed, with the
    whole minutes owed on each. Minutes are rounded cumulatively, so however the weekly
    minutes divide between days they add up to exactly f.promised_term."""
    p = f.provision
    start = max(f.term_start, p.start)
    end = min(f.day, p.end) if p.end else f.day
    days = f.calendar.days(p.days, start, end)
    per_day = p.minutes_per_day
    if per_day.is_integer():  # the same whole minutes every day: nothing to round
        return [(d, int(per_day)) for d in days]
    return [(d, round(k * per_day) - round((k - 1) * per_day)) for k, d in enumerate(days, 1)]


def _missed_weights(records) -> dict:
    """Reason -> session minutes of the records on one day that the pupil missed: the
    session was missed, or the pupil was absent from a delivered (group) session."""
    weights = defaultdict(int)
    for _, _, attendance, delivered, reason, session_minutes in records:
        if not delivered:
            weights[reason] += session_minutes
        elif attendance == Attendance.ABSENT:
            weights[MissedReason.PUPIL_ABSENT.value] += session_minutes
    return weights


def _offset_credit(short: int, not_recorded: int, missed: dict, credit: int) -> dict:
    """The parts of a shortfall after `credit` (extra minutes) is set against them: first
    'short', then 'not recorded', then the largest missed reasons."""
    parts = {"short": short, "not_recorded": not_recorded}
    parts.update(sorted(missed.items(), key=lambda item: (-item[1], item[0])))
    for key in parts:  # in the order above
        used = min(parts[key], credit)
        parts[key] -= used
        credit -= used
    return parts


def _explain_one(owed_by_day: list, records: list, unstaffed=None) -> Explained:
    """`records`: (date, minutes, attendance, delivered, reason, session minutes). A
    day-by-day ledger. On each owed day: no record -> not recorded; records that
    fall short -> the missed sessions' share by reason, the rest (part attendance,
    refusal, fewer minutes) short. Minutes beyond what a day owed, and minutes on days
    not owed (a catch-up session, before the provision started), are credit, which
    first offsets 'short', then 'not recorded', then the largest missed reasons: so the
    parts add up to the term's shortfall exactly (all zero when nothing is short).
    `unstaffed(day)`, if given, says no adult was deployed that day: the not-recorded
    minutes of those days are also counted as no_adult."""
    by_day = {}
    for r in records:
        if r[0] in by_day:
            by_day[r[0]].append(r)
        else:
            by_day[r[0]] = [r]
    missed, short, not_recorded, no_adult, credit = defaultdict(int), 0, 0, 0, 0
    for day, owed in owed_by_day:
        recs = by_day.pop(day, None)
        if not recs:
            not_recorded += owed
            if unstaffed is not None and unstaffed(day):
                no_adult += owed
            continue
        # Most days have one record: no generator for those (a page explains thousands).
        gap = owed - (recs[0][1] if len(recs) == 1 else sum(r[1] for r in recs))
        if gap <= 0:
            credit -= gap
            continue
        weights = _missed_weights(recs)
        if not weights:  # nothing missed that day: all of the gap was delivered short
            short += gap
            continue
        had_some = any(r[3] and r[2] != Attendance.ABSENT for r in recs)
        # Nothing given that day: all of the gap is the missed sessions' (if any).
        to_missed = gap if weights and not had_some else min(gap, sum(weights.values()))
        for reason, minutes in _split(to_missed, weights).items():
            missed[reason] += minutes
        short += gap - to_missed
    credit += sum(r[1] for recs in by_day.values() for r in recs)
    parts = _offset_credit(short, not_recorded, missed, credit)
    short, not_recorded = parts.pop("short"), parts.pop("not_recorded")
    return Explained(
        missed={r: m for r, m in parts.items() if m},
        short=short,
        not_recorded=not_recorded,
        # Credit that offset 'not recorded' is taken from the unstaffed days last.
        no_adult=min(no_adult, not_recorded),
    )


def _one_to_one_cover(figures: list) -> dict:
    """Pupil id -> [(start, end)] of the 1:1 deployments of the pupils of `figures`
    that overlap their window. One query (in SQL, as _session_records)."""
    f = figures[0]
    pupils = {_id_param(f.provision.pupil_id): f.provision.pupil_id for f in figures}
    sql = f"""
        SELECT d.pupil_id, {_sql_date("d.start")}, {_sql_date('d."end"')}
        FROM pupils_deployment d
        WHERE d.kind = %s AND d.pupil_id IN ({", ".join(["%s"] * len(pupils))})
            AND d.start <= %s AND (d."end" IS NULL OR d."end" >= %s)
    """
    params = [Deployment.Kind.ONE_TO_ONE.value, *pupils, _date_param(f.day)]
    params.append(_date_param(f.term_start))
    cover = defaultdict(list)
    for pupil_id, start, end in _fetch(sql, params):
        cover[pupils[pupil_id]].append((_as_date(start), _as_date(end)))
    return cover


def _unstaffed(f: Figures, cover: dict):
    """For a promise of 1:1 hours: a test of `day` that is true when no adult was
    deployed 1:1 to its pupil that day. None for anything else: a short 1:1 intervention,
    a group or a therapy is given by a class TA, the teacher or a therapist, who are not
    deployed to the pupil, so no deployment says nothing about them."""
    if not f.provision.needs_one_to_one_adult:
        return None
    spans = cover.get(f.provision.pupil_id, ())
    return lambda day: not any(s <= day and (e is None or day <= e) for s, e in spans)


def _weeks_of(owed_by_day: list, records: list) -> list[Week]:
    """Promised and delivered minutes in each week of the term that has a school day
    owed or a minute delivered, oldest first."""
    weeks = {}
    for day, owed in owed_by_day:
        weeks.setdefault(week_start(day), Week(week_start(day))).promised += owed
    for date, minutes, *_ in records:
        monday = week_start(date)
        weeks.setdefault(monday, Week(monday)).delivered += minutes
    return [weeks[m] for m in sorted(weeks)]


def _session_records(ids: list, start: dt.date, day: dt.date) -> dict:
    """Provision id -> its session records from start to day, as plain tuples (date,
    minutes, attendance, delivered, reason, session minutes): a page may explain
    thousands. One query on the (provision, date, minutes) index. Attendance is blank
    exactly when the session was missed (the session services refuse anything else), so
    the session row is read only for the few records that need it (missed, or absent
    from a group session: their session's minutes are what was missed): joined to every
    record, the sessions cost the query twice its time. Written in SQL: the ORM took
    longer to build the query than the database to run it for a page of rows."""
    key_of = {_id_param(pk): pk for pk in ids}
    sql = f"""
        SELECT r.provision_id, {_sql_date("r.date")}, r.minutes, r.attendance,
            CASE WHEN r.attendance = '' THEN (
                SELECT s.missed_reason FROM provision_session s WHERE s.id = r.session_id
            ) ELSE '' END,
            CASE WHEN r.attendance IN ('', %s) THEN (
                SELECT s.minutes FROM provision_session s WHERE s.id = r.session_id
            ) ELSE 0 END
        FROM provision_sessionpupil r
        WHERE r.provision_id IN ({", ".join(["%s"] * len(key_of))})
            AND r.date BETWEEN %s AND %s
    """
    rows = _fetch(sql, [Attendance.ABSENT, *key_of, _date_param(start), _date_param(day)])
    records = defaultdict(list)
    to_date = dt.date.fromisoformat
    for key, date, minutes, attendance, reason, session_minutes in rows:
        if isinstance(date, str):
            date = to_date(date)
        records[key_of[key]].append(
            (date, minutes, attendance, attendance != "", reason, session_minutes)
        )
    return records


def explain(
    figures: list[Figures], *, weeks: bool = False, staffing: bool = False
) -> list[Figures]:
    """Sets `explained` on each of `figures` (from reconcile() or Shortfalls, one school,
    one day) and, with weeks=True, `weeks`; with staffing=True, also `explained.no_adult`
    (one more query). One query, whatever the number of provisions, weeks or sessions
    (none when nothing is short and no weeks are asked for, or when Shortfalls already
    fetched the records): call it on the rows a page shows, not the whole school."""
    figures = list(figures)
    wanted = [f for f in figures if weeks or f.shortfall_term]
    for f in figures:
        f.explained = Explained()  # nothing short: nothing to explain
    if not wanted:
        return figures
    # Shortfalls or reconcile(records=True) fetched the records; fetch the others' now.
    missing = [f.provision.pk for f in wanted if f.records is None]
    records = _session_records(missing, wanted[0].term_start, wanted[0].day) if missing else {}
    cover = _one_to_one_cover(wanted) if staffing else {}
    for f in wanted:
        mine = records.get(f.provision.pk, []) if f.records is None else f.records
        owed = owed_days(f)
        if f.shortfall_term:
            f.explained = _explain_one(owed, mine, _unstaffed(f, cover) if staffing else None)
        if weeks:
            f.weeks = _weeks_of(owed, mine)
    return figures


def not_school_day(user, day: dt.date) -> tuple[str, set[int]]:
    """Why nothing is due on `day` ('' if it is a school day somewhere the user works),
    and the schools open that day. Two queries per school of the user; none at weekends.
    (My day and the offline pack ask it.)"""
    if day.isoweekday() > 5:
        return f"{day:%A} is the weekend: no provision is due.", set()
    schools = {school for school, _ in access.roles_of(user)}
    open_schools, in_term = set(), False
    for school_id in schools:
        calendar = Calendar.load(school_id, day, day)
        in_term = in_term or bool(calendar.terms)
        if calendar.is_school_day(day):
            open_schools.add(school_id)
    if open_schools or not schools:
        return "", open_schools
    if in_term:
        return (
            "The school is closed that day (a holiday or training day): no provision is due.",
            set(),
        )
    return "That day is not in term time: no provision is due.", set()


# How far ahead to look for the next school day: past the longest holiday (summer).
PLAN_AHEAD_DAYS = 60


def next_school_day(user, after: dt.date) -> tuple[dt.date | None, set[int]]:
    """The first school day after `after` at any school where the user works, and the
    schools open that day. Two queries per school of the user."""
    schools = {school for school, _ in access.roles_of(user)}
    end = after + dt.timedelta(days=PLAN_AHEAD_DAYS)
    calendars = {school: Calendar.load(school, after, end) for school in schools}
    day = after + dt.timedelta(days=1)
    while day <= end:
        open_schools = {s for s, cal in calendars.items() if cal.is_school_day(day)}
        if open_schools:
            return day, open_schools
        day += dt.timedelta(days=1)
    return None, set()


def my_day(user, day: dt.date, open_schools=None):
    """The provisions due on `day` for the pupils `user` is deployed to, with their
    targets, strategies and any session already recorded for them that day; only those at
    `open_schools` when given (not_school_day, next_school_day). A constant number of
    queries."""
    # Start from the user's own deployments (a handful of pupils), and ask the access layer
    # about those pupils only (access.pupil_scope: the rules built from the TA's own roles):
    # testing every pupil of the school made the page's cost grow with the school.
    in_scope = access.pupil_scope(user, "pupil", day)
    if in_scope is None:
        return []
    provisions = list(
        Provision.objects.due_on(day)
        .filter(in_scope, access.on_roll("pupil", day))
        .filter(pupil_id__in=access.deployed_pupils(user, day))
        .select_related("pupil", "pupil__year_group")
        .order_by("pupil__legal_last_name", "title")
    )
    if open_schools is not None:
        provisions = [p for p in provisions if p.pupil.school_id in open_schools]
    if provisions:
        _attach_card_lists(provisions)
    # The card shows the newest record of each provision that day (the highest id: the
    # last one saved), found in one pass over the (provision, date) index. Only that one
    # is fetched: a provision recorded many times in a day (a retried group, a busy 1:1)
    # must not make My day fetch and build every record of it.
    latest = (
        SessionPupil.objects.filter(provision__in=[p.pk for p in provisions], date=day)
        .order_by()
        .values("provision")
        .annotate(last=Max("pk"))
        .values("last")
    )
    done_rows = SessionPupil.objects.filter(pk__in=Subquery(latest))
    done = {
        sp.provision_id: sp
        for sp in done_rows.select_related("session", "session__recorded_by").defer(
            "session__recorded_by__password"
        )
    }
    # The ratings of those records in one query that runs whether or not anything is
    # recorded yet (a prefetch would skip it on an empty day): the page's query count is
    # the same whatever the day holds.
    ratings = defaultdict(list)
    if provisions:
        for rating in (
            TargetRating.objects.filter(session_pupil__in=Subquery(latest))
            .select_related("target")
            .only("session_pupil_id", "rating", "target", "target__text")
            .order_by("target__order", "target__text")
        ):
            ratings[rating.session_pupil_id].append(rating)
    for sp in done.values():
        sp.saved_ratings = ratings[sp.pk]
    return [(p, done.get(p.pk)) for p in provisions]


def _attach_card_lists(provisions) -> None:
    """What a compact card and its pupil's header list, as plain values: each provision's
    targets in force (`open_targets`: text and success criteria, in the plan's order) and
    each pupil's strategies (`strategy_list`: text). Two queries, as the prefetches they
    replace, without building a model object or a related manager per row."""
    targets = defaultdict(list)
    for row in (
        Target.objects.in_force()
        .filter(provisions__in=[p.pk for p in provisions])
        .values("text", "success_criteria", provision=F("provisions"))
    ):
        targets[row["provision"]].append(row)
    strategies = defaultdict(list)
    for row in Strategy.objects.filter(pupil_id__in={p.pupil_id for p in provisions}).values(
        "pupil_id", "text"
    ):
        strategies[row["pupil_id"]].append(row)
    for p in provisions:
        p.open_targets = targets[p.pk]
        p.pupil.strategy_list = strategies[p.pupil_id]


def teacher_feed(user, *, days: int = 28, day: dt.date):
    """Session records for the pupils in the groups `user` teaches, flagged and unseen
    first. The scope is the access layer's; a teacher who is also SENCO sees only their
    own classes here (the SENCO has the overview)."""
    since = day - dt.timedelta(days=days)
    seen = FeedReceipt.objects.filter(session_pupil=OuterRef("pk"), user=user)
    # The pupils of the teacher's groups (a list, so no row comes twice and no DISTINCT is
    # needed) drive the query through the (pupil, date) index; the access layer is asked
    # about each row's own pupil, not for the whole school's visible list first (which
    # made the feed's cost grow with the school).
    taught = Pupil.teaching_groups.through.objects.filter(teachinggroup__teachers=user)
    in_scope = access.pupil_scope(user, "pupil", day)
    if in_scope is None:
        return SessionPupil.objects.none()
    return (
        SessionPupil.objects.filter(
            in_scope, pupil_id__in=taught.values("pupil_id"), date__gte=since
        )
        .annotate(seen=Exists(seen))
        .select_related(
            "pupil", "session", "session__provision", "session__delivered_by", "provision"
        )
        .only(*FEED_COLUMNS)
        .order_by("seen", "-flag_for_teacher", "-date", "-session__recorded_at")
    )


# What a feed row shows, and what marking it seen needs (its pupil's school for the audit
# row): five related rows a record, read whole, were most of the page's object building.
FEED_COLUMNS = (
    *(f.name for f in SessionPupil._meta.concrete_fields),
    "pupil__school", "pupil__preferred_name", "pupil__legal_first_name",
    "pupil__legal_last_name",
    "session__delivered", "session__missed_reason", "session__missed_note",
    "session__recorded_at", "session__provision__title",
    "session__delivered_by__full_name", "session__delivered_by__email",
    "provision__title",
)  # fmt: skip


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
    return _RATING_LABELS.get(value, "")


def label_missed(figures):
    """Sets `missed_reasons` on each provision.selectors.Figures: (label, sessions) pairs,
    most missed first, for templates (which cannot look up a dict by a variable)."""
    for f in figures:
        f.missed_reasons = sorted(
            ((_MISSED_LABELS.get(r, r), n) for r, n in f.missed.items()),
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


@dataclass
class StaleTarget:
    """One row of the targets with no recent evidence: only what the row shows."""

    pk: object
    text: str
    plan_id: object
    plan_title: str
    pupil_id: object
    pupil_name: str
    year_group: str
    latest_rating_date: dt.date | None
    # Set by the page: links, and the date in words.
    pupil_url: str = ""
    target_url: str = ""
    last_evidence: str = ""


class StaleTargets(Sequence):
    """Open targets on active plans with no rating in the last `weeks` weeks, the longest
    without evidence first. A plan that began within those weeks has not had the time to
    gather any, so its targets are left out.

    One query whatever the school's size, in SQL (see _fetch): from the school's pupils
    to their active plans' open targets, each tested for a rating since then by one seek
    on the (target, -date) index; only the stale ones read their latest rating date
    and the few columns a row shows. Indexing or slicing makes plain StaleTarget rows of
    only those asked for, and the count is free."""

    def __init__(self, school_id: int, day: dt.date, weeks: int):
        since = _date_param(day - dt.timedelta(weeks=weeks))
        sql = STALE_SQL.format(latest=_sql_date("(" + LATEST_RATING_SQL + ")"))
        # Not a leaver's (issue 12): nobody is working on their targets any more.
        params = [school_id, _date_param(day), Plan.Status.ACTIVE.value, Target.Status.OPEN.value,
                  since, since]  # fmt: skip
        stale = [(_as_date(row[0]), *row[1:]) for row in _fetch(sql, params)]
        # Never rated first, then the oldest evidence; then by pupil and the plan's order.
        stale.sort(key=lambda row: (row[0] is not None, row[0] or dt.date.min, *row[1:5]))
        self._ranked = stale

    def __len__(self):
        return len(self._ranked)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._row(row) for row in self._ranked[index]]
        return self._row(self._ranked[index])

    @staticmethod
    def _row(row) -> StaleTarget:
        latest, last, first, _, pk, text, plan_id, title, pupil_id, preferred, year = row
        return StaleTarget(
            pk=_uuid(pk),
            text=text,
            plan_id=_uuid(plan_id),
            plan_title=title,
            pupil_id=_uuid(pupil_id),
            pupil_name=f"{preferred or first} {last}",  # as Pupil.name
            year_group=year,
            latest_rating_date=latest,
        )


# CROSS JOIN: SQLite (which keeps no statistics) joins the tables in the order written
# then, from the school's few hundred pupils, not from every active plan of every school
# (the plans' status index looked cheaper to it: three times the time). PostgreSQL plans
# it as an inner join, by its own statistics.
STALE_SQL = """
SELECT {latest}, u.legal_last_name, u.legal_first_name, t."order", t.id, t.text, t.plan_id,
    p.title, p.pupil_id, u.preferred_name, y.name
FROM pupils_pupil u
CROSS JOIN plans_plan p
INNER JOIN plans_target t ON t.plan_id = p.id
INNER JOIN schools_yeargroup y ON y.id = u.year_group_id
WHERE p.pupil_id = u.id AND u.school_id = %s AND (u.left_on IS NULL OR u.left_on > %s)
    AND p.status = %s AND t.status = %s
    AND (p.start_date IS NULL OR p.start_date <= %s)
    AND NOT EXISTS (
        SELECT 1 FROM provision_targetrating r WHERE r.target_id = t.id AND r.date > %s
    )
"""
LATEST_RATING_SQL = (
    "SELECT r.date FROM provision_targetrating r WHERE r.target_id = t.id "
    "ORDER BY r.date DESC LIMIT 1"
)


def _uuid(value) -> uuid.UUID:
    """An id read by _fetch (text on SQLite) as a UUID."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


# --- Hand-written SQL for the shortfall and stale-target lists -----------------------------
#
# Those pages run the same few queries on every request, and the ORM took longer to build
# each (about 0.5-1.5 ms: joins, subqueries, casts) than the database took to run it. The
# SQL is plain SQL-92 that SQLite and PostgreSQL both run; tests compare its figures with
# the ORM's (reconcile()) on both.


def _fetch(sql: str, params) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _sql_date(column: str) -> str:
    """A date column for _fetch: as text on SQLite, so that its driver does not parse
    each with Django's regex (they are made dates by the C parser: _as_date), as it is
    elsewhere (PostgreSQL returns dates)."""
    return f"CAST({column} AS text)" if connection.vendor == "sqlite" else column


def _sql_text(column: str) -> str:
    """A uuid column as text (it is text on SQLite already)."""
    return column if connection.vendor == "sqlite" else f"CAST({column} AS text)"


def _as_date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _date_param(day: dt.date):
    return connection.ops.adapt_datefield_value(day)


def _id_param(pk: uuid.UUID):
    """A UUID as the database keeps it (and returns it): hex text on SQLite."""
    return pk if connection.features.has_native_uuid_field else pk.hex
