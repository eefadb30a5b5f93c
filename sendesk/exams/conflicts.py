"""Why an adult cannot (or should not) be put in an exam room: the checks the allocation
service runs before it writes, and the room list's reading of each candidate's finish.

Two kinds, told apart because only one may be overridden:
- Refused outright: the adult is somewhere else for part of the exam (another exam room,
  an educational visit, or recorded as absent that day). Nobody can be in two places.
- Refused unless the SENCO confirms with a reason: the week's published deployment plan
  has the adult giving a pupil's EHC plan 1:1 hours during the exam, and no other adult
  in that plan is with the pupil then. Taking them leaves the 1:1 without an adult, which
  is never done silently: the reason is stored on the allocation and in the audit trail.
  A pupil who sits this exam in the same room as the adult is not left: they go together.
"""

import datetime as dt
import math
from dataclasses import dataclass

from sendesk.deployment.models import Assignment, StaffAbsence
from sendesk.deployment.timetable import plans_by_day
from sendesk.provision.models import Provision
from sendesk.schools.calendar import week_start
from sendesk.visits.models import Trip

from .models import Allocation, Arrangement, Candidate, ExamSession


def _clock(day: dt.date, t: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, t)


def finish_for(session: ExamSession, percent: int | None) -> dt.time:
    """When a candidate with `percent` extra time finishes: the paper's length stretched,
    rounded up to the minute (25 % of 45 minutes is 11¼: they get 12)."""
    if not percent:
        return session.end
    start, end = _clock(session.date, session.start), _clock(session.date, session.end)
    minutes = (end - start).total_seconds() / 60
    extra = math.ceil(minutes * percent / 100)
    finish = end + dt.timedelta(minutes=extra)
    # An exam running past midnight is not one a school sits: keep it on the day.
    return finish.time() if finish.date() == session.date else dt.time(23, 59)


def extra_time_of(pupil_ids, day: dt.date) -> dict:
    """{pupil id: extra time percent} for the pupils with extra time current on `day`."""
    rows = Arrangement.objects.filter(
        pupil_id__in=list(pupil_ids), kind=Arrangement.Kind.EXTRA_TIME, start__lte=day
    ).exclude(end__lt=day)
    return dict(rows.values_list("pupil_id", "extra_time_percent"))


def window(session: ExamSession) -> tuple[dt.time, dt.time]:
    """From the start to the last candidate's finish (extra time included): the stretch
    the adults in its rooms are busy. Two queries."""
    pupils = Candidate.objects.filter(session=session).values_list("pupil_id", flat=True)
    most = max(extra_time_of(pupils, session.date).values(), default=0)
    return session.start, finish_for(session, most)


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


@dataclass
class Found:
    """What the checks found: `refused` cannot be overridden; `one_to_ones` can, by the
    SENCO, with a reason."""

    refused: list[str]
    one_to_ones: list[str]


def check(session: ExamSession, staff, room, start: dt.time, end: dt.time) -> Found:
    """The checks for putting `staff` in `room` of `session` from `start` to `end`."""
    return Found(
        refused=_elsewhere(session, staff, room, start, end),
        one_to_ones=_one_to_ones_left(session, staff, room, start, end),
    )


def _elsewhere(session, staff, room, start, end) -> list[str]:
    name = staff.full_name or staff.email
    found = []
    others = (
        Allocation.objects.filter(staff=staff, session__date=session.date)
        .exclude(room=room)
        .select_related("session", "room")
    )
    for a in others:
        other_start, other_end = window(a.session)
        if _overlaps(start, end, other_start, other_end):
            found.append(
                f"{name} is already in {a.room.name} for {a.session.title} "
                f"({other_start:%H:%M}–{other_end:%H:%M}): nobody can be in two rooms at once."
            )
    trips = Trip.objects.filter(staff=staff, date=session.date, start__lt=end, end__gt=start)
    for trip in trips:
        found.append(
            f"{name} is on the trip to {trip.destination} ({trip.start:%H:%M}–{trip.end:%H:%M})."
        )
    absence = StaffAbsence.objects.filter(staff=staff, date=session.date).first()
    if absence is not None:
        found.append(f"{name} is recorded as absent that day ({absence.get_reason_display()}).")
    return found


def _one_to_ones_left(session, staff, room, start, end) -> list[str]:
    """The EHC plan 1:1 hours the published plan has `staff` giving during the exam, to a
    pupil no other adult of that plan is with then (and who does not sit in `room`)."""
    held = plans_by_day({session.school_id}, week_start(session.date)).get(
        (session.school_id, session.date)
    )
    if held is None:
        return []
    theirs = (
        Assignment.objects.filter(
            plan_id=held, staff=staff, date=session.date, kind=Assignment.Kind.SUPPORT,
            start__lt=end, end__gt=start, provision__kind=Provision.Kind.ONE_TO_ONE,
            provision__session_minutes__isnull=True, provision__source=Provision.Source.EHCP_F,
        )
        .select_related("provision__pupil")
        .order_by("start")
    )  # fmt: skip
    theirs = list(theirs)
    if not theirs:
        return []
    with_them = set(
        Candidate.objects.filter(session=session, room=room).values_list("pupil_id", flat=True)
    )
    others = Assignment.pupils.through.objects.filter(
        assignment__plan_id=held, assignment__date=session.date,
        assignment__start__lt=end, assignment__end__gt=start,
        pupil_id__in={a.provision.pupil_id for a in theirs},
    ).exclude(assignment__staff=staff)  # fmt: skip
    covered = {}
    for pupil_id, a_start, a_end in others.values_list(
        "pupil_id", "assignment__start", "assignment__end"
    ):
        covered.setdefault(pupil_id, []).append((a_start, a_end))
    name = staff.full_name or staff.email
    left = []
    for a in theirs:
        pupil = a.provision.pupil
        if pupil.pk in with_them:
            continue
        # The stretch of this 1:1 the exam takes; left when no other adult covers all of it.
        gap_start, gap_end = max(a.start, start), min(a.end, end)
        if _covered(covered.get(pupil.pk, []), gap_start, gap_end):
            continue
        left.append(
            f"{pupil.name}'s EHC plan 1:1 ({a.provision.title}, {gap_start:%H:%M}–"
            f"{gap_end:%H:%M}) would be left without an adult: the published deployment plan "
            f"has {name} with {pupil.name} then."
        )
    return left


def _covered(stretches, start, end) -> bool:
    """Whether the stretches together cover start..end."""
    at = start
    for s, e in sorted(stretches):
        if s > at:
            return False
        at = max(at, e)
        if at >= end:
            return True
    return at >= end
