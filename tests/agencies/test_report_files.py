"""Issue 11: a professional's report as a file (a PDF, or a photo or scan of the paper
report), attached by the professional or by the SENCO on their behalf, kept privately and
read only by whoever may read the pupil's advice; 404 for everyone else, at once after a
withdrawal of consent or the end of the referral."""

import datetime as dt
import html
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.consent.models import Decision, Kind
from sendesk.reviews.selectors import sections
from sendesk.therapy import review, services
from sendesk.therapy.models import Advice, AdviceFile
from tests.world import TODAY

from .conftest import decide

NEW = "/therapy/pupils/{}/advice/new/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    settings.EVIDENCE_DIR = tmp_path / "private"
    return settings.EVIDENCE_DIR


def text(response) -> str:
    return html.unescape(response.content.decode())


def pdf(name="EP report Cara.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def stored_files() -> list:
    return [p for p in Path(settings.EVIDENCE_DIR).rglob("*") if p.is_file()]


def report(actor, referral, upload=None):
    data = {"kind": "report", "text": "REPORT-MARK-3301: working memory below average."}
    if upload is not None:
        data["file"] = upload
    return services.advice_add(actor=actor, referral=referral, data=data)


def test_eve_writes_a_report_with_its_pdf_and_who_may_read_it(world, ag, as_user):
    eve = as_user(ag.eve)
    r = eve.post(NEW.format(world.cara.pk), {
        "kind": "report", "text": "REPORT-MARK-3301: working memory below average.",
        "file": pdf(),
    })  # fmt: skip
    assert r.status_code == 302
    row = AdviceFile.objects.get()
    assert (row.advice.kind, row.pupil, row.name, row.content_type, row.by) == (
        "report",
        world.cara,
        "EP report Cara.pdf",
        "application/pdf",
        ag.eve,
    )
    # Private: under the private folder with a name made by SENDesk, never under static.
    path = Path(settings.EVIDENCE_DIR) / row.path
    assert path.read_bytes() == PDF and "Cara" not in row.path
    assert not str(path.resolve()).startswith(str(Path(settings.STATIC_ROOT).resolve()))
    audit = AuditEvent.objects.filter(object_type="therapy.advicefile", pupil=world.cara)
    assert audit.count() == 1
    url = f"/advice/files/{row.pk}/"
    assert url in text(eve.get(f"/therapy/pupils/{world.cara.pk}/"))
    assert url in text(as_user(world.senco).get(f"/pupils/{world.cara.pk}/advice/"))
    for person in (ag.eve, world.senco, world.tom):  # Tom teaches 4B, Cara's group
        before = AccessEvent.objects.filter(actor=person, what="report file").count()
        r = as_user(person).get(url)
        assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
        assert r["X-Content-Type-Options"] == "nosniff"
        assert r["Content-Disposition"].startswith("attachment")
        assert AccessEvent.objects.filter(actor=person, pupil=world.cara,
                                          what="report file").count() == before + 1  # fmt: skip
    # Alice (1:1 with Ben), Pat (Ben's parent), Carl (another agency), Theo (Ben's SLT),
    # Olga (another school): none may read Cara's advice, so the same 404 as nothing.
    for person in (world.alice, world.pat, ag.carl, world.theo, world.olga):
        assert as_user(person).get(url).status_code == 404
        assert as_user(person).get(f"/advice/files/{row.pk.hex[::-1]}/").status_code == 404


def test_withdrawal_or_the_end_of_the_referral_closes_the_file_at_once(world, ag, as_user):
    row = report(ag.eve, ag.cara_ref, pdf()).files.get()
    url = f"/advice/files/{row.pk}/"
    assert as_user(ag.eve).get(url).status_code == 200
    decide(world, world.cara, Kind.AGENCY, Decision.WITHDRAWN, ag.ep, on=TODAY)
    assert as_user(ag.eve).get(url).status_code == 404
    # The school keeps it: the SENCO still reads the report.
    assert as_user(world.senco).get(url).status_code == 200
    # Theo's referral for Ben ended yesterday: his report file is closed to him.
    theirs = report(world.theo, world.referral, pdf("SLT report.pdf")).files.get()
    assert as_user(world.theo).get(f"/advice/files/{theirs.pk}/").status_code == 200
    services.referral_end(actor=world.senco, referral=world.referral,
                          end=TODAY - dt.timedelta(days=1))  # fmt: skip
    assert as_user(world.theo).get(f"/advice/files/{theirs.pk}/").status_code == 404
    assert as_user(world.alice).get(f"/advice/files/{theirs.pk}/").status_code == 200


def test_a_file_that_is_not_a_report_is_refused_and_the_text_kept(world, ag, as_user):
    eve = as_user(ag.eve)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    r = eve.post(NEW.format(world.cara.pk),
                 {"kind": "report", "text": "KEPT-TEXT-8812", "file": fake})  # fmt: skip
    assert r.status_code == 422
    body = text(r)
    assert "Attach the report as a PDF, or a photo or scan" in body and "KEPT-TEXT-8812" in body
    assert 'class="error-summary"' in body
    # A file with advice that is not a report is refused too.
    r = eve.post(NEW.format(world.cara.pk), {"kind": "advice", "text": "KEPT-2", "file": pdf()})
    assert r.status_code == 422 and "A file goes with a report" in text(r)
    assert not Advice.objects.exists() and not AdviceFile.objects.exists()
    assert stored_files() == []


def test_a_file_over_the_limit_says_the_limit(world, ag, as_user, settings):
    settings.REPORT_MAX_BYTES = 1024
    r = as_user(ag.eve).post(NEW.format(world.cara.pk), {
        "kind": "report", "text": "KEPT-TEXT-4410", "file": pdf(data=PDF + b"0" * 2048),
    })  # fmt: skip
    assert r.status_code == 422
    assert "the largest SENDesk takes is 1 KB" in text(r) and "KEPT-TEXT-4410" in text(r)
    assert not Advice.objects.exists() and stored_files() == []


def _photo_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "CAMERA-MAKER-7731"  # Make
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (240, 240, 235)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_sam_attaches_a_scan_on_eves_behalf(world, ag, as_user):
    advice = report(ag.eve, ag.cara_ref)
    url = f"/advice/{advice.pk}/files/new/"
    sam = as_user(world.senco)
    assert "Attach the report file" in text(sam.get(f"/pupils/{world.cara.pk}/advice/"))
    assert sam.get(url).status_code == 200
    r = sam.post(url, {"file": SimpleUploadedFile("scan.jpg", b"GIF89a...")})
    assert r.status_code == 422 and "Attach the report as a PDF" in text(r)
    scan = _photo_with_exif()
    assert b"CAMERA-MAKER-7731" in scan
    r = sam.post(url, {"file": SimpleUploadedFile("scan.jpg", scan, content_type="image/jpeg")})
    assert r.status_code == 302
    row = advice.files.get()
    assert (row.by, row.content_type) == (world.senco, "image/jpeg")
    kept = (Path(settings.EVIDENCE_DIR) / row.path).read_bytes()
    assert kept.startswith(b"\xff\xd8\xff") and b"CAMERA-MAKER-7731" not in kept
    # Eve attaches a second file herself; a TA, a parent or another agency may not.
    assert as_user(ag.eve).post(url, {"file": pdf()}).status_code == 302
    assert advice.files.count() == 2
    for person in (world.alice, world.pat, ag.carl, world.olga):
        assert as_user(person).post(url, {"file": pdf()}).status_code == 404
    assert advice.files.count() == 2
    # Only a report takes a file.
    plain = services.advice_add(actor=ag.eve, referral=ag.cara_ref,
                                data={"kind": "advice", "text": "Use a ruler."})  # fmt: skip
    assert sam.get(f"/advice/{plain.pk}/files/new/").status_code == 404


def test_the_file_is_listed_in_the_review_section(world, ag):
    row = report(ag.eve, ag.cara_ref, pdf()).files.get()
    found = [s for s in sections(world.cara, TODAY - dt.timedelta(30), TODAY)
             if s.key == "agency_advice"]  # fmt: skip
    assert f"/advice/files/{row.pk}/" in found[0].html and "EP report Cara.pdf" in found[0].html
    parent = review.section(world.cara, TODAY - dt.timedelta(30), TODAY, for_parent=True)
    assert [f.name for f in parent["context"]["items"][0]["files"]] == ["EP report Cara.pdf"]
