"""Background work of the medication app, run by the task worker (manage.py db_worker)."""

import logging

from django.core.mail import get_connection
from django_tasks import task

from . import notify
from .models import Administration

log = logging.getLogger(__name__)


@task()
def tell_about_emergency_dose(administration_id: str) -> int:
    """E-mail the SENCO(s) and the parents about an emergency dose; returns the number of
    messages sent. A mail server that is down fails the task (its result keeps the
    error, and the log says so); the record itself was committed long before."""
    record = Administration.objects.select_related("medicine", "medicine__pupil", "given_by").get(
        pk=administration_id
    )
    messages = notify.emergency_messages(record)
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:
        log.exception("Emergency dose %s: the e-mails could not be sent", record.pk)
        raise
