"""Out of scope looks exactly like not there: 404 with the same body on the recorder page,
its endpoint, the API and an observation's page, and nothing written, no access row."""

import uuid

import pytest

from sendesk.audit.models import AccessEvent
from sendesk.behaviour.models import Observation
from tests.second_factor import verified_login

from .conftest import abc, rows

# Who may not record for whom: TAs beyond their deployment, a teacher's pupil in another
# class, another school's SENCO, the DSL (sees the school, records nothing), nobody.
OUT_OF_SCOPE = [
    ("alice", "cara"), ("alice", "dan"), ("bob", "ben"), ("olga", "ben"), ("tom", "ben"),
    ("hana", "ben"), ("tess", "cara"), ("dsl", "ben"), ("nobody", "ben"), ("senco", "olly"),
]  # fmt: skip


@pytest.mark.parametrize("person,pupil", OUT_OF_SCOPE)
def test_recording_out_of_scope_is_404_and_writes_nothing(world, recorder, client, person, pupil):
    user, pupil = getattr(world, person), getattr(world, pupil)
    before = rows()
    verified_login(client, user)
    missing = client.get(f"/pupils/{uuid.uuid4()}/observe/")
    assert missing.status_code == 404

    page = client.get(f"/pupils/{pupil.pk}/observe/")
    assert (page.status_code, page.content) == (404, missing.content)
    posted = recorder.page(user, pupil, abc())
    assert (posted.status_code, posted.content) == (404, missing.content)
    form = client.post(f"/pupils/{pupil.pk}/observe/", {"manual-date": "2026-11-18"})
    assert (form.status_code, form.content) == (404, missing.content)

    api_missing = recorder.via_api(user, pupil, abc(client_id=str(uuid.uuid4())) | {
        "pupil_id": str(uuid.uuid4())})  # fmt: skip
    api = recorder.via_api(user, pupil, abc())
    assert (api.status_code, api.json()) == (404, {"detail": "Not Found"})
    assert api.content == api_missing.content
    assert rows() == before
    assert not AccessEvent.objects.filter(actor=user).exists()


def test_bad_input_out_of_scope_is_still_404(world, recorder):
    # The service judges no value for a pupil one may not see (the API's schema checks
    # only the shape of the body, which says nothing about the pupil).
    w = world
    r = recorder.via_api(w.alice, w.cara, abc(method="anecdote", ended_at="2026-11-18T23:00Z"))
    assert (r.status_code, r.json()) == (404, {"detail": "Not Found"})


def test_garbled_pupil_id_in_the_api_is_404(world, recorder):
    r = recorder.via_api(world.alice, world.ben, abc() | {"pupil_id": "not-an-id"})
    assert r.status_code == 422  # a malformed id in the body is bad input, said so
    assert "pupil_id" in r.json()["errors"]


VIEWERS = {
    # Those who see Ben: his TA, his teacher, the SENCO, head and DSL (read).
    "alice": 200, "tess": 200, "senco": 200, "head": 200, "dsl": 200,
    "bob": 404, "tom": 404, "hana": 404, "olga": 404, "nobody": 404,
}  # fmt: skip


@pytest.mark.parametrize("person", VIEWERS)
def test_observation_page_through_the_scope(world, recorder, client, person):
    w = world
    recorder.page(w.alice, w.ben, abc())
    obs = Observation.objects.get()
    user = getattr(w, person)
    verified_login(client, user)
    missing = client.get(f"/observations/{uuid.uuid4()}/")
    garbled = client.get("/observations/not-an-id/")
    assert missing.status_code == garbled.status_code == 404
    r = client.get(f"/observations/{obs.pk}/")
    assert r.status_code == VIEWERS[person]
    seen = list(AccessEvent.objects.filter(actor=user).values_list("pupil", "what", "via"))
    if VIEWERS[person] == 200:
        assert "Pushed the book away (1)" in r.content.decode()
        assert seen == [(w.ben.pk, "observation", "web")]
    else:
        assert r.content == missing.content
        assert seen == []


def test_logged_out_is_sent_to_log_in(world, client):
    r = client.get(f"/pupils/{world.ben.pk}/observe/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
