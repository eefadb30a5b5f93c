"""What the engine does with every kind of row a reader may give it — pupils and staff
named by the MIS's own ids, a class naming them by those ids, terms, contacts, and a delta
file — through the API, with a reader for a kind whose real reader comes later
(OneRoster). The reader is a stand-in for a file; the engine under test is the real one."""

import datetime as dt

import pytest

from sendesk.accounts.models import User
from sendesk.imports.parsers import PARSERS
from sendesk.imports.rows import (
    At,
    ContactRow,
    GroupRow,
    Need,
    Parsed,
    PupilRow,
    StaffRow,
    TermRow,
)
from sendesk.pupils.models import Contact, Pupil
from sendesk.schools.models import TeachingGroup, Term

from .conftest import api_apply, api_upload


def _bundle(delta=False, pupils_in_class=("stu-1",)):
    def at(file, row):
        return At(file, row)

    return Parsed(
        pupils=[
            PupilRow(at("users.csv", 2), upn="", first_name="Ria", last_name="Moss",
                     date_of_birth=dt.date(2018, 4, 4), nc_year=3, source_id="stu-1",
                     sen_status="K", needs=[Need("SLCN", 1)]),
        ],
        staff=[StaffRow(at("users.csv", 3), email="v.hart@test.example", full_name="Vic Hart",
                        role="teacher", source_id="tch-1")],
        groups=[GroupRow(at("classes.csv", 2), name="3M", source_id="cls-1",
                         teacher_refs=["tch-1"], pupil_refs=list(pupils_in_class))],
        terms=[TermRow(at("academicSessions.csv", 2), name="Summer 2027",
                       start=dt.date(2027, 4, 12), end=dt.date(2027, 7, 21), source_id="t-3")],
        contacts=[ContactRow(at("users.csv", 4), pupil_ref="stu-1", name="Jo Moss",
                             relationship="Mother", email="jo@home.example")],
        delta=delta,
    )  # fmt: skip


@pytest.fixture
def reader(monkeypatch):
    """Install a reader for 'oneroster' that returns what the test sets in `box`."""
    box = {}
    monkeypatch.setitem(PARSERS, "oneroster", lambda fileobj, filename: box["parsed"])
    return box


def test_ids_of_the_mis_link_rows_and_match_them_again(world, api, reader):
    reader["parsed"] = _bundle()
    body = api_upload(api, world.head, b"PK zip", kind="oneroster", name="roster.zip").json()
    assert body["errors"] == [], body["errors"]
    assert body["counts"] == {"created": 5, "updated": 0, "unchanged": 0, "errors": 0}
    assert api_apply(api, world.head, body["id"]).status_code == 200
    ria = Pupil.objects.get(legal_first_name="Ria")
    vic = User.objects.get(email="v.hart@test.example")
    group = TeachingGroup.objects.get(school=world.school, name="3M")
    assert list(group.pupils.all()) == [ria] and list(group.teachers.all()) == [vic]
    assert Term.objects.filter(school=world.school, name="Summer 2027").exists()
    assert Contact.objects.get(pupil=ria).relationship == "Mother"

    # The same again: nothing new (Ria has no UPN, and is matched by her MIS id).
    again = api_upload(api, world.head, b"PK zip", kind="oneroster", name="roster.zip").json()
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 5, "errors": 0}

    # Renamed in the MIS: the same pupil, updated.
    reader["parsed"] = _bundle()
    reader["parsed"].pupils[0].last_name = "Moss-Lee"
    later = api_upload(api, world.head, b"PK zip", kind="oneroster", name="roster.zip").json()
    assert later["counts"]["updated"] == 1
    api_apply(api, world.head, later["id"])
    assert Pupil.objects.filter(legal_first_name="Ria").count() == 1
    assert Pupil.objects.get(legal_first_name="Ria").legal_last_name == "Moss-Lee"


def test_a_delta_adds_to_a_class_and_takes_nobody_out(world, api, reader):
    reader["parsed"] = _bundle()
    api_apply(api, world.head, api_upload(api, world.head, b"x", kind="oneroster").json()["id"])
    reader["parsed"] = _bundle(delta=True, pupils_in_class=(world.ben.upn,))
    body = api_upload(api, world.head, b"x", kind="oneroster").json()
    assert body["errors"] == []
    api_apply(api, world.head, body["id"])
    names = set(TeachingGroup.objects.get(name="3M").pupils.values_list("legal_first_name",
                                                                         flat=True))  # fmt: skip
    assert names == {"Ria", "Ben"}
