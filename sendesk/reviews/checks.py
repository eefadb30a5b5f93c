"""The reviews app's daily check (issue 11): a review step due within the week, or
overdue. Run by the notifications app's daily run (scheduled_checks)."""

import datetime as dt

from django.urls import reverse

from sendesk.access import who_sees
from sendesk.notifications.services import notify
from sendesk.schools.models import Role, StaffRole

from . import statutory
from .models import ReviewMeeting
from .selectors import steps

# Reviews whose steps can be due today: notice is given weeks before the meeting and the
# report is sent weeks after it.
WINDOW = dt.timedelta(weeks=12)


def steps_due(today: dt.date) -> int:
    """Tell the SENCO(s) and whoever set the review up, once when a step is due within the
    week and once when it is overdue. Returns how many steps it told of."""
    reviews = (
        ReviewMeeting.objects.exclude(status=ReviewMeeting.Status.CANCELLED)
        .filter(date__gte=today - WINDOW, date__lte=today + WINDOW)
        .select_related("pupil")
    )
    sencos: dict = {}
    for school_id, user_id in StaffRole.objects.filter(
        role=Role.SENCO, user__is_active=True
    ).values_list("school_id", "user_id"):
        sencos.setdefault(school_id, set()).add(user_id)
    count = 0
    for review in reviews:
        for step in steps(review, today):
            if step.state not in (statutory.SOON, statutory.OVERDUE):
                continue
            count += 1
            when = "overdue" if step.state == statutory.OVERDUE else "due this week"
            notify(
                users=[
                    *sencos.get(review.school_id, ()),
                    *who_sees([review.created_by_id], review.pupil, today),
                ],  # fmt: skip
                kind="review_step_due",
                title=f"{review.pupil.name}: {step.label.lower()}: {when}",
                url=reverse("reviews_detail", args=[review.pk]),
                school_id=review.school_id,
                dedupe_key=f"review:{review.pk}:{step.key}:{step.state}",
            )
    return count
