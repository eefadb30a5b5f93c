"""Sections for the review meeting and the annual review pack (the reviews app gathers
every app's `review_sections` through the registry). Each returns the template and its
context, or None when there is nothing to show. The templates have no script and draw
their charts as inline SVG, so they render alike on the review page and in the PDF.

The caller has already decided the reader may see the pupil; nothing here is from
behind the safeguarding wall."""

from django.utils import timezone

from . import selectors
from .models import EngagementArea
from .services import scale_of
from .views import area_charts, trend_chart


def assessments_section(pupil, since, until, *, for_parent: bool = False) -> dict | None:
    """Interventions' entry and exit scores with their gain and dosage, and routine tests'
    trends, from `since` to `until`."""
    impacts = selectors.pupil_impacts(pupil, since, until)
    trends = selectors.pupil_scores(pupil, since, until)
    if not impacts and not trends:
        return None
    for i, trend in enumerate(trends):
        trend.chart = trend_chart(trend, f"review-{i}")
    return {
        "key": "assessments",
        "title": "Assessments and interventions" if not for_parent else "Tests and extra help",
        "order": 40,
        "template": "assessment/review_assessments.html",
        "context": {
            "pupil": pupil,
            "impacts": impacts,
            "trends": trends,
            "for_parent": for_parent,
            "since": since,
            "until": until,
        },
    }


def _area_story(observations) -> list[dict]:
    """Per area: how established it was first and last seen in the window, in words."""
    first, last, counts = {}, {}, {}
    for obs in observations:  # oldest first
        for entry in obs.entries.all():
            name = obs.scale[entry.level - 1] if entry.level <= len(obs.scale) else ""
            first.setdefault(entry.area, name)
            last[entry.area] = name
            counts[entry.area] = counts.get(entry.area, 0) + 1
    return [
        {"label": label, "first": first.get(area), "last": last.get(area),
         "count": counts.get(area, 0)}
        for area, label in EngagementArea.choices
    ]  # fmt: skip


def engagement_section(pupil, since, until, *, for_parent: bool = False) -> dict | None:
    """The Engagement Model: a chart per area over the window and, in words, where each
    area started and ended."""
    observations = selectors.engagement(pupil, since, until)
    if not observations:
        return None
    return {
        "key": "engagement",
        "title": "The Engagement Model" if not for_parent else "How your child engages",
        "order": 45,
        "template": "assessment/review_engagement.html",
        "context": {
            "pupil": pupil,
            "observations": observations,
            "count": len(observations),
            "areas": _area_story(observations),
            "charts": area_charts(observations, scale_of(pupil.school_id)),
            "for_parent": for_parent,
            "since": since,
            "until": until,
            "latest": timezone.localtime(observations[-1].observed_at).date(),
        },
    }
