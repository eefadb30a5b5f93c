"""Reads about plans that the SENCO overview shares. Targets' progress (ratings) and
delivery are provision's: provision.selectors."""

import datetime as dt

from django.db.models import Q

from .models import Plan

REVIEW_WINDOW_WEEKS = 4


def plans_due_for_review(school_id: int, day: dt.date, weeks: int = REVIEW_WINDOW_WEEKS):
    """Active plans whose review date is within `weeks` of `day`, or past: overdue first.
    Uses the (status, review_date) index."""
    return (
        Plan.objects.active()
        .filter(pupil__school_id=school_id, review_date__lte=day + dt.timedelta(weeks=weeks))
        # A leaver's plan is not reviewed here any more (issue 12).
        .filter(Q(pupil__left_on__isnull=True) | Q(pupil__left_on__gt=day))
        .select_related("pupil", "pupil__year_group")
        .order_by("review_date", "pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )
