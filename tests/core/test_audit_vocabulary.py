"""One vocabulary for the audit trail: AuditEvent.Action, in code and in the database."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change


def test_record_change_takes_only_an_action_member(world):
    with pytest.raises(TypeError):
        record_change(actor=world.senco, action="amend", obj=world.ben, school_id=world.school.pk)
    assert not AuditEvent.objects.exists()
    row = record_change(
        actor=world.senco, action=AuditEvent.Action.AMEND, obj=world.ben, school_id=world.school.pk
    )
    assert row.action == "amend"


def test_the_database_refuses_an_unknown_action(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.create(
            at=timezone.now(), actor=world.senco, school=world.school, action="amended",
            object_type="pupils.pupil", object_id=str(world.ben.pk),
        )  # fmt: skip


def test_the_constraint_lists_every_action():
    check = next(c for c in AuditEvent._meta.constraints if c.name == "audit_action_known")
    assert sorted(check.condition.children[0][1]) == sorted(AuditEvent.Action.values)
