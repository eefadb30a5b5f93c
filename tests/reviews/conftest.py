"""Helpers for the review tests: Ben's EHC plan booked for an annual review, a history of
sessions with ratings, and PDF text read back with pypdf."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from sendesk.provision.models import Session, SessionPupil, TargetRating
from sendesk.reviews import services
from tests.api.conftest import Api

# The world's today is Wednesday 18 November 2026. The meeting two weeks on; a past one
# on the Monday of this week.
MEETING = dt.date(2026, 12, 2)
PAST_MEETING = dt.date(2026, 11, 16)


@pytest.fixture
def api(client):
    return Api(client)


def book(w, *, date=MEETING, kind="annual", plan=None, actor=None):
    return services.review_schedule(
        actor=actor or w.senco, plan=plan or w.plan, kind=kind, date=date
    )


def sessions(w, days, *, rating="developing", provision=None, target=None, minutes=30):
    """Delivered sessions of Ben's Talk Boost (by Alice), each rating target t1. Seed
    history, as the demo writes it."""
    provision = provision or w.talk
    target = target or w.t1
    for day in days:
        s = Session.objects.create(
            school=w.school, provision=provision, date=day, minutes=minutes, delivered=True,
            delivered_by=w.alice, recorded_by=w.alice, recorded_at=dt.datetime(
                day.year, day.month, day.day, 15, 0, tzinfo=dt.UTC),
        )  # fmt: skip
        sp = SessionPupil.objects.create(
            session=s, pupil=w.ben, provision=provision, attendance="present", date=day,
            minutes=minutes, response=4,
        )  # fmt: skip
        TargetRating.objects.create(session_pupil=sp, target=target, rating=rating, date=day)


def school_days(start, end):
    day, out = start, []
    while day <= end:
        if day.weekday() < 5 and not dt.date(2026, 10, 26) <= day <= dt.date(2026, 10, 30):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def record_data(w, **changes):
    data = {
        "summary": "Ben has made good progress with his sentences.",
        "recommendation": "maintain",
        "next_review_date": dt.date(2027, 11, 1),
        "attendees": [
            {"name": "Pat Parent", "role": "Mother", "attended": True},
            {"name": "Sam Senco", "role": "SENCO", "attended": True},
        ],
        "progress": {str(w.t1.pk): "Uses 3-word sentences most days."},
    }
    data.update(changes)
    return data
