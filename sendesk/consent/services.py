"""Writing consent. A decision is added, never changed: each service validates, then writes
the row, a line on the pupil's timeline and the audit row in one transaction.

Two ways in: a parent decides on the parent pages (parent_decide), or a member of staff
types in a paper form (paper_record)."""

import datetime as dt
import re

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sendesk import access
from sendesk.agencies.models import Agency
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_pupil_change, snapshot
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.registry import hooks, merged
from sendesk.pupils.timeline import timeline_add

from .models import AGENCY_KINDS, Consent, Decision, Kind
from .selectors import current

# What a medication or trip consent may be about: "medicine:<id>" or "trip:<id>" (written
# by the medicine form and the trip page), or blank for the parent's general answer.
REF_PREFIX = {Kind.MEDICATION: "medicine:", Kind.TRIPS: "trip:"}
REF_RE = re.compile(r"^(medicine|trip):[0-9A-Za-z-]{1,36}$")

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


def _agency(pupil, kind, agency_id, errors) -> Agency | None:
    """The agency a sharing or referral consent names: one of the pupil's school's, in use.
    Any other kind names none."""
    if kind not in AGENCY_KINDS:
        if agency_id not in (None, ""):
            errors["agency_id"] = "Only sharing and referral consents name an agency."
        return None
    agency_id = getattr(agency_id, "pk", agency_id)
    agency = None
    if isinstance(agency_id, str) and agency_id.isdigit():
        agency_id = int(agency_id)
    # A key the database can hold: a huge number is simply no agency (not a 500).
    if isinstance(agency_id, int) and 0 < agency_id < 2**31:
        agency = Agency.objects.filter(pk=agency_id, school_id=pupil.school_id, active=True).first()
    if agency is None:
        errors["agency_id"] = "Choose the agency the consent is about."
    return agency


def _ref(pupil, kind, ref, errors) -> str:
    ref = (ref or "").strip()
    if not ref:
        return ""
    prefix = REF_PREFIX.get(kind)
    if prefix is None or not REF_RE.match(ref) or not ref.startswith(prefix):
        errors["ref"] = "This consent can't be about one medicine or trip."
    elif not _ref_is_for(pupil, ref):
        # Harmless to the checks (they ask per pupil), but a row about another child's
        # medicine or trip would mislead whoever reads the history.
        what = "medicine" if kind == Kind.MEDICATION else "trip"
        errors["ref"] = f"That {what} is not one of {pupil.name}'s."
    return ref


def _ref_is_for(pupil, ref: str) -> bool:
    """Whether the medicine or trip `ref` names is about `pupil`. The apps that own them
    sit above consent in the layers, so they declare where their records are
    (AppConfig.consent_refs: {prefix: (model label, path to the pupil)}); the registry is
    read, nothing is imported. A ref nobody declares, or an id that is no id, is not."""
    prefix, _, key = ref.partition(":")
    where = merged("consent_refs").get(prefix)
    if where is None:
        return False
    label, pupil_path = where
    try:
        return apps.get_model(label).objects.filter(pk=key, **{pupil_path: pupil.pk}).exists()
    except (ValueError, ValidationError, OverflowError):
        return False


def label(consent: Consent) -> str:
    """'Sharing information with Oakfield EP service', 'Trips and visits'..."""
    if consent.agency_id:
        what = "Sharing information with" if consent.kind == Kind.AGENCY else "A referral to"
        return f"{what} {consent.agency}"
    return Kind(consent.kind).label


def _write(
    *, actor, pupil, kind, decision, on, given_by=None, given_by_name="", note="",
    agency=None, ref="",
):  # fmt: skip
    with transaction.atomic():
        consent = Consent.objects.create(
            pupil=pupil,
            school_id=pupil.school_id,
            kind=kind,
            decision=decision,
            agency=agency,
            ref=ref,
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
            title=f"Consent: {label(consent).lower()} {WORDS[decision]} ({how})",
            body=note,
            actor=actor,
            ref=consent,
        )
        record_pupil_change(
            actor, AuditEvent.Action.CREATE, consent, pupil, after=snapshot(consent)
        )
        # What other apps do when a decision is recorded (therapy closes a referral whose
        # consent is withdrawn), in this transaction: all of it or none of it.
        for decided in hooks("consent_decided"):
            decided(consent)
    return consent


def parent_decide(
    *, actor, pupil_id, kind: str, decision: str, agency_id=None, ref: str = ""
) -> Consent:
    """A parent gives, refuses or withdraws consent for their own child, today; it takes
    effect at once (every check reads the latest decision when it matters). Another child
    answers as if it did not exist (Http404)."""
    pupil = access.get_child(actor, pupil_id)
    errors: dict[str, str] = {}
    _check(kind, decision, errors)
    agency = _agency(pupil, kind, agency_id, errors)
    ref = _ref(pupil, kind, ref, errors)
    if errors:
        raise ServiceError(errors)
    now = current(pupil.pk, kind, agency_id=agency, ref=ref)
    if decision == Decision.WITHDRAWN and (now is None or now.decision != Decision.GIVEN):
        # Nothing to withdraw: saying 'no' is a refusal, which is what the page offers.
        raise ServiceError({"decision": "There is no consent to withdraw."})
    if (
        now is not None
        and now.decision == decision
        and now.on == timezone.localdate()
        and now.ref == ref
    ):
        # The same button pressed twice (or sent twice): one row, not two.
        return now
    return _write(
        actor=actor, pupil=pupil, kind=kind, decision=decision, on=timezone.localdate(),
        given_by=actor, agency=agency, ref=ref,
    )  # fmt: skip


def paper_record(
    *, actor, pupil_id, kind: str, decision: str, on, given_by_name: str, note: str = "",
    agency_id=None, ref: str = "",
) -> Consent:  # fmt: skip
    """Staff type in a consent form a parent filled in on paper: what was decided, on what
    date, by whom (as written on the form), and where the form is kept."""
    pupil = access.get_pupil_for(actor, pupil_id, "record_consent")
    errors: dict[str, str] = {}
    _check(kind, decision, errors)
    agency = _agency(pupil, kind, agency_id, errors)
    ref = _ref(pupil, kind, ref, errors)
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
        given_by_name=given_by_name, note=note, agency=agency, ref=ref,
    )  # fmt: skip


def form_record(*, actor, pupil, kind: str, ref: str, on, given_by_name: str, note: str = ""):
    """A consent typed on another app's form (the medicine form's 'consent given by / on'),
    about one thing: recorded as a paper form given. The calling service has checked who
    may write it and the fields, and calls this inside its own transaction."""
    return _write(
        actor=actor, pupil=pupil, kind=kind, decision=Decision.GIVEN, on=on,
        given_by_name=given_by_name, note=note, ref=ref,
    )  # fmt: skip
