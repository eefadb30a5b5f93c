"""Intimate and personal care, moving and handling, and the equipment register: the
services (writes) the care pages and the API share; their reads are care.selectors.

Services validate everything first and raise ServiceError before anything is written; then
they write the record, the pupil's timeline line and the audit row in one transaction. Care
events are evidence: a correction is an Amendment that keeps the old values, nothing is
deleted. A care event is refused, with nothing saved, when the plan has no consent (409),
when it breaks the plan's staffing rule (422) or when the person logging it is not trained
for the plan (403)."""

import calendar
import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from sendesk import access
from sendesk.access import stored_under
from sendesk.accounts.models import User
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, snapshot
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.ids import parse_uuid
from sendesk.pupils import amendments
from sendesk.pupils.timeline import timeline_add
from sendesk.staff.models import Training, care_genders, training_status
from sendesk.staff.selectors import school_staff

from .consent import check_consent
from .models import Amendment, CareEvent, CarePlan, Equipment

# A device's clock may run a little ahead of the server's.
CLOCK_SLACK = dt.timedelta(minutes=5)
# Care is logged as it happens; older events are the SENCO's to add by correction.
LOG_BACK_DAYS = 31
# Equipment due for inspection within this many days is on the warning list.
EQUIPMENT_WARN_DAYS = 14
# Training expiring within this many days is "expiring soon".
TRAINING_WARN_DAYS = 30
# A scheduled dose with no record this long after its time is missed.
RECENT_EVENTS = 20

# The training a plan of each kind needs, unless the SENCO says otherwise.
DEFAULT_TRAINING = {
    CarePlan.Kind.MOVING_HANDLING: Training.Kind.MOVING_HANDLING,
    CarePlan.Kind.GASTROSTOMY: Training.Kind.GASTROSTOMY,
    CarePlan.Kind.STOMA: Training.Kind.STOMA_CATHETER,
    CarePlan.Kind.CATHETER: Training.Kind.STOMA_CATHETER,
}
# What staff usually log for a plan of each kind (suggestions; any short text will do).
EVENT_SUGGESTIONS = {
    CarePlan.Kind.TOILETING: ["toilet visit", "pad change", "wet change", "soiled change"],
    CarePlan.Kind.STOMA: ["bag change", "bag emptied", "site check"],
    CarePlan.Kind.CATHETER: ["catheterisation", "bag emptied", "site check"],
    CarePlan.Kind.MENSTRUAL: ["pad change", "support given"],
    CarePlan.Kind.DRESSING: ["dressing after PE", "change of clothes", "coat and shoes"],
    CarePlan.Kind.FEEDING: ["snack", "lunch", "drink"],
    CarePlan.Kind.GASTROSTOMY: ["bolus feed", "water flush", "site check"],
    CarePlan.Kind.MOVING_HANDLING: [
        "hoist transfer",
        "standing transfer",
        "chair to floor",
        "repositioning",
    ],
}
# Kinds of training the daily list watches: the ones care and medication depend on.
CARE_TRAINING_KINDS = (
    Training.Kind.MEDICATION,
    Training.Kind.FIRST_AID,
    Training.Kind.MOVING_HANDLING,
    Training.Kind.INTIMATE_CARE,
    Training.Kind.BUCCAL_MIDAZOLAM,
    Training.Kind.AUTO_INJECTOR,
    Training.Kind.GASTROSTOMY,
    Training.Kind.STOMA_CATHETER,
)
# Lifting equipment (LOLER): every six months. Everything else yearly unless said.
EQUIPMENT_DEFAULT_MONTHS = {Equipment.Kind.HOIST: 6, Equipment.Kind.SLING: 6}
EQUIPMENT_TEXT = {
    "name": (150, "Name it so staff can find it."),
    "serial": (60, ""),
    "location": (100, ""),
}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the last day of the month when it has no such day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def care_staff(school_id):
    """The people who can be the second member of staff at a care event: everyone holding
    a school role there. External therapists are not school staff."""
    return school_staff(school_id)


# --- small checks ------------------------------------------------------------------------------


def _label(kind) -> str:
    return Training.Kind(kind).label.lower() if kind in Training.Kind.values else str(kind)


# --- Care plans (SENCO, head) ------------------------------------------------------------------

PLAN_TEXT = {
    "title": (150, "Give the plan a short title, e.g. 'Toileting support'."),
    "routine": (5000, "Say what is done, how, and what the pupil prefers."),
    "transfers": (5000, ""),
    "sling_size": (20, ""),
}
PLAN_FIELDS = (
    *PLAN_TEXT,
    "consent_by",
    "consent_document",
    "kind",
    "staff_required",
    "gender_preference",
    "training",
    "review_date",
    "consent_on",
    "active",
)


def care_plan_can_write(user, pupil) -> bool:
    return access.can(user, pupil.school_id, "write_care")


def _validate_plan(pupil, data: dict, errors, *, today, creating: bool, old=None) -> None:
    for name, (limit, required) in PLAN_TEXT.items():
        data[name] = inputs.text(data.get(name), name, errors, limit=limit, required=required)
    kind = data.get("kind")
    if kind not in CarePlan.Kind.values:
        errors["kind"] = "Choose the kind of care: toileting, stoma, feeding, moving and handling …"
    staff = data.get("staff_required")
    if not inputs.whole(staff) or not 1 <= staff <= 3:
        errors["staff_required"] = "Say how many staff the care needs: 1, 2 or 3."
    if data.get("gender_preference") not in CarePlan.Gender.values:
        errors["gender_preference"] = "Choose a preference: no preference, female or male staff."
    _plan_training(data, kind, errors)
    review = data.get("review_date")
    if not inputs.is_date(review):
        errors["review_date"] = "Give the date the plan is next reviewed."
    elif review < today and (creating or review != getattr(old, "review_date", None)):
        errors["review_date"] = "The review date can't be in the past."
    check_consent(data, errors, today)
    if not isinstance(data.get("active", True), bool):
        errors["active"] = "Say whether the plan is in use."


def _plan_training(data, kind, errors) -> None:
    """The training staff need (the kind's usual one when not given); moving and handling
    needs its own training and says which transfers are done."""
    if not data.get("training"):
        data["training"] = DEFAULT_TRAINING.get(kind, Training.Kind.INTIMATE_CARE)
    if data["training"] not in Training.Kind.values:
        errors["training"] = "Choose the training staff need for this care."
    elif kind == CarePlan.Kind.MOVING_HANDLING and data["training"] != "moving_handling":
        errors["training"] = "Moving and handling needs moving and handling training."
    if kind == CarePlan.Kind.MOVING_HANDLING and not data.get("transfers"):
        errors.setdefault("transfers", "Say which transfers are done, and how.")


def _plan_equipment(pupil, equipment_ids, errors) -> list[Equipment]:
    ids = []
    for value in equipment_ids or ():
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            ids.append(0)
    if not ids:
        return []
    if any(not 0 < pk < 2**31 for pk in ids):
        errors["equipment"] = "Choose equipment from this school's register."
        return []
    found = list(
        Equipment.objects.filter(
            Q(pupil__isnull=True) | Q(pupil=pupil), school_id=pupil.school_id, pk__in=ids
        )
    )
    if len(found) != len(set(ids)):
        errors["equipment"] = "Choose equipment from this school's register."
    return found


def care_plan_create(*, actor, pupil, data: dict, equipment_ids=()) -> CarePlan:
    """A new intimate care or moving-and-handling plan. Plans without consent may be
    written (the form is on its way) but no care can be logged against them until it is."""
    if not care_plan_can_write(actor, pupil):
        raise Http404
    data = {k: v for k, v in data.items() if k in PLAN_FIELDS}
    data.setdefault("gender_preference", CarePlan.Gender.ANY)
    data["active"] = True
    errors: dict[str, str] = {}
    _validate_plan(pupil, data, errors, today=timezone.localdate(), creating=True)
    equipment = _plan_equipment(pupil, equipment_ids, errors)
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        plan = CarePlan.objects.create(pupil=pupil, **data)
        plan.equipment.set(equipment)
        record_change(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=plan,
            school_id=pupil.school_id,
            pupil_id=pupil.pk,
            pupil=pupil,
            after={**snapshot(plan), "equipment": sorted(e.pk for e in equipment)},
        )
        timeline_add(
            pupil=pupil,
            kind="care_plan",
            title=f"Care plan written: {plan.title} ({plan.get_kind_display().lower()})",
            actor=actor,
            ref=plan,
        )
    return plan


def care_plan_update(*, actor, plan: CarePlan, data: dict, equipment_ids=None) -> CarePlan:
    """Change a plan. The old values stay in the audit trail; a plan no longer needed is
    made inactive, never deleted (its events name it)."""
    pupil = plan.pupil
    if not care_plan_can_write(actor, pupil):
        raise Http404
    current = {name: getattr(plan, name) for name in PLAN_FIELDS}
    wanted = {**current, **{k: v for k, v in data.items() if k in PLAN_FIELDS}}
    errors: dict[str, str] = {}
    _validate_plan(pupil, wanted, errors, today=timezone.localdate(), creating=False, old=plan)
    old_equipment = sorted(plan.equipment.values_list("pk", flat=True))
    equipment = None
    if equipment_ids is not None:
        equipment = _plan_equipment(pupil, equipment_ids, errors)
    if errors:
        raise ServiceError(errors)
    new_equipment = sorted(e.pk for e in equipment) if equipment is not None else old_equipment
    changed = {k for k in PLAN_FIELDS if current[k] != wanted[k]}
    if not changed and new_equipment == old_equipment:
        raise ServiceError({"__all__": "Nothing was changed."})
    with transaction.atomic():
        plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
        before = {**snapshot(plan), "equipment": old_equipment}
        for name in changed:
            setattr(plan, name, wanted[name])
        plan.save()
        if equipment is not None:
            plan.equipment.set(equipment)
        record_change(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=plan,
            school_id=pupil.school_id,
            pupil_id=pupil.pk,
            pupil=pupil,
            before=before,
            after={**snapshot(plan), "equipment": new_equipment},
        )
        if "active" in changed and not plan.active:
            title = f"Care plan no longer in use: {plan.title}"
        else:
            title = f"Care plan updated: {plan.title}"
        timeline_add(pupil=pupil, kind="care_plan", title=title, actor=actor, ref=plan)
    return plan


# --- Care events: the quick log ------------------------------------------------------------------

EVENT_TEXT = {
    "kind": (30, "Say what was done, e.g. 'pad change' or 'hoist transfer'."),
    "observations": (5000, ""),
    "products_used": (200, ""),
    "note": (5000, ""),
}
EVENT_AMENDABLE = (
    "kind", "occurred_at", "second_staff_id", "observations", "products_used", "note",
)  # fmt: skip


def care_event_can_log(user, plan: CarePlan) -> bool:
    return access.can(user, plan.pupil.school_id, "give_care")


def _check_when(value, errors):
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        errors["occurred_at"] = "Give the date and time the care was given."
        return
    now = timezone.now()
    if value > now + CLOCK_SLACK:
        errors["occurred_at"] = "That time hasn't happened yet: give when the care was given."
    elif value < now - dt.timedelta(days=LOG_BACK_DAYS):
        errors["occurred_at"] = (
            f"Care more than {LOG_BACK_DAYS} days ago can't be logged here: ask the SENCO."
        )


def _second_staff(plan, actor_id, raw, errors) -> User | None:
    """The second member of staff, checked against the plan's staffing rule."""
    second_id = None
    if raw not in (None, ""):
        try:
            second_id = int(raw)
        except (TypeError, ValueError):
            second_id = 0
    need = plan.staff_required
    if second_id is None:
        if need >= 2:
            errors["second_staff_id"] = (
                f"This plan needs {need} staff: name the second member of staff who was there. "
                "If nobody else was there, don't give the care alone: fetch a colleague."
            )
        return None
    if second_id == actor_id:
        errors["second_staff_id"] = (
            "The second member of staff must be someone else: you are already recorded as "
            "giving the care."
        )
        return None
    in_range = 0 < second_id < 2**31
    second = care_staff(plan.pupil.school_id).filter(pk=second_id).first() if in_range else None
    if second is None:
        errors["second_staff_id"] = "Choose the second member of staff from this school's staff."
    return second


def _check_training(plan, actor, second, day) -> None:
    """ServiceError(403) unless the person logging (and, for moving and handling, where
    both people handle the pupil, the second person too) holds current training of the
    plan's kind on the day of the care. For intimate care the second adult is there as a
    chaperone and needs no training."""
    people = [actor]
    if second is not None and plan.kind == CarePlan.Kind.MOVING_HANDLING:
        people.append(second)
    status = training_status([p.pk for p in people], plan.training, day)
    what = _label(plan.training)
    problems = {}
    for person in people:
        state = status[person.pk]
        if state == "current":
            continue
        who = "You have" if person == actor else f"{person.full_name} has"
        key = "__all__" if person == actor else "second_staff_id"
        if state == "expired":
            problems[key] = (
                f"{who} no current {what} training on {day:%-d %B %Y} (it has expired). "
                f"This plan needs {what} training: nothing was saved. Ask the SENCO about a "
                "refresher."
            )
        else:
            problems[key] = (
                f"{who} no {what} training on record. This plan needs {what} training: "
                "nothing was saved. Ask the SENCO."
            )
    if problems:
        raise ServiceError(problems, 403)


def _event_title(plan, event, second) -> str:
    title = f"{plan.get_kind_display()}: {event.kind}"
    if second is not None:
        title += f", with {second.full_name}"
    return title


def _check_equipment(plan, day):
    """A transfer uses the plan's lifting equipment only while it is in service and in
    date for its inspection (LOLER). One query."""
    if plan.kind != CarePlan.Kind.MOVING_HANDLING:
        return
    for item in plan.equipment.all():
        if not item.in_service:
            raise ServiceError(
                {"care_plan_id": f"{item.name} is out of service: don't use it. Tell the SENCO."},
                409,
            )
        if item.next_inspection < day:
            raise ServiceError(
                {"care_plan_id": f"{item.name} was due for inspection on "
                 f"{item.next_inspection:%-d %B %Y}: don't use it until it has been inspected."},
                409,
            )  # fmt: skip


def care_event_record(
    *,
    actor,
    client_id=None,
    care_plan_id,
    occurred_at,
    kind,
    second_staff_id=None,
    observations="",
    products_used="",
    note="",
    gender_confirmed=False,
    care_plan=None,
) -> tuple[CareEvent, bool]:
    """Log one care event against a plan. Returns (event, created); the same client_id
    again returns the stored event unchanged, created=False. Refused with nothing saved:
    404 plan out of scope; 409 the plan has no consent or is no longer in use; 422 bad
    input, the plan's staffing rule or its female/male staff rule broken; 403 no current
    training. `care_plan`, when the page already fetched it through access.get_scoped for
    this actor, is used as it is (one access check per save)."""
    errors: dict[str, str] = {}
    client_id = parse_uuid(client_id, "client_id", errors) if client_id else uuid.uuid4()
    if errors:
        raise ServiceError(errors)
    if existing := stored_under(actor, CareEvent, client_id):
        return existing, False
    plan = _plan_in_scope(actor, care_plan, care_plan_id)
    if not care_event_can_log(actor, plan):
        raise Http404
    if not plan.active:
        raise ServiceError(
            {"care_plan_id": "This care plan is no longer in use: nothing was saved."}, 409
        )
    if not plan.has_consent:
        raise ServiceError(
            {
                "care_plan_id": "No consent recorded for this care plan: care can't be logged "
                "against it until the SENCO records the parent's consent. Nothing was saved."
            },
            409,
        )
    data = {
        "kind": kind,
        "observations": observations,
        "products_used": products_used,
        "note": note,
    }
    for name, (limit, required) in EVENT_TEXT.items():
        data[name] = inputs.text(data[name], name, errors, limit=limit, required=required)
    _check_when(occurred_at, errors)
    second = _second_staff(plan, actor.pk, second_staff_id, errors)
    if plan.staff_required == 3 and "second_staff_id" not in errors and not data["note"]:
        errors["note"] = "This plan needs 3 staff: name the third member of staff in the note."
    if errors:
        raise ServiceError(errors)
    _check_training(plan, actor, second, timezone.localtime(occurred_at).date())
    _check_equipment(plan, timezone.localtime(occurred_at).date())
    # After training: someone who may not give the care at all is not asked to confirm.
    unrecorded = _check_gender(plan, actor, second, gender_confirmed, errors)
    if errors:
        raise ServiceError(errors)

    pupil = plan.pupil
    now = timezone.now()
    try:
        with transaction.atomic():
            event = CareEvent.objects.create(
                client_id=client_id,
                school_id=pupil.school_id,
                pupil=pupil,
                care_plan=plan,
                occurred_at=occurred_at,
                by=actor,
                second_staff=second,
                gender_confirmed=unrecorded,
                recorded_at=now,
                **data,
            )
            timeline_add(
                pupil=pupil,
                occurred_at=occurred_at,
                kind="care",
                title=_event_title(plan, event, second),
                actor=actor,
                ref=event,
            )
            record_change(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=event,
                school_id=pupil.school_id,
                pupil_id=pupil.pk,
                pupil=pupil,
                after=snapshot(event),
            )
    except IntegrityError:
        # The same client_id arrived twice at once: the other request stored it.
        if existing := stored_under(actor, CareEvent, client_id):
            return existing, False
        raise
    return event, True


def _plan_in_scope(actor, plan, plan_id) -> CarePlan:
    """The care plan, its pupil in the actor's scope (Http404 otherwise). An object that
    access.get_scoped gave for this actor is trusted as it is."""
    if plan is not None and access.checked_for(plan, actor):
        return plan
    if plan is not None:
        plan_id = plan.pk
    return access.get_scoped(
        actor, CarePlan.objects.select_related("pupil", "pupil__school"), plan_id
    )


GENDER_WORDS = {CarePlan.Gender.FEMALE: "female", CarePlan.Gender.MALE: "male"}


def _check_gender(plan, actor, second, confirmed, errors) -> bool:
    """A plan that asks for female (or male) staff: everyone named must be recorded so
    (staff.CareGender) or, where the school has not recorded it, the person logging
    confirms the rule was kept. Someone recorded otherwise is refused. Returns whether
    the confirmation was needed (and stored on the event). One query, only for such plans."""
    want = GENDER_WORDS.get(plan.gender_preference)
    if want is None:
        return False
    people = [actor] + ([second] if second is not None else [])
    recorded = care_genders(plan.pupil.school_id, [p.pk for p in people])
    for person in people:
        if recorded.get(person.pk, want) != want:
            key = "__all__" if person == actor else "second_staff_id"
            who = "You are" if person == actor else f"{person.full_name} is"
            errors[key] = (
                f"This plan asks for {want} staff only and {who} recorded as "
                f"{recorded[person.pk]}: nothing was saved. Ask a {want} colleague to give "
                "the care, or the SENCO if the staff record is wrong."
            )
    unrecorded = [p for p in people if p.pk not in recorded]
    if unrecorded and not confirmed and "__all__" not in errors:
        names = " and ".join("you" if p == actor else p.full_name for p in unrecorded)
        errors["gender_confirmed"] = (
            f"This plan asks for {want} staff only, and the school has not recorded this for "
            f"{names}. Tick the box to confirm the care was given by {want} staff only (the "
            "record will show it was confirmed here), or ask the SENCO to record it."
        )
    return bool(unrecorded)


def care_event_can_amend(user, event: CareEvent) -> bool:
    """Whoever logged it, and the SENCO or head."""
    return event.by_id == user.pk or access.can(user, event.school_id, "write_care")


def care_event_amend(*, actor, event: CareEvent, reason: str, changes: dict) -> Amendment:
    """Correct a care event. `changes` holds the fields to change (second_staff_id as a user
    id or None). The old values stay in the Amendment, attributed, with the reason. The
    corrected record must still keep the plan's staffing rule."""
    if not care_event_can_amend(actor, event):
        raise Http404
    errors: dict[str, str] = {}
    reason = amendments.reason(reason, errors)
    current = {name: getattr(event, name) for name in EVENT_AMENDABLE}
    # The confirmation of the plan's female/male rule is not a part of the record being
    # corrected but, when needed, is stored with the correction (as a new log stores it).
    changes = dict(changes)
    confirmed = changes.pop("gender_confirmed", False) is True
    wanted, second, unrecorded = _event_corrected(event, current, changes, errors, confirmed)
    if errors:
        raise ServiceError(errors)
    if wanted["second_staff_id"] != current["second_staff_id"] and second is not None:
        _check_second_trained(event.care_plan, second, wanted["occurred_at"])
    diff = amendments.changed(current, wanted, EVENT_AMENDABLE)
    amendments.refuse_if_unchanged(diff)
    set_fields = {name: wanted[name] for name in diff}
    if unrecorded and not event.gender_confirmed:
        diff["gender_confirmed"] = [False, True]
        set_fields["gender_confirmed"] = True
    with transaction.atomic():
        event = amendments.locked(event)
        return amendments.amend(
            actor=actor,
            record=event,
            reason=reason,
            changes=diff,
            set_fields=set_fields,
            before=snapshot(event),
            amendment=(
                Amendment,
                {
                    "record_type": Amendment.Record.CARE_EVENT,
                    "record_id": event.pk,
                    "pupil_id": event.pupil_id,
                },
            ),
            timeline=(
                "care_amended",
                f"Care record of {timezone.localtime(current['occurred_at']):%-d %b} corrected",
            ),
        )


def _event_corrected(event, current, changes, errors, confirmed=False):
    """The care event as corrected, its second member of staff, and whether the plan's
    female/male rule needed (and got) the confirmation: each change checked by the rules
    a new event keeps."""
    unknown = [key for key in changes if key not in EVENT_AMENDABLE]
    for key in unknown:
        errors[key] = "This part of a care record can't be changed."
    wanted = {**current, **{k: v for k, v in changes.items() if k not in unknown}}
    for name, (limit, required) in EVENT_TEXT.items():
        wanted[name] = inputs.text(wanted.get(name), name, errors, limit=limit, required=required)
    if wanted["occurred_at"] != current["occurred_at"]:
        _check_when(wanted["occurred_at"], errors)
    second = _second_staff(event.care_plan, event.by_id, wanted["second_staff_id"], errors)
    wanted["second_staff_id"] = second.pk if second is not None else None
    unrecorded = False
    if second is not None and wanted["second_staff_id"] != current["second_staff_id"]:
        unrecorded = _check_corrected_gender(event.care_plan, second, confirmed, errors)
    return wanted, second, unrecorded


def _check_corrected_gender(plan, second, confirmed, errors) -> bool:
    """The log's rule for a second adult a correction names: not one the plan's
    female/male rule rules out, and, where the school has recorded nothing for them, the
    person correcting confirms the rule was kept. Returns whether that confirmation was
    needed (the caller stores it with the correction)."""
    want = GENDER_WORDS.get(plan.gender_preference)
    if want is None:
        return False
    recorded = care_genders(plan.pupil.school_id, [second.pk]).get(second.pk)
    if recorded is not None and recorded != want:
        errors["second_staff_id"] = (
            f"This plan asks for {want} staff only and {second.full_name} is recorded as "
            f"{recorded}."
        )
        return False
    if recorded is None and not confirmed:
        errors["gender_confirmed"] = (
            f"This plan asks for {want} staff only, and the school has not recorded this for "
            f"{second.full_name}. Tick the box to confirm the care was given by {want} staff "
            "only (the record will show it was confirmed here), or ask the SENCO to record it."
        )
    return recorded is None


def _check_second_trained(plan, second, occurred_at) -> None:
    """Moving and handling needs a second adult trained on the day of the care."""
    if plan.kind != CarePlan.Kind.MOVING_HANDLING:
        return
    day = timezone.localtime(occurred_at).date()
    if training_status([second.pk], plan.training, day)[second.pk] != "current":
        raise ServiceError(
            {
                "second_staff_id": f"{second.full_name} has no current "
                f"{_label(plan.training)} training on {day:%-d %B %Y}."
            },
            403,
        )


# --- Equipment (SENCO, head) ---------------------------------------------------------------------


def equipment_schools(user) -> set[int]:
    return access.schools_where(user, "write_care")


def get_equipment(user, pk) -> Equipment:
    """One item of equipment of a school where `user` writes care; Http404 otherwise."""
    try:
        pk = int(pk)
        if not 0 < pk < 2**31:
            raise Http404
        return Equipment.objects.select_related("pupil").get(
            pk=pk, school_id__in=equipment_schools(user)
        )
    except (Equipment.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def _equipment_audit(actor, action, equipment, before=None, after=None):
    record_change(
        actor=actor,
        action=action,
        obj=equipment,
        school_id=equipment.school_id,
        pupil_id=equipment.pupil_id,
        before=before,
        after=after,
    )


def equipment_create(*, actor, school_id: int, data: dict) -> Equipment:
    """Add equipment to the register. The next inspection is set from the last one:
    hoists and slings every 6 months unless said otherwise, other equipment yearly."""
    if school_id not in equipment_schools(actor):
        raise Http404
    data = dict(data)
    errors: dict[str, str] = {}
    kind = data.get("kind")
    if kind not in Equipment.Kind.values:
        errors["kind"] = "Choose the kind of equipment."
    for name, (limit, required) in EQUIPMENT_TEXT.items():
        data[name] = inputs.text(data.get(name), name, errors, limit=limit, required=required)
    months = data.get("inspection_months")
    if months in (None, ""):
        months = EQUIPMENT_DEFAULT_MONTHS.get(kind, 12)
    if not inputs.whole(months) or not 1 <= months <= 24:
        errors["inspection_months"] = "Inspections are every 1 to 24 months."
    last = data.get("last_inspected")
    today = timezone.localdate()
    if not inputs.is_date(last):
        errors["last_inspected"] = "Give the date it was last inspected."
    elif last > today:
        errors["last_inspected"] = "The last inspection can't be in the future."
    pupil = data.get("pupil")
    if pupil is not None and pupil.school_id != school_id:
        errors["pupil"] = "Choose a pupil of this school."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        equipment = Equipment.objects.create(
            school_id=school_id,
            kind=kind,
            name=data["name"],
            serial=data["serial"],
            location=data["location"],
            pupil=pupil,
            last_inspected=last,
            inspection_months=months,
            next_inspection=add_months(last, months),
        )
        _equipment_audit(actor, AuditEvent.Action.CREATE, equipment, after=snapshot(equipment))
    return equipment


def equipment_inspect(*, actor, equipment: Equipment, inspected_on: dt.date) -> Equipment:
    """Record an inspection: the next one is due `inspection_months` later."""
    if equipment.school_id not in equipment_schools(actor):
        raise Http404
    today = timezone.localdate()
    if not inputs.is_date(inspected_on):
        raise ServiceError({"inspected_on": "Give the date of the inspection."})
    if inspected_on > today:
        raise ServiceError({"inspected_on": "An inspection can't be recorded for the future."})
    if inspected_on < equipment.last_inspected:
        raise ServiceError(
            {
                "inspected_on": "An inspection on "
                f"{equipment.last_inspected:%-d %B %Y} is already recorded: give a later date."
            }
        )
    with transaction.atomic():
        equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
        before = snapshot(equipment)
        equipment.last_inspected = inspected_on
        equipment.next_inspection = add_months(inspected_on, equipment.inspection_months)
        equipment.save(update_fields=["last_inspected", "next_inspection"])
        _equipment_audit(actor, AuditEvent.Action.UPDATE, equipment, before, snapshot(equipment))
    return equipment


def equipment_out_of_service(*, actor, equipment: Equipment, reason: str) -> Equipment:
    """Take equipment out of use (failed inspection, damage). It stays on the register."""
    if equipment.school_id not in equipment_schools(actor):
        raise Http404
    errors: dict[str, str] = {}
    reason = inputs.text(
        reason, "reason", errors, limit=300, required="Say why it is out of service."
    )
    if not equipment.in_service:
        errors["__all__"] = "This equipment is already out of service."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
        before = snapshot(equipment)
        equipment.in_service = False
        equipment.save(update_fields=["in_service"])
        _equipment_audit(
            actor,
            AuditEvent.Action.UPDATE,
            equipment,
            before,
            {**snapshot(equipment), "reason": reason},
        )
    return equipment
