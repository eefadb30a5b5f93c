import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from sendesk.provision.models import Session
from sendesk.provision.services import PupilRecord, session_record

from ..world import TODAY


def test_a_session_cannot_be_deleted(world):
    w = world
    session, _ = session_record(
        actor=w.alice,
        client_id=uuid.uuid4(),
        provision_id=w.talk.pk,
        date=TODAY,
        minutes=30,
        delivered=True,
        pupils=[PupilRecord(pupil_id=w.ben.pk, attendance="present")],
    )
    # The ORM refuses: the pupil record protects the session, the session the provision.
    with pytest.raises(ProtectedError):
        session.delete()
    with pytest.raises(ProtectedError):
        w.talk.delete()
    if connection.vendor == "postgresql":
        # And the database refuses a raw DELETE too.
        with pytest.raises(IntegrityError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM provision_sessionpupil")
    assert Session.objects.filter(pk=session.pk).exists()
