"""What a parent's pages show about their own child: the provision promised and what was
delivered this term, recent sessions, how the child is getting on with each target,
therapy programmes and the medication record. Deliberately narrow: a session note only
when staff chose to share it; never adaptations, engagement scores, missed-session notes,
behaviour, incidents, restrictive interventions, care notes or safeguarding. The caller
has fetched the child through access.get_child. Wording is family.words'."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from sendesk.medication.models import Medicine
from sendesk.plans.models import Plan, Target
from sendesk.provision import progress
from sendesk.provision.models import Attendance, Provision, SessionPupil, TargetRating
from sendesk.reviews.models import ReviewMeeting
from sendesk.schools.calendar import Calendar, term_around
from sendesk.therapy.models import Programme

from . import words

RECENT_SESSIONS = 8
RATINGS_PER_TARGET = 4
# Behaviour plans stay off the family pages, as they always have: their targets too.
HIDDEN_PLAN_KINDS = (Plan.Kind.IBP,)


@dataclass
class ProvisionSummary:
    """One provision's term so far, counted per session the way a parent asks: how many
    were due, how many the child had, and why the others did not happen. Today counts as
    due only once something is recorded for it: a morning is not a missed session."""

    provision: Provision
    due: int = 0  # sessions (school days of its pattern) due so far this term
    due_minutes: int = 0
    had: int = 0  # attended, fully or in part
    had_minutes: int = 0
    partial: int = 0
    refused: int = 0
    recorded: int = 0
    missed: Counter = field(default_factory=Counter)  # reason code -> sessions
    # Owed school days with no record at all, counted per day: two sessions on one day
    # (a catch-up) must not hide another day on which nothing was recorded.
    unrecorded_days: int = 0

    @property
    def by_sessions(self) -> bool:
        # "15 hours a week" has no session count: it is told in hours.
        return bool(self.provision.sessions_per_week)

    @property
    def not_recorded(self) -> int:
        return self.unrecorded_days


def _term_range(child, day: dt.date):
    """(term, first day, last day counted): the term around `day` up to `day`, or to the
    term's end when `day` falls in the holiday after it. One query."""
    term = term_around(child.school_id, day)
    if term is None:
        return None, day, day
    return term, term.start, min(day, term.end)


def summarise(child, provisions, day: dt.date) -> tuple[object, list[ProvisionSummary]]:
    """A ProvisionSummary per provision for the term so far. Four queries whatever the
    number of provisions: the term, the calendar (2) and the child's session records."""
    term, start, end = _term_range(child, day)
    summaries = {p.pk: ProvisionSummary(provision=p) for p in provisions}
    if not summaries or term is None:
        return term, list(summaries.values())
    calendar = Calendar.load(child.school_id, start, end)
    rows = SessionPupil.objects.filter(
        pupil=child, provision__in=list(summaries), date__range=(start, end)
    ).values_list("provision", "date", "attendance", "minutes", "session__delivered",
                  "session__missed_reason")  # fmt: skip
    recorded_on = {pk: set() for pk in summaries}
    for provision_id, date, attendance, minutes, delivered, reason in rows:
        s = summaries[provision_id]
        s.recorded += 1
        s.had_minutes += minutes
        recorded_on[provision_id].add(date)
        if not delivered:
            s.missed[reason] += 1
        elif attendance == Attendance.ABSENT:
            s.missed[words.NOT_THERE] += 1
        elif attendance == Attendance.REFUSED:
            s.refused += 1
        else:
            s.had += 1
            s.partial += attendance == Attendance.PARTIAL
    for s in summaries.values():
        p = s.provision
        first = max(start, p.start)
        last = min(end, p.end) if p.end else end
        if day not in recorded_on[p.pk]:
            last = min(last, day - dt.timedelta(days=1))
        owed = calendar.days(p.days, first, last) if first <= last else []
        s.due = len(owed)
        s.due_minutes = round(len(owed) * p.minutes_per_day)
        s.unrecorded_days = sum(1 for d in owed if d not in recorded_on[p.pk])
    return term, list(summaries.values())


RECENT_LINE = (
    "pk", "date", "attendance", "minutes", "note", "note_shared_with_parents",
    "session__delivered", "session__missed_reason", "session__delivered_by_id",
    "session__delivered_by__full_name", "provision_id", "provision__title",
)  # fmt: skip


def recent_sessions(child, day: dt.date, limit: int = RECENT_SESSIONS) -> list:
    """The child's latest session records (delivered or missed), newest first, each with
    its sentence, who, the targets worked on and the note if it was shared. Two queries
    of plain values: no session record, session, user, provision, rating or target built
    (they were most of the page's time)."""
    rows = list(
        SessionPupil.objects.filter(pupil=child, date__lte=day)
        .order_by("-date", F("session__start_time").desc(nulls_last=True), "-session__recorded_at")
        .values(*RECENT_LINE)[:limit]
    )
    worked_on = {row["pk"]: [] for row in rows}
    name = words.first_name(child)
    if rows:
        for sp_id, text, rating in (
            TargetRating.objects.filter(session_pupil__in=list(worked_on))
            .exclude(target__plan__kind__in=HIDDEN_PLAN_KINDS)
            .order_by("target__order", "target__text")
            .values_list("session_pupil_id", "target__text", "rating")
        ):
            worked_on[sp_id].append((text, words.rating_words(rating, name)))
    records = []
    for row in rows:
        # words.session_sentence and staff_name read a record's session, its adult and
        # its provision: the same names, from the values.
        by = None
        if row["session__delivered_by_id"] is not None:
            by = SimpleNamespace(full_name=row["session__delivered_by__full_name"])
        provision = None
        if row["provision_id"] is not None:
            provision = SimpleNamespace(title=row["provision__title"])
        sp = SimpleNamespace(
            date=row["date"],
            attendance=row["attendance"],
            minutes=row["minutes"],
            session=SimpleNamespace(
                delivered=row["session__delivered"],
                missed_reason=row["session__missed_reason"],
                delivered_by=by,
            ),
            provision=provision,
        )
        sp.family_day = words.day_words(sp.date)
        sp.family_sentence = words.session_sentence(sp, name)
        sp.family_worked_on = worked_on[row["pk"]]
        shared = row["note_shared_with_parents"] and row["note"].strip()
        sp.family_note = row["note"] if shared else ""
        sp.family_note_by = words.staff_name(sp.session.delivered_by)
        records.append(sp)
    return records


def target_progress(child, day: dt.date | None = None) -> list:
    """The targets being worked on in the child's active plans (not behaviour plans), each
    with a heading and a sentence from its latest ratings, and a sentence on how that has
    changed over the plan's life (a year at most). Three queries: the targets, the last
    few ratings of each (a window function, so no target costs a query), and the ratings
    week by week."""
    day = day or timezone.localdate()
    # Only each target's words are shown: plain values, no Target or Plan built.
    targets = [
        SimpleNamespace(pk=pk, text=text, since=progress.window(start, day))
        for pk, text, start in Target.objects.in_force()
        .filter(plan__pupil=child)
        .exclude(plan__kind__in=HIDDEN_PLAN_KINDS)
        .order_by("plan__start_date", "plan__title", "order", "text")
        .values_list("pk", "text", "plan__start_date")
    ]
    latest = {}
    if targets:
        rows = (
            TargetRating.objects.filter(
                target__in=[t.pk for t in targets], session_pupil__pupil=child
            )
            .annotate(
                n=Window(
                    RowNumber(),
                    partition_by=[F("target_id")],
                    order_by=[F("date").desc(), F("id").desc()],
                )
            )
            .filter(n__lte=RATINGS_PER_TARGET)
            .order_by("target_id", "n")
            .values_list("target_id", "rating")
        )
        for target_id, rating in rows:
            latest.setdefault(target_id, []).append(rating)
    weeks = (
        progress.weekly([t.pk for t in targets], min(t.since for t in targets), day)
        if targets
        else {}
    )
    name = words.first_name(child)
    for target in targets:
        target.family_heading, target.family_sentence = words.target_progress(
            latest.get(target.pk, []), name
        )
        target.family_over_time = words.progress_over_time(
            [w for w in weeks.get(target.pk, []) if w[0] >= target.since - dt.timedelta(days=6)],
            name,
        )
    return targets


def child_page(child, day: dt.date) -> dict:
    """Everything the child's page shows. A fixed number of queries whatever the number of
    provisions, sessions, targets or programmes."""
    provisions = list(Provision.objects.filter(pupil=child).current_on(day).order_by("title"))
    term, summaries = summarise(child, provisions, day)
    name = words.first_name(child)
    for s in summaries:
        s.sentences = words.provision_sentences(s, name)
        s.how_often = words.how_often(s.provision)
        s.kind_words = words.KINDS.get(s.provision.kind, "")
        s.promised_in = words.promised_in(s.provision, name)
    by_provision = {s.provision.pk: s for s in summaries}
    programmes = list(
        Programme.objects.filter(provision__in=list(by_provision))
        .select_related("referral")
        .order_by("title")
    )
    for programme in programmes:
        programme.provision = by_provision[programme.provision_id].provision  # at hand
        # The programme is delivered through one of these provisions: its sessions are
        # the ones the child had there, counted above.
        had = by_provision[programme.provision_id].had
        programme.family_sentence = (
            f"{name} has had {words.count(had, 'session')} of this programme this term."
            if had
            else f"{name} has not had a session of this programme yet this term."
        )
        programme.how_often = words.how_often(programme.provision)
    return {
        "name": name,
        "summaries": summaries,
        "recent": recent_sessions(child, day),
        "targets": target_progress(child, day),
        "programmes": programmes,
        "term": term,
        "has_medicines": has_medicines(child),
        "reviews": reviews_ahead(child, day),
    }


def reviews_ahead(child, day: dt.date) -> list:
    """The child's review meetings still to come: the parent adds their views to each.
    One query."""
    return list(
        ReviewMeeting.objects.filter(
            pupil=child, status=ReviewMeeting.Status.PLANNED, date__gte=day
        ).order_by("date")
    )


def has_medicines(child) -> bool:
    """Whether the child has any medicine on record, so a medication record (MAR) exists
    to show. One query."""
    return Medicine.objects.filter(pupil=child).exists()


# --- The medication record as a parent reads it -------------------------------------------


def medicine_words(medicine) -> str:
    return f"{medicine.name} {medicine.strength}".strip()


def _dose_words(record, name: str) -> str:
    """After 'Salbutamol …: ' — what happened to one recorded dose, and who recorded it."""
    at = timezone.localtime(record.given_at).strftime("%H:%M")
    who = words.staff_name(record.given_by)
    if record.outcome == "given":
        said = f"given at {at} by {who}"
        if record.witness_id:
            said += f", checked by {words.staff_name(record.witness)}"
        said += f" ({record.dose})."
        if record.reactions.strip():
            said += f" Any reaction: {record.reactions.strip()}"
            said += "" if said.endswith((".", "!", "?")) else "."
        return said
    what = f"{name} refused it" if record.outcome == "refused" else "not given"
    reason = f" ({record.reason.strip()})" if record.reason.strip() else ""
    return f"{what}{reason}. Recorded at {at} by {who}."


def _cell_words(row, cell, name: str) -> str:
    """One scheduled dose on one day, every state of the grid in words."""
    head = f"{medicine_words(row.medicine)} at {row.time}: "
    if cell.record is not None:
        return head + _dose_words(cell.record, name)
    if cell.state == "missed":
        return head + "no record. The school has not recorded giving this dose."
    if cell.state == "due":
        return head + "due later today."  # the list stops at today
    if cell.state == "none":
        started = timezone.localdate(row.medicine.created)
        why = "it had not started yet" if cell.day < started else "it had been stopped"
        return head + f"nothing due ({why})."
    return head + "nothing due (school closed)."


@dataclass
class DiaryDay:
    first: dt.date
    last: dt.date
    school_day: bool
    lines: list

    @property
    def heading(self) -> str:
        return words.days_words(self.first, self.last)


def mar_diary(grid, today: dt.date) -> list[DiaryDay]:
    """The month's record as a day-by-day list for a phone, newest first: each school day
    with every scheduled dose and any dose given when needed, in sentences; runs of closed
    days with nothing given folded into one entry. Days after today are left out. No
    query: the grid holds the records."""
    name = words.first_name(grid.pupil)
    as_needed = {}
    for record in grid.as_needed:
        as_needed.setdefault(timezone.localdate(record.given_at), []).append(record)
    entries: list[DiaryDay] = []
    for i, d in enumerate(grid.days):
        if d.day > today:
            break
        given = [
            f"{medicine_words(r.medicine)}, when needed: {_dose_words(r, name)}"
            for r in sorted(as_needed.get(d.day, []), key=lambda r: r.given_at)
        ]
        if not d.school_day:
            scheduled = [_cell_words(row, row.cells[i], name) for row in grid.rows
                         if row.cells[i].record is not None]  # fmt: skip
            if not scheduled and not given:
                previous = entries[-1] if entries else None
                if previous and not previous.school_day and not previous.lines:
                    previous.last = d.day
                else:
                    entries.append(DiaryDay(d.day, d.day, False, []))
                continue
        else:
            scheduled = [_cell_words(row, row.cells[i], name) for row in grid.rows]
        lines = scheduled + given
        if not lines:
            lines = ["Nothing was due and no medicine was given."]
        entries.append(DiaryDay(d.day, d.day, d.school_day, lines))
    return entries[::-1]


def mar_staff(grid) -> list[tuple[str, str]]:
    """(initials, full name) for everyone whose initials appear in the grid, for the key:
    a parent reads names, the grid has room only for initials."""
    people = {}
    for row in grid.rows:
        for cell in row.cells:
            if cell.record is not None and cell.state == "given":
                people.setdefault(cell.initials, set()).add(words.staff_name(cell.record.given_by))
    return [(ini, " or ".join(sorted(names))) for ini, names in sorted(people.items())]
