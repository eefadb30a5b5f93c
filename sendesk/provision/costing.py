"""The provision map: every provision line of a school with its staff, hours, group size,
cost per hour, pupils and cost; the cost of each pupil's provision this year; and the
totals against the school's notional SEN budget.

"This year" is the academic year holding the day asked about (1 September to 31 August),
bounded by each provision's own start and end, and counted in the school days of the
school's calendar (terms less closures) that fall on the provision's weekly pattern: the
days a provision is owed, as reconciliation counts them (provision.selectors), not 52
weeks. A pupil's share of a group is the group's hours × cost per hour ÷ group size.

The map costs a fixed number of queries whatever the size of the school: the provisions
with their pupils, the adults who delivered their sessions this year, and the calendar."""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from sendesk import access
from sendesk.schools.calendar import school_calendar
from sendesk.schools.models import School

from .models import Provision, Session

PENNY = Decimal("0.01")
NO_COST = "No cost set"


def academic_year(day: dt.date) -> tuple[dt.date, dt.date]:
    """1 September to 31 August around `day`: the year English schools count in."""
    first = day.year if day.month >= 9 else day.year - 1
    return dt.date(first, 9, 1), dt.date(first + 1, 8, 31)


def money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass
class Row:
    """One pupil's provision (a Provision row) and what it costs this year."""

    provision: Provision
    school_days: int  # days on its pattern this year, within its own start and end
    hours_year: Decimal  # the pupil's hours this year (the group's, for a group)
    cost_year: Decimal | None  # their share; None when the provision has no cost per hour

    @property
    def pupil(self):
        return self.provision.pupil


@dataclass
class Line:
    """Provision rows that are one provision given to several pupils (a group, or the same
    programme given 1:1 to each). Provision is recorded one row per pupil (each pupil's plan
    promises it); a school costs and staffs it once, as the SENCO plans it, so the map
    groups the rows that agree on everything that makes the cost: title, kind, staffing,
    weekly pattern and minutes, cost per hour and group size."""

    title: str
    kind: str
    kind_label: str
    staffing: str
    staffing_label: str
    how_much: str
    days: list[str]
    weekly_minutes: int
    group_size: int
    cost_per_hour: Decimal | None
    rows: list[Row] = field(default_factory=list)
    staff: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.title}|{self.kind}|{self.staffing}|{''.join(self.days)}"

    @property
    def sources(self) -> set[str]:
        return {r.provision.source for r in self.rows}

    @property
    def source(self) -> str:
        """ehcp_f or sen_support; "mixed" when the group holds pupils of both."""
        sources = self.sources
        return sources.pop() if len(sources) == 1 else "mixed"

    @property
    def source_label(self) -> str:
        if self.source == "mixed":
            return "EHC plan and SEN support"
        return Provision.Source(self.source).label

    @property
    def hours_per_week(self) -> Decimal:
        return Decimal(self.weekly_minutes) / 60

    @property
    def pupils(self) -> list:
        return [r.pupil for r in self.rows]

    @property
    def groups(self) -> int:
        """Groups the pupils make at the provision's group size (a part-filled one counts)."""
        return math.ceil(len(self.rows) / self.group_size)

    @property
    def costed(self) -> bool:
        return self.cost_per_hour is not None

    @property
    def cost_per_pupil(self) -> Decimal | None:
        """A pupil's share of a week: hours × cost per hour ÷ group size."""
        if self.cost_per_hour is None:
            return None
        return money(self.hours_per_week * self.cost_per_hour / self.group_size)

    @property
    def cost_week(self) -> Decimal | None:
        """Every pupil's weekly share: what the line costs in a full school week."""
        if self.cost_per_hour is None:
            return None
        return money(self.hours_per_week * self.cost_per_hour * len(self.rows) / self.group_size)

    @property
    def cost_year(self) -> Decimal | None:
        if self.cost_per_hour is None:
            return None
        return sum((r.cost_year for r in self.rows), Decimal("0.00"))


@dataclass
class PupilCost:
    pupil: object
    provisions: int = 0
    cost_year: Decimal = Decimal("0.00")
    uncosted: int = 0  # provisions with no cost per hour: not counted in cost_year


@dataclass
class Split:
    label: str
    cost_year: Decimal = Decimal("0.00")
    lines: int = 0
    uncosted: int = 0


@dataclass
class Budget:
    """The year's cost against the school's notional SEN budget, in words and as a bar."""

    amount: Decimal | None
    committed: Decimal

    @property
    def remaining(self) -> Decimal | None:
        return None if self.amount is None else self.amount - self.committed

    @property
    def overspend(self) -> Decimal | None:
        return -self.remaining if self.over else None

    @property
    def over(self) -> bool:
        return self.amount is not None and self.committed > self.amount

    @property
    def percent(self) -> int | None:
        """Committed as a whole percentage of the budget (may pass 100)."""
        if not self.amount:
            return None
        return int((self.committed * 100 / self.amount).to_integral_value(ROUND_HALF_UP))

    @property
    def bar_percent(self) -> int:
        return min(self.percent or 0, 100)


@dataclass
class ProvisionMap:
    school: School
    year_start: dt.date
    year_end: dt.date
    school_days: int  # school days (Mon-Fri) in the year, terms less closures
    lines: list[Line]
    pupils: list[PupilCost]
    kind: str = ""  # the kind filter the lines were narrowed to, "" for every kind
    all_lines: int = 0

    @property
    def school_weeks(self) -> Decimal:
        return (Decimal(self.school_days) / 5).quantize(Decimal("0.1"))

    @property
    def rows(self) -> list[Row]:
        return [r for line in self.lines for r in line.rows]

    # These five are worked out once: the page reads each several times.
    @cached_property
    def total(self) -> Decimal:
        return sum((r.cost_year for r in self._all_rows if r.cost_year is not None), Decimal("0"))

    @cached_property
    def uncosted(self) -> list[Line]:
        return [line for line in self._all_lines if not line.costed]

    @cached_property
    def budget(self) -> Budget:
        return Budget(amount=self.school.notional_sen_budget, committed=money(self.total))

    @cached_property
    def by_source(self) -> list[Split]:
        return self._split(lambda r: r.provision.get_source_display(), Provision.Source.labels)

    @cached_property
    def by_kind(self) -> list[Split]:
        return self._split(lambda r: r.provision.get_kind_display(), Provision.Kind.labels)

    def _split(self, label_of, order) -> list[Split]:
        splits = {label: Split(label) for label in order}
        for line in self._all_lines:
            seen = set()
            for r in line.rows:
                split = splits[label_of(r)]
                if split.label not in seen:
                    seen.add(split.label)
                    split.lines += 1
                    split.uncosted += 0 if line.costed else 1
                if r.cost_year is not None:
                    split.cost_year += r.cost_year
        return [s for s in splits.values() if s.lines]

    # Totals and splits are the whole school's, whatever kind the lines are narrowed to.
    _all_lines: list[Line] = field(default_factory=list, repr=False)

    @property
    def _all_rows(self) -> list[Row]:
        return [r for line in self._all_lines for r in line.rows]


def _line_key(p: Provision) -> tuple:
    return (
        p.title.strip().casefold(), p.kind, p.staffing, p.days, p.weekly_minutes,
        p.sessions_per_week, p.session_minutes, p.cost_per_hour, p.group_size,
    )  # fmt: skip


def _provisions(user, school_id: int, start: dt.date, end: dt.date, pupil_id=None):
    """The school's provision rows that run at some point of the year, with their pupils,
    in the user's scope. One query."""
    scope = access.pupil_scope(user, "pupil")
    if scope is None:
        return []
    rows = (
        Provision.objects.filter(scope, pupil__school_id=school_id, start__lte=end)
        .exclude(end__lt=start)
        .select_related("pupil", "pupil__year_group", "named_adult")
        .order_by("title", "pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )
    if pupil_id is not None:
        rows = rows.filter(pupil_id=pupil_id)
    return list(rows)


class _Days:
    """School days on a weekly pattern between two dates, counted once per (pattern, first
    day, last day): most provisions share them."""

    def __init__(self, school_id: int, calendar=None):
        self.calendar = calendar or school_calendar(school_id)
        self.counts: dict = {}

    def __call__(self, days: str, start: dt.date, end: dt.date) -> int:
        if end < start:
            return 0
        key = (days, start, end)
        if key not in self.counts:
            self.counts[key] = self.calendar.count(days, start, end)
        return self.counts[key]


def _row(p: Provision, count: _Days, start: dt.date, end: dt.date) -> Row:
    first, last = max(start, p.start), min(end, p.end) if p.end else end
    days = count(p.days, first, last)
    # As Provision.minutes_per_day: the minutes owed on each day of the pattern.
    hours = Decimal(days) * Decimal(p.weekly_minutes) / len(p.days) / 60
    cost = None
    if p.cost_per_hour is not None:
        cost = money(hours * p.cost_per_hour / max(p.group_size, 1))
    return Row(provision=p, school_days=days, hours_year=hours, cost_year=cost)


def _staff(school_id: int, ids, start: dt.date, end: dt.date) -> dict:
    """provision id -> names of the adults who delivered its sessions this year. One query."""
    found = defaultdict(set)
    rows = (
        Session.objects.filter(
            school_id=school_id,
            provision_id__in=ids,
            date__gte=start,
            date__lte=end,
            delivered=True,
        )  # fmt: skip
        .values_list("provision_id", "delivered_by__full_name", "delivered_by__email")
        # Without the model's ordering, which DISTINCT would add to its columns (one row
        # per session instead of one per adult).
        .order_by()
        .distinct()
    )
    for provision_id, name, email in rows:
        found[provision_id].add(name or email)
    return found


def provision_map(user, school_id: int, day: dt.date, *, kind: str = "") -> ProvisionMap:
    """The school's provision map for the academic year holding `day`, as `user` may see
    it (the SENCO and head see every pupil). `kind` narrows the lines, not the totals."""
    school = School.objects.get(pk=school_id)
    start, end = academic_year(day)
    count = _Days(school_id)
    provisions = _provisions(user, school_id, start, end)
    delivered = _staff(school_id, [p.pk for p in provisions], start, end) if provisions else {}
    lines: dict[tuple, Line] = {}
    pupils: dict = {}
    for p in provisions:
        line = lines.get(_line_key(p))
        if line is None:
            line = lines[_line_key(p)] = Line(
                title=p.title, kind=p.kind, kind_label=p.get_kind_display(),
                staffing=p.staffing, staffing_label=p.get_staffing_display(),
                how_much=p.how_much, days=p.day_names, weekly_minutes=p.weekly_minutes,
                group_size=max(p.group_size, 1), cost_per_hour=p.cost_per_hour,
            )  # fmt: skip
        row = _row(p, count, start, end)
        line.rows.append(row)
        names = set(line.staff) | delivered.get(p.pk, set())
        if p.named_adult is not None:
            names.add(p.named_adult.full_name or p.named_adult.email)
        line.staff = sorted(names)
        cost = pupils.setdefault(p.pupil_id, PupilCost(pupil=p.pupil))
        cost.provisions += 1
        if row.cost_year is None:
            cost.uncosted += 1
        else:
            cost.cost_year += row.cost_year
    every = sorted(lines.values(), key=lambda line: (line.title.casefold(), line.kind))
    shown = [line for line in every if not kind or line.kind == kind]
    ranked = sorted(pupils.values(), key=lambda c: (-c.cost_year, c.pupil.name))
    return ProvisionMap(
        school=school, year_start=start, year_end=end,
        school_days=count("12345", start, end), lines=shown, pupils=ranked, kind=kind,
        all_lines=len(every), _all_lines=every,
    )  # fmt: skip


def pupil_cost(user, pupil, day: dt.date, *, calendar=None) -> PupilCost | None:
    """The cost of `pupil`'s provision this year, for someone who may see the provision
    map of their school; None for anyone else. One query, and the school's calendar's
    unless the caller has it already (the pupil page does: schools.calendar.Calendar)."""
    if not access.can(user, pupil.school_id, "view_provision_map"):
        return None
    start, end = academic_year(day)
    count = _Days(pupil.school_id, calendar)
    cost = PupilCost(pupil=pupil)
    for p in _provisions(user, pupil.school_id, start, end, pupil_id=pupil.pk):
        row = _row(p, count, start, end)
        cost.provisions += 1
        if row.cost_year is None:
            cost.uncosted += 1
        else:
            cost.cost_year += row.cost_year
    return cost
