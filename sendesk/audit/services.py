"""Writing the audit and access trails. Called by the services that change pupil data,
inside their transaction, and by the access points that show it. Each row is linked into
its school's hash chain as it is saved (sendesk.audit.chain)."""

from functools import cache

from django.db import models
from django.utils import timezone

from sendesk.lib.inputs import plain
from sendesk.lib.registry import hooks

from . import chain
from .models import AccessEvent, AuditEvent, SecurityEvent


def snapshot(obj: models.Model, exclude=()) -> dict:
    """The concrete field values of `obj`, as JSON. Costs no query (foreign keys by id).
    Values are written as inputs.plain writes an amendment's (times in local time), so
    one trail never shows the same moment in two zones."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = plain(getattr(obj, field.attname))
    return data


@cache
def _write_checks() -> list:
    return hooks("pupil_write_checks")


def check_pupil_writes(pupils) -> None:
    """Ask every app's pupil_write_checks (AppConfig) whether these pupils' records may be
    written: each raises a ServiceError to refuse (a leaver's record is read-only,
    sendesk.pupils.leavers). Every audited write about a pupil passes here, inside its
    transaction and before its row, so a refusal writes nothing."""
    pupils = [p for p in pupils if p is not None]
    if pupils:
        for check in _write_checks():
            check(pupils)


def record_change(
    *, actor, action, obj, school_id, pupil_id=None, before=None, after=None, pupil=None
):
    # One vocabulary for the trail: a member of AuditEvent.Action, never a loose string
    # (a typo would otherwise be stored and never found by a search for that action).
    if not isinstance(action, AuditEvent.Action):
        raise TypeError(f"record_change needs an AuditEvent.Action, not {action!r}")
    # `pupil`, when the caller has it, lets the check answer without a query.
    check_pupil_writes([pupil if pupil is not None else pupil_id])
    row = AuditEvent(
        at=timezone.now(),
        actor=actor,
        school_id=school_id,
        pupil_id=pupil_id,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=before,
        after=after,
    )
    # A plain INSERT (chain.insert_rows), its id read back: every change writes one.
    chain.insert_rows(AuditEvent, [row])
    return row


def record_changes(*, actor, action, object_type: str, rows) -> None:
    """Many changes of one kind in one INSERT, so a page's query count does not grow with
    the records: rows of (school_id, pupil_id, object_id, values). The values are the row
    after the change; for a DELETE, the row as it was (there is no after), as
    record_change's deletions store it."""
    if not isinstance(action, AuditEvent.Action):
        raise TypeError(f"record_changes needs an AuditEvent.Action, not {action!r}")
    rows = list(rows)
    check_pupil_writes(list({row[1] for row in rows}))
    now = timezone.now()
    side = "before" if action == AuditEvent.Action.DELETE else "after"
    AuditEvent.objects.bulk_create(
        AuditEvent(at=now, actor=actor, school_id=school_id, pupil_id=pupil_id, action=action,
                   object_type=object_type, object_id=str(object_id), **{side: values})
        for school_id, pupil_id, object_id, values in rows
    )  # fmt: skip


def record_pupil_change(actor, action, obj, pupil, before=None, after=None):
    """record_change for a record about one pupil (its school is the pupil's)."""
    return record_change(
        actor=actor, action=action, obj=obj, school_id=pupil.school_id, pupil_id=pupil.pk,
        before=before, after=after, pupil=pupil,
    )  # fmt: skip


def _school_of(pupil):
    """The pupil's school id when the object already holds it, else None (the row then
    looks it up, in one query for all: reading a deferred field would cost one each)."""
    return vars(pupil).get("school_id")


def record_access(*, actor, pupil, what: str, via: str = "web"):
    row = AccessEvent(
        at=timezone.now(), actor=actor, pupil=pupil, school_id=_school_of(pupil), what=what,
        via=via,
    )  # fmt: skip
    # A plain INSERT (chain.insert_rows), as for many rows: one on every page about a pupil.
    chain.insert_rows(AccessEvent, [row])
    return row


def record_access_many(*, actor, pupils, what: str, via: str = "web") -> None:
    """One access row per distinct pupil shown, in one INSERT, so a page's query count
    does not grow with the pupils on it. `pupils`: anything with the pupil's `pk` (and its
    `school_id`, when the caller has it; else it is looked up, one query for all)."""
    now = timezone.now()
    schools = {p.pk: _school_of(p) for p in pupils}
    # A plain INSERT (chain.insert_rows): nothing reads these rows' ids back.
    chain.insert_rows(
        AccessEvent,
        [
            AccessEvent(at=now, actor_id=actor.pk, pupil_id=pk, school_id=school_id, what=what,
                        via=via)
            for pk, school_id in schools.items()
        ],
    )  # fmt: skip


def client_ip(request) -> str | None:
    """The address a request came from, as the server saw it. Behind a proxy that is the
    proxy's, unless the proxy is trusted to set REMOTE_ADDR (see README, running it for
    real): a header a client can write itself would let anyone choose their address."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_security(kind, *, user=None, actor=None, email="", request=None, via="web", **detail):
    """One row of the sign-in and account trail (SecurityEvent), in the caller's
    transaction. `kind` is a SecurityEvent.Kind; `detail` holds what a reviewer needs to
    read the row (never a password, a code or a token)."""
    if not isinstance(kind, SecurityEvent.Kind):
        raise TypeError(f"record_security needs a SecurityEvent.Kind, not {kind!r}")
    if user is not None and not email:
        email = user.email
    return SecurityEvent.objects.create(
        at=timezone.now(),
        kind=kind,
        user=user,
        actor=actor,
        email=email[:254],
        ip=client_ip(request),
        via=via,
        detail={k: plain(v) for k, v in detail.items()},
    )
