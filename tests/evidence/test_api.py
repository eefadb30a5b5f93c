"""The evidence endpoints as a tablet uses them: POST a photo (multipart), GET the file
back; out of scope is 404, as nonexistent; no consent and an oversized file are refused
with messages a person can act on."""

import io
import uuid

import pytest
from PIL import Image

from sendesk.audit.models import AccessEvent
from sendesk.evidence.models import Evidence
from tests.api.conftest import Api

from .conftest import give_consent, gps_jpeg, has_gps, upload


@pytest.fixture
def api(client):
    return Api(client)


def _post(api, person, pupil, **fields):
    return api.client.post(f"/api/v1/pupils/{pupil.pk}/evidence", fields, **api._auth(person))


def test_a_tablet_posts_a_photo_and_reads_it_back(world, api, ben_session):
    give_consent(world, world.ben)
    r = _post(
        api, world.alice, world.ben, file=upload(gps_jpeg()), caption="Tower of blocks",
        session_id=str(ben_session.pk), target_ids=[str(world.t1.pk), str(world.t2.pk)],
    )  # fmt: skip
    assert r.status_code == 201, r.content
    evidence = Evidence.objects.get(pk=r.json()["id"])
    assert r.json() == {"id": str(evidence.pk)}
    assert set(evidence.targets.all()) == {world.t1, world.t2}
    assert evidence.session == ben_session and evidence.caption == "Tower of blocks"

    got = api.get(world.alice, f"/evidence/{evidence.pk}/file")
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    data = b"".join(got.streaming_content)
    assert not has_gps(data)
    Image.open(io.BytesIO(data)).verify()
    assert AccessEvent.objects.filter(pupil=world.ben, what="evidence file", via="api").exists()


def test_out_of_scope_is_404_as_nonexistent(world, api):
    give_consent(world, world.ben)
    r = _post(api, world.alice, world.ben, file=upload(gps_jpeg()))
    pk = r.json()["id"]
    for person in (world.bob, world.olga, world.tom):
        out = api.get(person, f"/evidence/{pk}/file")
        missing = api.get(person, f"/evidence/{uuid.uuid4()}/file")
        assert out.status_code == missing.status_code == 404
        assert out.json() == missing.json()
        refused = _post(api, person, world.ben, file=upload(gps_jpeg()))
        assert refused.status_code == 404
    assert Evidence.objects.count() == 1


def test_no_consent_and_too_big_are_refused_in_words(world, api, settings):
    r = _post(api, world.alice, world.ben, file=upload(gps_jpeg()))
    assert r.status_code == 422
    assert "have not given consent for photos and video" in r.json()["errors"]["consent"]
    give_consent(world, world.ben)
    settings.EVIDENCE_MAX_BYTES = {**settings.EVIDENCE_MAX_BYTES, "photo": 2048}
    r = _post(api, world.alice, world.ben, file=upload(gps_jpeg()))
    assert r.status_code == 413
    assert "the largest SENDesk takes is 2 KB" in r.json()["errors"]["file"]
    assert not Evidence.objects.exists()


def test_bad_input_is_4xx_never_500(world, api):
    give_consent(world, world.ben)
    no_file = _post(api, world.alice, world.ben, caption="x")
    assert no_file.status_code in (400, 422)
    not_media = _post(api, world.alice, world.ben, file=upload(b"hello", "a.txt", "text/plain"))
    assert (
        not_media.status_code == 422
        and "can't read this file" in not_media.json()["errors"]["file"]
    )
    wrong_target = _post(
        api, world.alice, world.ben, file=upload(gps_jpeg()), target_ids=[str(uuid.uuid4())]
    )
    assert wrong_target.status_code == 422
    assert "own targets" in wrong_target.json()["errors"]["target_ids"]
    assert not Evidence.objects.exists()


def test_a_json_body_is_not_an_upload(world, api):
    give_consent(world, world.ben)
    r = api.post(world.alice, f"/pupils/{world.ben.pk}/evidence", {"caption": "x"})
    assert r.status_code == 422
    assert "file" in r.json()["errors"]
    assert not Evidence.objects.exists()
