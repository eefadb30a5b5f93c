"""The records app's daily check (RecordsConfig.scheduled_checks): what has come due for
disposal or, for safeguarding records, for the DSL's review. Tells the head and DPO of
what they may confirm, the DSL of what they must review; once for each pupil × kind and
state (dedupe_key), so a record left on the list is not announced every day."""

import datetime as dt

from django.urls import reverse

from sendesk.notifications.services import notify
from sendesk.schools.models import Role, StaffRole

from . import retention


def _people(roles) -> dict:
    table: dict = {}
    for school_id, user_id in StaffRole.objects.filter(
        role__in=roles, user__is_active=True
    ).values_list("school_id", "user_id"):
        table.setdefault(school_id, set()).add(user_id)
    return table


def retention_due(today: dt.date) -> int:
    """Notify who decides of each item due today. Returns how many items it found."""
    deciders = _people([Role.HEAD, Role.DPO])
    reviewers = _people([Role.DSL])
    schools = set(deciders) | set(reviewers)
    url = reverse("retention_due")
    count = 0
    for item in retention.due(schools, today):
        if item.hold is not None:
            continue  # on legal hold: nothing to decide until it is lifted
        count += 1
        school_id = item.pupil.school_id
        if item.state == "review":
            users, what = reviewers.get(school_id, ()), "due for the DSL's review"
        else:
            users, what = deciders.get(school_id, ()), "due for disposal"
        notify(
            users=users,
            kind="retention_due",
            title=f"{item.pupil.name}: {item.label.lower()} {what}",
            url=url,
            school_id=school_id,
            dedupe_key=f"retention:{item.pupil.pk}:{item.kind}:{item.state}",
        )
    return count
