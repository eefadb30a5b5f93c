"""The behaviour app's daily check (issue 11): restrictive interventions whose parents were
not told by the deadline. Run by the notifications app's daily run (scheduled_checks)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from sendesk.access import who_sees
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
            users=[*leaders.get(ri.school_id, ()), *who_sees([ri.recorded_by_id], ri.pupil, today)],
            kind="ri_parents_overdue",
            title=f"{ri.pupil.name}: parents not told of a "
            f"{ri.get_kind_display().lower()} by the deadline",
            url=reverse("intervention_detail", args=[ri.pk]),
            school_id=ri.school_id,
            dedupe_key=f"ri:{ri.pk}:parents",
        )
    return count
