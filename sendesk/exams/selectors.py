"""Reads the exam pages and the API share: a pupil's arrangements with their normal way of
working evidence counted, the pupils in a person's scope with arrangements, and an exam
session's room list (who sits where, their arrangements and finish times, the adults).
Each is a fixed number of queries, whatever the number of pupils or uses."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from sendesk import access
from sendesk.provision.models import SessionPupil

from .conflicts import finish_for
from .models import Allocation, Arrangement, ArrangementUse, Candidate, ExamSession
from .services import SUPPORT_KIND

RECENT_USES = 8
# The sessions a TA may link a use to: the pupil's recorded sessions of the last fortnight.
SESSION_CHOICE_DAYS = 14


def current_on(day: dt.date) -> Q:
    return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day))


@dataclass
class Evidence:
    """An arrangement's normal way of working evidence: uses that count (not withdrawn)."""

    uses: int = 0
    days: int = 0
    in_sessions: int = 0
    last: dt.date | None = None
    recent: list = field(default_factory=list)


def evidence_for(arrangements) -> dict:
    """{arrangement id: Evidence}. Two queries."""
    ids = [a.pk for a in arrangements]
    found = {pk: Evidence() for pk in ids}
    days = defaultdict(set)
    uses = (
        ArrangementUse.objects.filter(arrangement_id__in=ids)
        .select_related("session__provision", "recorded_by", "withdrawal")
        .order_by("-date", "-recorded_at")
    )
    for use in uses:
        ev = found[use.arrangement_id]
        withdrawn = getattr(use, "withdrawal", None) is not None
        if len(ev.recent) < RECENT_USES:
            ev.recent.append(use)
        if withdrawn:
            continue
        ev.uses += 1
        days[use.arrangement_id].add(use.date)
        ev.in_sessions += use.session_id is not None
        ev.last = max(ev.last or use.date, use.date)
    for pk, seen in days.items():
        found[pk].days = len(seen)
    return found


def arrangements_of(pupil, *, ended=True) -> list[Arrangement]:
    """The pupil's arrangements (current first), each with `.evidence`. Three queries."""
    rows = Arrangement.objects.filter(pupil=pupil).select_related("created_by")
    if not ended:
        rows = rows.filter(end__isnull=True)
    rows = sorted(rows, key=lambda a: (a.end is not None, a.kind, a.start))
    evidence = evidence_for(rows)
    for a in rows:
        a.evidence_counted = evidence[a.pk]
    return rows


def session_choices(pupils, today: dt.date) -> dict:
    """{pupil id: [(session id, label)]}: each pupil's recorded sessions of the last
    fortnight, newest first, for linking a use to the session it happened in. One query,
    however many pupils."""
    rows = (
        SessionPupil.objects.filter(
            pupil__in=list(pupils), date__gte=today - dt.timedelta(days=SESSION_CHOICE_DAYS),
            date__lte=today, session__delivered=True,
        )
        .select_related("session__provision")
        .order_by("-date", "-session__start_time")
    )  # fmt: skip
    found = defaultdict(list)
    for r in rows:
        title = r.session.provision.title if r.session.provision else "Support"
        at = f" at {r.session.start_time:%H:%M}" if r.session.start_time else ""
        found[r.pupil_id].append((str(r.session_id), f"{r.date:%a %-d %b}: {title}{at}"))
    return found


def board(user, today: dt.date) -> list:
    """The pupils `user` may see with current arrangements, by name, each with
    `.arrangements_now` (with evidence). Three queries."""
    current = Arrangement.objects.filter(current_on(today)).order_by("kind")
    pupils = list(
        access.visible_pupils(user)
        .filter(exam_arrangements__in=current)
        .distinct()
        .select_related("year_group")
        .prefetch_related(
            Prefetch("exam_arrangements", queryset=current, to_attr="arrangements_now")
        )
        .order_by("legal_last_name", "legal_first_name")
    )
    evidence = evidence_for([a for p in pupils for a in p.arrangements_now])
    for p in pupils:
        for a in p.arrangements_now:
            a.evidence_counted = evidence[a.pk]
    return pupils


# --- The exam timetable and room list ---------------------------------------------------------


def sessions_for(sessions) -> list[ExamSession]:
    """Sessions with their counts of candidates and adults. One query."""
    return list(
        sessions.annotate(
            n_candidates=Count("candidates", distinct=True),
            n_adults=Count("allocations__staff", distinct=True),
        ).order_by("date", "start", "title")
    )


@dataclass
class Seat:
    pupil: object
    arrangements: list
    finish: dt.time
    adults: list


@dataclass
class Room:
    room: object
    seats: list
    hidden: int
    adults: list
    finish: dt.time


def room_list(session: ExamSession, viewer) -> dict:
    """Who sits where, with their arrangements on the day and their own finish time, and
    the adults in each room; candidates the viewer may not see are counted, not named.
    Also what is missing: a candidate with a reader (scribe, prompter) arrangement and
    nobody allocated. Five queries."""
    seen = set(
        access.visible_pupils(viewer, day=max(session.date, timezone.localdate()))
        .filter(exam_seats__session=session)
        .values_list("pk", flat=True)
    ) | set(
        access.visible_pupils(viewer)
        .filter(exam_seats__session=session)
        .values_list("pk", flat=True)
    )
    candidates = list(
        Candidate.objects.filter(session=session)
        .select_related("pupil__year_group", "room")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name")
    )
    arrangements = defaultdict(list)
    for a in Arrangement.objects.filter(
        current_on(session.date), pupil_id__in=[c.pupil_id for c in candidates]
    ).order_by("kind"):
        arrangements[a.pupil_id].append(a)
    allocations = list(
        Allocation.objects.filter(session=session)
        .select_related("staff", "pupil")
        .order_by("role", "staff__full_name")
    )
    support = defaultdict(list)
    for a in allocations:
        if a.pupil_id:
            support[a.pupil_id].append(a)
    rooms = {r.pk: Room(room=r, seats=[], hidden=0, adults=[], finish=session.end)
             for r in session.rooms.all()}  # fmt: skip
    missing = []
    for c in candidates:
        theirs = arrangements.get(c.pupil_id, [])
        percent = next((a.extra_time_percent for a in theirs if a.kind == "extra_time"), None)
        finish = finish_for(session, percent)
        room = rooms[c.room_id]
        room.finish = max(room.finish, finish)
        if c.pupil_id not in seen:
            room.hidden += 1
            continue
        room.seats.append(Seat(c.pupil, theirs, finish, support.get(c.pupil_id, [])))
        have = {a.role for a in support.get(c.pupil_id, [])}
        for role, kind in SUPPORT_KIND.items():
            if any(a.kind == kind for a in theirs) and role not in have:
                missing.append(f"{c.pupil.name} needs a {role.label.lower()}: nobody is allocated.")
    for a in allocations:
        rooms[a.room_id].adults.append(a)
    return {
        "rooms": list(rooms.values()),
        "missing": missing,
        "pupils": [c.pupil for c in candidates if c.pupil_id in seen],
        "hidden": sum(r.hidden for r in rooms.values()),
        "allocations": allocations,
    }


def my_allocations(user, day: dt.date):
    """The user's own allocations on `day`, by time. One query."""
    return (
        Allocation.objects.filter(staff=user, session__date=day)
        .select_related("session", "room", "pupil")
        .order_by("session__start")
    )


def my_day_lines(user, day: dt.date) -> list[dict]:
    """My day's lines for the exams the user is allocated to that day; a candidate is
    named only when the user may see them. Two queries."""
    rows = list(my_allocations(user, day))
    if not rows:
        return []
    seen = set(
        access.visible_pupils(user, day)
        .filter(pk__in={a.pupil_id for a in rows if a.pupil_id})
        .values_list("pk", flat=True)
    )
    lines = []
    for a in rows:
        what = a.get_role_display().lower()
        if a.pupil_id:
            what += f" for {a.pupil.name}" if a.pupil_id in seen else " for a candidate"
        lines.append(
            {"start": a.session.start, "end": a.session.end, "kind": "exam",
             "text": f"Exam: {a.session.title}, {what}", "place": a.room.name,
             "uncovered": False}
        )  # fmt: skip
    return lines


def upcoming_seats(pupil, today: dt.date) -> list[dict]:
    """The pupil's exams from today: the session, their room, their own finish (extra time
    included) and the adults supporting them there. Three queries."""
    seats = list(
        Candidate.objects.filter(pupil=pupil, session__date__gte=today)
        .select_related("session", "room")
        .order_by("session__date", "session__start")
    )
    percents = dict(
        Arrangement.objects.filter(pupil=pupil, kind=Arrangement.Kind.EXTRA_TIME)
        .filter(end__isnull=True)
        .values_list("kind", "extra_time_percent")
    )
    support = defaultdict(list)
    for a in Allocation.objects.filter(
        pupil=pupil, session__in=[s.session for s in seats]
    ).select_related("staff"):
        support[a.session_id].append(a)
    return [
        {"session": s.session, "room": s.room,
         "finish": finish_for(s.session, percents.get(Arrangement.Kind.EXTRA_TIME)),
         "adults": support.get(s.session_id, [])}
        for s in seats
    ]  # fmt: skip
