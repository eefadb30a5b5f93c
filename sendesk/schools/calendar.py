"""School days. Promised provision is owed on school days only: weekdays inside a term
that are not a closure (half term, training day, bank holiday)."""

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection

from .models import Closure, Term


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week holding `day` (the one "Monday of the week" helper)."""
    return day - dt.timedelta(days=day.weekday())


def minutes_between(start: dt.time, end: dt.time) -> int:
    """Minutes from `start` to `end` on the same day (negative when end is earlier)."""
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


class Span(NamedTuple):
    """A term's or closure's first and last day."""

    start: dt.date
    end: dt.date


@dataclass
class Calendar:
    """A school's calendar between two dates, loaded in two queries and then answered in
    memory: count school days by weekday with a binary search."""

    terms: list  # by start: Term rows (load) or Spans (school_calendar)
    by_weekday: dict = field(default_factory=dict)  # isoweekday -> sorted school days

    @classmethod
    def load(cls, school_id: int, start: dt.date, end: dt.date) -> "Calendar":
        terms = list(
            Term.objects.filter(school_id=school_id, end__gte=start, start__lte=end).order_by(
                "start"
            )
        )
        closures = Closure.objects.filter(school_id=school_id, end__gte=start, start__lte=end)
        return cls._of(terms, closures, start, end)

    @classmethod
    def _of(cls, terms, closures, start=None, end=None) -> "Calendar":
        """The calendar of `terms` less `closures` (anything with .start and .end), from
        start to end (None: all of each term)."""
        closed = set()
        for closure in closures:
            day = closure.start
            while day <= closure.end:
                closed.add(day)
                day += dt.timedelta(days=1)
        open_days = set()  # a set: terms entered twice or overlapping count each day once
        for term in terms:
            day = term.start if start is None else max(term.start, start)
            last = term.end if end is None else min(term.end, end)
            while day <= last:
                if day.isoweekday() <= 5 and day not in closed:
                    open_days.add(day)
                day += dt.timedelta(days=1)
        by_weekday = {d: [] for d in range(1, 6)}
        for day in sorted(open_days):
            by_weekday[day.isoweekday()].append(day)
        return cls(terms=terms, by_weekday=by_weekday)

    def is_school_day(self, day: dt.date) -> bool:
        days = self.by_weekday.get(day.isoweekday(), [])
        i = bisect.bisect_left(days, day)
        return i < len(days) and days[i] == day

    def days(self, weekdays: str, start: dt.date, end: dt.date) -> list[dt.date]:
        """School days from start to end inclusive whose ISO weekday digit is in
        `weekdays`, oldest first: the days a provision on those weekdays is owed."""
        found = []
        for digit in weekdays:
            days = self.by_weekday.get(int(digit), [])
            found.extend(days[bisect.bisect_left(days, start) : bisect.bisect_right(days, end)])
        found.sort()
        return found

    def count(self, weekdays: str, start: dt.date, end: dt.date) -> int:
        """School days from start to end inclusive whose ISO weekday digit is in `weekdays`."""
        total = 0
        for digit in weekdays:
            days = self.by_weekday.get(int(digit), [])
            total += bisect.bisect_right(days, end) - bisect.bisect_left(days, start)
        return total

    def term_start(self, day: dt.date) -> dt.date | None:
        """The first day of the term containing `day`, or of the last one that began
        before it (as term_around); None when no term of the calendar began by then."""
        latest = None
        for term in self.terms:  # by start
            if term.start > day:
                break
            latest = term.start
        return latest


def term_around(school_id: int, day: dt.date):
    """The term containing `day`, or the most recent one before it. One query."""
    return Term.objects.filter(school_id=school_id, start__lte=day).order_by("-start").first()


# School id -> (its term and closure rows as last read, the Calendar worked out from them).
_SCHOOL_CALENDARS: dict[int, tuple[tuple, Calendar]] = {}
# A trust has a few schools; a test run makes thousands (each a few KB here).
_KEEP = 256


def school_calendar(school_id: int) -> Calendar:
    """The school's whole calendar: every term, less every closure. One query, which
    reads the school's term and closure dates (a few dozen short rows a year, on the
    school_id indexes); the school days are worked out from them only when they are not
    the rows this process last worked them out from. The rows are the cache's key, so a
    change made anywhere (the admin, a console, another process or server) is seen by
    the next request, and there is nothing to invalidate. Read whole, not for a window:
    the days asked about change every day, the rows seldom."""
    return school_calendars([school_id])[school_id]


def school_calendars(school_ids) -> dict[int, Calendar]:
    """School id -> its calendar (as school_calendar), for many schools in one query
    (the trust view, issue 13): the same cache, the same rows as its key."""
    school_ids = sorted(set(school_ids))
    if not school_ids:
        return {}
    # As text on SQLite, so that the driver does not parse a hundred dates a request
    # (they are made dates only when the calendar is worked out again).
    start, end = ("CAST(start AS text)", 'CAST("end" AS text)')
    if connection.vendor != "sqlite":
        start, end = "start", '"end"'
    if len(school_ids) == 1:
        which, params = "= %s", school_ids
    else:
        which = f"IN ({', '.join(['%s'] * len(school_ids))})"
        params = school_ids
    sql = (
        f"SELECT school_id, 0, {start}, {end} FROM schools_term WHERE school_id {which} "
        f"UNION ALL SELECT school_id, 1, {start}, {end} FROM schools_closure "
        f"WHERE school_id {which} ORDER BY 1, 2, 3, 4"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params])
        fetched = cursor.fetchall()
    by_school = {school_id: [] for school_id in school_ids}
    for school_id, *row in fetched:
        by_school[school_id].append(tuple(row))
    return {
        school_id: _calendar_of(school_id, tuple(rows)) for school_id, rows in by_school.items()
    }


def _calendar_of(school_id: int, rows: tuple) -> Calendar:
    """The calendar of the school's term and closure `rows` (kind, first, last), worked
    out again only when they are not the rows this process last worked it out from."""
    cached = _SCHOOL_CALENDARS.get(school_id)
    if cached is not None and cached[0] == rows:
        return cached[1]
    spans = ([], [])
    for kind, first, last in rows:
        if isinstance(first, str):
            first, last = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        spans[kind].append(Span(first, last))
    calendar = Calendar._of(*spans)
    if len(_SCHOOL_CALENDARS) >= _KEEP:
        _SCHOOL_CALENDARS.clear()
    _SCHOOL_CALENDARS[school_id] = (rows, calendar)
    return calendar
