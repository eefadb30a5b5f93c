"""The demo's notifications (issue 11): each demo login opens SENDesk to a believable
handful in the bell, dated on recent school days, the older ones read.

Every row is written by the product's own trigger (the daily checks, the dose, session
and home-school services' helpers), never typed here, so a title or link can never drift
from what the product writes; this module only runs them for what the demo's other modules
recorded and then dates each row at the moment its event happened (the triggers stamp
"now"). E-mails the triggers put in the outbox are marked sent at that moment too, and one
to the SENCO, on an afternoon the school's mail server was down, gave up after its tries:
the head sees it on the notifications page. Called last from demo.oakfield.build_demo.

Who sees what: senco@ the CAMHS referral past its timescale, review steps due, the
restraint whose parents were not told, doses refused; the class teacher a session a TA
flagged; ta1@ (and James's key adult) the family's messages, diary notes and meeting
requests; parent@ the school's replies and the notes of their meeting; head@ their first
aid training expiring and the restraint; ep@ nothing (no new work for them)."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from sendesk.homeschool.models import DiaryNote, Message, MessageRead
from sendesk.homeschool.services import tell_about_home_diary, tell_about_message
from sendesk.medication.models import Administration
from sendesk.medication.services import tell_senco_of_dose
from sendesk.notifications.daily import run_checks
from sendesk.notifications.models import Email, Notification
from sendesk.provision.models import SessionPupil
from sendesk.provision.services import tell_teachers_of_flag
from sendesk.staff.models import Training
from sendesk.therapy.models import Referral

from .generator import SchoolDays

MAIL_DOWN = "SMTPServerDisconnected: Connection unexpectedly closed"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def told_at(send, at: dt.datetime, read: dt.datetime | None = None) -> list[Notification]:
    """Run a trigger of the product (`send`), then date what it wrote at `at`, read at
    `read` (unread when not given or still to come)."""
    before = Notification.objects.aggregate(m=Max("pk"))["m"] or 0
    send()
    rows = Notification.objects.filter(pk__gt=before)
    now = timezone.now()
    rows.update(created=min(at, now), read_at=read if read is not None and read <= now else None)
    return list(rows)


def _daily_run(today: dt.date, days: SchoolDays) -> dt.datetime:
    """When the scheduler's last daily run on a school day happened."""
    daily = dt.time.fromisoformat(settings.NOTIFICATIONS_DAILY_AT)
    day = days.on_or_before(today)
    if _at(day, daily.hour, daily.minute) > timezone.now():
        day = days.on_or_before(day - dt.timedelta(days=1))
    return _at(day, daily.hour, daily.minute)


def _expiring_training(head, today: dt.date, days: SchoolDays) -> None:
    """The head's paediatric first aid (three years) runs out in two to four weeks: taken
    on a school day three years ago. None when no school day fits (deep in a holiday)."""
    for ahead in range(14, 29):
        expires = today + dt.timedelta(days=ahead)
        taken = expires.replace(year=expires.year - 3) + dt.timedelta(days=1)
        if days.is_school_day(taken):
            Training.objects.create(
                user=head, kind=Training.Kind.FIRST_AID, course="Paediatric first aid",
                completed_on=taken, expires_on=expires, provider="St John Ambulance",
                hours=12,
            )  # fmt: skip
            return


def _checks(school, today: dt.date, days: SchoolDays) -> None:
    """The daily checks as the scheduler runs them, dated at its last run; a referral past
    its timescale was told of (and read) on the first school day after it was due."""
    run = _daily_run(today, days)
    rows = told_at(lambda: run_checks(today), run)
    for row in rows:
        if row.dedupe_key.startswith("referral-overdue:"):
            pk = int(row.dedupe_key.rsplit(":", 1)[1])
            due = Referral.objects.get(pk=pk).respond_by
            first = _at(days.on_or_after(due + dt.timedelta(days=1)), run.hour, run.minute)
            # Told days ago and read that morning; the referral is on the overview still.
            first = min(first, run)
            Notification.objects.filter(pk=row.pk).update(
                created=first, read_at=first + dt.timedelta(hours=2)
            )
        elif row.kind == "review_step_due" and "due this week" in row.title:
            # Seen at the morning's briefing; the overdue ones wait.
            Notification.objects.filter(pk=row.pk).update(read_at=run + dt.timedelta(hours=2))


def _doses(school, since: dt.date) -> None:
    """Doses refused or not given since `since`: the SENCO told as each was recorded; the
    latest still unread."""
    records = list(
        Administration.objects.filter(school=school, given_at__date__gte=since)
        .exclude(outcome=Administration.Outcome.GIVEN)
        .select_related("medicine", "pupil")
        .order_by("given_at")
    )
    for i, record in enumerate(records):
        latest = i == len(records) - 1
        told_at(
            lambda r=record: tell_senco_of_dose(r, r.medicine, r.pupil),
            record.recorded_at,
            read=None if latest else record.recorded_at + dt.timedelta(hours=3),
        )


def _flagged_session(school, since: dt.date) -> None:
    """The latest session a TA flagged for the teacher: the class teacher told."""
    flagged = (
        SessionPupil.objects.filter(
            session__school=school, flag_for_teacher=True, session__date__gte=since
        )
        .select_related("session", "pupil")
        .order_by("-session__date", "-session__recorded_at")
        .first()
    )
    if flagged is not None:
        told_at(
            lambda: tell_teachers_of_flag(flagged.session, flagged.pupil),
            flagged.session.recorded_at,
        )


def _homeschool(school) -> None:
    """The demo conversation's messages and the family's diary notes, told as written;
    read when the person's read receipt says (the newest diary note still unread)."""
    messages = list(
        Message.objects.filter(school=school).select_related("pupil").order_by("sent_at")
    )
    receipts = {
        (r.message_id, r.user_id): r.read_at
        for r in MessageRead.objects.filter(message__in=[m.pk for m in messages])
    }
    for message in messages:
        rows = told_at(
            lambda m=message: tell_about_message(m, m.pupil, m.from_parent), message.sent_at
        )
        for row in rows:
            Notification.objects.filter(pk=row.pk).update(
                read_at=receipts.get((message.pk, row.user_id))
            )
    home = (
        DiaryNote.objects.filter(school=school, from_home=True)
        .values("pupil_id", "date")
        .annotate(at=Min("written_at"))
        .order_by("at")
    )
    home = list(home)
    pupils = {m.pupil_id: m.pupil for m in messages}
    for i, day in enumerate(home):
        pupil = pupils.get(day["pupil_id"])
        if pupil is None:
            continue
        latest = i == len(home) - 1
        told_at(
            lambda p=pupil, d=day["date"]: tell_about_home_diary(p, d),
            day["at"],
            read=None if latest else day["at"] + dt.timedelta(minutes=50),
        )


def _emails(school) -> None:
    """The outbox as the worker left it: each e-mail sent a minute or two after what it told
    of; the SENCO's first e-mail of a dose not given gave up on the mail server."""
    emails = list(
        Email.objects.filter(school=school)
        .annotate(at=Min("told__notification__created"), kind=Min("told__notification__kind"))
        .order_by("at")
    )
    failed = next((e for e in emails if e.kind == "dose_not_given"), None)
    for email in emails:
        if email.at is None:
            continue
        if email is failed:
            Email.objects.filter(pk=email.pk).update(
                created=email.at, next_try=email.at + dt.timedelta(hours=2, minutes=36),
                status=Email.Status.FAILED, attempts=5, last_error=MAIL_DOWN,
            )  # fmt: skip
            continue
        Email.objects.filter(pk=email.pk).update(
            created=email.at, next_try=email.at, status=Email.Status.SENT, attempts=1,
            sent_at=email.at + dt.timedelta(minutes=1),
        )  # fmt: skip


def make_notifications(data) -> None:
    """data: the generator's SchoolData for the demo school. One transaction: the outbox's
    hand-over to the worker (on commit) finds every e-mail already sent."""
    school, today = data.school, data.today
    days = SchoolDays()
    since = today - dt.timedelta(days=14)
    with transaction.atomic():
        head = data.staff.get("head")
        if head is not None:
            _expiring_training(head, today, days)
        _checks(school, today, days)
        _doses(school, since)
        _flagged_session(school, since)
        _homeschool(school)
        _emails(school)
