"""The offline key: handed to its own person, made on first ask, audited each time."""

from django.db import transaction
from django.utils import timezone

from sendesk.audit.models import SecurityEvent
from sendesk.audit.services import record_security

from .models import DeviceKey


def hand_out_key(*, user, request=None, via="api") -> DeviceKey:
    """The person's offline key (made the first time, the same every later time), and a
    row in the security trail saying it was handed out. Two servers asking at once for a
    new person make one key: the second insert fails on the primary key and reads the
    first (get_or_create)."""
    with transaction.atomic():
        key, made = DeviceKey.objects.get_or_create(user=user, defaults={"created": timezone.now()})
        record_security(
            SecurityEvent.Kind.OFFLINE_KEY, user=user, request=request, via=via, made=made
        )
    return key
