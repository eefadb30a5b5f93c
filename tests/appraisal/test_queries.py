"""The appraisal page shows the year's evidence in a number of queries that does not grow
with the sessions, ratings, training and CPD behind it."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.appraisal.models import CpdEntry
from sendesk.provision.models import Session, SessionPupil, TargetRating

from .conftest import text


def _sessions(team, n, start):
    talk = team.ben.provisions.get(title="Talk Boost")
    target = talk.targets.first() or team.ben.plans.get(kind="ehcp").targets.first()
    for i in range(n):
        day = start + dt.timedelta(days=i)
        s = Session.objects.create(
            school=team.school, provision=talk, date=day, minutes=30, delivered=i % 4 != 3,
            missed_reason="" if i % 4 != 3 else "pupil_absent", delivered_by=team.alice,
            recorded_by=team.alice, recorded_at=dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC),
        )  # fmt: skip
        if s.delivered:
            sp = SessionPupil.objects.create(session=s, pupil=team.ben, provision=talk, date=day,
                                             minutes=30, attendance="present")  # fmt: skip
            TargetRating.objects.create(session_pupil=sp, target=target, rating="developing",
                                        date=day)  # fmt: skip
        CpdEntry.objects.create(school=team.school, user=team.alice, what=f"Course {i}",
                                done_on=day, hours=1, recorded_by=team.alice,
                                recorded_at=s.recorded_at)  # fmt: skip


def test_evidence_beside_the_review_in_flat_queries(appraisal, team, as_user):
    hana = as_user(team.hana)
    _sessions(team, 4, dt.date(2026, 10, 5))
    hana.get(f"/appraisal/{appraisal.pk}/")

    def count():
        with CaptureQueriesContext(connection) as queries:
            r = hana.get(f"/appraisal/{appraisal.pk}/")
        assert r.status_code == 200
        return len(queries), text(r)

    small, body = count()
    assert "3 (1.5 hours) with 1 pupil" in body and "pupil absent 1" in body
    assert "latest ratings: developing 1" in body
    _sessions(team, 12, dt.date(2026, 11, 2))
    large, body = count()
    assert "12 (6.0 hours)" in body
    assert large == small, (small, large)
    # No pupil is named in the evidence.
    assert "Ben Brown" not in body
