"""Therapy for the therapist's own tools: their referred pupils and one programme with its
sessions. Everyone who is not that therapist gets 404, as for a record that does not exist."""

import datetime as dt
import uuid

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from sendesk.audit.services import record_access, record_access_many
from sendesk.therapy import selectors

from .common import LOOKUP_ERRORS

router = Router(tags=["therapy"])
WHAT = "therapy programme"


class ProgrammeRef(Schema):
    id: uuid.UUID
    title: str
    sessions_since_review: int = Field(
        alias="sessions_new",
        description="Session records since the therapist's last review (all, if none yet).",
    )
    last_review_at: dt.datetime | None


class ReferralOut(Schema):
    id: int
    discipline: str = Field(description="slt, ot or physio.")
    start: dt.date
    end: dt.date | None
    shared_notes: str = Field(description="What the school shares with the therapist.")


class TherapyPupil(Schema):
    id: uuid.UUID
    name: str
    year_group: str = Field(alias="year_group.name")
    referrals: list[ReferralOut] = Field(alias="referrals_in_force")
    programmes: list[ProgrammeRef] = Field(alias="own_programmes")


class TherapyPupilList(Schema):
    items: list[TherapyPupil]


@router.get(
    "/therapy/pupils",
    response={200: TherapyPupilList, **LOOKUP_ERRORS},
    summary="The pupils referred to the caller (therapists only)",
)
def therapy_pupils(request):
    if not selectors.is_therapist(request.auth):
        raise Http404
    rows = selectors.therapist_home(request.auth, timezone.localdate())
    for pupil, programmes, referrals in rows:
        pupil.referrals_in_force, pupil.own_programmes = referrals, programmes
    pupils = [pupil for pupil, _, _ in rows]
    record_access_many(actor=request.auth, pupils=pupils, what=WHAT, via="api")
    return {"items": pupils}


class SessionRatingOut(Schema):
    # Not RatingOut: that name is the plans' {rating, date}, and one name is one schema.
    target: str = Field(alias="target.text")
    rating: str


class SessionRecordOut(Schema):
    session_id: uuid.UUID
    date: dt.date
    delivered: bool = Field(alias="session.delivered")
    missed_reason: str = Field(alias="session.missed_reason")
    attendance: str
    minutes: int = Field(description="Minutes the pupil received.")
    response: int | None = Field(description="Engagement, 1 (did not engage) to 5.")
    ratings: list[SessionRatingOut]
    note: str

    @staticmethod
    def resolve_ratings(sp):
        return list(sp.ratings.all())


class ProgrammeFiguresOut(Schema):
    promised_week: int
    delivered_week: int
    promised_term: int
    delivered_term: int
    missed: dict[str, int] = Field(description="Sessions missed this term, by reason.")


class ReviewOut(Schema):
    at: dt.datetime
    by: str = Field(alias="by.full_name")
    note: str
    changes: dict = Field(description="{field: [old, new]}")


class ProgrammeOut(Schema):
    id: uuid.UUID
    pupil_id: uuid.UUID
    referral_id: int
    provision_id: uuid.UUID
    title: str
    goals: str
    activities: str
    how_much: str = Field(alias="provision.how_much")
    sessions_per_week: int | None = Field(alias="provision.sessions_per_week")
    session_minutes: int | None = Field(alias="provision.session_minutes")
    days: str = Field(alias="provision.days", description="ISO weekdays, 1 = Monday.")
    start: dt.date = Field(alias="provision.start")
    end: dt.date | None = Field(alias="provision.end")
    figures: ProgrammeFiguresOut | None
    reviews: list[ReviewOut]
    sessions: list[SessionRecordOut] = Field(description="The latest first.")

    @staticmethod
    def resolve_reviews(programme):
        return list(programme.reviews.all())


@router.get(
    "/therapy/programmes/{programme_id}",
    response={200: ProgrammeOut, **LOOKUP_ERRORS},
    summary="One of the caller's therapy programmes, with its sessions",
)
def therapy_programme(request, programme_id: uuid.UUID):
    today = timezone.localdate()
    programme = selectors.get_programme(request.auth, programme_id, today)
    selectors.programme_details([programme], today)
    programme.sessions = programme.records
    record_access(actor=request.auth, pupil=programme.pupil, what=WHAT, via="api")
    return programme
