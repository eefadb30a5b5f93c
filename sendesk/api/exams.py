"""Exams and access arrangements, to read: a pupil's arrangements with their normal way of
working evidence counted, the exam sessions a person may see, and one session's room list.
Pupils come through the access layer: one out of scope is a 404, exactly as one that does
not exist; in a room list, candidates the reader may not see are counted, not named."""

import datetime as dt
import uuid

from ninja import Router, Schema
from pydantic import Field

from sendesk import access
from sendesk.audit.services import record_access, record_access_many
from sendesk.exams import selectors
from sendesk.exams import services as exams
from sendesk.exams.models import Allocation, Arrangement

from .common import AUTH_ERRORS, LOOKUP_ERRORS

router = Router(tags=["exams"])


class ArrangementUsesOut(Schema):
    count: int = Field(description="Uses in class recorded (withdrawn ones not counted).")
    days: int = Field(description="Distinct days with a use.")
    in_sessions: int = Field(description="Uses recorded in one of the pupil's sessions.")
    last_used: dt.date | None


class ExamArrangementOut(Schema):
    id: uuid.UUID
    kind: str = Field(json_schema_extra={"enum": Arrangement.Kind.values})
    extra_time_percent: int | None = Field(description="Extra time only.")
    details: str
    assessor: str
    assessed_on: dt.date
    evidence: str = Field(description="What the assessment found.")
    start: dt.date
    end: dt.date | None = Field(description="When it ended; null while current.")
    normal_way_of_working: ArrangementUsesOut


class ExamArrangementList(Schema):
    items: list[ExamArrangementOut]


class ExamSessionOut(Schema):
    id: int
    title: str
    series: str
    date: dt.date
    start: dt.time
    end: dt.time = Field(description="Without extra time.")


class ExamSessionList(Schema):
    items: list[ExamSessionOut]


class ExamAdultOut(Schema):
    staff_id: int
    name: str
    role: str = Field(json_schema_extra={"enum": Allocation.Role.values})
    pupil_id: uuid.UUID | None = Field(
        description="The candidate they support; null for an invigilator or a pupil you may "
        "not see."
    )


class ExamSeatOut(Schema):
    pupil_id: uuid.UUID
    name: str
    arrangements: list[str] = Field(description="Current on the day, in words.")
    finishes: dt.time = Field(description="Their own finish, extra time included.")


class ExamRoomOut(Schema):
    name: str
    finishes: dt.time = Field(description="When the last candidate in it finishes.")
    adults: list[ExamAdultOut]
    candidates: list[ExamSeatOut] = Field(description="The candidates you may see.")
    others: int = Field(description="Candidates in it you may not see.")


class ExamSessionDetail(ExamSessionOut):
    rooms: list[ExamRoomOut]
    missing: list[str] = Field(
        description="Candidates (you may see) with a reader, scribe or prompter arrangement "
        "and nobody allocated."
    )


def _session(s) -> dict:
    return {"id": s.pk, "title": s.title, "series": s.series, "date": s.date, "start": s.start,
            "end": s.end}  # fmt: skip


@router.get(
    "/pupils/{pupil_id}/exam-arrangements",
    response={200: ExamArrangementList, **LOOKUP_ERRORS},
    summary="A pupil's exam access arrangements, with their normal way of working evidence",
)
def pupil_arrangements(request, pupil_id: uuid.UUID):
    pupil = access.get_pupil(request.auth, pupil_id)
    record_access(actor=request.auth, pupil=pupil, what="exam arrangements", via="api")
    items = []
    for a in selectors.arrangements_of(pupil):
        ev = a.evidence_counted
        items.append({
            "id": a.pk, "kind": a.kind, "extra_time_percent": a.extra_time_percent,
            "details": a.details, "assessor": a.assessor, "assessed_on": a.assessed_on,
            "evidence": a.evidence, "start": a.start, "end": a.end,
            "normal_way_of_working": {"count": ev.uses, "days": ev.days,
                                      "in_sessions": ev.in_sessions, "last_used": ev.last},
        })  # fmt: skip
    return {"items": items}


@router.get(
    "/exam-sessions",
    response={200: ExamSessionList, **AUTH_ERRORS},
    summary="The exam sessions you may see: a school's all for its SENCO and head, else yours",
)
def session_list(request):
    rows = exams.visible_sessions(request.auth).order_by("date", "start", "title")
    return {"items": [_session(s) for s in rows]}


@router.get(
    "/exam-sessions/{session_id}",
    response={200: ExamSessionDetail, **LOOKUP_ERRORS},
    summary="An exam session's room list: who sits where, their arrangements, the adults",
)
def session_detail(request, session_id: int):
    session = exams.get_session(request.auth, session_id)
    listing = selectors.room_list(session, request.auth)
    record_access_many(actor=request.auth, pupils=listing["pupils"], what="exam room list",
                       via="api")  # fmt: skip
    seen = {p.pk for p in listing["pupils"]}
    rooms = []
    for r in listing["rooms"]:
        rooms.append({
            "name": r.room.name, "finishes": r.finish, "others": r.hidden,
            "adults": [{"staff_id": a.staff_id, "name": a.staff.full_name, "role": a.role,
                        "pupil_id": a.pupil_id if a.pupil_id in seen else None}
                       for a in r.adults],
            "candidates": [{"pupil_id": s.pupil.pk, "name": s.pupil.name, "finishes": s.finish,
                            "arrangements": [a.label for a in s.arrangements]}
                           for s in r.seats],
        })  # fmt: skip
    return {**_session(session), "rooms": rooms, "missing": listing["missing"]}
