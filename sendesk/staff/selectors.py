"""Reads for the training register: who on a school's staff holds which training, and what
has expired or expires soon."""

import datetime as dt
from types import SimpleNamespace

from django.db.models import Prefetch

from sendesk.accounts.models import User
from sendesk.schools.models import Role

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


def training_register(school_id: int, day: dt.date, kinds=None) -> dict:
    """Each member of staff with their training records (each with `.status`), and the
    expired and expiring-soon lists. Two queries whatever the number of staff."""
    trainings = Training.objects.order_by("kind", "-completed_on")
    if kinds is not None:
        trainings = trainings.filter(kind__in=kinds)
    staff = list(school_staff(school_id).prefetch_related(Prefetch("training", queryset=trainings)))
    rows = []
    for person in staff:
        for row in person.training.all():
            row.status = status_of(row, day)
            row.user = person  # already loaded: no query for row.user
            rows.append(row)
    expired, expiring = warnings(rows, day)
    return {"staff": staff, "expired": expired, "expiring": expiring}


def my_training(user, day: dt.date) -> list[Training]:
    rows = list(Training.objects.filter(user=user).order_by("kind", "-completed_on"))
    for row in rows:
        row.status = status_of(row, day)
    return rows


# --- The register page -----------------------------------------------------------------

REGISTER_PAGE_SIZE = 30  # people a page
KIND_LABELS = dict(Training.Kind.choices)


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


def register_page(school_id: int, day: dt.date, q: str = "", kind: str = "") -> dict:
    """The register page's data, display-ready: the school's expired and expiring-soon
    lists (whatever the filters), and each person (found by part of their name) with
    their records (of `kind`, when given), for the pager. Two queries of values(), however
    many staff and records: the words and badges are worked out here, once per record."""
    staff = list(school_staff(school_id).values("pk", "full_name", "email"))
    people = {
        p["pk"]: SimpleNamespace(pk=p["pk"], full_name=p["full_name"] or p["email"], rows=[])
        for p in staff
    }
    records = (
        Training.objects.filter(user_id__in=[p["pk"] for p in staff])
        .order_by("kind", "-completed_on", "pk")
        .values_list("user_id", "kind", "course", "completed_on", "expires_on")
    )
    rows = []
    for user_id, kind_of, course, completed, expires in records:
        state = status_of(SimpleNamespace(completed_on=completed, expires_on=expires), day)
        badge, words = _badge(state, completed, expires)
        row = _Row(
            user_id=user_id,
            user=people[user_id],
            kind=kind_of,
            label=KIND_LABELS.get(kind_of, kind_of),
            course=course or "—",
            completed_on=completed,
            expires_on=expires,
            completed=_day(completed),
            expires=_day(expires) or "Does not expire",
            status=state,
            badge=badge,
            words=words,
        )
        rows.append(row)
        if not kind or kind_of == kind:
            people[user_id].rows.append(row)
    expired, expiring = warnings(rows, day)
    words = [w.casefold() for w in q.split()[:5]]
    shown = [p for p in people.values() if all(w in p.full_name.casefold() for w in words)]
    return {"people": shown, "expired": expired, "expiring": expiring}
