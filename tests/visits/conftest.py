"""Helpers for the trip tests: the world's adults trained for a trip, a trip planned
through the API, and a good trip (every check passing) to break one rule at a time."""

import datetime as dt

import pytest

from sendesk.consent.models import Consent
from sendesk.staff.models import Training
from tests.api.conftest import Api

# A Tuesday of the autumn term, the week after the world's today (Wed 18 Nov 2026).
TRIP_DAY = dt.date(2026, 11, 24)


@pytest.fixture
def api(client):
    return Api(client)


def train(user, kind, expires=dt.date(2028, 8, 31)):
    Training.objects.create(
        user=user, kind=kind, completed_on=dt.date(2026, 9, 1), expires_on=expires
    )


@pytest.fixture
def trained(world):
    """Bob: first aid, intimate care and medication (his positive handling expired in 2025).
    Hana: medication, positive handling and intimate care. Alice as the world has her
    (positive handling to 9 Jan 2027, medication, intimate care)."""
    w = world
    for kind in ("first_aid", "intimate_care", "medication"):
        train(w.bob, kind)
    for kind in ("medication", "positive_handling", "intimate_care"):
        train(w.hana, kind)
    trips_consent(w, w.ben, w.cara, w.dan)
    return w


def trips_consent(w, *pupils, decision="given", on=dt.date(2026, 9, 3)):
    """Issue 11: a parent's general consent to trips, from the paper form of September."""
    for pupil in pupils:
        Consent.objects.create(
            pupil=pupil, school_id=pupil.school_id, kind="trips", decision=decision, on=on,
            given_by_name="Parent (paper form)", recorded_by=w.senco,
            recorded_at=dt.datetime(2026, 9, 3, 16, tzinfo=dt.UTC),
        )  # fmt: skip


def body(w, **changes):
    """A good trip for Ben (1:1 with Alice; inhaler, a lunchtime tablet; toileting needing
    two trained adults; a behaviour plan) with Alice and Bob: every check passes."""
    data = {
        "date": TRIP_DAY.isoformat(),
        "start": "09:30",
        "end": "14:30",
        "destination": "Science Museum",
        "pupil_ids": [str(w.ben.pk)],
        "staff_ids": [w.alice.pk, w.bob.pk],
        "changing_facilities": True,
    }
    data.update(changes)
    return data


def checks_of(response) -> dict:
    assert response.status_code == 201, response.content
    return {c["rule"]: c for c in response.json()["checks"]}


def failing(response) -> set:
    return {rule for rule, c in checks_of(response).items() if not c["ok"]}


@pytest.fixture
def seeded(db, now, _shared):
    """Oakfield Primary as `make run` seeds it (shared: see tests/conftest.py)."""
    return _shared.get("seeded")
