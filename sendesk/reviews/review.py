"""This app's own review sections (declared in ReviewsConfig.review_sections, gathered by
reviews.selectors.sections with every other app's): progress ratings over time per target,
the sessions delivered, and provision promised against delivered, over the review period.

Each is `section(pupil, since, until, *, for_parent=False) -> dict | None` (base10.md). The
queries are bounded by the period and grouped in the database, so a pupil with years of
history costs the same few queries as one with a term."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q, Sum

from sendesk.plans.models import Plan
from sendesk.provision.models import Attendance, Provision, Rating, SessionPupil, TargetRating
from sendesk.schools.calendar import Calendar

from . import charts

LEVELS = [value for value, _ in Rating.choices]
LEVEL_LABELS = [label for _, label in Rating.choices]


def _weekly(rows):
    """(monday, mean level) per week from (date, rating) rows: a chart of a year reads
    52 points however many sessions there were."""
    weeks = defaultdict(list)
    for day, rating in rows:
        weeks[day - dt.timedelta(days=day.weekday())].append(LEVELS.index(rating))
    return [(monday, sum(v) / len(v)) for monday, v in sorted(weeks.items())]


def ratings_over_time(pupil, since, until, *, for_parent=False):
    rows = TargetRating.objects.filter(
        session_pupil__pupil=pupil, date__range=(since, until), rating__in=LEVELS
    )
    if for_parent:
        # Behaviour plans stay off the parent pages, their targets too (family.selectors).
        rows = rows.exclude(target__plan__kind=Plan.Kind.IBP)
    rows = rows.order_by("target__plan__kind", "target__order", "target__text", "date").values_list(
        "target_id", "target__text", "date", "rating"
    )
    by_target, texts = defaultdict(list), {}
    for target_id, text, day, rating in rows:
        texts[target_id] = text
        by_target[target_id].append((day, rating))
    if not by_target:
        return None
    targets = []
    for target_id, ratings in by_target.items():
        first, latest = ratings[0][1], ratings[-1][1]
        targets.append(
            {
                "id": target_id,
                "text": texts[target_id],
                "count": len(ratings),
                "first": LEVEL_LABELS[LEVELS.index(first)],
                "latest": LEVEL_LABELS[LEVELS.index(latest)],
                "moved": LEVELS.index(latest) - LEVELS.index(first),
                "chart": charts.steps_chart(
                    _weekly(ratings),
                    LEVEL_LABELS,
                    since,
                    until,
                    f"Progress ratings for “{texts[target_id]}”, week by week",
                ),  # fmt: skip
            }
        )
    return {
        "key": "ratings",
        "title": "Progress on each target" if not for_parent else "How progress has changed",
        "order": 10,
        "template": "reviews/review_ratings.html",
        "context": {"targets": targets, "for_parent": for_parent},
    }


ATTENDED = (Attendance.PRESENT, Attendance.PARTIAL)


def sessions_delivered(pupil, since, until, *, for_parent=False):
    """Sessions per provision: had (fully or in part), absent or refused, and missed by
    the school (a session that did not happen), with minutes received a month."""
    rows = (
        SessionPupil.objects.filter(pupil=pupil, date__range=(since, until))
        .values("provision_id", "provision__title", "attendance", "session__delivered")
        .annotate(n=Count("id"), minutes=Sum("minutes"))
        .order_by("provision__title")
    )
    per = {}
    for row in rows:
        title = row["provision__title"] or "Other support"
        line = per.setdefault(title, {"title": title, "had": 0, "absent": 0, "missed": 0,
                                      "minutes": 0})  # fmt: skip
        if not row["session__delivered"]:
            line["missed"] += row["n"]
        elif row["attendance"] in ATTENDED:
            line["had"] += row["n"]
        else:
            line["absent"] += row["n"]
        line["minutes"] += row["minutes"] or 0
    if not per:
        return None
    for line in per.values():
        line["hours"] = round(line["minutes"] / 60, 1)
    months = (
        SessionPupil.objects.filter(pupil=pupil, date__range=(since, until))
        .values_list("date", "minutes")
        .order_by()
    )
    by_month = defaultdict(int)
    for day, minutes in months:
        by_month[day.replace(day=1)] += minutes
    bars = [(f"{m:%b}", round(v / 60, 1)) for m, v in sorted(by_month.items())]
    return {
        "key": "sessions",
        "title": "Sessions delivered",
        "order": 20,
        "template": "reviews/review_sessions.html",
        "context": {
            "lines": list(per.values()),
            "total_hours": round(sum(line["minutes"] for line in per.values()) / 60, 1),
            "chart": charts.bars_chart(bars, "Hours of support received each month", "h"),
            "for_parent": for_parent,
        },
    }


def promised_delivered(pupil, since, until, *, for_parent=False):
    """Each provision in force during the period: the minutes it promised on the school
    days it ran, and the minutes the pupil received."""
    provisions = list(
        Provision.objects.filter(pupil=pupil, start__lte=until)
        .filter(Q(end__isnull=True) | Q(end__gte=since))
        .order_by("start", "title")
    )
    if not provisions:
        return None
    received = dict(
        SessionPupil.objects.filter(
            pupil=pupil, provision__in=provisions, date__range=(since, until)
        )
        .values("provision_id")
        .annotate(m=Sum("minutes"))
        .values_list("provision_id", "m")
    )
    calendar = Calendar.load(pupil.school_id, since, until)
    lines = []
    for p in provisions:
        start, end = max(p.start, since), min(p.end or until, until)
        days = calendar.count(p.days, start, end) if end >= start else 0
        promised = round(p.minutes_per_day * days)
        delivered = received.get(p.pk) or 0
        lines.append(
            {
                "title": p.title,
                "how_much": p.how_much,
                "source": p.get_source_display(),
                "from": start,
                "to": end,
                "promised_hours": round(promised / 60, 1),
                "delivered_hours": round(delivered / 60, 1),
                "pct": round(100 * delivered / promised) if promised else None,
                "bar": min(round(100 * delivered / promised), 100) if promised else 0,
            }
        )
    return {
        "key": "delivery",
        "title": "Support promised and support given",
        "order": 30,
        "template": "reviews/review_delivery.html",
        "context": {"lines": lines, "for_parent": for_parent},
    }
