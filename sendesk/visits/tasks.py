"""Background work of the visits app, run by the task worker (manage.py db_worker)."""

import datetime as dt

from django.utils import timezone
from django_tasks import task

from .models import Trip


def due_at(trip: Trip) -> dt.datetime:
    """When the trip's day is over: an hour after it is back, and not before 17:00, so the
    support somebody gave on the trip has been recorded first."""
    back = dt.datetime.combine(trip.date, trip.end) + dt.timedelta(hours=1)
    return timezone.make_aware(max(back, dt.datetime.combine(trip.date, dt.time(17, 0))))


@task()
def record_trip_provision(trip_id: int) -> int:
    """At the end of the trip's day, its pupils' provision owed that day that nobody
    recorded is recorded as missed, reason "trip", by the person who planned it (the same
    as their "Record provision missed: on the trip" button). Returns how many."""
    from .services import (
        may_record_provision,
        trip_provision_missed,  # services enqueue this task
    )

    trip = Trip.objects.select_related("created_by").filter(pk=trip_id).first()
    if trip is None:
        return 0
    # As the person who planned it, if they still may; otherwise as an adult who went.
    going = list(trip.staff.order_by("pk"))
    actor = next((u for u in [trip.created_by, *going] if may_record_provision(u, trip)), None)
    return 0 if actor is None else len(trip_provision_missed(actor=actor, trip=trip))
