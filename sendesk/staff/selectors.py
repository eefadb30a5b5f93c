"""Reads for the training register: who on a school's staff holds which training, and what
has expired or expires soon."""

import datetime as dt

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
