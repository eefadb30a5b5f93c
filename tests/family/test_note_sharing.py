"""Staff choose which session notes a parent may read; the default is not shared. The
choice is made on the TA's quick form or in the API's session write, and changed later
only by an amendment, which keeps the old value."""

import uuid

import pytest
from django.test import Client

from sendesk.lib.errors import ServiceError
from sendesk.provision.models import SessionAmendment, SessionPupil
from sendesk.provision.services import session_amend
from tests.pages_ta.helpers import HTMX, quick_form
from tests.world import TODAY

from ..second_factor import verified_login
from .conftest import said

NOTE = "Loved the train barrier game"


def parent_sees(world, as_user) -> str:
    # Pat on a client of her own: the staff member's client stays logged in as them.
    pat = Client()
    verified_login(pat, world.pat)
    return said(pat.get(f"/family/children/{world.ben.pk}/"))


def test_the_quick_form_offers_the_choice_unticked(world, as_user):
    # My day shows each card folded; the form opens from it (or as its own page).
    response = as_user(world.alice).get(f"/sessions/record/{world.talk.pk}/")
    assert "Share note with parents" in said(response)
    raw = response.content.decode()
    assert 'name="note_shared_with_parents"' in raw
    assert 'name="note_shared_with_parents" id="c' in raw and '-share" value="on">' in raw


@pytest.mark.parametrize(("ticked", "shared"), [(None, False), ("on", True)])
def test_the_ta_shares_a_note_or_keeps_it(world, as_user, ticked, shared):
    client = as_user(world.alice)
    r = client.post(
        f"/sessions/record/{world.talk.pk}/",
        quick_form(note=NOTE, note_shared_with_parents=ticked),
        **HTMX,
    )
    assert r.status_code == 200
    sp = SessionPupil.objects.get()
    assert (sp.note, sp.note_shared_with_parents) == (NOTE, shared)
    assert (NOTE in parent_sees(world, as_user)) is shared


def test_a_failed_form_keeps_the_tick(world, as_user):
    r = as_user(world.alice).post(
        f"/sessions/record/{world.talk.pk}/",
        quick_form(note=NOTE, note_shared_with_parents="on", attendance=""),
        **HTMX,
    )
    assert r.status_code == 422
    assert 'name="note_shared_with_parents"' in r.content.decode()
    assert '-share" value="on" checked>' in r.content.decode()
    assert not SessionPupil.objects.exists()


def _session_body(world, **pupil):
    return {
        "client_id": str(uuid.uuid4()),
        "provision_id": str(world.talk.pk),
        "date": TODAY.isoformat(),
        "minutes": 30,
        "delivered": True,
        "pupils": [{"pupil_id": str(world.ben.pk), "attendance": "present", "note": NOTE,
                    **pupil}],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("sent", "shared"),
    [({}, False), ({"note_shared_with_parents": True}, True),
     ({"note_shared_with_parents": False}, False)],
)  # fmt: skip
def test_the_api_write_takes_the_choice_default_false(world, api, as_user, sent, shared):
    r = api.post(world.alice, "/sessions", _session_body(world, **sent))
    assert r.status_code == 201, r.content
    assert r.json()["pupils"][0]["note_shared_with_parents"] is shared
    assert SessionPupil.objects.get().note_shared_with_parents is shared
    assert (NOTE in parent_sees(world, as_user)) is shared


def test_the_api_refuses_a_choice_that_is_not_true_or_false(world, api):
    r = api.post(world.alice, "/sessions", _session_body(world, note_shared_with_parents="yes"))
    assert r.status_code == 422
    assert not SessionPupil.objects.exists()


def test_the_api_documents_the_choice(world, client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    field = schema["SessionPupilIn"]["properties"]["note_shared_with_parents"]
    assert field["type"] == "boolean" and field["default"] is False
    assert "parents" in field["description"]
    assert "note_shared_with_parents" not in schema["SessionPupilIn"].get("required", [])
    assert "note_shared_with_parents" in schema["SessionPupilOut"]["required"]


def _amend_form(sp, **changes):
    data = {
        "reason": "Mum asked to see how it went",
        "outcome": "delivered",
        "minutes": "30",
        "start_time": "",
        "p0_attendance": sp.attendance,
        "p0_response": "",
        "p0_note": sp.note,
        "p0_adaptations": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_sharing_later_is_an_amendment_that_keeps_the_old_value(world, as_user, record):
    session = record(world.alice, world.talk, note=NOTE)
    sp = session.pupils.get()
    assert sp.note_shared_with_parents is False
    assert NOTE not in parent_sees(world, as_user)
    client = as_user(world.alice)
    form = client.get(f"/sessions/{session.pk}/amend/").content.decode()
    assert 'name="p0_note_shared_with_parents"' in form and "Share this note with parents" in form

    r = client.post(
        f"/sessions/{session.pk}/amend/", _amend_form(sp, p0_note_shared_with_parents="on")
    )
    assert r.status_code == 302
    amendment = SessionAmendment.objects.get()
    assert amendment.changes == {f"pupil:{world.ben.pk}:note_shared_with_parents": [False, True]}
    assert amendment.amended_by == world.alice
    assert SessionPupil.objects.get().note_shared_with_parents is True
    assert NOTE in parent_sees(world, as_user)
    detail = said(client.get(f"/sessions/{session.pk}/"))
    assert "Ben Brown: note shared with parentsNoYes" in detail  # was No, changed to Yes
    assert "Shared with parents" in detail

    # And back: unsharing is a second amendment; the parent no longer sees it.
    r = client.post(f"/sessions/{session.pk}/amend/", _amend_form(sp, reason="Shared by mistake"))
    assert r.status_code == 302
    assert SessionAmendment.objects.count() == 2
    assert NOTE not in parent_sees(world, as_user)


def test_the_amendment_service_refuses_a_choice_that_is_not_true_or_false(world, record):
    session = record(world.alice, world.talk, note=NOTE)
    with pytest.raises(ServiceError) as exc:
        session_amend(
            actor=world.alice, session=session, reason="Share it", changes={},
            pupil_changes={str(world.ben.pk): {"note_shared_with_parents": "yes"}},
        )  # fmt: skip
    assert exc.value.errors == {
        f"pupil:{world.ben.pk}:note_shared_with_parents": (
            "Say whether the note is shared with parents."
        )
    }
    assert SessionPupil.objects.get().note_shared_with_parents is False
    assert not SessionAmendment.objects.exists()
