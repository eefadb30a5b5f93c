"""The daily work: each app's scheduled checks (AppConfig `scheduled_checks`: dotted paths
of fn(today) -> int, how many things it found to tell of) and then the digests.

How the schedule ticks: `manage.py notification_scheduler`, which `make run` starts beside
the task worker, wakes every minute; once it is past the daily hour (settings
NOTIFICATIONS_DAILY_AT) and today has no DailyRun row, it writes the row and enqueues the
day's task in one transaction. Chosen over a task that re-enqueues itself for tomorrow:
such a chain breaks silently the day one link is lost (a crash, a cleared queue, the
server off at the hour), where the ticking loop catches up as soon as it runs; and the
DailyRun row (a unique day) makes a second scheduler, or a restart, harmless."""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from sendesk.lib.registry import declared

from .digest import send_digests
from .models import DailyRun

log = logging.getLogger(__name__)


def scheduled_checks() -> list[str]:
    return [path for paths in declared("scheduled_checks") for path in paths]


def run_checks(today: dt.date) -> dict:
    """Every app's checks, each in its own transaction: one that fails is logged and the
    others still run. Returns {path: count, or "failed"}."""
    summary = {}
    for path in scheduled_checks():
        try:
            with transaction.atomic():
                summary[path] = int(import_string(path)(today))
        except Exception:
            log.exception("Scheduled check %s failed on %s", path, today)
            summary[path] = "failed"
    return summary


def run_day(today: dt.date) -> dict:
    """The day's work: checks first (what they find goes into today's digests), then the
    digests. Records what was done on the day's DailyRun."""
    summary = run_checks(today)
    summary["digests"] = send_digests(timezone.now())
    DailyRun.objects.update_or_create(
        day=today,
        defaults={"finished": timezone.now(), "summary": summary},
        create_defaults={"started": timezone.now(), "finished": timezone.now(),
                         "summary": summary},
    )  # fmt: skip
    return summary


def daily_at() -> dt.time:
    return dt.time.fromisoformat(settings.NOTIFICATIONS_DAILY_AT)


def tick(now=None) -> bool:
    """One wake of the scheduler: start the day's run if it is due and not started.
    Returns whether it started one. Also hands due e-mail retries to the worker."""
    from .tasks import daily, due_emails, send_due  # the tasks call run_day

    now = timezone.localtime(now or timezone.now())
    if due_emails().exists():
        send_due.enqueue()
    if now.time() < daily_at():
        return False
    try:
        with transaction.atomic():
            DailyRun.objects.create(day=now.date(), started=now)
            daily.enqueue(now.date().isoformat())
    except IntegrityError:
        return False  # today's run was started already
    return True
