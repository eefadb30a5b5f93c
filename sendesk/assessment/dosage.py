"""Dosage against the evidence: the Education Endowment Foundation's guidance for
structured interventions (its guidance report "Making best use of teaching assistants")
is sessions of 20 to 50 minutes, 3 to 5 times a week, for 8 to 20 weeks.

Two dosages are compared with it: what was *planned* (the provision: minutes a session,
sessions a week, its start to its end) and what was *delivered* (the pupil's own session
records: the sessions they attended, the minutes they received, over the school days
from their first session to their last, five to a week). Only school days count, so half
term does not thin out the sessions a week; a planned length is counted the same way,
from the provision's start to its end.

While an intervention is still running (no exit score, not ended), "fewer than 8 weeks"
is not yet a fault: the weeks are the weeks so far."""

import datetime as dt
from dataclasses import dataclass, field

MINUTES = (20, 50)
PER_WEEK = (3, 5)
WEEKS = (8, 20)
GUIDANCE = "20–50 minutes a session, 3–5 sessions a week, for 8–20 weeks"


@dataclass
class Dosage:
    minutes_per_session: int | None
    sessions_per_week: float | None
    weeks: int | None
    # Why it falls outside the guidance, in words; empty when within.
    outside: list[str] = field(default_factory=list)
    # Nothing to judge yet: nothing planned in sessions, or nothing delivered.
    unknown: bool = False

    @property
    def within_guidance(self) -> bool | None:
        if self.unknown:
            return None
        return not self.outside

    def as_dict(self) -> dict:
        return {
            "minutes_per_session": self.minutes_per_session,
            "sessions_per_week": self.sessions_per_week,
            "weeks": self.weeks,
            "within_guidance": self.within_guidance,
        }


def school_weeks(calendar, start: dt.date, end: dt.date) -> float:
    """School days from start to end (inclusive), five to a week."""
    return calendar.count("12345", start, end) / 5 if end >= start else 0.0


def _judge(minutes, per_week, weeks, *, finished: bool, who: str) -> list[str]:
    outside = []
    if minutes is not None and not MINUTES[0] <= minutes <= MINUTES[1]:
        side = "shorter" if minutes < MINUTES[0] else "longer"
        outside.append(f"{who} {minutes}-minute sessions: {side} than 20–50 minutes")
    if per_week is not None and not PER_WEEK[0] <= per_week <= PER_WEEK[1]:
        side = "fewer" if per_week < PER_WEEK[0] else "more"
        outside.append(f"{who} {per_week:g} sessions a week: {side} than 3–5")
    if weeks is not None:
        if weeks > WEEKS[1]:
            outside.append(f"{who} {weeks} weeks: longer than 8–20")
        elif weeks < WEEKS[0] and finished:
            outside.append(f"{who} {weeks} weeks: shorter than 8–20")
    return outside


def planned(provision, calendar) -> Dosage:
    """The provision's own plan. A promise of hours a week (no sessions) has no dosage."""
    if not provision.sessions_per_week or not provision.session_minutes:
        return Dosage(None, None, None, unknown=True)
    weeks = round(school_weeks(calendar, provision.start, provision.end)) if provision.end else None
    minutes, per_week = provision.session_minutes, float(provision.sessions_per_week)
    return Dosage(
        minutes, per_week, weeks, _judge(minutes, per_week, weeks, finished=True, who="Planned")
    )


def delivered(sessions: int, minutes: int, first, last, calendar, *, finished: bool) -> Dosage:
    """From the pupil's attended sessions: how many, the minutes they received in all, the
    first and last session's dates."""
    if not sessions:
        return Dosage(0, 0.0, 0, ["No sessions delivered to this pupil yet"], unknown=not finished)
    # In school weeks of five days: a programme that starts on a Friday or ends on a
    # Monday is not counted a week longer than it ran.
    span = max(school_weeks(calendar, first, last), 1)
    weeks = round(span)
    per_session = round(minutes / sessions)
    per_week = round(sessions / span, 1)
    return Dosage(
        per_session,
        per_week,
        weeks,
        _judge(per_session, per_week, weeks, finished=finished, who="Received"),
    )
