"""Writes for behaviour: the IBP's triggers and agreed strategies, how well a strategy
worked, incidents, restrictive interventions, telling parents, and corrections.

Each service validates everything first and raises ServiceError({field: message}) before
anything is written; then it writes the record, the pupil's timeline entry and the audit
row in one transaction. Incidents and restrictive interventions are evidence: a correction
is an Amendment that keeps every old value, and nothing is deleted."""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.utils import timezone

from sendesk import access
from sendesk.access import stored_under
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, record_pupil_change, snapshot
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.ids import parse_uuid
from sendesk.plans.models import Plan
from sendesk.pupils import amendments
from sendesk.pupils.timeline import timeline_add
from sendesk.staff.models import Training, training_status
from sendesk.staff.selectors import school_staff

from .models import (
    Amendment,
    BehaviourPlan,
    BehaviourStrategy,
    Effectiveness,
    Incident,
    InterventionStaff,
    NotificationRetraction,
    ParentNotification,
    RestrictiveIntervention,
    StrategyUse,
)

# A device's clock may run a little ahead of the server's.
CLOCK_SLACK = dt.timedelta(minutes=5)
EFFECTIVENESS_WORDS = "didn't help (1), helped a little (2) or worked well (3)"


EARLIEST_AGE = dt.timedelta(days=2 * 366)


def _check_when(value, field_name, errors, *, what):
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        errors[field_name] = f"Give the date and time {what}."
    elif value > timezone.now() + CLOCK_SLACK:
        errors[field_name] = f"That time hasn't happened yet: give the date and time {what}."
    elif value < timezone.now() - EARLIEST_AGE:
        # Older than any school record this product holds; also keeps far-past dates,
        # which overflow when converted to local time, away from the database.
        errors[field_name] = f"That is more than two years ago: give the date and time {what}."


# The amendment services below still call _plain; it is the one implementation, not a copy.


def _can_correct(user, record) -> bool:
    """Whoever recorded it, and those at the school who write plans or oversee."""
    return (
        record.recorded_by_id == user.pk
        or access.can(user, record.school_id, "oversee")
        or access.can(user, record.school_id, "write_plans")
    )


def _staff_ids(raw, school_id, field_name, errors, already=()) -> list[int]:
    """The ids in `raw`, each of someone on the school's staff (one query). Those `already`
    on the record pass: staff who have since left stay named on it."""
    ids = []
    for value in raw or ():
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            ids.append(0)
    if any(not 0 < pk < 2**31 for pk in ids):
        errors[field_name] = "Choose staff from the list of this school's staff."
        return []
    if len(set(ids)) != len(ids):
        errors[field_name] = "Name each member of staff once."
        return []
    added = [pk for pk in ids if pk not in set(already)]
    if added:
        known = set(school_staff(school_id).filter(pk__in=added).values_list("pk", flat=True))
        if known != set(added):
            errors[field_name] = "Choose staff from the list of this school's staff."
            return []
    return ids


# --- The IBP: triggers, early signs, what to avoid, and the agreed strategies -------------


def _plan_writer(actor, plan: Plan):
    if not access.can(actor, plan.pupil.school_id, "write_plans"):
        raise Http404
    if plan.kind != Plan.Kind.IBP:
        raise ServiceError(
            {"__all__": "Triggers and agreed strategies belong to an individual behaviour plan."}
        )
    if plan.status == Plan.Status.CLOSED:
        raise ServiceError({"__all__": "This plan is closed: write a new plan to change it."})


@transaction.atomic
def behaviour_plan_save(*, actor, plan: Plan, triggers="", early_signs="", avoid=""):
    """Set what sets the pupil off, the early signs and what to avoid, for an IBP."""
    _plan_writer(actor, plan)
    data = {"triggers": triggers, "early_signs": early_signs, "avoid": avoid}
    errors = {}
    inputs.text_fields(data, data.keys(), errors, limits=dict.fromkeys(data, 4000))
    if errors:
        raise ServiceError(errors)
    details, created = BehaviourPlan.objects.select_for_update().get_or_create(plan=plan)
    before = None if created else snapshot(details)
    for key, value in data.items():
        setattr(details, key, value)
    details.save()
    after = snapshot(details)
    if created or before != after:
        record_pupil_change(
            actor,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
            details,
            plan.pupil,
            before,
            after,
        )
        timeline_add(
            pupil=plan.pupil,
            actor=actor,
            ref=plan,
            kind="plan",
            title=f"Behaviour plan updated: triggers, early signs and what to avoid ({plan.title})",
        )
    return details


def _strategy_text(text, errors):
    return inputs.text(
        text,
        "text",
        errors,
        limit=300,
        required="Write the strategy, so a cover adult can use it straight away.",
    )


@transaction.atomic
def behaviour_strategy_add(*, actor, plan: Plan, text: str) -> BehaviourStrategy:
    _plan_writer(actor, plan)
    errors = {}
    text = _strategy_text(text, errors)
    if errors:
        raise ServiceError(errors)
    order = plan.behaviour_strategies.count() + 1
    strategy = BehaviourStrategy.objects.create(plan=plan, text=text, order=order)
    record_pupil_change(
        actor, AuditEvent.Action.CREATE, strategy, plan.pupil, after=snapshot(strategy)
    )
    timeline_add(
        pupil=plan.pupil, actor=actor, ref=plan, kind="plan", title=f"Strategy agreed: {text}"
    )
    return strategy


@transaction.atomic
def behaviour_strategy_update(*, actor, strategy: BehaviourStrategy, text: str, order=None):
    plan = strategy.plan
    _plan_writer(actor, plan)
    errors = {}
    text = _strategy_text(text, errors)
    if order is not None and not (inputs.whole(order) and 1 <= order <= 99):
        errors["order"] = "The order is a number from 1 to 99."
    if text != strategy.text and strategy.uses.exists():
        # Reports of how well it worked name this wording; new wording is a new strategy.
        errors["text"] = (
            "Staff have already said how well this strategy worked, so its wording stays. "
            "Add the new wording as a new strategy."
        )
    if errors:
        raise ServiceError(errors)
    before = snapshot(strategy)
    strategy.text = text
    if order is not None:
        strategy.order = order
    strategy.save()
    if before != (after := snapshot(strategy)):
        record_pupil_change(actor, AuditEvent.Action.UPDATE, strategy, plan.pupil, before, after)
    return strategy


@transaction.atomic
def behaviour_strategy_remove(*, actor, strategy: BehaviourStrategy) -> None:
    """Take a strategy off the plan. One that staff have already said how well it worked
    stays: those reports are evidence and name it."""
    plan = strategy.plan
    _plan_writer(actor, plan)
    used = strategy.uses.count()
    times = f"{used} time{'s' if used != 1 else ''}"
    if used:
        raise ServiceError(
            {
                "__all__": f"Staff have reported on this strategy {times}"
                ": it stays on the plan so those reports keep their meaning. Close the plan "
                "and write a new one to stop using it."
            }
        )
    before = snapshot(strategy)
    record_change(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=strategy,
        school_id=plan.pupil.school_id,
        pupil_id=plan.pupil_id,
        before=before,
    )
    strategy.delete()


# --- How well a strategy worked ------------------------------------------------------------


@dataclass
class Use:
    """One agreed strategy and how well it worked (an Effectiveness value)."""

    strategy_id: object
    effectiveness: object


def agreed_strategies(pupil) -> list[BehaviourStrategy]:
    """The strategies of the pupil's active IBP, in order. One query."""
    return list(
        BehaviourStrategy.objects.filter(
            plan__pupil=pupil, plan__kind=Plan.Kind.IBP, plan__status=Plan.Status.ACTIVE
        )
    )


def _validate_uses(pupil, uses, errors, *, prefix="strategies") -> list[tuple]:
    """[(strategy, effectiveness)] for uses of the pupil's agreed strategies."""
    uses = list(uses or ())
    if not uses:
        return []
    agreed = {s.pk: s for s in agreed_strategies(pupil)}
    out, seen = [], set()
    for i, use in enumerate(uses):
        sid, eff = use.strategy_id, use.effectiveness
        try:
            sid = int(sid)
        except (TypeError, ValueError):
            sid = None
        if sid not in agreed:
            errors[f"{prefix}.{i}.strategy_id"] = (
                "This is not one of the strategies agreed in the pupil's behaviour plan."
            )
            continue
        if sid in seen:
            errors[f"{prefix}.{i}.strategy_id"] = "Say how well each strategy worked once."
            continue
        seen.add(sid)
        try:
            eff = int(eff)
        except (TypeError, ValueError):
            eff = None
        if eff not in Effectiveness.values:
            errors[f"{prefix}.{i}.effectiveness"] = (
                f"Say how well it worked: {EFFECTIVENESS_WORDS}."
            )
            continue
        out.append((agreed[sid], eff))
    return out


def _write_uses(actor, pupil, pairs, now, **source):
    uses = [
        StrategyUse(
            strategy=strategy,
            pupil=pupil,
            effectiveness=eff,
            recorded_by=actor,
            recorded_at=now,
            **source,
        )
        for strategy, eff in pairs
    ]
    StrategyUse.objects.bulk_create(uses)
    return uses


def session_strategy_uses_record(*, actor, session_pupil, uses) -> list[StrategyUse]:
    """After a session: how well each agreed strategy worked for this pupil. A strategy
    already reported for this session is refused (the first report stands)."""
    pupil = session_pupil.pupil
    if not access.visible_pupils(actor).filter(pk=pupil.pk).exists():
        raise Http404
    if not access.can(actor, pupil.school_id, "record_sessions"):
        raise Http404
    errors = {}
    pairs = _validate_uses(pupil, uses, errors)
    if not pairs and not errors:
        errors["strategies"] = "Say how well at least one strategy worked."
    done = set(
        StrategyUse.objects.filter(session_pupil=session_pupil).values_list(
            "strategy_id", flat=True
        )
    )
    for i, (strategy, _) in enumerate(pairs):
        if strategy.pk in done:
            errors[f"strategies.{i}.strategy_id"] = (
                f"“{strategy.text}” was already reported for this session."
            )
    if errors:
        raise ServiceError(errors)
    now = timezone.now()
    with transaction.atomic():
        written = _write_uses(actor, pupil, pairs, now, session_pupil=session_pupil)
        record_change(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=session_pupil.session,
            school_id=pupil.school_id,
            pupil_id=pupil.pk,
            after={
                "strategy_uses": {str(u.strategy_id): u.effectiveness for u in written},
                "session_pupil": session_pupil.pk,
            },
        )
    return written


# --- Incidents -----------------------------------------------------------------------------

INCIDENT_TEXT = (
    "location",
    "lesson",
    "others_involved",
    "antecedent",
    "behaviour",
    "response",
    "outcome",
    "injuries",
    "follow_up",
)
INCIDENT_LIMITS = {
    "location": 100,
    "lesson": 100,
    "others_involved": 300,
    **dict.fromkeys(
        ("antecedent", "behaviour", "response", "outcome", "injuries", "follow_up"), 5000
    ),
}
INCIDENT_REQUIRED = {
    "behaviour": "Say what the pupil did (for a recognition: what they achieved).",
}
INCIDENT_AMENDABLE = (*INCIDENT_TEXT, "kind", "severity", "occurred_at", "staff_present")


def _validate_incident(data: dict, school_id, errors, already_named=()) -> None:
    """Checks and normalises the incident's own fields in place."""
    if data.get("kind") not in Incident.Kind.values:
        errors["kind"] = "Say whether this is a behaviour concern or a positive recognition."
    severity = data.get("severity")
    if severity in ("", None):
        data["severity"] = None
    else:
        try:
            data["severity"] = int(severity)
        except (TypeError, ValueError):
            data["severity"] = -1
        if data["severity"] not in Incident.Severity.values:
            errors["severity"] = "Severity is low (1), medium (2) or high (3)."
        elif data.get("kind") == Incident.Kind.POSITIVE:
            errors["severity"] = "A positive recognition has no severity."
    _check_when(data.get("occurred_at"), "occurred_at", errors, what="it happened")
    inputs.text_fields(
        data, INCIDENT_TEXT, errors, limits=INCIDENT_LIMITS, required=INCIDENT_REQUIRED
    )
    if "staff_present" in data:
        data["staff_present"] = _staff_ids(
            data["staff_present"], school_id, "staff_present", errors, already=already_named
        )


def _incident_title(incident) -> str:
    if incident.kind == Incident.Kind.POSITIVE:
        return "Positive recognition" + (f": {incident.location}" if incident.location else "")
    severity = f" ({incident.get_severity_display().lower()})" if incident.severity else ""
    where = f" in {incident.location}" if incident.location else ""
    return f"Behaviour incident{severity}{where}"


def incident_record(
    *,
    actor,
    client_id=None,
    pupil_id,
    kind=Incident.Kind.CONCERN,
    severity=None,
    occurred_at,
    location="",
    lesson="",
    others_involved="",
    staff_present=(),
    antecedent="",
    behaviour="",
    response="",
    outcome="",
    injuries="",
    follow_up="",
    strategies=(),
) -> tuple[Incident, bool]:
    """Record a behaviour incident or a positive recognition, with how well each agreed
    strategy worked. Anyone with the pupil in scope may. Returns (incident, created);
    the same client_id again returns the stored incident unchanged, created=False."""
    errors: dict[str, str] = {}
    client_id = parse_uuid(client_id, "client_id", errors) if client_id else uuid.uuid4()
    if errors:
        raise ServiceError(errors)
    if existing := stored_under(actor, Incident, client_id):
        return existing, False
    # Recording is for the people who work with the pupil (not the DSL as such).
    pupil = access.get_pupil_for(actor, pupil_id, "record_sessions")

    data = {
        "kind": kind,
        "severity": severity,
        "occurred_at": occurred_at,
        "location": location,
        "lesson": lesson,
        "others_involved": others_involved,
        "staff_present": staff_present,
        "antecedent": antecedent,
        "behaviour": behaviour,
        "response": response,
        "outcome": outcome,
        "injuries": injuries,
        "follow_up": follow_up,
    }
    _validate_incident(data, pupil.school_id, errors)
    pairs = _validate_uses(pupil, strategies, errors)
    if errors:
        raise ServiceError(errors)

    staff_ids = data.pop("staff_present")
    now = timezone.now()
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                client_id=client_id,
                school_id=pupil.school_id,
                pupil=pupil,
                recorded_by=actor,
                recorded_at=now,
                **data,
            )
            incident.staff_present.set(staff_ids)
            uses = _write_uses(actor, pupil, pairs, now, incident=incident)
            timeline_add(
                pupil=pupil,
                actor=actor,
                ref=incident,
                occurred_at=incident.occurred_at,
                kind="positive" if incident.kind == Incident.Kind.POSITIVE else "incident",
                title=_incident_title(incident),
                body=incident.behaviour,
            )
            record_pupil_change(
                actor,
                AuditEvent.Action.CREATE,
                incident,
                pupil,
                after={
                    **snapshot(incident),
                    "staff_present": staff_ids,
                    "strategy_uses": {str(u.strategy_id): u.effectiveness for u in uses},
                },
            )
    except IntegrityError:
        # The same client_id arrived twice at once: the other request stored it.
        if existing := stored_under(actor, Incident, client_id):
            return existing, False
        raise
    return incident, True


def incident_can_amend(user, incident: Incident) -> bool:
    return _can_correct(user, incident)


def incident_amend(*, actor, incident: Incident, reason: str, changes: dict) -> Amendment:
    """Correct an incident. `changes` holds the fields to change and their new values
    (staff_present as a list of user ids). The old values stay in the Amendment."""
    if not incident_can_amend(actor, incident):
        raise Http404
    errors = {}
    reason = amendments.reason(reason, errors)
    unknown = [key for key in changes if key not in INCIDENT_AMENDABLE]
    for key in unknown:
        errors[key] = "This part of an incident can't be changed."
    current = {
        name: getattr(incident, name) for name in INCIDENT_AMENDABLE if name != "staff_present"
    }
    current["staff_present"] = sorted(incident.staff_present.values_list("pk", flat=True))
    wanted = {**current, **{k: v for k, v in changes.items() if k not in unknown}}
    _validate_incident(wanted, incident.school_id, errors, already_named=current["staff_present"])
    if errors:
        raise ServiceError(errors)
    wanted["staff_present"] = sorted(wanted["staff_present"])
    diff = amendments.changed(current, wanted, INCIDENT_AMENDABLE)
    amendments.refuse_if_unchanged(diff)
    with transaction.atomic():
        incident = amendments.locked(incident)
        before = {**snapshot(incident), "staff_present": current["staff_present"]}
        if "staff_present" in diff:
            incident.staff_present.set(wanted["staff_present"])
        return amendments.amend(
            actor=actor,
            record=incident,
            reason=reason,
            changes=diff,
            set_fields={name: wanted[name] for name in diff if name != "staff_present"},
            before=before,
            after_extra={"staff_present": wanted["staff_present"]},
            amendment=_amendment_of(incident, Amendment.Record.INCIDENT),
            timeline=(
                "corrected",
                f"Incident record of {timezone.localtime(current['occurred_at']):%-d %b} corrected",
            ),
        )


# --- Restrictive interventions ---------------------------------------------------------------

RI_TEXT = (
    "location",
    "before",
    "deescalation",
    "holds",
    "reason",
    "injuries_pupil",
    "injuries_staff",
    "support_after",
    "debrief",
)
RI_REQUIRED = {
    "location": "Say where it happened.",
    "before": "Say what happened before.",
    "deescalation": "Say what de-escalation was tried first.",
    "holds": "Say which holds or what kind of force was used.",
    "reason": "Say why it was necessary.",
}
RI_LIMITS = {"location": 100, **dict.fromkeys(RI_TEXT[1:], 5000)}
RI_AMENDABLE = (*RI_TEXT, "kind", "started_at", "duration_minutes", "debrief_on")


def notify_parent_by(started_at: dt.datetime) -> dt.datetime:
    """When parents must have been told by. The regulations say 'as soon as practicable';
    we hold the school to the end of the day after the intervention (23:59 school time),
    calendar days rather than school days, so a Friday's intervention is due on Saturday:
    better early than late, and it needs no term calendar."""
    day = timezone.localtime(started_at).date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def _validate_intervention(data: dict, errors) -> None:
    if data.get("kind") not in RestrictiveIntervention.Kind.values:
        errors["kind"] = "Say what was used: reasonable force, restraint or seclusion."
    _check_when(data.get("started_at"), "started_at", errors, what="it started")
    minutes = data.get("duration_minutes")
    if not inputs.whole(minutes) or not 1 <= minutes <= 600:
        errors["duration_minutes"] = "Say how long it lasted, in whole minutes from 1 to 600."
    debrief_on = data.get("debrief_on")
    if debrief_on is not None:
        if not isinstance(debrief_on, dt.date) or isinstance(debrief_on, dt.datetime):
            errors["debrief_on"] = "Give the debrief date as YYYY-MM-DD."
        elif debrief_on > timezone.localdate():
            errors["debrief_on"] = "The debrief can't be dated in the future."
        elif (
            isinstance(data.get("started_at"), dt.datetime)
            and debrief_on < timezone.localtime(data["started_at"]).date()
        ):
            errors["debrief_on"] = "The debrief can't be before the intervention."
    inputs.text_fields(data, RI_TEXT, errors, limits=RI_LIMITS, required=RI_REQUIRED)


def incident_can_record(user, pupil) -> bool:
    """Whether `user` may record an incident about `pupil` (one they can see: the caller
    fetched it through access): the one rule both the form and every link to it follow."""
    return access.can(user, pupil.school_id, "record_sessions")


def intervention_can_record(user, pupil) -> bool:
    return access.can(user, pupil.school_id, "record_sessions")


def intervention_record(
    *,
    actor,
    client_id=None,
    pupil_id,
    kind,
    started_at,
    duration_minutes,
    location="",
    before="",
    deescalation="",
    holds="",
    reason="",
    injuries_pupil="",
    injuries_staff="",
    support_after="",
    debrief="",
    debrief_on=None,
    staff=(),
    incident_id=None,
) -> tuple[RestrictiveIntervention, bool]:
    """Record a significant use of force, restraint or seclusion. `staff` is a list of
    (user id, part). Each person's positive-handling training on the day is looked up and
    stored; someone untrained does not stop the record (force used in an emergency must
    still be recorded), the pages warn instead. The pupil's SEN status is copied from the
    record. Returns (intervention, created), idempotent on client_id."""
    errors: dict[str, str] = {}
    client_id = parse_uuid(client_id, "client_id", errors) if client_id else uuid.uuid4()
    if errors:
        raise ServiceError(errors)
    if existing := stored_under(actor, RestrictiveIntervention, client_id):
        return existing, False
    pupil = access.get_pupil(actor, pupil_id)
    if not intervention_can_record(actor, pupil):
        raise Http404

    data = {
        "kind": kind,
        "started_at": started_at,
        "duration_minutes": duration_minutes,
        "location": location,
        "before": before,
        "deescalation": deescalation,
        "holds": holds,
        "reason": reason,
        "injuries_pupil": injuries_pupil,
        "injuries_staff": injuries_staff,
        "support_after": support_after,
        "debrief": debrief,
        "debrief_on": debrief_on,
    }
    _validate_intervention(data, errors)

    staff = list(staff or ())
    parts = []
    for i, item in enumerate(staff):
        try:
            user_id, part = item
        except (TypeError, ValueError):
            errors[f"staff.{i}"] = "Give each member of staff with their part."
            continue
        if part not in InterventionStaff.Part.values:
            errors[f"staff.{i}.part"] = "Say whether they led, supported or witnessed it."
        parts.append((user_id, part))
    if not staff:
        errors["staff"] = "Name the staff involved: who led it, supported or witnessed it."
    staff_ids = _staff_ids([u for u, _ in parts], pupil.school_id, "staff", errors)

    incident = None
    if incident_id:
        iid = parse_uuid(incident_id, "incident_id", errors)
        incident = Incident.objects.filter(pk=iid, pupil=pupil).first() if iid else None
        if iid and incident is None:
            errors["incident_id"] = "This is not one of this pupil's incidents."
    if errors:
        raise ServiceError(errors)

    day = timezone.localtime(data["started_at"]).date()
    training = training_status(staff_ids, Training.Kind.POSITIVE_HANDLING, day)
    now = timezone.now()
    try:
        with transaction.atomic():
            ri = RestrictiveIntervention.objects.create(
                client_id=client_id,
                school_id=pupil.school_id,
                pupil=pupil,
                incident=incident,
                pupil_sen_status=_sen_status_on(pupil, data["started_at"]),
                notify_parent_by=notify_parent_by(data["started_at"]),
                recorded_by=actor,
                recorded_at=now,
                **data,
            )
            rows = InterventionStaff.objects.bulk_create(
                InterventionStaff(
                    intervention=ri,
                    user_id=int(user_id),
                    part=part,
                    training=training[int(user_id)],
                )
                for user_id, part in parts
            )
            timeline_add(
                pupil=pupil,
                actor=actor,
                ref=ri,
                occurred_at=ri.started_at,
                kind="restrictive_intervention",
                title=f"Restrictive intervention: {ri.get_kind_display().lower()}, "
                f"{ri.duration_minutes} min, {ri.location}",
                body=ri.reason,
            )
            record_pupil_change(
                actor,
                AuditEvent.Action.CREATE,
                ri,
                pupil,
                after={
                    **snapshot(ri),
                    "staff": [[r.user_id, r.part, r.training] for r in rows],
                },
            )
    except IntegrityError:
        if existing := stored_under(actor, RestrictiveIntervention, client_id):
            return existing, False
        raise
    return ri, True


def intervention_can_amend(user, ri: RestrictiveIntervention) -> bool:
    return _can_correct(user, ri)


def intervention_amend(
    *, actor, intervention: RestrictiveIntervention, reason: str, changes: dict
) -> Amendment:
    """Correct a restrictive intervention (adding the debrief afterwards is a correction
    too). The old values stay in the Amendment. A corrected start moves the date by which
    parents must be told, and the amendment shows that as well. The reason for the
    correction is reported as "amendment_reason": "reason" is the record's own field (why
    force was necessary)."""
    ri = intervention
    if not intervention_can_amend(actor, ri):
        raise Http404
    errors = {}
    reason = amendments.reason(reason, errors, key="amendment_reason")
    unknown = [key for key in changes if key not in RI_AMENDABLE]
    for key in unknown:
        errors[key] = "This part of the record can't be changed here."
    current = {name: getattr(ri, name) for name in RI_AMENDABLE}
    wanted = {**current, **{k: v for k, v in changes.items() if k not in unknown}}
    _validate_intervention(wanted, errors)
    if errors:
        raise ServiceError(errors)
    diff = amendments.changed(current, wanted, RI_AMENDABLE)
    amendments.refuse_if_unchanged(diff)
    if "started_at" in diff:
        deadline = notify_parent_by(wanted["started_at"])
        if deadline != ri.notify_parent_by:
            diff["notify_parent_by"] = [inputs.plain(ri.notify_parent_by), inputs.plain(deadline)]
            wanted["notify_parent_by"] = deadline
    with transaction.atomic():
        ri = amendments.locked(ri)
        return amendments.amend(
            actor=actor,
            record=ri,
            reason=reason,
            changes=diff,
            set_fields={name: wanted[name] for name in diff},
            before=snapshot(ri),
            amendment=_amendment_of(ri, Amendment.Record.INTERVENTION),
            timeline=(
                "corrected",
                f"Restrictive intervention record of "
                f"{timezone.localtime(current['started_at']):%-d %b} corrected",
            ),
        )


def _amendment_of(record, record_type) -> tuple:
    """The behaviour Amendment model and the columns naming the record it corrects."""
    return Amendment, {
        "record_type": record_type,
        "record_id": record.pk,
        "pupil_id": record.pupil_id,
    }


def parent_notification_add(
    *, actor, intervention: RestrictiveIntervention, notified_at, method, contact_name, note=""
) -> ParentNotification:
    """Record that parents were told: who told whom, how and when. More than one may be
    recorded (a phone call, then a letter)."""
    ri = intervention
    if not access.visible_pupils(actor).filter(pk=ri.pupil_id).exists():
        raise Http404
    if not access.can(actor, ri.school_id, "record_sessions"):
        raise Http404
    errors = {}
    _check_when(notified_at, "notified_at", errors, what="they were told")
    if "notified_at" not in errors and notified_at < ri.started_at:
        errors["notified_at"] = "Parents can't have been told before the intervention happened."
    if method not in ParentNotification.Method.values:
        errors["method"] = "Say how they were told: in person, phone call, e-mail or letter."
    data = {"contact_name": contact_name, "note": note}
    inputs.text_fields(
        data,
        ("contact_name", "note"),
        errors,
        limits={"contact_name": 150, "note": 2000},
        required={"contact_name": "Say who was told (their name)."},
    )
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        notification = ParentNotification.objects.create(
            intervention=ri,
            notified_at=notified_at,
            method=method,
            notified_by=actor,
            recorded_at=timezone.now(),
            **data,
        )
        how = notification.get_method_display().lower()
        timeline_add(
            pupil=ri.pupil_id,
            actor=actor,
            ref=ri,
            occurred_at=notified_at,
            kind="parent_notified",
            title=f"Parents told about the restrictive intervention of "
            f"{timezone.localtime(ri.started_at):%-d %b} ({how})",
        )
        record_change(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=notification,
            school_id=ri.school_id,
            pupil_id=ri.pupil_id,
            after=snapshot(notification),
        )
    return notification


def notification_can_retract(user, notification) -> bool:
    """Whoever recorded it, and the SENCO or head."""
    return notification.notified_by_id == user.pk or access.can(
        user, notification.intervention.school_id, "oversee"
    )


@transaction.atomic
def parent_notification_retract(*, actor, notification, reason: str):
    """Withdraw a record of parents being told. The record is kept; the retraction names
    who, when and why, and the intervention counts as not told again."""
    ri = notification.intervention
    if not access.visible_pupils(actor).filter(pk=ri.pupil_id).exists():
        raise Http404
    if not notification_can_retract(actor, notification):
        raise Http404
    errors = {}
    data = {"reason": reason}
    inputs.text_fields(
        data, ("reason",), errors, limits={"reason": 300},
        required={"reason": "Say why this record is withdrawn."},
    )  # fmt: skip
    if NotificationRetraction.objects.filter(notification=notification).exists():
        errors["reason"] = "This record was already withdrawn."
    if errors:
        raise ServiceError(errors)
    retraction = NotificationRetraction.objects.create(
        notification=notification, by=actor, at=timezone.now(), reason=data["reason"]
    )
    timeline_add(
        pupil=ri.pupil_id,
        actor=actor,
        ref=ri,
        kind="corrected",
        title=f"Record of parents being told about the restrictive intervention of "
        f"{timezone.localtime(ri.started_at):%-d %b} withdrawn",
        body=data["reason"],
    )
    record_change(
        actor=actor,
        action=AuditEvent.Action.AMEND,
        obj=notification,
        school_id=ri.school_id,
        pupil_id=ri.pupil_id,
        before=snapshot(notification),
        after={**snapshot(notification), "withdrawn": True, "reason": data["reason"]},
    )
    return retraction


def _sen_status_on(pupil, when) -> str:
    """The pupil's census SEN status on the day of `when` (from the status history), the
    current one if the history does not cover it. One query."""
    day = timezone.localtime(when).date()
    period = (
        pupil.sen_history.filter(start__lte=day)
        .filter(models.Q(end__isnull=True) | models.Q(end__gte=day))
        .order_by("-start")
        .first()
    )
    return period.status if period else pupil.sen_status
