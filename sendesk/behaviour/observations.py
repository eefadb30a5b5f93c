"""Systematic observations: ABC entries, frequency counts per interval, duration of episodes,
interval sampling (on / off task). One write, observation_record: it validates the whole
observation, computes its summary, and writes the observation, its entries, the pupil's
timeline entry and an audit row in one transaction. Observations are evidence: they are
never edited in place (corrections are Amendment rows)."""

import datetime as dt
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from django.db import IntegrityError, transaction
from django.utils import timezone

from sendesk import access
from sendesk.access import stored_under
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, snapshot
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.ids import parse_uuid
from sendesk.pupils.timeline import timeline_add

from .models import Observation, ObservationEntry, ObservationMethod

# A device's clock and the moment it stamps an entry may disagree with the observation's
# start and end by a little; entries that far outside are still accepted.
CLOCK_SKEW = dt.timedelta(seconds=60)
# Tablets' clocks drift: an observation "ending" a few minutes ahead of the server is kept.
FUTURE_GRACE = dt.timedelta(minutes=5)
LONGEST = dt.timedelta(hours=8)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
# Interval sampling every 5 seconds for 8 hours is 5,760 samples.
MAX_ENTRIES = 6000
MAX_COUNT = 10_000
ENTRY_TEXT = 5000
TEXT_LIMITS = {"behaviour": 200, "lesson": 100, "activity": 200, "staff_present": 300}
INTERVAL_METHODS = (ObservationMethod.FREQUENCY, ObservationMethod.INTERVAL)
NAMED_BEHAVIOUR_METHODS = (ObservationMethod.FREQUENCY, ObservationMethod.DURATION)


@dataclass
class EntryRecord:
    """One entry as the recorder gives it. Which fields count depends on the method:
    ABC antecedent / behaviour / consequence; frequency seq (the interval number) and
    count; duration duration_seconds (from `at`, when the episode began); interval
    on_task. Fields a method does not use are ignored."""

    at: object = None
    seq: object = None
    antecedent: object = ""
    behaviour: object = ""
    consequence: object = ""
    count: object = None
    duration_seconds: object = None
    on_task: object = None


_ENTRY_FIELDS = {f.name for f in fields(EntryRecord)}


def _as_entry(raw) -> EntryRecord | None:
    if isinstance(raw, EntryRecord):
        return raw
    if isinstance(raw, Mapping):
        return EntryRecord(**{k: v for k, v in raw.items() if k in _ENTRY_FIELDS})
    return None


def _moment(value, field_name, errors) -> dt.datetime | None:
    if not isinstance(value, dt.datetime):
        errors[field_name] = "Give a date and time, e.g. 2026-11-18T09:15:00Z."
        return None
    if timezone.is_naive(value):
        try:
            value = timezone.make_aware(value)
        except (ValueError, OverflowError):
            errors[field_name] = "This time does not exist here (a clock change): check it."
            return None
    if value < EARLIEST:
        errors[field_name] = "This date is too far in the past."
        return None
    return value


def _clock(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M:%S}"


def _number(value: float) -> str:
    """12.0 -> '12', 66.67 -> '66.7'."""
    return f"{value:.1f}".removesuffix(".0")


def _length(seconds: float) -> str:
    if seconds < 60:
        return f"{round(seconds)} s"
    return f"{round(seconds / 60)} min"


def duration_text(seconds: int | None) -> str:
    """4 min 10 s; 45 s; 1 h 2 min."""
    if seconds is None:
        return "—"
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h"] if hours else []
    if minutes:
        parts.append(f"{minutes} min")
    if secs and not hours:
        parts.append(f"{secs} s")
    return " ".join(parts) or "0 s"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_text(obs: Observation) -> str:
    """The summary in words, for the timeline and the observation page."""
    seconds = (obs.ended_at - obs.started_at).total_seconds()
    length = _length(seconds)
    rate = f", {_number(obs.rate_per_hour)} an hour" if obs.rate_per_hour is not None else ""
    if obs.method == ObservationMethod.ABC:
        return f"{_plural(obs.event_count, 'event')} in {length}{rate}"
    if obs.method == ObservationMethod.FREQUENCY:
        return f"{_plural(obs.event_count, 'time')} in {length}{rate}"
    if obs.method == ObservationMethod.DURATION:
        total = duration_text(obs.total_duration_seconds)
        return f"{_plural(obs.event_count, 'episode')}, {total} in all, in {length}"
    pct = _number(obs.on_task_pct) if obs.on_task_pct is not None else "—"
    return f"{pct}% on task ({_plural(obs.event_count, 'sample')}) in {length}"


def _title(obs: Observation) -> str:
    method = {
        ObservationMethod.ABC: "ABC",
        ObservationMethod.FREQUENCY: "frequency",
        ObservationMethod.DURATION: "duration",
        ObservationMethod.INTERVAL: "interval sampling",
    }[obs.method]
    what = ""
    if obs.method in NAMED_BEHAVIOUR_METHODS:
        name = obs.behaviour if len(obs.behaviour) <= 60 else obs.behaviour[:59] + "…"
        what = f" “{name}”"
    return f"Observation ({method}){what}: {summary_text(obs)}"[:200]


def observation_record(
    *,
    actor,
    client_id=None,
    pupil_id,
    method,
    behaviour="",
    lesson="",
    activity="",
    staff_present="",
    started_at,
    ended_at,
    interval_seconds=None,
    notes="",
    entries=(),
) -> tuple[Observation, bool]:
    """Record a finished observation. Returns (observation, created). Sending the same
    client_id again returns the stored observation unchanged, and created=False.
    Http404 when the pupil is out of the actor's scope or the actor may not record there.
    Costs a constant number of queries (entries are one bulk INSERT per 1,000)."""
    errors: dict[str, str] = {}
    client_id = parse_uuid(client_id, "client_id", errors) if client_id else uuid.uuid4()
    if errors:
        raise ServiceError(errors)
    if existing := stored_under(actor, Observation, client_id):
        return existing, False

    # Out of scope first: nothing about the input is judged for a pupil one may not see.
    pupil = access.get_pupil_for(actor, pupil_id, "record_sessions")

    if method not in ObservationMethod.values:
        errors["method"] = "Choose the method: ABC, frequency, duration or interval sampling."
    texts = _header_texts(method, behaviour, lesson, activity, staff_present, errors)
    notes = inputs.text(notes, "notes", errors, limit=ENTRY_TEXT)
    started, ended = _span(started_at, ended_at, errors)
    interval = _interval(method, interval_seconds, errors)
    entries = _entry_list(entries, errors)
    if errors:
        raise ServiceError(errors)

    rows = _entries(method, entries, started, ended, interval, errors)
    if errors:
        raise ServiceError(errors)

    obs = Observation(
        client_id=client_id,
        school_id=pupil.school_id,
        pupil=pupil,
        method=method,
        observer=actor,
        started_at=started,
        ended_at=ended,
        interval_seconds=interval,
        notes=notes,
        recorded_at=timezone.now(),
        **texts,
    )
    _summarise(obs, rows)
    try:
        with transaction.atomic():
            obs.save(force_insert=True)
            for row in rows:
                row.observation = obs
            ObservationEntry.objects.bulk_create(rows, batch_size=1000)
            timeline_add(
                pupil=pupil,
                occurred_at=started,
                kind="observation",
                title=_title(obs),
                body=notes,
                actor=actor,
                ref=obs,
            )
            record_change(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=obs,
                school_id=pupil.school_id,
                pupil_id=pupil.pk,
                pupil=pupil,
                after={
                    "observation": snapshot(obs),
                    "entries": [_entry_snapshot(row) for row in rows],
                },
            )
    except IntegrityError:
        # The same client_id arrived twice at once: the other request stored it.
        if existing := stored_under(actor, Observation, client_id):
            return existing, False
        raise
    return obs, True


def _header_texts(method, behaviour, lesson, activity, staff_present, errors) -> dict:
    texts = {
        name: inputs.text(value, name, errors, limit=TEXT_LIMITS[name])
        for name, value in (
            ("behaviour", behaviour),
            ("lesson", lesson),
            ("activity", activity),
            ("staff_present", staff_present),
        )
    }
    if method in NAMED_BEHAVIOUR_METHODS and not texts["behaviour"] and "behaviour" not in errors:
        errors["behaviour"] = "Name the behaviour you are counting or timing, e.g. 'calls out'."
    if method == ObservationMethod.INTERVAL and not texts["behaviour"]:
        texts["behaviour"] = "on task"
    return texts


def _span(started_at, ended_at, errors):
    started = _moment(started_at, "started_at", errors)
    ended = _moment(ended_at, "ended_at", errors)
    if started and ended:
        if ended < started:
            errors["ended_at"] = "The observation can't end before it started."
        elif ended - started > LONGEST:
            errors["ended_at"] = "An observation lasts at most 8 hours: check the end time."
        elif ended > timezone.now() + FUTURE_GRACE:
            errors["ended_at"] = "The observation can't end in the future: check the clock."
    return started, ended


def _interval(method, interval_seconds, errors) -> int | None:
    if method not in INTERVAL_METHODS:
        return None
    interval = interval_seconds if inputs.whole(interval_seconds) else None
    if interval is None or not 5 <= interval <= 3600:
        errors["interval_seconds"] = (
            "Choose the interval length in seconds, from 5 seconds to 60 minutes (3600)."
        )
        return None
    return interval


def _entry_list(entries, errors) -> list:
    if not isinstance(entries, (list, tuple)):
        errors["entries"] = "Entries must be a list."
        return []
    if len(entries) > MAX_ENTRIES:
        errors["entries"] = f"An observation holds at most {MAX_ENTRIES} entries."
        return []
    return entries


def _entries(method, raw_entries, started, ended, interval, errors) -> list[ObservationEntry]:
    """The entries as unsaved rows, numbered: by interval for frequency, otherwise in
    time order. Puts a message per bad field in `errors`, keyed by the entry's position
    as sent ('entries.2.behaviour')."""
    total = (ended - started).total_seconds()
    frame = _Frame(
        earliest=started - CLOCK_SKEW,
        latest=ended + CLOCK_SKEW,
        window=f"{_clock(started)}–{_clock(ended)}",
        intervals=max(1, math.ceil(total / interval)) if interval else 0,
    )
    fill = _FILL[method]
    rows = []
    for i, raw in enumerate(raw_entries):
        key = f"entries.{i}"
        entry = _as_entry(raw)
        if entry is None:
            errors[key] = "Each entry must be an object with its time and what was seen."
            continue
        at = _moment(entry.at, f"{key}.at", errors)
        if at is not None and not frame.earliest <= at <= frame.latest:
            errors[f"{key}.at"] = f"This entry's time is outside the observation ({frame.window})."
        row = ObservationEntry(at=at, seq=0)
        fill(row, entry, key, i, frame, errors)
        rows.append(row)
    if not raw_entries and method in EMPTY_MESSAGES:
        errors["entries"] = EMPTY_MESSAGES[method]
    if errors:
        return []
    if method == ObservationMethod.FREQUENCY:
        rows.sort(key=lambda r: r.seq)
    else:
        rows.sort(key=lambda r: r.at)  # stable: entries at the same moment keep their order
        for n, row in enumerate(rows, start=1):
            row.seq = n
    return rows


@dataclass
class _Frame:
    """What an entry is judged against: the observation's window and interval count, and
    the frequency intervals already counted (number -> entry position)."""

    earliest: dt.datetime
    latest: dt.datetime
    window: str
    intervals: int
    seen_seqs: dict = field(default_factory=dict)


EMPTY_MESSAGES = {
    ObservationMethod.FREQUENCY: "Record the count for at least one interval.",
    ObservationMethod.INTERVAL: "Record at least one sample, on task or off task.",
}


def _fill_abc(row, entry, key, i, frame, errors):
    row.antecedent = inputs.text(entry.antecedent, f"{key}.antecedent", errors, limit=ENTRY_TEXT)
    row.behaviour = inputs.text(entry.behaviour, f"{key}.behaviour", errors, limit=ENTRY_TEXT)
    row.consequence = inputs.text(entry.consequence, f"{key}.consequence", errors, limit=ENTRY_TEXT)
    if not row.behaviour and f"{key}.behaviour" not in errors:
        errors[f"{key}.behaviour"] = "Say what the pupil did (the behaviour)."


def _fill_frequency(row, entry, key, i, frame, errors):
    # An int sent as an int: JSON's true must not pass for 1, nor 2.5 for 2.
    count = entry.count if inputs.whole(entry.count) else None
    seq = entry.seq if inputs.whole(entry.seq) else None
    if count is None or not 0 <= count <= MAX_COUNT:
        errors[f"{key}.count"] = (
            f"Give the count for this interval: a whole number from 0 to {MAX_COUNT}."
        )
    if seq is None or not 1 <= seq <= frame.intervals:
        errors[f"{key}.seq"] = (
            f"Give the interval number, from 1 to {frame.intervals} for this observation."
        )
    elif seq in frame.seen_seqs:
        errors[f"{key}.seq"] = (
            f"Interval {seq} is counted twice (entries {frame.seen_seqs[seq] + 1} and {i + 1})."
        )
    else:
        frame.seen_seqs[seq] = i
    row.count, row.seq = count, seq or 0


def _fill_duration(row, entry, key, i, frame, errors):
    seconds = entry.duration_seconds if inputs.whole(entry.duration_seconds) else None
    if seconds is None or not 1 <= seconds <= LONGEST.total_seconds():
        errors[f"{key}.duration_seconds"] = (
            "Give how long the episode lasted in whole seconds, more than 0."
        )
    elif row.at is not None and row.at + dt.timedelta(seconds=seconds) > frame.latest:
        errors[f"{key}.duration_seconds"] = (
            "This episode runs past the end of the observation: check its length."
        )
    row.duration_seconds = seconds


def _fill_interval(row, entry, key, i, frame, errors):
    if not isinstance(entry.on_task, bool):
        errors[f"{key}.on_task"] = "Mark the sample on task (true) or off task (false)."
    row.on_task = entry.on_task


_FILL = {
    ObservationMethod.ABC: _fill_abc,
    ObservationMethod.FREQUENCY: _fill_frequency,
    ObservationMethod.DURATION: _fill_duration,
    ObservationMethod.INTERVAL: _fill_interval,
}


def _summarise(obs: Observation, rows: list[ObservationEntry]) -> None:
    hours = (obs.ended_at - obs.started_at).total_seconds() / 3600
    if obs.method == ObservationMethod.FREQUENCY:
        obs.event_count = sum(r.count for r in rows)
    else:
        obs.event_count = len(rows)
    if obs.method == ObservationMethod.INTERVAL:
        # Samples per hour say nothing about the pupil: the share on task does.
        on = sum(1 for r in rows if r.on_task)
        obs.on_task_pct = round(100 * on / len(rows), 1)
    elif hours > 0:
        obs.rate_per_hour = round(obs.event_count / hours, 1)
    if obs.method == ObservationMethod.DURATION:
        obs.total_duration_seconds = sum(r.duration_seconds for r in rows)


def _entry_snapshot(row: ObservationEntry) -> dict:
    data = {"seq": row.seq, "at": row.at.isoformat()}
    for name in ("antecedent", "behaviour", "consequence"):
        if getattr(row, name):
            data[name] = getattr(row, name)
    for name in ("count", "duration_seconds", "on_task"):
        if getattr(row, name) is not None:
            data[name] = getattr(row, name)
    return data


def parse_json(data) -> dict:
    """An observation as JSON (what the recorder page posts) -> observation_record's
    keyword arguments, with times as datetimes. ServiceError naming each field whose type
    is wrong; the service judges the values."""
    if not isinstance(data, Mapping):
        raise ServiceError({"body": "The request body must be a JSON object, {...}."})
    errors: dict[str, str] = {}
    out = {
        key: data.get(key, "")
        for key in ("client_id", "method", "behaviour", "lesson", "activity", "staff_present")
    }
    out["notes"] = data.get("notes", "")
    out["interval_seconds"] = data.get("interval_seconds")
    for key in ("started_at", "ended_at"):
        out[key] = _parse_moment(data.get(key), key, errors)
    raw_entries = data.get("entries", [])
    if not isinstance(raw_entries, list):
        errors["entries"] = "Entries must be a list."
        raw_entries = []
    entries = []
    for i, raw in enumerate(raw_entries):
        if not isinstance(raw, Mapping):
            errors[f"entries.{i}"] = "Each entry must be an object with its time and what was seen."
            continue
        entry = {k: v for k, v in raw.items() if k in _ENTRY_FIELDS}
        entry["at"] = _parse_moment(raw.get("at"), f"entries.{i}.at", errors)
        entries.append(entry)
    out["entries"] = entries
    if errors:
        raise ServiceError(errors)
    return out


def _parse_moment(value, field_name, errors):
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    errors[field_name] = "Give a date and time, e.g. 2026-11-18T09:15:00Z."
    return None
