"""Writes for sessions: record, amend, mark seen. Each validates everything first, then
writes the record, its timeline entries and its audit rows in one transaction."""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from sendesk import access
from sendesk.access import stored_under
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, record_changes, snapshot
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import field_limits
from sendesk.lib.ids import parse_uuid
from sendesk.lib.inputs import plain, whole
from sendesk.notifications.services import notify
from sendesk.plans.models import Plan, Target
from sendesk.pupils import amendments
from sendesk.pupils.timeline import timeline_add

from .models import (
    Attendance,
    FeedReceipt,
    MissedReason,
    Provision,
    Rating,
    Session,
    SessionAmendment,
    SessionPupil,
    TargetRating,
    TimelineKind,
)


@dataclass
class PupilRecord:
    """One pupil's part of a session, as the recorder gives it (ids, not objects)."""

    pupil_id: object
    attendance: str = ""
    response: int | None = None
    note: str = ""
    note_shared_with_parents: bool = False  # parents see the note only when this is True
    adaptations: str = ""
    flag_for_teacher: bool = False
    # What the teacher should look at. None: the caller does not ask (API clients written
    # before it existed); a string is required to be non-empty when the session is flagged.
    flag_note: str | None = None
    minutes: int | None = None  # for a partial attendance; defaults to half the session
    provision_id: object = None  # in a group: the provision this pupil's minutes count to
    target_progress: list[tuple[object, str]] = field(default_factory=list)


class TargetChoice(NamedTuple):
    """A target as the quick form and the save need it, read as plain values: what a
    rating is checked against (the pupil whose plan it is on) and what the form and the
    saved card show (its words, in the plan's order)."""

    pk: uuid.UUID
    text: str
    order: int
    pupil_id: uuid.UUID


class SavedRating(NamedTuple):
    """A rating as a save wrote it, with its target's words (nothing read back)."""

    target: TargetChoice
    rating: str


def _target_choices(**where) -> list[TargetChoice]:
    rows = (
        Target.objects.filter(**where)
        .order_by("order", "text")
        .values_list("pk", "text", "order", "plan__pupil_id")
    )
    return [TargetChoice(*row) for row in rows]


def _targets_by_id(ids) -> list[TargetChoice]:
    """The targets of `ids` (those that exist; an id that is not a UUID names none), as
    _target_choices(pk__in=ids) reads them, in SQL: every save that rates a target reads
    them, and the ORM took longer to build the query than the database to answer it."""
    ids = [i for i in (parse_uuid(t) for t in ids) if i]
    if not ids:
        return []
    q = connection.ops.quote_name
    sql = (
        f"SELECT t.id, t.text, t.{q('order')}, p.pupil_id FROM {q(Target._meta.db_table)} t "
        f"INNER JOIN {q(Plan._meta.db_table)} p ON p.id = t.plan_id "
        f"WHERE t.id IN ({', '.join(['%s'] * len(ids))}) ORDER BY t.{q('order')}, t.text"
    )
    pk = Target._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk.get_db_prep_value(i, connection) for i in ids])
        rows = cursor.fetchall()
    # Ids come back as hex text from SQLite, as UUIDs from PostgreSQL.
    return [
        TargetChoice(parse_uuid(t), text, order, parse_uuid(pupil))
        for t, text, order, pupil in rows
    ]


def targets_in_force(provision_id) -> list[TargetChoice]:
    """The targets a provision serves that are being worked on (open, on an active plan),
    in the plan's order: what the quick form offers to rate. One query of plain values
    (a prefetch with each target's plan built two model objects a target)."""
    return _target_choices(
        provisions=provision_id, status=Target.Status.OPEN, plan__status=Plan.Status.ACTIVE
    )


FLAG_NOTE_MAX = SessionPupil._meta.get_field("flag_note").max_length
MISSED_NOTE_MAX = Session._meta.get_field("missed_note").max_length
NOTE_MAX = 4000  # what the quick form takes: a note is read at a glance on the feed


def _occurred_at(day: dt.date, start_time: dt.time | None) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, start_time or dt.time(12, 0)))


def session_record(
    *,
    actor,
    client_id=None,
    provision_id=None,
    provision: Provision | None = None,
    date: dt.date,
    start_time: dt.time | None = None,
    minutes: int,
    delivered: bool,
    missed_reason: str = "",
    missed_note: str = "",
    pupils: list[PupilRecord] = (),
) -> tuple[Session, bool]:
    """Record a delivered or missed session. Returns (session, created). Sending the same
    client_id again returns the stored session unchanged, and created=False.

    The provision is given by id, or as the object a page fetched through
    access.get_scoped for this actor (then its access check is not run a second time; any
    other object is checked here as if given by id)."""
    errors: dict[str, str] = {}
    client_id = parse_uuid(client_id, "client_id", errors) if client_id else uuid.uuid4()
    try:
        provision = _provision_in_scope(actor, provision, provision_id)
        missed_note, records, pupil_ids = _checked(
            provision, date, minutes, delivered, missed_reason, missed_note, pupils, errors
        )
        visible, school_id = _pupils_in_scope(actor, provision, pupil_ids, errors)
        targets, own_provisions = _check_links(records, pupil_ids, errors)
        if errors:
            raise ServiceError(errors)
    except (ServiceError, Http404):
        # The same form sent again gets the session stored the first time, whatever the
        # checks say now (the next day, the deployment over). The stored session is looked
        # for only when the checks refuse or the insert finds the client_id taken (below):
        # a new session, nearly every save, asks the database one question fewer.
        if client_id and (existing := _stored(actor, client_id)):
            return existing, False
        raise

    fields = {
        "client_id": client_id,
        "school_id": school_id,
        "provision": provision,
        "date": date,
        "start_time": start_time,
        "minutes": minutes,
        "delivered": delivered,
        "missed_reason": missed_reason if not delivered else "",
        "missed_note": missed_note.strip() if not delivered else "",
    }
    try:
        with transaction.atomic():
            session = Session.objects.create(
                **fields, delivered_by=actor, recorded_by=actor, recorded_at=timezone.now()
            )
            # Kept on the session as written, so a page can show the saved record without
            # reading back what it has just written.
            jobs = [
                (pid, rec, own_provisions.get(parse_uuid(rec.provision_id))
                 if rec.provision_id else None)
                for pid, rec in zip(pupil_ids, records, strict=True)
            ]  # fmt: skip
            written = {
                pid: _write_pupil_record(actor, session, provision, own, visible[pid], rec, targets)
                for pid, rec, own in _by_provision(
                    jobs, lambda job: _credited(provision, job[2], job[0])
                )
            }
            session.written = [written[pid] for pid in pupil_ids]
    except IntegrityError:
        # The client_id is taken: the same form sent again, or twice at once (the other
        # request stored it).
        if existing := _stored(actor, client_id):
            return existing, False
        raise
    return session, True


def _checked(provision, date, minutes, delivered, missed_reason, missed_note, pupils, errors):
    """What can be checked without asking the database: the day, the outcome, each pupil's
    record. Returns the missed note as stored, the pupils' records and their ids; raises
    ServiceError with every message found."""
    _check_date(date, provision, errors)
    missed_note = inputs.text(missed_note, "missed_note", errors, limit=MISSED_NOTE_MAX)
    _check_outcome(minutes, delivered, missed_reason, missed_note, errors)
    records = _records(list(pupils), provision, delivered, errors)
    pupil_ids = [
        _check_pupil_record(i, rec, delivered=delivered, minutes=minutes, errors=errors)
        for i, rec in enumerate(records)
    ]
    if len(set(pupil_ids)) != len(pupil_ids):
        errors["pupils"] = "Each pupil appears once in a session."
    if errors:
        raise ServiceError(errors)
    return missed_note, records, pupil_ids


def _provision_in_scope(actor, provision, provision_id):
    """The session's provision, its pupil in the actor's scope (Http404 otherwise), or None
    for ad-hoc support. An object that access.get_scoped gave for this actor is trusted as
    it is; any other is fetched again through the access layer."""
    if provision is not None:
        if access.checked_for(provision, actor):
            return provision
        provision_id = provision.pk
    if not provision_id:
        return None
    return access.get_scoped(actor, Provision.objects.select_related("pupil"), provision_id)


def _check_date(date, provision, errors):
    today = timezone.localdate()
    if date > today:
        errors["date"] = "A session can't be recorded for a day that hasn't happened yet."
    elif date < today - dt.timedelta(days=366):
        errors["date"] = "Sessions more than a year ago can't be added here: ask the SENCO."
    elif provision is not None and date < provision.start:
        errors["date"] = f"This provision starts on {provision.start:%-d %B %Y}."


def _check_outcome(minutes, delivered, missed_reason, missed_note, errors):
    """The session's length, and why it was missed when it was."""
    if not inputs.whole(minutes) or not 1 <= minutes <= 600:
        errors["minutes"] = "Minutes must be a whole number from 1 to 600."
    if delivered:
        if missed_reason:
            errors["missed_reason"] = "A delivered session has no missed reason."
    elif missed_reason not in MissedReason.values:
        errors["missed_reason"] = (
            "Say why the session was missed: "
            + ", ".join(label.lower() for label in MissedReason.labels)
            + "."
        )
    elif missed_reason == MissedReason.OTHER and not missed_note.strip():
        errors["missed_note"] = "When the reason is 'other', say what it was."


def _records(records, provision, delivered, errors):
    """The pupils' records; a provision's missed session with none is its pupil's."""
    if not records and provision is not None:
        if delivered:
            errors["pupils"] = "Say how the pupil responded: attendance at least."
        else:
            records = [PupilRecord(pupil_id=provision.pupil_id)]
    if not records and provision is None:
        errors["pupils"] = "Name at least one pupil."
    return records


def _check_pupil_record(i, rec, *, delivered, minutes, errors):
    """One pupil's record, checked without the database; returns its pupil id (None when
    it is not an id). Its target ids are parsed in place."""
    pid = parse_uuid(rec.pupil_id, f"pupils.{i}.pupil_id", errors)
    key = f"pupils.{i}"
    if delivered and rec.attendance not in Attendance.values:
        errors[f"{key}.attendance"] = (
            "Choose attendance: present, part of the session, absent or refused."
        )
    if not delivered and rec.attendance:
        errors[f"{key}.attendance"] = "A missed session has no attendance."
    # The typed texts follow the one set of input rules (a NUL is refused, not stored).
    rec.note = inputs.text(rec.note, f"{key}.note", errors, limit=NOTE_MAX)
    rec.adaptations = inputs.text(rec.adaptations, f"{key}.adaptations", errors, limit=NOTE_MAX)
    if rec.flag_note is not None and "\x00" in rec.flag_note:
        errors[f"{key}.flag_note"] = inputs.NUL_MESSAGE.format(label="What to look at")
    elif rec.flag_note is not None:
        if rec.flag_for_teacher and not rec.flag_note.strip():
            errors[f"{key}.flag_note"] = "Say what the teacher should look at."
        elif len(rec.flag_note.strip()) > FLAG_NOTE_MAX:
            errors[f"{key}.flag_note"] = (
                f"Keep what the teacher should look at to {FLAG_NOTE_MAX} characters."
            )
    if rec.response is not None and (
        not inputs.whole(rec.response) or rec.response not in range(1, 6)
    ):
        errors[f"{key}.response"] = "Response is on a scale of 1 to 5."
    most = minutes if inputs.whole(minutes) else 0
    if rec.minutes is not None and (not inputs.whole(rec.minutes) or not 0 <= rec.minutes <= most):
        errors[f"{key}.minutes"] = "A pupil's minutes can't be more than the session's."
    rec.target_progress = _check_ratings(key, rec.target_progress, errors)
    return pid


def _check_ratings(key, target_progress, errors):
    """[(target id, rating)] with the ids parsed; each rating known, each target once."""
    progress = []
    for j, (tid, rating) in enumerate(target_progress):
        progress.append((parse_uuid(tid, f"{key}.target_progress.{j}.target_id", errors), rating))
        if rating not in Rating.values:
            errors[f"{key}.target_progress.{j}.rating"] = (
                "Rate progress as not yet, emerging, developing, secure or achieved."
            )
    rated = [tid for tid, _ in progress if tid]
    if len(set(rated)) != len(rated):
        errors[f"{key}.target_progress"] = "Rate each target once."
    return progress


def _pupils_in_scope(actor, provision, pupil_ids, errors):
    """{pupil id: pupil} and the one school they are at. Every pupil must be in the
    recorder's scope (out of scope looks like not found) and the recorder able to record
    sessions there. A provision already in scope vouches for its own pupil: the common
    case, one pupil's session for their provision, asks the database nothing more."""
    if provision is not None and pupil_ids == [provision.pupil_id]:
        visible = {provision.pupil_id: provision.pupil}
    else:
        visible = {
            p.pk: p
            for p in access.visible_pupils(actor).filter(pk__in=pupil_ids).select_related("school")
        }
    if any(pid not in visible for pid in pupil_ids):
        raise Http404
    if provision is not None and provision.pupil_id not in visible:
        errors["pupils"] = (
            f"{provision.pupil.name} is the pupil this provision is for: include them."
        )
    schools = {p.school_id for p in visible.values()}
    if len(schools) != 1:
        raise ServiceError({"pupils": "All pupils in a session belong to one school."})
    school_id = schools.pop()
    if not access.can(actor, school_id, "record_sessions"):
        raise Http404
    return visible, school_id


def _check_links(records, pupil_ids, errors):
    """Targets must belong to the pupil they are rated for; in a group, a pupil's own
    provision to that pupil. Returns ({target id: TargetChoice}, {provision id:
    provision}): the rated targets only, read in one query of plain values (none when
    nothing is rated)."""
    target_ids = {tid for rec in records for tid, _ in rec.target_progress if tid}
    targets = {t.pk: t for t in _targets_by_id(target_ids)} if target_ids else {}
    own_provisions = {}
    extra_ids = [r.provision_id for r in records if r.provision_id]
    if extra_ids:
        clean = [u for u in (parse_uuid(p) for p in extra_ids) if u]
        own_provisions = {p.pk: p for p in Provision.objects.filter(pk__in=clean)}
    for i, (pid, rec) in enumerate(zip(pupil_ids, records, strict=True)):
        for j, (tid, _) in enumerate(rec.target_progress):
            target = targets.get(tid)
            if target is None or target.pupil_id != pid:
                errors[f"pupils.{i}.target_progress.{j}.target_id"] = (
                    "This target is not one of this pupil's targets."
                )
        if rec.provision_id:
            own = own_provisions.get(parse_uuid(rec.provision_id))
            if own is None or own.pupil_id != pid:
                errors[f"pupils.{i}.provision_id"] = "This provision is not one of this pupil's."
    return targets, own_provisions


def _stored(actor, client_id):
    """The session already stored under client_id (access.stored_under): a group session
    is the actor's if any of its pupils is."""
    return stored_under(
        actor,
        Session,
        client_id,
        pupils_of=lambda s: list(s.pupils.values_list("pupil_id", flat=True)),
    )


def credited_minutes(session, rec) -> int:
    if not session.delivered or rec.attendance in (Attendance.ABSENT, Attendance.REFUSED):
        return 0
    if rec.attendance == Attendance.PARTIAL:
        return rec.minutes if rec.minutes is not None else session.minutes // 2
    return session.minutes


def _credited(provision, own_provision, pupil_id):
    """The provision a pupil's minutes count towards: the session's, if it is theirs, else
    the one the recorder named for them (a group), else none."""
    if provision is not None and provision.pupil_id == pupil_id:
        return provision
    return own_provision


def _by_provision(items, provision_of) -> list:
    """`items` in the order of their provisions' ids (none first). Every writer of session
    records writes them in this order: each record's trigger locks its provision's term
    tally until commit (provision/tally.py), and two group sessions of the same pupils
    saved at once, each in its own order, would wait for each other for ever."""

    def key(item):
        provision = provision_of(item)
        pk = getattr(provision, "pk", provision)
        return ("", "") if pk is None else ("1", str(pk))

    return sorted(items, key=key)


def _write_pupil_record(actor, session, provision, own_provision, pupil, rec, targets):
    credited = _credited(provision, own_provision, pupil.pk)
    sp = SessionPupil.objects.create(
        session=session,
        pupil=pupil,
        provision=credited,
        attendance=rec.attendance if session.delivered else "",
        date=session.date,
        minutes=credited_minutes(session, rec),
        response=rec.response,
        adaptations=rec.adaptations.strip(),
        note=rec.note.strip(),
        # Only a real True shares: anything else keeps the note for staff (the default).
        note_shared_with_parents=rec.note_shared_with_parents is True,
        flag_for_teacher=rec.flag_for_teacher,
        flag_note=(rec.flag_note or "").strip() if rec.flag_for_teacher else "",
    )
    ratings = [
        TargetRating(session_pupil=sp, target_id=tid, rating=r, date=session.date)
        for tid, r in rec.target_progress
    ]
    TargetRating.objects.bulk_create(ratings)
    sp.saved_ratings = sorted(
        (SavedRating(targets[r.target_id], r.rating) for r in ratings),
        key=lambda r: (r.target.order, r.target.text),
    )
    if sp.flag_for_teacher:
        tell_teachers_of_flag(session, pupil)
    what = credited.title if credited else (provision.title if provision else "Ad-hoc support")
    if session.delivered:
        title = f"{what}: {sp.get_attendance_display().lower()}, {sp.minutes} min"
        kind = TimelineKind.SESSION
    else:
        title = f"{what}: missed ({session.get_missed_reason_display().lower()})"
        kind = TimelineKind.SESSION_MISSED
    timeline_add(
        pupil=pupil,
        occurred_at=_occurred_at(session.date, session.start_time),
        kind=kind,
        title=title,
        body=sp.note or session.missed_note,
        actor=actor,
        ref=session,
    )
    record_change(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=session,
        school_id=session.school_id,
        pupil_id=pupil.pk,
        pupil=pupil,
        after={
            "session": snapshot(session),
            "pupil_record": snapshot(sp),
            "ratings": {str(r.target_id): r.rating for r in ratings},
        },
    )
    return sp


def tell_teachers_of_flag(session, pupil) -> None:
    """A session flagged for the teacher: a notification to each teacher of the pupil's
    classes (issue 11), in this transaction, so it exists exactly when the record does."""
    teachers = pupil.teaching_groups.values_list("teachers", flat=True)
    notify(
        users=[t for t in teachers if t is not None],
        kind="session_flagged",
        title=f"{pupil.name}: a session flagged for you to look at",
        url=reverse("session_detail", args=[session.pk]),
        school_id=session.school_id,
    )


AMENDABLE_SESSION_FIELDS = ("minutes", "start_time", "delivered", "missed_reason", "missed_note")
AMENDABLE_PUPIL_FIELDS = (
    "attendance",
    "response",
    "note",
    "note_shared_with_parents",
    "adaptations",
    "flag_for_teacher",
    "flag_note",
    "minutes",
)


def session_can_amend(user, session: Session) -> bool:
    """Who may correct a saved session: whoever recorded it, and those at the school who
    write plans or oversee (HLTA, teacher, SENCO, head). The caller has already fetched the
    session through the access layer."""
    return (
        session.recorded_by_id == user.pk
        or access.can(user, session.school_id, "oversee")
        or access.can(user, session.school_id, "write_plans")
    )


def session_amend(*, actor, session: Session, reason: str, changes: dict, pupil_changes: dict):
    """Correct a saved session. `changes` holds session fields, `pupil_changes` maps a
    pupil id to its fields (and 'ratings': {target_id: rating}). The old values are kept
    in the SessionAmendment, attributed to the actor, with the reason. The record stays
    consistent: a missed session credits nobody, a delivered one has each pupil's
    attendance, and credit follows attendance."""
    if not session_can_amend(actor, session):
        raise Http404
    scope = _amend_scope(actor, session)
    errors = {}
    reason = amendments.reason(reason, errors)
    wanted = _session_corrected(session, changes, scope, errors)
    rated = {
        (str(r.session_pupil.pupil_id), str(r.target_id)): r
        for r in TargetRating.objects.filter(session_pupil__session=session).select_related(
            "session_pupil"
        )
    }
    for pid, fields in pupil_changes.items():
        _check_pupil_changes(str(pid), fields, scope, rated, wanted, errors)
    if wanted["delivered"] and not session.delivered:
        for pid, sp in scope.records.items():
            if not pupil_changes.get(pid, {}).get("attendance"):
                errors[f"pupil:{pid}:attendance"] = (
                    f"The session is now delivered: say whether {sp.pupil.name} attended."
                )
    if errors:
        raise ServiceError(errors)

    with transaction.atomic():
        session = amendments.locked(session)
        before = snapshot(session)
        wanted["start_time"] = changes.get("start_time", session.start_time)
        diff = amendments.changed(
            {name: getattr(session, name) for name in wanted}, wanted, list(wanted)
        )
        for key in diff:
            setattr(session, key, wanted[key])
        session.save()
        for pid, sp in _by_provision(scope.records.items(), lambda item: item[1].provision_id):
            diff.update(_amend_pupil_record(session, sp, pupil_changes.get(pid, {}), rated))
        return amendments.amend(
            actor=actor,
            record=session,
            reason=reason,
            changes=diff,
            before={"session": before},
            after={"session": snapshot(session)},
            pupil_ids=[sp.pupil_id for sp in scope.records.values()],
            amendment=(SessionAmendment, {"session": session}),
            timeline=(
                TimelineKind.SESSION_AMENDED,
                f"Session record of {session.date:%-d %b} corrected",
            ),
        )


@dataclass
class _AmendScope:
    records: dict  # pupil id (text) -> the SessionPupil, pupil selected
    visible: set  # the pupil ids (text) the amender may see
    whole_session: bool  # may change the session-wide fields


def _amend_scope(actor, session) -> _AmendScope:
    records = {str(sp.pupil_id): sp for sp in session.pupils.select_related("pupil")}
    visible = {
        str(pk)
        for pk in access.visible_pupils(actor)
        .filter(pk__in=[sp.pupil_id for sp in records.values()])
        .values_list("pk", flat=True)
    }
    # Session-wide fields change every pupil's record; someone who sees only some of the
    # pupils (a teacher in a mixed group) may correct those pupils' parts only.
    whole_session = session.recorded_by_id == actor.pk or access.can(
        actor, session.school_id, "oversee"
    )
    return _AmendScope(records, visible, whole_session)


def _session_corrected(session, changes, scope, errors) -> dict:
    """The session-wide fields as corrected (start time aside: it is read under the lock),
    each checked; a refused value falls back to the record's so the pupils' checks still
    run against something sound."""
    for key in changes:
        if key not in AMENDABLE_SESSION_FIELDS:
            errors[key] = "This part of a session can't be changed."
    if changes and not scope.whole_session and scope.visible != set(scope.records):
        errors["__all__"] = (
            "This session includes pupils you don't work with: ask whoever recorded it, "
            "or the SENCO, to correct the session itself."
        )
    minutes = changes.get("minutes", session.minutes)
    if not whole(minutes) or not 1 <= minutes <= 600:
        errors["minutes"] = "Minutes must be a whole number from 1 to 600."
        minutes = session.minutes
    delivered = changes.get("delivered", session.delivered)
    if not isinstance(delivered, bool):
        errors["delivered"] = "Say whether the session was delivered or missed."
        delivered = session.delivered
    missed_note = changes.get("missed_note", session.missed_note) or ""
    if delivered:
        if changes.get("missed_reason"):
            errors["missed_reason"] = "A delivered session has no missed reason."
        missed_reason = ""
    else:
        missed_reason = changes.get("missed_reason", session.missed_reason)
        if missed_reason not in MissedReason.values:
            errors["missed_reason"] = "Say why the session was missed."
        elif missed_reason == MissedReason.OTHER and not missed_note.strip():
            errors["missed_note"] = "When the reason is 'other', say what it was."
    return {
        "minutes": minutes,
        "delivered": delivered,
        "missed_reason": missed_reason,
        "missed_note": missed_note.strip() if not delivered else "",
    }


def _check_pupil_changes(pid, fields, scope, rated, wanted, errors) -> None:
    if pid not in scope.records or pid not in scope.visible:
        errors[f"pupil:{pid}"] = "This pupil is not in the session."
        return
    for key, value in fields.items():
        if key == "ratings":
            for tid, rating in value.items():
                tid = parse_uuid(tid)
                if tid is None or (pid, str(tid)) not in rated:
                    errors[f"pupil:{pid}:ratings"] = "Rate only targets rated in the session."
                elif rating not in Rating.values:
                    errors[f"pupil:{pid}:ratings"] = "Unknown rating."
        elif key not in AMENDABLE_PUPIL_FIELDS:
            errors[f"pupil:{pid}:{key}"] = "This can't be changed."
        elif message := _pupil_field_error(key, value, wanted):
            errors[f"pupil:{pid}:{key}"] = message


def _pupil_field_error(key, value, wanted) -> str:
    """What is wrong with one corrected field of a pupil's record ("" when sound)."""
    minutes = wanted["minutes"]
    if key == "note_shared_with_parents" and not isinstance(value, bool):
        return "Say whether the note is shared with parents."
    if key == "attendance" and wanted["delivered"] and value not in Attendance.values:
        return "Choose a valid attendance."
    if key == "flag_note" and isinstance(value, str) and "\x00" in value:
        return inputs.NUL_MESSAGE.format(label="What to look at")
    if key == "flag_note" and (not isinstance(value, str) or len(value.strip()) > FLAG_NOTE_MAX):
        return f"Keep what the teacher should look at to {FLAG_NOTE_MAX} characters."
    if key == "response" and value is not None and value not in range(1, 6):
        return "Response is on a scale of 1 to 5."
    if key == "minutes" and (not whole(value) or not 0 <= value <= minutes):
        return f"A pupil's minutes are from 0 to the session's {minutes}."
    return ""


def _amend_pupil_record(session, sp, fields, rated) -> dict:
    """Write one pupil's corrected record and ratings (the session already corrected);
    returns what changed, keyed "pupil:<id>:<field>"."""
    pid = str(sp.pupil_id)
    fields = dict(fields)
    ratings = fields.pop("ratings", {})
    new = {key: fields.get(key, getattr(sp, key)) for key in AMENDABLE_PUPIL_FIELDS}
    if not session.delivered:
        new["attendance"], new["minutes"] = "", 0
    elif "minutes" not in fields or new["attendance"] != Attendance.PARTIAL:
        # Credit follows attendance; a part session keeps the minutes given, or the ones
        # it had, or half the session.
        partial_minutes = fields.get("minutes")
        if partial_minutes is None and sp.attendance == Attendance.PARTIAL:
            partial_minutes = min(sp.minutes, session.minutes)
        new["minutes"] = credited_minutes(
            session,
            PupilRecord(pupil_id=pid, attendance=new["attendance"], minutes=partial_minutes),
        )
    diff = {}
    for key, value in new.items():
        old = getattr(sp, key)
        if old != value:
            diff[f"pupil:{pid}:{key}"] = [plain(old), plain(value)]
            setattr(sp, key, value)
    sp.save()
    for tid, rating in ratings.items():
        existing = rated[(pid, str(parse_uuid(tid)))]
        if existing.rating != rating:
            diff[f"pupil:{pid}:rating:{existing.target_id}"] = [existing.rating, rating]
            existing.rating = rating
            existing.save(update_fields=["rating"])
    return diff


def feed_mark_all_seen(*, actor, session_pupils) -> int:
    """Mark records of the actor's feed seen by the actor: one receipt each and an audit
    row for each receipt this call actually created. The caller has fetched the records
    through the access layer, pupils selected. Two queries whatever the number of records.
    Returns how many were newly marked: what the teacher is told."""
    records = {sp.pk: sp for sp in session_pupils}
    if not records:
        return 0
    now = timezone.now()
    with transaction.atomic():
        created = _insert_receipts(actor, list(records), now)
        # Only what this call inserted is audited: two taps at once (a double tap, two
        # tabs) each see the other's receipt as a conflict, so the receipt, unique per
        # (record, teacher), is audited once. Reading first and inserting after left a
        # gap in which both taps counted the same receipt as new.
        record_changes(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type=FeedReceipt._meta.label_lower,
            rows=[
                (records[pk].pupil.school_id, records[pk].pupil_id, f"{pk}:{actor.pk}",
                 {"session_pupil": pk, "seen_at": now.isoformat()})
                for pk in sorted(created)
            ],
        )  # fmt: skip
    return len(created)


def _insert_receipts(actor, session_pupil_ids, now) -> set[int]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING: the ids of the records whose receipt
    this statement created, in one query. Django's bulk_create(ignore_conflicts=True)
    cannot say which rows it inserted; SQLite (3.35+) and PostgreSQL both speak this."""
    table = connection.ops.quote_name(FeedReceipt._meta.db_table)
    field = FeedReceipt._meta.get_field("seen_at")
    seen_at = field.get_db_prep_value(now, connection)
    values = ", ".join(["(%s, %s, %s)"] * len(session_pupil_ids))
    params = [p for pk in session_pupil_ids for p in (pk, actor.pk, seen_at)]
    sql = (
        f"INSERT INTO {table} (session_pupil_id, user_id, seen_at) VALUES {values} "
        "ON CONFLICT (session_pupil_id, user_id) DO NOTHING RETURNING session_pupil_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


PROVISION_FIELDS = (
    "title", "description", "kind", "source", "sessions_per_week", "session_minutes",
    "hours_per_week", "days", "group_size", "staffing", "staffing_notes", "start", "end",
    "cost_per_hour", "plan",
)  # fmt: skip


def _validate_provision(pupil, data):
    """Checks and normalises `data` in place; returns errors by field."""
    errors = field_limits(Provision, data)
    _check_choices(data, errors)
    days = "".join(sorted(set(str(d) for d in (data.get("days") or ""))))
    if not days or any(d not in "12345" for d in days):
        errors["days"] = "Choose at least one school day (Monday to Friday)."
    data["days"] = days
    check_amount(data, days, errors)
    start, end = data.get("start"), data.get("end")
    if not isinstance(start, dt.date):
        errors["start"] = "Give the date the provision starts."
    elif end and end < start:
        errors["end"] = "The end date can't be before the start."
    plan = data.get("plan")
    if plan is not None and plan.pupil_id != pupil.pk:
        errors["plan"] = "Choose one of this pupil's plans."
    if not 1 <= (data.get("group_size") or 1) <= 60:
        errors["group_size"] = "Group size is from 1 to 60."
    return errors


def _check_choices(data, errors):
    """What the provision is, what kind, who delivers it and where it is promised."""
    if not (data.get("title") or "").strip():
        errors["title"] = "Say what the provision is."
    if data.get("kind") not in Provision.Kind.values:
        errors["kind"] = "Choose the kind of provision."
    if data.setdefault("staffing", Provision.Staffing.TA) not in Provision.Staffing.values:
        errors["staffing"] = (
            "Choose who delivers it: a TA, HLTA, teacher, therapist or any trained adult."
        )
    if data.get("source") not in Provision.Source.values:
        errors["source"] = "Say where it is promised: EHC plan section F or the SEN support plan."


def check_amount(data, days, errors):
    """How much: sessions a week × minutes (one session a ticked day), or hours a week.
    Sets data["weekly_minutes"] when it is clear."""
    sessions, minutes = data.get("sessions_per_week"), data.get("session_minutes")
    hours = data.pop("hours_per_week", None)
    if sessions or minutes:
        if not (sessions and minutes):
            errors["session_minutes"] = "Give both the sessions a week and the minutes of each."
        elif not (1 <= sessions <= 25 and 5 <= minutes <= 360):
            errors["session_minutes"] = "Sessions a week is 1–25 and minutes 5–360."
        else:
            if days and "days" not in errors and len(days) != sessions:
                errors["days"] = (
                    f"{sessions} session(s) a week need {sessions} day(s) in the weekly "
                    f"pattern; {len(days)} are ticked."
                )
            data["weekly_minutes"] = sessions * minutes
        if hours:
            errors["hours_per_week"] = "Give sessions × minutes or hours a week, not both."
    elif hours:
        if not 0 < hours <= 40:
            errors["hours_per_week"] = "Hours a week is more than 0 and at most 40."
        else:
            data["weekly_minutes"] = round(float(hours) * 60)
            data["sessions_per_week"] = data["session_minutes"] = None
    else:
        errors["sessions_per_week"] = "Say how much: sessions a week × minutes, or hours a week."


@transaction.atomic
def provision_create(*, actor, pupil, data: dict, targets=()) -> Provision:
    if not access.can(actor, pupil.school_id, "write_plans"):
        raise Http404
    data = {k: v for k, v in data.items() if k in PROVISION_FIELDS}
    errors = _validate_provision(pupil, data)
    targets = list(targets)
    if any(t.plan.pupil_id != pupil.pk for t in targets):
        errors["targets"] = "Link only this pupil's targets."
    if errors:
        raise ServiceError(errors)
    if data.get("group_size") is None:
        data.pop("group_size", None)
    provision = Provision.objects.create(pupil=pupil, **data)
    provision.targets.set(targets)
    record_change(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=provision,
        school_id=pupil.school_id,
        pupil_id=pupil.pk,
        after={**snapshot(provision), "targets": [str(t.pk) for t in targets]},
    )
    timeline_add(
        pupil=pupil,
        kind=TimelineKind.PROVISION,
        title=f"Provision added: {provision.title} ({provision.how_much})",
        actor=actor,
        ref=provision,
    )
    return provision


@transaction.atomic
def provision_end(*, actor, provision: Provision, end: dt.date) -> Provision:
    """Stop a provision from a date. It is not deleted: its sessions stay evidence."""
    if not access.can(actor, provision.pupil.school_id, "write_plans"):
        raise Http404
    if end < provision.start:
        raise ServiceError({"end": "The end date can't be before the start."})
    before = snapshot(provision)
    provision.end = end
    provision.save(update_fields=["end"])
    record_change(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=provision,
        school_id=provision.pupil.school_id,
        pupil_id=provision.pupil_id,
        before=before,
        after=snapshot(provision),
    )
    return provision
