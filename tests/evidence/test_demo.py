"""The demo school's evidence: photo consent for the pupils with pictures, and pictures
drawn by the generator on their delivered sessions, stored as real ones are (re-encoded,
thumbnailed); the demo parent sees their child's."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from sendesk.consent.selectors import allows
from sendesk.evidence.models import Evidence
from sendesk.family.models import ParentLink


@pytest.fixture
def evidence_dir():
    # The shared demo school is built once for the session, into the real folder.
    return settings.EVIDENCE_DIR


@pytest.fixture
def seeded(db, now, _shared):
    return _shared.get("seeded")


def test_photos_on_a_few_sessions_with_consent(seeded):
    items = list(Evidence.objects.select_related("session", "pupil"))
    assert len(items) >= 6
    assert {e.kind for e in items} == {"photo", "work"}
    assert len({e.pupil_id for e in items}) == 3
    for e in items:
        assert e.session is not None and e.session.delivered
        assert allows(e.pupil_id, "photos", on=e.taken_on)
        stored = (Path(settings.EVIDENCE_DIR) / e.path).read_bytes()
        with Image.open(io.BytesIO(stored)) as im:
            assert im.size == (800, 600) and not im.getexif()
        assert (Path(settings.EVIDENCE_DIR) / e.thumb_path).is_file()


def test_the_demo_parent_sees_their_childs_photos(seeded, client):
    link = ParentLink.objects.select_related("user", "pupil").get(
        user__email="parent@oakfield.example"
    )
    client.force_login(link.user)
    page = client.get(f"/family/children/{link.pupil.pk}/")
    shown = Evidence.objects.filter(pupil=link.pupil)
    assert shown.exists()
    for e in shown:
        assert f"/evidence/{e.pk}/thumb/".encode() in page.content
