"""Measures, scores (entry, exit, routine tests), an intervention's impact and dosage, and
the Engagement Model's observations."""

import datetime as dt
import uuid
from typing import Annotated, Literal

from ninja import Router, Schema, Status
from pydantic import BaseModel, Field

from sendesk import access
from sendesk.assessment import selectors
from sendesk.assessment.models import Assessment, EngagementArea
from sendesk.assessment.services import assessment_record, engagement_record, scale_of
from sendesk.audit.services import record_access, record_access_many
from sendesk.provision.models import Measure, Provision

from .common import ErrorOut, FieldErrorsOut, IsoDate, IsoDateTime

router = Router(tags=["assessment"])

WRITE_ERRORS = {400: FieldErrorsOut, 401: ErrorOut, 404: ErrorOut, 409: FieldErrorsOut,
                422: FieldErrorsOut}  # fmt: skip
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}
ID = Field(ge=1, le=2_147_483_647)


class MeasureOut(Schema):
    id: int
    name: str
    kind: str = Field(
        description="standardised, reading_age, spelling_age (scores in months), count, scale."
    )
    higher_is_better: bool
    min_score: float
    max_score: float
    exit_score: float | None = Field(
        description="The exit criterion: a score at or beyond this, in the better direction."
    )


class MeasureList(Schema):
    items: list[MeasureOut]


@router.get(
    "/measures",
    response={200: MeasureList, 401: ErrorOut},
    summary="The measures of the schools you work at (those still in use)",
)
def measures(request):
    schools = access.schools_where(request.auth, "school_staff")
    rows = Measure.objects.filter(school_id__in=schools, active=True).order_by("name", "id")
    return {"items": list(rows)}


class AssessmentIn(Schema):
    client_id: uuid.UUID = Field(
        description="Made by the device; sending the same id again returns the stored score."
    )
    pupil_id: uuid.UUID
    measure_id: int = ID
    provision_id: uuid.UUID | None = Field(
        None, description="The intervention (one of the pupil's provisions): needed for "
        "entry and exit scores, whose measure must be the intervention's.",
    )  # fmt: skip
    kind: Literal["entry", "exit", "routine"]
    score: float = Field(
        description="Within the measure's range, at most one decimal place; a reading or "
        "spelling age in months."
    )
    date: IsoDate = Field(description="The day of the test; not in the future.")
    test_name: str | None = Field("", description="A routine test's name, e.g. 'Spelling week 6'.")
    note: str | None = ""


class AssessmentOut(Schema):
    id: uuid.UUID
    client_id: uuid.UUID
    pupil_id: uuid.UUID
    measure_id: int
    provision_id: uuid.UUID | None
    kind: str
    score: float
    date: dt.date
    test_name: str
    note: str
    recorded_at: dt.datetime


@router.post(
    "/assessments",
    response={200: AssessmentOut, 201: AssessmentOut, **WRITE_ERRORS},
    summary="Record a score: entry, exit or routine test (201; 200 when client_id was sent before)",
)
def assessment_create(request, payload: AssessmentIn):
    row, created = assessment_record(
        actor=request.auth,
        client_id=payload.client_id,
        pupil_id=payload.pupil_id,
        measure_id=payload.measure_id,
        provision_id=payload.provision_id,
        kind=payload.kind,
        score=payload.score,
        date=payload.date,
        test_name=payload.test_name or "",
        note=payload.note or "",
    )
    return Status(201 if created else 200, row)


class AssessmentList(Schema):
    pupil_id: uuid.UUID
    items: list[AssessmentOut] = Field(description="Oldest first.")


@router.get(
    "/pupils/{pupil_id}/assessments",
    response={200: AssessmentList, **READ_ERRORS},
    summary="A pupil's scores: entry, exit and routine tests",
)
def pupil_assessments(request, pupil_id: uuid.UUID):
    pupil = access.get_pupil(request.auth, pupil_id)
    record_access(actor=request.auth, pupil=pupil, what="assessments", via="api")
    rows = Assessment.objects.filter(pupil=pupil).order_by("date", "recorded_at")
    return {"pupil_id": pupil.pk, "items": list(rows)}


class DosageOut(Schema):
    minutes_per_session: int | None
    sessions_per_week: float | None
    weeks: int | None
    within_guidance: bool | None = Field(
        description="Within the EEF's 20-50 minutes, 3-5 a week, 8-20 weeks; null when "
        "there is nothing to judge yet (no sessions planned or delivered)."
    )


class PupilImpactOut(Schema):
    pupil_id: uuid.UUID
    name: str
    provision_id: uuid.UUID
    entry: float | None
    exit: float | None
    gain: float | None = Field(
        description="The change from entry to exit in the better direction: positive is progress."
    )
    met_exit_criterion: bool | None
    dosage: DosageOut = Field(description="What the pupil received (their session records).")
    planned_dosage: DosageOut = Field(description="What their provision plans.")
    outside_guidance: list[str] = Field(description="Why it falls outside the guidance.")


class ImpactOut(Schema):
    provision_id: uuid.UUID
    title: str
    measure_id: int | None
    pupils: list[PupilImpactOut]
    average_gain: float | None
    pupils_with_both_scores: int
    met_exit_criterion: int
    planned_dosage: DosageOut


def _num(value):
    return float(value) if value is not None else None


@router.get(
    "/provision/{provision_id}/impact",
    response={200: ImpactOut, **READ_ERRORS},
    summary="An intervention's impact: each pupil's entry, exit and gain, and the dosage "
    "planned and received against the EEF guidance",
)
def provision_impact(request, provision_id: uuid.UUID):
    provision = access.get_scoped(
        request.auth, Provision.objects.select_related("pupil", "measure"), provision_id
    )
    result = selectors.impact(request.auth, provision)
    record_access_many(
        actor=request.auth, pupils=[r.pupil for r in result.pupils], what="impact", via="api"
    )
    return {
        "provision_id": provision.pk,
        "title": provision.title,
        "measure_id": provision.measure_id,
        "pupils": [
            {
                "pupil_id": r.pupil.pk,
                "name": r.pupil.name,
                "provision_id": r.provision.pk,
                "entry": _num(r.entry.score) if r.entry else None,
                "exit": _num(r.exit.score) if r.exit else None,
                "gain": _num(r.gain),
                "met_exit_criterion": r.met_exit,
                "dosage": r.delivered.as_dict(),
                "planned_dosage": r.planned.as_dict(),
                "outside_guidance": r.outside,
            }
            for r in result.pupils
        ],
        "average_gain": _num(result.average_gain),
        "pupils_with_both_scores": result.with_both,
        "met_exit_criterion": result.met_exit,
        "planned_dosage": result.planned.as_dict(),
    }


class AreaIn(BaseModel):
    # A plain model, not a ninja Schema: Schema reads attributes of any object.
    area: Literal["exploration", "realisation", "anticipation", "persistence", "initiation"]
    level: int = Field(description="1 (the scale's lowest) to the number of levels.")
    note: str | None = Field("", description="What was seen.")


class EngagementIn(Schema):
    client_id: uuid.UUID
    pupil_id: uuid.UUID
    observed_at: IsoDateTime = Field(description="Not in the future.")
    activity: str
    areas: list[AreaIn] = Field(description="At least one of the five areas, each once.")
    outcome_ids: list[Annotated[int, ID]] = Field(
        [], description="Outcomes of the pupil's plans this observation evidences."
    )


class AreaOut(Schema):
    area: str
    level: int
    level_name: str
    note: str


class EngagementOut(Schema):
    id: uuid.UUID
    client_id: uuid.UUID
    pupil_id: uuid.UUID
    observed_at: dt.datetime
    activity: str
    scale: list[str] = Field(description="The level names when it was recorded, lowest first.")
    areas: list[AreaOut]
    outcome_ids: list[int]
    observer: str


def _engagement_out(obs) -> dict:
    return {
        "id": obs.pk,
        "client_id": obs.client_id,
        "pupil_id": obs.pupil_id,
        "observed_at": obs.observed_at,
        "activity": obs.activity,
        "scale": obs.scale,
        "areas": [
            {
                "area": e.area,
                "level": e.level,
                "level_name": obs.scale[e.level - 1] if e.level <= len(obs.scale) else "",
                "note": e.note,
            }
            for e in obs.entries.all()
        ],
        "outcome_ids": [o.pk for o in obs.outcomes.all()],
        "observer": str(obs.observer),
    }


@router.post(
    "/engagement-observations",
    response={200: EngagementOut, 201: EngagementOut, **WRITE_ERRORS},
    summary="Record an Engagement Model observation (201; 200 when client_id was sent before)",
)
def engagement_create(request, payload: EngagementIn):
    obs, created = engagement_record(
        actor=request.auth,
        client_id=payload.client_id,
        pupil_id=payload.pupil_id,
        observed_at=payload.observed_at,
        activity=payload.activity,
        areas=[a.model_dump() for a in payload.areas],
        outcome_ids=payload.outcome_ids,
    )
    return Status(201 if created else 200, _engagement_out(obs))


class EngagementList(Schema):
    pupil_id: uuid.UUID
    scale: list[str] = Field(description="The school's scale now, lowest first.")
    areas: list[str] = Field(description="The five areas, in the Engagement Model's order.")
    items: list[EngagementOut] = Field(description="Oldest first.")


@router.get(
    "/pupils/{pupil_id}/engagement",
    response={200: EngagementList, **READ_ERRORS},
    summary="A pupil's Engagement Model observations",
)
def pupil_engagement(request, pupil_id: uuid.UUID):
    pupil = access.get_pupil(request.auth, pupil_id)
    record_access(actor=request.auth, pupil=pupil, what="engagement", via="api")
    return {
        "pupil_id": pupil.pk,
        "scale": scale_of(pupil.school_id),
        "areas": EngagementArea.values,
        "items": [_engagement_out(o) for o in selectors.engagement(pupil)],
    }
