"""Helpers for the therapy tests: sessions recorded as a TA records them, programmes set
through the service, the API client, a query counter and the body of a missing page."""

import html
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.provision.services import PupilRecord, session_record
from sendesk.therapy import services
from tests.api.conftest import Api
from tests.world import TODAY

NOTE = "NOTE-MARK-4412"


def text(response) -> str:
    """The body as a reader sees it (entities decoded)."""
    return html.unescape(response.content.decode())


def queries(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def record():
    """record(actor, provision, **pupil fields) -> a Session saved through the service."""

    def make(
        actor, provision, *, day=TODAY, minutes=30, delivered=True, missed_reason="",
        missed_note="", **rec,
    ):  # fmt: skip
        fields = {"attendance": "present"} if delivered else {}
        fields.update(rec)
        session, _ = session_record(
            actor=actor,
            client_id=uuid.uuid4(),
            provision_id=provision.pk,
            date=day,
            minutes=minutes,
            delivered=delivered,
            missed_reason=missed_reason,
            missed_note=missed_note,
            pupils=[PupilRecord(pupil_id=provision.pupil_id, **fields)],
        )
        return session

    return make


PROGRAMME = {
    "title": "Core vocabulary",
    "goals": "Names 20 classroom objects",
    "activities": "Picture lotto, then naming in the classroom",
    "sessions_per_week": 2,
    "session_minutes": 20,
    "days": "25",
    "source": "sen_support",
}


@pytest.fixture
def new_programme(world):
    """new_programme(referral=world.referral, **changes) -> a Programme Theo set."""

    def make(referral=None, **changes):
        referral = referral or world.referral
        return services.programme_create(
            actor=referral.therapist, referral=referral, data={**PROGRAMME, **changes}
        )

    return make


@pytest.fixture
def missing(as_user):
    """missing(person, template) -> (status, body) for `template` with an id of nothing."""

    def body(person, template):
        response = as_user(person).get(template.format(uuid.uuid4()))
        return response.status_code, response.content

    return body
