import datetime as dt

import pytest
from django.utils import timezone

from sendesk.accounts.models import User
from sendesk.provision.models import Provision, Session, SessionPupil
from sendesk.schools.models import Role, StaffRole, TrustRole
from tests.behaviour.conftest import intervention, page_queries, text  # noqa: F401
from tests.world import PASSWORD, TODAY

# The Monday of the world's week (TODAY is a Wednesday).
MONDAY = TODAY - dt.timedelta(days=TODAY.weekday())


@pytest.fixture
def trust_senco(world):
    """Tina: Trust SENCO of the world's trust, and SENCO at Test Primary only."""
    tina = User.objects.create_user("tina@test.example", PASSWORD, full_name="Tina Trust")
    TrustRole.objects.create(user=tina, trust=world.trust, role="trust_senco")
    StaffRole.objects.create(user=tina, school=world.school, role=Role.SENCO)
    return tina


@pytest.fixture
def trust_lead(world):
    """Lee: Trust lead of the world's trust, with no role at any school."""
    lee = User.objects.create_user("lee@test.example", PASSWORD, full_name="Lee Lead")
    TrustRole.objects.create(user=lee, trust=world.trust, role="trust_lead")
    return lee


def provision(pupil, title, *, days="12345", weekly=150, start=MONDAY, **fields):
    return Provision.objects.create(
        pupil=pupil,
        title=title,
        kind="one_to_one",
        source="sen_support",
        sessions_per_week=len(days),
        session_minutes=weekly // len(days),
        weekly_minutes=weekly,
        days=days,
        start=start,
        **fields,
    )


def delivered(provision, day, minutes, by):
    """A session of `minutes` delivered to the provision's pupil on `day`."""
    session = Session.objects.create(
        school_id=provision.pupil.school_id,
        provision=provision,
        date=day,
        minutes=minutes,
        delivered=True,
        delivered_by=by,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    SessionPupil.objects.create(
        session=session,
        pupil=provision.pupil,
        provision=provision,
        date=day,
        minutes=minutes,
        attendance="present",
    )
    return session
