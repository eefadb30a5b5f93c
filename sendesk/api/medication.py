"""Medication: a pupil's medicines with what is due today, recording a dose (with the
safety checks of medication.services), and the month's administration record (MAR).

Every lookup goes through the access layer (out of scope looks like not found); every
view of a pupil's records writes an access row. A dose refused by a rule answers 409 (403
for missing training) with {"detail", "rule", "next_allowed_at", "errors"}; bad input (400
for a body that is not JSON, 422 for one that is not a dose) in the same shape, with rule
"invalid" and "errors" per field."""

import datetime as dt
import uuid

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from sendesk import access
from sendesk.audit.services import record_access
from sendesk.lib.errors import ServiceError
from sendesk.medication import mar as mar_module
from sendesk.medication import selectors
from sendesk.medication import services as med
from sendesk.medication.models import Administration, Medicine

from . import errors as api_errors
from .common import ErrorOut

router = Router(tags=["medication"])

RULES = [
    "too_soon", "max_per_24h", "expired", "no_consent", "no_stock", "already_recorded",
    "no_training", "not_due_yet", "stopped", "client_id_conflict", "witness_required",
    "invalid", "not_emergency", "emergency_limit",
]  # fmt: skip


class RefusalOut(Schema):
    detail: str = Field(description="Which rule, in words, and when the next dose is allowed.")
    rule: str = Field(json_schema_extra={"enum": RULES})
    next_allowed_at: dt.datetime | None = Field(
        description="When a dose may be given; null when waiting will not help."
    )
    errors: dict[str, str] = Field(
        description="For bad input (400, 422): one message per field, keyed by its name; "
        "empty when a rule refused the dose."
    )


# Administration.place holds this much: a trip's destination.
PLACE_LIMIT = 200


# --- Recording a dose --------------------------------------------------------------------


class DoseIn(Schema):
    # Ids and times are read by the endpoint, so that bad input gets the refusal body too.
    client_id: str | None = Field(
        None,
        json_schema_extra={"format": "uuid"},
        description="Made by the device; sending the same id again returns the stored record.",
    )
    medicine_id: str | None = Field(None, json_schema_extra={"format": "uuid"})
    given_at: str | None = Field(
        None, json_schema_extra={"format": "date-time"}, description="Without a zone, school time."
    )
    outcome: str | None = Field(
        None, json_schema_extra={"enum": list(Administration.Outcome.values)}
    )
    dose: str | None = Field(None, description="As given: '2 puffs'.")
    witness_id: int | str | None = Field(
        None, description="User id of a second member of the school's staff (controlled drugs)."
    )
    due_at: str | None = Field(
        None,
        json_schema_extra={"format": "date-time"},
        description="The scheduled dose this answers (the day at one of the medicine's times). "
        "Left out for a medicine given only at fixed times, the nearest time that day.",
    )
    reason: str = Field("", description="Why refused or not given (needed for those).")
    reactions: str = ""
    place: str = Field(
        "",
        description="Where it was given when not at school (a trip's destination), up to "
        "200 characters; empty for at school. Routine and emergency doses alike.",
    )
    emergency: bool = Field(
        False,
        description="An emergency dose of a medicine the plan says to give in an emergency: "
        "not refused by the routine interval; needs units, what_happened, called_999 and "
        "parent_called (outcome and dose are then not needed), witness_id optional. Never "
        "refused for the plan's rules: what it broke is stored as flags. The SENCO and the "
        "parents are e-mailed.",
    )
    units: int | None = Field(None, description="Emergency: puffs or doses given in the run.")
    what_happened: str = Field("", description="Emergency: what happened, in order.")
    called_999: bool | None = Field(None, description="Emergency: whether 999 was called.")
    parent_called: bool | None = Field(
        None, description="Emergency: whether a parent or carer was phoned."
    )


class DoseOut(Schema):
    id: uuid.UUID
    client_id: uuid.UUID
    pupil_id: uuid.UUID
    medicine_id: uuid.UUID
    medicine: str
    due_at: dt.datetime | None
    given_at: dt.datetime
    outcome: str = Field(json_schema_extra={"enum": list(Administration.Outcome.values)})
    dose: str
    reason: str
    reactions: str
    given_by_id: int
    given_by: str
    witness_id: int | None
    witness: str | None
    recorded_at: dt.datetime
    place: str = Field("", description="Where it was given when not at school (a trip).")
    stock_after: int = Field(description="Units of the medicine held after this record.")
    emergency: bool = Field(description="Given in an emergency, outside the routine rules.")
    units: int | None = Field(description="Emergency: puffs or doses given in the run.")
    what_happened: str
    called_999: bool
    parent_called: bool
    flags: list[dict[str, str]] = Field(
        description="Emergency: what the dose broke, for the SENCO to check, each "
        "{rule, words} (an emergency dose is recorded whatever it broke)."
    )
    notified_at: dt.datetime | None = Field(
        description="Emergency: when the SENCO and the parents were e-mailed; null until then."
    )
    given_offline: bool = Field(
        description="Recorded on a device without the network (the offline outbox)."
    )
    offline_problem: str = Field(
        description="Given offline: the rules it broke, found when it arrived; empty when "
        "none (confirmed)."
    )
    synced_at: dt.datetime | None = Field(description="Given offline: when it arrived.")

    @staticmethod
    def resolve_medicine(record):
        return record.medicine.name

    @staticmethod
    def resolve_given_by(record):
        return str(record.given_by)

    @staticmethod
    def resolve_witness(record):
        return str(record.witness) if record.witness_id else None

    @staticmethod
    def resolve_stock_after(record):
        return record.medicine.stock


# Bad input the framework catches (not JSON, not an object, a field of the wrong kind) gets
# the refusal shape too.
api_errors.bad_input_fields("administration_create", rule="invalid", next_allowed_at=None)


def _refusal(status, detail, rule, next_allowed_at=None, errors=None):
    body = {"detail": detail, "rule": rule, "next_allowed_at": next_allowed_at}
    body["errors"] = errors or {}
    return Status(status, body)


def _when(raw, name, errors):
    if raw in (None, ""):
        return None
    try:
        value = dt.datetime.fromisoformat(str(raw))
    except ValueError:
        errors[name] = f"{name} must be a date and time, e.g. 2026-11-18T12:05:00Z."
        return None
    if not 2000 <= value.year <= 2100:
        # Far dates overflow when moved into school time; no dose is recorded then anyway.
        errors[name] = f"{name} must be a date from 2000 to 2100."
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _id(raw, name, errors):
    if raw in (None, ""):
        errors[name] = f"{name} is required: an id in UUID form."
        return None
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        errors[name] = f"{name} must be an id in UUID form."
        return None


@router.post(
    "/medication/administrations",
    response={
        200: DoseOut,
        201: DoseOut,
        400: RefusalOut,
        401: ErrorOut,
        403: RefusalOut,
        404: ErrorOut,
        409: RefusalOut,
        422: RefusalOut,
    },
    summary="Record a dose given, refused or not given (201; 200 when client_id was sent "
    "before; 409/403 when a rule refuses it, saying when the next dose is allowed)",
    url_name="administration_create",
)
def administration_create(request, payload: DoseIn):
    return record_dose(request.auth, payload)


class OfflineDoseIn(DoseIn):
    """A dose recorded on a device without the network (the offline outbox): the same
    body, and whether it was given offline. Only the outbox reads this: online, every
    rule refuses a dose before it is given."""

    given_offline: bool = Field(
        False,
        description="Given while the device was offline: checked against every rule on "
        "arrival and stored even if it broke one (it was given), the SENCO and the giver "
        "told at once. A controlled drug still needs its witness.",
    )


def record_dose(actor, payload: DoseIn, *, offline: bool = False):
    """The dose endpoint's work, for it and for the offline outbox: the input read, the
    dose through its service, and the answer (the record, or the refusal's body)."""
    errors: dict[str, str] = {}
    client_id = _id(payload.client_id, "client_id", errors)
    medicine_id = _id(payload.medicine_id, "medicine_id", errors)
    given_at = _when(payload.given_at, "given_at", errors)
    if payload.given_at in (None, "") and "given_at" not in errors:
        errors["given_at"] = "given_at is required: the date and time of the dose."
    due_at = _when(payload.due_at, "due_at", errors)
    for name in () if payload.emergency else ("outcome", "dose"):
        if getattr(payload, name) in (None, ""):
            errors[name] = f"{name} is required."
    if len(payload.place.strip()) > PLACE_LIMIT:
        errors["place"] = (
            f"place is where the dose was given, in {PLACE_LIMIT} characters or fewer "
            f"(it has {len(payload.place.strip())})."
        )
    if errors:
        return _refusal(422, " ".join(errors.values()), "invalid", errors=errors)
    try:
        record, created = _record(
            actor, payload, client_id, medicine_id, given_at, due_at, offline=offline
        )
    except ServiceError as exc:
        rule = getattr(exc, "rule", "invalid")
        next_at = getattr(exc, "next_allowed_at", None)
        errors = exc.errors if exc.status == 422 else {}
        return _refusal(exc.status, " ".join(exc.errors.values()), rule, next_at, errors)
    record = Administration.objects.select_related("medicine", "given_by", "witness", "pupil").get(
        pk=record.pk
    )
    return Status(201 if created else 200, record)


def _record(actor, payload, client_id, medicine_id, given_at, due_at, *, offline=False):
    """The dose through its service: an emergency, or a routine dose (given offline:
    stored whatever rule it broke, medication.services.administration_record)."""
    if payload.emergency:
        return med.emergency_record(
            actor=actor,
            client_id=client_id,
            medicine_id=medicine_id,
            given_at=given_at,
            units=payload.units,
            what_happened=payload.what_happened,
            called_999=payload.called_999,
            parent_called=payload.parent_called,
            reactions=payload.reactions,
            witness_id=payload.witness_id,
            place=payload.place,
        )
    return med.administration_record(
        actor=actor,
        client_id=client_id,
        medicine_id=medicine_id,
        given_at=given_at,
        outcome=payload.outcome,
        dose=payload.dose,
        reason=payload.reason,
        reactions=payload.reactions,
        witness_id=payload.witness_id,
        due_at=due_at,
        place=payload.place,
        offline=offline,
    )


# --- A pupil's medication ----------------------------------------------------------------


class SlotOut(Schema):
    due_at: dt.datetime
    state: str = Field(
        json_schema_extra={"enum": ["given", "refused", "not_given", "missing"]},
        description="What was recorded for this dose; 'missing' while nothing is.",
    )
    missed: bool = Field(description="Nothing recorded more than an hour after it was due.")
    record_id: uuid.UUID | None
    given_by: str | None
    given_at: dt.datetime | None


class AsNeededOut(Schema):
    can_give: bool
    next_allowed_at: dt.datetime | None
    why_not: str
    given_in_24h: int
    last_given_at: dt.datetime | None


class MedicineOut(Schema):
    id: uuid.UUID
    name: str
    form: str
    strength: str
    dose: str
    dose_units: int
    route: str
    times: list[str]
    as_needed: bool
    as_needed_when: str
    min_interval_minutes: int | None
    max_per_24h: int | None
    storage: str
    expiry_date: dt.date
    stock: int
    low_stock_at: int
    controlled: bool
    training: str
    emergency_use: bool = Field(description="The plan says to give it in an emergency.")
    emergency_dose: str = Field(description="The emergency dose, as the plan says.")
    emergency_limit: int | None = Field(
        description="Most puffs or doses in one emergency before 999 must be called."
    )
    has_consent: bool
    healthcare_plan_id: uuid.UUID | None
    warnings: list[str]
    due_today: list[SlotOut]
    as_needed_now: AsNeededOut | None


class HealthcarePlanOut(Schema):
    id: uuid.UUID
    conditions: str
    triggers: str
    signs: str
    daily_care: str
    emergency: str
    who_to_call: str
    review_date: dt.date
    ehc_plan_id: uuid.UUID | None
    active: bool
    has_consent: bool
    consent_by: str
    consent_on: dt.date | None
    consent_document: str


class PupilMedicationOut(Schema):
    pupil_id: uuid.UUID
    date: dt.date
    medicines: list[MedicineOut]
    healthcare_plans: list[HealthcarePlanOut]


def _medicine_out(m: Medicine, group, today) -> dict:
    slots = [
        {
            "due_at": s.due_at,
            "state": s.state,
            "missed": s.missed,
            "record_id": s.record.pk if s.record else None,
            "given_by": str(s.record.given_by) if s.record else None,
            "given_at": s.record.given_at if s.record else None,
        }
        for s in group.slots
        if s.medicine.pk == m.pk
    ]
    prn = next((a for a in group.as_needed if a.medicine.pk == m.pk), None)
    fields = {name: getattr(m, name) for name in MedicineOut.model_fields if hasattr(m, name)}
    return {
        **fields,
        "warnings": [words for _, words in selectors.medicine_warnings(m, today)],
        "due_today": slots,
        "as_needed_now": None
        if prn is None
        else {
            "can_give": prn.can_give,
            "next_allowed_at": prn.next_allowed_at,
            "why_not": prn.why_not,
            "given_in_24h": prn.given_24h,
            "last_given_at": prn.last.given_at if prn.last else None,
        },
    }


@router.get(
    "/pupils/{pupil_id}/medication",
    response={200: PupilMedicationOut, 401: ErrorOut, 404: ErrorOut},
    summary="A pupil's medicines with what is due today, and healthcare plans",
)
def pupil_medication(request, pupil_id: uuid.UUID):
    pupil = access.get_pupil(request.auth, pupil_id)
    data = selectors.pupil_medication(pupil)
    record_access(actor=request.auth, pupil=pupil, what="medication", via="api")
    today = timezone.localdate()
    return {
        "pupil_id": pupil.pk,
        "date": today,
        "medicines": [_medicine_out(m, data["group"], today) for m in data["medicines"]],
        "healthcare_plans": data["plans"],
    }


# --- The MAR -----------------------------------------------------------------------------


class MonthQuery(Schema):
    month: str = Field("", description="YYYY-MM; this month when left out.")


class CellOut(Schema):
    date: dt.date
    state: str = Field(json_schema_extra={"enum": list(mar_module.STATES)})
    record_id: uuid.UUID | None
    given_by: str | None
    place: str | None = Field(None, description="Where given when not at school (a trip).")


class RowOut(Schema):
    medicine_id: uuid.UUID
    medicine: str
    time: str
    cells: list[CellOut]


class DayOut(Schema):
    date: dt.date
    school_day: bool


class MarDoseOut(Schema):
    id: uuid.UUID
    medicine_id: uuid.UUID
    medicine: str
    given_at: dt.datetime
    outcome: str
    dose: str
    reason: str
    reactions: str
    given_by: str
    witness: str | None
    emergency: bool = False
    units: int | None = None
    what_happened: str = ""
    called_999: bool = False
    parent_called: bool = False
    place: str = Field("", description="Where it was given when not at school (a trip).")


class MarOut(Schema):
    pupil_id: uuid.UUID
    month: str
    days: list[DayOut]
    rows: list[RowOut]
    as_needed: list[MarDoseOut]


class MonthErrorOut(Schema):
    detail: str
    errors: dict[str, str]


@router.get(
    "/pupils/{pupil_id}/mar",
    response={200: MarOut, 401: ErrorOut, 404: ErrorOut, 422: MonthErrorOut},
    summary="A pupil's medication administration record for a month",
)
def pupil_mar(request, pupil_id: uuid.UUID, query: Query[MonthQuery]):
    pupil = access.get_pupil(request.auth, pupil_id)
    month, problem = mar_module.parse_month(query.month, timezone.localdate())
    if problem:
        return Status(422, {"detail": problem, "errors": {"month": problem}})
    grid = mar_module.mar_grid(pupil, month)
    record_access(actor=request.auth, pupil=pupil, what="medication record (MAR)", via="api")
    return {
        "pupil_id": pupil.pk,
        "month": f"{month:%Y-%m}",
        "days": [{"date": d.day, "school_day": d.school_day} for d in grid.days],
        "rows": [
            {
                "medicine_id": row.medicine.pk,
                "medicine": f"{row.medicine.name} {row.medicine.strength}",
                "time": row.time,
                "cells": [
                    {
                        "date": c.day,
                        "state": c.state,
                        "record_id": c.record.pk if c.record else None,
                        "given_by": str(c.record.given_by) if c.record else None,
                        "place": c.record.place if c.record else None,
                    }
                    for c in row.cells
                ],
            }
            for row in grid.rows
        ],
        "as_needed": [
            {
                "id": d.pk,
                "medicine_id": d.medicine_id,
                "medicine": d.medicine.name,
                "given_at": d.given_at,
                "outcome": d.outcome,
                "dose": d.dose,
                "reason": d.reason,
                "reactions": d.reactions,
                "given_by": str(d.given_by),
                "witness": str(d.witness) if d.witness_id else None,
                "emergency": d.emergency,
                "units": d.units,
                "what_happened": d.what_happened,
                "called_999": d.called_999,
                "parent_called": d.parent_called,
                "place": d.place,
            }
            for d in grid.as_needed
        ],
    }
