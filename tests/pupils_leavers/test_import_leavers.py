"""A OneRoster delta saying a pupil is `tobedeleted` makes them a leaver when the import is
applied (issue 12): shown as a leaving in the preview, recorded on applying, and a later
file still listing a leaver leaves their read-only record alone. The reader is a stand-in
for the OneRoster file (its real reader is another part); the engine is the real one."""

import datetime as dt

import pytest

from sendesk.audit.models import AuditEvent
from sendesk.imports.parsers import PARSERS
from sendesk.imports.rows import At, Parsed, PupilRow
from sendesk.pupils.models import Pupil, PupilLeaving
from tests.api.conftest import Api
from tests.imports.conftest import api_apply, api_upload
from tests.world import TODAY


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def reader(monkeypatch):
    box = {}
    monkeypatch.setitem(PARSERS, "oneroster", lambda fileobj, filename: box["parsed"])
    return box


def _ben(world, *, ended, first_name="Ben"):
    ben = world.ben
    return PupilRow(At("users.csv", 2), upn=ben.upn, first_name=first_name, last_name="Brown",
                    date_of_birth=ben.date_of_birth, nc_year=3, ended=ended)  # fmt: skip


def test_a_pupil_the_delta_says_left_becomes_a_leaver(world, api, reader):
    reader["parsed"] = Parsed(pupils=[_ben(world, ended=True)], delta=True)
    body = api_upload(api, world.head, b"PK zip", kind="oneroster", name="delta.zip").json()
    assert body["counts"] == {"created": 0, "updated": 1, "unchanged": 0, "errors": 0}
    assert not PupilLeaving.objects.exists()  # a preview writes nothing
    applied = api_apply(api, world.head, body["id"])
    assert applied.status_code == 200, applied.content
    leaving = PupilLeaving.objects.get()
    assert (leaving.pupil_id, leaving.left_on, leaving.reason) == (world.ben.pk, TODAY, "other")
    assert leaving.recorded_by == world.head
    assert Pupil.objects.get(pk=world.ben.pk).left_on == TODAY
    assert AuditEvent.objects.filter(object_type="pupils.pupilleaving", pupil=world.ben).exists()

    # The same file again: the leaving is already recorded, nothing changes.
    again = api_upload(api, world.head, b"PK zip 2", kind="oneroster", name="delta.zip").json()
    assert again["counts"]["updated"] == 0 and again["counts"]["unchanged"] == 1
    assert api_apply(api, world.head, again["id"]).status_code == 200
    assert PupilLeaving.objects.count() == 1


def test_a_file_still_listing_a_leaver_leaves_their_record_alone(world, api, reader, as_user):
    left = {"left_on": (TODAY - dt.timedelta(days=1)).isoformat(), "reason": "transfer"}
    assert as_user(world.senco).post(f"/pupils/{world.ben.pk}/leave/", left).status_code == 302
    reader["parsed"] = Parsed(pupils=[_ben(world, ended=False, first_name="Benjamin")])
    body = api_upload(api, world.head, b"PK zip", kind="oneroster", name="full.zip").json()
    assert body["counts"] == {"created": 0, "updated": 0, "unchanged": 1, "errors": 0}
    assert api_apply(api, world.head, body["id"]).status_code == 200
    assert Pupil.objects.get(pk=world.ben.pk).legal_first_name == "Ben"
