"""`make bench` (review pack part): the annual review pack of a pupil with three years of
history, built as the page builds it (reviews.pack.pack_pdf), in an in-memory database.

The pupil has had an EHC plan for three years (two annual reviews held, a third today),
two outcomes with four targets, three provisions, and a session with ratings on most
school days since (about 1,600 sessions, 2,300 ratings), plus the views of the pupil, a
parent, a teacher, a TA and an agency. Reports the first build (fonts loaded) and the
median of the next ones. Aim (issue 10): at most 3 s.

    .venv/bin/python bench/pack.py [--builds 3]
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = dt.date(2026, 11, 18)
AIM_SECONDS = 3.0


def _calendar(school):
    from sendesk.schools.models import Term

    for year in range(2023, 2027):
        for name, start, end in [
            (f"Autumn {year}", dt.date(year, 9, 3), dt.date(year, 12, 18)),
            (f"Spring {year + 1}", dt.date(year + 1, 1, 5), dt.date(year + 1, 3, 26)),
            (f"Summer {year + 1}", dt.date(year + 1, 4, 12), dt.date(year + 1, 7, 20)),
        ]:
            Term.objects.create(school=school, name=name, start=start, end=end)


def _school():
    from sendesk.accounts.models import User
    from sendesk.pupils.models import Pupil
    from sendesk.pupils.upn import make_upn
    from sendesk.schools.models import Role, School, StaffRole, Trust, YearGroup

    school = School.objects.create(
        trust=Trust.objects.create(name="Bench Trust"), name="Bench Primary", la_number="123",
        urn="100001",
    )  # fmt: skip
    _calendar(school)
    senco = User.objects.create_user("senco@bench.example", None, full_name="Sam Senco")
    StaffRole.objects.create(user=senco, school=school, role=Role.SENCO)
    ta = User.objects.create_user("ta@bench.example", None, full_name="Tia Assistant")
    StaffRole.objects.create(user=ta, school=school, role=Role.TA)
    year = YearGroup.objects.create(school=school, name="Year 5", ordinal=5)
    pupil = Pupil.objects.create(
        school=school, upn=make_upn("123", "4567", 2016, 1), legal_first_name="Rosa",
        legal_last_name="Reed", date_of_birth=dt.date(2016, 4, 2), year_group=year,
        sen_status="E",
    )  # fmt: skip
    return school, senco, ta, pupil


def _plan(pupil, senco):
    from sendesk.plans.models import Outcome, Plan, Target
    from sendesk.provision.models import Provision

    plan = Plan.objects.create(
        pupil=pupil, kind="ehcp", title="Rosa's EHC plan", status="active",
        start_date=dt.date(2023, 11, 20), review_date=TODAY, created_by=senco,
    )  # fmt: skip
    targets = []
    for o, texts in enumerate([
        ["Reads a short book aloud with help", "Spells 50 common words"],
        ["Asks an adult for help in class", "Joins a game at lunchtime"],
    ]):  # fmt: skip
        outcome = Outcome.objects.create(plan=plan, text=f"Outcome {o + 1}", order=o + 1)
        for i, text in enumerate(texts):
            targets.append(Target.objects.create(plan=plan, outcome=outcome, text=text,
                                                 order=len(targets) + 1 + i))  # fmt: skip
    provisions = [
        Provision.objects.create(
            pupil=pupil,
            plan=plan,
            title=title,
            kind=kind,
            source="ehcp_f",
            sessions_per_week=n,
            session_minutes=m,
            weekly_minutes=n * m,
            days=days,
            start=plan.start_date,
        )  # fmt: skip
        for title, kind, n, m, days in [
            ("Reading catch-up", "one_to_one", 3, 30, "135"),
            ("Social skills group", "group", 2, 30, "24"),
            ("Speech and language", "therapy", 1, 45, "3"),
        ]
    ]
    return plan, targets, provisions


def _history(school, pupil, ta, targets, provisions):
    """A session of the pupil's provision on each school day of its pattern for three
    years, with a rating of one or two targets: bulk inserts, as the demo writes seed data."""
    from sendesk.provision.models import Session, SessionPupil, TargetRating
    from sendesk.schools.calendar import Calendar

    start = dt.date(2023, 11, 20)
    calendar = Calendar.load(school.pk, start, TODAY)
    levels = ["not_yet", "emerging", "developing", "secure", "achieved"]
    sessions, records, ratings = [], [], []
    for p_i, provision in enumerate(provisions):
        for n, day in enumerate(calendar.days(provision.days, start, TODAY - dt.timedelta(1))):
            at = dt.datetime.combine(day, dt.time(15), dt.UTC)
            session = Session(school=school, provision=provision, date=day,
                              minutes=provision.session_minutes, delivered=n % 17 != 0,
                              missed_reason="" if n % 17 else "staff_absent", delivered_by=ta,
                              recorded_by=ta, recorded_at=at)  # fmt: skip
            sessions.append(session)
            record = SessionPupil(session=session, pupil=pupil, provision=provision, date=day,
                                  attendance="present" if session.delivered else "",
                                  minutes=provision.session_minutes if session.delivered else 0,
                                  response=4 if session.delivered else None)  # fmt: skip
            records.append(record)
            if session.delivered:
                for target in targets[p_i % 2 * 2 : p_i % 2 * 2 + 2]:
                    level = levels[min(4, n * 5 // 400 + (n % 3 == 0))]
                    ratings.append(TargetRating(session_pupil=record, target=target,
                                                rating=level, date=day))  # fmt: skip
    Session.objects.bulk_create(sessions, batch_size=500)
    SessionPupil.objects.bulk_create(records, batch_size=500)
    TargetRating.objects.bulk_create(ratings, batch_size=500)
    return len(sessions), len(ratings)


def _reviews(plan, pupil, senco, ta):
    from django.utils import timezone

    from sendesk.reviews.models import ReviewMeeting, ReviewView

    for day in (dt.date(2024, 11, 18), dt.date(2025, 11, 17)):
        ReviewMeeting.objects.create(
            school_id=pupil.school_id, pupil=pupil, plan=plan, kind="annual", date=day,
            status="held", recorded_by=senco, recorded_at=timezone.now(), created_by=senco,
            invitations_sent_on=day - dt.timedelta(21), papers_sent_on=day - dt.timedelta(15),
            report_sent_on=day + dt.timedelta(7), next_review_date=day + dt.timedelta(360),
        )  # fmt: skip
    review = ReviewMeeting.objects.create(
        school_id=pupil.school_id, pupil=pupil, plan=plan, kind="annual", date=TODAY,
        created_by=senco, invitations_sent_on=TODAY - dt.timedelta(20),
    )  # fmt: skip
    words = "Rosa enjoys reading with an adult and is proud of her spelling. " * 6
    for kind, author, by, keys in [
        ("pupil", "Rosa", ta, {"feel": "happy", "like": words, "hard": words}),
        ("parent", "Mrs Reed (Mother)", senco, {"going_well": words, "hopes": words}),
        ("teacher", "Mr Teacher", senco, {"progress": words, "next_steps": words}),
        ("ta", "Tia Assistant", ta, {"progress": words, "works": words}),
        ("agency", "Educational psychologist", senco, {"advice": words, "provision": words}),
    ]:
        ReviewView.objects.create(review=review, kind=kind, author=author, written_by=by,
                                  answers=keys, written_at=timezone.now())  # fmt: skip
    return review


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--builds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendesk.settings")
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    import django

    django.setup()
    import time_machine
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10), dt.UTC), tick=True):
        from sendesk.reviews import pack

        with transaction.atomic():
            school, senco, ta, pupil = _school()
            plan, targets, provisions = _plan(pupil, senco)
            n_sessions, n_ratings = _history(school, pupil, ta, targets, provisions)
            review = _reviews(plan, pupil, senco, ta)
        times, size = [], 0
        for _ in range(1 + max(args.builds, 1)):
            started = time.perf_counter()
            size = len(pack.pack_pdf(review))
            times.append(time.perf_counter() - started)
    median = statistics.median(times[1:])
    verdict = "within" if median <= AIM_SECONDS else "OVER"
    print(
        f"Review pack, 3 years of history ({n_sessions} sessions, {n_ratings} ratings): "
        f"first build {times[0]:.2f} s, then median {median:.2f} s of {len(times) - 1} "
        f"({size // 1024} KiB); {verdict} the {AIM_SECONDS:g} s aim"
    )


if __name__ == "__main__":
    main()
