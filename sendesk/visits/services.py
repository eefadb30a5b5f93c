"""Educational visits: planning a trip, a dose given on it (on the MAR, with the place),
and the pupils' provision that day recorded as missed because of the trip.

Writes validate, then write the record and its audit rows in one transaction, raising
ServiceError before anything is written. Pupils are named through the access layer: a
pupil the person may not see is refused exactly as one that does not exist (404)."""

import datetime as dt
import math
import uuid

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from sendesk import access
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, record_changes, snapshot
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.ids import parse_uuid
from sendesk.medication import services as medication
from sendesk.medication.models import Medicine
from sendesk.provision import services as provision
from sendesk.provision.models import MissedReason, Provision, Session, SessionPupil
from sendesk.pupils.models import Deployment
from sendesk.schools.calendar import school_calendar
from sendesk.staff.selectors import school_staff

from . import tasks
from .checks import Check, TripFacts, run_checks
from .models import Trip
from .selectors import visible_trips

# How far ahead a trip may be planned, and how many pupils and adults one holds.
PLAN_AHEAD = dt.timedelta(days=730)
MOST_PUPILS = 200
MOST_STAFF = 60


def get_trip(user, pk) -> Trip:
    """One trip `user` may see; Http404 otherwise, whether it exists or not."""
    pk = inputs.parse_id(pk)
    try:
        return visible_trips(user).select_related("school", "created_by").get(pk=pk)
    except Trip.DoesNotExist:
        raise Http404 from None


def may_plan(user) -> set[int]:
    """The schools where `user` may plan a trip (SENCO, head, teacher)."""
    return access.schools_where(user, "plan_trips")


# --- Planning a trip -----------------------------------------------------------------------


def _when(data, errors) -> None:
    """The date and times, checked in place."""
    day = data.get("date")
    today = timezone.localdate()
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        errors["date"] = "Give the date of the trip, as YYYY-MM-DD."
    elif day < today:
        errors["date"] = "That day has passed: give the date the trip is going."
    elif day > today + PLAN_AHEAD:
        errors["date"] = "Trips can be planned up to two years ahead."
    start, end = data.get("start"), data.get("end")
    if not isinstance(start, dt.time):
        errors["start"] = "Give the time the trip leaves, as HH:MM."
    if not isinstance(end, dt.time):
        errors["end"] = "Give the time the trip is back, as HH:MM."
    elif isinstance(start, dt.time) and end <= start:
        errors["end"] = "The trip must be back after it leaves."


def _ids(raw, name, most, errors, parse) -> list:
    if not isinstance(raw, list | tuple) or not raw:
        errors[name] = f"Choose at least one {'pupil' if name == 'pupil_ids' else 'adult'}."
        return []
    if len(raw) > most:
        errors[name] = f"A trip takes at most {most}: split it into groups."
        return []
    ids = []
    for i, value in enumerate(raw):
        parsed = parse(value)
        if parsed is None:
            errors[name] = f"Item {i + 1} is not an id."
            return []
        if parsed not in ids:
            ids.append(parsed)
    return ids


def _whole(value) -> int:
    """A user id as typed or sent, 0 (nobody) when it is not one."""
    return inputs.parse_id(value) or 0


def _staff_id(value):
    return value if inputs.whole(value) and value > 0 else None


def _pupils(actor, pupil_ids):
    """The pupils, each through the access layer as of today: one the actor may not see is
    refused as not found. One query."""
    found = {
        p.pk: p
        for p in access.visible_pupils(actor)
        .filter(pk__in=pupil_ids)
        .select_related("school", "year_group")
    }
    if len(found) != len(pupil_ids):
        raise Http404
    return [found[i] for i in pupil_ids]


def _school_of(actor, pupils) -> int:
    schools = {p.school_id for p in pupils}
    if len(schools) != 1:
        raise ServiceError({"pupil_ids": "A trip takes pupils of one school."})
    (school_id,) = schools
    if school_id not in may_plan(actor):
        raise Http404
    return school_id


def _staff(school_id, staff_ids, errors) -> list:
    found = {u.pk: u for u in school_staff(school_id).filter(pk__in=staff_ids)}
    missing = [i for i in staff_ids if i not in found]
    if missing:
        errors["staff_ids"] = (
            f"Not on the staff of this school: {', '.join(str(i) for i in missing)}. "
            "Choose adults from the school's staff."
        )
        return []
    return [found[i] for i in staff_ids]


def trip_create(*, actor, data: dict) -> tuple[Trip, list[Check]]:
    """Plan a trip: {date, start, end, destination, pupil_ids, staff_ids,
    changing_facilities, hoist_available}. Returns the trip and its checks (a failing check
    does not stop the plan: it tells the planner what to put right). SENCO, head and
    teachers (for the pupils they may see)."""
    if not may_plan(actor):
        raise Http404
    errors: dict[str, str] = {}
    _when(data, errors)
    destination = inputs.text(
        data.get("destination"), "destination", errors, limit=200,
        required="Say where the trip is going.",
    )  # fmt: skip
    confirmed = {}
    for name in ("changing_facilities", "hoist_available"):
        confirmed[name] = data.get(name, False)
        if not isinstance(confirmed[name], bool):
            errors[name] = "Say yes or no."
    pupil_ids = _ids(data.get("pupil_ids"), "pupil_ids", MOST_PUPILS, errors, _pupil_uuid)
    staff_ids = _ids(data.get("staff_ids"), "staff_ids", MOST_STAFF, errors, _staff_id)
    pupils = _pupils(actor, pupil_ids) if pupil_ids else []
    school_id = _school_of(actor, pupils) if pupils else None
    staff = _staff(school_id, staff_ids, errors) if school_id and staff_ids else []
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        trip = Trip.objects.create(
            school_id=school_id, date=data["date"], start=data["start"], end=data["end"],
            destination=destination, created_by=actor, created_at=timezone.now(), **confirmed,
        )  # fmt: skip
        trip.pupils.set(pupils)
        trip.staff.set(staff)
        # The adults going see whom they look after that day (the access layer reads
        # deployments): written only by those who may deploy staff (the SENCO, the head),
        # so a teacher's trip cannot hand colleagues access to pupils.
        if access.can(actor, school_id, "plan_deployment"):
            Deployment.objects.bulk_create(
                Deployment(school_id=school_id, staff=u, kind=Deployment.Kind.TRIP, pupil=p,
                           start=trip.date, end=trip.date)
                for u in staff for p in pupils
            )  # fmt: skip
        # At the end of the day, what nobody gave is recorded as missed.
        tasks.record_trip_provision.using(run_after=tasks.due_at(trip)).enqueue(trip.pk)
        after = {**snapshot(trip), "pupil_ids": [str(p.pk) for p in pupils],
                 "staff_ids": [u.pk for u in staff]}  # fmt: skip
        record_change(
            actor=actor, action=AuditEvent.Action.CREATE, obj=trip, school_id=school_id,
            after=after,
        )  # fmt: skip
        # A row in each pupil's own trail too: a parent asking "who knew he was going"
        # finds it there.
        record_changes(
            actor=actor, action=AuditEvent.Action.CREATE, object_type=trip._meta.label_lower,
            rows=[(school_id, p.pk, trip.pk, {"trip": trip.destination,
                                             "date": trip.date.isoformat()}) for p in pupils],
        )  # fmt: skip
    return trip, run_checks(TripFacts.of(trip, pupils=pupils, staff=staff, reader=actor))


def _pupil_uuid(value):
    if isinstance(value, uuid.UUID):
        return value
    return parse_uuid(value, "_", {}) if isinstance(value, str) else None


# --- A dose given on the trip --------------------------------------------------------------


def on_trip(user, trip) -> bool:
    return trip.staff.filter(pk=user.pk).exists()


def trip_dose(*, actor, trip, medicine_id, given_at, **dose) -> tuple:
    """A dose given (refused, not given) on the trip, by an adult on it: recorded on the
    pupil's MAR by the medication service, with every one of its rules, and the trip's
    destination as the place. Returns (administration, created)."""
    if not on_trip(actor, trip):
        raise Http404
    medicine_uuid = parse_uuid(medicine_id, "medicine_id", {})
    if (
        medicine_uuid is None
        or not Medicine.objects.filter(pk=medicine_uuid, pupil__trips=trip).exists()
    ):
        raise Http404
    if isinstance(given_at, dt.datetime):
        local = timezone.localtime(given_at) if timezone.is_aware(given_at) else given_at
        if local.date() != trip.date:
            raise ServiceError({"given_at": f"The trip was on {trip.date:%-d %B %Y}."})
    return medication.administration_record(
        actor=actor, medicine_id=medicine_uuid, given_at=given_at, place=trip.destination, **dose
    )


def trip_emergency(*, actor, trip, medicine_id, given_at, witness_id=None, **dose) -> tuple:
    """An emergency dose given on the trip, by an adult on it, of a medicine a pupil going
    has for emergencies: recorded by the medication service exactly as at school (never
    refused for the plan's rules, flagged for the SENCO, the SENCO and the parents told),
    with the trip's destination as the place. A witness is one of the trip's adults.
    Returns (administration, created)."""
    if not on_trip(actor, trip):
        raise Http404
    medicine_uuid = parse_uuid(medicine_id, "medicine_id", {})
    if (
        medicine_uuid is None
        or not Medicine.objects.filter(
            pk=medicine_uuid, pupil__trips=trip, emergency_use=True
        ).exists()
    ):
        raise Http404
    errors = {}
    if isinstance(given_at, dt.datetime):
        local = timezone.localtime(given_at) if timezone.is_aware(given_at) else given_at
        if local.date() != trip.date:
            errors["date"] = f"The trip was on {trip.date:%-d %B %Y}: give that day."
    if witness_id not in ("", None) and not trip.staff.filter(pk=_whole(witness_id)).exists():
        errors["witness_id"] = "Choose the witness from the adults on the trip."
    if errors:
        raise ServiceError(errors)
    return medication.emergency_record(
        actor=actor, medicine_id=medicine_uuid, given_at=given_at, witness_id=witness_id,
        place=trip.destination, **dose,
    )  # fmt: skip


# --- Provision that day --------------------------------------------------------------------


def provision_due(trip, pupils) -> list[Provision]:
    """The provision owed that day to `pupils` of the trip that has no record for the day
    yet (neither delivered nor missed): what trip_provision_missed would record."""
    if not school_calendar(trip.school_id).is_school_day(trip.date):
        return []
    due = Provision.objects.due_on(trip.date).filter(pupil__in=pupils).select_related("pupil")
    recorded = set(
        Session.objects.filter(date=trip.date, provision__in=due).values_list(
            "provision_id", flat=True
        )
    ) | set(
        SessionPupil.objects.filter(date=trip.date, provision__in=due).values_list(
            "provision_id", flat=True
        )
    )
    return [p for p in due.order_by("pupil_id", "title") if p.pk not in recorded]


def _minutes(p: Provision) -> int:
    return min(max(p.session_minutes or math.ceil(p.minutes_per_day), 1), 600)


def may_record_provision(user, trip) -> bool:
    """An adult on the trip, or the SENCO or head of its school."""
    return on_trip(user, trip) or trip.school_id in access.schools_where(user, "oversee")


def trip_provision_missed(*, actor, trip) -> list:
    """From the trip's day on: each provision owed that day to the trip's pupils (those
    the actor may see) that nobody recorded, recorded as missed with the reason 'trip'
    through provision's own session service, so the shortfall, the pupil's page and the
    parents' page say why. Provision recorded as delivered (support given on the trip)
    is left as it is. An adult on the trip, the SENCO or the head. Returns the sessions."""
    if not may_record_provision(actor, trip):
        raise Http404
    if trip.date > timezone.localdate():
        raise ServiceError(
            {"__all__": "Provision can be marked as missed for the trip from the day itself."}
        )
    pupils = access.visible_pupils(actor).filter(trips=trip)
    note = f"On the trip to {trip.destination}"[:300]
    sessions = []
    with transaction.atomic():
        for p in provision_due(trip, pupils):
            session, _ = provision.session_record(
                actor=actor, provision_id=p.pk, date=trip.date, start_time=trip.start,
                minutes=_minutes(p), delivered=False, missed_reason=MissedReason.TRIP,
                missed_note=note,
            )  # fmt: skip
            sessions.append(session)
    return sessions
