"""Reads for the training register: who on a school's staff holds which training, and what
has expired or expires soon."""

import datetime as dt
from functools import lru_cache
from types import SimpleNamespace

from django.db.models import Exists, OuterRef, Q

from sendesk.accounts.models import User
from sendesk.schools.models import Role, StaffRole

from .models import Training

# Training expiring within this many days is "expiring soon".
WARN_DAYS = 30


def school_staff(school_id: int):
    """Everyone holding a school role at the school (external therapists are not school
    staff), by name. No query until evaluated."""
    return (
        User.objects.filter(staff_roles__school_id=school_id, is_active=True)
        .exclude(staff_roles__school_id=school_id, staff_roles__role=Role.THERAPIST)
        .distinct()
        .order_by("full_name", "pk")
    )


def status_of(row: Training, day: dt.date) -> str:
    """'current', 'expiring' (within WARN_DAYS), 'expired' or 'future' (not yet done)."""
    if row.completed_on > day:
        return "future"
    if row.expires_on is None:
        return "current"
    if row.expires_on < day:
        return "expired"
    if row.expires_on <= day + dt.timedelta(days=WARN_DAYS):
        return "expiring"
    return "current"


def _best(rows):
    """The record that counts for each (person, kind): the one that runs longest."""
    best: dict[tuple, Training] = {}
    for row in rows:
        key = (row.user_id, row.kind)
        held = best.get(key)
        if held is None:
            best[key] = row
        elif held.expires_on is not None and (
            row.expires_on is None or row.expires_on > held.expires_on
        ):
            best[key] = row
    return best


def warnings(rows, day: dt.date):
    """(expired, expiring): for each person and kind, the record that counts, when it has
    expired (and nothing newer is current) or expires within WARN_DAYS."""
    expired, expiring = [], []
    for row in _best(r for r in rows if r.completed_on <= day).values():
        state = status_of(row, day)
        if state == "expired":
            expired.append(row)
        elif state == "expiring":
            expiring.append(row)
    key = lambda r: (r.expires_on, r.user.full_name, r.kind)  # noqa: E731
    return sorted(expired, key=key), sorted(expiring, key=key)


def my_training(user, day: dt.date) -> list[Training]:
    rows = list(Training.objects.filter(user=user).order_by("kind", "-completed_on"))
    for row in rows:
        row.status = status_of(row, day)
    return rows


# --- The register page -----------------------------------------------------------------

REGISTER_PAGE_SIZE = 30  # people a page
KIND_LABELS = dict(Training.Kind.choices)


@lru_cache(maxsize=2048)
def _day(value: dt.date | None) -> str:
    # "j M Y" without a template filter call per cell: the register has hundreds.
    return f"{value.day} {value:%b %Y}" if value else ""


def _badge(state: str, completed: dt.date, expires: dt.date | None) -> tuple[str, str]:
    """(badge class, words) for a record's status, as staff/_status.html says them."""
    if state == "expired":
        return "bad", f"Expired {_day(expires)}"
    if state == "expiring":
        return "warn", f"Expires {_day(expires)}"
    if state == "future":
        return "", f"Starts {_day(completed)}"
    return "ok", f"Current to {_day(expires)}" if expires else "Current"


class _Row(SimpleNamespace):
    """A training record as the register shows it; has what warnings() and status_of()
    read (user_id, kind, completed_on, expires_on, user.full_name)."""

    def get_kind_display(self):
        return self.label


def _records(school_id: int, day: dt.date, kinds=None):
    """(people by id, records): the school's staff and their training records as _Rows,
    by kind then newest first. Two queries of values(), however many staff and records."""
    staff = list(school_staff(school_id).values("pk", "full_name", "email"))
    people = {
        p["pk"]: SimpleNamespace(pk=p["pk"], full_name=p["full_name"] or p["email"], rows=[])
        for p in staff
    }
    records = Training.objects.filter(user_id__in=list(people))
    if kinds is not None:
        records = records.filter(kind__in=kinds)
    rows = []
    for user_id, kind, course, completed, expires in records.order_by(
        "kind", "-completed_on", "pk"
    ).values_list("user_id", "kind", "course", "completed_on", "expires_on"):
        state = status_of(SimpleNamespace(completed_on=completed, expires_on=expires), day)
        badge, words = _badge(state, completed, expires)
        rows.append(
            _Row(
                user_id=user_id,
                user=people[user_id],
                kind=kind,
                label=KIND_LABELS.get(kind, kind),
                course=course or "—",
                completed_on=completed,
                expires_on=expires,
                completed=_day(completed),
                expires=_day(expires) or "Does not expire",
                status=state,
                badge=badge,
                words=words,
            )
        )
    return people, rows


def training_register(school_id: int, day: dt.date, kinds=None) -> dict:
    """The expired and expiring-soon lists of the school's staff (of `kinds`, when
    given): records with `.user.full_name`, `.get_kind_display()`, `.expires_on` and
    `.status`. Two queries whatever the number of staff."""
    _, rows = _records(school_id, day, kinds)
    expired, expiring = warnings(rows, day)
    return {"expired": expired, "expiring": expiring}


def register_page(school_id: int, day: dt.date, q: str = "", kind: str = "") -> dict:
    """The register page's data, display-ready: the school's expired and expiring-soon
    lists (whatever the filters), and each person (found by part of their name) with
    their records (of `kind`, when given), for the pager. Two queries; the words and
    badges are worked out here, once per record, not looked up in the template."""
    people, rows = _records(school_id, day)
    for row in rows:
        if not kind or row.kind == kind:
            row.user.rows.append(row)
    expired, expiring = warnings(rows, day)
    words = [w.casefold() for w in q.split()[:5]]
    shown = [p for p in people.values() if all(w in p.full_name.casefold() for w in words)]
    return {"people": shown, "expired": expired, "expiring": expiring}


# --- Across a trust's schools (issue 13) ---------------------------------------------------


def training_across(school_ids, day: dt.date) -> dict[int, dict]:
    """School id -> {"expired": [...], "expiring": [...]} (as training_register) for the
    staff of each of `school_ids`: someone on the staff of two schools counts at both.
    Two queries whatever the number of schools (the records that can warn, then who holds
    them and where)."""
    school_ids = list(school_ids)
    roles = StaffRole.objects.filter(school_id__in=school_ids, user__is_active=True).exclude(
        role=Role.THERAPIST
    )
    # Only the (person, kind) pairs that can warn: a pair holding a record that is current
    # beyond WARN_DAYS (or never expires) counts as current whatever else it holds
    # (warnings() takes the longest-running record), so its rows are left in the database.
    # Across thirty schools that is a few dozen rows to weigh rather than every record,
    # and only their holders' names are read, not the whole staff's.
    horizon = day + dt.timedelta(days=WARN_DAYS)
    current = Training.objects.filter(
        user_id=OuterRef("user_id"), kind=OuterRef("kind"), completed_on__lte=day
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gt=horizon))
    records = list(
        # The staff as a subquery, not thousands of ids as parameters (slow to build).
        Training.objects.filter(user_id__in=roles.values("user_id"), completed_on__lte=day)
        .exclude(Exists(current))
        .values_list("user_id", "kind", "completed_on", "expires_on")
    )
    people, schools_of = {}, {}
    holders = {user_id for user_id, *_ in records}
    staff = roles.filter(user_id__in=list(holders)) if holders else roles.none()
    for school_id, user_id, name, email in staff.values_list(
        "school_id", "user_id", "user__full_name", "user__email"
    ).distinct():
        people[user_id] = SimpleNamespace(pk=user_id, full_name=name or email)
        schools_of.setdefault(user_id, set()).add(school_id)
    rows_by_school = {school_id: [] for school_id in school_ids}
    for user_id, kind, completed, expires in records:
        if user_id not in people:
            continue  # left the staff between the two queries: not theirs to count now
        row = _Row(
            user_id=user_id,
            user=people[user_id],
            kind=kind,
            label=KIND_LABELS.get(kind, kind),
            completed_on=completed,
            expires_on=expires,
        )
        for school_id in schools_of[user_id]:
            rows_by_school[school_id].append(row)
    found = {}
    for school_id, rows in rows_by_school.items():
        expired, expiring = warnings(rows, day)
        found[school_id] = {"expired": expired, "expiring": expiring}
    return found
