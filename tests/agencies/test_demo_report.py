"""The demo (issue 11): ep@ has attached a short synthetic PDF to her report about the
pupil she sees; she and the SENCO download it, and it is a PDF a reader opens."""

import io
from pathlib import Path

import pypdf
import pytest
from django.conf import settings

from sendesk.accounts.models import User
from sendesk.therapy.models import AdviceFile
from sendesk.therapy.selectors import referred_pupils

from ..second_factor import verified_login


@pytest.fixture
def seeded(db, now, _shared):
    return _shared.get("seeded")


def test_the_psychologists_report_has_its_pdf(seeded, client):
    ep = User.objects.get(email="ep@oakfield.example")
    row = AdviceFile.objects.select_related("advice", "pupil").get(by=ep)
    assert row.advice.kind == "report" and row.content_type == "application/pdf"
    assert set(referred_pupils(ep)) == {row.pupil}
    stored = (Path(settings.EVIDENCE_DIR) / row.path).read_bytes()
    page = pypdf.PdfReader(io.BytesIO(stored)).pages[0].extract_text()
    assert row.pupil.name in page and "synthetic" in page
    for email in ("ep@oakfield.example", "senco@oakfield.example"):
        client.logout()
        verified_login(client, User.objects.get(email=email))
        r = client.get(f"/advice/files/{row.pk}/")
        assert r.status_code == 200 and b"".join(r.streaming_content) == stored
