"""Adding evidence from a session on the pages, as the people of the world: the photo is
kept without its location, a thumbnail is made, and the file is answered only to those who
may see the pupil (out of scope is 404, as nonexistent)."""

import io
import uuid
from pathlib import Path

from PIL import Image

from sendesk.audit.models import AuditEvent
from sendesk.evidence.models import Evidence
from sendesk.pupils.models import TimelineEntry

from .conftest import XYZ, YESTERDAY, give_consent, gps_jpeg, has_gps, located_mp4, upload


def _add(client, pupil, data, **fields):
    return client.post(f"/pupils/{pupil.pk}/evidence/new/", {"file": data, **fields}, follow=False)


def test_ta_adds_a_photo_to_a_session_and_its_location_is_gone(
    world, as_user, ben_session, evidence_dir
):
    give_consent(world, world.ben)
    original = gps_jpeg()
    assert has_gps(original)
    client = as_user(world.alice)
    page = client.get(f"/pupils/{world.ben.pk}/evidence/new/?session={ben_session.pk}")
    assert page.status_code == 200
    assert b'accept="image/*,video/*,audio/*"' in page.content

    r = _add(
        client, world.ben, upload(original), caption="Built a tower of 8 blocks",
        session=str(ben_session.pk), targets=[str(world.t1.pk)],
    )  # fmt: skip
    assert r.status_code == 302
    evidence = Evidence.objects.get()
    assert r["Location"] == f"/evidence/{evidence.pk}/?added=1"
    assert (evidence.pupil, evidence.session, evidence.kind) == (world.ben, ben_session, "photo")
    assert list(evidence.targets.all()) == [world.t1]
    stored = (Path(evidence_dir) / evidence.path).read_bytes()
    assert not has_gps(stored)
    with Image.open(io.BytesIO(stored)) as im:
        assert not im.getexif()  # nothing of the camera's record is kept
        assert im.size == (640, 480)
    assert b"PhoneMaker" not in stored
    assert (Path(evidence_dir) / evidence.thumb_path).is_file()
    assert AuditEvent.objects.filter(object_type="evidence.evidence", action="create").count() == 1
    assert TimelineEntry.objects.filter(pupil=world.ben, kind="evidence").count() == 1

    detail = client.get(r["Location"])
    assert b"Saved" in detail.content and b"Built a tower of 8 blocks" in detail.content
    served = client.get(f"/evidence/{evidence.pk}/file/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == stored


def test_no_consent_refuses_a_photo_with_a_plain_message(world, as_user, evidence_dir):
    client = as_user(world.alice)
    r = _add(client, world.ben, upload(gps_jpeg()), caption="At the sand tray")
    assert r.status_code == 422
    assert b"Ben&#x27;s parents have not given consent for photos and video" in r.content
    assert b"At the sand tray" in r.content  # what was typed is kept
    assert not Evidence.objects.exists()
    assert not any(Path(evidence_dir).rglob("*.*")) if Path(evidence_dir).exists() else True


def test_withdrawn_consent_refuses_but_a_work_sample_is_taken(world, as_user):
    give_consent(world, world.ben, on=YESTERDAY)
    give_consent(world, world.ben, decision="withdrawn")
    client = as_user(world.alice)
    assert _add(client, world.ben, upload(gps_jpeg())).status_code == 422
    r = _add(client, world.ben, upload(gps_jpeg()), kind="work", caption="Worksheet")
    assert r.status_code == 302
    assert Evidence.objects.get().kind == "work"


def test_an_oversized_file_gets_a_clear_message(world, as_user, settings):
    give_consent(world, world.ben)
    settings.EVIDENCE_MAX_BYTES = {**settings.EVIDENCE_MAX_BYTES, "photo": 1024}
    r = _add(as_user(world.alice), world.ben, upload(gps_jpeg()))
    assert r.status_code == 413
    assert b"KB: the largest SENDesk takes is 1 KB. Take the photo again" in r.content
    assert not Evidence.objects.exists()


def test_a_file_that_is_not_media_is_refused(world, as_user):
    give_consent(world, world.ben)
    r = _add(as_user(world.alice), world.ben, upload(b"%PDF-1.4 not a photo", "x.jpg"))
    assert r.status_code == 422
    assert b"SENDesk can&#x27;t read this file" in r.content
    broken = _add(as_user(world.alice), world.ben, upload(b"\xff\xd8\xff\xe0 broken", "y.jpg"))
    assert broken.status_code == 422
    assert b"could not be read" in broken.content
    assert not Evidence.objects.exists()


def test_a_video_keeps_its_pictures_but_not_its_position(world, as_user, evidence_dir):
    give_consent(world, world.ben)
    original = located_mp4()
    assert XYZ in original
    r = _add(as_user(world.alice), world.ben, upload(original, "clip.mp4", "video/mp4"))
    assert r.status_code == 302
    evidence = Evidence.objects.get()
    stored = (Path(evidence_dir) / evidence.path).read_bytes()
    assert evidence.kind == "video" and evidence.content_type == "video/mp4"
    assert XYZ not in stored and b"udta" not in stored
    assert len(stored) == len(original)  # offsets into the media data stay right
    assert stored.endswith(b"\x01" * 500)


def test_a_session_of_another_pupil_is_refused(world, as_user, ben_session):
    give_consent(world, world.dan)
    r = _add(as_user(world.alice), world.dan, upload(gps_jpeg()), session=str(ben_session.pk))
    # Alice does not work with Dan: the page itself is out of her scope.
    assert r.status_code == 404
    r = _add(as_user(world.senco), world.dan, upload(gps_jpeg()), session=str(ben_session.pk))
    assert r.status_code == 422
    assert b"not a session Dan was in" in r.content


def _stored(world, as_user, ben_session):
    give_consent(world, world.ben)
    _add(as_user(world.alice), world.ben, upload(gps_jpeg()), session=str(ben_session.pk))
    return Evidence.objects.get()


def test_media_out_of_scope_is_404_like_nonexistent(world, as_user, ben_session, client):
    evidence = _stored(world, as_user, ben_session)
    ghost = uuid.uuid4()
    for person in (world.bob, world.tom, world.olga, world.nobody, world.theo, world.pat):
        c = as_user(person)
        for what in ("", "file/", "thumb/", "amend/"):
            out = c.get(f"/evidence/{evidence.pk}/{what}")
            missing = c.get(f"/evidence/{ghost}/{what}")
            assert out.status_code == missing.status_code == 404, (person, what)
        assert c.get(f"/pupils/{world.ben.pk}/evidence/").status_code == 404
        assert c.get(f"/pupils/{world.ben.pk}/evidence/new/").status_code == 404
    # Tess teaches Ben's class: she sees it; the SENCO too.
    for person in (world.tess, world.senco):
        assert as_user(person).get(f"/evidence/{evidence.pk}/file/").status_code == 200
    client.logout()
    assert client.get(f"/evidence/{evidence.pk}/file/").status_code == 302  # to sign in


def test_the_parent_sees_their_childs_photos_and_nobody_elses(world, as_user, ben_session):
    evidence = _stored(world, as_user, ben_session)
    pat = as_user(world.pat)
    page = pat.get(f"/family/children/{world.ben.pk}/")
    assert f"/family/children/{world.ben.pk}/evidence/{evidence.pk}/thumb/".encode() in page.content
    assert (
        pat.get(f"/family/children/{world.ben.pk}/evidence/{evidence.pk}/file/").status_code == 200
    )
    # The same evidence asked for as another child's, and staff URLs: 404.
    assert (
        pat.get(f"/family/children/{world.cara.pk}/evidence/{evidence.pk}/file/").status_code == 404
    )
    assert (
        as_user(world.senco)
        .get(f"/family/children/{world.ben.pk}/evidence/{evidence.pk}/file/")
        .status_code
        == 404
    )


def test_withdrawing_is_an_amendment_and_hides_it_from_the_parent(world, as_user, ben_session):
    evidence = _stored(world, as_user, ben_session)
    alice = as_user(world.alice)
    refused = alice.post(f"/evidence/{evidence.pk}/amend/", {"withdraw": "on", "reason": ""})
    assert refused.status_code == 422
    assert b"Say why the record is being corrected" in refused.content
    r = alice.post(
        f"/evidence/{evidence.pk}/amend/",
        {"caption": evidence.caption, "withdraw": "on", "reason": "Another child is in it"},
    )
    assert r.status_code == 302
    evidence.refresh_from_db()
    assert (
        evidence.withdrawn_by == world.alice
        and evidence.withdrawn_reason == "Another child is in it"
    )
    amendment = evidence.amendments.get()
    assert amendment.changes == {"withdrawn": [False, True]}
    assert AuditEvent.objects.filter(object_type="evidence.evidence", action="amend").count() == 1
    assert Path(evidence.path) and Evidence.objects.filter(pk=evidence.pk).exists()  # kept

    pat = as_user(world.pat)
    page = pat.get(f"/family/children/{world.ben.pk}/")
    assert str(evidence.pk).encode() not in page.content
    assert (
        pat.get(f"/family/children/{world.ben.pk}/evidence/{evidence.pk}/file/").status_code == 404
    )
    # Alice no longer opens it; the SENCO still does, marked withdrawn, with the reason.
    assert as_user(world.alice).get(f"/evidence/{evidence.pk}/file/").status_code == 404
    senco_page = as_user(world.senco).get(f"/evidence/{evidence.pk}/")
    assert b"Withdrawn" in senco_page.content and b"Another child is in it" in senco_page.content


def test_another_ta_cannot_withdraw_what_she_did_not_add(world, as_user, ben_session):
    evidence = _stored(world, as_user, ben_session)
    # Tess sees Ben but did not add it and does not oversee: she gets no correction page.
    assert as_user(world.tess).get(f"/evidence/{evidence.pk}/amend/").status_code == 404
    assert as_user(world.senco).get(f"/evidence/{evidence.pk}/amend/").status_code == 200


def test_the_session_page_offers_to_add_a_photo(world, as_user, ben_session):
    page = as_user(world.alice).get(f"/sessions/{ben_session.pk}/")
    assert f"/pupils/{world.ben.pk}/evidence/new/?session={ben_session.pk}".encode() in page.content


def test_the_session_page_shows_the_photos_taken_in_it_and_not_withdrawn_ones(
    world, as_user, ben_session
):
    evidence = _stored(world, as_user, ben_session)
    thumb = f"/evidence/{evidence.pk}/thumb/".encode()
    assert thumb in as_user(world.alice).get(f"/sessions/{ben_session.pk}/").content
    assert thumb in as_user(world.senco).get(f"/sessions/{ben_session.pk}/").content
    r = as_user(world.alice).post(
        f"/evidence/{evidence.pk}/amend/",
        {"caption": evidence.caption, "withdraw": "on", "reason": "Another child is in it"},
    )
    assert r.status_code == 302
    page = as_user(world.senco).get(f"/sessions/{ben_session.pk}/")
    assert page.status_code == 200 and thumb not in page.content
