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
from sendesk.reviews.statutory import add_year
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


def meeting_day(calendar, plan, today: dt.date) -> dt.date | None:
    """A school day about four weeks on (the first from then, else the last before), within
    six weeks and never after the plan's review falls due (12 months from its start, or its
    own review date): None when there is no such day."""
    due = add_year(plan.start_date) if plan.start_date else today + WITHIN
    if plan.review_date:
        due = min(due, plan.review_date)
    last = min(today + WITHIN, due)
    days = [
        today + dt.timedelta(days=n)
        for n in range(1, (last - today).days + 1)
        if calendar.is_school_day(today + dt.timedelta(days=n))
    ]
    later = [d for d in days if d >= today + AHEAD]
    return later[0] if later else (days[-1] if days else None)


def _the_review(school, today):
    """(plan, meeting day, parent link): the parent@ login's child when their EHC plan can
    be reviewed within six weeks, else the first pupil (by UPN) whose plan can. Never the
    plan left overdue on purpose (demo.oakfield's notes name it)."""
    calendar = school_calendar(school.pk)
    link = (
        ParentLink.objects.filter(
            pupil__school=school, active=True, user__email__startswith="parent@"
        )
        .select_related("user")
        .first()
    )
    plans = list(
        Plan.objects.active()
        .filter(kind=Plan.Kind.EHCP, pupil__school=school, review_date__gte=today)
        .select_related("pupil")
        .order_by("pupil__upn")
    )
    if link is not None:
        plans.sort(key=lambda p: p.pupil_id != link.pupil_id)
    for plan in plans:
        day = meeting_day(calendar, plan, today)
        if day is not None:
            mine = link if link is not None and link.pupil_id == plan.pupil_id else None
            return (
                plan,
                day,
                mine or ParentLink.objects.filter(pupil=plan.pupil, active=True).first(),
            )
    return None, None, None


def make_reviews(data) -> ReviewMeeting | None:
    """data: the generator's SchoolData for the demo school."""
    school, today = data.school, data.today
    plan, day, link = _the_review(school, today)
    if plan is None:
        return None
    pupil, senco = plan.pupil, data.staff["senco"]
    name = pupil.preferred_name or pupil.legal_first_name
    # The records are made on the last school day up to today (the demo's history ends
    # there; a Saturday or a holiday is no day to have written anything).
    written = _last_school_day(school.pk, today)
    at = min(timezone.now(), timezone.make_aware(dt.datetime.combine(written, dt.time(15, 30))))
    # The plan says when it is next reviewed: the meeting booked for it.
    Plan.objects.filter(pk=plan.pk).update(review_date=day)
    review = ReviewMeeting.objects.create(
        school=school, pupil=pupil, plan=plan, kind=ReviewMeeting.Kind.ANNUAL, date=day,
        invitations_sent_on=min(written, day - dt.timedelta(weeks=2)), created_by=senco,
    )  # fmt: skip
    timeline_add(pupil=pupil, actor=senco, ref=review, kind=TimelineKind.REVIEW,
                 title=f"Annual review booked for {day:%-d %B %Y}", occurred_at=at)  # fmt: skip
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
            review=review, kind=kind, written_by=by, author=author, written_at=at,
            answers={k: v.format(name=name) for k, v in answers.items()},
        )  # fmt: skip
        timeline_add(pupil=pupil, actor=by, ref=review, kind=TimelineKind.REVIEW,
                     title=f"{view.get_kind_display()} added for the review",
                     occurred_at=at)  # fmt: skip
    return review


def _last_school_day(school_id, today):
    calendar = school_calendar(school_id)
    day = today
    for _ in range(120):
        if calendar.is_school_day(day):
            return day
        day -= dt.timedelta(days=1)
    return today
