"""Background work of the records app, run by the task worker (manage.py db_worker)."""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import bundle
from .models import SubjectAccessRequest as Sar

log = logging.getLogger(__name__)


@task()
def gather_request(sar_id: str) -> str:
    """Gathers a subject access request's download (PDF and JSON) as the request now
    stands (its redactions, the DSL's decision). A request changed again while this ran is
    left queued for the run its change queued. Returns the status it left."""
    sar = Sar.objects.select_related("pupil", "staff", "school").filter(pk=sar_id).first()
    if sar is None or sar.status != Sar.Status.QUEUED:
        return "gone" if sar is None else sar.status
    stamp = (list(sar.redactions), sar.safeguarding)
    try:
        pdf_name, json_name, suggested = bundle.write(sar)
    except Exception:
        log.exception("Subject access request %s could not be gathered", sar_id)
        Sar.objects.filter(pk=sar.pk, status=Sar.Status.QUEUED).update(status=Sar.Status.FAILED)
        raise
    with transaction.atomic():
        now = Sar.objects.select_for_update().get(pk=sar.pk)
        if now.status != Sar.Status.QUEUED or (list(now.redactions), now.safeguarding) != stamp:
            bundle.remove(pdf_name, json_name)
            return now.status
        old = (now.pdf_name, now.json_name)
        now.pdf_name, now.json_name, now.suggested = pdf_name, json_name, suggested
        now.status, now.generated_at = Sar.Status.READY, timezone.now()
        now.save(update_fields=["pdf_name", "json_name", "suggested", "status", "generated_at"])
    bundle.remove(*old)
    return now.status
