"""Which trips a person may see, and which of a trip's pupils: one rule each, read by the
trip pages, the trip API and the checks alike, so that no two of them can disagree."""

from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from sendesk import access

from .models import Trip


def visible_trips(user):
    """The trips `user` may see: every trip of a school they oversee (SENCO, head), and
    the trips they go on or planned. No query until evaluated."""
    if not user.is_authenticated:
        return Trip.objects.none()
    oversee = access.schools_where(user, "oversee")
    staff_of = access.schools_where(user, "school_staff")
    return Trip.objects.filter(
        Q(school_id__in=oversee) | Q(school_id__in=staff_of) & (Q(staff=user) | Q(created_by=user))
    ).distinct()


def seen_pupils(user, trips) -> dict[int, set]:
    """{trip id: ids of its pupils `user` may see}: a pupil in their scope today, or on the
    trip's day when it is still ahead (the adults going are deployed to its pupils for that
    day, so they see ahead whom they will look after). One query, whatever the trips."""
    trips = list(trips)
    seen: dict[int, set] = {t.pk: set() for t in trips}
    today = timezone.localdate()
    by_day = defaultdict(list)
    for trip in trips:
        by_day[max(trip.date, today)].append(trip.pk)
    wanted = Q()
    for day, ids in by_day.items():
        for scope_day in {day, today}:
            visible = access.visible_pupils(user, day=scope_day).values("pk")
            wanted |= Q(trip_id__in=ids, pupil_id__in=visible)
    if not trips:
        return seen
    for trip_id, pupil_id in Trip.pupils.through.objects.filter(wanted).values_list(
        "trip_id", "pupil_id"
    ):
        seen[trip_id].add(pupil_id)
    return seen


def seen_on(user, trip) -> set:
    """The ids of the trip's pupils `user` may see (seen_pupils for one trip)."""
    return seen_pupils(user, [trip])[trip.pk]


def trips_seen(user, trip_ids) -> set:
    """Those of `trip_ids` that `user` may see. One query."""
    return set(visible_trips(user).filter(pk__in=list(trip_ids)).values_list("pk", flat=True))
