"""The writes of the assessment app: measures and an intervention's measure, scores
(entry, exit, routine tests) and their corrections, the Engagement Model's scale and
observations. Each validates everything first (a ServiceError naming every bad field,
nothing written), then writes the record, the pupil's timeline line and the audit row in
one transaction. Scores and observations are evidence: corrected by amendment only."""

import datetime as dt
import decimal
import uuid

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from sendesk import access
from sendesk.access import stored_under
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, snapshot
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.ids import parse_uuid
from sendesk.plans.models import Outcome, Plan
from sendesk.provision.models import Measure, Provision
from sendesk.pupils import amendments
from sendesk.pupils.timeline import timeline_add

from .models import (
    DEFAULT_SCALE,
    Assessment,
    AssessmentAmendment,
    EngagementArea,
    EngagementEntry,
    EngagementObservation,
    EngagementScale,
    TimelineKind,
)
from .words import score_text

EARLIEST = dt.date(2000, 1, 1)
# A tablet's clock may run a little ahead of the server's.
FUTURE_GRACE = dt.timedelta(minutes=5)
NOTE_LIMIT = 500
ENGAGEMENT_NOTE_LIMIT = 2000

# --- Measures ------------------------------------------------------------------------------

# The usual range of each kind, offered when a measure is set up.
DEFAULT_RANGES = {
    Measure.Kind.STANDARDISED: (40, 160),
    Measure.Kind.READING_AGE: (36, 216),
    Measure.Kind.SPELLING_AGE: (36, 216),
    Measure.Kind.COUNT: (0, 100),
    Measure.Kind.SCALE: (1, 5),
}


def number(value, name, errors, *, required="Give a number.", label="This"):
    """`value` (a number, or text a person typed) as a Decimal with at most one decimal
    place, or None with a message in errors[name]."""
    if value is None or value == "":
        if required:
            errors[name] = required
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, decimal.Decimal)):
        errors[name] = f"{label} must be a number."
        return None
    try:
        result = decimal.Decimal(str(value).strip())
    except decimal.InvalidOperation:
        errors[name] = f"{label} must be a number, e.g. 94 or 7.5."
        return None
    if not result.is_finite() or abs(result) >= 1_000_000:
        errors[name] = f"{label} must be a number below a million."
        return None
    if result != result.quantize(decimal.Decimal("0.1"), rounding=decimal.ROUND_HALF_UP):
        errors[name] = f"{label} may have at most one decimal place."
        return None
    return result.quantize(decimal.Decimal("0.1"))


def measure_save(*, actor, school_id, data: dict, measure: Measure | None = None) -> Measure:
    """Create a measure for the school, or change one (`measure`). `data`: name, kind,
    higher_is_better, min_score, max_score, exit_score (optional), active."""
    access.require(actor, school_id, "manage_measures")
    errors: dict[str, str] = {}
    name = inputs.text(
        data.get("name"), "name", errors, limit=100, required="Name the measure.", label="The name"
    )
    kind = data.get("kind")
    if kind not in Measure.Kind.values:
        errors["kind"] = "Choose what kind of measure it is."
    low = number(data.get("min_score"), "min_score", errors, label="The lowest score")
    high = number(data.get("max_score"), "max_score", errors, label="The highest score")
    exit_score = number(
        data.get("exit_score"), "exit_score", errors, required="", label="The exit score"
    )
    if low is not None and high is not None:
        if high <= low:
            errors["max_score"] = "The highest score must be above the lowest."
        elif exit_score is not None and not low <= exit_score <= high:
            errors["exit_score"] = (
                f"The exit score must be between {low.normalize():f} and {high.normalize():f}."
            )
    if measure is not None and kind != measure.kind and measure.assessments.exists():
        errors["kind"] = "Scores are recorded on this measure: its kind can't change."
    if name and "name" not in errors:
        clash = Measure.objects.filter(school_id=school_id, name__iexact=name)
        if measure is not None:
            clash = clash.exclude(pk=measure.pk)
        if clash.exists():
            errors["name"] = "The school already has a measure with this name."
    if errors:
        raise ServiceError(errors)
    before = snapshot(measure) if measure is not None else None
    with transaction.atomic():
        measure = measure or Measure(school_id=school_id)
        measure.name, measure.kind = name, kind
        measure.higher_is_better = bool(data.get("higher_is_better"))
        measure.min_score, measure.max_score, measure.exit_score = low, high, exit_score
        measure.active = bool(data.get("active", True))
        measure.save()
        record_change(
            actor=actor,
            action=AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
            obj=measure,
            school_id=school_id,
            before=before,
            after=snapshot(measure),
        )
    return measure


def provision_set_measure(*, actor, provision: Provision, measure_id) -> Provision:
    """Name the measure an intervention uses (None: none). Its scores stay as recorded:
    once a pupil has an entry or exit score on it, the measure can't change."""
    pupil = provision.pupil
    access.require(actor, pupil.school_id, "manage_measures")
    errors: dict[str, str] = {}
    measure = None
    if measure_id not in (None, ""):
        try:
            measure = Measure.objects.get(pk=int(measure_id), school_id=pupil.school_id)
        except (Measure.DoesNotExist, TypeError, ValueError):
            errors["measure"] = "Choose one of the school's measures."
    if measure is not None and not measure.active and measure.pk != provision.measure_id:
        errors["measure"] = "This measure is no longer in use: choose another."
    if (
        provision.measure_id != (measure.pk if measure else None)
        and Assessment.objects.filter(provision=provision).exclude(kind="routine").exists()
    ):
        errors["measure"] = (
            "Entry or exit scores are recorded on the current measure, so it can't change."
        )
    if errors:
        raise ServiceError(errors)
    if provision.measure_id == (measure.pk if measure else None):
        return provision
    before = snapshot(provision)
    with transaction.atomic():
        provision.measure = measure
        provision.save(update_fields=["measure"])
        record_change(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=provision,
            school_id=pupil.school_id,
            pupil_id=pupil.pk,
            before=before,
            after=snapshot(provision),
        )
    return provision


# --- Scores --------------------------------------------------------------------------------


def _score_date(value, errors, name="date") -> dt.date | None:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        errors[name] = "Give the date of the test, e.g. 2026-11-18."
        return None
    if value < EARLIEST:
        errors[name] = "This date is too far in the past."
    elif value > timezone.localdate():
        errors[name] = "The test can't be in the future: check the date."
    return value


def _in_range(score, measure: Measure, errors, name="score"):
    if score is not None and measure is not None:
        if not measure.min_score <= score <= measure.max_score:
            errors[name] = (
                f"A score on {measure.name} is from {score_text(measure, measure.min_score)} "
                f"to {score_text(measure, measure.max_score)}: check what was typed."
            )


def _measure_of(pupil, measure_id, errors) -> Measure | None:
    try:
        return Measure.objects.get(pk=int(measure_id), school_id=pupil.school_id)
    except (Measure.DoesNotExist, TypeError, ValueError):
        errors["measure_id"] = "Choose one of the school's measures."
        return None


def _provision_of(pupil, provision_id, errors) -> Provision | None:
    if provision_id in (None, ""):
        return None
    pk = parse_uuid(provision_id, "provision_id", errors)
    provision = Provision.objects.filter(pk=pk, pupil=pupil).first() if pk else None
    if pk and provision is None:
        errors["provision_id"] = "Choose one of this pupil's provisions."
    return provision


def _entry_exit_rules(kind, pupil, measure, provision, day, errors) -> None:
    """An entry or exit score: on an intervention with this measure, one of each, the exit
    not before the entry."""
    if kind == Assessment.Kind.ROUTINE or "provision_id" in errors:
        return
    if provision is None:
        errors["provision_id"] = "An entry or exit score belongs to an intervention: choose it."
        return
    if measure is not None and provision.measure_id != measure.pk:
        errors["measure_id"] = (
            f"{provision.title} is measured with {provision.measure.name}."
            if provision.measure_id
            else f"{provision.title} has no measure yet: ask the SENCO to choose one."
        )
        return
    others = {a.kind: a for a in Assessment.objects.filter(provision=provision, pupil=pupil)
              .exclude(kind="routine")}  # fmt: skip
    if kind in others:
        errors["kind"] = (
            f"{pupil.name} already has an {kind} score for {provision.title} "
            f"(on {others[kind].date:%-d %B %Y}): correct that one instead."
        )
    elif day and kind == "exit" and "entry" in others and day < others["entry"].date:
        errors["date"] = "The exit score can't be dated before the entry score."
    elif day and kind == "entry" and "exit" in others and day > others["exit"].date:
        errors["date"] = "The entry score can't be dated after the exit score."


def assessment_record(
    *,
    actor,
    client_id=None,
    pupil_id,
    measure_id,
    kind,
    score,
    date,
    provision_id=None,
    test_name="",
    note="",
) -> tuple[Assessment, bool]:
    """Record one score. Returns (assessment, created); the same client_id again returns
    the stored one. Http404 when the pupil is out of scope or the actor may not record."""
    errors: dict[str, str] = {}
    client_id = parse_uuid(client_id, "client_id", errors) if client_id else uuid.uuid4()
    if errors:
        raise ServiceError(errors)
    if existing := stored_under(actor, Assessment, client_id):
        return existing, False
    pupil = access.get_pupil_for(actor, pupil_id, "record_sessions")

    if kind not in Assessment.Kind.values:
        errors["kind"] = "Choose entry, exit or routine."
    measure = _measure_of(pupil, measure_id, errors)
    provision = _provision_of(pupil, provision_id, errors)
    value = number(score, "score", errors, required="Give the score.", label="The score")
    day = _score_date(date, errors)
    test_name = inputs.text(test_name, "test_name", errors, limit=100, label="The test's name")
    note = inputs.text(note, "note", errors, limit=NOTE_LIMIT, label="The note")
    _in_range(value, measure, errors)
    if measure is not None and not measure.active and "measure_id" not in errors:
        errors["measure_id"] = "This measure is no longer in use: choose another."
    if "kind" not in errors:
        _entry_exit_rules(kind, pupil, measure, provision, day, errors)
    if errors:
        raise ServiceError(errors)

    row = Assessment(
        client_id=client_id,
        school_id=pupil.school_id,
        pupil=pupil,
        measure=measure,
        provision=provision,
        kind=kind,
        score=value,
        date=day,
        test_name=test_name,
        note=note,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    what = test_name or (provision.title if provision else measure.name)
    label = Assessment.Kind(kind).label.lower() if kind != "routine" else "test result"
    try:
        with transaction.atomic():
            row.save(force_insert=True)
            line = (TimelineKind.ASSESSMENT, f"{what}: {label} {score_text(measure, value)}", note)
            _created(actor, pupil, row, snapshot(row), line=line)
    except IntegrityError as error:
        # The same client_id, or a second entry score, arrived at the same moment.
        if existing := stored_under(actor, Assessment, client_id):
            return existing, False
        raise ServiceError(
            {"kind": "This score was recorded a moment ago: reload the page."}
        ) from error
    return row, True


def _created(actor, pupil, record, after, *, line, occurred_at=None) -> None:
    """What every new record here writes beside itself, in its transaction: the pupil's
    timeline line (kind, title, body) and the audit row."""
    kind, title, body = line
    timeline_add(
        pupil=pupil, occurred_at=occurred_at, kind=kind, title=title, body=body, actor=actor,
        ref=record,
    )  # fmt: skip
    record_change(
        actor=actor, action=AuditEvent.Action.CREATE, obj=record, school_id=pupil.school_id,
        pupil_id=pupil.pk, after=after,
    )  # fmt: skip


def may_amend(actor, assessment: Assessment) -> bool:
    """The person who recorded it, or someone who manages the school's measures."""
    return assessment.recorded_by_id == actor.pk or access.can(
        actor, assessment.school_id, "manage_measures"
    )


def assessment_amend(*, actor, assessment: Assessment, score, date, note, reason) -> Assessment:
    """Correct a score: the old values stay in the amendment and the trail. `assessment`
    comes through the access layer (get_scoped); the caller checked the pupil's scope."""
    if not access.checked_for(assessment, actor) or not may_amend(actor, assessment):
        raise Http404
    errors: dict[str, str] = {}
    why = amendments.reason(reason, errors)
    value = number(score, "score", errors, required="Give the score.", label="The score")
    day = _score_date(date, errors)
    note = inputs.text(note, "note", errors, limit=NOTE_LIMIT, label="The note")
    measure = assessment.measure
    _in_range(value, measure, errors)
    if day and assessment.kind != "routine":
        other = (
            Assessment.objects.filter(provision_id=assessment.provision_id, pupil=assessment.pupil)
            .exclude(pk=assessment.pk)
            .exclude(kind="routine")
            .first()
        )
        if other and assessment.kind == "exit" and day < other.date:
            errors["date"] = "The exit score can't be dated before the entry score."
        if other and assessment.kind == "entry" and day > other.date:
            errors["date"] = "The entry score can't be dated after the exit score."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        record = amendments.locked(assessment)
        before = snapshot(record)
        wanted = {"score": value, "date": day, "note": note}
        current = {name: getattr(record, name) for name in wanted}
        changes = amendments.changed(current, wanted, wanted)
        amendments.amend(
            actor=actor,
            record=record,
            reason=why,
            changes=changes,
            amendment=(AssessmentAmendment, {"assessment": record}),
            timeline=(TimelineKind.ASSESSMENT_CORRECTED, f"{measure.name}: score corrected"),
            before=before,
            set_fields=wanted,
        )
    return record


# --- The Engagement Model ------------------------------------------------------------------


def scale_of(school_id: int) -> list[str]:
    row = EngagementScale.objects.filter(school_id=school_id).first()
    return list(row.levels) if row else list(DEFAULT_SCALE)


def scale_set(*, actor, school_id: int, levels) -> EngagementScale:
    """The school's scale for how established an area is: 3 to 7 level names, lowest
    first. Observations keep the scale they were recorded on."""
    access.require(actor, school_id, "manage_measures")
    errors: dict[str, str] = {}
    if not isinstance(levels, (list, tuple)):
        levels = []
    names = [inputs.text(v, "levels", errors, limit=40, label="A level") for v in levels]
    names = [n for n in names if n]
    if "levels" not in errors:
        if not 3 <= len(names) <= 7:
            errors["levels"] = "Give 3 to 7 levels, one a line, lowest first."
        elif len({n.lower() for n in names}) != len(names):
            errors["levels"] = "Each level needs its own name."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        row = EngagementScale.objects.select_for_update().filter(school_id=school_id).first()
        before = snapshot(row) if row else None
        row = row or EngagementScale(school_id=school_id)
        row.levels, row.updated_by, row.updated_at = names, actor, timezone.now()
        row.save()
        record_change(
            actor=actor,
            action=AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
            obj=row,
            school_id=school_id,
            before=before,
            after=snapshot(row),
        )
    return row


def _observed_at(value, errors) -> dt.datetime | None:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, dt.datetime):
        errors["observed_at"] = "Give the date and time of the observation."
        return None
    if timezone.is_naive(value):
        try:
            value = timezone.make_aware(value)
        except (ValueError, OverflowError):
            errors["observed_at"] = "This time does not exist here (a clock change): check it."
            return None
    if value.date() < EARLIEST:
        errors["observed_at"] = "This date is too far in the past."
    elif value > timezone.now() + FUTURE_GRACE:
        errors["observed_at"] = "The observation can't be in the future: check the time."
    return value


def _areas(areas, scale, errors) -> list[EngagementEntry]:
    """The areas seen, as unsaved entries; messages keyed 'areas.<i>.<field>'."""
    if not isinstance(areas, (list, tuple)) or not areas:
        errors["areas"] = "Record at least one of the five areas."
        return []
    rows, seen = [], {}
    for i, raw in enumerate(areas):
        key = f"areas.{i}"
        if not isinstance(raw, dict):
            errors[key] = "Each area must be an object with its area, level and note."
            continue
        area, level = raw.get("area"), raw.get("level")
        if area not in EngagementArea.values:
            errors[f"{key}.area"] = (
                "Choose exploration, realisation, anticipation, persistence or initiation."
            )
        elif area in seen:
            errors[f"{key}.area"] = f"{EngagementArea(area).label} is recorded twice."
        else:
            seen[area] = i
        if not inputs.whole(level) or not 1 <= level <= len(scale):
            errors[f"{key}.level"] = (
                f"Choose a level from 1 ({scale[0]}) to {len(scale)} ({scale[-1]})."
            )
        note = inputs.text(
            raw.get("note"), f"{key}.note", errors, limit=ENGAGEMENT_NOTE_LIMIT, label="The note"
        )
        rows.append(EngagementEntry(area=area, level=level, note=note))
    return rows


def _outcomes(pupil, outcome_ids, errors) -> list[Outcome]:
    """Outcomes of the pupil's own plans (an EHC plan's section E, mostly)."""
    if not outcome_ids:
        return []
    if not isinstance(outcome_ids, (list, tuple)):
        errors["outcome_ids"] = "Outcomes must be a list of ids."
        return []
    ids = [int(v) for v in outcome_ids if str(v).isdigit()]
    found = list(
        Outcome.objects.filter(pk__in=ids, plan__pupil=pupil).exclude(
            plan__status=Plan.Status.DRAFT
        )
    )
    if len(ids) != len(outcome_ids) or len(found) != len(set(ids)):
        errors["outcome_ids"] = "Choose outcomes from this pupil's plans."
    return found


def engagement_record(
    *, actor, client_id=None, pupil_id, observed_at, activity, areas, outcome_ids=()
) -> tuple[EngagementObservation, bool]:
    """Record an Engagement Model observation. Returns (observation, created)."""
    errors: dict[str, str] = {}
    client_id = parse_uuid(client_id, "client_id", errors) if client_id else uuid.uuid4()
    if errors:
        raise ServiceError(errors)
    if existing := stored_under(actor, EngagementObservation, client_id):
        return existing, False
    pupil = access.get_pupil_for(actor, pupil_id, "record_sessions")
    scale = scale_of(pupil.school_id)
    moment = _observed_at(observed_at, errors)
    activity = inputs.text(
        activity, "activity", errors, limit=200, label="The activity",
        required="Say what the activity was.",
    )  # fmt: skip
    rows = _areas(areas, scale, errors)
    outcomes = _outcomes(pupil, outcome_ids, errors)
    if errors:
        raise ServiceError(errors)
    obs = EngagementObservation(
        client_id=client_id,
        school_id=pupil.school_id,
        pupil=pupil,
        observed_at=moment,
        activity=activity,
        scale=scale,
        observer=actor,
        recorded_at=timezone.now(),
    )
    order = {area: n for n, area in enumerate(EngagementArea.values)}
    rows.sort(key=lambda r: order[r.area])
    summary = ", ".join(
        f"{EngagementArea(r.area).label} {scale[r.level - 1].lower()}" for r in rows
    )
    try:
        with transaction.atomic():
            obs.save(force_insert=True)
            for row in rows:
                row.observation = obs
            EngagementEntry.objects.bulk_create(rows)
            obs.outcomes.set(outcomes)
            after = {
                "observation": snapshot(obs),
                "areas": [{"area": r.area, "level": r.level, "note": r.note} for r in rows],
                "outcome_ids": [o.pk for o in outcomes],
            }
            line = (TimelineKind.ENGAGEMENT, f"Engagement Model: {activity}", summary)
            _created(actor, pupil, obs, after, line=line, occurred_at=moment)
    except IntegrityError:
        if existing := stored_under(actor, EngagementObservation, client_id):
            return existing, False
        raise
    return obs, True
