"""Reads about medicines: the doses due now, a pupil's medicines, the warnings, and for
the SENCO's daily list (front) what went wrong with today's doses and which medicines need
restocking or replacing. The rules they apply (dose windows, slots) are medication.rules."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from sendesk import access
from sendesk.care.models import Amendment
from sendesk.consent import selectors as consent_selectors
from sendesk.consent.models import Decision
from sendesk.consent.models import Kind as ConsentKind
from sendesk.schools.calendar import Calendar

from .models import Administration, HealthcarePlan, Medicine
from .rules import (
    DAY,
    DUE_SOON,
    EXPIRING_DAYS,
    expiry_state,
    interval_words,
    slot_at,
    slot_missed,
    stock_state,
    window_check,
)

# Medicines expiring within this many days are on the daily list: the rules' own line.
MEDICINE_EXPIRY_WARN_DAYS = EXPIRING_DAYS


def missed_and_refused(school_id: int, now: dt.datetime, day: dt.date):
    """Today's doses refused or not given, and scheduled doses missed (rules.slot_missed)
    with no record. Three queries (medicines, administrations, the calendar's two)."""
    start = slot_at(day, "00:00")
    end = start + DAY
    medicines = list(
        Medicine.objects.filter(pupil__school_id=school_id, active=True).select_related("pupil")
    )
    by_id = {m.pk: m for m in medicines}
    records = list(
        Administration.objects.filter(school_id=school_id)
        .filter(Q(given_at__gte=start, given_at__lt=end) | Q(due_at__gte=start, due_at__lt=end))
        .select_related("given_by")
    )
    answered = {(a.medicine_id, a.due_at) for a in records if a.due_at is not None}
    problems = [
        _problem(by_id[a.medicine_id], a.due_at or a.given_at, a.get_outcome_display(), a)
        for a in records
        if a.outcome != Administration.Outcome.GIVEN and a.medicine_id in by_id
    ]
    if Calendar.load(school_id, day, day).is_school_day(day):
        problems += [
            _problem(medicine, due, "Missed: no record")
            for medicine in medicines
            for due in (slot_at(day, t) for t in medicine.times or ())
            if (medicine.pk, due) not in answered and slot_missed(medicine, due, now)
        ]
    return sorted(problems, key=lambda p: p["when"])


def _problem(medicine, when, what, record=None) -> dict:
    return {
        "pupil": medicine.pupil,
        "medicine": medicine,
        "when": when,
        "what": what,
        "reason": record.reason if record else "",
        "by": record.given_by if record else None,
    }


def medicines_to_check(school_id: int, day: dt.date) -> list:
    """Active medicines low on or out of stock, or expired or expiring (rules.stock_state
    and rules.expiry_state), or without the parent's consent in force (the consent app:
    withdrawn, refused or never recorded), soonest expiry first, each marked low / expired
    / near_expiry / no_consent. Two queries."""
    medicines = list(
        Medicine.objects.filter(pupil__school_id=school_id, active=True)
        .select_related("pupil")
        .order_by("expiry_date", "name")
    )
    Medicine.load_consent(medicines)
    # needs_checking's filter, asked of the loaded rows (the same rules, no query).
    medicines = [
        m for m in medicines
        if expiry_state(m, day) or stock_state(m) or not m.has_consent
    ]  # fmt: skip
    for medicine in medicines:
        medicine.no_consent = not medicine.has_consent
        expiry = expiry_state(medicine, day)
        medicine.low = bool(stock_state(medicine))
        medicine.expired = expiry == "expired"
        medicine.near_expiry = expiry == "expiring"
    return medicines


# --- Today's doses, a pupil's medicines, the warnings ------------------------------------


@dataclass
class Slot:
    """One scheduled dose today."""

    medicine: Medicine
    due_at: dt.datetime
    record: Administration | None
    state: str  # given | refused | not_given | missing
    bucket: str  # done | overdue | soon | later
    missed: bool = False  # nothing recorded more than an hour after it was due


@dataclass
class AsNeeded:
    medicine: Medicine
    can_give: bool
    next_allowed_at: dt.datetime | None
    last: Administration | None
    given_24h: int
    why_not: str = ""


@dataclass
class PupilMedication:
    pupil: object
    slots: list = field(default_factory=list)
    as_needed: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def medicine_warnings(medicine, today) -> list[tuple[str, str]]:
    """(level, words) for low stock, near or past expiry, missing consent. No query."""
    out = []
    expiry, stock = expiry_state(medicine, today), stock_state(medicine)
    if expiry == "expired":
        out.append(("bad", f"Expired on {medicine.expiry_date:%-d %b %Y}"))
    elif expiry == "expiring":
        out.append(("warn", f"Expires on {medicine.expiry_date:%-d %b %Y}"))
    if stock == "out":
        out.append(("bad", f"Out of stock ({medicine.stock} left)"))
    elif stock == "low":
        out.append(("warn", f"Low stock: {medicine.stock} left"))
    if not medicine.has_consent:
        # The page's medicines carry the decision itself (load_consent_records): say which.
        words = consent_words(medicine) if hasattr(medicine, "consent") else ""
        out.append(("bad", words or "No parental consent recorded"))
    return out


def load_consent_records(medicines, day) -> None:
    """Give each medicine the parent's decision in force on `day` (`m.consent`: the latest
    about that medicine or the parent's general answer, or None) and has_consent from it,
    so the page can say what the decision is, when and by whom. One query."""
    medicines = list(medicines)
    decided = consent_selectors.in_force(
        ConsentKind.MEDICATION, [(m.pupil_id, m.consent_ref) for m in medicines], day
    )
    for m in medicines:
        m.consent = decided.get((m.pupil_id, m.consent_ref))
        m.__dict__["has_consent"] = m.consent is not None and m.consent.decision == Decision.GIVEN
        m.consent_words = consent_words(m)


def consent_words(medicine) -> str:
    """The medicine's consent in plain words, from load_consent_records: given (when, by
    whom), or why it cannot be given: withdrawn or refused (when, by whom) or none."""
    c = medicine.consent
    if c is None:
        return f"None recorded: {medicine.name} can't be given until a parent's consent is recorded"
    when = f"{c.on:%-d %b %Y} by {c.giver}"
    if c.decision == Decision.GIVEN:
        return f"Given on {when}"
    if c.decision == Decision.WITHDRAWN:
        return f"Withdrawn on {when}: {medicine.name} can't be given because consent was withdrawn"
    return f"Refused on {when}: {medicine.name} can't be given"


def _medicines_for(pupils_qs, schools):
    # From the school's few active medicines, each pupil's scope asked by a correlated
    # EXISTS: an IN list would build every visible pupil of the school first (measured on
    # the large bench school: 7 ms against well under 1 ms).
    in_scope = Exists(pupils_qs.filter(pk=OuterRef("pupil_id")))
    medicines = list(
        Medicine.objects.filter(in_scope, pupil__school_id__in=schools, active=True)
        .select_related("pupil", "pupil__year_group")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pupil_id", "name")
    )
    Medicine.load_consent(medicines)
    return medicines


def _school_days(school_ids, day) -> set[int]:
    """The schools open on `day`. Two queries per school; none at a weekend."""
    if day.isoweekday() > 5:
        return set()
    return {s for s in school_ids if Calendar.load(s, day, day).is_school_day(day)}


def _today_doses(medicines, now):
    """Doses of `medicines` due today or given in the last 24 hours. One query."""
    if not medicines:
        return []
    today = timezone.localtime(now).date()
    start = slot_at(today, "00:00")
    end = slot_at(today + dt.timedelta(days=1), "00:00")
    return list(
        Administration.objects.filter(medicine__in=[m.pk for m in medicines])
        .filter(Q(due_at__gte=start, due_at__lt=end) | Q(given_at__gte=now - DAY))
        .select_related("given_by")
        .order_by("given_at")
    )


def day_medication(medicines, doses, now, open_schools) -> list[PupilMedication]:
    """Group loaded medicines and doses into each pupil's scheduled slots today and
    as-needed medicines with whether one may be given now. No query."""
    today = timezone.localtime(now).date()
    by_slot = {(d.medicine_id, d.due_at): d for d in doses if d.due_at is not None}
    given, last = _given_so_far(doses, now)
    groups: dict = {}
    for m in medicines:
        group = groups.setdefault(m.pupil_id, PupilMedication(pupil=m.pupil))
        if m.pupil.school_id in open_schools:
            group.slots.extend(_slots_today(m, today, by_slot, now))
        if m.as_needed:
            group.as_needed.append(_as_needed_now(m, given.get(m.pk, []), last.get(m.pk), now))
        group.warnings.extend((m, level, words) for level, words in medicine_warnings(m, today))
    for group in groups.values():
        group.slots.sort(key=lambda s: (s.due_at, s.medicine.name))
    return list(groups.values())


def _given_so_far(doses, now):
    """({medicine id: times given up to now}, {medicine id: the latest such dose}), from
    `doses` loaded oldest first."""
    given, last = {}, {}
    for d in doses:
        if d.outcome == Administration.Outcome.GIVEN and d.given_at <= now:
            given.setdefault(d.medicine_id, []).append(d.given_at)
            last[d.medicine_id] = d
    return given, last


def _slots_today(medicine, today, by_slot, now) -> list[Slot]:
    """The medicine's scheduled doses today, each with its record, if any, and state."""
    slots = []
    for t in medicine.times:
        due = slot_at(today, t)
        record = by_slot.get((medicine.pk, due))
        if record is None and due < medicine.created:
            continue  # due before the medicine was added: not owed
        state, bucket = _slot_state(record, due, now)
        missed = record is None and slot_missed(medicine, due, now)
        slots.append(Slot(medicine, due, record, state, bucket, missed))
    return slots


def _slot_state(record, due, now) -> tuple[str, str]:
    """(state, bucket): what the record says, done; or missing and overdue, soon or later."""
    if record is not None:
        return record.outcome, "done"
    if due <= now:
        return "missing", "overdue"
    if due <= now + DUE_SOON:
        return "missing", "soon"
    return "missing", "later"


def _as_needed_now(medicine, times, last, now) -> AsNeeded:
    """Whether a dose of an as-needed medicine may be given now, and if not, why and
    (where waiting helps) from when."""
    rule, next_at = window_check(medicine, times, now)
    why = _why_not_now(medicine, rule, timezone.localtime(now).date())
    return AsNeeded(
        medicine=medicine,
        can_give=not why,
        next_allowed_at=next_at if rule else None,
        last=last,
        given_24h=len([t for t in times if t > now - DAY]),
        why_not=why,
    )


def _why_not_now(medicine, rule, today) -> str:
    """The first rule in the way, in a few words; "" when a dose may be given."""
    if rule == "too_soon":
        return "Too soon"
    if rule == "max_per_24h":
        return "Daily maximum reached"
    if medicine.expiry_date < today:
        return "Expired"
    if not medicine.has_consent:
        return "No consent"
    if medicine.stock < medicine.dose_units:
        return "Out of stock"
    return ""


def due_now(user, now=None) -> list[PupilMedication]:
    """For each pupil in `user`'s scope at schools where they may give care: the scheduled
    doses due today with their state, and the as-needed medicines with whether one may be
    given now. Queries: roles, medicines, doses, plus two per school for the calendar."""
    now = now or timezone.now()
    schools = access.schools_where(user, "give_care")
    if not schools:
        return []
    medicines = _medicines_for(access.visible_pupils(user), schools)
    doses = _today_doses(medicines, now)
    open_schools = _school_days({m.pupil.school_id for m in medicines}, timezone.localdate())
    return day_medication(medicines, doses, now, open_schools)


def school_warnings(user, today=None) -> list[tuple[Medicine, str, str]]:
    """Low stock, near or past expiry and missing consent across the schools where `user`
    writes care (SENCO, head). Two queries (consent is read from the consent app)."""
    today = today or timezone.localdate()
    schools = access.schools_where(user, "write_care")
    if not schools:
        return []
    medicines = list(
        Medicine.objects.filter(pupil__school_id__in=schools, active=True)
        .select_related("pupil")
        .order_by("expiry_date", "name")
    )
    Medicine.load_consent(medicines)
    return [(m, level, words) for m in medicines for level, words in medicine_warnings(m, today)]


def pupil_medication(pupil, now=None) -> dict:
    """What the pupil's medication page and API show: active medicines with today's doses,
    healthcare plans, stopped medicines, the latest doses. Five queries, plus two for the
    calendar."""
    now = now or timezone.now()
    medicines = list(Medicine.objects.filter(pupil=pupil).select_related("healthcare_plan"))
    for m in medicines:
        m.pupil = pupil
    load_consent_records(medicines, timezone.localtime(now).date())
    active = [m for m in medicines if m.active]
    doses = _today_doses(active, now)
    open_schools = _school_days({pupil.school_id}, timezone.localtime(now).date())
    groups = day_medication(active, doses, now, open_schools)
    plans = list(
        HealthcarePlan.objects.filter(pupil=pupil).select_related("ehc_plan", "created_by")
    )
    recent = list(
        Administration.objects.filter(pupil=pupil)
        .select_related("given_by", "witness")
        .order_by("-given_at")[:20]
    )
    # The pupil's medicines are all at hand: no join, and no second object of each.
    by_pk = {m.pk: m for m in medicines}
    for dose in recent:
        if dose.medicine_id in by_pk:
            dose.medicine = by_pk[dose.medicine_id]
    return {
        "group": groups[0] if groups else PupilMedication(pupil=pupil),
        "medicines": active,
        "stopped": [m for m in medicines if not m.active],
        "plans": plans,
        "recent": recent,
    }


def dose_form_context(medicine, now=None) -> dict:
    """For the Give form: the as-needed state and the scheduled slots of today not yet
    recorded. One query."""
    now = now or timezone.now()
    doses = _today_doses([medicine], now)
    open_schools = _school_days({medicine.pupil.school_id}, timezone.localtime(now).date())
    groups = day_medication([medicine], doses, now, open_schools)
    return {"group": groups[0] if groups else PupilMedication(pupil=medicine.pupil)}


def amendments_of(record) -> list[Amendment]:
    return list(
        Amendment.objects.filter(
            record_type=Amendment.Record.ADMINISTRATION, record_id=record.pk
        ).select_related("amended_by")
    )


# --- The offline pack (issue 13) ------------------------------------------------------------


def rules_in_words(medicine, today) -> list[str]:
    """The plan's rules for a dose, in the words the device shows beside the last dose it
    knows (it cannot check them itself), then the warnings. No query once consent is
    loaded (load_consent_records)."""
    rules = []
    if medicine.times:
        rules.append("Due at " + ", ".join(medicine.times))
    if medicine.as_needed:
        rules.append(f"As needed: {medicine.as_needed_when}")
    if medicine.min_interval_minutes:
        rules.append(f"At least {interval_words(medicine.min_interval_minutes)} between doses")
    if medicine.max_per_24h:
        rules.append(f"No more than {medicine.max_per_24h} doses in 24 hours")
    if medicine.controlled:
        rules.append("Controlled drug: a second member of staff must witness the dose")
    rules.append(f"Only staff with current {medicine.get_training_display().lower()} training")
    return rules + [words for _, words in medicine_warnings(medicine, today)]


def last_doses(medicine_ids) -> dict:
    """{medicine id: its latest dose GIVEN (with who gave it)}: one query, whatever the
    number of medicines. A refusal or a dose not given after it does not hide it: offline,
    it is what "at least 4 hours between doses" is read against."""
    latest = (
        Administration.objects.filter(
            medicine=OuterRef("medicine"), outcome=Administration.Outcome.GIVEN
        )
        .order_by("-given_at", "-recorded_at")
        .values("pk")[:1]
    )
    rows = (
        Administration.objects.filter(medicine__in=medicine_ids, pk=Subquery(latest))
        .select_related("given_by")
        .only("medicine_id", "given_at", "outcome", "given_offline", "offline_problem",
              "given_by__full_name")
    )  # fmt: skip
    return {r.medicine_id: r for r in rows}


def doses_given_on(medicine_ids, day) -> dict:
    """{medicine id: how many doses were given on `day` (school time)}, emergency doses
    included: one query. Medicines with none are left out."""
    rows = (
        Administration.objects.filter(
            medicine__in=medicine_ids,
            outcome=Administration.Outcome.GIVEN,
            given_at__date=day,
        )
        .values("medicine_id")
        .annotate(n=Count("pk"))
    )
    return {r["medicine_id"]: r["n"] for r in rows}
