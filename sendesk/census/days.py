"""The school census days in England: the first Thursday of October (autumn), and the third
Thursday of January (spring) and of May (summer). The DfE confirms each year's dates in its
census guide; these are the rule it has kept for years, so no school has to type them."""

import datetime as dt
from dataclasses import dataclass

THURSDAY = 3
# (month, which Thursday, season), in calendar order.
RULES = ((1, 3, "Spring"), (5, 3, "Summer"), (10, 1, "Autumn"))


@dataclass(frozen=True)
class CensusDay:
    day: dt.date
    season: str

    @property
    def name(self) -> str:
        return f"{self.season} census {self.day.year}"


def nth_thursday(year: int, month: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(THURSDAY - first.weekday()) % 7 + 7 * (n - 1))


def census_days(year: int) -> list[CensusDay]:
    """The year's three census days, in date order."""
    return [CensusDay(nth_thursday(year, month, n), season) for month, n, season in RULES]


def next_census(today: dt.date) -> CensusDay:
    """The census day on or after `today`: on the day itself it is still the one to check."""
    return next(c for y in (today.year, today.year + 1) for c in census_days(y) if c.day >= today)


def last_census(today: dt.date) -> CensusDay:
    """The census day before `today`: the return the MIS last sent."""
    return next(
        c for y in (today.year, today.year - 1) for c in reversed(census_days(y)) if c.day < today
    )
