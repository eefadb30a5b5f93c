"""Review 12 probes: imports given real-world bad input answer 4xx in words, never 500, and
write nothing but the batch."""

import pytest

from sendesk.pupils.models import Pupil
from tests.ctf.files import AVA, ctf, pupil
from tests.imports.conftest import PUPIL_HEADER, api_apply, api_upload, csv_bytes, upn

BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b"<CTfile><Header/><CTFpupilData><Pupil><Surname>&lol3;</Surname></Pupil>"
    b"</CTFpupilData></CTfile>"
)
CASES = {
    "malformed-xml": (b"<CTfile><Header>", "ctf", "f.xml"),
    "entity-bomb": (BOMB, "ctf", "f.xml"),
    "csv-as-ctf": (csv_bytes(PUPIL_HEADER), "ctf", "f.xml"),
    "xml-as-csv": (ctf(pupil()), "csv-pupils", "f.csv"),
    "zip-garbage": (b"PK\x03\x04garbage", "csv-pupils", "f.csv"),
    "cp1252": (
        csv_bytes(PUPIL_HEADER).decode().encode()
        + f"{upn(201)},Zoë,Brontë,,2018-03-14,3,F,N,,,\n".encode("cp1252"),
        "csv-pupils",
        "f.csv",
    ),
    "semicolons": (
        csv_bytes(PUPIL_HEADER.replace(",", ";"), f"{upn(202)};Zoe;Smith;;2018-03-14;3;F;N;;;"),
        "csv-pupils",
        "f.csv",
    ),
    "only-bom": (b"\xef\xbb\xbf", "csv-pupils", "f.csv"),
    "header-only": (csv_bytes(PUPIL_HEADER), "csv-pupils", "f.csv"),
    "utf16": (csv_bytes(PUPIL_HEADER).decode().encode("utf-16"), "csv-pupils", "f.csv"),
    "nul-bytes": (b"upn,first_name\x00\n\x00\x00", "csv-pupils", "f.csv"),
    "wrong-kind": (csv_bytes(PUPIL_HEADER), "pdf", "f.csv"),
    "staff-as-pupils": (
        b"email,first_name,last_name,role\na@b.c,A,B,teacher\n",
        "csv-pupils",
        "f.csv",
    ),
    "huge-field": (
        csv_bytes(PUPIL_HEADER, f"{upn(203)},{'A' * 200_000},B,,2018-03-14,3,,,,,"),
        "csv-pupils",
        "f.csv",
    ),
    "ctf-huge-year": (ctf(pupil(year="9" * 30)), "ctf", "f.xml"),
    "ctf-rank-huge": (
        ctf(pupil(periods=[("K", "2025-09-01")], needs=[(10**20, "SLCN")])),
        "ctf",
        "f.xml",
    ),
    "ctf-date-far": (ctf(pupil(dob="0001-01-01")), "ctf", "f.xml"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_file_is_a_clear_4xx_or_a_preview_with_errors(world, api, name):
    data, kind, filename = CASES[name]
    before = Pupil.objects.count()
    r = api_upload(api, world.head, data, kind=kind, name=filename)
    assert r.status_code in (201, 413, 422), (r.status_code, r.content[:300])
    if r.status_code == 201:
        done = api_apply(api, world.head, r.json()["id"])
        assert done.status_code in (200, 409), (done.status_code, done.content[:300])
    else:
        assert r.json()["detail"]
    assert Pupil.objects.count() >= before


def test_a_upn_twice_in_one_file_is_an_error_on_the_second_row(world, api):
    data = csv_bytes(
        PUPIL_HEADER,
        f"{upn(301)},Amira,Khan,,2018-03-14,3,F,N,,,",
        f"{upn(301)},Amy,Khan,,2018-03-15,3,F,N,,,",
    )
    body = api_upload(api, world.head, data).json()
    assert body["counts"]["errors"] >= 1, body
    assert any(e["row"] == 3 for e in body["errors"]), body["errors"]
    assert api_apply(api, world.head, body["id"]).status_code == 409
    assert not Pupil.objects.filter(upn=upn(301)).exists()


def test_a_ctf_upn_of_a_pupil_at_another_school_is_not_taken_over(world, api):
    # Olly is at the other school: his UPN in our file makes a pupil here, it never moves him.
    body = api_upload(
        api, world.head, ctf(pupil(upn=world.olly.upn)), kind="ctf", name="f.xml"
    ).json()
    api_apply(api, world.head, body["id"])
    world.olly.refresh_from_db()
    assert world.olly.school_id == world.other.pk


def test_apply_of_a_huge_or_bad_id_is_404(world, api):
    for bad in ("9" * 40, "not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        assert api_apply(api, world.head, bad).status_code == 404


def test_same_file_previewed_twice_then_both_applied_makes_one_pupil(world, api):
    data = csv_bytes(PUPIL_HEADER, f"{upn(401)},Amira,Khan,,2018-03-14,3,F,N,,,")
    a = api_upload(api, world.head, data).json()
    b = api_upload(api, world.head, data).json()
    assert api_apply(api, world.head, a["id"]).status_code == 200
    r = api_apply(api, world.head, b["id"])
    assert r.status_code == 200, r.content
    assert r.json()["counts"]["created"] == 0
    assert Pupil.objects.filter(upn=upn(401)).count() == 1
    assert AVA
