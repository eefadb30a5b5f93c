"""Files the tests build, shaped like a school's real ones (made by the project; synthetic
names), and helpers to upload them as the head does: on the page and over the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sendesk.pupils.upn import make_upn
from tests.api.conftest import Api

PUPIL_HEADER = (
    "upn,first_name,last_name,preferred_name,date_of_birth,year,sex,sen_status,sen_start,"
    "primary_need,secondary_need"
)


def upn(serial: int) -> str:
    """A valid UPN of Test Primary's LA (123) that the world's pupils do not hold."""
    return make_upn("123", "4567", 2020, serial)


def csv_bytes(*lines: str, bom=False, crlf=False) -> bytes:
    text = ("\r\n" if crlf else "\n").join(lines) + ("\r\n" if crlf else "\n")
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def upload(data: bytes, name="pupils.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def api(client):
    return Api(client)


def api_upload(api, person, data: bytes, kind="csv-pupils", name="pupils.csv"):
    return api.client.post(
        "/api/v1/imports", {"file": upload(data, name), "kind": kind}, **api._auth(person)
    )


def api_apply(api, person, import_id):
    return api.client.post(f"/api/v1/imports/{import_id}/apply", **api._auth(person))


ROLL = csv_bytes(
    PUPIL_HEADER,
    f"{upn(101)},Amira,Khan,Mira,2018-03-14,3,F,K,2025-09-04,SLCN,",
    f"{upn(102)},Jonah,Price,,14/07/2017,4,M,E,,ASD,SLCN",
    f"{upn(103)},Lily,Evans,,2018-01-02,3,F,N,,,",
)
