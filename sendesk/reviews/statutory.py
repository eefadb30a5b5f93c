"""The statutory timeline of an EHC plan's annual review (SEND Code of Practice 9.166-9.176;
SEND Regulations 2014, 20 and 21): the meeting within 12 months of the plan or of the last
review; the invitations out, and the advice and papers circulated, at least two weeks
before the meeting; the report to the local authority within two weeks after it. A termly
SEN support review has one step: the meeting, recorded.

Pure functions of a review and the day asked about: no query (the caller gives the day of
the last review)."""

import datetime as dt
from dataclasses import dataclass

NOTICE = dt.timedelta(weeks=2)
REPORT_WITHIN = dt.timedelta(weeks=2)

DONE, LATE, OVERDUE, DUE, SOON = "done", "late", "overdue", "due", "soon"
# How a step's state reads, for people and the API.
STATE_WORDS = {
    DONE: "Done",
    LATE: "Done late",
    OVERDUE: "Overdue",
    DUE: "To do",
    SOON: "Due within a week",
}


def add_year(day: dt.date) -> dt.date:
    """The same day a year on (29 February: 28 February, never a day late)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@dataclass
class Step:
    key: str
    label: str
    due: dt.date | None
    done: dt.date | None
    state: str
    detail: str

    @property
    def state_words(self) -> str:
        return STATE_WORDS[self.state]

    @property
    def needs_action(self) -> bool:
        return self.state in (OVERDUE, SOON)


def _state(due, done, today) -> str:
    if done is not None:
        return LATE if due is not None and done > due else DONE
    if due is not None and today > due:
        return OVERDUE
    if due is not None and today >= due - dt.timedelta(weeks=1):
        return SOON
    return DUE


def _when(day) -> str:
    return f"{day:%-d %B %Y}" if day else ""


def _step(key, label, due, done, today, detail="") -> Step:
    state = _state(due, done, today)
    if not detail:
        if state in (DONE, LATE):
            detail = f"Done on {_when(done)}" + (
                f", due by {_when(due)}." if state == LATE else "."
            )
        elif state == OVERDUE:
            days = (today - due).days
            detail = f"Due by {_when(due)}: {days} day{'s' if days != 1 else ''} overdue."
        else:
            detail = f"Due by {_when(due)}."
    return Step(key, label, due, done, state, detail)


def steps(review, today: dt.date, last_review: dt.date | None) -> list[Step]:
    """The review's steps in the order they happen. `last_review`: the day of the pupil's
    previous annual review, or the plan's start when there was none (annual reviews)."""
    if review.status == "cancelled":
        return []
    recorded = review.recorded_at.date() if review.recorded_at else None
    meeting = _step("meeting", "Meeting held and recorded", review.date, recorded, today)
    if review.kind != "annual":
        return [meeting]
    out = []
    if last_review is not None:
        within = add_year(last_review)
        ok = review.date <= within
        out.append(
            Step(
                "within_year",
                "Within 12 months of the last review",
                within,
                review.date,
                DONE if ok else LATE,
                (
                    f"The meeting on {_when(review.date)} is within 12 months of "
                    f"{_when(last_review)} (by {_when(within)})."
                    if ok
                    else f"The meeting on {_when(review.date)} is after {_when(within)}, "
                    f"12 months from {_when(last_review)}."
                ),
            )
        )
    notice = review.date - NOTICE
    out += [
        _step("invitations", "Invitations sent", notice, review.invitations_sent_on, today),
        _step("papers", "Advice and papers sent out", notice, review.papers_sent_on, today),
        meeting,
        _step(
            "report",
            "Report sent to the local authority",
            review.date + REPORT_WITHIN,
            review.report_sent_on,
            today,
        ),
    ]
    return out


def overdue(review_steps: list[Step]) -> list[Step]:
    return [s for s in review_steps if s.state in (OVERDUE, LATE) and s.key != "within_year"] + [
        s for s in review_steps if s.key == "within_year" and s.state == LATE
    ]
