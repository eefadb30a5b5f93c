"""GET/POST /api/v1/pupils/{id}/messages: parents for their own child, staff in scope; any
other pupil answers 404 exactly like one that does not exist."""

import uuid

import pytest

from sendesk.homeschool.models import Message


def path(pupil_id) -> str:
    return f"/pupils/{pupil_id}/messages"


def test_parent_posts_and_a_retry_is_one_message(world, api):
    body = {"client_id": str(uuid.uuid4()), "body": "Ben has a dentist visit at 2pm."}
    r = api.post(world.pat, path(world.ben.pk), body)
    assert r.status_code == 201, r.content
    assert r.json()["from_parent"] is True and r.json()["body"] == body["body"]
    again = api.post(world.pat, path(world.ben.pk), body)
    assert again.status_code == 200 and again.json()["id"] == r.json()["id"]
    assert Message.objects.count() == 1


def test_staff_read_the_conversation_and_the_receipt_is_written(world, api):
    api.post(world.alice, path(world.ben.pk), {"client_id": str(uuid.uuid4()), "body": "Hi"})
    assert api.get(world.alice, path(world.ben.pk)).json()[0]["read_by_other_at"] is None
    listed = api.get(world.pat, path(world.ben.pk))
    assert listed.status_code == 200
    assert [m["body"] for m in listed.json()] == ["Hi"]
    assert api.get(world.alice, path(world.ben.pk)).json()[0]["read_by_other_at"] is not None


def test_bad_input_is_422_with_the_field(world, api):
    r = api.post(world.pat, path(world.ben.pk), {"client_id": str(uuid.uuid4()), "body": ""})
    assert r.status_code == 422 and "body" in r.json()["errors"]
    assert not Message.objects.exists()


def test_a_client_id_of_someone_elses_message_is_a_conflict(world, api):
    cid = str(uuid.uuid4())
    api.post(world.pat, path(world.ben.pk), {"client_id": cid, "body": "Mine"})
    r = api.post(world.alice, path(world.ben.pk), {"client_id": cid, "body": "Theirs"})
    assert r.status_code == 409
    assert Message.objects.count() == 1


@pytest.mark.parametrize(("person", "hidden"), [("bob", "ben"), ("pat", "cara"), ("olga", "ben")])
def test_out_of_scope_is_byte_for_byte_missing(world, api, person, hidden):
    who = getattr(world, person)
    pupil_id = getattr(world, hidden).pk

    def post(p):
        return api.post(who, path(p), {"client_id": str(uuid.uuid4()), "body": "x"})

    for call in (lambda p: api.get(who, path(p)), post):
        out, ghost = call(pupil_id), call(uuid.uuid4())
        assert (out.status_code, out.content) == (404, ghost.content)
    assert not Message.objects.exists()
