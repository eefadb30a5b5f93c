"""School days. Promised provision is owed on school days only: weekdays inside a term
that are not a closure (half term, training day, bank holiday)."""

import bisect
import datetime as dt
from dataclasses import dataclass, field

from .models import Closure, Term


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass
class Calendar:
    """A school's calendar between two dates, loaded in two queries and then answered in
    memory: count school days by weekday with a binary search."""

    terms: list
    by_weekday: dict = field(default_factory=dict)  # isoweekday -> sorted school days

    @classmethod
    def load(cls, school_id: int, start: dt.date, end: dt.date) -> "Calendar":
        terms = list(
            Term.objects.filter(school_id=school_id, end__gte=start, start__lte=end).order_by(
                "start"
            )
        )
        closed = set()
        for closure in Closure.objects.filter(school_id=school_id, end__gte=start, start__lte=end):
            closed.update(closure.days())
        open_days = set()  # a set: terms entered twice or overlapping count each day once
        for term in terms:
            day = max(term.start, start)
            last = min(term.end, end)
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


def term_around(school_id: int, day: dt.date):
    """The term containing `day`, or the most recent one before it. One query."""
    return Term.objects.filter(school_id=school_id, start__lte=day).order_by("-start").first()
