"""Background work of the deployment app, run by the task worker (manage.py db_worker)."""

import datetime as dt

from django.utils import timezone
from django_tasks import task

from .models import Plan

# When a published re-plan's uncovered sessions are written down as missed: at the end of
# the school day, so that a session somebody managed to give after all (and recorded) is
# not also recorded as missed.
END_OF_DAY = dt.time(17, 0)


def due_at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, END_OF_DAY))


@task()
def record_uncovered_on_the_day(plan_id: int) -> int:
    """Record a published re-plan's uncovered sessions as missed ("staff absent") once its
    day has come: a session cannot be recorded before its day, and the SENCO publishes
    cover ahead (the evening before, for tomorrow's absence). Nothing if the re-plan has
    been replaced since. Returns the number of sessions recorded."""
    from .services import record_uncovered  # services enqueue this task

    plan = Plan.objects.filter(pk=plan_id, status=Plan.Status.PUBLISHED).first()
    if plan is None or plan.published_by is None:
        return 0
    return record_uncovered(actor=plan.published_by, plan=plan)
