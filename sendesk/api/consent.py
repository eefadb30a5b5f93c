"""Consent over the API: a pupil's consent questions with the decision in force and the
history; a parent gives, refuses or withdraws for their own child, and staff who record
consent forms type in a paper one. Out of scope is 404, as a pupil that does not exist."""

import datetime as dt
import uuid

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from sendesk import access
from sendesk.audit.services import record_access
from sendesk.consent import selectors, services
from sendesk.consent.models import AGENCY_KINDS, Consent, Decision, Kind

from .common import PUPIL_WRITE_ERRORS, ErrorOut, FieldErrorsOut, IsoDate

router = Router(tags=["consent"])


class ConsentOut(Schema):
    id: int
    kind: str
    agency_id: int | None
    agency: str | None
    ref: str
    decision: str
    given: bool
    on: dt.date
    given_by: str = Field(description="The parent online, or the name on a paper form.")
    on_paper: bool
    recorded_by: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_agency(c):
        return str(c.agency) if c.agency_id else None

    @staticmethod
    def resolve_given(c):
        return c.decision == Decision.GIVEN

    @staticmethod
    def resolve_given_by(c):
        return c.giver

    @staticmethod
    def resolve_recorded_by(c):
        return str(c.recorded_by)


class QuestionOut(Schema):
    kind: str
    label: str
    agency_id: int | None
    ref: str
    given: bool = Field(description="Whether the decision in force today is 'given'.")
    current: ConsentOut | None


class ConsentsOut(Schema):
    questions: list[QuestionOut]
    history: list[ConsentOut]


class ConsentIn(Schema):
    kind: str = Field(description="photos, agency, referral, medication or trips.")
    given: bool = Field(
        description="true gives consent; false refuses it, or withdraws it when given."
    )
    agency_id: int | None = Field(None, description="Required for agency and referral.")
    ref: str = Field("", description="'medicine:<id>' or 'trip:<id>', or blank for all.")
    # A paper form typed in by staff: who signed it and its date (today if not given).
    given_by_name: str = Field("", description="Staff only: the name on the paper form.")
    on: IsoDate | None = Field(None, description="Staff only: the date on the paper form.")
    note: str = ""


def _pupil(user, pupil_id):
    """A parent's own child, or a pupil in a member of staff's scope: 404 otherwise."""
    try:
        return access.get_child(user, pupil_id), True
    except Http404:
        return access.get_pupil(user, pupil_id), False


@router.get(
    "/pupils/{pupil_id}/consents",
    response={200: ConsentsOut, 401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut},
    summary="A pupil's consents: each question with the decision in force, and the history",
)
def consents(request, pupil_id: uuid.UUID):
    pupil, _ = _pupil(request.auth, pupil_id)
    record_access(actor=request.auth, pupil=pupil, what="consent (API)", via="api")
    questions = [
        {
            "kind": q["kind"],
            "label": q["label"],
            "agency_id": q["agency"].pk if q["agency"] else None,
            "ref": q["ref"],
            "given": bool(q["current"] and q["current"].decision == Decision.GIVEN
                          and q["current"].on <= timezone.localdate()),
            "current": q["current"],
        }
        for q in selectors.questions(pupil)
    ]  # fmt: skip
    return {"questions": questions, "history": selectors.history(pupil.pk)}


@router.post(
    "/pupils/{pupil_id}/consents",
    response={200: ConsentOut, 201: ConsentOut, **PUPIL_WRITE_ERRORS},
    summary="Record a consent decision: a parent for their own child (today), or staff "
    "who record consent typing in a paper form (201)",
)
def consent_create(request, pupil_id: uuid.UUID, payload: ConsentIn):
    user = request.auth
    pupil, own_child = _pupil(user, pupil_id)
    if not own_child:
        # Reading a pupil is not recording their consent: the same 404 as out of scope.
        access.get_pupil_for(user, pupil.pk, "record_consent")
    now = _in_force(pupil, payload)
    decision = _decision(payload.given, now)
    if own_child:
        consent = services.parent_decide(
            actor=user, pupil_id=pupil.pk, kind=payload.kind, decision=decision,
            agency_id=payload.agency_id, ref=payload.ref,
        )  # fmt: skip
    else:
        consent = services.paper_record(
            actor=user, pupil_id=pupil.pk, kind=payload.kind, decision=decision,
            on=payload.on or timezone.localdate(), given_by_name=payload.given_by_name,
            note=payload.note, agency_id=payload.agency_id, ref=payload.ref,
        )  # fmt: skip
    # The same answer sent twice by a parent the same day is the row already there.
    created = now is None or consent.pk != now.pk
    consent = Consent.objects.select_related("agency", "given_by", "recorded_by").get(pk=consent.pk)
    return Status(201 if created else 200, consent)


def _in_force(pupil, payload) -> Consent | None:
    """The decision in force for the question asked, when the question makes sense (the
    service says in words what is wrong with one that does not)."""
    if payload.kind not in Kind.values:
        return None
    if payload.kind in AGENCY_KINDS and not 0 < (payload.agency_id or 0) < 2**31:
        return None  # no agency, or none the database could hold: the service says so
    return selectors.current(
        pupil.pk, payload.kind, agency_id=payload.agency_id, ref=payload.ref.strip()
    )


def _decision(given: bool, now) -> str:
    """'given', or 'withdrawn' when consent in force is taken back, else 'refused'."""
    if given:
        return Decision.GIVEN
    if now is not None and now.decision == Decision.GIVEN:
        return Decision.WITHDRAWN
    return Decision.REFUSED
