"""E-mail: sent by the task worker from the outbox, as each person chose (at once, or one a
day); the words never carry a pupil's name or details; a failed send is tried again with
longer waits and, after the last try, shown to the head as failed: never lost silently."""

import datetime as dt

import pytest
from django.core import mail

from sendesk.notifications import tasks
from sendesk.notifications.digest import send_digests
from sendesk.notifications.models import Email, Preference


class Down:
    """A mail server that is down: every send raises."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def digest(django_capture_on_commit_callbacks):
    """The daily digest, committed (its e-mails go to the worker after commit)."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return send_digests(dt.datetime.now(dt.UTC))

    return run


@pytest.fixture
def mail_down(monkeypatch):
    monkeypatch.setattr(tasks, "get_connection", Down)


def test_a_parent_gets_an_email_at_once_without_the_childs_name(world, tell, immediate_tasks):
    tell([world.pat], title=f"{world.ben.name}: a new message from school", url="/family/")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["parent@test.example"]
    assert message.subject == "Something new in SENDesk"
    assert "There is something new for you in SENDesk." in message.body
    assert "http://testserver/notifications/" in message.body or "/notifications/" in message.body
    email = Email.objects.get()
    assert email.status == Email.Status.SENT and email.attempts == 1 and not email.digest


def test_a_teacher_by_default_gets_no_email(world, tell, immediate_tasks):
    tell([world.tess], title=f"{world.ben.name}: flagged")
    assert mail.outbox == [] and not Email.objects.exists()


def test_the_senco_gets_urgent_kinds_at_once_and_the_rest_in_a_digest(
    world, tell, immediate_tasks, digest
):
    tell([world.senco], kind="dose_not_given", title=f"{world.ben.name}: inhaler refused")
    assert len(mail.outbox) == 1  # urgent: at once
    tell([world.senco], kind="session_flagged", title=f"{world.ben.name}: one")
    tell([world.senco], kind="review_step_due", title=f"{world.ben.name}: two")
    assert len(mail.outbox) == 1  # not at once: waiting for the digest
    assert digest() == 1
    assert len(mail.outbox) == 2
    sent = Email.objects.get(digest=True)
    assert sent.told.count() == 2 and sent.status == Email.Status.SENT
    # Told once: a second digest finds nothing new.
    assert digest() == 0


def test_a_read_notification_is_left_out_of_the_digest(
    world, tell, immediate_tasks, as_user, digest
):
    tell([world.senco], kind="session_flagged", title="seen already")
    as_user(world.senco).post("/notifications/read/", {"all": "1"})
    assert digest() == 0 and mail.outbox == []


def test_a_person_who_chose_email_gets_it_and_one_who_chose_app_does_not(
    world, tell, immediate_tasks
):
    Preference.objects.create(user=world.tess, kind="session_flagged", how="email")
    Preference.objects.create(user=world.pat, kind="session_flagged", how="app")
    tell([world.tess, world.pat], title="x")
    assert [m.to for m in mail.outbox] == [["tess@test.example"]]


def test_a_failed_send_is_tried_again_then_shown_to_the_head(
    world, tell, immediate_tasks, mail_down, now, as_user, monkeypatch
):
    tell([world.pat], title="x", school_id=world.school.pk)
    email = Email.objects.get()
    assert email.status == Email.Status.QUEUED and email.attempts == 1
    assert "mail server down" in email.last_error
    # Not before its next try; then, after each wait, again, until it gives up.
    assert tasks.send_due.call() == 0
    for minutes in tasks.RETRY_AFTER_MINUTES:
        now.shift(dt.timedelta(minutes=minutes))
        tasks.send_due.call()
    email.refresh_from_db()
    assert email.status == Email.Status.FAILED
    assert email.attempts == len(tasks.RETRY_AFTER_MINUTES) + 1
    page = as_user(world.head).get("/notifications/").content.decode()
    assert "E-mails that could not be sent" in page and "Pat Parent" in page
    senco_page = as_user(world.senco).get("/notifications/").content.decode()
    assert "E-mails that could not be sent" not in senco_page


def test_a_retry_after_the_server_is_back_sends_it_once(
    world, tell, immediate_tasks, mail_down, now, monkeypatch
):
    tell([world.pat], title=world.ben.name)
    monkeypatch.undo()  # the server is back
    now.shift(dt.timedelta(minutes=1))
    assert tasks.send_due.call() == 1
    assert tasks.send_due.call() == 0
    assert len(mail.outbox) == 1
    assert Email.objects.get().status == Email.Status.SENT


def test_an_email_lost_with_its_worker_is_sent_by_the_sweep(world, now):
    email = Email.objects.create(user=world.pat, created=now_time(), next_try=now_time(),
                                 status=Email.Status.SENDING)  # fmt: skip
    assert tasks.send_due.call() == 0  # not stuck yet: maybe still sending
    now.shift(tasks.STUCK_AFTER + dt.timedelta(minutes=1))
    assert tasks.send_due.call() == 1
    email.refresh_from_db()
    assert email.status == Email.Status.SENT and len(mail.outbox) == 1


def now_time():
    return dt.datetime.now(dt.UTC)
