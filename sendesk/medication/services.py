"""Medication: individual healthcare plans (IHCP), medicines, and every dose given, refused
or not given, with the checks that stop a wrong dose at the moment of giving. (The reads,
due now, a pupil's medicines and the warnings, are medication.selectors.)

Services validate, then write the record, the pupil's timeline line and the audit row in
one transaction, raising ServiceError before anything is written. The dose service applies
the safety rules, which live in medication.rules (training, consent, expiry, the dose
window, the daily maximum, stock), and checks a witness for controlled drugs; a refusal is
a DoseRefused that names the rule and, where it applies, when the next dose is allowed.
Administrations are evidence:
a correction is an Amendment that keeps the old values; nothing is deleted.

Two people recording the same dose at once: the Medicine row is locked for the checks (on
SQLite the IMMEDIATE transaction already serialises writers), so the second request sees
the first dose; a scheduled dose is also unique per (medicine, due_at) in the database."""

import datetime as dt
import re
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from sendesk import access
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_pupil_change, snapshot
from sendesk.care.consent import check_consent
from sendesk.care.models import Amendment
from sendesk.consent import services as consent_services
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import field_limits
from sendesk.lib.ids import parse_uuid
from sendesk.notifications.services import notify
from sendesk.plans.models import Plan
from sendesk.pupils import amendments
from sendesk.pupils.timeline import timeline_add
from sendesk.schools.models import Role, StaffRole
from sendesk.staff.models import Training, training_status
from sendesk.staff.selectors import school_staff

from . import tasks
from .models import Administration, HealthcarePlan, Medicine
from .rules import (
    CLOCK_SLACK,
    DUE_SOON,
    RECORD_BACK,
    TIME_FLAGS,
    DoseRefused,
    _check_active,
    _check_can_give,
    _check_training,
    _hhmm,
    _same_dose,
    _validate_schedule,
    broken_rules,
    emergency_flags,
    emergency_others,
    refusals,
    slot_at,
    time_flags,
    unit_words,
)


def when_words(when: dt.datetime) -> str:
    """'14:00' today, '08:00 tomorrow', or '09:30 on Fri 20 Nov'."""
    return _hhmm(when)


def _require_write(actor, pupil):
    """Writing healthcare plans and medicines: SENCO and head of the pupil's school. To
    anyone else the pupil does not exist."""
    if not access.can(actor, pupil.school_id, "write_care"):
        raise Http404


# --- Individual healthcare plans ---------------------------------------------------------

IHCP_FIELDS = (
    "conditions", "triggers", "signs", "daily_care", "emergency", "who_to_call",
    "review_date", "ehc_plan", "consent_by", "consent_on", "consent_document", "active",
)  # fmt: skip
IHCP_TEXT = {
    "conditions": (4000, "Name the medical condition(s)."),
    "triggers": (4000, ""),
    "signs": (4000, ""),
    "daily_care": (4000, ""),
    "emergency": (4000, "Say what to do in an emergency."),
    "who_to_call": (2000, "Say who to call, in order."),
}


def _text_fields(data, fields: dict, errors) -> None:
    """inputs.text on each of `fields` ({name: (limit, required message)}), in place."""
    inputs.text_fields(
        data,
        fields,
        errors,
        limits={name: limit for name, (limit, _) in fields.items()},
        required={name: required for name, (_, required) in fields.items()},
    )


def _validate_ihcp(pupil, data) -> dict:
    errors = {}
    _text_fields(data, IHCP_TEXT, errors)
    review = data.get("review_date")
    if not inputs.is_date(review):
        errors["review_date"] = "Give the date the plan is to be reviewed, as YYYY-MM-DD."
    elif review < timezone.localdate():
        errors["review_date"] = "The review date has passed: give one in the future."
    plan = data.get("ehc_plan")
    if plan in ("", None):
        data["ehc_plan"] = None
    elif not isinstance(plan, Plan) or plan.pupil_id != pupil.pk or plan.kind != Plan.Kind.EHCP:
        errors["ehc_plan"] = "Choose this pupil's EHC plan, or none."
    if not isinstance(data.setdefault("active", True), bool):
        errors["active"] = "Say whether the plan is in force."
    check_consent(data, errors)
    return errors


def ehc_plans_of(pupil):
    """The pupil's EHC plans a healthcare plan may link to, newest first. One query."""
    return list(
        Plan.objects.filter(pupil=pupil, kind=Plan.Kind.EHCP)
        .exclude(status=Plan.Status.CLOSED)
        .order_by("-start_date")
    )


@transaction.atomic
def healthcare_plan_create(*, actor, pupil, data: dict) -> HealthcarePlan:
    _require_write(actor, pupil)
    data = {k: v for k, v in data.items() if k in IHCP_FIELDS}
    if errors := _validate_ihcp(pupil, data):
        raise ServiceError(errors)
    plan = HealthcarePlan.objects.create(pupil=pupil, created_by=actor, **data)
    record_pupil_change(actor, AuditEvent.Action.CREATE, plan, pupil, after=snapshot(plan))
    timeline_add(
        pupil=pupil,
        kind="medication",
        title=f"Healthcare plan written: {plan.conditions[:120]}",
        actor=actor,
        ref=plan,
    )
    return plan


@transaction.atomic
def healthcare_plan_update(*, actor, plan: HealthcarePlan, data: dict) -> HealthcarePlan:
    pupil = plan.pupil
    _require_write(actor, pupil)
    data = {k: v for k, v in data.items() if k in IHCP_FIELDS}
    current = {name: getattr(plan, name) for name in IHCP_FIELDS}
    wanted = {**current, **data}
    if errors := _validate_ihcp(pupil, wanted):
        raise ServiceError(errors)
    plan = HealthcarePlan.objects.select_for_update().get(pk=plan.pk)
    before = snapshot(plan)
    for name in IHCP_FIELDS:
        setattr(plan, name, wanted[name])
    plan.save()
    after = snapshot(plan)
    if before != after:
        record_pupil_change(actor, AuditEvent.Action.UPDATE, plan, pupil, before, after)
        timeline_add(
            pupil=pupil,
            kind="medication",
            title=f"Healthcare plan updated: {plan.conditions[:120]}",
            actor=actor,
            ref=plan,
        )
    return plan


# --- Medicines ---------------------------------------------------------------------------

MEDICINE_FIELDS = (
    "name", "form", "strength", "dose", "dose_units", "route", "times", "as_needed",
    "as_needed_when", "min_interval_minutes", "max_per_24h", "storage", "expiry_date",
    "stock", "low_stock_at", "controlled", "training", "healthcare_plan",
    "consent_by", "consent_on", "consent_document",
    "emergency_use", "emergency_dose", "emergency_limit",
)  # fmt: skip
# Stock changes by doses and deliveries (and amendments), never by editing the medicine.
MEDICINE_EDITABLE = tuple(f for f in MEDICINE_FIELDS if f != "stock")
MEDICINE_TEXT = {
    "name": (150, "Name the medicine, as on the label."),
    "strength": (60, "Give the strength, as on the label."),
    "dose": (60, "Give the dose, as on the label: '2 puffs'."),
    "storage": (150, "Say where it is kept."),
}
MEDICATION_TRAINING = (
    Training.Kind.MEDICATION,
    Training.Kind.BUCCAL_MIDAZOLAM,
    Training.Kind.AUTO_INJECTOR,
    Training.Kind.GASTROSTOMY,
)


def parse_times(raw) -> list:
    """'12:00, 15:30' or ['12:00'] -> ['12:00', '15:30'] as given (checked by the service)."""
    if isinstance(raw, str):
        return [t for t in re.split(r"[,\s;]+", raw.strip()) if t]
    return list(raw or [])


def _validate_medicine(pupil, data, *, creating) -> dict:
    errors = field_limits(Medicine, {k: v for k, v in data.items() if isinstance(v, str)})
    _text_fields(data, MEDICINE_TEXT, errors)
    if data.get("form") not in Medicine.Form.values:
        errors["form"] = "Choose the form: tablet, liquid, inhaler …"
    if data.get("route") not in Medicine.Route.values:
        errors["route"] = "Choose how it is given: by mouth, inhaled …"
    units = data.get("dose_units", 1)
    if not inputs.whole(units) or not 1 <= units <= 100:
        errors["dose_units"] = "Units a dose uses is a whole number from 1 to 100."
    _validate_schedule(data, errors)
    expiry = data.get("expiry_date")
    if not inputs.is_date(expiry):
        errors["expiry_date"] = "Give the expiry date on the label, as YYYY-MM-DD."
    elif creating and expiry < timezone.localdate():
        errors["expiry_date"] = "This medicine has expired: it can't be accepted."
    if creating:
        stock = data.get("stock")
        if not inputs.whole(stock) or not 0 <= stock <= 100_000:
            errors["stock"] = "Give the units held now, a whole number from 0 to 100000."
    low = data.get("low_stock_at", 10)
    if not inputs.whole(low) or not 0 <= low <= 100_000:
        errors["low_stock_at"] = "Warn-at is a whole number from 0 to 100000."
    if not isinstance(data.get("controlled", False), bool):
        errors["controlled"] = "Say whether it is a controlled drug."
    if data.setdefault("training", Training.Kind.MEDICATION) not in MEDICATION_TRAINING:
        errors["training"] = "Choose the training a person needs to give it."
    _validate_emergency(data, errors)
    plan = data.get("healthcare_plan")
    if plan in ("", None):
        data["healthcare_plan"] = None
    elif not isinstance(plan, HealthcarePlan) or plan.pupil_id != pupil.pk:
        errors["healthcare_plan"] = "Choose one of this pupil's healthcare plans, or none."
    check_consent(data, errors)
    return errors


def _validate_emergency(data, errors) -> None:
    """Whether it may be given in an emergency, the emergency dose (required then) and the
    most units in one emergency (1 to 100, or none)."""
    use = data.setdefault("emergency_use", False)
    if not isinstance(use, bool):
        errors["emergency_use"] = "Say whether it may be given in an emergency."
    data["emergency_dose"] = inputs.text(
        data.get("emergency_dose"), "emergency_dose", errors, limit=200,
        required="Say the emergency dose, as the plan says." if use is True else "",
    )  # fmt: skip
    limit = data.get("emergency_limit")
    if limit in ("", None):
        data["emergency_limit"] = None
    elif not inputs.whole(limit) or not 1 <= limit <= 100:
        errors["emergency_limit"] = "The most in one emergency is a whole number from 1 to 100."


def _medicine_line(medicine) -> str:
    parts = []
    if medicine.times:
        parts.append("at " + ", ".join(medicine.times))
    if medicine.as_needed:
        parts.append("as needed")
    return f"{medicine.name} {medicine.strength}, {medicine.dose} {' and '.join(parts)}"


@transaction.atomic
def medicine_create(*, actor, pupil, data: dict) -> Medicine:
    _require_write(actor, pupil)
    data = {k: v for k, v in data.items() if k in MEDICINE_FIELDS}
    if errors := _validate_medicine(pupil, data, creating=True):
        raise ServiceError(errors)
    medicine = Medicine.objects.create(pupil=pupil, **data)
    record_pupil_change(actor, AuditEvent.Action.CREATE, medicine, pupil, after=snapshot(medicine))
    _consent_from_form(actor, pupil, medicine, None)
    timeline_add(
        pupil=pupil,
        kind="medication",
        title=f"Medicine added: {_medicine_line(medicine)}",
        actor=actor,
        ref=medicine,
    )
    return medicine


@transaction.atomic
def medicine_update(*, actor, medicine: Medicine, data: dict) -> Medicine:
    pupil = medicine.pupil
    _require_write(actor, pupil)
    if "stock" in data:
        raise ServiceError({"stock": "Stock changes by doses and deliveries: record a delivery."})
    current = {name: getattr(medicine, name) for name in MEDICINE_EDITABLE}
    wanted = {**current, **{k: v for k, v in data.items() if k in MEDICINE_EDITABLE}}
    if errors := _validate_medicine(pupil, wanted, creating=False):
        raise ServiceError(errors)
    medicine = Medicine.objects.select_for_update().get(pk=medicine.pk)
    before = snapshot(medicine)
    typed = (medicine.consent_by, medicine.consent_on)
    for name in MEDICINE_EDITABLE:
        setattr(medicine, name, wanted[name])
    medicine.save()
    _consent_from_form(actor, pupil, medicine, typed)
    after = snapshot(medicine)
    if before != after:
        record_pupil_change(actor, AuditEvent.Action.UPDATE, medicine, pupil, before, after)
        timeline_add(
            pupil=pupil,
            kind="medication",
            title=f"Medicine changed: {_medicine_line(medicine)}",
            actor=actor,
            ref=medicine,
        )
    medicine.pupil = pupil
    return medicine


def _consent_from_form(actor, pupil, medicine, typed) -> None:
    """The consent typed on the medicine form (who signed, when) is recorded in the consent
    app, where every dose checks it and a parent can withdraw it; `typed` is what the form
    said before (None when new), so an unchanged form records nothing again."""
    now = (medicine.consent_by, medicine.consent_on)
    if medicine.consent_by and medicine.consent_on and now != typed:
        consent_services.form_record(
            actor=actor, pupil=pupil, kind="medication", ref=medicine.consent_ref,
            on=medicine.consent_on, given_by_name=medicine.consent_by,
            note=medicine.consent_document,
        )  # fmt: skip
        medicine.__dict__.pop("has_consent", None)


@transaction.atomic
def medicine_stop(*, actor, medicine: Medicine, reason: str) -> Medicine:
    """Stop giving a medicine. It is not deleted: its doses stay on the record."""
    pupil = medicine.pupil
    _require_write(actor, pupil)
    errors = {}
    reason = inputs.text(reason, "reason", errors, limit=300, required="Say why it is stopped.")
    if errors:
        raise ServiceError(errors)
    medicine = Medicine.objects.select_for_update().get(pk=medicine.pk)
    if not medicine.active:
        raise ServiceError({"__all__": "This medicine is already stopped."}, 409)
    before = snapshot(medicine)
    medicine.active = False
    medicine.save(update_fields=["active"])
    after = {**snapshot(medicine), "event": "stopped", "reason": reason}
    record_pupil_change(actor, AuditEvent.Action.UPDATE, medicine, pupil, before, after)
    timeline_add(
        pupil=pupil,
        kind="medication",
        title=f"Medicine stopped: {medicine.name} {medicine.strength}",
        body=reason,
        actor=actor,
        ref=medicine,
    )
    medicine.pupil = pupil
    return medicine


@transaction.atomic
def medicine_stock_receive(
    *, actor, medicine: Medicine, quantity, expiry_date=None, note: str = ""
) -> Medicine:
    """A delivery: adds `quantity` units; a new expiry date when the new supply has one."""
    pupil = medicine.pupil
    _require_write(actor, pupil)
    errors = {}
    if not inputs.whole(quantity) or not 1 <= quantity <= 10_000:
        errors["quantity"] = "Give the units received, a whole number from 1 to 10000."
    if expiry_date is not None:
        if not inputs.is_date(expiry_date):
            errors["expiry_date"] = "Give the expiry date as YYYY-MM-DD."
        elif expiry_date < timezone.localdate():
            errors["expiry_date"] = "This supply has expired: it can't be accepted."
    note = inputs.text(note, "note", errors, limit=300)
    if errors:
        raise ServiceError(errors)
    medicine = Medicine.objects.select_for_update().get(pk=medicine.pk)
    before = snapshot(medicine)
    if medicine.stock + quantity > 100_000:
        raise ServiceError({"quantity": "That would hold more than 100000 units."})
    Medicine.objects.filter(pk=medicine.pk).update(stock=F("stock") + quantity)
    if expiry_date is not None:
        Medicine.objects.filter(pk=medicine.pk).update(expiry_date=expiry_date)
    medicine.refresh_from_db()
    after = {**snapshot(medicine), "event": "stock_received", "received": quantity, "note": note}
    record_pupil_change(actor, AuditEvent.Action.UPDATE, medicine, pupil, before, after)
    medicine.pupil = pupil
    return medicine


# --- Giving a dose -----------------------------------------------------------------------


def _due_slot(medicine, due_at, given_at, errors):
    """The scheduled dose this record answers: `due_at` checked against the medicine's
    times, or (for a medicine given only at fixed times) the one nearest `given_at`."""
    if due_at in ("", None):
        if medicine.as_needed or not medicine.times or not isinstance(given_at, dt.datetime):
            return None
        day = timezone.localtime(given_at).date()
        return min((slot_at(day, t) for t in medicine.times), key=lambda s: abs(s - given_at))
    if not isinstance(due_at, dt.datetime):
        errors["due_at"] = "Give the scheduled dose as a date and time."
        return None
    if timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at)
    local = timezone.localtime(due_at)
    if local.second or local.microsecond or f"{local:%H:%M}" not in medicine.times:
        times = ", ".join(medicine.times) or "no fixed times"
        errors["due_at"] = f"{medicine.name} is due at {times}: this is not one of its doses."
        return None
    if due_at > timezone.now() + DUE_SOON + CLOCK_SLACK:
        errors["due_at"] = "This dose is not due yet: record it when it is given."
        return None
    return slot_at(local.date(), f"{local:%H:%M}")


def _dose_start(actor, client_id, medicine, medicine_id):
    """(client_id, medicine id, the dose already stored under client_id or None) for a
    dose about to be recorded, routine or emergency: a malformed client_id is a 422, an
    unknown medicine a 404; a client_id sent again finds its dose before anything else."""
    errors: dict[str, str] = {}
    client_id = parse_uuid(client_id, "client_id", errors) if client_id else uuid.uuid4()
    if medicine is not None:
        medicine_uuid = medicine.pk
    else:
        medicine_uuid = parse_uuid(medicine_id, "medicine_id", {})
    if medicine_uuid is None:
        raise Http404
    if errors:
        raise ServiceError(errors)
    return client_id, medicine_uuid, _existing_dose(actor, client_id, medicine_uuid)


def _existing_dose(actor, client_id, medicine_id):
    """The dose stored under client_id if this person stored it for this medicine; the
    same client_id used for anything else is a conflict (saying nothing of what it holds)."""
    record = (
        Administration.objects.filter(client_id=client_id)
        .select_related("medicine", "given_by", "witness", "pupil")
        .first()
    )
    if record is None:
        return None
    if record.given_by_id != actor.pk or str(record.medicine_id) != str(medicine_id):
        raise DoseRefused(
            "client_id_conflict",
            "This client_id is already used by another record.",
            field="client_id",
        )
    return record


def administration_record(
    *,
    actor,
    client_id,
    medicine_id=None,
    given_at,
    outcome,
    dose,
    reason="",
    witness_id=None,
    reactions="",
    due_at=None,
    medicine=None,
    place="",
    offline=False,
) -> tuple[Administration, bool]:
    """Record one dose given, refused or not given. Returns (record, created); the same
    client_id again returns the stored record, created=False. Refuses (DoseRefused, nothing
    written) by the rules in the module docstring; a pupil out of the actor's scope, or a
    school where they may not give care, is Http404. `medicine`, when the page fetched it
    through access.get_scoped for this actor, is used as it is (one access check a save).
    `place` says where it was given when not at school (a trip's destination).

    `offline`: recorded on a device without the network, so no rule could stop it. Bad
    input (a controlled drug without its witness among it) is still refused; every rule
    is checked, and what the dose broke is stored with it (offline_problem) rather than
    refusing it: it was given. A slot someone else answered meanwhile stays theirs (the
    offline dose takes none, and its problem says who). The SENCO(s) and the giver are
    told at once, in the same transaction (_tell_of_offline_problem)."""
    client_id, medicine_uuid, existing = _dose_start(actor, client_id, medicine, medicine_id)
    if existing:
        return existing, False
    medicine = _medicine_in_scope(actor, medicine, medicine_uuid)
    pupil = medicine.pupil

    now = timezone.now()
    # Offline, what is a rule rather than unreadable input comes back as `broken` (words).
    broken = {} if offline else None
    given_at, due_at, data, witness = _dose_input(
        actor, medicine, now, outcome=outcome, given_at=given_at, due_at=due_at,
        words={"dose": dose, "reason": reason, "reactions": reactions, "place": place},
        witness_id=witness_id, broken=broken,
    )  # fmt: skip
    # The rules. Training first: it does not change while we wait for the lock.
    problems = None
    if offline:
        untrained = refusals([lambda: _check_training(actor, medicine, given_at)])
        problems = [*broken.values(), *(_words(r) for r in untrained)]
    else:
        _check_training(actor, medicine, given_at)
    try:
        with transaction.atomic():
            # Serialises doses of this medicine: the second request waits, then sees the first.
            locked = Medicine.objects.select_for_update().get(pk=medicine.pk)
            locked.pupil = pupil
            # A retry of this very record that raced the first send: the first one stands.
            if existing := _existing_dose(actor, client_id, medicine_uuid):
                return existing, False
            record = _checked_write(
                actor, locked, pupil, client_id, given_at, outcome, data, witness, due_at, now,
                problems=problems,
            )  # fmt: skip
    except IntegrityError:
        if existing := _existing_dose(actor, client_id, medicine_uuid):
            return existing, False
        if due_at is not None and (taken := _slot_record(medicine, due_at)):
            raise _already(medicine, taken) from None
        raise
    return record, True


def emergency_record(
    *,
    actor,
    client_id,
    medicine_id=None,
    medicine=None,
    given_at,
    units,
    what_happened,
    called_999,
    parent_called,
    reactions="",
    witness_id=None,
    place="",
) -> tuple[Administration, bool]:
    """Record an emergency dose (or a run of puffs). A dose given is never refused: only
    bad input is (422). What the dose broke (past the plan's emergency limit without 999,
    a medicine not on the plan for emergencies or stopped, a controlled drug without a
    witness, an untrained giver, no consent, expired, more given than the stock held) is
    stored as flags on the record (rules.emergency_flags) for the SENCO to check. The
    SENCO and the parents are e-mailed once it is stored. Returns (record, created) as
    administration_record does; `medicine`, when the page fetched it through
    access.get_scoped for this actor, is used as it is. `place` says where it was given
    when not at school (a trip's destination)."""
    client_id, medicine_uuid, existing = _dose_start(actor, client_id, medicine, medicine_id)
    if existing:
        return existing, False
    medicine = _medicine_in_scope(actor, medicine, medicine_uuid)
    pupil = medicine.pupil
    now = timezone.now()
    given_at, data = _emergency_input(
        actor, medicine, now, given_at=given_at, units=units, what_happened=what_happened,
        called_999=called_999, parent_called=parent_called, reactions=reactions,
        witness_id=witness_id, place=place,
    )  # fmt: skip
    with transaction.atomic():
        locked = Medicine.objects.select_for_update().get(pk=medicine.pk)
        locked.pupil = pupil
        if existing := _existing_dose(actor, client_id, medicine_uuid):
            return existing, False
        data["flags"] = emergency_flags(
            locked, given_at, data["units"], others=emergency_others(locked.pk, given_at),
            called_999=data["called_999"], giver_id=actor.pk, witness=data["witness"],
        )  # fmt: skip
        record = _emergency_write(actor, locked, pupil, client_id, given_at, data, now)
        # Written with the record (the database task backend): the worker e-mails the
        # SENCO and the parents once the commit has made the record real.
        tasks.tell_about_emergency_dose.enqueue(str(record.pk))
    return record, True


def _medicine_in_scope(actor, medicine, medicine_id) -> Medicine:
    """The medicine, its pupil in the actor's scope and the actor giving care at its
    school (Http404 otherwise). An object access.get_scoped gave for this actor (the page
    fetched it) is trusted as it is: one access check per save."""
    if medicine is None or not access.checked_for(medicine, actor):
        medicine = access.get_scoped(
            actor, Medicine.objects.select_related("pupil", "pupil__school"), medicine_id
        )
    if not access.can(actor, medicine.pupil.school_id, "give_care"):
        raise Http404
    return medicine


def _emergency_input(actor, medicine, now, **raw) -> tuple[dt.datetime, dict]:
    """An emergency dose's input checked: a 422 DoseRefused (rule 'invalid') naming each
    field in words, or (given_at, the fields). A witness is optional (a controlled drug
    without one is flagged, not refused); one named is checked as a routine dose's is."""
    errors: dict[str, str] = {}
    given_at = _given_at(raw["given_at"], now, errors)
    units = raw["units"]
    if not inputs.whole(units) or not 1 <= units <= 100:
        errors["units"] = "Give how many puffs or doses were given, a whole number from 1 to 100."
    data = {"units": units}
    data["what_happened"] = inputs.text(
        raw["what_happened"], "what_happened", errors, limit=4000,
        required="Say what happened: the signs, what you did, and how the child is now.",
    )  # fmt: skip
    data["reactions"] = inputs.text(raw["reactions"], "reactions", errors, limit=2000)
    data["place"] = inputs.text(raw["place"], "place", errors, limit=200)
    for name, words in (("called_999", "whether 999 was called"),
                        ("parent_called", "whether a parent or carer was phoned")):  # fmt: skip
        if not isinstance(raw[name], bool):
            errors[name] = f"Say {words}."
        data[name] = raw[name]
    data["witness"] = None
    if raw["witness_id"] not in ("", None):
        data["witness"] = _witness(
            actor, medicine, Administration.Outcome.GIVEN, raw["witness_id"], errors
        )
    if errors:
        first = next(iter(errors))
        refusal = DoseRefused("invalid", errors[first], status=422, field=first)
        refusal.errors = errors
        raise refusal
    return given_at, data


def _emergency_write(actor, medicine, pupil, client_id, given_at, data, now):
    """The emergency record with its flags, the stock (never below nothing: what was
    given was given, and a short count is one of the flags), the timeline line and the
    audit row. Inside the caller's transaction."""
    record = Administration.objects.create(
        client_id=client_id, school_id=pupil.school_id, pupil=pupil, medicine=medicine,
        given_at=given_at, outcome=Administration.Outcome.GIVEN,
        dose=unit_words(medicine, data["units"]), reactions=data["reactions"], given_by=actor,
        witness=data["witness"], recorded_at=now, emergency=True, units=data["units"],
        what_happened=data["what_happened"], called_999=data["called_999"],
        parent_called=data["parent_called"], flags=data["flags"], place=data["place"],
    )  # fmt: skip
    stock_after = max(medicine.stock - data["units"], 0)
    Medicine.objects.filter(pk=medicine.pk).update(stock=stock_after)
    calls = [w for w, yes in (("999 called", record.called_999),
                              ("parent phoned", record.parent_called)) if yes]  # fmt: skip
    checks = " - marked for the SENCO to check" if data["flags"] else ""
    timeline_add(
        pupil=pupil,
        occurred_at=given_at,
        kind="medication",
        title=(
            f"Emergency: {medicine.name} {record.dose} given ({actor})"
            + (f"; {', '.join(calls)}" if calls else "")
            + checks
        )[:200],
        body=data["what_happened"],
        actor=actor,
        ref=record,
    )
    record_pupil_change(
        actor, AuditEvent.Action.CREATE, record, pupil,
        after={**snapshot(record), "stock_before": medicine.stock, "stock_after": stock_after,
               "stock_short": max(data["units"] - medicine.stock, 0)},
    )  # fmt: skip
    medicine.stock = stock_after
    record.medicine = medicine
    return record


def _dose_input(actor, medicine, now, *, outcome, given_at, due_at, words, witness_id, broken=None):
    """Bad input: a 422 DoseRefused naming each field in words (rule 'invalid', or
    'witness_required' when the witness is what is wrong first). Otherwise (given_at,
    due_at, the texts, the witness) as checked.

    `broken` (a dict, for a dose given offline): what is a rule rather than unreadable
    input - a dose other than the plan's, given more than 7 days ago, a slot on another
    day, a bad witness - is put in it in words instead of refused: the dose was given and
    is stored as given, with these as its problems. Still refused: no medicine, no time
    or one in the future, no dose, an unknown outcome, a controlled drug given with no
    witness at all."""
    errors: dict[str, str] = {}
    rules = errors if broken is None else broken
    if outcome not in Administration.Outcome.values:
        errors["outcome"] = "Say what happened: given, refused or not given."
    given_at = _given_at(given_at, now, errors, rules)
    data = _dose_words(medicine, outcome, words, errors, rules)
    due_at = _due_slot(medicine, due_at, given_at, errors)
    if due_at is not None and isinstance(given_at, dt.datetime) and "given_at" not in errors:
        if timezone.localtime(given_at).date() != timezone.localtime(due_at).date():
            rules["due_at"] = (
                f"The dose due at {timezone.localtime(due_at):%H:%M on %-d %B} was recorded as "
                f"given on {timezone.localtime(given_at):%-d %B}: it answers no scheduled dose."
                if broken is not None
                else "A scheduled dose is recorded on the day it was due."
            )
            due_at = None if broken is not None else due_at
    witness = _witness(actor, medicine, outcome, witness_id, errors, rules)
    if errors:
        first = next(iter(errors))
        refusal = DoseRefused(
            "witness_required" if first == "witness_id" else "invalid",
            errors[first],
            status=422,
            field=first,
        )
        refusal.errors = errors
        raise refusal
    return given_at, due_at, data, witness


def _given_at(given_at, now, errors, rules=None):
    """When the dose was given: aware, not in the future, not more than RECORD_BACK ago
    (that one in `rules` when given: a dose given offline and sent late is kept)."""
    if not isinstance(given_at, dt.datetime):
        errors["given_at"] = "Give the date and time of the dose."
        return given_at
    if timezone.is_naive(given_at):
        given_at = timezone.make_aware(given_at)
    if given_at > now + CLOCK_SLACK:
        errors["given_at"] = "That time hasn't happened yet: give the time of the dose."
    elif given_at < now - RECORD_BACK and rules is not None and rules is not errors:
        rules["given_at"] = (
            f"Given on {timezone.localtime(given_at):%-d %B}, more than 7 days before it "
            "reached SENDesk."
        )
    elif given_at < now - RECORD_BACK:
        errors["given_at"] = (
            "Doses more than 7 days ago can't be added here: ask the SENCO to correct the record."
        )
    return given_at


def _dose_words(medicine, outcome, words, errors, rules=None) -> dict:
    """The dose as given (the plan's dose, when given), reactions, and the reason (needed
    when refused or not given), stripped. A dose other than the plan's is in `rules` when
    given (offline: stored as typed, and a problem)."""
    rules = errors if rules is None else rules
    dose = inputs.text(
        words["dose"], "dose", errors, limit=60, required=f"Give the dose: {medicine.dose}."
    )
    if (
        outcome == Administration.Outcome.GIVEN
        and "dose" not in errors
        and not _same_dose(dose, medicine.dose)
    ):
        # Stock goes down by the prescribed units: a different dose is a different plan.
        rules["dose"] = (
            f"The dose on the plan is {medicine.dose}. A different dose needs the plan changed "
            "by the SENCO first."
            if rules is errors
            else f"{dose} was given; the plan's dose is {medicine.dose}. The stock went down "
            f"by the plan's dose ({medicine.dose_units}): count it."
        )
    reactions = inputs.text(words["reactions"], "reactions", errors, limit=2000)
    place = inputs.text(words.get("place", ""), "place", errors, limit=200)
    why = ""
    if outcome in (Administration.Outcome.REFUSED, Administration.Outcome.NOT_GIVEN):
        why = "Say why it was refused or not given."
    reason = inputs.text(words["reason"], "reason", errors, limit=300, required=why)
    return {"dose": dose, "reason": reason, "reactions": reactions, "place": place}


def _witness(actor, medicine, outcome, witness_id, errors, rules=None):
    """The witness checked. No witness for a controlled drug given is always in `errors`;
    a witness who is the giver or not on the school's staff is in `rules` when given
    (offline: stored without a witness, and a problem)."""
    rules = errors if rules is None else rules
    if witness_id in ("", None):
        if medicine.controlled and outcome == Administration.Outcome.GIVEN:
            errors["witness_id"] = (
                f"{medicine.name} is a controlled drug: a second member of staff must "
                "witness the dose. Choose the witness."
            )
        return None
    try:
        witness_id = int(witness_id)
    except (TypeError, ValueError):
        witness_id = 0
    if witness_id == actor.pk:
        rules["witness_id"] = "The witness must be a different member of staff from the giver."
        return None
    witness = school_staff(medicine.pupil.school_id).filter(pk=witness_id).first()
    if witness is None:
        rules["witness_id"] = "Choose the witness from the list of this school's staff."
    return witness


def _slot_record(medicine, due_at):
    return (
        Administration.objects.filter(medicine=medicine, due_at=due_at)
        .select_related("given_by")
        .first()
    )


def _already(medicine, taken) -> DoseRefused:
    outcome = taken.get_outcome_display().lower()
    return DoseRefused(
        "already_recorded",
        f"The {timezone.localtime(taken.due_at):%H:%M} dose of {medicine.name} was already "
        f"recorded ({outcome}) by {taken.given_by} at {_hhmm(taken.recorded_at)}.",
    )


def _checked_write(
    actor, medicine, pupil, client_id, given_at, outcome, data, witness, due_at, now,
    problems=None,
):  # fmt: skip
    """The rules that depend on what is stored, checked under the Medicine's lock, then
    the writes. Inside the caller's transaction. `problems` (a list) for a dose given
    offline: what it broke is added to it and stored, not refused."""
    given = outcome == Administration.Outcome.GIVEN
    offline = problems is not None
    if offline:
        due_at = _offline_checks(medicine, given_at, outcome, due_at, problems)
    else:
        _check_active(medicine)
        if due_at is not None and (taken := _slot_record(medicine, due_at)):
            raise _already(medicine, taken)
        if given:
            _check_can_give(medicine, given_at, due_at)

    record = Administration.objects.create(
        client_id=client_id,
        school_id=pupil.school_id,
        pupil=pupil,
        medicine=medicine,
        due_at=due_at,
        given_at=given_at,
        outcome=outcome,
        dose=data["dose"],
        reason=data["reason"],
        reactions=data["reactions"],
        place=data["place"],
        given_by=actor,
        witness=witness,
        recorded_at=now,
        given_offline=offline,
        offline_problem="; ".join(problems or ()),
        synced_at=now if offline else None,
    )
    stock_after = medicine.stock - (medicine.dose_units if given else 0)
    if given and offline:
        # What was given was given: a short count is one of its problems, never below 0.
        stock_after = max(stock_after, 0)
        Medicine.objects.filter(pk=medicine.pk).update(stock=stock_after)
    elif given:
        Medicine.objects.filter(pk=medicine.pk).update(stock=F("stock") - medicine.dose_units)
    timeline_add(
        pupil=pupil,
        occurred_at=given_at,
        kind="medication",
        title=_dose_title(medicine, record, actor),
        body="; ".join(x for x in (data["reason"], data["reactions"]) if x),
        actor=actor,
        ref=record,
    )
    record_pupil_change(
        actor,
        AuditEvent.Action.CREATE,
        record,
        pupil,
        after={
            **snapshot(record),
            "stock_before": medicine.stock,
            "stock_after": stock_after,
        },
    )
    if not given:
        tell_senco_of_dose(record, medicine, pupil)
    if record.offline_problem:
        _tell_of_offline_problem(record, medicine, pupil, actor)
    record.medicine = medicine
    return record


def _words(refusal: DoseRefused) -> str:
    return " ".join(refusal.errors.values())


def _offline_checks(medicine, given_at, outcome, due_at, problems):
    """Every rule a dose given offline broke, added to `problems` in words, and the slot
    it answers: none when someone else answered that slot first (the slot stays theirs,
    the unique constraint is kept, and the problem names them)."""
    if due_at is not None and (taken := _slot_record(medicine, due_at)):
        problems.append(_words(_already(medicine, taken)))
        due_at = None
    if outcome == Administration.Outcome.GIVEN:
        problems += [_words(r) for r in broken_rules(medicine, given_at, due_at)]
    else:
        problems += [_words(r) for r in refusals([lambda: _check_active(medicine)])]
    return due_at


def _tell_of_offline_problem(record, medicine, pupil, actor) -> None:
    """A dose given offline that broke a rule: the school's SENCO(s) and the giver are told
    at once, in SENDesk and by e-mail (the notifications outbox, sent by the task worker
    after commit), in this transaction, so the alarm exists exactly when the record does."""
    sencos = StaffRole.objects.filter(
        school_id=pupil.school_id, role=Role.SENCO, user__is_active=True
    ).values_list("user_id", flat=True)
    notify(
        users=[*sencos, actor.pk],
        kind="dose_offline_problem",
        title=f"{pupil.name}: {medicine.name} given offline broke a rule: {record.offline_problem}",
        url=reverse("dose_detail", args=[record.pk]),
        school_id=pupil.school_id,
        email_now=True,
    )


def tell_senco_of_dose(record, medicine, pupil) -> None:
    """A dose refused or not given: the school's SENCO(s) are told (issue 11), in this
    transaction, so the notification exists exactly when the record does."""
    sencos = StaffRole.objects.filter(
        school_id=pupil.school_id, role=Role.SENCO, user__is_active=True
    ).values_list("user_id", flat=True)
    notify(
        users=list(sencos),
        kind="dose_not_given",
        title=f"{pupil.name}: {medicine.name} {record.get_outcome_display().lower()}",
        url=reverse("dose_detail", args=[record.pk]),
        school_id=pupil.school_id,
    )


def _dose_title(medicine, record, actor) -> str:
    if record.outcome == Administration.Outcome.GIVEN:
        what = f"{record.dose} given"
    else:
        what = record.get_outcome_display().lower()
    if record.given_offline:
        what += " offline" + (" - not confirmed" if record.offline_problem else "")
    where = f" at {record.place}" if record.place else ""
    return f"{medicine.name} {what}{where} ({actor})"[:200]


# --- Corrections -------------------------------------------------------------------------

AMENDABLE = ("outcome", "dose", "reason", "reactions", "given_at")
EMERGENCY_AMENDABLE = ("reactions", "given_at")


def administration_can_amend(user, record) -> bool:
    """Whoever gave it, and the SENCO or head of the school. The caller has fetched the
    record through the access layer."""
    return record.given_by_id == user.pk or access.can(user, record.school_id, "write_care")


def administration_amend(*, actor, record: Administration, reason: str, changes: dict):
    """Correct a dose record. The old values stay in the Amendment; when the outcome
    changes to or from 'given', the stock follows."""
    if not administration_can_amend(actor, record):
        raise Http404
    errors = {}
    reason = amendments.reason(
        reason, errors, key="reason_for_change", required="Say why the record is corrected."
    )
    current = {name: getattr(record, name) for name in AMENDABLE}
    wanted = _dose_corrected(record, current, changes, errors)
    if errors:
        raise ServiceError(errors)
    diff = amendments.changed(current, wanted, AMENDABLE)
    amendments.refuse_if_unchanged(diff)
    given = Administration.Outcome.GIVEN
    with transaction.atomic():
        medicine = Medicine.objects.select_for_update().get(pk=record.medicine_id)
        record = amendments.locked(record)
        before = snapshot(record)
        was_given, now_given = record.outcome == given, wanted["outcome"] == given
        # An emergency dose is not held to the routine interval, so moving its time is not.
        moved = wanted["given_at"] != record.given_at and not record.emergency
        if now_given and (not was_given or moved):
            _check_corrected_to_given(record, medicine, wanted["given_at"], was_given)
        stock_change = 0
        if was_given and not now_given:
            stock_change = medicine.dose_units
        elif now_given and not was_given:
            stock_change = -medicine.dose_units
        if stock_change:
            Medicine.objects.filter(pk=medicine.pk).update(stock=F("stock") + stock_change)
            diff["stock"] = [medicine.stock, medicine.stock + stock_change]
        set_fields = {name: wanted[name] for name in AMENDABLE if name in diff}
        if record.emergency and wanted["given_at"] != record.given_at:
            # Moved in time, it may now fall in another attack's hour (or a day the giver
            # was untrained, or the medicine expired): its flags are worked out again.
            flags = _emergency_reflagged(record, medicine, wanted["given_at"])
            if _by_rule(flags) != _by_rule(record.flags):
                # The trail keeps them in words, as the correction's reader sees them.
                diff["flags"] = ["; ".join(f["words"] for f in fs) for fs in (record.flags, flags)]
                set_fields["flags"] = flags
        return amendments.amend(
            actor=actor,
            record=record,
            reason=reason,
            changes=diff,
            set_fields=set_fields,
            before=before,
            amendment=(
                Amendment,
                {
                    "record_type": Amendment.Record.ADMINISTRATION,
                    "record_id": record.pk,
                    "pupil_id": record.pupil_id,
                },
            ),
            timeline=(
                "medication",
                f"{medicine.name} record of "
                f"{timezone.localtime(wanted['given_at']):%-d %b %H:%M} corrected",
            ),
        )


def _dose_corrected(record, current, changes, errors) -> dict:
    """The dose record as corrected, each change checked by the rules a new record keeps."""
    for key in changes:
        if key not in AMENDABLE:
            errors[key] = "This part of a dose record can't be changed."
        elif record.emergency and key not in EMERGENCY_AMENDABLE and changes[key] != current[key]:
            errors[key] = (
                "An emergency record keeps what was given: only the time and the reactions "
                "can be corrected. Tell the SENCO about anything else."
            )
    wanted = {**current, **{k: v for k, v in changes.items() if k in AMENDABLE}}
    if wanted["outcome"] not in Administration.Outcome.values:
        errors["outcome"] = "Say what happened: given, refused or not given."
    wanted["dose"] = inputs.text(
        wanted.get("dose"), "dose", errors, limit=60, required="Give the dose."
    )
    if (
        wanted.get("outcome") == Administration.Outcome.GIVEN
        and "dose" not in errors
        and not record.emergency
        and not _same_dose(wanted["dose"], record.medicine.dose)
    ):
        errors["dose"] = f"The dose on the plan is {record.medicine.dose}."
    wanted["reactions"] = inputs.text(wanted.get("reactions"), "reactions", errors, limit=2000)
    if wanted["outcome"] != Administration.Outcome.GIVEN:
        wanted["reason"] = inputs.text(
            wanted.get("reason"),
            "reason",
            errors,
            limit=300,
            required="Say why it was refused or not given.",
        )
    else:
        wanted["reason"] = inputs.text(wanted.get("reason"), "reason", errors, limit=300)
    _check_corrected_time(record, wanted["given_at"], errors)
    return wanted


def _check_corrected_time(record, when, errors) -> None:
    if not isinstance(when, dt.datetime) or timezone.is_naive(when):
        errors["given_at"] = "Give the date and time of the dose."
    elif when > timezone.now() + CLOCK_SLACK:
        errors["given_at"] = "That time hasn't happened yet."
    elif when < timezone.now() - RECORD_BACK and when != record.given_at:
        errors["given_at"] = "Doses more than a week ago are corrected by the SENCO on paper."
    elif (
        record.due_at
        and timezone.localtime(when).date() != timezone.localtime(record.due_at).date()
    ):
        errors["given_at"] = "A scheduled dose is recorded on the day it was due."


def _check_corrected_to_given(record, medicine, given_at, was_given) -> None:
    """A correction that makes (or moves) a given dose keeps every rule a new dose keeps:
    it is not a way round them."""
    day = timezone.localtime(given_at).date()
    if (
        training_status([record.given_by_id], medicine.training, day)[record.given_by_id]
        != "current"
    ):
        raise DoseRefused(
            "no_training",
            f"{record.given_by} had no current training to give {medicine.name} "
            "that day: this can't be corrected to 'given'.",
            status=403,
        )
    if medicine.controlled and not was_given and record.witness_id is None:
        raise ServiceError(
            {"outcome": "A controlled drug is given with a witness: record a new dose "
             "with the witness instead of correcting this record."}
        )  # fmt: skip
    _check_can_give(
        medicine, given_at, record.due_at, exclude=record, needs_stock=not was_given,
    )  # fmt: skip


def _emergency_reflagged(record, medicine, given_at) -> list[dict]:
    """An emergency record's flags with the time-dependent ones (rules.TIME_FLAGS)
    worked out at its corrected time; the others stand as recorded."""
    kept = [f for f in record.flags if f["rule"] not in TIME_FLAGS]
    others = emergency_others(medicine.pk, given_at, exclude=record)
    return kept + time_flags(
        medicine, given_at, record.units, others, record.called_999, record.given_by_id
    )


def _by_rule(flags) -> list[dict]:
    """Flags in one order, to compare them whatever order they were worked out in."""
    return sorted(flags, key=lambda f: f["rule"])
