"""Leavers (issue 12): a pupil leaves, and their record is kept read-only.

The one place a leaver's record is refused a write is the audit trail: every service that
writes anything about a pupil writes its audit row (sendesk.audit.services) in its own
transaction, and the audit asks `refuse_if_left` (PupilsConfig.pupil_write_checks) first.
So a session, a note, a plan, a message or a deployment about a leaver is refused by the
same check, with the same words, and nothing is written; a new kind of record is covered
the day it is audited. What may still be written about a leaver (the leaving itself and
its undoing, the record of what was disclosed to the next school, a subject access
request, a retention disposal) runs inside `leaver_writes_allowed()`.

A leaving recorded ahead (a pupil about to leave) changes nothing until its day: the pupil
is then out of the TAs' and teachers' scope (sendesk.access) and read-only here."""

import contextlib
import contextvars
import datetime as dt

from django.db import transaction
from django.utils import dateformat, timezone

from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_pupil_change, snapshot
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import field_limits
from sendesk.schools import capabilities

from .models import Pupil, PupilLeaving, TimelineKind, TransferDisclosure
from .timeline import timeline_add

# How far ahead a leaving may be recorded: a pupil known to be leaving this year.
AHEAD = dt.timedelta(days=366)
READ_ONLY = 409

_allowed = contextvars.ContextVar("leaver_writes_allowed", default=False)


class LeaverReadOnly(ServiceError):
    """A write about a pupil who has left: refused, 409 (the request was fine, the record
    is not open to it). The pages show the message (sendesk.front.middleware), the API
    answers with it."""

    def __init__(self, pupil: Pupil):
        self.pupil = pupil
        super().__init__({"__all__": read_only_message(pupil)}, READ_ONLY)


def read_only_message(pupil: Pupil) -> str:
    day = dateformat.format(pupil.left_on, "j M Y")
    return f"{pupil.name} left on {day}: their record is kept read-only."


@contextlib.contextmanager
def leaver_writes_allowed():
    """Within this block, writes about leavers are let through: only for what a school
    still does with a leaver's record (the leaving itself, the transfer, subject access,
    retention disposal), never around a service that changes the record."""
    token = _allowed.set(True)
    try:
        yield
    finally:
        _allowed.reset(token)


def refuse_if_left(pupils) -> None:
    """Raise LeaverReadOnly if any of `pupils` (Pupil objects or ids) has left. A Pupil
    object holding its leaving day is answered without a query; ids cost one query for
    all of them."""
    if _allowed.get():
        return
    ids = []
    for pupil in pupils:
        if isinstance(pupil, Pupil) and "left_on" in vars(pupil):
            if pupil.has_left:
                raise LeaverReadOnly(pupil)
        elif pupil is not None:
            ids.append(getattr(pupil, "pk", pupil))
    if not ids:
        return
    left = (
        Pupil.objects.filter(pk__in=ids, left_on__lte=timezone.localdate())
        .only("legal_first_name", "legal_last_name", "preferred_name", "left_on")
        .first()
    )
    if left is not None:
        raise LeaverReadOnly(left)


def current_leaving(pupil: Pupil) -> PupilLeaving | None:
    if pupil.left_on is None:
        return None
    return pupil.leavings.filter(undone_at__isnull=True).select_related("recorded_by").first()


def _validate(pupil, data) -> dict:
    errors = field_limits(PupilLeaving, data)
    left_on = data.get("left_on")
    today = timezone.localdate()
    if not isinstance(left_on, dt.date):
        errors["left_on"] = "Give the date the pupil left (or leaves)."
    elif left_on < pupil.date_of_birth or left_on < pupil.created.date() - dt.timedelta(days=3650):
        errors["left_on"] = "This date is before the pupil could have been at the school."
    elif left_on > today + AHEAD:
        errors["left_on"] = "A leaving can be recorded up to a year ahead."
    if data.get("reason") not in PupilLeaving.Reason.values:
        errors["reason"] = "Choose why the pupil left."
    urn = data.get("next_school_urn", "")
    if urn and not (urn.isdigit() and len(urn) == 6):
        errors["next_school_urn"] = "A URN is 6 digits, e.g. 123456."
    laestab = data.get("next_school_laestab", "")
    if laestab and not (laestab.isdigit() and len(laestab) == 7):
        errors["next_school_laestab"] = "An LA/Estab number is 7 digits, e.g. 9992001."
    if (urn or laestab) and not data.get("next_school"):
        errors["next_school"] = "Give the next school's name with its number."
    return errors


def _clean(data: dict) -> dict:
    return {
        "left_on": data.get("left_on"),
        "reason": data.get("reason") or "",
        "next_school": " ".join(str(data.get("next_school") or "").split()),
        "next_school_urn": "".join(str(data.get("next_school_urn") or "").split()),
        # "999/2001" and "999 2001" are how LA/Estab numbers are often written.
        "next_school_laestab": "".join(
            c for c in str(data.get("next_school_laestab") or "") if c not in "/ -"
        ),
    }


@transaction.atomic
def pupil_leave(*, actor, pupil: Pupil, data: dict) -> PupilLeaving:
    """Record that `pupil` leaves on data["left_on"] (today, past or up to a year ahead),
    why, and for which school. SENCO or head."""
    capabilities.require(actor, pupil.school_id, "record_leaving")
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    data = _clean(data)
    errors = _validate(pupil, data)
    if pupil.left_on is not None:
        errors["__all__"] = "This pupil's leaving is already recorded: undo it first to change it."
    if errors:
        raise ServiceError(errors)
    with leaver_writes_allowed():
        leaving = PupilLeaving.objects.create(
            pupil=pupil, recorded_by=actor, recorded_at=timezone.now(), **data
        )
        before = snapshot(pupil)
        pupil.left_on = leaving.left_on
        pupil.save(update_fields=["left_on"])
        record_pupil_change(
            actor, AuditEvent.Action.CREATE, leaving, pupil, after=snapshot(leaving)
        )
        record_pupil_change(
            actor, AuditEvent.Action.UPDATE, pupil, pupil, before=before, after=snapshot(pupil)
        )
        where = f" for {leaving.next_school}" if leaving.next_school else ""
        timeline_add(
            pupil=pupil, actor=actor, ref=leaving, kind=TimelineKind.LEFT,
            title=f"Left the school{where} ({leaving.get_reason_display().lower()})",
            occurred_at=timezone.make_aware(dt.datetime.combine(leaving.left_on, dt.time(12))),
        )  # fmt: skip
    return leaving


@transaction.atomic
def pupil_rejoin(*, actor, pupil: Pupil) -> Pupil:
    """Undo a leaving (the pupil came back, or it was recorded in error): the head only,
    because it opens a closed record again. The leaving's row stays, marked undone."""
    capabilities.require(actor, pupil.school_id, "rejoin_pupil")
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    leaving = pupil.leavings.filter(undone_at__isnull=True).first()
    if pupil.left_on is None or leaving is None:
        raise ServiceError("This pupil has no leaving to undo.")
    with leaver_writes_allowed():
        before_leaving, before = snapshot(leaving), snapshot(pupil)
        leaving.undone_by, leaving.undone_at = actor, timezone.now()
        leaving.save(update_fields=["undone_by", "undone_at"])
        pupil.left_on = None
        pupil.save(update_fields=["left_on"])
        record_pupil_change(
            actor, AuditEvent.Action.UPDATE, leaving, pupil, before=before_leaving,
            after=snapshot(leaving),
        )  # fmt: skip
        record_pupil_change(
            actor, AuditEvent.Action.UPDATE, pupil, pupil, before=before, after=snapshot(pupil)
        )
        timeline_add(
            pupil=pupil, actor=actor, ref=leaving, kind=TimelineKind.REJOINED,
            title="Back on the school's roll (leaving undone)",
        )  # fmt: skip
    return pupil


@transaction.atomic
def record_disclosure(*, actor, pupil: Pupil, what: str, via: str = "web") -> TransferDisclosure:
    """What went to the next school (the transfer pack, the CTF), by whom and when: a
    disclosure of the child's record, kept and audited, allowed for a leaver."""
    leaving = current_leaving(pupil)
    with leaver_writes_allowed():
        row = TransferDisclosure.objects.create(
            pupil=pupil, what=what, via=via, by=actor, at=timezone.now(),
            to_school=leaving.next_school if leaving else "",
        )  # fmt: skip
        record_pupil_change(actor, AuditEvent.Action.CREATE, row, pupil, after=snapshot(row))
    return row
