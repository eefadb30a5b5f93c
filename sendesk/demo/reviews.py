"""The demo's annual review (issue 10): the EHC plan pupil whose mother logs in as parent@
(ta1's 1:1 pupil, demo/care.py) has their annual review booked on a school day about four
weeks ahead (within six weeks), the invitations already sent, and views in from the parent
and from the TA who works with them, so the SENCO can build the pack and record the
meeting, and the parent sees their view on their pages. Seed data: written directly, with
the timeline lines the services write. Called once from demo.oakfield.build_demo."""

import datetime as dt

from django.utils import timezone

from sendesk.family.models import ParentLink
from sendesk.plans.models import Plan
from sendesk.pupils.models import Deployment
from sendesk.pupils.timeline import timeline_add
from sendesk.reviews.models import ReviewMeeting, ReviewView, TimelineKind
from sendesk.schools.calendar import school_calendar

AHEAD = dt.timedelta(weeks=4)
WITHIN = dt.timedelta(weeks=6)

PARENT_VIEW = {
    "going_well": "{name} is much happier going into school in the mornings and talks about "
    "the reading sessions at home.",
    "worries": "Lunchtimes are still hard: {name} says the hall is too loud.",
    "changes": "{name} has started sleeping better since the summer.",
    "hopes": "We would like {name} to read a short book on their own by the end of the year "
    "and to have a friend to play with at lunch.",
}
TA_VIEW = {
    "progress": "{name} now asks for help with a short sentence most mornings, and reads "
    "more of the high-frequency words each week.",
    "works": "A visual timetable, a five-minute warning before changes, and working in the "
    "quiet room first thing.",
    "difficult": "Transitions after lunch, and group work with more than three children.",
    "next_steps": "Keep the morning reading sessions; add a lunchtime club with one or two "
    "friends.",
}


def meeting_day(school_id: int, today: dt.date) -> dt.date:
    """A school day about four weeks on, never more than six (else the first after
    today + 2 weeks that is a school day, or that day)."""
    calendar = school_calendar(school_id)
    for start in (today + AHEAD, today + dt.timedelta(weeks=2)):
        day = start
        while day <= today + WITHIN:
            if calendar.is_school_day(day):
                return day
            day += dt.timedelta(days=1)
    day = today + dt.timedelta(weeks=2)
    while day.weekday() > 4:
        day += dt.timedelta(days=1)
    return day


def _the_pupil(school):
    """The parent@ login's child, when they have an EHC plan in force; else the first
    pupil with one."""
    link = (
        ParentLink.objects.filter(
            pupil__school=school, active=True, user__email__startswith="parent@"
        )
        .select_related("user", "pupil")
        .first()
    )
    plans = Plan.objects.active().filter(kind=Plan.Kind.EHCP, pupil__school=school)
    plan = plans.filter(pupil=link.pupil).first() if link else None
    if plan is None:
        plan = plans.select_related("pupil").order_by("pupil__upn").first()
        link = ParentLink.objects.filter(pupil=plan.pupil, active=True).first() if plan else None
    return plan, link


def make_reviews(data) -> ReviewMeeting | None:
    """data: the generator's SchoolData for the demo school."""
    school, today = data.school, data.today
    plan, link = _the_pupil(school)
    if plan is None:
        return None
    pupil, senco = plan.pupil, data.staff["senco"]
    name = pupil.preferred_name or pupil.legal_first_name
    day = meeting_day(school.pk, today)
    # The plan says when it is next reviewed: the meeting booked for it.
    Plan.objects.filter(pk=plan.pk).update(review_date=day)
    review = ReviewMeeting.objects.create(
        school=school, pupil=pupil, plan=plan, kind=ReviewMeeting.Kind.ANNUAL, date=day,
        invitations_sent_on=min(today, day - dt.timedelta(weeks=2)), created_by=senco,
    )  # fmt: skip
    timeline_add(pupil=pupil, actor=senco, ref=review, kind=TimelineKind.REVIEW,
                 title=f"Annual review booked for {day:%-d %B %Y}")  # fmt: skip
    now = timezone.now()
    adult = (
        Deployment.objects.standing()
        .filter(pupil=pupil, kind=Deployment.Kind.ONE_TO_ONE)
        .select_related("staff")
        .order_by("staff__email")
        .first()
    )
    ta = adult.staff if adult else data.staff["ta1"]
    views = [(ReviewView.Kind.TA, ta, f"{ta.full_name}, teaching assistant", TA_VIEW)]
    if link is not None:
        views.append((ReviewView.Kind.PARENT, link.user,
                      f"{link.user.full_name} ({link.relationship})", PARENT_VIEW))  # fmt: skip
    for kind, by, author, answers in views:
        view = ReviewView.objects.create(
            review=review, kind=kind, written_by=by, author=author, written_at=now,
            answers={k: v.format(name=name) for k, v in answers.items()},
        )  # fmt: skip
        timeline_add(pupil=pupil, actor=by, ref=review, kind=TimelineKind.REVIEW,
                     title=f"{view.get_kind_display()} added for the review")  # fmt: skip
    return review
