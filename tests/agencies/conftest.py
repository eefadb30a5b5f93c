"""The agencies' people for these tests: an educational psychology service at the world's
school with one psychologist (Eve), a CAMHS service with one worker (Carl), and the
parents' consent rows written as the consent app stores them."""

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest
from django.utils import timezone

from sendesk.agencies.models import Agency, AgencyMember
from sendesk.consent.models import Consent, Decision, Kind
from sendesk.schools.models import Role, StaffRole
from sendesk.therapy import services
from tests.world import PASSWORD, TODAY

WEEK_AGO = TODAY - dt.timedelta(days=7)


def decide(world, pupil, kind, decision, agency, on=WEEK_AGO):
    """A parent's decision typed in from a paper form (the consent app's row)."""
    return Consent.objects.create(
        pupil=pupil,
        school_id=pupil.school_id,
        kind=kind,
        decision=decision,
        agency=agency,
        on=on,
        given_by_name="Mrs Clark (mother)",
        recorded_by=world.senco,
        recorded_at=timezone.now(),
    )


def professional(world, email, name, agency):
    from sendesk.accounts.models import User

    user = User.objects.create_user(email, PASSWORD, full_name=name)
    StaffRole.objects.create(user=user, school=world.school, role=Role.THERAPIST)
    AgencyMember.objects.create(agency=agency, user=user)
    return user


def referral_data(agency, **changes):
    data = {
        "agency": agency,
        "professional": None,
        "reason": "Assessment of learning needs",
        "sent_on": WEEK_AGO,
        "response_days": None,
        "shared_notes": "SHARED-MARK-7781: Cara works best in the morning.",
    }
    data.update(changes)
    return data


@pytest.fixture
def ag(world):
    """Eve (EP) has Cara referred with consent to share; Dan is referred to Eve but his
    parents never agreed to sharing with the EP service."""
    ep = Agency.objects.create(school=world.school, name="County EP Service", kind="ep",
                               response_days=42)  # fmt: skip
    camhs = Agency.objects.create(school=world.school, name="North CAMHS", kind="camhs",
                                  response_days=28)  # fmt: skip
    eve = professional(world, "ep@test.example", "Eve Psychologist", ep)
    carl = professional(world, "camhs@test.example", "Carl Camhs", camhs)
    for pupil in (world.cara, world.dan):
        decide(world, pupil, Kind.REFERRAL, Decision.GIVEN, ep)
    decide(world, world.cara, Kind.AGENCY, Decision.GIVEN, ep)
    cara_ref = services.agency_referral_create(
        actor=world.senco, pupil=world.cara, data=referral_data(ep, professional=eve)
    )
    dan_ref = services.agency_referral_create(
        actor=world.senco, pupil=world.dan, data=referral_data(ep, professional=eve)
    )
    return SimpleNamespace(ep=ep, camhs=camhs, eve=eve, carl=carl, cara_ref=cara_ref,
                           dan_ref=dan_ref)  # fmt: skip


@pytest.fixture
def missing(as_user):
    """missing(person, template) -> (status, body) for `template` with an id of nothing."""

    def body(person, template):
        response = as_user(person).get(template.format(uuid.uuid4()))
        return response.status_code, response.content

    return body
