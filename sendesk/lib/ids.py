"""Ids from outside (forms, JSON). The client_id idempotency check, which needs the
pupil's scope, is sendesk.access.stored_under."""

import uuid


def parse_uuid(value, field_name=None, errors=None):
    """`value` as a UUID, or None; the message goes to errors[field_name] when given."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        if errors is not None and field_name:
            errors[field_name] = "This is not a valid id."
        return None
