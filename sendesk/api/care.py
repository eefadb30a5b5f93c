"""Care: a pupil's intimate care and moving-and-handling plans, and logging a care event.
Lookups go through the access layer (out of scope looks like not found); the write goes
through care.services; reading a pupil's plans writes an access row."""

import datetime as dt
import uuid

from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from sendesk import access
from sendesk.audit.services import record_access
from sendesk.care import selectors as care_selectors
from sendesk.care import services as care
from sendesk.care.models import CareEvent, CarePlan, Equipment
from sendesk.staff.models import Training

from .common import ErrorOut, FieldErrorsOut, IsoDateTime

router = Router(tags=["care"])

READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}
WRITE_ERRORS = {
    400: FieldErrorsOut,
    401: ErrorOut,
    403: FieldErrorsOut,
    404: ErrorOut,
    409: FieldErrorsOut,
    422: FieldErrorsOut,
}


def _one_of(values):
    return {"enum": list(values)}


class EquipmentOut(Schema):
    id: int
    kind: str = Field(json_schema_extra=_one_of(Equipment.Kind.values))
    name: str
    serial: str
    location: str
    last_inspected: dt.date
    next_inspection: dt.date
    in_service: bool
    inspection_due: bool = Field(description="Overdue, or due within 14 days.")

    @staticmethod
    def resolve_inspection_due(item):
        day = timezone.localdate()
        return item.next_inspection <= day + dt.timedelta(days=care.EQUIPMENT_WARN_DAYS)


class CarePlanOut(Schema):
    id: uuid.UUID
    pupil_id: uuid.UUID
    kind: str = Field(json_schema_extra=_one_of(CarePlan.Kind.values))
    title: str
    routine: str
    staff_required: int = Field(description="How many staff the care needs (1 to 3).")
    gender_preference: str = Field(json_schema_extra=_one_of(CarePlan.Gender.values))
    transfers: str
    sling_size: str
    equipment: list[EquipmentOut]
    training: str = Field(
        json_schema_extra=_one_of(Training.Kind.values),
        description="The training a person needs, current on the day, to give the care.",
    )
    review_date: dt.date
    active: bool
    has_consent: bool
    consent_by: str
    consent_on: dt.date | None
    consent_document: str

    @staticmethod
    def resolve_equipment(plan):
        return list(plan.equipment.all())


class CarePlanList(Schema):
    items: list[CarePlanOut]


@router.get(
    "/pupils/{pupil_id}/care-plans",
    response={200: CarePlanList, **READ_ERRORS},
    summary="A pupil's intimate care and moving-and-handling plans, with their equipment",
)
def care_plans(request, pupil_id: uuid.UUID):
    pupil = access.get_pupil(request.auth, pupil_id)
    record_access(actor=request.auth, pupil=pupil, what="care plans", via="api")
    return {"items": care_selectors.pupil_care_plans(pupil)}


class CareEventIn(Schema):
    client_id: uuid.UUID = Field(
        description="Made by the device; sending the same id again returns the stored record."
    )
    care_plan_id: uuid.UUID
    occurred_at: IsoDateTime = Field(description="Without a zone, school time.")
    kind: str = Field(description="What was done: 'pad change', 'hoist transfer'.")
    second_staff_id: int | None = Field(
        None,
        description="User id of the second member of staff, of the pupil's school. Required "
        "when the plan needs two or more staff.",
    )
    observations: str = Field("", description="Skin condition, anything unusual.")
    products_used: str = ""
    note: str = ""
    gender_confirmed: bool = Field(
        False,
        description="The plan asks for female (or male) staff and the school has not recorded "
        "this for someone named: true confirms the rule was kept (else 422 asks for it).",
    )


class CareEventOut(Schema):
    id: uuid.UUID
    client_id: uuid.UUID
    pupil_id: uuid.UUID
    care_plan_id: uuid.UUID
    kind: str
    occurred_at: dt.datetime
    by_id: int
    by: str
    second_staff_id: int | None
    second_staff: str | None
    observations: str
    products_used: str
    note: str
    recorded_at: dt.datetime
    gender_confirmed: bool

    @staticmethod
    def resolve_by(event):
        return str(event.by)

    @staticmethod
    def resolve_second_staff(event):
        return str(event.second_staff) if event.second_staff_id else None


@router.post(
    "/care/events",
    response={200: CareEventOut, 201: CareEventOut, **WRITE_ERRORS},
    summary="Log a care event (201; 200 when client_id was sent before). 422 when the plan's "
    "staffing rule is broken, 403 without current training, 409 without consent",
)
def care_event_create(request, payload: CareEventIn):
    occurred_at = payload.occurred_at
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    event, created = care.care_event_record(
        actor=request.auth,
        client_id=payload.client_id,
        care_plan_id=payload.care_plan_id,
        occurred_at=occurred_at,
        kind=payload.kind,
        second_staff_id=payload.second_staff_id,
        observations=payload.observations,
        products_used=payload.products_used,
        note=payload.note,
        gender_confirmed=payload.gender_confirmed,
    )
    event = CareEvent.objects.select_related("by", "second_staff").get(pk=event.pk)
    return Status(201 if created else 200, event)
