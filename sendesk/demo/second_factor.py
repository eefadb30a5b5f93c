"""The demo's second factor: every demo login that must use one gets an authenticator
with the published demo secret (settings.DEMO_TOTP_SECRET), so that anyone trying the demo
can add it to an app and sign in as the SENCO or the head."""

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendesk.accounts.models import User
from sendesk.signin import mfa


def enrol_demo_logins(school, secret: str) -> list[str]:
    """Enrol the school's people who must use a second factor and have none (so a demo
    user who set up their own app keeps it). Returns the e-mail addresses of everyone at
    the school who needs one, enrolled now or before."""
    people = User.objects.filter(staff_roles__school=school).distinct().order_by("email")
    needing = [person for person in people if mfa.second_factor_required(person)]
    with transaction.atomic():
        have = set(
            TOTPDevice.objects.filter(user__in=needing, confirmed=True).values_list(
                "user_id", flat=True
            )
        )
        TOTPDevice.objects.bulk_create(
            TOTPDevice(
                user=person,
                name="Demo authenticator",
                key=mfa.totp_key(secret),
                confirmed=True,
            )
            for person in needing
            if person.pk not in have
        )
    return [person.email for person in needing]
