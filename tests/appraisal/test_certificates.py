"""Training certificates: uploaded files kept in the database and served only through the
access check (the person, their line manager, the SENCO and the head); everyone else 404."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sendesk.appraisal.models import Certificate
from sendesk.audit.models import AuditEvent
from sendesk.staff.models import Training

from .conftest import text

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, training, content=PDF, name="team-teach.pdf"):
    file = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(f"/staff/training/{training.pk}/certificate/", {"file": file})


@pytest.fixture
def held(team, as_user):
    training = Training.objects.get(user=team.alice, kind="positive_handling")
    assert upload(as_user(team.alice), training).status_code == 302
    return training


def test_the_person_uploads_and_it_is_kept_in_the_database(held, team):
    cert = Certificate.objects.get(training=held)
    assert bytes(cert.data) == PDF and cert.content_type == "application/pdf"
    assert cert.uploaded_by == team.alice and cert.size == len(PDF)
    audit = AuditEvent.objects.get(object_type="appraisal.certificate")
    assert audit.actor == team.alice and "data" not in audit.after


@pytest.mark.parametrize("who", ["alice", "hana", "senco", "head"])
def test_who_may_download(held, team, as_user, who):
    r = as_user(getattr(team, who)).get(f"/staff/training/{held.pk}/certificate/file/")
    assert r.status_code == 200
    assert r.content == PDF
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == 'attachment; filename="team-teach.pdf"'
    assert r["X-Content-Type-Options"] == "nosniff" and "no-store" in r["Cache-Control"]


@pytest.mark.parametrize("who", ["bob", "tess", "dsl", "pat", "olga", "theo"])
def test_everyone_else_gets_not_found(held, team, as_user, who):
    client = as_user(getattr(team, who))
    r = client.get(f"/staff/training/{held.pk}/certificate/file/")
    missing = client.get(f"/staff/training/{held.pk + 999}/certificate/file/")
    assert r.status_code == missing.status_code == 404 and r.content == missing.content
    assert client.get(f"/staff/training/{held.pk}/certificate/").status_code == 404
    assert client.get(f"/cpd/{team.alice.pk}/").status_code == 404


def test_no_certificate_is_not_found(team, as_user):
    training = Training.objects.get(user=team.alice, kind="medication")
    r = as_user(team.alice).get(f"/staff/training/{training.pk}/certificate/file/")
    assert r.status_code == 404


def test_the_line_manager_reads_but_does_not_upload(held, team, as_user):
    hana = as_user(team.hana)
    page = text(hana.get(f"/cpd/{team.alice.pk}/"))
    assert "Team Teach level 2" in page and "Download" in page and "Upload" not in page
    assert upload(hana, held).status_code == 404
    assert Certificate.objects.get(training=held).uploaded_by == team.alice


def test_the_senco_replaces_one(held, team, as_user):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
    assert upload(as_user(team.senco), held, png, "scan.png").status_code == 302
    cert = Certificate.objects.get(training=held)
    assert cert.content_type == "image/png" and cert.name == "scan.png"
    update = AuditEvent.objects.get(object_type="appraisal.certificate", action="update")
    assert update.before["name"] == "team-teach.pdf"


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "The file is empty"),
     (b"MZ\x90\x00 not a certificate", "Upload a PDF, PNG or JPEG file"),
     (b"%PDF-" + b"0" * (5 * 1024 * 1024), "larger than 5 MB")],
)  # fmt: skip
def test_bad_files_are_refused(team, as_user, content, message):
    training = Training.objects.get(user=team.alice, kind="medication")
    r = upload(as_user(team.alice), training, content, "x.pdf")
    assert r.status_code == 422 and message in text(r)
    assert not Certificate.objects.exists()


def test_no_file_chosen(team, as_user):
    training = Training.objects.get(user=team.alice, kind="medication")
    r = as_user(team.alice).post(f"/staff/training/{training.pk}/certificate/", {})
    assert r.status_code == 422 and "Choose the certificate file" in text(r)


def test_not_served_from_a_public_address(held, client):
    from django.conf import settings

    # No MEDIA_URL is served: the file is nowhere on disk, only behind the view.
    assert not getattr(settings, "MEDIA_ROOT", "")
    assert client.get(f"/staff/training/{held.pk}/certificate/file/").status_code == 302


def test_provider_and_hours_on_the_register(team, as_user):
    r = as_user(team.senco).post("/staff/training/new/", {
        "user_id": team.bob.pk, "kind": "safeguarding", "course": "Level 1",
        "provider": "Local authority", "hours": "3.5", "completed_on": "2026-11-10",
    })  # fmt: skip
    assert r.status_code == 302
    row = Training.objects.get(user=team.bob, kind="safeguarding")
    assert (row.provider, str(row.hours), row.completed_on) == (
        "Local authority", "3.50", dt.date(2026, 11, 10)
    )  # fmt: skip
    r = as_user(team.senco).post("/staff/training/new/", {
        "user_id": team.bob.pk, "kind": "safeguarding", "hours": "-2",
        "completed_on": "2026-11-10",
    })  # fmt: skip
    assert r.status_code == 422 and "hours" in text(r).lower()
