"""The medication administration record (MAR): per pupil and month, a row per scheduled
dose (medicine and time) and a column per day, each cell what happened; as-needed doses
listed below. A school day that passed with nothing recorded is 'missed', visible the
same day once the dose is more than an hour late. Four queries, whatever the month holds."""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from sendesk.lib.paths import Paths
from sendesk.schools.calendar import Calendar

from .models import Administration, Medicine
from .rules import slot_at, slot_missed

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
STATES = {
    "given": "Given",
    "refused": "Refused",
    "not_given": "Not given",
    "missed": "Missed",
    "due": "Due",
    "closed": "School closed",
    "none": "Not prescribed",
}


@dataclass
class Cell:
    day: dt.date
    state: str
    record: Administration | None = None

    @property
    def label(self) -> str:
        return STATES[self.state]

    @property
    def initials(self) -> str:
        return initials(self.record.given_by) if self.record is not None else ""


@dataclass
class Row:
    medicine: Medicine
    time: str
    cells: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)


@dataclass
class Day:
    day: dt.date
    school_day: bool

    @property
    def weekend(self) -> bool:
        return self.day.isoweekday() > 5


@dataclass
class Mar:
    pupil: object
    month: dt.date
    days: list
    rows: list
    as_needed: list
    medicines: list
    # Scheduled doses given away from school (on a trip), with the place: listed under the
    # grid, whose cells have room for a mark only.
    away: list = field(default_factory=list)
    # Scheduled doses given offline (issue 13): listed under the grid with what they broke,
    # if anything, found when they reached the server.
    offline: list = field(default_factory=list)

    @property
    def prev_month(self) -> dt.date:
        return (self.month - dt.timedelta(days=1)).replace(day=1)

    @property
    def next_month(self) -> dt.date:
        return (self.month + dt.timedelta(days=32)).replace(day=1)


def parse_month(raw, today: dt.date) -> tuple[dt.date, str]:
    """The first day of the month in ?month=YYYY-MM (this month when empty), and what is
    wrong with it ('' when nothing is)."""
    if not raw:
        return today.replace(day=1), ""
    match = MONTH_RE.match(raw) if isinstance(raw, str) else None
    if not match or not 1 <= int(match[2]) <= 12:
        return today.replace(day=1), "Give the month as YYYY-MM, like 2026-11."
    if int(match[1]) < 2000:
        return today.replace(day=1), "Give a month from 2000 on."
    month = dt.date(int(match[1]), int(match[2]), 1)
    if month > today.replace(day=1):
        return today.replace(day=1), "That month hasn't started yet."
    return month, ""


def _month_end(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def mar_grid(pupil, month: dt.date, now=None) -> Mar:
    now = now or timezone.now()
    last = _month_end(month)
    start_at = slot_at(month, "00:00")
    end_at = slot_at(last + dt.timedelta(days=1), "00:00")
    doses = list(
        Administration.objects.filter(pupil=pupil)
        .filter(
            Q(given_at__gte=start_at, given_at__lt=end_at)
            | Q(due_at__gte=start_at, due_at__lt=end_at)
        )
        .select_related("given_by", "witness", "medicine")
        .order_by("given_at")
    )
    recorded = {d.medicine_id for d in doses}
    medicines = [
        m
        for m in Medicine.objects.filter(pupil=pupil, created__lt=end_at).order_by("name")
        if m.active or m.pk in recorded
    ]
    calendar = Calendar.load(pupil.school_id, month, last)
    days = []
    day = month
    while day <= last:
        days.append(Day(day, calendar.is_school_day(day)))
        day += dt.timedelta(days=1)
    rows = _rows(medicines, doses, days, now)
    as_needed = [d for d in doses if d.due_at is None and start_at <= d.given_at < end_at]
    away = [d for d in doses if d.due_at is not None and d.place]
    offline = [d for d in doses if d.due_at is not None and d.given_offline]
    return Mar(pupil, month, days, rows, as_needed, medicines, away, offline)


def _rows(medicines, doses, days, now) -> list[Row]:
    """A row per medicine and time: the medicine's times now, and any time a dose was
    recorded against this month, so a changed schedule never hides a dose already given."""
    by_slot = {(d.medicine_id, d.due_at): d for d in doses if d.due_at is not None}
    recorded_times = {}
    for d in doses:
        if d.due_at is not None:
            recorded_times.setdefault(d.medicine_id, set()).add(
                timezone.localtime(d.due_at).strftime("%H:%M")
            )
    rows = []
    for m in medicines:
        for t in sorted(set(m.times) | recorded_times.get(m.pk, set())):
            row = Row(medicine=m, time=t)
            for d in days:
                due = slot_at(d.day, t)
                record = by_slot.get((m.pk, due))
                state = _cell_state(m, d, due, record, now)
                row.cells.append(Cell(d.day, state, record))
                row.counts[state] = row.counts.get(state, 0) + 1
            rows.append(row)
    return rows


def _cell_state(medicine, day: Day, due, record, now) -> str:
    """What one cell shows: the record's outcome; else closed, not prescribed, missed
    (more than MISSED_AFTER past) or still due."""
    if record is not None:
        return record.outcome
    if not day.school_day:
        return "closed"
    if due < medicine.created or not medicine.active:
        # Not yet prescribed (added later that day or after), or stopped.
        return "none"
    if slot_missed(medicine, due, now):
        return "missed"
    return "due"


def for_page(grid: Mar) -> Mar:
    """Sets on the grid's days and cells the words the staff MAR page shows, once in
    Python: a month holds a few hundred cells, and a {% url %}, date filters and
    properties per cell were most of the page's time. Days get `title` ('Sunday 1
    November'), `num` and `dow` ('Su'); a cell with a record or a missed dose gets
    `day_text` ('1 Nov'), and one with a record `url`, `ini`, `by` and `at` (school time)."""
    paths = Paths()
    for d in grid.days:
        day = d.day
        d.title = f"{day:%A} {day.day} {day:%B}"
        d.num = day.day
        d.dow = f"{day:%a}"[:2]
    for row in grid.rows:
        for c in row.cells:
            record = c.record
            if record is None and c.state != "missed":
                continue
            c.day_text = f"{c.day.day} {c.day:%b}"
            if record is not None:
                c.url = paths("dose_detail", record.pk)
                c.ini = initials(record.given_by)
                c.by = str(record.given_by)
                c.at = f"{timezone.localtime(record.given_at):%H:%M}"
    return grid


def initials(user) -> str:
    return "".join(part[0] for part in str(user).split() if part)[:3].upper()
