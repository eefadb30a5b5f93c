"""Background work of the medication app, run by the task worker (manage.py db_worker)."""

import datetime as dt
import logging

from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change
from sendesk.lib.inputs import plain
from sendesk.pupils.leavers import leaver_writes_allowed

from . import notify
from .models import Administration

log = logging.getLogger(__name__)

# A mail server that is down is tried again after these waits (minutes), then given up
# on: the dose page keeps saying nobody has been e-mailed, for the SENCO to phone.
RETRY_AFTER_MINUTES = (1, 5, 30, 120)


@task()
def tell_about_emergency_dose(administration_id: str, attempt: int = 1) -> int:
    """E-mail the SENCO(s) and the parents about an emergency dose and note when
    (Administration.notified_at); returns the number of messages sent. A mail server
    that is down fails this attempt (its result keeps the error, and the log says so) and
    queues the next one after a longer wait; the record itself was committed long before."""
    record = Administration.objects.select_related("medicine", "medicine__pupil", "given_by").get(
        pk=administration_id
    )
    if record.notified_at is not None:
        return 0  # an earlier attempt got through
    messages = notify.emergency_messages(record)
    try:
        sent = get_connection().send_messages(messages) or 0
    except Exception:
        log.exception(
            "Emergency dose %s: the e-mails could not be sent (attempt %s)", record.pk, attempt
        )
        if attempt <= len(RETRY_AFTER_MINUTES):
            wait = dt.timedelta(minutes=RETRY_AFTER_MINUTES[attempt - 1])
            tell_about_emergency_dose.using(run_after=timezone.now() + wait).enqueue(
                administration_id, attempt + 1
            )
        raise
    sent_at = timezone.now()
    # A change to the dose record like any other: audited with it (by nobody: the worker).
    # Let through if the pupil has left since: it completes a dose given while on roll, and
    # refusing would leave sent e-mails unrecorded.
    with transaction.atomic(), leaver_writes_allowed():
        Administration.objects.filter(pk=record.pk).update(notified_at=sent_at)
        record_change(
            actor=None, action=AuditEvent.Action.UPDATE, obj=record,
            school_id=record.medicine.pupil.school_id, pupil_id=record.pupil_id,
            before={"notified_at": None}, after={"notified_at": plain(sent_at)},
        )  # fmt: skip
    return sent
