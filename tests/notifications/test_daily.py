"""The daily run: the scheduler starts it once a day after the daily hour (a second tick,
or a second scheduler, starts nothing); each app's scheduled check tells the right people
once; the digests go after the checks."""

import datetime as dt
import uuid

from django.core import mail
from django.core.management import call_command

from sendesk.behaviour import services as behaviour
from sendesk.notifications import daily
from sendesk.notifications.models import DailyRun, Email, Notification
from sendesk.staff.models import Training
from tests.conftest import LONDON
from tests.reviews.conftest import book
from tests.world import TODAY


def _at(hour, minute=0, day=TODAY):
    return dt.datetime.combine(day, dt.time(hour, minute), LONDON)


def test_the_scheduler_starts_the_day_once_after_the_hour(
    world, now, immediate_tasks, django_capture_on_commit_callbacks
):
    now.move_to(_at(6, 0))
    assert daily.tick() is False and not DailyRun.objects.exists()  # before 06:30
    now.move_to(_at(6, 31))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("notification_scheduler", "--once")
    run = DailyRun.objects.get()
    assert run.day == TODAY and run.finished is not None
    assert set(run.summary) == {*daily.scheduled_checks(), "digests"}
    assert daily.tick() is False  # already run today
    assert DailyRun.objects.count() == 1


def test_a_failing_check_is_logged_and_the_others_still_run(world, settings, monkeypatch):
    paths = ["sendesk.notifications.tests_missing.nothing", *daily.scheduled_checks()]
    monkeypatch.setattr(daily, "scheduled_checks", lambda: paths)
    summary = daily.run_checks(TODAY)
    assert summary["sendesk.notifications.tests_missing.nothing"] == "failed"
    assert all(isinstance(summary[p], int) for p in paths[1:])


def test_parents_not_told_of_a_restraint_tells_leaders_and_the_recorder_once(world, now):
    ri, _ = behaviour.intervention_record(
        actor=world.alice, client_id=uuid.uuid4(), pupil_id=world.ben.pk,
        staff=[(world.alice.pk, "lead")], kind="restraint",
        started_at=_at(13, 5, TODAY - dt.timedelta(days=3)), duration_minutes=4,
        location="Corridor", before="Ran at another pupil", deescalation="Calm voice",
        holds="Single elbow", reason="Imminent risk of injury",
    )  # fmt: skip
    assert daily.run_checks(TODAY)["sendesk.behaviour.checks.parents_not_told"] == 1
    told = Notification.objects.filter(kind="ri_parents_overdue")
    assert set(told.values_list("user_id", flat=True)) == {
        world.senco.pk, world.head.pk, world.alice.pk,
    }  # fmt: skip
    assert "Ben Brown: parents not told of a restraint" in told.first().title
    assert told.first().url == f"/interventions/{ri.pk}/" or str(ri.pk) in told.first().url
    daily.run_checks(TODAY)
    assert told.count() == 3  # once only


def test_a_review_step_due_this_week_is_told_to_the_senco(world):
    review = book(world)
    daily.run_checks(TODAY)
    titles = set(
        Notification.objects.filter(kind="review_step_due", user=world.senco).values_list(
            "title", flat=True
        )
    )
    assert "Ben Brown: invitations sent: due this week" in titles
    assert all(str(review.pk) in n.url for n in Notification.objects.filter(kind="review_step_due"))


def test_training_expiring_within_the_month_tells_the_person_once(world):
    Training.objects.filter(user=world.alice).update(expires_on=TODAY + dt.timedelta(days=10))
    daily.run_checks(TODAY)
    mine = Notification.objects.filter(kind="training_expiring")
    assert set(mine.values_list("user_id", flat=True)) == {world.alice.pk}
    count = mine.count()
    assert count >= 1
    daily.run_checks(TODAY)
    assert mine.count() == count


def test_the_days_checks_go_into_the_digest(
    world, now, immediate_tasks, django_capture_on_commit_callbacks
):
    book(world)
    with django_capture_on_commit_callbacks(execute=True):
        daily.run_day(TODAY)
    digest = Email.objects.get(user=world.senco, digest=True)
    assert digest.status == Email.Status.SENT
    assert "senco@test.example" in [m.to[0] for m in mail.outbox]
    assert all("Ben" not in m.body and "Brown" not in m.body for m in mail.outbox)
