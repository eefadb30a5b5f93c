"""Reviews: book a review of a plan (POST /reviews answers 201 with the review), list the
reviews you may see, read one with its statutory steps, views, record and decisions, and
download its pack as a PDF. A plan or review whose pupil is out of your scope is a 404,
exactly as one that does not exist."""

import datetime as dt
import uuid

from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from sendesk import access
from sendesk.audit.services import record_access, record_access_many
from sendesk.plans.models import Plan
from sendesk.reviews import pack, selectors, services, statutory
from sendesk.reviews.models import ReviewDecision, ReviewMeeting, ReviewView

from .common import PUPIL_WRITE_ERRORS, ErrorOut, FieldErrorsOut, IsoDate

router = Router(tags=["reviews"])

READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


class ReviewMeetingIn(Schema):
    plan_id: uuid.UUID = Field(description="The plan under review. One you may not see: 404.")
    date: IsoDate = Field(description="The day of the meeting, YYYY-MM-DD.")
    kind: str = Field(
        description="termly (SEN support), or annual (EHC plans only).",
        json_schema_extra={"enum": list(ReviewMeeting.Kind.values)},
    )


class MeetingStepOut(Schema):
    key: str = Field(json_schema_extra={"enum": ["within_year", "invitations", "papers",
                                                 "meeting", "report"]})  # fmt: skip
    label: str
    due: dt.date | None
    done: dt.date | None
    state: str = Field(json_schema_extra={"enum": list(statutory.STATE_WORDS)})
    detail: str = Field(description="What is due or was done, in plain English.")


class MeetingAnswerOut(Schema):
    question: str
    answer: str


class MeetingViewOut(Schema):
    kind: str = Field(json_schema_extra={"enum": list(ReviewView.Kind.values)})
    author: str
    written_at: dt.datetime
    answers: list[MeetingAnswerOut]


class MeetingAttendeeOut(Schema):
    name: str
    role: str
    attended: bool = Field(description="False: sent apologies or advice instead.")


class MeetingProgressOut(Schema):
    target_id: uuid.UUID
    text: str


class MeetingDecisionOut(Schema):
    kind: str = Field(json_schema_extra={"enum": list(ReviewDecision.Kind.values)})
    target_id: uuid.UUID | None
    provision_id: uuid.UUID | None
    new_target_id: uuid.UUID | None = Field(description="The target the decision made.")
    new_provision_id: uuid.UUID | None = Field(description="The provision the decision made.")
    note: str
    decided_at: dt.datetime


class ReviewMeetingOut(Schema):
    id: uuid.UUID
    plan_id: uuid.UUID
    pupil_id: uuid.UUID
    kind: str = Field(json_schema_extra={"enum": list(ReviewMeeting.Kind.values)})
    date: dt.date
    status: str = Field(json_schema_extra={"enum": list(ReviewMeeting.Status.values)})
    invitations_sent_on: dt.date | None
    papers_sent_on: dt.date | None
    report_sent_on: dt.date | None = Field(description="The report to the local authority.")
    next_review_date: dt.date | None
    overdue: list[str] = Field(description="The keys of the steps overdue or done late.")


class ReviewMeetingDetail(ReviewMeetingOut):
    summary: str
    steps: list[MeetingStepOut]
    views: list[MeetingViewOut]
    attendees: list[MeetingAttendeeOut]
    progress: list[MeetingProgressOut]
    decisions: list[MeetingDecisionOut]


class ReviewMeetingList(Schema):
    items: list[ReviewMeetingOut]
    count: int


def _steps(found) -> list[dict]:
    return [
        {"key": s.key, "label": s.label, "due": s.due, "done": s.done, "state": s.state,
         "detail": s.detail}
        for s in found
    ]  # fmt: skip


def _out(review, found) -> dict:
    return {
        "id": review.pk, "plan_id": review.plan_id, "pupil_id": review.pupil_id,
        "kind": review.kind, "date": review.date, "status": review.status,
        "invitations_sent_on": review.invitations_sent_on,
        "papers_sent_on": review.papers_sent_on, "report_sent_on": review.report_sent_on,
        "next_review_date": review.next_review_date,
        "overdue": [s.key for s in statutory.overdue(found)],
    }  # fmt: skip


def _detail(review) -> dict:
    found = selectors.steps(review, timezone.localdate())
    views = [
        {"kind": v.kind, "author": v.author, "written_at": v.written_at,
         "answers": [{"question": q, "answer": a} for q, a, _ in v.said]}
        for _kind, _label, mine in selectors.views_by_kind(review)
        for v in mine
    ]  # fmt: skip
    return {
        **_out(review, found),
        "summary": review.summary,
        "steps": _steps(found),
        "views": views,
        "attendees": [
            {"name": a.name, "role": a.role, "attended": a.attended} for a in review.attendees.all()
        ],
        "progress": [
            {"target_id": p.target_id, "text": p.text}
            for p in review.progress.filter(target__isnull=False)
        ],
        "decisions": [
            {
                "kind": d.kind,
                "target_id": d.target_id,
                "provision_id": d.provision_id,
                "new_target_id": d.new_target_id,
                "new_provision_id": d.new_provision_id,
                "note": d.note,
                "decided_at": d.decided_at,
            }
            for d in review.decisions.all()
        ],  # fmt: skip
    }


@router.post(
    "/reviews",
    response={201: ReviewMeetingDetail, **PUPIL_WRITE_ERRORS},
    summary="Book a review of a plan (SENCO, head; teachers and HLTAs termly ones): 201",
)
def review_create(request, payload: ReviewMeetingIn):
    plan = access.get_scoped(
        request.auth, Plan.objects.select_related("pupil", "pupil__school"), payload.plan_id
    )
    review = services.review_schedule(
        actor=request.auth, plan=plan, kind=payload.kind, date=payload.date
    )
    return Status(201, _detail(services.get_review(request.auth, review.pk)))


@router.get(
    "/reviews",
    response={200: ReviewMeetingList, 401: ErrorOut},
    summary="The reviews you may see that are open or recent, steps overdue first",
)
def review_list(request):
    rows = selectors.review_rows(request.auth, timezone.localdate())
    record_access_many(
        actor=request.auth, pupils=[r.review.pupil for r in rows], what="reviews", via="api"
    )
    return {"items": [_out(r.review, r.steps) for r in rows], "count": len(rows)}


@router.get(
    "/reviews/{review_id}",
    response={200: ReviewMeetingDetail, **READ_ERRORS},
    summary="A review with its statutory steps, views, record and decisions",
)
def review_detail(request, review_id: uuid.UUID):
    review = services.get_review(request.auth, review_id)
    record_access(actor=request.auth, pupil=review.pupil, what="review", via="api")
    return _detail(review)


PACK_DOC = {
    "responses": {
        200: {
            "description": "The review pack, a PDF.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/reviews/{review_id}/pack.pdf",
    response={**READ_ERRORS},
    summary="The review pack as a PDF (those who run the review)",
    openapi_extra=PACK_DOC,
)
def review_pack(request, review_id: uuid.UUID):
    review = services.get_review(request.auth, review_id)
    if not services.may_run(request.auth, review.pupil.school_id, review.kind):
        raise Http404
    record_access(actor=request.auth, pupil=review.pupil, what="review pack", via="api")
    response = HttpResponse(pack.pack_pdf(review), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pack.filename(review)}"'
    return response
