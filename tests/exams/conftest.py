"""Helpers for the exam tests: arrangements recorded as the SENCO would, an exam session on
the timetable, and a published deployment plan with an adult giving a pupil's EHC plan
1:1 hours (set up directly: the planner's own tests cover how plans are made)."""

import datetime as dt

import pytest
from django.utils import timezone

from sendesk.deployment.models import Assignment, Plan
from sendesk.exams import services as exams
from sendesk.provision.models import Provision
from tests.api.conftest import Api
from tests.world import AUTUMN_START, TODAY

# The day after the world's today (Wed 18 Nov 2026): a Thursday of the same week.
EXAM_DAY = TODAY + dt.timedelta(days=1)
T = dt.time


@pytest.fixture
def api(client):
    return Api(client)


def arrangement(w, pupil, kind, **extra):
    data = {
        "kind": kind,
        "assessor": "A. Morgan, specialist teacher",
        "assessed_on": dt.date(2026, 10, 5),
        "evidence": "Reading age well below chronological age (standardised score 78).",
        **extra,
    }
    return exams.arrangement_add(actor=w.senco, pupil_id=pupil.pk, data=data)


NINE_FIFTEEN, NINE_FORTY_FIVE = T(9, 15), T(9, 45)


def session(w, *, title="Spelling test", day=EXAM_DAY, start=NINE_FIFTEEN, end=NINE_FORTY_FIVE,
            rooms=("Hall", "Library")):  # fmt: skip
    return exams.session_create(
        actor=w.senco,
        data={"title": title, "series": "Practice", "date": day, "start": start, "end": end,
              "rooms": list(rooms)},
    )  # fmt: skip


def room(s, name):
    return s.rooms.get(name=name)


def seat(w, s, room_name, *pupils):
    exams.seat(actor=w.senco, session=s, pupil_ids=[p.pk for p in pupils],
               room_id=room(s, room_name).pk)  # fmt: skip


def allocate(w, s, staff, role="invigilator", room_name="Hall", pupil=None, reason=""):
    return exams.allocate(
        actor=w.senco, session=s,
        data={"staff_id": staff.pk, "role": role, "room_id": room(s, room_name).pk,
              "pupil_id": str(pupil.pk) if pupil else None, "confirm_reason": reason},
    )  # fmt: skip


def one_to_one_hours(w):
    """Ben's EHC plan promise of 1:1 adult hours (counted in hours, not sessions)."""
    return Provision.objects.create(
        pupil=w.ben, plan=w.plan, title="1:1 support in class", kind="one_to_one",
        source="ehcp_f", weekly_minutes=900, days="12345", start=AUTUMN_START,
    )  # fmt: skip


def published_plan(w, *rows):
    """The week's published plan with `rows` of (staff, kind, start, end, provision, pupils)
    on EXAM_DAY."""
    monday = EXAM_DAY - dt.timedelta(days=EXAM_DAY.weekday())
    plan = Plan.objects.create(
        school=w.school, week_start=monday, status="published", created_by=w.senco,
        created_at=timezone.now(), published_by=w.senco, published_at=timezone.now(),
    )  # fmt: skip
    for staff, kind, start, end, provision, pupils in rows:
        a = Assignment.objects.create(
            plan=plan, staff=staff, date=EXAM_DAY, start=start, end=end, kind=kind,
            provision=provision,
        )  # fmt: skip
        a.pupils.set(pupils)
    return plan


@pytest.fixture
def seeded(db, now, _shared):
    """Oakfield Primary as `make run` seeds it (shared: see tests/conftest.py)."""
    return _shared.get("seeded")
