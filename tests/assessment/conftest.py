"""A reading intervention for the assessment tests: Ben and Dan (both 3A) in one group,
"Reading boost", 3 × 30 min (Mon, Wed, Fri) from 7 September, measured with a
standardised reading score (exit criterion 85). Sessions are recorded once for the group
under Ben's provision, each pupil's own provision on their record (as the session form
does): Ben attends every session; Dan only on Mondays, so he receives one session a week,
below the EEF's 3 to 5. The world's 'today' is Wed 18 Nov 2026."""

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest

from sendesk.provision.models import Measure, Provision, Session, SessionPupil
from tests.api.conftest import Api

START = dt.date(2026, 9, 7)
HALF_TERM = (dt.date(2026, 10, 26), dt.date(2026, 10, 30))
LAST = dt.date(2026, 11, 13)


def _reading_provision(pupil, measure):
    return Provision.objects.create(
        pupil=pupil,
        title="Reading boost",
        kind="group",
        source="sen_support",
        sessions_per_week=3,
        session_minutes=30,
        weekly_minutes=90,
        days="135",
        group_size=2,
        start=START,
        end=dt.date(2026, 12, 18),
        measure=measure,
    )


def school_days(first, last, weekdays=(0, 2, 4)):
    day = first
    while day <= last:
        if day.weekday() in weekdays and not HALF_TERM[0] <= day <= HALF_TERM[1]:
            yield day
        day += dt.timedelta(days=1)


@pytest.fixture
def reading(world):
    w = world
    measure = Measure.objects.create(
        school=w.school,
        name="Reading (standardised)",
        kind="standardised",
        min_score=40,
        max_score=160,
        exit_score=85,
    )
    spelling = Measure.objects.create(
        school=w.school, name="Spelling test", kind="count", min_score=0, max_score=20
    )
    Measure.objects.create(
        school=w.other, name="Other school's reading", kind="standardised", min_score=40,
        max_score=160,
    )  # fmt: skip
    ben_p = _reading_provision(w.ben, measure)
    dan_p = _reading_provision(w.dan, measure)
    recorded = dt.datetime(2026, 9, 7, 12, 0, tzinfo=dt.UTC)
    for day in school_days(START, LAST):
        session = Session.objects.create(
            school=w.school, provision=ben_p, date=day, minutes=30, delivered=True,
            delivered_by=w.tess, recorded_by=w.tess, recorded_at=recorded,
        )  # fmt: skip
        dan_there = day.weekday() == 0
        SessionPupil.objects.bulk_create(
            [
                SessionPupil(session=session, pupil=w.ben, provision=ben_p, attendance="present",
                             date=day, minutes=30),
                SessionPupil(session=session, pupil=w.dan, provision=dan_p,
                             attendance="present" if dan_there else "absent", date=day,
                             minutes=30 if dan_there else 0),
            ]
        )  # fmt: skip
    return SimpleNamespace(measure=measure, spelling=spelling, ben=ben_p, dan=dan_p)


@pytest.fixture
def api(client):
    return Api(client)


def assessment_body(pupil, measure, **changes):
    body = {
        "client_id": str(uuid.uuid4()),
        "pupil_id": str(pupil.pk),
        "measure_id": measure.pk,
        "kind": "routine",
        "score": 12,
        "date": "2026-11-16",
    }
    body.update(changes)
    return body
