"""Writing consent. A decision is added, never changed: each service validates, then writes
the row, a line on the pupil's timeline and the audit row in one transaction.

Two ways in: a parent decides on the parent pages (parent_decide), or a member of staff
types in a paper form (paper_record)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sendesk import access
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_pupil_change, snapshot
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.pupils.timeline import timeline_add

from .models import Consent, Decision, Kind
from .selectors import current

# Paper forms come in late; a year back covers a form found at the back of a drawer.
OLDEST = dt.timedelta(days=366)

WORDS = {
    Decision.GIVEN: "given",
    Decision.REFUSED: "refused",
    Decision.WITHDRAWN: "withdrawn",
}


def _check(kind, decision, errors) -> None:
    if kind not in Kind.values:
        errors["kind"] = "Choose what the consent is for."
    if decision not in Decision.values:
        errors["decision"] = "Choose whether consent was given, refused or withdrawn."


def _write(*, actor, pupil, kind, decision, on, given_by=None, given_by_name="", note=""):
    with transaction.atomic():
        consent = Consent.objects.create(
            pupil=pupil,
            school_id=pupil.school_id,
            kind=kind,
            decision=decision,
            on=on,
            given_by=given_by,
            given_by_name=given_by_name,
            note=note,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        how = "online" if given_by is not None else "on a paper form"
        timeline_add(
            pupil=pupil,
            kind="consent",
            title=f"Consent for {Kind(kind).label.lower()} {WORDS[decision]} ({how})",
            body=note,
            actor=actor,
            ref=consent,
        )
        record_pupil_change(
            actor, AuditEvent.Action.CREATE, consent, pupil, after=snapshot(consent)
        )
    return consent


def parent_decide(*, actor, pupil_id, kind: str, decision: str) -> Consent:
    """A parent gives, refuses or withdraws consent for their own child, today. Another
    child answers as if it did not exist (Http404)."""
    pupil = access.get_child(actor, pupil_id)
    errors: dict[str, str] = {}
    _check(kind, decision, errors)
    if errors:
        raise ServiceError(errors)
    now = current(pupil.pk, kind)
    if decision == Decision.WITHDRAWN and (now is None or now.decision != Decision.GIVEN):
        # Nothing to withdraw: saying 'no' is a refusal, which is what the page offers.
        raise ServiceError({"decision": "There is no consent to withdraw."})
    if now is not None and now.decision == decision and now.on == timezone.localdate():
        # The same button pressed twice (or sent twice): one row, not two.
        return now
    return _write(
        actor=actor, pupil=pupil, kind=kind, decision=decision, on=timezone.localdate(),
        given_by=actor,
    )  # fmt: skip


def paper_record(
    *, actor, pupil_id, kind: str, decision: str, on, given_by_name: str, note: str = ""
) -> Consent:
    """Staff type in a consent form a parent filled in on paper: what was decided, on what
    date, by whom (as written on the form), and where the form is kept."""
    pupil = access.get_pupil_for(actor, pupil_id, "record_consent")
    errors: dict[str, str] = {}
    _check(kind, decision, errors)
    given_by_name = inputs.text(
        given_by_name, "given_by_name", errors, limit=150,
        required="Say who signed the form (the parent or carer).",
    )  # fmt: skip
    note = inputs.text(note, "note", errors, limit=300)
    today = timezone.localdate()
    if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
        errors["on"] = "Give the date on the form as day, month and year."
    elif on > today:
        errors["on"] = "The form can't be dated in the future."
    elif on < today - OLDEST:
        errors["on"] = "That is more than a year ago: ask the parent for a new form."
    if errors:
        raise ServiceError(errors)
    return _write(
        actor=actor, pupil=pupil, kind=kind, decision=decision, on=on,
        given_by_name=given_by_name, note=note,
    )  # fmt: skip
