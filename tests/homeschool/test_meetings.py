"""A parent asks for a meeting; staff record the meeting with the family, its notes and
the actions agreed; the parent reads them. Parents' views before a review are the reviews
app's page: linked, not rebuilt."""

import datetime as dt
import uuid

from sendesk.homeschool.models import Meeting, MeetingAction, MeetingRequest
from sendesk.notifications.models import Notification
from tests.world import TODAY

from .conftest import text

PAGE = "/meetings/{}/"


def test_parent_asks_staff_record_parent_reads(world, as_user, client):
    pat = as_user(world.pat)
    r = pat.post(PAGE.format(world.ben.pk), {"about": "", "times": "Mornings"})
    assert r.status_code == 400 and "Say what you would like to talk about." in text(r)
    assert "Mornings" in text(r)  # what was typed stays
    r = pat.post(PAGE.format(world.ben.pk), {"about": "Lunchtimes", "times": "After 3"})
    assert r.status_code == 302
    request = MeetingRequest.objects.get()
    assert Notification.objects.filter(kind="homeschool_meeting_request", user=world.alice).exists()
    client.logout()
    alice = as_user(world.alice)
    assert "Lunchtimes" in text(alice.get(PAGE.format(world.ben.pk)))
    r = alice.post(PAGE.format(world.ben.pk), {
        "request": str(request.pk), "held_on": TODAY.isoformat(),
        "attendees": "Pat Parent, Alice Assistant", "notes": "We talked about the hall noise.",
        "actions": "Try ear defenders at lunch - Alice\nAsk Ben at home how it went - Pat",
    })  # fmt: skip
    assert r.status_code == 302, text(r)
    meeting = Meeting.objects.get()
    assert meeting.request == request
    agreed = list(MeetingAction.objects.order_by("order").values_list("text", "who"))
    assert agreed == [
        ("Try ear defenders at lunch", "Alice"),
        ("Ask Ben at home how it went", "Pat"),
    ]
    assert Notification.objects.filter(user=world.pat, url=PAGE.format(world.ben.pk)).exists()
    client.logout()
    page = text(as_user(world.pat).get(PAGE.format(world.ben.pk)))
    assert "We talked about the hall noise." in page and "Try ear defenders at lunch" in page
    assert "You asked to meet" not in page  # answered


def test_a_meeting_needs_a_past_day_and_notes(world, as_user):
    alice = as_user(world.alice)
    later = (TODAY + dt.timedelta(days=2)).isoformat()
    r = alice.post(PAGE.format(world.ben.pk), {"held_on": later, "attendees": "", "notes": "x"})
    assert r.status_code == 400
    assert "has not come" in text(r) and "Say who was at the meeting." in text(r)
    assert not Meeting.objects.exists()


def test_parents_cannot_record_and_staff_cannot_request(world, as_user, client):
    r = as_user(world.pat).post(PAGE.format(world.ben.pk), {
        "held_on": TODAY.isoformat(), "attendees": "Me", "notes": "Made up"})  # fmt: skip
    assert r.status_code == 400 and not Meeting.objects.exists()  # read as a request: no 'about'
    client.logout()
    r = as_user(world.alice).post(PAGE.format(world.ben.pk), {"about": "x"})
    assert r.status_code == 400 and not MeetingRequest.objects.exists()


def test_out_of_scope_is_missing(world, as_user, client):
    for person, hidden in ((world.bob, world.ben), (world.pat, world.cara)):
        client.logout()
        c = as_user(person)
        out, ghost = c.get(PAGE.format(hidden.pk)), c.get(PAGE.format(uuid.uuid4()))
        assert (out.status_code, out.content) == (404, ghost.content)


def test_the_senco_hears_of_a_request_and_finds_it_in_the_inbox_until_answered(
    world, as_user, client
):
    r = as_user(world.pat).post(PAGE.format(world.ben.pk), {"about": "Swimming", "times": ""})
    assert r.status_code == 302
    told = set(
        Notification.objects.filter(kind="homeschool_meeting_request").values_list(
            "user_id", flat=True
        )
    )
    assert {world.senco.pk, world.alice.pk} <= told
    client.logout()
    senco = as_user(world.senco)
    inbox = text(senco.get("/messages/"))
    assert "Meetings families asked for" in inbox and "Swimming" in inbox
    request = MeetingRequest.objects.get()
    r = senco.post(PAGE.format(world.ben.pk), {
        "request": str(request.pk), "held_on": TODAY.isoformat(),
        "attendees": "Pat Parent, Sam SENCO", "notes": "Swimming kit and changing.",
    })  # fmt: skip
    assert r.status_code == 302, text(r)
    assert "Swimming" not in text(senco.get("/messages/"))  # answered: off the list


def test_a_parent_never_sees_the_list_of_requests(world, as_user):
    as_user(world.pat).post(PAGE.format(world.ben.pk), {"about": "Swimming", "times": ""})
    page = text(as_user(world.pat).get("/messages/"))
    assert "Meetings families asked for" not in page
