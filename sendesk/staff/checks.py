"""The staff app's daily check (issue 11): training that expires within the month with no
newer record of the same course. Run by the notifications app's daily run."""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse

from sendesk.notifications.services import notify
from sendesk.schools.models import StaffRole

from .models import Training

AHEAD = dt.timedelta(days=30)


def training_expiring(today: dt.date) -> int:
    """Tell the person whose training it is, once a record. Returns how many records."""
    renewed = Training.objects.filter(
        user=OuterRef("user"), kind=OuterRef("kind"), expires_on__gt=OuterRef("expires_on")
    )
    expiring = (
        Training.objects.filter(expires_on__gte=today, expires_on__lte=today + AHEAD)
        .exclude(Exists(renewed))
        .filter(user__is_active=True)
    )
    school_of = dict(StaffRole.objects.values_list("user_id", "school_id").order_by("-id"))
    count = 0
    for training in expiring:
        count += 1
        notify(
            users=[training.user_id],
            kind="training_expiring",
            title=f"Your {training.get_kind_display().lower()} training expires on "
            f"{training.expires_on:%-d %B %Y}",
            url=reverse("my_training"),
            school_id=school_of.get(training.user_id),
            dedupe_key=f"training:{training.pk}:expiring",
        )
    return count
