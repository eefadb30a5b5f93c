"""Recording a systematic observation (ABC, frequency, duration, interval sampling): what
the recorder on a tablet posts when the observation is finished."""

import datetime as dt
import uuid

from ninja import Router, Schema, Status
from pydantic import BaseModel, Field

from sendesk.behaviour.models import ObservationMethod
from sendesk.behaviour.observations import EntryRecord, observation_record

from .common import ErrorOut, FieldErrorsOut, IsoDateTime

router = Router(tags=["behaviour"])


class ObservationEntryIn(BaseModel):
    # A plain model, not a ninja Schema: Schema reads attributes of any object, so a
    # string sent as an entry would have its str.count method taken for the count.
    at: IsoDateTime = Field(
        description="When it happened (duration: when the episode began; frequency: the "
        "start of the interval). Within the observation, give or take 60 seconds."
    )
    seq: int | None = Field(
        None,
        description="Frequency: the interval number, 1 for the first. Otherwise ignored: "
        "entries are numbered in time order.",
    )
    antecedent: str | None = Field("", description="ABC: what happened before.")
    behaviour: str | None = Field("", description="ABC: what the pupil did. Required for ABC.")
    consequence: str | None = Field("", description="ABC: what happened next.")
    count: int | None = Field(None, description="Frequency: how many times, 0 or more.")
    duration_seconds: int | None = Field(None, description="Duration: how long, over 0.")
    on_task: bool | None = Field(None, description="Interval sampling: on task or not.")


class ObservationCreateIn(Schema):
    client_id: uuid.UUID = Field(
        description="Made by the device at the start; sending the same id again returns "
        "the stored record."
    )
    pupil_id: uuid.UUID
    method: str = Field(json_schema_extra={"enum": ObservationMethod.values})
    behaviour: str | None = Field(
        "",
        description="The behaviour counted or timed: required for frequency and duration; "
        "'on task' for interval sampling if blank.",
    )
    lesson: str | None = ""
    activity: str | None = ""
    staff_present: str | None = ""
    started_at: IsoDateTime
    ended_at: IsoDateTime = Field(description="At most 8 hours after started_at.")
    interval_seconds: int | None = Field(
        None, description="Frequency and interval sampling: 5 to 3600. Otherwise ignored."
    )
    notes: str | None = ""
    entries: list[ObservationEntryIn] = Field(
        [],
        description="ABC entries; frequency counts per interval; duration episodes; "
        "interval samples. Frequency and interval sampling need at least one.",
    )


class ObservationEntrySavedOut(Schema):
    seq: int
    at: dt.datetime
    antecedent: str
    behaviour: str
    consequence: str
    count: int | None
    duration_seconds: int | None
    on_task: bool | None


class ObservationSavedOut(Schema):
    id: uuid.UUID
    client_id: uuid.UUID
    pupil_id: uuid.UUID
    method: str
    behaviour: str
    lesson: str
    activity: str
    staff_present: str
    started_at: dt.datetime
    ended_at: dt.datetime
    interval_seconds: int | None
    notes: str
    event_count: int = Field(
        description="ABC entries; the sum of the counts; duration episodes; samples."
    )
    rate_per_hour: float | None = Field(
        description="Events per hour of observation; null for interval sampling."
    )
    total_duration_seconds: int | None = Field(description="Duration recording only.")
    on_task_pct: float | None = Field(description="Interval sampling only.")
    observer: str
    recorded_at: dt.datetime
    entries: list[ObservationEntrySavedOut] = Field(alias="entry_list")

    @staticmethod
    def resolve_observer(obs):
        return str(obs.observer)


@router.post(
    "/behaviour/observations",
    response={
        200: ObservationSavedOut,
        201: ObservationSavedOut,
        400: FieldErrorsOut,
        401: ErrorOut,
        404: ErrorOut,
        409: FieldErrorsOut,
        422: FieldErrorsOut,
    },
    summary="Record a finished observation (201; 200 when client_id was sent before)",
)
def observation_create(request, payload: ObservationCreateIn):
    obs, created = observation_record(
        actor=request.auth,
        client_id=payload.client_id,
        pupil_id=payload.pupil_id,
        method=payload.method,
        behaviour=payload.behaviour or "",
        lesson=payload.lesson or "",
        activity=payload.activity or "",
        staff_present=payload.staff_present or "",
        started_at=payload.started_at,
        ended_at=payload.ended_at,
        interval_seconds=payload.interval_seconds,
        notes=payload.notes or "",
        entries=[
            EntryRecord(
                at=e.at,
                seq=e.seq,
                antecedent=e.antecedent or "",
                behaviour=e.behaviour or "",
                consequence=e.consequence or "",
                count=e.count,
                duration_seconds=e.duration_seconds,
                on_task=e.on_task,
            )
            for e in payload.entries
        ],
    )
    obs.entry_list = list(obs.entries.all())
    return Status(201 if created else 200, obs)
