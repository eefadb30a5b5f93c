import uuid

import pytest

from sendesk.provision.services import PupilRecord, session_record
from tests.world import TODAY


@pytest.fixture
def record():
    """record(actor, provision, **pupil fields) -> a Session saved through the service."""

    def make(actor, provision, *, day=TODAY, minutes=30, delivered=True, missed_reason="", **rec):
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
            pupils=[PupilRecord(pupil_id=provision.pupil_id, **fields)],
        )
        return session

    return make
