"""Pupils: the list in the caller's scope, one pupil's profile, timeline and access log.
Every lookup goes through the access layer; every view of one pupil writes an access row."""

import datetime as dt
import uuid

from ninja import Query, Router, Schema
from pydantic import Field

from sendesk import access
from sendesk.audit.services import record_access, record_access_many
from sendesk.lib.errors import ServiceError
from sendesk.pupils.models import NEED_AREA

from . import selectors
from .common import LOOKUP_ERRORS, Paging

router = Router(tags=["pupils"])


class NeedOut(Schema):
    code: str = Field(description="Census type of need, e.g. ASD.")
    label: str
    area: str = Field(description="The broad area of need the code belongs to.")
    rank: int = Field(description="1 is the primary need.")

    @staticmethod
    def resolve_label(need):
        return need.get_code_display()

    @staticmethod
    def resolve_area(need):
        return NEED_AREA[need.code].label


class PupilItem(Schema):
    id: uuid.UUID
    school_id: int
    upn: str
    name: str = Field(description="Preferred (or legal) first name and last name.")
    year_group: str = Field(alias="year_group.name")
    sen_status: str = Field(description="Census SEN provision: N, K or E.")
    needs: list[NeedOut]


class PupilList(Schema):
    items: list[PupilItem]
    count: int = Field(description="How many pupils in scope in all, across pages.")


@router.get("", response={200: PupilList, **LOOKUP_ERRORS}, summary="Pupils in the caller's scope")
def pupil_list(request, paging: Query[Paging]):
    pupils = selectors.pupil_list(request.auth)
    page = list(pupils[paging.offset : paging.offset + paging.limit])
    # Needs are special-category data: each pupil named is logged, as on the pupils page.
    record_access_many(actor=request.auth, pupils=page, what="pupil list", via="api")
    return {"items": page, "count": pupils.count()}


class NamedRef(Schema):
    id: int
    name: str


class SenPeriodOut(Schema):
    status: str
    start: dt.date
    end: dt.date | None = Field(description="Empty while current.")


class StrategyOut(Schema):
    id: int
    text: str
    created: dt.datetime


class ContactOut(Schema):
    id: int
    name: str
    relationship: str
    parental_responsibility: bool
    phone: str
    email: str
    priority: int = Field(description="1 is called first.")


class ProfileOut(Schema):
    what_matters: str = Field(description="What matters to me.")
    good_at: str = Field(description="What I'm good at.")
    how_to_support: str = Field(description="How best to support me.")


class PupilOut(PupilItem):
    legal_first_name: str
    legal_last_name: str
    preferred_name: str
    date_of_birth: dt.date
    sen_status_label: str
    classes: list[NamedRef] = Field(alias="teaching_groups")
    sen_history: list[SenPeriodOut] = Field(description="Newest first.")
    profile: ProfileOut
    strategies: list[StrategyOut]
    contacts: list[ContactOut]

    @staticmethod
    def resolve_sen_status_label(pupil):
        return pupil.get_sen_status_display()

    @staticmethod
    def resolve_profile(pupil):
        return pupil


@router.get("/{pupil_id}", response={200: PupilOut, **LOOKUP_ERRORS}, summary="A pupil's profile")
def pupil_detail(request, pupil_id: uuid.UUID):
    pupil = access.get_pupil(request.auth, pupil_id)
    record_access(actor=request.auth, pupil=pupil, what="pupil profile", via="api")
    return selectors.pupil_profile(pupil)


class TimelineItem(Schema):
    id: int
    occurred_at: dt.datetime
    kind: str = Field(description="'session', 'session_missed', 'plan', …")
    title: str
    body: str
    actor: str | None = Field(description="Who recorded it, if known.")
    ref_type: str
    ref_id: str

    @staticmethod
    def resolve_actor(entry):
        return str(entry.actor) if entry.actor else None


class TimelinePage(Schema):
    items: list[TimelineItem]
    next_cursor: str | None = Field(
        description="Pass as ?cursor= for the next (older) page; null on the last page."
    )


class TimelineQuery(Schema):
    cursor: str | None = Field(None, max_length=200, description="next_cursor of the page before.")
    limit: int = Field(25, ge=1, le=100)


@router.get(
    "/{pupil_id}/timeline",
    response={200: TimelinePage, **LOOKUP_ERRORS},
    summary="Everything recorded about a pupil, newest first",
)
def pupil_timeline(request, pupil_id: uuid.UUID, query: Query[TimelineQuery]):
    pupil = access.get_pupil(request.auth, pupil_id)
    try:
        entries, next_cursor = selectors.pupil_timeline(
            pupil, cursor=query.cursor, size=query.limit
        )
    except selectors.BadCursor:
        raise ServiceError(
            {"cursor": "Cursor is not one this API gave: use next_cursor."}
        ) from None
    record_access(actor=request.auth, pupil=pupil, what="timeline", via="api")
    return {"items": entries, "next_cursor": next_cursor}


class Viewer(Schema):
    id: int
    name: str = Field(alias="full_name")
    email: str


class AccessItem(Schema):
    at: dt.datetime
    actor: Viewer
    what: str
    via: str


class AccessLog(Schema):
    items: list[AccessItem]
    count: int


@router.get(
    "/{pupil_id}/access-log",
    response={200: AccessLog, **LOOKUP_ERRORS},
    summary="Who has viewed a pupil's records (SENCO, head)",
)
def pupil_access_log(request, pupil_id: uuid.UUID, paging: Query[Paging]):
    pupil = access.get_pupil_for(request.auth, pupil_id, "oversee")
    events = selectors.pupil_access_log(pupil)
    page = list(events[paging.offset : paging.offset + paging.limit])
    count = events.count()
    # Looking at who looked is itself a look; written after reading, so it shows next time.
    record_access(actor=request.auth, pupil=pupil, what="access log", via="api")
    return {"items": page, "count": count}
