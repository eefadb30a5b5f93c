"""Reads for the head's second-factor page."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendesk.schools.models import Role, StaffRole

from . import mfa
from .models import SecondFactorPolicy


def policy_roles(school_id: int) -> list[str]:
    return (
        SecondFactorPolicy.objects.filter(school_id=school_id)
        .values_list("roles", flat=True)
        .first()
        or []
    )


def school_people(school_id: int, policy: list[str]) -> list[dict]:
    """Everyone with a role at the school: their roles, whether they must use a second
    factor and whether they have set one up. Two queries, however many people."""
    labels = dict(Role.choices)
    roles: dict[int, list[str]] = {}
    for user_id, role in StaffRole.objects.filter(school_id=school_id).values_list(
        "user_id", "role"
    ):
        roles.setdefault(user_id, []).append(role)
    people = (
        get_user_model()
        .objects.filter(pk__in=roles)
        .annotate(enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
    )
    return [
        {
            "user": person,
            "roles": sorted(labels[r] for r in roles[person.pk]),
            "required": person.is_staff
            or person.is_superuser
            or any(r in mfa.ALWAYS or r in policy for r in roles[person.pk]),
            "enrolled": person.enrolled,
        }
        for person in people.order_by("full_name", "email")
    ]


def school_person(school_id: int, user_id: int):
    """Someone with a role at the school, or None."""
    return (
        get_user_model()
        .objects.filter(pk=user_id, staff_roles__school_id=school_id)
        .distinct()
        .first()
    )
