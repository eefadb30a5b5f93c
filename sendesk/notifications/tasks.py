"""Background work of the notifications app, run by the task worker (manage.py
db_worker): sending the outbox's e-mails, trying failed ones again, and the daily work."""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from .models import Email

log = logging.getLogger(__name__)

# A mail server that is down is tried again after these waits (minutes); after the last,
# the e-mail is FAILED and the head sees it on the notifications page.
RETRY_AFTER_MINUTES = (1, 5, 30, 120)
# An e-mail "being sent" for longer than this was lost with its worker: queued again.
STUCK_AFTER = dt.timedelta(minutes=15)

SUBJECT = "Something new in SENDesk"


def email_message(email: Email) -> EmailMessage:
    """The same words for every notification: no child's name or details ever leave the
    product by e-mail (issue 11), only that there is something new, and where."""
    link = f"{settings.SITE_URL}{reverse('notifications')}"
    body = (
        "There is something new for you in SENDesk.\n\n"
        f"Sign in to see it: {link}\n\n"
        f"To choose which e-mails you get: {settings.SITE_URL}{reverse('notification_settings')}\n"
    )
    return EmailMessage(SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [email.user.email])


def _claim(email_id: int) -> bool:
    """Take the e-mail for this attempt, if it is still due: two workers never send it
    twice, and one already sent is not sent again."""
    now = timezone.now()
    # next_try becomes the time sending started, from which the sweep counts "stuck".
    return bool(
        Email.objects.filter(pk=email_id, status=Email.Status.QUEUED, next_try__lte=now).update(
            status=Email.Status.SENDING, next_try=now
        )
    )


def _failed(email: Email, error: Exception) -> None:
    attempts = email.attempts + 1
    fields = {"attempts": attempts, "last_error": f"{type(error).__name__}: {error}"[:300]}
    if attempts > len(RETRY_AFTER_MINUTES):
        Email.objects.filter(pk=email.pk).update(status=Email.Status.FAILED, **fields)
        log.error("Notification e-mail %s not sent after %s tries: given up", email.pk, attempts)
        return
    next_try = timezone.now() + dt.timedelta(minutes=RETRY_AFTER_MINUTES[attempts - 1])
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.QUEUED, next_try=next_try, **fields
    )
    log.warning(
        "Notification e-mail %s not sent (try %s): again at %s", email.pk, attempts, next_try
    )
    # A backend that can wait runs the next try then; one that cannot (the immediate
    # backend of the tests) leaves it to the scheduler's sweep (send_due).
    if send_email.get_backend().supports_defer:
        send_email.using(run_after=next_try).enqueue(email.pk)


@task()
def send_email(email_id: int) -> int:
    """Send one e-mail of the outbox; returns 1 if it went. A failure is recorded on the
    row (tries, error, next try), not raised: the outbox is the record of what happened."""
    if not _claim(email_id):
        return 0
    email = Email.objects.select_related("user").get(pk=email_id)
    if not email.user.email or not email.user.is_active:
        Email.objects.filter(pk=email.pk).update(
            status=Email.Status.FAILED, last_error="The person has no e-mail address now."
        )
        return 0
    try:
        sent = get_connection().send_messages([email_message(email)]) or 0
        if not sent:
            raise RuntimeError("The mail server accepted nothing.")
    except Exception as error:
        _failed(email, error)
        return 0
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.SENT, sent_at=timezone.now(), attempts=email.attempts + 1
    )
    return 1


def due_emails():
    now = timezone.now()
    return Email.objects.filter(
        Q(status=Email.Status.QUEUED, next_try__lte=now)
        | Q(status=Email.Status.SENDING, next_try__lte=now - STUCK_AFTER)
    )


@task()
def send_due() -> int:
    """The sweep: every e-mail due and not sent (a retry whose task was lost, one whose
    worker died while sending) is sent now. Returns how many went."""
    stuck = Email.objects.filter(
        status=Email.Status.SENDING, next_try__lte=timezone.now() - STUCK_AFTER
    )
    stuck.update(status=Email.Status.QUEUED)
    return sum(send_email.call(pk) for pk in due_emails().values_list("pk", flat=True))


@task()
def daily(day: str) -> dict:
    """The day's scheduled checks and digests (daily.py), started by the scheduler."""
    import datetime as _dt

    from .daily import run_day  # daily.py enqueues this task

    return run_day(_dt.date.fromisoformat(day))
