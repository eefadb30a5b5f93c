"""An MIS file that still lists a leaver's parent, or puts a leaver in a class: the import
applies for everyone else and adds nothing to the leaver's read-only record. (Found by the
second review of issue 12; the reader is a stand-in, as in test_import_leavers.)"""

import datetime as dt

from sendesk.imports.rows import At, ContactRow, GroupRow, Parsed
from sendesk.pupils.models import Contact
from sendesk.schools.models import TeachingGroup
from tests.imports.conftest import api_apply, api_upload
from tests.pupils_leavers.test_import_leavers import _ben, api, reader  # noqa: F401
from tests.world import TODAY


def _left(world, as_user):
    left = {"left_on": (TODAY - dt.timedelta(days=1)).isoformat(), "reason": "transfer"}
    assert as_user(world.senco).post(f"/pupils/{world.ben.pk}/leave/", left).status_code == 302


def test_a_leavers_parent_in_a_file_is_left_alone(world, api, reader, as_user):  # noqa: F811
    _left(world, as_user)
    before = Contact.objects.filter(pupil=world.ben).count()
    contact = ContactRow(At("users.csv", 3), pupil_ref=world.ben.upn, name="Mrs Brown",
                         relationship="Mother", phone="07700 900999")  # fmt: skip
    reader["parsed"] = Parsed(pupils=[_ben(world, ended=False)], contacts=[contact])
    body = api_upload(api, world.head, b"PK zip", kind="oneroster", name="full.zip").json()
    assert body["counts"]["errors"] == 0 and body["counts"]["created"] == 0
    assert api_apply(api, world.head, body["id"]).status_code == 200
    assert Contact.objects.filter(pupil=world.ben).count() == before


def test_an_import_puts_no_leaver_into_a_class(world, api, reader, as_user):  # noqa: F811
    _left(world, as_user)
    group = GroupRow(At("classes.csv", 2), name="Leavers' class",
                     pupil_refs=[world.ben.upn, world.cara.upn])  # fmt: skip
    reader["parsed"] = Parsed(pupils=[_ben(world, ended=False)], groups=[group])
    body = api_upload(api, world.head, b"PK zip", kind="oneroster", name="full.zip").json()
    assert api_apply(api, world.head, body["id"]).status_code == 200
    made = TeachingGroup.objects.get(name="Leavers' class")
    assert list(made.pupils.all()) == [world.cara]
