"""Progress on targets over time: each target's ratings, for the pupil page's charts, the
parent page's words and the API. The charts read a target week by week, averaged in the
database, so a target rated every day for three years costs one query of at most a row a
week, never a row a rating."""

import datetime as dt

from django.db.models import Avg, Case, Count, FloatField, Value, When
from django.db.models.functions import TruncWeek

from .models import Rating, TargetRating

# The ratings as a scale, lowest first: a chart's levels and the words' order.
LEVELS = [value for value, _ in Rating.choices]
LEVEL_LABELS = [label for _, label in Rating.choices]
# How far back "over time" looks on a page: the plan's life, but no more than a year, so
# a plan running for three years shows this year's story at a readable scale.
WINDOW = dt.timedelta(days=365)


def window(plan_start: dt.date | None, today: dt.date) -> dt.date:
    """The first day a page's chart of a plan's target covers."""
    earliest = today - WINDOW
    return max(plan_start, earliest) if plan_start else earliest


def weekly(target_ids, since: dt.date, until: dt.date) -> dict:
    """{target id: [(Monday, mean level 0–4, ratings that week)]}, oldest week first. One
    query, grouped in the database."""
    if not target_ids:
        return {}
    level = Case(
        *[When(rating=value, then=Value(float(i))) for i, value in enumerate(LEVELS)],
        output_field=FloatField(),
    )
    rows = (
        TargetRating.objects.filter(
            target_id__in=target_ids, date__range=(since, until), rating__in=LEVELS
        )
        .annotate(week=TruncWeek("date"))
        .values("target_id", "week")
        .annotate(mean=Avg(level), n=Count("id"))
        .order_by("target_id", "week")
        .values_list("target_id", "week", "mean", "n")
    )
    out: dict = {}
    for target_id, week, mean, n in rows:
        # TruncWeek gives a datetime on some backends for a date column.
        monday = week.date() if isinstance(week, dt.datetime) else week
        out.setdefault(target_id, []).append((monday, mean, n))
    return out


def nearest(mean: float) -> int:
    """A week's average as the nearest rating (halves up: Python's round() would take
    1.5 and 2.5 both to 2)."""
    return int(mean + 0.5)


def level_label(mean: float) -> str:
    return LEVEL_LABELS[nearest(mean)]


def summary(weeks) -> dict | None:
    """What a run of weeks says in figures: where it started and where it is now (each a
    week's average, rounded to the nearest rating), how many weeks and ratings."""
    if not weeks:
        return None
    first, latest = weeks[0][1], weeks[-1][1]
    return {
        "first": level_label(first),
        "latest": level_label(latest),
        "moved": nearest(latest) - nearest(first),
        "since": weeks[0][0],
        "weeks": len(weeks),
        "count": sum(n for _, _, n in weeks),
    }


def ratings(target_ids, since: dt.date | None = None, until: dt.date | None = None) -> dict:
    """{target id: [(date, rating)]}, oldest first: every rating, for the API. One query."""
    rows = TargetRating.objects.filter(target_id__in=target_ids, rating__in=LEVELS)
    if since:
        rows = rows.filter(date__gte=since)
    if until:
        rows = rows.filter(date__lte=until)
    out: dict = {}
    for target_id, day, rating in rows.order_by("target_id", "date", "pk").values_list(
        "target_id", "date", "rating"
    ):
        out.setdefault(target_id, []).append((day, rating))
    return out
