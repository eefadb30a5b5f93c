"""Educational visits: plan a trip (POST /trips answers 201 with the trip's id and its
checks), list the trips a person may see, and read one with its checks and the medicines
to take. Pupils are named through the access layer: one out of scope is a 404, exactly as
one that does not exist."""

import datetime as dt
import uuid

from ninja import Router, Schema, Status
from pydantic import Field

from sendesk.audit.services import record_access_many
from sendesk.visits import services as visits
from sendesk.visits.checks import LABELS, TripFacts, medicines_to_take, run_checks
from sendesk.visits.selectors import seen_on, seen_pupils

from .common import PUPIL_WRITE_ERRORS, ErrorOut, FieldErrorsOut, IsoDate, IsoTime

router = Router(tags=["trips"])

READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


class TripIn(Schema):
    date: IsoDate = Field(description="The day of the trip, YYYY-MM-DD: today or later.")
    start: IsoTime = Field(description="When it leaves, HH:MM (school time).")
    end: IsoTime = Field(description="When it is back, HH:MM, after start.")
    destination: str = Field(description="Where it is going.")
    pupil_ids: list[uuid.UUID] = Field(
        description="The pupils going, of one school. One you may not see answers 404."
    )
    staff_ids: list[int] = Field(description="User ids of the adults going, on the school staff.")
    changing_facilities: bool = Field(
        False, description="The destination has accessible changing facilities."
    )
    hoist_available: bool = Field(False, description="A hoist is available at the destination.")


class TripCheckOut(Schema):
    rule: str = Field(json_schema_extra={"enum": list(LABELS)})
    ok: bool
    detail: str = Field(description="What was found, in plain English.")


class TripCreated(Schema):
    id: int
    checks: list[TripCheckOut]


class MedicineToTake(Schema):
    pupil_id: uuid.UUID
    pupil: str
    medicine_id: uuid.UUID
    medicine: str
    dose: str
    kept: str = Field(description="Where it is kept at school.")
    why: str = Field(description="As needed, in an emergency, or the times due on the trip.")


class TripOut(Schema):
    id: int
    date: dt.date
    start: dt.time
    end: dt.time
    destination: str
    pupil_ids: list[uuid.UUID] = Field(description="The pupils going that you may see.")
    staff_ids: list[int]
    changing_facilities: bool
    hoist_available: bool


class TripDetail(TripOut):
    checks: list[TripCheckOut]
    medicines: list[MedicineToTake] = Field(
        description="The medicines to take, for the pupils going that you may see."
    )


class TripList(Schema):
    items: list[TripOut]
    count: int


def _checks(checks):
    return [{"rule": c.rule, "ok": c.ok, "detail": c.detail} for c in checks]


@router.post(
    "/trips",
    response={201: TripCreated, **PUPIL_WRITE_ERRORS},
    summary="Plan a trip (SENCO, head, teachers for their pupils): 201 with its checks",
)
def trip_create(request, payload: TripIn):
    trip, checks = visits.trip_create(actor=request.auth, data=payload.dict())
    return Status(201, {"id": trip.pk, "checks": _checks(checks)})


def _out(trip, pupil_ids) -> dict:
    return {
        "id": trip.pk, "date": trip.date, "start": trip.start, "end": trip.end,
        "destination": trip.destination, "pupil_ids": pupil_ids,
        "staff_ids": [u.pk for u in trip.staff.all()],
        "changing_facilities": trip.changing_facilities, "hoist_available": trip.hoist_available,
    }  # fmt: skip


@router.get(
    "/trips",
    response={200: TripList, 401: ErrorOut},
    summary="The trips you may see: a school's all for its SENCO and head, else your own",
)
def trip_list(request):
    trips = list(visits.visible_trips(request.auth).prefetch_related("staff").order_by("-date"))
    seen = seen_pupils(request.auth, trips)
    return {
        "items": [_out(t, sorted(seen[t.pk], key=str)) for t in trips],
        "count": len(trips),
    }


@router.get(
    "/trips/{trip_id}",
    response={200: TripDetail, **READ_ERRORS},
    summary="A trip with its checks and the medicines to take",
)
def trip_detail(request, trip_id: int):
    trip = visits.get_trip(request.auth, trip_id)
    everyone = list(trip.pupils.select_related("year_group"))
    staff = list(trip.staff.all())
    seen = seen_on(request.auth, trip)
    facts = TripFacts.of(trip, pupils=everyone, staff=staff, named=seen, reader=request.auth)
    to_take = medicines_to_take(facts)
    record_access_many(
        actor=request.auth, pupils=[p for p in everyone if p.pk in seen], what="trip", via="api"
    )
    out = _out(trip, [p.pk for p in everyone if p.pk in seen])
    out["checks"] = _checks(run_checks(facts, to_take))
    out["medicines"] = [
        {
            "pupil_id": t.pupil.pk,
            "pupil": t.pupil.name,
            "medicine_id": t.medicine.pk,
            "medicine": f"{t.medicine.name} {t.medicine.strength}",
            "dose": t.dose,
            "kept": t.kept,
            "why": t.why,
        }  # fmt: skip
        for t in to_take
        if t.pupil.pk in seen
    ]
    return out
