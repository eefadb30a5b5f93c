"""Exams and access arrangements: the writes. Each validates, then writes the record and
its audit rows in one transaction, raising ServiceError (a message per field) before
anything is written. Pupils come through the access layer: one the actor may not see is
refused exactly as one that does not exist (404).

Who may do what: the SENCO and head (`manage_exams`) record arrangements, build the exam
timetable, seat candidates and allocate adults; anyone who records sessions
(`record_sessions`) and can see the pupil records that an arrangement was used in class."""

import datetime as dt
import uuid

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from sendesk import access
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, record_changes, record_pupil_change, snapshot
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.ids import parse_uuid
from sendesk.provision.models import Session
from sendesk.staff.selectors import school_staff

from . import conflicts
from .models import (
    Allocation,
    Arrangement,
    ArrangementUse,
    Candidate,
    ExamRoom,
    ExamSession,
    UseWithdrawal,
)

MOST_ROOMS = 12
MOST_SEATS = 300
# How far back a use in class may be recorded, and an exam planned ahead.
USE_LOOKBACK = dt.timedelta(days=400)
PLAN_AHEAD = dt.timedelta(days=730)


def _date(value, name, errors, message) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    errors[name] = message
    return None


# --- Arrangements ----------------------------------------------------------------------------


def arrangement_add(*, actor, pupil_id, data: dict) -> Arrangement:
    """Record an access arrangement: {kind, extra_time_percent, details, assessor,
    assessed_on, evidence, start}. SENCO and head."""
    pupil = access.get_pupil_for(actor, pupil_id, "manage_exams")
    errors: dict[str, str] = {}
    today = timezone.localdate()
    kind = data.get("kind")
    if kind not in Arrangement.Kind.values:
        errors["kind"] = "Choose the arrangement."
    percent = data.get("extra_time_percent")
    if kind == Arrangement.Kind.EXTRA_TIME:
        if not inputs.whole(percent) or not 1 <= percent <= 100:
            errors["extra_time_percent"] = "Give the extra time as a whole percentage, 1 to 100."
    elif percent not in (None, ""):
        errors["extra_time_percent"] = "A percentage is for extra time only: leave it empty."
    details = inputs.text(data.get("details"), "details", errors, limit=300)
    assessor = inputs.text(
        data.get("assessor"), "assessor", errors, limit=150,
        required="Say who assessed the need (name and role).",
    )  # fmt: skip
    evidence = inputs.text(
        data.get("evidence"), "evidence", errors, limit=5000,
        required="Say what the assessment found.",
    )  # fmt: skip
    assessed_on = _date(data.get("assessed_on"), "assessed_on", errors,
                        "Give the date of the assessment.")  # fmt: skip
    if assessed_on and assessed_on > today:
        errors["assessed_on"] = "The assessment date cannot be in the future."
    start = data.get("start") or today
    if _date(start, "start", errors, "Give the date it applies from.") and (
        start > today + PLAN_AHEAD
    ):
        errors["start"] = "An arrangement can start at most two years ahead."
    if not errors and Arrangement.objects.filter(pupil=pupil, kind=kind, end__isnull=True).exists():
        errors["kind"] = (
            f"{pupil.name} already has a current {Arrangement.Kind(kind).label.lower()} "
            "arrangement: end it first to record a new one."
        )
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        arrangement = Arrangement.objects.create(
            pupil=pupil, kind=kind,
            extra_time_percent=percent if kind == Arrangement.Kind.EXTRA_TIME else None,
            details=details, assessor=assessor, assessed_on=assessed_on, evidence=evidence,
            start=start, created_by=actor, created_at=timezone.now(),
        )  # fmt: skip
        record_pupil_change(
            actor, AuditEvent.Action.CREATE, arrangement, pupil, after=snapshot(arrangement)
        )
    return arrangement


def get_arrangement(user, pk) -> Arrangement:
    """An arrangement of a pupil `user` may see; Http404 otherwise."""
    return access.get_scoped(user, Arrangement.objects.select_related("pupil"), pk)


def arrangement_end(*, actor, arrangement: Arrangement, reason) -> Arrangement:
    """End an arrangement from today, with why (it stays on record). SENCO and head."""
    if not access.checked_for(arrangement, actor):
        arrangement = get_arrangement(actor, arrangement.pk)
    access.require(actor, arrangement.pupil.school_id, "manage_exams")
    errors: dict[str, str] = {}
    reason = inputs.text(reason, "end_reason", errors, limit=300, required="Say why it ends.")
    if arrangement.end is not None:
        errors["__all__"] = "This arrangement has already ended."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        before = snapshot(arrangement)
        arrangement.end = max(timezone.localdate(), arrangement.start)
        arrangement.end_reason = reason
        arrangement.save(update_fields=["end", "end_reason"])
        record_pupil_change(
            actor, AuditEvent.Action.UPDATE, arrangement, arrangement.pupil,
            before=before, after=snapshot(arrangement),
        )  # fmt: skip
    return arrangement


# --- Normal way of working: uses in class ---------------------------------------------------


def use_record(
    *, actor, arrangement: Arrangement, date=None, context="", session_id=None, client_id=None
) -> tuple[ArrangementUse, bool]:
    """Record that a current arrangement was used in class on `date` (today when not
    given), optionally in one of the pupil's recorded sessions that day. Anyone who records
    sessions and can see the pupil. Returns (use, created): the same client_id sent again
    gets the stored use back."""  # fmt: skip
    if not access.checked_for(arrangement, actor):
        arrangement = get_arrangement(actor, arrangement.pk)
    pupil = arrangement.pupil
    access.require(actor, pupil.school_id, "record_sessions")
    if client_id is not None:
        stored = access.stored_under(actor, ArrangementUse, client_id)
        if stored is not None:
            return stored, False
    errors: dict[str, str] = {}
    today = timezone.localdate()
    date = date or today
    if _date(date, "date", errors, "Give the day it was used."):
        if date > today:
            errors["date"] = "That day has not come yet: record a use on the day or after."
        elif date < today - USE_LOOKBACK:
            errors["date"] = "Uses can be recorded for the last year only."
    context = inputs.text(context, "context", errors, limit=200)
    if arrangement.end is not None:
        errors["__all__"] = "This arrangement has ended: record uses of current ones."
    session = None
    if session_id not in (None, ""):
        session_uuid = parse_uuid(session_id, "session_id", errors)
        if session_uuid is not None and not errors:
            session = Session.objects.filter(
                pk=session_uuid, date=date, pupils__pupil=pupil
            ).first()
            if session is None:
                errors["session_id"] = f"Choose a session of {pupil.name}'s on that day, or none."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        use = ArrangementUse.objects.create(
            client_id=client_id or uuid.uuid4(), arrangement=arrangement, pupil=pupil,
            date=date, session=session, context=context, recorded_by=actor,
            recorded_at=timezone.now(),
        )  # fmt: skip
        record_pupil_change(actor, AuditEvent.Action.CREATE, use, pupil, after=snapshot(use))
    return use, True


def use_withdraw(*, actor, use_id, reason) -> UseWithdrawal:
    """Withdraw a use recorded by mistake: it stays, marked, and no longer counts. The
    person who recorded it, or the SENCO or head."""
    use = access.get_scoped(
        actor, ArrangementUse.objects.select_related("pupil", "arrangement"), use_id
    )
    if use.recorded_by_id != actor.pk and not access.can(
        actor, use.pupil.school_id, "manage_exams"
    ):
        raise Http404
    errors: dict[str, str] = {}
    reason = inputs.text(reason, "reason", errors, limit=300, required="Say why it is withdrawn.")
    if UseWithdrawal.objects.filter(use=use).exists():
        errors["__all__"] = "This use has already been withdrawn."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        withdrawal = UseWithdrawal.objects.create(
            use=use, reason=reason, withdrawn_by=actor, withdrawn_at=timezone.now()
        )
        record_pupil_change(
            actor, AuditEvent.Action.CREATE, withdrawal, use.pupil, after=snapshot(withdrawal)
        )
    return withdrawal


# --- The exam timetable ------------------------------------------------------------------------


def may_manage(user) -> set[int]:
    return access.schools_where(user, "manage_exams")


def visible_sessions(user):
    """The exam sessions `user` may see: every one of a school where they manage exams,
    and those they are allocated to. No query until evaluated."""
    if not user.is_authenticated:
        return ExamSession.objects.none()
    staff_of = access.schools_where(user, "school_staff")
    return ExamSession.objects.filter(
        Q(school_id__in=may_manage(user)) | Q(school_id__in=staff_of, allocations__staff=user)
    ).distinct()


def _id(pk) -> int:
    """A row id from a URL or a request: a whole number a database column can hold (one
    beyond it is a 404 like any other id that names nothing, never a database error)."""
    try:
        pk = int(pk)
    except (ValueError, TypeError, OverflowError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    return pk


def get_session(user, pk) -> ExamSession:
    try:
        return visible_sessions(user).select_related("school").get(pk=_id(pk))
    except ExamSession.DoesNotExist:
        raise Http404 from None


def get_managed_session(user, pk) -> ExamSession:
    session = get_session(user, pk)
    access.require(user, session.school_id, "manage_exams")
    return session


def _room_names(raw, errors) -> list[str]:
    if isinstance(raw, str):
        raw = raw.splitlines()
    if not isinstance(raw, list | tuple):
        errors["rooms"] = "Name the rooms, one a line."
        return []
    names = []
    for value in raw:
        name = inputs.text(value, "rooms", errors, limit=80, label="A room name")
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    if not names and "rooms" not in errors:
        errors["rooms"] = "Name at least one room, e.g. Hall."
    elif len(names) > MOST_ROOMS:
        errors["rooms"] = f"At most {MOST_ROOMS} rooms for one session."
    return names


def session_create(*, actor, data: dict, school_id=None) -> ExamSession:
    """Put an exam session on the timetable: {title, series, date, start, end, rooms}."""
    school_id = access.pick_school(may_manage(actor), school_id)
    errors: dict[str, str] = {}
    title = inputs.text(
        data.get("title"), "title", errors, limit=120,
        required="Name the paper, e.g. Practice SATs: English reading.",
    )  # fmt: skip
    series = inputs.text(data.get("series"), "series", errors, limit=120)
    day = _date(data.get("date"), "date", errors, "Give the date of the exam.")
    today = timezone.localdate()
    if day and day < today:
        errors["date"] = "That day has passed: give the day of the exam."
    elif day and day > today + PLAN_AHEAD:
        errors["date"] = "Exams can be timetabled up to two years ahead."
    start, end = data.get("start"), data.get("end")
    if not isinstance(start, dt.time):
        errors["start"] = "Give the start time, as HH:MM."
    if not isinstance(end, dt.time):
        errors["end"] = "Give the end time (without extra time), as HH:MM."
    elif isinstance(start, dt.time) and end <= start:
        errors["end"] = "The exam must end after it starts."
    rooms = _room_names(data.get("rooms"), errors)
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        session = ExamSession.objects.create(
            school_id=school_id, title=title, series=series, date=day, start=start, end=end,
            created_by=actor, created_at=timezone.now(),
        )  # fmt: skip
        ExamRoom.objects.bulk_create(ExamRoom(session=session, name=n) for n in rooms)
        record_change(
            actor=actor, action=AuditEvent.Action.CREATE, obj=session, school_id=school_id,
            after={**snapshot(session), "rooms": rooms},
        )  # fmt: skip
    return session


def room_add(*, actor, session: ExamSession, name) -> ExamRoom:
    access.require(actor, session.school_id, "manage_exams")
    errors: dict[str, str] = {}
    name = inputs.text(name, "name", errors, limit=80, required="Name the room.")
    if name and session.rooms.filter(name__iexact=name).exists():
        errors["name"] = f"{name} is already one of this session's rooms."
    elif session.rooms.count() >= MOST_ROOMS:
        errors["name"] = f"At most {MOST_ROOMS} rooms for one session."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        room = ExamRoom.objects.create(session=session, name=name)
        record_change(
            actor=actor, action=AuditEvent.Action.CREATE, obj=room,
            school_id=session.school_id, after=snapshot(room),
        )  # fmt: skip
    return room


def _room(session, room_id, errors, name="room_id") -> ExamRoom | None:
    room = None
    if inputs.whole(room_id) or (
        isinstance(room_id, str) and room_id.isascii() and room_id.isdigit()
    ):
        if 0 < int(room_id) < 2**63:
            room = session.rooms.filter(pk=int(room_id)).first()
    if room is None:
        errors[name] = "Choose one of this session's rooms."
    return room


# --- Candidates --------------------------------------------------------------------------------


def _seat_pupils(actor, session, pupil_ids, errors) -> list:
    """The pupils named, each through the access layer: one the actor may not see (or of
    another school) is refused as not found. One query."""
    if not isinstance(pupil_ids, list | tuple) or not pupil_ids:
        errors["pupil_ids"] = "Choose at least one pupil."
        return []
    if len(pupil_ids) > MOST_SEATS:
        errors["pupil_ids"] = f"At most {MOST_SEATS} pupils at once."
        return []
    ids = list(dict.fromkeys(parse_uuid(value) for value in pupil_ids))
    if None in ids:
        errors["pupil_ids"] = "Choose pupils from the list."
        return []
    pupils = list(access.visible_pupils(actor).filter(pk__in=ids, school_id=session.school_id))
    if len(pupils) != len(ids):
        raise Http404
    return pupils


def seat(*, actor, session: ExamSession, pupil_ids, room_id) -> list[Candidate]:
    """Seat pupils in a room of the session (moving those already seated elsewhere)."""
    access.require(actor, session.school_id, "manage_exams")
    errors: dict[str, str] = {}
    room = _room(session, room_id, errors)
    pupils = _seat_pupils(actor, session, pupil_ids, errors)
    if room is not None and pupils:
        supported = (
            Allocation.objects.filter(session=session, pupil__in=pupils)
            .exclude(room=room)
            .select_related("pupil", "room")
        )
        for a in supported:
            errors["pupil_ids"] = (
                f"{a.pupil.name}'s {a.get_role_display().lower()} is allocated in {a.room.name}: "
                "remove that allocation first, then move them."
            )
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        existing = {
            c.pupil_id: c for c in Candidate.objects.filter(session=session, pupil__in=pupils)
        }
        moved = [existing[p.pk] for p in pupils if p.pk in existing
                 and existing[p.pk].room_id != room.pk]  # fmt: skip
        for seat_ in moved:
            seat_.room = room
        Candidate.objects.bulk_update(moved, ["room"])
        # One INSERT for the class, whatever its size.
        made = Candidate.objects.bulk_create(
            Candidate(session=session, pupil=p, room=room) for p in pupils if p.pk not in existing
        )
        after = {"session": session.pk, "title": session.title, "room": room.name}
        for action, rows in ((AuditEvent.Action.CREATE, made), (AuditEvent.Action.UPDATE, moved)):
            record_changes(
                actor=actor, action=action, object_type=Candidate._meta.label_lower,
                rows=[(session.school_id, c.pupil_id, c.pk, after) for c in rows],
            )  # fmt: skip
    seats = made + moved
    return seats


def unseat(*, actor, session: ExamSession, pupil_id) -> None:
    """Take a pupil off the session (nobody supports them in it any more)."""
    access.require(actor, session.school_id, "manage_exams")
    pupil = access.get_pupil(actor, pupil_id)
    candidate = Candidate.objects.filter(session=session, pupil=pupil).first()
    if candidate is None:
        raise Http404
    if Allocation.objects.filter(session=session, pupil=pupil).exists():
        raise ServiceError(
            {"__all__": f"{pupil.name} has an adult allocated: remove that allocation first."}
        )
    with transaction.atomic():
        before = snapshot(candidate)
        candidate.delete()
        candidate.pk = before["id"]  # for the audit row: delete() clears it
        record_pupil_change(actor, AuditEvent.Action.DELETE, candidate, pupil, before=before)


# --- Adults ------------------------------------------------------------------------------------

SUPPORT_KIND = {
    Allocation.Role.READER: Arrangement.Kind.READER,
    Allocation.Role.SCRIBE: Arrangement.Kind.SCRIBE,
    Allocation.Role.PROMPTER: Arrangement.Kind.PROMPTER,
}


def _supported(session, role, pupil_id, room, errors):
    """The candidate a reader, scribe or prompter is for: seated in this session (in the
    room chosen) with that arrangement current on the day."""
    if role == Allocation.Role.INVIGILATOR:
        if pupil_id not in (None, ""):
            errors["pupil_id"] = "An invigilator is for the room, not for one pupil."
        return None
    pupil_uuid = parse_uuid(pupil_id) if pupil_id not in (None, "") else None
    seats = Candidate.objects.filter(session=session).select_related("pupil", "room")
    seat_ = seats.filter(pupil_id=pupil_uuid).first() if pupil_uuid else None
    if seat_ is None:
        errors["pupil_id"] = "Choose the candidate they support (seated in this session)."
        return None
    pupil = seat_.pupil
    kind = SUPPORT_KIND[role]
    current = Arrangement.objects.filter(pupil=pupil, kind=kind, start__lte=session.date).exclude(
        end__lt=session.date
    )
    if not current.exists():
        errors["pupil_id"] = (
            f"{pupil.name} has no {Arrangement.Kind(kind).label.lower()} arrangement for "
            f"{session.date:%-d %B %Y}: record it on their access arrangements first."
        )
    elif room is not None and seat_.room_id != room.pk:
        errors["room_id"] = f"{pupil.name} sits in {seat_.room.name}: choose that room."
    return pupil


def allocate(*, actor, session: ExamSession, data: dict) -> Allocation:
    """Put an adult in a room of the session: {staff_id, role, room_id, pupil_id (a reader,
    scribe or prompter's candidate), confirm_reason}. Refused when they are elsewhere then;
    refused when the published deployment plan would leave a pupil's EHC plan 1:1 without
    an adult, unless `confirm_reason` says why (recorded on the allocation and in the
    audit trail). SENCO and head."""
    access.require(actor, session.school_id, "manage_exams")
    errors: dict[str, str] = {}
    role = data.get("role")
    if role not in Allocation.Role.values:
        errors["role"] = "Choose what the adult does: invigilator, reader, scribe or prompter."
    room = _room(session, data.get("room_id"), errors)
    staff_id = data.get("staff_id")
    staff = (
        school_staff(session.school_id).filter(pk=staff_id).first()
        if inputs.whole(staff_id) and 0 < staff_id < 2**31 else None
    )  # fmt: skip
    if staff is None:
        errors["staff_id"] = "Choose an adult on the school's staff."
    pupil = (
        _supported(session, role, data.get("pupil_id"), room, errors)
        if "role" not in errors
        else None
    )
    reason = inputs.text(data.get("confirm_reason"), "confirm_reason", errors, limit=300)
    if errors:
        raise ServiceError(errors)
    _not_twice(session, staff, role, room, pupil, errors)
    start, end = conflicts.window(session)
    found = conflicts.check(session, staff, room, start, end)
    if found.refused:
        errors["staff_id"] = " ".join(found.refused)
    elif found.one_to_ones and not reason:
        errors["confirm_reason"] = (
            " ".join(found.one_to_ones)
            + " Choose another adult, or confirm with the reason it is right to leave it."
        )
    if errors:
        raise ServiceError(errors)
    confirmed = " ".join(found.one_to_ones)[:500]
    with transaction.atomic():
        allocation = Allocation.objects.create(
            session=session, room=room, staff=staff, role=role, pupil=pupil,
            confirmed_conflict=confirmed, confirmed_reason=reason if confirmed else "",
            allocated_by=actor, allocated_at=timezone.now(),
        )  # fmt: skip
        record_change(
            actor=actor, action=AuditEvent.Action.CREATE, obj=allocation,
            school_id=session.school_id, pupil_id=pupil.pk if pupil else None,
            after=snapshot(allocation),
        )  # fmt: skip
    return allocation


def _not_twice(session, staff, role, room, pupil, errors) -> None:
    rows = Allocation.objects.filter(session=session)
    if pupil is not None:
        taken = rows.filter(pupil=pupil, role=role).select_related("staff").first()
        if taken is not None:
            errors["pupil_id"] = (
                f"{pupil.name} already has a {taken.get_role_display().lower()}: "
                f"{taken.staff.full_name}."
            )
    elif rows.filter(staff=staff, role=role, room=room).exists():
        # Another room of the session is the conflicts' "two rooms at once".
        errors["staff_id"] = f"{staff.full_name} already invigilates in {room.name}."
    if errors:
        raise ServiceError(errors)


def unallocate(*, actor, allocation_id) -> ExamSession:
    """Take an adult off a session."""
    try:
        allocation = Allocation.objects.select_related("session").get(
            pk=_id(allocation_id), session__school_id__in=may_manage(actor)
        )
    except Allocation.DoesNotExist:
        raise Http404 from None
    session = allocation.session
    with transaction.atomic():
        before = snapshot(allocation)
        allocation.delete()
        allocation.pk = before["id"]  # for the audit row: delete() clears it
        record_change(
            actor=actor, action=AuditEvent.Action.DELETE, obj=allocation,
            school_id=session.school_id, pupil_id=before.get("pupil_id"), before=before,
        )  # fmt: skip
    return session
