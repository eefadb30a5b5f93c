"""The behaviour app's daily check (issue 11): restrictive interventions whose parents were
not told by the deadline. Run by the notifications app's daily run (scheduled_checks)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from sendesk.access import visible_pupils
from sendesk.notifications.services import notify
from sendesk.schools.models import Role, StaffRole

from .models import RestrictiveIntervention
from .selectors import with_notified


def parents_not_told(today: dt.date) -> int:
    """Tell the SENCO(s), the head(s) and whoever recorded it, once per intervention.
    Returns how many interventions are overdue."""
    overdue = with_notified(
        RestrictiveIntervention.objects.select_related("pupil"), timezone.now()
    ).filter(overdue=True)
    leaders: dict = {}
    for school_id, user_id in StaffRole.objects.filter(
        role__in=[Role.SENCO, Role.HEAD], user__is_active=True
    ).values_list("school_id", "user_id"):
        leaders.setdefault(school_id, set()).add(user_id)
    count = 0
    for ri in overdue:
        count += 1
        notify(
            users=[*leaders.get(ri.school_id, ()), *in_scope([ri.recorded_by_id], ri.pupil, today)],
            kind="ri_parents_overdue",
            title=f"{ri.pupil.name}: parents not told of a "
            f"{ri.get_kind_display().lower()} by the deadline",
            url=reverse("intervention_detail", args=[ri.pk]),
            school_id=ri.school_id,
            dedupe_key=f"ri:{ri.pk}:parents",
        )
    return count


def in_scope(user_ids, pupil, day: dt.date) -> list[int]:
    """Of `user_ids`, those who still have `pupil` in scope on `day` (the access layer's
    rules): the title names the pupil, so someone who has left the school or no longer
    works with the pupil is not told."""
    from sendesk.accounts.models import User

    people = User.objects.filter(pk__in={i for i in user_ids if i}, is_active=True)
    return [u.pk for u in people if visible_pupils(u, day).filter(pk=pupil.pk).exists()]
