"""What the product already holds about an appraisee's year, shown beside the review:
sessions they delivered and missed, how the targets of the pupils they worked with are
going (each target's latest rating), and their training and CPD. Counts only: no pupil is
named, so a line manager reads no pupil record through an appraisal. A fixed number of
queries, whatever the size of the year."""

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db.models import Count, OuterRef, Subquery, Sum
from django.utils import timezone

from sendesk.plans.models import Target
from sendesk.provision.models import MissedReason, Rating, Session, SessionPupil, TargetRating
from sendesk.staff.models import Training
from sendesk.staff.selectors import status_of

from .models import CpdEntry

MISSED_LABELS = dict(MissedReason.choices)
RATING_LABELS = dict(Rating.choices)
TARGET_LABELS = dict(Target.Status.choices)


def year_window(year: int, day: dt.date) -> tuple[dt.date, dt.date]:
    """1 September to 31 August of the school year, cut at `day`."""
    return dt.date(year, 9, 1), min(dt.date(year + 1, 8, 31), day)


def appraisal_evidence(appraisal, day: dt.date | None = None) -> dict:
    """Seven queries."""
    day = day or timezone.localdate()
    start, end = year_window(appraisal.year, day)
    person = appraisal.appraisee_id
    sessions = Session.objects.filter(
        school_id=appraisal.school_id, delivered_by_id=person, date__range=(start, end)
    )
    delivered = sessions.filter(delivered=True).aggregate(n=Count("pk"), minutes=Sum("minutes"))
    missed = dict(
        sessions.filter(delivered=False)
        .values_list("missed_reason")
        .annotate(n=Count("pk"))
        .values_list("missed_reason", "n")
    )
    pupils = (
        SessionPupil.objects.filter(session__in=sessions.filter(delivered=True))
        .values("pupil_id")
        .distinct()
        .count()
    )
    # The targets rated in their sessions, and where each target stands now: its latest
    # rating by anyone, and its status.
    rated = TargetRating.objects.filter(
        session_pupil__session__in=sessions.filter(delivered=True)
    ).values("target_id")
    latest = TargetRating.objects.filter(target_id=OuterRef("pk")).order_by("-date", "-pk")
    ratings, statuses = Counter(), Counter()
    for status, rating in (
        Target.objects.filter(pk__in=rated)
        .annotate(latest=Subquery(latest.values("rating")[:1]))
        .values_list("status", "latest")
    ):
        ratings[rating] += 1
        statuses[status] += 1
    training = list(Training.objects.filter(user_id=person).order_by("kind", "-completed_on"))
    for row in training:
        row.status = status_of(row, day)
    cpd = list(CpdEntry.objects.filter(user_id=person, done_on__range=(start, end)))
    return {
        "start": start,
        "end": end,
        "delivered": delivered["n"],
        "delivered_hours": round(Decimal(delivered["minutes"] or 0) / 60, 1),
        "missed": [(MISSED_LABELS.get(k, k), n) for k, n in sorted(missed.items())],
        "missed_total": sum(missed.values()),
        "pupils": pupils,
        "targets": sum(ratings.values()),
        "ratings": [(label, ratings[key]) for key, label in Rating.choices if ratings[key]],
        "statuses": [
            (label, statuses[key]) for key, label in Target.Status.choices if statuses[key]
        ],  # fmt: skip
        "training": training,
        "cpd": cpd,
        "cpd_hours": sum((e.hours for e in cpd), Decimal(0)),
    }
