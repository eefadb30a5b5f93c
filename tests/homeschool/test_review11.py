"""What the review of issue 11 found in the home-school pages, each as the people of the
test school meet it: who is told of a parent's words, pages that failed with a 500, double
submits, what is logged and audited, and the corrections the other side must hear of."""

import datetime as dt
import uuid

from django.utils import timezone

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.family.models import ParentLink
from sendesk.homeschool import services
from sendesk.homeschool.models import (
    Attachment,
    DiaryNote,
    Meeting,
    MeetingRequest,
    Message,
    Reachable,
)
from sendesk.notifications.models import Notification
from sendesk.pupils.models import Deployment
from sendesk.safeguarding.models import Concern
from sendesk.schools.models import Role, StaffRole
from tests.world import TODAY

from .conftest import conv, gps_jpeg, text, upload

MEETINGS = "/meetings/{}/"
DIARY = "/diary/{}/"


def send(client, pupil, body, **extra):
    return client.post(conv(pupil), {"body": body, **extra})


def told(kind):
    return set(Notification.objects.filter(kind=kind).values_list("user", flat=True))


# --- A5: who is told of a parent's message ----------------------------------------------


def test_a_parent_message_reaches_someone_who_can_read_it(world, as_user, client):
    send(as_user(world.alice), world.ben, "Ben had a good morning.")
    Reachable.objects.create(user=world.alice, school=world.school, hours="8 to 4",
                             updated_at=timezone.now())  # fmt: skip
    # Alice's time as Ben's 1:1 ends: he is no longer hers to read about.
    Deployment.objects.filter(staff=world.alice, pupil=world.ben).update(
        end=TODAY - dt.timedelta(days=1)
    )
    client.logout()
    pat = as_user(world.pat)
    assert "8 to 4" not in text(pat.get(conv(world.ben)))  # her hours are not offered
    send(pat, world.ben, "from pat")
    # Not Alice (who would get the child's name and a page she cannot open), but the
    # SENCO, who can read it.
    assert told("homeschool_parent_message") == {world.senco.pk}
    client.logout()
    assert as_user(world.alice).get(conv(world.ben)).status_code == 404
    client.logout()
    assert "from pat" in text(as_user(world.senco).get(conv(world.ben)))


# --- A6: the diary on a day long ago ----------------------------------------------------------


def test_the_diary_on_a_day_long_before_it_began_is_a_400(world, as_user, ben_diary):
    senco = as_user(world.senco)
    for day in ("0001-01-03", "1999-05-01"):
        r = senco.get(DIARY.format(world.ben.pk), {"date": day})
        assert r.status_code == 400, day
        assert "The diary holds nothing before" in text(r)
    # The week before the first day it can hold links to that day, not earlier.
    first = (TODAY - dt.timedelta(days=14)).isoformat()
    r = senco.get(DIARY.format(world.ben.pk), {"date": first})
    assert r.status_code == 200 and f'href="?date={first}"' in text(r)


# --- A7: passing a message to the DSL with a note too long --------------------------------------


def test_a_note_too_long_for_the_dsl_says_why_and_passes_nothing(world, as_user):
    send(as_user(world.pat), world.ben, "His uncle shouted again.")
    message = Message.objects.get()
    alice = as_user(world.alice)
    path = f"/messages/{world.ben.pk}/{message.pk}/concern/"
    r = alice.post(path, {"note": "x" * 50_000}, follow=True)
    assert r.status_code == 200
    assert "Not passed to the DSL" in text(r) and "2,000 characters" in text(r)
    assert not Concern.objects.exists()
    assert alice.post(path, {"note": "Told Sam."}).status_code == 302
    assert Concern.objects.count() == 1


# --- A8: notification ids no row can hold --------------------------------------------------


def test_a_notification_id_too_large_is_not_found(world, as_user, api):
    tess = as_user(world.tess)
    r = tess.post("/notifications/read/", {"id": str(2**70)}, follow=True)
    assert r.status_code == 200 and "That notification was not found." in text(r)
    r = tess.post("/notifications/read/", {"id": "-3"}, follow=True)
    assert "That notification was not found." in text(r)
    r = api.post(world.tess, "/notifications/read", {"ids": [2**70]})
    assert r.status_code == 422
    assert api.post(world.tess, "/notifications/read", {"ids": [0]}).status_code == 422


# --- A9: the diary saved twice at once ----------------------------------------------------------


def _second_request_in_flight(monkeypatch, name):
    """The first look for the client_id answers before the other request has committed
    (what two requests in flight at once see); every later look is the real one."""
    real = getattr(services, name)
    calls = []

    def first_sees_nothing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            return [] if name == "_stored_notes" else None
        return real(*args, **kwargs)

    monkeypatch.setattr(services, name, first_sees_nothing)
    return calls


def test_a_diary_saved_twice_at_once_gives_the_stored_notes(world, as_user, api, ben_diary,
                                                            monkeypatch):  # fmt: skip
    cid = str(uuid.uuid4())
    body = {"client_id": cid, "date": TODAY.isoformat(), "notes": {"mood": "Calm", "food": "All"}}
    r = api.post(world.alice, f"/pupils/{world.ben.pk}/diary", body)
    assert r.status_code == 201
    _second_request_in_flight(monkeypatch, "_stored_notes")
    r = api.post(world.alice, f"/pupils/{world.ben.pk}/diary", body)
    assert r.status_code == 200
    assert sorted(n["section"] for n in r.json()) == ["food", "mood"]
    assert DiaryNote.objects.count() == 2
    # On the web too: the double tap on Save lands on the day, saved once.
    monkeypatch.undo()
    alice = as_user(world.alice)
    form = {"client_id": cid, "date": TODAY.isoformat(), "mood": "Calm"}
    _second_request_in_flight(monkeypatch, "_stored_notes")
    assert alice.post(DIARY.format(world.ben.pk), form).status_code == 302
    assert DiaryNote.objects.count() == 2


# --- A10: meetings asked for and recorded twice ---------------------------------------------------


def test_asking_for_a_meeting_twice_stores_one_request(world, as_user):
    pat = as_user(world.pat)
    page = text(pat.get(MEETINGS.format(world.ben.pk)))
    assert 'name="client_id"' in page
    form = {"about": "Lunchtimes", "times": "", "client_id": str(uuid.uuid4())}
    assert pat.post(MEETINGS.format(world.ben.pk), form).status_code == 302
    r = pat.post(MEETINGS.format(world.ben.pk), form, follow=True)
    assert r.status_code == 200 and "You have asked already" in text(r)
    assert MeetingRequest.objects.count() == 1
    assert Notification.objects.filter(kind="homeschool_meeting_request").count() == len(
        told("homeschool_meeting_request")
    )  # one each


def test_recording_a_meeting_twice_stores_one_and_tells_the_family_once(world, as_user, client):
    as_user(world.pat).post(MEETINGS.format(world.ben.pk), {"about": "Swimming"})
    request = MeetingRequest.objects.get()
    client.logout()
    alice = as_user(world.alice)
    form = {"request": str(request.pk), "held_on": TODAY.isoformat(), "attendees": "Pat, Alice",
            "notes": "We talked.", "client_id": str(uuid.uuid4())}  # fmt: skip
    assert alice.post(MEETINGS.format(world.ben.pk), form).status_code == 302
    r = alice.post(MEETINGS.format(world.ben.pk), form, follow=True)
    assert r.status_code == 200 and "This meeting was saved already." in text(r)
    assert Meeting.objects.count() == 1
    assert Notification.objects.filter(user=world.pat, title__startswith="Notes of").count() == 1
    # Someone else answering the same request afterwards is told plainly, not a 500.
    client.logout()
    r = as_user(world.senco).post(MEETINGS.format(world.ben.pk),
                                  {**form, "client_id": str(uuid.uuid4())})  # fmt: skip
    assert r.status_code == 400 and "That request has been answered already." in text(r)
    assert Meeting.objects.count() == 1


def test_a_second_answer_to_a_request_racing_the_first_is_a_clear_400(world, as_user, client,
                                                                       monkeypatch):  # fmt: skip
    as_user(world.pat).post(MEETINGS.format(world.ben.pk), {"about": "Swimming"})
    request = MeetingRequest.objects.get()
    client.logout()
    form = {"request": str(request.pk), "held_on": TODAY.isoformat(), "attendees": "Pat",
            "notes": "We talked."}  # fmt: skip
    assert as_user(world.alice).post(MEETINGS.format(world.ben.pk), form).status_code == 302
    client.logout()
    # The SENCO's form was checked before Alice's meeting was saved.
    monkeypatch.setattr(services, "_request_named", lambda *a: request)
    r = as_user(world.senco).post(MEETINGS.format(world.ben.pk), form)
    assert r.status_code == 400 and "That request has been answered already." in text(r)
    assert Meeting.objects.count() == 1


def test_a_garbled_request_id_is_a_form_error(world, as_user):
    alice = as_user(world.alice)
    r = alice.post(MEETINGS.format(world.ben.pk), {
        "request": "not-an-id", "held_on": TODAY.isoformat(), "attendees": "Pat",
        "notes": "Kept as typed"})  # fmt: skip
    assert r.status_code == 400
    assert "Choose the request from the list." in text(r) and "Kept as typed" in text(r)
    assert not Meeting.objects.exists()


# --- A11, B9: the photo ---------------------------------------------------------------------


def test_opening_a_photo_is_logged_and_a_lost_file_is_missing(world, as_user, client,
                                                              evidence_dir):  # fmt: skip
    send(as_user(world.pat), world.ben, "Look", photo=upload(gps_jpeg()))
    photo = Attachment.objects.get()
    client.logout()
    alice = as_user(world.alice)
    before = AccessEvent.objects.filter(actor=world.alice, what="home-school photo").count()
    assert alice.get(f"/messages/photos/{photo.pk}/").status_code == 200
    logged = AccessEvent.objects.filter(actor=world.alice, what="home-school photo")
    assert logged.count() == before + 1 and logged.get().pupil == world.ben
    (evidence_dir / photo.path).unlink()
    assert alice.get(f"/messages/photos/{photo.pk}/").status_code == 404


# --- B2: settings that are audited ----------------------------------------------------------


def test_reachable_hours_and_notification_choices_are_audited(world, as_user):
    alice = as_user(world.alice)
    assert alice.post("/messages/reachable/", {"hours": "8 to 4"}).status_code == 302
    assert alice.post("/messages/reachable/", {"hours": "8 to 3"}).status_code == 302
    rows = AuditEvent.objects.filter(object_type="homeschool.reachable", actor=world.alice)
    assert [r.action for r in rows.order_by("at", "pk")] == ["create", "update"]
    assert rows.order_by("pk").last().after["hours"] == "8 to 3"
    r = alice.post("/notifications/settings/", {"how-homeschool_parent_message": "email"})
    assert r.status_code == 302
    row = AuditEvent.objects.get(object_type="notifications.preference", actor=world.alice)
    assert (row.school_id, row.after["how"]) == (world.school.pk, "email")
    # Saving the same choice again changes nothing, so writes nothing.
    alice.post("/notifications/settings/", {"how-homeschool_parent_message": "email"})
    assert AuditEvent.objects.filter(object_type="notifications.preference").count() == 1


# --- B4: a correction is told ---------------------------------------------------------------


def test_the_family_hears_of_a_correction(world, as_user, client):
    alice = as_user(world.alice)
    send(alice, world.ben, "Pick up at 3pm.")
    message = Message.objects.get()
    r = alice.post(f"/messages/{world.ben.pk}/{message.pk}/correct/",
                   {"body": "Pick up at 2pm.", "reason": "Early close"})  # fmt: skip
    assert r.status_code == 302
    titles = list(Notification.objects.filter(user=world.pat).values_list("title", flat=True))
    assert "The school corrected a message about Ben" in titles


# --- B5: My day's lines from home -------------------------------------------------------------


def test_my_day_shows_home_only_for_pupils_in_scope_and_logs_it(world, as_user, client, ben_diary):
    DiaryNote.objects.create(
        school=world.school, pupil=world.ben, date=TODAY, section="morning",
        text="Slept badly.", by=world.pat, from_home=True, written_at=timezone.now(),
    )  # fmt: skip
    # Olga works at the other school; a deployment row to Ben does not make him hers.
    Deployment.objects.create(school=world.school, staff=world.olga, kind="one_to_one",
                              pupil=world.ben, start=TODAY - dt.timedelta(days=3))  # fmt: skip
    olga = as_user(world.olga)
    assert "Slept badly." not in text(olga.get("/my-day/"))
    client.logout()
    assert "Slept badly." in text(as_user(world.alice).get("/my-day/"))
    assert AccessEvent.objects.filter(
        actor=world.alice, pupil=world.ben, what="home-school diary"
    ).exists()


# --- B7: a retry that loses the race about another child --------------------------------------


def test_a_client_id_reused_for_another_child_in_a_race_is_a_conflict(world, as_user, api,
                                                                      monkeypatch):  # fmt: skip
    ParentLink.objects.create(user=world.pat, pupil=world.dan, relationship="Father")
    cid = str(uuid.uuid4())
    r = api.post(world.pat, f"/pupils/{world.ben.pk}/messages", {"client_id": cid, "body": "Ben"})
    assert r.status_code == 201
    _second_request_in_flight(monkeypatch, "_stored_once")
    r = api.post(world.pat, f"/pupils/{world.dan.pk}/messages", {"client_id": cid, "body": "Dan"})
    assert r.status_code == 409 and "Ben" not in r.content.decode()
    assert Message.objects.count() == 1


# --- Section C ------------------------------------------------------------------------------


def test_a_replay_answers_with_the_message_as_it_stands(world, as_user, api):
    cid = str(uuid.uuid4())
    path = f"/pupils/{world.ben.pk}/messages"
    assert api.post(world.pat, path, {"client_id": cid, "body": "At 3pm"}).status_code == 201
    message = Message.objects.get()
    as_user(world.pat).post(f"/messages/{world.ben.pk}/{message.pk}/correct/",
                            {"body": "At 2pm", "reason": "Wrong time"})  # fmt: skip
    r = api.post(world.pat, path, {"client_id": cid, "body": "At 3pm"})
    assert r.status_code == 200
    assert (r.json()["body"], r.json()["corrected"]) == ("At 2pm", True)


def test_the_correction_page_is_logged(world, as_user):
    pat = as_user(world.pat)
    send(pat, world.ben, "Hello")
    message = Message.objects.get()
    before = AccessEvent.objects.filter(actor=world.pat).count()
    assert pat.get(f"/messages/{world.ben.pk}/{message.pk}/correct/").status_code == 200
    assert AccessEvent.objects.filter(actor=world.pat).count() == before + 1


def test_the_consent_api_logs_its_reading_as_the_api(world, api):
    assert api.get(world.senco, f"/pupils/{world.ben.pk}/consents").status_code == 200
    row = AccessEvent.objects.filter(actor=world.senco, what="consent (API)").get()
    assert row.via == "api"


def test_staff_of_two_schools_set_hours_at_each(world, as_user):
    StaffRole.objects.create(user=world.senco, school=world.other, role=Role.SENCO)
    senco = as_user(world.senco)
    page = text(senco.get("/messages/reachable/"))
    assert "Other School" in page
    r = senco.post("/messages/reachable/", {"hours": "Fridays", "school": str(world.other.pk)})
    assert r.status_code == 302
    assert senco.post("/messages/reachable/", {"hours": "Mon-Thu"}).status_code == 302
    hours = dict(Reachable.objects.filter(user=world.senco).values_list("school", "hours"))
    assert hours == {world.other.pk: "Fridays", world.school.pk: "Mon-Thu"}
    # A school that is not theirs is not there.
    r = senco.post("/messages/reachable/", {"hours": "x", "school": "999999"})
    assert r.status_code == 404


def test_staff_who_are_parents_see_both_inboxes(world, as_user, client):
    ParentLink.objects.create(user=world.tess, pupil=world.olly, relationship="Mother")
    send(as_user(world.pat), world.ben, "About Ben")
    client.logout()
    tess = as_user(world.tess)
    send(tess, world.olly, "About my own Olly")
    page = text(tess.get("/messages/"))
    assert "Messages with families" in page and "Ben Brown" in page  # Ben is in 3A, hers
    assert "About your own children" in page and "Olly Oak" in page
