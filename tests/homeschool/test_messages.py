"""One conversation per child between the family and the staff in scope: the SENCO sees
every conversation of the school; another child's answers exactly as a child who does not
exist; messages are records (corrections are amendments); a staff member passes a message
to the DSL in one step; read receipts; when staff are reachable."""

import uuid

import pytest
from django.db import IntegrityError, transaction

from sendesk.homeschool.models import Attachment, Message, MessageAmendment
from sendesk.homeschool.services import message_send
from sendesk.notifications.models import Notification
from sendesk.safeguarding.models import Concern
from tests.therapy.conftest import queries

from .conftest import conv, ghost_conv, give_consent, gps_jpeg, has_gps, text, upload


def send(client, pupil, body, **extra):
    return client.post(conv(pupil), {"body": body, **extra})


def test_parent_writes_and_the_1to1_ta_is_told(world, as_user):
    r = send(as_user(world.pat), world.ben, "Ben slept badly last night.")
    assert r.status_code == 302
    message = Message.objects.get()
    assert (message.author, message.from_parent, message.pupil) == (world.pat, True, world.ben)
    # Alice is Ben's 1:1: she hears of it; Bob, who supports nobody, does not.
    told = Notification.objects.filter(kind="homeschool_parent_message")
    assert set(told.values_list("user", flat=True)) == {world.alice.pk}
    assert told.get().url == conv(world.ben)
    body = text(as_user(world.alice).get(conv(world.ben)))
    assert "Ben slept badly last night." in body


def test_staff_reply_tells_the_parent_and_read_receipts_follow(world, as_user, client):
    send(as_user(world.alice), world.ben, "Thanks, we will keep the morning calm.")
    assert Notification.objects.filter(kind="homeschool_school_message", user=world.pat).exists()
    client.logout()
    assert "Not read yet" in text(as_user(world.alice).get(conv(world.ben)))
    client.logout()
    page = text(as_user(world.pat).get(conv(world.ben)))
    assert "Thanks, we will keep the morning calm." in page
    client.logout()
    assert "Read by the family" in text(as_user(world.alice).get(conv(world.ben)))


def test_the_senco_sees_every_conversation_of_the_school(world, as_user, client):
    send(as_user(world.pat), world.ben, "A question about the trip.")
    client.logout()
    r = as_user(world.senco).get("/messages/")
    assert r.status_code == 200 and "Ben" in text(r) and "1 new" in text(r)
    assert "A question about the trip." in text(as_user(world.senco).get(conv(world.ben)))


@pytest.mark.parametrize(("person", "hidden"), [("bob", "ben"), ("pat", "cara"),
                                                 ("olga", "ben"), ("theo", "ben")])  # fmt: skip
def test_out_of_scope_is_exactly_a_child_who_does_not_exist(world, as_user, person, hidden):
    client = as_user(getattr(world, person))
    pupil = getattr(world, hidden)
    for method in ("get", "post"):
        out = getattr(client, method)(conv(pupil), {"body": "hello"} if method == "post" else {})
        ghost = getattr(client, method)(ghost_conv(), {"body": "hello"} if method == "post" else {})
        assert (out.status_code, out.content) == (404, ghost.content)
    assert not Message.objects.exists()


def test_an_empty_message_keeps_nothing_and_says_why(world, as_user):
    r = send(as_user(world.pat), world.ben, "   ")
    assert r.status_code == 400
    assert 'class="error-summary"' in text(r) and "Write your message." in text(r)
    assert not Message.objects.exists()


def test_a_failed_photo_keeps_what_was_typed(world, as_user):
    r = send(as_user(world.pat), world.ben, "Here is the photo",
             photo=upload(b"not a picture", "x.jpg"))  # fmt: skip
    assert r.status_code == 400
    assert "Send a photo" in text(r) and "Here is the photo</textarea>" in text(r)
    assert not Message.objects.exists()


def test_a_staff_photo_needs_the_photo_consent(world, as_user, evidence_dir):
    r = send(as_user(world.alice), world.ben, "Ben at the sand tray", photo=upload(gps_jpeg()))
    assert r.status_code == 400 and "not given consent for photos" in text(r)
    assert not Message.objects.exists() and not Attachment.objects.exists()
    give_consent(world, world.ben)
    r = send(as_user(world.alice), world.ben, "Ben at the sand tray", photo=upload(gps_jpeg()))
    assert r.status_code == 302
    photo = Attachment.objects.get()
    stored = (evidence_dir / photo.path).read_bytes()
    assert not has_gps(stored)  # evidence's storing code: the position is gone


def test_the_photo_is_for_the_conversation_only(world, as_user, client):
    # A parent's own photo of their child is theirs to send: no school consent asked.
    send(as_user(world.pat), world.ben, "Look what he made", photo=upload(gps_jpeg()))
    photo = Attachment.objects.get()
    assert as_user(world.alice).get(f"/messages/photos/{photo.pk}/").status_code == 200
    client.logout()
    bob = as_user(world.bob)
    out, ghost = (
        bob.get(f"/messages/photos/{photo.pk}/"),
        bob.get(f"/messages/photos/{uuid.uuid4()}/"),
    )
    assert (out.status_code, out.content) == (404, ghost.content)


def test_a_correction_is_an_amendment_and_the_first_words_stay(world, as_user, client):
    send(as_user(world.pat), world.ben, "Pick up at 3pm on Friday.")
    message = Message.objects.get()
    path = f"/messages/{world.ben.pk}/{message.pk}/correct/"
    r = as_user(world.pat).post(path, {"body": "Pick up at 2pm on Friday.", "reason": ""})
    assert r.status_code == 400 and "Say why" in text(r)
    r = as_user(world.pat).post(path, {"body": "Pick up at 2pm on Friday.", "reason": "Wrong time"})
    assert r.status_code == 302
    message.refresh_from_db()
    assert message.body == "Pick up at 3pm on Friday."
    assert MessageAmendment.objects.get().body == "Pick up at 2pm on Friday."
    page = text(as_user(world.pat).get(conv(world.ben)))
    assert "Pick up at 2pm on Friday." in page and "Pick up at 3pm on Friday." in page
    client.logout()
    # Someone else's message is not theirs to correct.
    assert as_user(world.alice).post(path, {"body": "x", "reason": "y"}).status_code == 404
    assert MessageAmendment.objects.count() == 1


def test_the_database_refuses_to_edit_or_delete_a_message(world, as_user):
    send(as_user(world.pat), world.ben, "As sent.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.update(body="Rewritten")
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.all().delete()
    assert Message.objects.get().body == "As sent."


def test_a_message_becomes_a_concern_the_dsl_alone_sees(world, as_user, client):
    send(as_user(world.pat), world.ben, "His uncle shouted at him again.")
    message = Message.objects.get()
    client.logout()
    alice = as_user(world.alice)
    path = f"/messages/{world.ben.pk}/{message.pk}/concern/"
    assert alice.post(path).status_code == 302
    assert alice.post(path).status_code == 302  # twice: still one concern
    concern = Concern.objects.get()
    assert "His uncle shouted at him again." in concern.concern
    assert (concern.pupil, concern.reported_by) == (world.ben, world.alice)
    message.refresh_from_db()
    assert message.body == "His uncle shouted at him again."  # stays as sent
    client.logout()
    assert as_user(world.dsl).get(f"/safeguarding/concerns/{concern.pk}/").status_code == 200
    for person in (world.senco, world.pat):
        client.logout()
        c = as_user(person)
        assert c.get(f"/safeguarding/concerns/{concern.pk}/").status_code == 404
        assert "shouted" in text(c.get(conv(world.ben)))  # the message, unchanged
    # The family's page says nothing of it.
    client.logout()
    page = text(as_user(world.pat).get(conv(world.ben)))
    said = page.split('<ol class="hs-messages"')[1].split("</ol>")[0]
    assert "His uncle shouted at him again." in said
    assert (
        "concern" not in said.lower() and "DSL" not in said and "safeguarding" not in said.lower()
    )
    # A parent cannot pass anything to the DSL from here: that page does not exist for them.
    assert as_user(world.pat).post(path).status_code == 404
    assert Concern.objects.count() == 1


def test_staff_say_when_they_answer_and_parents_see_it(world, as_user, client):
    r = as_user(world.alice).post("/messages/reachable/", {"hours": ""})
    assert r.status_code == 400 and "Say when you usually answer" in text(r)
    r = as_user(world.alice).post("/messages/reachable/", {"hours": "Mon to Fri, 8:30 to 4"})
    assert r.status_code == 302
    client.logout()
    assert "Alice Assistant: Mon to Fri, 8:30 to 4" in text(as_user(world.pat).get(conv(world.ben)))


def test_the_conversation_costs_the_same_queries_however_long(world, as_user):
    alice = as_user(world.alice)
    message_send(actor=world.pat, pupil_id=world.ben.pk, body="One")
    alice.get(conv(world.ben))  # her receipts for what is there now
    before = queries(lambda: alice.get(conv(world.ben)))
    for n in range(4):
        message_send(actor=world.pat, pupil_id=world.ben.pk, body=f"More {n}")
        message_send(actor=world.alice, pupil_id=world.ben.pk, body=f"Reply {n}")
    alice.get(conv(world.ben))
    assert queries(lambda: alice.get(conv(world.ben))) == before
