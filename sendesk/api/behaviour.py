"""Behaviour: incidents, a pupil's behaviour record, restrictive interventions and telling
parents. Every lookup goes through the access layer (out of scope looks like not found);
every write goes through behaviour.services; every view of a pupil's records writes an
access row."""

import datetime as dt
import uuid

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field, StrictInt

from sendesk import access
from sendesk.audit.services import record_access, record_access_many
from sendesk.behaviour import selectors, services
from sendesk.behaviour.models import (
    Effectiveness,
    Incident,
    InterventionStaff,
    ObservationMethod,
    ParentNotification,
    RestrictiveIntervention,
)

from .common import ErrorOut, FieldErrorsOut, IsoDate, IsoDateTime, Paging

router = Router(tags=["behaviour"])

WRITE_ERRORS = {
    400: FieldErrorsOut,
    401: ErrorOut,
    404: ErrorOut,
    409: FieldErrorsOut,
    422: FieldErrorsOut,
}
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


def _one_of(values):
    # The service checks and says what is wrong in words; the enum documents it.
    return {"enum": list(values)}


def _aware(value):
    """A time sent without a zone is school time (Europe/London)."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


# --- Incidents -------------------------------------------------------------------------------


class StrategyUseIn(Schema):
    strategy_id: StrictInt = Field(description="One of the strategies of the pupil's active IBP.")
    effectiveness: StrictInt = Field(
        json_schema_extra=_one_of(Effectiveness.values),
        description="1 didn't help, 2 helped a little, 3 worked well.",
    )


class IncidentIn(Schema):
    client_id: uuid.UUID = Field(
        description="Made by the device; sending the same id again returns the stored record."
    )
    pupil_id: uuid.UUID
    kind: str = Field("concern", json_schema_extra=_one_of(Incident.Kind.values))
    severity: int | None = Field(
        None,
        json_schema_extra=_one_of(Incident.Severity.values),
        description="1 low, 2 medium, 3 high; concerns only.",
    )
    occurred_at: IsoDateTime = Field(description="Without a zone, school time.")
    location: str = ""
    lesson: str = ""
    others_involved: str = Field("", description="Name other pupils by initials.")
    staff_present: list[int] = Field([], description="User ids of staff of the pupil's school.")
    antecedent: str = Field("", description="What happened before.")
    behaviour: str = Field(description="What the pupil did (or, for a recognition, achieved).")
    response: str = ""
    outcome: str = ""
    injuries: str = ""
    follow_up: str = ""
    strategies: list[StrategyUseIn] = Field(
        [], description="How well each agreed strategy used worked."
    )


class StrategyUseOut(Schema):
    strategy_id: int
    effectiveness: int


class IncidentOut(Schema):
    id: uuid.UUID
    client_id: uuid.UUID
    pupil_id: uuid.UUID
    kind: str
    severity: int | None
    occurred_at: dt.datetime
    location: str
    lesson: str
    others_involved: str
    staff_present: list[int]
    antecedent: str
    behaviour: str
    response: str
    outcome: str
    injuries: str
    follow_up: str
    strategies: list[StrategyUseOut]
    recorded_by: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_staff_present(incident):
        return sorted(u.pk for u in incident.staff_present.all())

    @staticmethod
    def resolve_strategies(incident):
        return sorted(incident.strategy_uses.all(), key=lambda u: u.strategy_id)

    @staticmethod
    def resolve_recorded_by(incident):
        return str(incident.recorded_by)


def _incident_out(pk):
    return (
        Incident.objects.select_related("recorded_by")
        .prefetch_related("staff_present", "strategy_uses")
        .get(pk=pk)
    )


@router.post(
    "/behaviour/incidents",
    response={200: IncidentOut, 201: IncidentOut, **WRITE_ERRORS},
    summary="Record a behaviour incident or positive recognition (201; 200 when client_id "
    "was sent before)",
)
def incident_create(request, payload: IncidentIn):
    data = payload.dict()
    data["occurred_at"] = _aware(payload.occurred_at)
    data["strategies"] = [
        services.Use(strategy_id=s.strategy_id, effectiveness=s.effectiveness)
        for s in payload.strategies
    ]
    incident, created = services.incident_record(actor=request.auth, **data)
    return Status(201 if created else 200, _incident_out(incident.pk))


# --- A pupil's behaviour record ----------------------------------------------------------------


class ObservationSummaryOut(Schema):
    id: uuid.UUID
    method: str = Field(json_schema_extra=_one_of(ObservationMethod.values))
    behaviour: str
    lesson: str
    activity: str
    staff_present: str
    observer: str
    started_at: dt.datetime
    ended_at: dt.datetime
    event_count: int
    rate_per_hour: float | None
    total_duration_seconds: int | None
    on_task_pct: float | None

    @staticmethod
    def resolve_observer(observation):
        return str(observation.observer)


class StaffOut(Schema):
    user_id: int
    name: str
    part: str = Field(json_schema_extra=_one_of(InterventionStaff.Part.values))
    training: str = Field(
        json_schema_extra=_one_of(InterventionStaff.Training.values),
        description="Positive-handling training on the day, from the training records.",
    )

    @staticmethod
    def resolve_name(row):
        return str(row.user)


class InterventionItem(Schema):
    id: uuid.UUID
    kind: str = Field(json_schema_extra=_one_of(RestrictiveIntervention.Kind.values))
    started_at: dt.datetime
    duration_minutes: int
    location: str
    notify_parent_by: dt.datetime = Field(
        description="End of the day after the intervention (23:59 school time)."
    )
    notified: bool = Field(description="Parents have been told at least once.")
    overdue: bool = Field(description="Not told and notify_parent_by has passed.")


class StrategyFiguresOut(Schema):
    strategy_id: int
    text: str
    agreed: bool = Field(description="On the pupil's active IBP now.")
    uses: int
    mean: float | None = Field(description="Mean effectiveness, 1 to 3; null if never reported.")
    did_not_help: int
    helped_a_little: int
    worked_well: int


class BehaviourOut(Schema):
    pupil_id: uuid.UUID
    since: dt.date
    incidents: list[IncidentOut]
    observations: list[ObservationSummaryOut]
    restrictive_interventions: list[InterventionItem]
    strategy_effectiveness: list[StrategyFiguresOut]


class SinceQuery(Schema):
    since: IsoDate | None = Field(None, description="From this date; default a year ago.")


@router.get(
    "/pupils/{pupil_id}/behaviour",
    response={200: BehaviourOut, **READ_ERRORS},
    summary="A pupil's incidents, observations, restrictive interventions and which "
    "strategies work",
)
def pupil_behaviour(request, pupil_id: uuid.UUID, query: Query[SinceQuery]):
    pupil = access.get_pupil(request.auth, pupil_id)
    since = query.since or timezone.localdate() - dt.timedelta(days=365)
    incidents, observations, interventions = selectors.export_rows(pupil, since)
    record_access(actor=request.auth, pupil=pupil, what="behaviour record", via="api")
    return {
        "pupil_id": pupil.pk,
        "since": since,
        "incidents": incidents,
        "observations": observations,
        "restrictive_interventions": interventions,
        "strategy_effectiveness": selectors.strategy_effectiveness(pupil),
    }


# --- Restrictive interventions ------------------------------------------------------------------


class StaffIn(Schema):
    user_id: StrictInt = Field(description="A member of staff of the pupil's school.")
    part: str = Field(json_schema_extra=_one_of(InterventionStaff.Part.values))


class InterventionIn(Schema):
    client_id: uuid.UUID = Field(
        description="Made by the device; sending the same id again returns the stored record."
    )
    pupil_id: uuid.UUID
    kind: str = Field(json_schema_extra=_one_of(RestrictiveIntervention.Kind.values))
    started_at: IsoDateTime = Field(description="Without a zone, school time.")
    duration_minutes: StrictInt = Field(description="1 to 600.")
    location: str
    before: str = Field(description="What happened before.")
    deescalation: str = Field(description="De-escalation tried.")
    holds: str = Field(description="Holds or kind of force used.")
    reason: str = Field(description="Why it was necessary.")
    injuries_pupil: str = ""
    injuries_staff: str = ""
    support_after: str = ""
    debrief: str = ""
    debrief_on: IsoDate | None = None
    staff: list[StaffIn] = Field(description="Who led, supported or witnessed it.")
    incident_id: uuid.UUID | None = Field(None, description="The incident it was part of.")


class NotificationOut(Schema):
    id: int
    intervention_id: uuid.UUID
    notified_at: dt.datetime
    method: str = Field(json_schema_extra=_one_of(ParentNotification.Method.values))
    contact_name: str
    notified_by: str
    note: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_notified_by(n):
        return str(n.notified_by)


class InterventionOut(InterventionItem):
    client_id: uuid.UUID
    pupil_id: uuid.UUID
    incident_id: uuid.UUID | None
    pupil_sen_status: str = Field(description="The pupil's SEN status at the time: N, K or E.")
    before: str
    deescalation: str
    holds: str
    reason: str
    injuries_pupil: str
    injuries_staff: str
    support_after: str
    debrief: str
    debrief_on: dt.date | None
    staff: list[StaffOut]
    training_warning: str | None = Field(
        description="Set when someone involved was not trained in positive handling on the "
        "day (not trained, or training expired). The record is kept all the same."
    )
    notifications: list[NotificationOut]
    recorded_by: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_staff(ri):
        return list(ri.staff.all())

    @staticmethod
    def resolve_notifications(ri):
        return list(ri.notifications.all())

    @staticmethod
    def resolve_training_warning(ri):
        untrained = [s for s in ri.staff.all() if s.training != "current"]
        if not untrained:
            return None
        names = ", ".join(f"{s.user} ({s.get_training_display().lower()})" for s in untrained)
        return f"Not trained in positive handling on the day: {names}."

    @staticmethod
    def resolve_recorded_by(ri):
        return str(ri.recorded_by)


def _intervention_out(user, pk):
    qs = selectors.intervention_detail(selectors.with_notified(RestrictiveIntervention.objects))
    return access.get_scoped(user, qs, pk)


@router.post(
    "/restrictive-interventions",
    response={200: InterventionOut, 201: InterventionOut, **WRITE_ERRORS},
    summary="Record a restrictive intervention (201; 200 when client_id was sent before)",
)
def intervention_create(request, payload: InterventionIn):
    data = payload.dict()
    data["started_at"] = _aware(payload.started_at)
    data["staff"] = [(s.user_id, s.part) for s in payload.staff]
    ri, created = services.intervention_record(actor=request.auth, **data)
    return Status(201 if created else 200, _intervention_out(request.auth, ri.pk))


class PupilNameOut(Schema):
    id: uuid.UUID
    name: str


class OverseenItem(InterventionItem):
    pupil: PupilNameOut


class OverseenList(Schema):
    items: list[OverseenItem]
    count: int


class OverseenQuery(Paging):
    overdue_parent_notification: bool = Field(
        False, description="Only those whose parents were not told by the deadline."
    )


@router.get(
    "/restrictive-interventions",
    response={200: OverseenList, **READ_ERRORS},
    summary="Restrictive interventions at the schools you oversee, overdue parent "
    "notifications first (SENCO, head)",
)
def intervention_list(request, query: Query[OverseenQuery]):
    schools = access.schools_where(request.auth, "oversee")
    if not schools:
        raise Http404
    qs = selectors.interventions_overseen(schools, overdue_only=query.overdue_parent_notification)
    page = list(qs[query.offset : query.offset + query.limit])
    record_access_many(
        actor=request.auth,
        pupils=[r.pupil for r in page],
        what="restrictive interventions list",
        via="api",
    )
    return {"items": page, "count": qs.count()}


class NotificationIn(Schema):
    notified_at: IsoDateTime = Field(
        description="When they were told; without a zone, school time."
    )
    method: str = Field(json_schema_extra=_one_of(ParentNotification.Method.values))
    contact_name: str = Field(description="Who was told.")
    note: str = ""


@router.post(
    "/restrictive-interventions/{intervention_id}/parent-notifications",
    response={201: NotificationOut, **WRITE_ERRORS},
    summary="Record that parents were told of a restrictive intervention",
)
def intervention_notify(request, intervention_id: uuid.UUID, payload: NotificationIn):
    ri = access.get_scoped(request.auth, RestrictiveIntervention.objects.all(), intervention_id)
    notification = services.parent_notification_add(
        actor=request.auth,
        intervention=ri,
        notified_at=_aware(payload.notified_at),
        method=payload.method,
        contact_name=payload.contact_name,
        note=payload.note,
    )
    return Status(201, notification)
