"""Ids from outside (forms, JSON) and client_id idempotency, shared by every service that
records evidence from a device."""

import uuid

from .errors import ServiceError


def parse_uuid(value, field_name=None, errors=None):
    """`value` as a UUID, or None; the message goes to errors[field_name] when given."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        if errors is not None and field_name:
            errors[field_name] = "This is not a valid id."
        return None


def stored_under(actor, model, client_id, *, pupils_of=None):
    """The record of `model` stored under `client_id`, if any. The same device sending
    again gets it back; a client_id already used for a pupil outside the actor's scope is a
    conflict (409) that says nothing of the record. `pupils_of(record)` gives the record's
    pupil ids; by default its `pupil_id`. Costs one or two queries."""
    from sendesk import access

    record = model.objects.filter(client_id=client_id).first()
    if record is None:
        return None
    pupil_ids = pupils_of(record) if pupils_of else [record.pupil_id]
    if not access.visible_pupils(actor).filter(pk__in=pupil_ids).exists():
        raise ServiceError({"client_id": "This client_id is already used by another record."}, 409)
    return record
