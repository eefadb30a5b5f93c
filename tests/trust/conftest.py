import datetime as dt
import html
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sendesk.accounts.models import User
from sendesk.behaviour import services as behaviour
from sendesk.provision.models import Provision, Session, SessionPupil
from sendesk.schools.models import Role, StaffRole, TrustRole
from tests.world import PASSWORD, TODAY

# The Monday of the world's week (TODAY is a Wednesday).
MONDAY = TODAY - dt.timedelta(days=TODAY.weekday())


def text(response) -> str:
    """The body as a reader sees it (entities decoded)."""
    return html.unescape(response.content.decode())


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


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


def intervention(actor, pupil, started_at, staff):
    record, _ = behaviour.intervention_record(
        actor=actor,
        client_id=uuid.uuid4(),
        pupil_id=pupil.pk,
        staff=[(staff.pk, "lead")],
        kind="restraint",
        started_at=started_at,
        duration_minutes=4,
        location="Corridor by the hall",
        before="Ran at another pupil with a chair raised",
        deescalation="Calm voice, offered the calm corner, cleared the corridor",
        holds="Team Teach single elbow, walked to the calm room",
        reason="Imminent risk of injury to another pupil",
    )
    return record
