"""The daily checks therapy declares (TherapyConfig.scheduled_checks), run once a day in
the background by the notifications app's scheduler."""

import datetime as dt

from django.urls import reverse

from sendesk.notifications.services import notify
from sendesk.schools.models import Role, StaffRole

from .selectors import overdue_referrals

KIND = "referral_overdue"


def referrals_overdue(today: dt.date) -> int:
    """Tell each school's SENCOs, and whoever sent it, of every referral to an agency past
    its timescale: once per referral (dedupe_key), however often the check runs. Returns
    how many referrals are overdue. The title names no pupil: the link does, through the
    access layer."""
    referrals = list(overdue_referrals(_schools_with_overdue(today), today))
    sencos: dict[int, set[int]] = {}
    for school_id, user_id in StaffRole.objects.filter(
        role=Role.SENCO, school_id__in={r.pupil.school_id for r in referrals}
    ).values_list("school_id", "user_id"):
        sencos.setdefault(school_id, set()).add(user_id)
    url = reverse("referral_list") + "?overdue=1"
    for referral in referrals:
        school_id = referral.pupil.school_id
        people = sencos.get(school_id, set()) | {referral.referred_by_id}
        notify(
            users=people,
            kind=KIND,
            title=f"A referral to {referral.agency or referral.who} is past its timescale "
            f"(expected by {referral.respond_by:%-d %B %Y})",
            url=f"{url}&school={school_id}",
            school_id=school_id,
            dedupe_key=f"referral-overdue:{referral.pk}",
        )
    return len(referrals)


def _schools_with_overdue(today):
    from .models import Referral, Status

    return (
        Referral.objects.filter(status=Status.SENT, respond_by__lt=today)
        .values_list("pupil__school_id", flat=True)
        .distinct()
    )
