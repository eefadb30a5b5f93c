"""The safety rules of medicines, the one place they live: the schedule a SENCO writes
(fixed times, as needed, the least time between doses, the most in 24 hours) and, at the
moment of giving, training, consent, expiry, the scheduled dose's window (not too early,
not too late), the least time between doses, the most in 24 hours, and stock. Each check
raises a DoseRefused that names its rule and, where waiting helps, when the next dose is
allowed. medication.services applies them to a new dose and to a correction under the
Medicine's row lock; the due list and the MAR use the same times and windows on doses
already loaded (window_check runs no query)."""

import datetime as dt
import re

from django.db.models import F, Q
from django.utils import timezone

from sendesk.consent import selectors as consent_selectors
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.staff.models import Training, training_status

from .models import Administration

# A device's clock may run a little ahead of the server's.
CLOCK_SLACK = dt.timedelta(minutes=5)
# Doses are recorded as they are given; older ones are corrected by the SENCO.
RECORD_BACK = dt.timedelta(days=7)
# A scheduled dose may be given up to two hours after its time; later, it is "not given".
LATE = dt.timedelta(hours=2)
# A scheduled dose this close is "due soon" on the due list.
DUE_SOON = dt.timedelta(minutes=60)
# A scheduled dose may be given up to an hour before its time.
EARLY = dt.timedelta(minutes=60)
# A scheduled dose with nothing recorded this long after its time is missed.
MISSED_AFTER = dt.timedelta(minutes=60)
# A medicine expiring within this many days carries a warning.
EXPIRING_DAYS = 30
DAY = dt.timedelta(hours=24)
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def slot_missed(medicine, due: dt.datetime, now: dt.datetime) -> bool:
    """A scheduled dose with nothing recorded is missed once MISSED_AFTER past its time,
    unless it fell before the medicine was added to the school's records. (The MAR, the
    due list and the SENCO's daily list all ask this.)"""
    return due >= medicine.created and now > due + MISSED_AFTER


def expiry_state(medicine, day: dt.date) -> str:
    """'expired', 'expiring' (within EXPIRING_DAYS) or '' on `day`."""
    if medicine.expiry_date < day:
        return "expired"
    if medicine.expiry_date <= day + dt.timedelta(days=EXPIRING_DAYS):
        return "expiring"
    return ""


def stock_state(medicine) -> str:
    """'out' (less than a dose left), 'low' (at or below the warning line) or ''."""
    if medicine.stock < medicine.dose_units:
        return "out"
    if medicine.stock <= medicine.low_stock_at:
        return "low"
    return ""


def needs_checking(day: dt.date) -> Q:
    """The medicines expiry_state or stock_state flags on `day`, as a filter."""
    return (
        Q(stock__lte=F("low_stock_at"))
        | Q(stock__lt=F("dose_units"))
        | Q(expiry_date__lte=day + dt.timedelta(days=EXPIRING_DAYS))
    )


def _same_dose(given: str, planned: str) -> bool:
    return " ".join(given.lower().split()) == " ".join(planned.lower().split())


class DoseRefused(ServiceError):
    """A dose refused by a rule: `rule` names it, `next_allowed_at` says when a dose may
    be given (None when waiting will not help)."""

    def __init__(self, rule, message, status=409, next_allowed_at=None, field="__all__"):
        super().__init__({field: message}, status)
        self.rule = rule
        self.next_allowed_at = next_allowed_at


def _hhmm(when: dt.datetime, ref: dt.datetime | None = None) -> str:
    """'14:00', or '08:00 tomorrow', or '09:30 on Fri 20 Nov' when not on `ref`'s day."""
    local = timezone.localtime(when)
    ref_day = timezone.localtime(ref or timezone.now()).date()
    if local.date() == ref_day:
        return f"{local:%H:%M}"
    if local.date() == ref_day + dt.timedelta(days=1):
        return f"{local:%H:%M} tomorrow"
    return f"{local:%H:%M} on {local:%a %-d %b}"


def interval_words(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if mins:
        parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return " ".join(parts) or "0 minutes"


def slot_at(day: dt.date, hhmm: str) -> dt.datetime:
    """A scheduled dose's time: the day at HH:MM, school time (Europe/London)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(*map(int, hhmm.split(":")))))


def _given_times(medicine_id, start, end, exclude=None) -> list[dt.datetime]:
    """Times of GIVEN doses of the medicine in (start, end), oldest first, leaving out the
    record `exclude` (one being corrected). One query."""
    return list(
        Administration.objects.filter(
            medicine_id=medicine_id,
            outcome=Administration.Outcome.GIVEN,
            given_at__gt=start,
            given_at__lt=end,
        )
        .exclude(pk=getattr(exclude, "pk", None))
        .order_by("given_at")
        .values_list("given_at", flat=True)
    )


def window_check(medicine, given: list[dt.datetime], at: dt.datetime):
    """(rule, next_allowed_at) for a dose given at `at`, given the other GIVEN doses
    (`given`, any order, within 24 h either side), or (None, None) when it is allowed.
    No query: the due list uses it on doses already loaded."""
    next_at = _too_soon_until(medicine.min_interval_minutes, given, at)
    if next_at is not None:
        return "too_soon", next_at
    if _over_max_per_24h(medicine.max_per_24h, given, at):
        return "max_per_24h", _after_daily_max(medicine, given, at)
    return None, None


def _too_soon_until(interval, given, at):
    """The end of the least time between doses, when `at` falls within it of another
    dose (either side); None when it does not."""
    if not interval:
        return None
    gap = dt.timedelta(minutes=interval)
    near = [t for t in given if abs(t - at) < gap]
    return max(near) + gap if near else None


def _over_max_per_24h(limit, given, at) -> bool:
    """Whether some 24-hour window holding the dose at `at` holds more than `limit`."""
    if not limit:
        return False
    times = sorted([*given, at])
    for i, start in enumerate(times):
        if start > at:
            break
        inside = [t for t in times[i:] if t - start < DAY]
        if at in inside and len(inside) > limit:
            return True
    return False


def _after_daily_max(medicine, given, at):
    """When the daily maximum allows the next dose (and the least time between doses
    too); None when a dose recorded later in the day fills the window."""
    limit, interval = medicine.max_per_24h, medicine.min_interval_minutes
    before = sorted(t for t in given if at - DAY < t <= at)
    if len(before) < limit:
        return None
    nxt = before[len(before) - limit] + DAY
    if interval:
        nxt = max(nxt, max(before) + dt.timedelta(minutes=interval))
    return nxt


def _refuse_window(medicine, rule, next_at, given, at):
    """Raise the refusal for a window_check rule: too soon, or over the daily maximum."""
    if rule == "too_soon":
        raise _too_soon_refusal(medicine, next_at, given, at)
    raise _daily_max_refusal(medicine, next_at, given, at)


def _too_soon_refusal(medicine, next_at, given, at) -> DoseRefused:
    last = max((t for t in given if t <= at), default=None)
    last_words = f"was last given at {_hhmm(last, at)}" if last else "has a dose recorded"
    return DoseRefused(
        "too_soon",
        f"Too soon: {medicine.name} {last_words} and doses must be at least "
        f"{interval_words(medicine.min_interval_minutes)} apart. "
        f"Next dose from {_hhmm(next_at, at)}.",
        next_allowed_at=next_at,
    )


def _daily_max_refusal(medicine, next_at, given, at) -> DoseRefused:
    count = len([t for t in given if at - DAY < t <= at])
    when = f" Next dose from {_hhmm(next_at, at)}." if next_at else ""
    return DoseRefused(
        "max_per_24h",
        f"Over the daily maximum: {medicine.name} has been given {count} time"
        f"{'s' if count != 1 else ''} in 24 hours and the most is {medicine.max_per_24h}."
        f"{when}",
        next_allowed_at=next_at,
    )


def _check_training(actor, medicine, given_at) -> None:
    """403 unless the giver holds current training of the medicine's kind on the day."""
    day = timezone.localtime(given_at).date()
    if training_status([actor.pk], medicine.training, day)[actor.pk] != "current":
        kind = Training.Kind(medicine.training).label
        raise DoseRefused(
            "no_training",
            f"You have no current training in {kind.lower()} on {day:%-d %b %Y}: a trained "
            f"member of staff must give {medicine.name}. Ask the SENCO to update your "
            "training record.",
            status=403,
        )


def _check_can_give(medicine, given_at, due_at, *, exclude=None, needs_stock=True):
    """The rules every GIVEN dose keeps, new or corrected: consent, expiry, not before its
    time, not too late for its slot, the dose window, and stock. Raises DoseRefused. Call
    under the Medicine's row lock. `exclude` is the record being corrected."""
    if broken := broken_rules(
        medicine, given_at, due_at, exclude=exclude, needs_stock=needs_stock, first_only=True
    ):
        raise broken[0]


def broken_rules(
    medicine, given_at, due_at, *, exclude=None, needs_stock=True, first_only=False
) -> list[DoseRefused]:
    """The rules of _check_can_give a GIVEN dose breaks, in the order they are checked
    (each a DoseRefused with its words): all of them for a dose given offline, which is
    stored whatever it broke; the first only (`first_only`) for one about to be given,
    which the first refuses. Call under the Medicine's row lock."""
    checks = [
        lambda: _check_active(medicine),
        lambda: _check_consent(medicine, given_at),
        lambda: _check_expiry(medicine, given_at),
    ]
    if due_at is not None:
        checks.append(lambda: _check_slot_time(medicine, given_at, due_at))
    checks.append(lambda: _check_window(medicine, given_at, exclude))
    if needs_stock:
        checks.append(lambda: _check_stock(medicine))
    broken = []
    for check in checks:
        try:
            check()
        except DoseRefused as refusal:
            broken.append(refusal)
            if first_only:
                break
    return broken


def _check_window(medicine, given_at, exclude) -> None:
    """The least time between doses and the most in 24 hours, against the GIVEN doses
    stored within a day either side. One query."""
    others = _given_times(medicine.pk, given_at - DAY, given_at + DAY, exclude=exclude)
    rule, next_at = window_check(medicine, others, given_at)
    if rule:
        _refuse_window(medicine, rule, next_at, others, given_at)


def _check_active(medicine) -> None:
    if not medicine.active:
        raise DoseRefused("stopped", f"{medicine.name} has been stopped: it is not given now.")


def consent_missing(medicine, given_at) -> str:
    """Why the parent's consent does not cover a dose at `given_at`, in words, or '' when
    it does. Read at the moment of giving from the consent app, so a withdrawal counts at
    once. One or two queries."""
    day = timezone.localtime(given_at).date()
    ref = f"medicine:{medicine.pk}"
    if consent_selectors.allows(medicine.pupil_id, "medication", on=day, ref=ref):
        return ""
    latest = consent_selectors.current(medicine.pupil_id, "medication", ref=ref)
    if latest is not None and latest.decision == "withdrawn":
        return (
            f"The parent withdrew consent for medicines on {latest.on:%-d %b %Y}: "
            f"{medicine.name} can't be given. Tell the SENCO."
        )
    if latest is not None and latest.decision == "refused":
        return f"The parent has said no to medicines at school: {medicine.name} can't be given."
    return (
        f"There is no written parental consent for {medicine.name} on record: it can't "
        "be given until the SENCO records the consent."
    )


def _check_consent(medicine, given_at) -> None:
    if words := consent_missing(medicine, given_at):
        raise DoseRefused("no_consent", words)


def _check_expiry(medicine, given_at) -> None:
    if medicine.expiry_date < timezone.localtime(given_at).date():
        raise DoseRefused(
            "expired",
            f"{medicine.name} expired on {medicine.expiry_date:%-d %b %Y}: don't give it. "
            "Tell the SENCO so a new supply is requested.",
        )


def _check_slot_time(medicine, given_at, due_at) -> None:
    """A scheduled dose is given from EARLY before its time until LATE after it."""
    if given_at < due_at - EARLY:
        raise DoseRefused(
            "not_due_yet",
            f"Too early: the {timezone.localtime(due_at):%H:%M} dose of {medicine.name} may be "
            f"given from {_hhmm(due_at - EARLY, given_at)}.",
            next_allowed_at=due_at - EARLY,
        )
    if given_at > due_at + LATE:
        # A dose this late would crowd the next one: record the slot as not given, and
        # ask the SENCO (and the parent's plan) whether to give it now.
        raise DoseRefused(
            "too_late",
            f"Too late: the {timezone.localtime(due_at):%H:%M} dose of {medicine.name} can be "
            f"given until {_hhmm(due_at + LATE, given_at)}. Record it as not given and tell "
            "the SENCO.",
        )


def _check_stock(medicine) -> None:
    if medicine.stock < medicine.dose_units:
        raise DoseRefused(
            "no_stock",
            f"Not enough {medicine.name} in stock: {medicine.stock} left and a dose uses "
            f"{medicine.dose_units}. Tell the SENCO so the parent can send more.",
        )


# --- The schedule the SENCO writes ------------------------------------------------------


def _validate_schedule(data, errors):
    """The medicine's schedule: fixed times, 'as needed' and its limits, and that the two
    agree. Fills data["times"] with the times sorted, each once."""
    times = data["times"] = _schedule_times(data.get("times"), errors)
    as_needed = data.get("as_needed", False)
    if not isinstance(as_needed, bool):
        errors["as_needed"] = "Say whether it is given as needed."
        as_needed = False
    if not times and not as_needed and "times" not in errors:
        errors["times"] = "Give the fixed times it is due, or tick 'as needed', or both."
    data["as_needed_when"] = inputs.text(
        data.get("as_needed_when"), "as_needed_when", errors, limit=200
    )
    _schedule_limits(data, errors, as_needed)
    if as_needed and not data["as_needed_when"] and "as_needed_when" not in errors:
        errors["as_needed_when"] = "Say when to give it: the signs to look for."
    _schedule_agrees(data, errors, times, as_needed)


def _schedule_times(times, errors) -> list[str]:
    """The fixed times of day, 'HH:MM', sorted and each once."""
    if times in (None, ""):
        times = []
    if not isinstance(times, list) or not all(isinstance(t, str) for t in times):
        errors["times"] = "Give the times of day as a list like 08:00, 12:15."
        times = []
    bad = [t for t in times if not TIME_RE.match(t.strip())]
    if bad:
        errors["times"] = (
            f"Write each time as HH:MM on the 24-hour clock, like 12:15 ({', '.join(bad[:3])} "
            "is not)."
        )
    times = sorted({t.strip() for t in times})
    if len(times) > 8:
        errors["times"] = "At most 8 fixed times a day."
    return times


# The dose limits: (field, least, most, the rule in words, what an as-needed medicine lacks).
SCHEDULE_LIMITS = (
    ("min_interval_minutes", 1, 1440, "The least time between doses is 1 to 1440 minutes",
     "An as-needed medicine needs the least time between two doses."),
    ("max_per_24h", 1, 24, "The most doses in 24 hours is 1 to 24",
     "An as-needed medicine needs the most doses in 24 hours."),
)  # fmt: skip


def _schedule_limits(data, errors, as_needed) -> None:
    """The least time between doses and the most in 24 hours: whole numbers in range,
    and both required for a medicine given as needed."""
    for name, lo, hi, words, needed in SCHEDULE_LIMITS:
        value = data.get(name)
        if value in ("", None):
            data[name] = None
            if as_needed:
                errors[name] = needed
        elif not inputs.whole(value) or not lo <= value <= hi:
            errors[name] = f"{words}."


def _schedule_agrees(data, errors, times, as_needed) -> None:
    """The fixed times keep the least time between doses, and are no more than the most
    in 24 hours."""
    interval = data.get("min_interval_minutes")
    if (
        len(times) > 1
        and inputs.whole(interval)
        and "times" not in errors
        and "min_interval_minutes" not in errors
    ):
        gaps = [_minutes(b) - _minutes(a) for a, b in zip(times, times[1:], strict=False)]
        if min(gaps) < interval:
            errors["times"] = (
                "Two fixed times are closer than the least time between doses: "
                "check the times or the interval."
            )
    most = data.get("max_per_24h")
    if inputs.whole(most) and times and not as_needed and len(times) > most:
        errors["max_per_24h"] = (
            f"There are {len(times)} fixed times a day, more than the most in 24 hours."
        )


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


# --- Emergencies -------------------------------------------------------------------------

# Emergency doses of one medicine this close together are one emergency (one attack):
# their units add up against the plan's emergency limit.
EMERGENCY_SPAN = dt.timedelta(minutes=60)


def unit_words(medicine, units: int) -> str:
    """'1 puff', '6 puffs', '2 doses': what an emergency run of `units` is called."""
    word = "puff" if medicine.form == medicine.Form.INHALER else "dose"
    return f"{units} {word}{'s' if units != 1 else ''}"


def flag(rule: str, words: str) -> dict:
    """One thing an emergency dose broke, stored on the record: {"rule", "words"}."""
    return {"rule": rule, "words": words}


def emergency_flags(medicine, given_at, units, *, others, called_999, giver_id, witness):
    """What an emergency dose broke, as flags (never a refusal: a dose given is a dose
    recorded). `others` is the units and 999 answers of the medicine's other emergency
    doses of the same attack (emergency_others). Time-dependent flags (the limit,
    training, expiry) are the ones a correction of the time works out again
    (time_flags); the rest are emergency_flags' own."""
    flags = []
    if not medicine.emergency_use:
        flags.append(flag("not_emergency", "not on the plan for emergencies"))
    if not medicine.active:
        flags.append(flag("stopped", "medicine stopped"))
    if medicine.controlled and witness is None:
        flags.append(flag("no_witness", "controlled drug given without a witness"))
    if consent_missing(medicine, given_at):
        flags.append(flag("no_consent", "no parental consent in force"))
    flags += time_flags(medicine, given_at, units, others, called_999, giver_id)
    short = units - medicine.stock
    if short > 0:
        # Stock cannot go below nothing: the count was wrong, and the SENCO is told by how
        # much rather than the difference being hidden.
        flags.append(
            flag(
                "stock",
                f"stock count short: {medicine.stock} held, {units} given, {short} unaccounted for",
            )
        )
    return flags


TIME_FLAGS = ("emergency_limit", "no_training", "expired")


def time_flags(medicine, given_at, units, others, called_999, giver_id) -> list[dict]:
    """The flags that depend on when the dose was given: past the emergency limit (this
    run and the others of the same attack) with 999 called in none of them, the giver's
    training on the day, and expiry."""
    flags = []
    limit = medicine.emergency_limit
    total = units + sum(u for u, _ in others)
    anyone_called = called_999 is True or any(called for _, called in others)
    if limit and total > limit and not anyone_called:
        flags.append(
            flag(
                "emergency_limit",
                f"over the emergency limit of {unit_words(medicine, limit)} "
                f"({unit_words(medicine, total)} in this emergency) without 999 called",
            )
        )
    day = timezone.localtime(given_at).date()
    if training_status([giver_id], medicine.training, day)[giver_id] != "current":
        kind = Training.Kind(medicine.training).label.lower()
        flags.append(flag("no_training", f"given by someone without current {kind} training"))
    if medicine.expiry_date < day:
        flags.append(flag("expired", f"medicine expired on {medicine.expiry_date:%-d %b %Y}"))
    return flags


def flags_words(flags) -> str:
    """'Emergency - check: a; b' or '' when nothing was flagged."""
    if not flags:
        return ""
    return "Emergency - check: " + "; ".join(f["words"] for f in flags)


def emergency_others(medicine_id, given_at, exclude=None) -> list[tuple[int, bool]]:
    """(units, 999 called) of the medicine's other emergency doses within EMERGENCY_SPAN
    either side of `given_at`: the same attack, whichever order the runs were typed in.
    One query."""
    rows = Administration.objects.filter(
        medicine_id=medicine_id,
        emergency=True,
        given_at__gt=given_at - EMERGENCY_SPAN,
        given_at__lt=given_at + EMERGENCY_SPAN,
    ).exclude(pk=getattr(exclude, "pk", None))
    return list(rows.values_list("units", "called_999"))
