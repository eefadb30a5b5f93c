"""The demo's meetings with parent@'s family (issue 11): the family asked to talk about how
their child copes with changes in the day and lunchtimes; the SENCO and the child's 1:1 met
them on a recent school day, and the notes and actions agreed follow the child's plan (its
targets and strategies, read from the records, not typed twice) and what the diary says.
A second request, about the review to come, waits for a date. The records are written
directly with their own times (the tables refuse later edits); the family and staff are
told through the home-school app's own notifications. Called from demo.oakfield.build_demo
after make_homeschool."""

import datetime as dt

from django.utils import timezone

from sendesk.family.models import ParentLink
from sendesk.homeschool.models import Meeting, MeetingAction, MeetingRequest
from sendesk.homeschool.services import tell_about_meeting_notes, tell_about_meeting_request
from sendesk.plans.models import Plan, Target
from sendesk.pupils.models import Strategy
from sendesk.reviews.models import ReviewMeeting

from .generator import SchoolDays
from .notifications import told_at


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _sentence(text: str) -> str:
    """A target or strategy as the middle of a sentence: no capital, no full stop."""
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:]


def _school_days_before(today: dt.date, n: int) -> list[dt.date]:
    """The n school days before today, newest first."""
    days, calendar, day = [], SchoolDays(), today
    while len(days) < n:
        day = calendar.on_or_before(day - dt.timedelta(days=1))
        days.append(day)
    return days


def _notes(name, parent, staff, targets, strategies) -> tuple[str, list[tuple[str, str]]]:
    """The meeting's notes and actions, in plain English for the family. `staff`: the
    SENCO's and the TA's names."""
    senco, ta = staff
    lines = [
        f"{parent} asked to talk about how {name} copes with changes in the day and with "
        "lunchtimes, after some unsettled days.",
        f"In class, {name} is settling better at changes, with a timer before each one. "
        f"Lunchtimes in the hall are still hard for {name} because of the noise; time in the "
        "quiet room after lunch helps.",
    ]
    if strategies:
        lines.append(
            f"What the school does every day, from {name}'s plan: "
            + "; ".join(_sentence(s) for s in strategies)
            + "."
        )
    if targets:
        lines.append(
            f"We looked at {name}'s targets: "
            + " and ".join(f"“{_sentence(t)}”" for t in targets)
            + f". {name} is making steady progress with both, and the family sees the same "
            "at home."
        )
    actions = [
        (f"Write in the diary each day how {name} managed lunchtime", ta),
        ("Use the same words for changes at home as in class, with a timer", "Family"),
    ]
    if targets:
        actions.append(
            (f"Practise at home, towards the target “{_sentence(targets[0])}”", "Family")
        )
    actions.append((f"Look at how this is going at {name}'s review", senco))
    return "\n\n".join(lines), actions


def make_family_meetings(data) -> dict:
    """data: the generator's SchoolData. Returns the meeting held and the open request."""
    school, today = data.school, data.today
    link = (
        ParentLink.objects.filter(
            pupil__school=school, active=True, user__email__startswith="parent@"
        )
        .select_related("user", "pupil")
        .first()
    )
    senco, ta = data.staff.get("senco"), data.staff.get("ta1")
    if link is None or senco is None or ta is None:
        return {}
    pupil, parent = link.pupil, link.user
    name = pupil.preferred_name or pupil.legal_first_name
    plan = Plan.objects.active().filter(pupil=pupil).order_by("kind", "-start_date").first()
    targets = list(
        Target.objects.filter(plan=plan).order_by("order").values_list("text", flat=True)[:2]
        if plan
        else []
    )
    strategies = list(
        Strategy.objects.filter(pupil=pupil).order_by("pk").values_list("text", flat=True)[:2]
    )
    days = _school_days_before(today, 9)
    # Asked eight school days ago in the evening, met four days later after school,
    # the notes written that afternoon.
    asked = _at(days[8], 19, 30)
    request = MeetingRequest.objects.create(
        school=school, pupil=pupil, requested_by=parent, requested_at=asked,
        about=f"How {name} copes with changes in the day, and lunchtimes: {name} has come "
        "home upset a few times.",
        times="After school any day, or Thursday morning",
    )  # fmt: skip
    told_at(lambda: tell_about_meeting_request(pupil), asked, read=asked + dt.timedelta(hours=14))
    held_on = days[4]
    notes, actions = _notes(
        name, parent.full_name, (senco.full_name, ta.full_name), targets, strategies
    )
    relationship = link.relationship.lower() or "parent"
    meeting = Meeting.objects.create(
        school=school, pupil=pupil, request=request, held_on=held_on,
        attendees=f"{parent.full_name} ({name}'s {relationship}), {senco.full_name} (SENCO), "
        f"{ta.full_name} ({name}'s teaching assistant)",
        notes=notes, recorded_by=senco, recorded_at=_at(held_on, 16, 20),
    )  # fmt: skip
    MeetingAction.objects.bulk_create(
        MeetingAction(meeting=meeting, text=text, who=who, order=i)
        for i, (text, who) in enumerate(actions)
    )
    written = _at(held_on, 16, 20)
    told_at(lambda: tell_about_meeting_notes(pupil), written, read=_at(held_on, 19, 5))
    # The next one, asked for on the last school day's evening: before the review if one
    # is planned, else about the term ahead.
    review = (
        ReviewMeeting.objects.filter(
            pupil=pupil, status=ReviewMeeting.Status.PLANNED, date__gte=today
        )
        .order_by("date")
        .first()
    )
    about = (
        f"Before {name}'s review on {review.date:%-d %B}, could we talk about what to put "
        "in our views, and how lunchtimes are going now?"
        if review
        else f"How lunchtimes are going now, and the plan for {name}'s next term."
    )
    asked_again = min(_at(days[0], 20, 10), timezone.now())
    upcoming = MeetingRequest.objects.create(
        school=school, pupil=pupil, requested_by=parent, requested_at=asked_again,
        about=about, times="After school on a Tuesday or Thursday",
    )  # fmt: skip
    told_at(lambda: tell_about_meeting_request(pupil), asked_again)
    return {"meeting": meeting, "request": upcoming}
