"""Subject access and the imports: a head's own request counts the files she imported and
does not copy the roll they name; a pupil's request carries the MIS's ids for that pupil."""

import io
import json

from pypdf import PdfReader

from sendesk.pupils.models import Pupil
from sendesk.records.models import SubjectAccessRequest as Sar
from tests.imports.conftest import ROLL, api_apply, api_upload, upn

from .conftest import read_json, run_the_worker


def _open(client, **data):
    body = {"pupil": "", "staff": "", "requester": "Someone", "received_on": "2026-11-16", **data}
    r = client.post("/subject-access/new/", body)
    assert r.status_code == 302, r.content
    return Sar.objects.order_by("-opened_at").first()


def _files(client, sar):
    doc = read_json(client.get(f"/subject-access/{sar.pk}/download/json/"))
    pdf = b"".join(client.get(f"/subject-access/{sar.pk}/download/pdf/").streaming_content)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return json.dumps(doc, ensure_ascii=False), text


def test_a_heads_own_request_counts_her_imports_without_copying_the_roll(world, as_user, api):
    api_apply(api, world.head, api_upload(api, world.head, ROLL).json()["id"])
    head = as_user(world.head)
    sar = _open(head, staff=str(world.head.pk), requester="Helen Head")
    run_the_worker()
    doc, text = _files(head, sar)
    for name in ("Amira", "Jonah Price", "Lily Evans"):
        assert name not in doc and name not in text, name
    assert "Named on 1 of these records" in doc


def test_a_pupils_request_carries_the_mis_ids_for_them(world, as_user, api):
    header = "upn,first_name,last_name,date_of_birth,year,source_id"
    data = f"{header}\n{upn(7)},Nia,Obi,2018-05-01,3,MIS-NIA-77\n".encode()
    api_apply(api, world.head, api_upload(api, world.head, data).json()["id"])
    nia = Pupil.objects.get(legal_first_name="Nia")
    head = as_user(world.head)
    sar = _open(head, pupil=str(nia.pk), requester="Nia's mother")
    run_the_worker()
    doc, text = _files(head, sar)
    assert "MIS-NIA-77" in doc
