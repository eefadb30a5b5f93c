"""Writes behind the safeguarding wall: report a concern, and the DSL team's triage,
actions, closing and reopening. Each validates everything first, then writes the record
and a SafeguardingAudit row in one transaction.

Nothing here touches the shared trails (audit.AuditEvent, audit.AccessEvent) or the pupil
timeline: the SENCO and head read those, and must not learn that a concern exists. The
reporter's account is never edited; what the DSL team adds or corrects is a new
ConcernAction ("note"), so the chronology keeps every word as it was written."""

import datetime as dt
import math
import uuid

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from sendesk import access
from sendesk.audit.services import snapshot
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError

from .models import RETENTION_YEARS, Concern, ConcernAction, SafeguardingAccess, SafeguardingAudit

BODY_MAP_MAX_MARKS = 30
MARK_NOTE_MAX = 200
LOCATION_MAX = 150
TEXT_MAX = 20_000
# A device's clock may run a little fast: a concern noticed "now" is not in the future.
CLOCK_GRACE = dt.timedelta(minutes=10)
MARK_KEYS = {"side", "x", "y", "note"}
SIDES = ("front", "back")
# What the DSL team may add after triage; closing and reopening have their own services.
ACTION_KINDS = (
    ConcernAction.Kind.REFERRAL_CSC,
    ConcernAction.Kind.EARLY_HELP,
    ConcernAction.Kind.POLICE,
    ConcernAction.Kind.MONITOR,
    ConcernAction.Kind.NOTE,
)
TRIAGE_STATUSES = (Concern.Status.OPEN, Concern.Status.CLOSED)
TRIAGE_RISKS = (Concern.Risk.LOW, Concern.Risk.MEDIUM, Concern.Risk.HIGH)


def retain_until(date_of_birth: dt.date) -> dt.date:
    """Date of birth + 25 years; a 29 February birthday falls on 28 February."""
    year = date_of_birth.year + RETENTION_YEARS
    try:
        return date_of_birth.replace(year=year)
    except ValueError:
        return date_of_birth.replace(year=year, day=28)


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value):
        return None
    return value


def clean_body_map(body_map) -> tuple[list[dict], dict[str, str]]:
    """The marks as stored ({side, x, y, note}, positions rounded to 0.1) and the errors by
    field. Messages never repeat what was typed: error bodies must not carry concern text."""
    errors: dict[str, str] = {}
    if body_map in (None, ""):
        return [], errors
    if not isinstance(body_map, list):
        return [], {"body_map": "The body map must be a list of marks."}
    if len(body_map) > BODY_MAP_MAX_MARKS:
        return [], {
            "body_map": f"A body map holds at most {BODY_MAP_MAX_MARKS} marks; "
            f"this one has {len(body_map)}. Describe the rest in words."
        }
    marks = []
    for i, mark in enumerate(body_map):
        key = f"body_map.{i}"
        n = i + 1
        if not isinstance(mark, dict):
            errors[key] = f"Mark {n} must be an object with side, x, y and note."
            continue
        if set(mark) - MARK_KEYS:
            errors[key] = f"Mark {n} has fields other than side, x, y and note."
            continue
        side = mark.get("side")
        if side not in SIDES:
            errors[f"{key}.side"] = f"Mark {n}: say which side of the body, front or back."
        x, y = _number(mark.get("x")), _number(mark.get("y"))
        for name, value in (("x", x), ("y", y)):
            if value is None or not 0 <= value <= 100:
                errors[f"{key}.{name}"] = (
                    f"Mark {n}: the position {name} must be a number from 0 to 100."
                )
        note = inputs.text(
            mark.get("note"),
            f"{key}.note",
            errors,
            limit=MARK_NOTE_MAX,
            label=f"Mark {n}: the note",
        )
        if len(note) > MARK_NOTE_MAX and "\x00" not in note:
            # Said here rather than in the general words: where the rest belongs.
            errors[f"{key}.note"] = (
                f"Mark {n}: keep the note to {MARK_NOTE_MAX} characters "
                f"(it has {len(note)}); write more in the concern itself."
            )
        if not any(k.startswith(key) for k in errors):
            marks.append({"side": side, "x": round(x, 1), "y": round(y, 1), "note": note})
    return marks, errors


def concern_report(
    *,
    actor,
    client_id=None,
    pupil_id,
    occurred_at,
    location: str = "",
    concern: str,
    words_used: str = "",
    body_map=None,
    action_taken: str = "",
) -> tuple[Concern, bool]:
    """Report a child-protection concern. Any staff member may, about any pupil of a
    school where they hold a role (Http404 otherwise, as for a pupil that does not exist).
    Returns (concern, created); the same client_id again returns the stored concern and
    created=False. The reporter is told only that it was received."""
    errors: dict[str, str] = {}
    if client_id:
        try:
            client_id = client_id if isinstance(client_id, uuid.UUID) else uuid.UUID(str(client_id))
        except (TypeError, ValueError, AttributeError):
            errors["client_id"] = "This is not a valid id."
            client_id = None
    else:
        client_id = uuid.uuid4()
    if client_id and (existing := _existing(actor, client_id)):
        return existing, False

    if not pupil_id:
        errors["pupil"] = "Choose the pupil the concern is about."
    now = timezone.now()
    if not isinstance(occurred_at, dt.datetime):
        errors["occurred_at"] = "Say when it happened or when you noticed it: a date and time."
    else:
        if timezone.is_naive(occurred_at):
            occurred_at = timezone.make_aware(occurred_at)
        if occurred_at > now + CLOCK_GRACE:
            errors["occurred_at"] = "When it happened can't be in the future."
    location = inputs.text(location, "location", errors, label="Where", limit=LOCATION_MAX)
    text = inputs.text(
        concern, "concern", errors, label="What you saw or heard", limit=TEXT_MAX,
        required="Say what you saw, heard or were told.",
    )  # fmt: skip
    words_used = inputs.text(
        words_used, "words_used", errors, label="The words used", limit=TEXT_MAX
    )
    action_taken = inputs.text(
        action_taken, "action_taken", errors, label="What you have done", limit=TEXT_MAX
    )
    marks, map_errors = clean_body_map(body_map)
    errors.update(map_errors)
    if errors:
        raise ServiceError(errors)

    pupil = access.get_school_pupil(actor, pupil_id)
    if occurred_at.date() < pupil.date_of_birth:
        raise ServiceError({"occurred_at": "That is before the pupil was born: check the date."})
    try:
        with transaction.atomic():
            record = Concern.objects.create(
                client_id=client_id,
                school_id=pupil.school_id,
                pupil=pupil,
                reported_by=actor,
                reported_at=now,
                occurred_at=occurred_at,
                location=location,
                concern=text,
                words_used=words_used,
                body_map=marks,
                action_taken=action_taken,
                retain_until=retain_until(pupil.date_of_birth),
            )
            _audit(actor, record, "report", now, after=snapshot(record))
    except IntegrityError:
        # The same client_id arrived twice at once: the other request stored it.
        if existing := _existing(actor, client_id):
            return existing, False
        raise
    return record, True


def _existing(actor, client_id):
    """The concern this reporter stored under client_id. A client_id is unique per
    reporter, so someone else's id tells nothing: not even that a concern exists."""
    return Concern.objects.filter(client_id=client_id, reported_by=actor).first()


def _audit(actor, concern, action, at, *, before=None, after=None):
    return SafeguardingAudit.objects.create(
        at=at, actor=actor, concern=concern, school_id=concern.school_id, action=action,
        before=before, after=after,
    )  # fmt: skip


def _state(concern) -> dict:
    return {"status": concern.status, "risk": concern.risk}


def _require_dsl(actor, concern) -> None:
    """Only the DSL team of the concern's school acts on it; to anyone else (even with bad
    input) it does not exist."""
    if not access.can(actor, concern.school_id, "safeguarding"):
        raise Http404


def _locked(actor, concern) -> Concern:
    """The concern, locked for the change, if `actor` is on its school's DSL team."""
    _require_dsl(actor, concern)
    return Concern.objects.select_for_update().get(pk=concern.pk)


def _add_action(actor, concern, kind, note, at, before) -> ConcernAction:
    action = ConcernAction.objects.create(concern=concern, kind=kind, note=note, by=actor, at=at)
    after = {**_state(concern), "action": {"id": action.pk, "kind": kind, "note": note}}
    _audit(actor, concern, kind, at, before=before, after=after)
    return action


def concern_triage(*, actor, concern: Concern, status: str, risk: str, note: str = ""):
    """The DSL's assessment: open (act on it) or closed (no further action), and the risk.
    May be repeated while the concern is not closed, as the picture changes."""
    _require_dsl(actor, concern)
    errors: dict[str, str] = {}
    if status not in TRIAGE_STATUSES:
        errors["status"] = "Choose open (to act on it) or closed (no further action)."
    if risk not in TRIAGE_RISKS:
        errors["risk"] = "Choose the risk: low, medium or high."
    note = inputs.text(note, "note", errors, label="The note", limit=TEXT_MAX)
    if status == Concern.Status.CLOSED and not note and "status" not in errors:
        errors["note"] = "Say why no further action is needed."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        concern = _locked(actor, concern)
        if concern.status == Concern.Status.CLOSED:
            raise ServiceError({"status": "This concern is closed: reopen it to triage again."})
        before = _state(concern)
        concern.status, concern.risk = status, risk
        concern.save(update_fields=["status", "risk"])
        summary = f"Risk: {concern.get_risk_display()}. Status: {concern.get_status_display()}."
        return _add_action(
            actor, concern, ConcernAction.Kind.TRIAGE, "\n\n".join(filter(None, [summary, note])),
            timezone.now(), before,
        )  # fmt: skip


def concern_action_add(*, actor, concern: Concern, kind: str, note: str = ""):
    """A referral, early help, police involvement, monitoring, or a note (which is also how
    the DSL team corrects or adds to the reporter's account). A closed concern takes notes
    only: reopen it to act again."""
    _require_dsl(actor, concern)
    errors: dict[str, str] = {}
    if kind not in ACTION_KINDS:
        errors["kind"] = (
            "Choose what was done: referral to children's social care, early help, police, "
            "monitor, or a note."
        )
    note = inputs.text(note, "note", errors, label="The note", limit=TEXT_MAX)
    if kind == ConcernAction.Kind.NOTE and not note and "note" not in errors:
        errors["note"] = "Write the note."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        concern = _locked(actor, concern)
        if concern.status == Concern.Status.CLOSED and kind != ConcernAction.Kind.NOTE:
            raise ServiceError({"kind": "This concern is closed: reopen it to add an action."})
        return _add_action(actor, concern, kind, note, timezone.now(), _state(concern))


def _change_status(actor, concern, *, to, kind, note, refuse_if, refusal, why):
    _require_dsl(actor, concern)
    errors: dict[str, str] = {}
    note = inputs.text(note, "note", errors, label="The note", limit=TEXT_MAX)
    if not note and not errors:
        errors["note"] = why
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        concern = _locked(actor, concern)
        if concern.status in refuse_if:
            raise ServiceError({"__all__": refusal})
        before = _state(concern)
        concern.status = to
        concern.save(update_fields=["status"])
        return _add_action(actor, concern, kind, note, timezone.now(), before)


def concern_close(*, actor, concern: Concern, note: str):
    return _change_status(
        actor, concern, to=Concern.Status.CLOSED, kind=ConcernAction.Kind.CLOSE, note=note,
        refuse_if={Concern.Status.CLOSED}, refusal="This concern is already closed.",
        why="Say why the concern is being closed.",
    )  # fmt: skip


def concern_reopen(*, actor, concern: Concern, note: str):
    return _change_status(
        actor, concern, to=Concern.Status.OPEN, kind=ConcernAction.Kind.REOPEN, note=note,
        refuse_if={Concern.Status.NEW, Concern.Status.OPEN},
        refusal="This concern is not closed.", why="Say why the concern is being reopened.",
    )  # fmt: skip


def access_record(*, actor, pupil_id, what: str, concern=None, via: str = "web", school_id=None):
    """One row of the wall's own access trail (never audit.AccessEvent). Its chain is the
    school's: give `school_id` (or a concern) when known, or it is looked up."""
    if school_id is None and concern is not None:
        school_id = concern.school_id
    return SafeguardingAccess.objects.create(
        at=timezone.now(), actor=actor, pupil_id=pupil_id, school_id=school_id, concern=concern,
        what=what, via=via,
    )  # fmt: skip


def access_record_many(*, actor, concerns=(), pupils=(), what: str, via: str = "web") -> None:
    """A row per concern shown (and per pupil shown without a concern), in one INSERT, so a
    page's query count does not grow with its rows."""
    now = timezone.now()
    rows = [
        SafeguardingAccess(
            at=now,
            actor=actor,
            pupil_id=c.pupil_id,
            school_id=vars(c).get("school_id"),
            concern=c,
            what=what,
            via=via,
        )  # fmt: skip
        for c in concerns
    ]
    rows += [
        SafeguardingAccess(
            at=now, actor=actor, pupil_id=pk, school_id=school_id, what=what, via=via
        )
        # The school when the object holds it; else looked up, once for all (fill_chain).
        for pk, school_id in {p.pk: vars(p).get("school_id") for p in pupils}.items()
    ]
    if rows:
        SafeguardingAccess.objects.bulk_create(rows)
