"""The imports pages and endpoints as the head uses them, and everyone else's 404: the
upload form (keeping the choice after a refusal), the preview, apply, the templates."""

import csv
import io
import re
import uuid

from sendesk.imports.models import ImportBatch
from sendesk.imports.parsers import PARSERS
from sendesk.pupils.models import Pupil

from .conftest import ROLL, api_apply, api_upload, csv_bytes, upload, upn


def test_the_head_uploads_previews_and_applies_on_the_pages(world, as_user):
    client = as_user(world.head)
    page = client.get("/imports/")
    assert page.status_code == 200 and "Upload a file" in page.content.decode()
    r = client.post("/imports/", {"kind": "csv-pupils", "file": upload(ROLL)})
    assert r.status_code == 302
    batch = ImportBatch.objects.get()
    preview = client.get(r["Location"]).content.decode()
    assert (
        "What this file would do" in preview
        and "Mira Khan" in preview
        and "Apply this import" in preview
    )
    assert not Pupil.objects.filter(upn=upn(101)).exists()
    done = client.post(f"/imports/{batch.pk}/apply/")
    assert done.status_code == 302
    assert Pupil.objects.filter(upn=upn(101)).exists()
    assert "What was imported" in client.get(done["Location"]).content.decode()
    # Applying twice is refused; nothing is written twice.
    assert client.post(f"/imports/{batch.pk}/apply/").status_code == 409
    assert Pupil.objects.filter(upn=upn(101)).count() == 1


def test_a_file_with_errors_shows_them_and_cannot_be_applied(world, as_user):
    client = as_user(world.head)
    bad = csv_bytes("upn,first_name,last_name,date_of_birth,year", "X1,Ann,Ash,2018-01-01,3")
    r = client.post("/imports/", {"kind": "csv-pupils", "file": upload(bad)})
    page = client.get(r["Location"]).content.decode()
    assert "Errors to correct" in page and "not a valid UPN" in page
    assert "Apply this import" not in page
    batch = ImportBatch.objects.get()
    refused = client.post(f"/imports/{batch.pk}/apply/")
    assert refused.status_code == 409 and "Nothing was imported" in refused.content.decode()
    assert not Pupil.objects.filter(legal_first_name="Ann").exists()


def test_a_refused_upload_keeps_the_choice_and_says_why(world, as_user):
    client = as_user(world.head)
    empty = client.post("/imports/", {"kind": "csv-staff", "file": upload(b"", "x.csv")})
    assert empty.status_code == 422
    body = empty.content.decode()
    assert "error-summary" in body and re.search(r'value="csv-staff"[^>]*checked', body)
    nothing = client.post("/imports/", {"kind": "csv-pupils"})
    assert nothing.status_code == 422 and "error-summary" in nothing.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_templates_download_and_read_back_as_one_example_row(world, as_user):
    client = as_user(world.head)
    for kind in ("csv-pupils", "csv-staff", "csv-classes"):
        r = client.get(f"/imports/templates/{kind}.csv")
        assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
        header = next(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert header[0] in ("upn", "email", "class")
        parsed = PARSERS[kind](io.BytesIO(r.content), f"{kind}.csv")
        assert parsed.problems == [] and parsed.notes == []
        assert len(parsed.pupils) + len(parsed.staff) + len(parsed.groups) == 1
    assert client.get("/imports/templates/nonsense.csv").status_code == 404


def test_only_the_head_imports_everyone_else_gets_404(world, api, as_user):
    body = api_upload(api, world.head, ROLL).json()
    for person in (world.senco, world.dsl, world.tess, world.alice, world.olga, world.pat):
        client = as_user(person)
        assert client.get("/imports/").status_code == 404
        assert client.get(f"/imports/{body['id']}/").status_code == 404
        assert client.post(f"/imports/{body['id']}/apply/").status_code == 404
        assert client.get("/imports/templates/csv-pupils.csv").status_code == 404
    for person in (world.senco, world.olga):
        assert api_upload(api, person, ROLL).status_code == 404
        out = api_apply(api, person, body["id"])
        missing = api_apply(api, person, uuid.uuid4())
        assert out.status_code == missing.status_code == 404 and out.json() == missing.json()
    assert ImportBatch.objects.count() == 1
    assert not Pupil.objects.filter(upn=upn(101)).exists()


def test_bad_kind_and_a_kind_not_readable_yet_are_422(world, api):
    r = api_upload(api, world.head, ROLL, kind="spreadsheet")
    assert r.status_code == 422 and "kind" in r.json()["errors"]
    r = api.client.post("/api/v1/imports", {"kind": "csv-pupils"}, **api._auth(world.head))
    assert r.status_code == 422


def test_an_unreadable_file_is_422_not_500(world, api):
    r = api_upload(api, world.head, b"\x00\x01\x02" * 10, name="roll.csv")
    assert r.status_code in (201, 422)
    if r.status_code == 201:
        assert r.json()["counts"]["errors"] >= 1
