"""The demo's notifications and parent@'s meetings (issue 11): each demo login opens
SENDesk to a believable handful in the bell, dated on recent school days, some read and
some not, every one's link opening for its person; parent@ reads a meeting held with the
school and sees the next one they asked for."""

import datetime as dt
from collections import defaultdict

import pytest
from django.utils import timezone
from django.utils.html import escape

from sendesk.demo.generator import SchoolDays
from sendesk.family.models import ParentLink
from sendesk.homeschool.models import Meeting, MeetingRequest
from sendesk.notifications.models import Email, Notification
from sendesk.plans.models import Target
from tests.world import TODAY

from ..second_factor import verified_login
from .test_demo_care import login

pytestmark = pytest.mark.usefixtures("seeded")


def _by_person():
    rows = defaultdict(list)
    for n in Notification.objects.select_related("user").order_by("created"):
        rows[n.user.email.split("@")[0]].append(n)
    return rows


def test_each_demo_login_has_a_believable_handful():
    rows = _by_person()
    kinds = {who: {n.kind for n in ns} for who, ns in rows.items()}
    assert {"referral_overdue", "dose_not_given", "ri_parents_overdue"} <= kinds["senco"]
    assert {
        "homeschool_parent_message", "homeschool_diary_home", "homeschool_meeting_request",
    } <= kinds["ta1"]  # fmt: skip
    assert kinds["parent"] == {"homeschool_school_message"}
    assert "training_expiring" in kinds["head"]
    assert "ep" not in rows  # no new work for the psychologist
    # The CAMHS referral past its timescale, told of the first school day after it was due.
    [late] = [n for n in rows["senco"] if n.kind == "referral_overdue"]
    assert "North Riverside CAMHS" in late.title
    # A handful each, some read and some not.
    for who in ("senco", "ta1", "head", "parent"):
        assert 1 <= len(rows[who]) <= 12, who
    for who in ("senco", "ta1"):
        assert {n.read_at is None for n in rows[who]} == {True, False}, who
    # Only people of the demo school: one teacher told of the session a TA flagged.
    [flagged] = Notification.objects.filter(kind="session_flagged")
    assert flagged.user.email.startswith("teacher")


def test_every_notification_is_dated_on_a_recent_school_day_and_read_after_it():
    days, now = SchoolDays(), timezone.now()
    for n in Notification.objects.all():
        when = timezone.localtime(n.created)
        assert days.is_school_day(when.date()), (n.title, when)
        assert TODAY - dt.timedelta(days=21) <= when.date() and n.created <= now, n.title
        assert n.read_at is None or n.created <= n.read_at <= now, n.title


@pytest.mark.parametrize("who", ["senco", "ta1", "parent", "head", "ep", "ta2"])
def test_every_notification_opens_for_its_person(client, who):
    person = login(who)
    verified_login(client, person)
    page = client.get("/notifications/")
    assert page.status_code == 200
    mine = list(Notification.objects.filter(user=person))
    for n in mine:
        assert escape(n.title) in page.content.decode()
        assert client.get(n.url).status_code == 200, (who, n.url)
    unread = sum(n.read_at is None for n in mine)
    assert page.context["unread"] == unread


def test_the_flagged_session_opens_for_its_teacher(client):
    [flagged] = Notification.objects.filter(kind="session_flagged").select_related("user")
    verified_login(client, flagged.user)
    assert client.get(flagged.url).status_code == 200


def test_the_outbox_is_as_the_worker_left_it_and_the_head_sees_the_failed_email(client):
    # Nothing waits to be sent: starting the worker sends no old news.
    assert set(Email.objects.values_list("status", flat=True)) == {"sent", "failed"}
    [failed] = Email.objects.filter(status=Email.Status.FAILED).select_related("user")
    assert failed.user == login("senco") and failed.attempts == 5
    verified_login(client, login("head"))
    page = client.get("/notifications/").content.decode()
    assert "E-mails that could not be sent" in page and escape(failed.user.full_name) in page


def test_parent_reads_the_meeting_held_and_sees_the_one_asked_for(client):
    link = ParentLink.objects.select_related("pupil").get(user=login("parent"))
    pupil = link.pupil
    [meeting] = Meeting.objects.filter(pupil=pupil)
    assert SchoolDays().is_school_day(meeting.held_on) and meeting.held_on < TODAY
    assert meeting.request is not None and meeting.request.requested_at.date() < meeting.held_on
    # The notes agree with the child's plan: they quote its targets.
    targets = Target.objects.filter(plan__pupil=pupil, plan__status="active")
    assert any(t.text[1:].rstrip(".") in meeting.notes for t in targets)
    assert meeting.actions.count() >= 3
    [waiting] = MeetingRequest.objects.filter(pupil=pupil, meeting__isnull=True)
    verified_login(client, login("parent"))
    page = client.get(f"/meetings/{pupil.pk}/").content.decode()
    assert "You asked to meet" in page and escape(waiting.about.split(",")[0]) in page
    assert f"Meeting on {meeting.held_on:%A %-d %B %Y}" in page
    assert "What was agreed" in page
    for action in meeting.actions.all():
        assert escape(action.text) in page
