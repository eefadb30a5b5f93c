"""What the second review of issue 12 found in the importer, each as the head or SENCO meets
it: another child under a pupil's UPN is an error, not a rename; a file's SEN status without
needs never takes a pupil's recorded needs away."""

from sendesk.imports.models import ImportBatch, SenDifference
from sendesk.pupils.models import Pupil

from .conftest import PUPIL_HEADER, api_apply, api_upload, csv_bytes


def test_another_child_under_a_pupils_upn_is_an_error_and_nothing_is_written(world, api):
    # Ben's UPN on a row naming another child: first name and date of birth both differ.
    data = csv_bytes(PUPIL_HEADER, f"{world.ben.upn},Zed,Brown,,2016-01-01,3,M,,,,")
    body = api_upload(api, world.head, data).json()
    assert body["counts"]["errors"] == 1
    (error,) = body["errors"]
    assert (error["row"], error["field"]) == (2, "upn")
    assert "Ben Brown" in error["message"] and "Check the UPN" in error["message"]
    assert api_apply(api, world.head, body["id"]).status_code == 409
    world.ben.refresh_from_db()
    assert (world.ben.legal_first_name, str(world.ben.date_of_birth)) != ("Zed", "2016-01-01")
    assert ImportBatch.objects.get(pk=body["id"]).status == ImportBatch.Status.REFUSED


def test_a_new_surname_under_the_same_upn_is_a_correction_and_is_applied(world, api):
    data = csv_bytes(PUPIL_HEADER, f"{world.ben.upn},Ben,Browne,,{world.ben.date_of_birth},3,,,,,")
    body = api_upload(api, world.head, data).json()
    assert body["counts"] == {"created": 0, "updated": 1, "unchanged": 0, "errors": 0}
    assert api_apply(api, world.head, body["id"]).status_code == 200
    assert Pupil.objects.get(pk=world.ben.pk).legal_last_name == "Browne"


def test_a_status_without_needs_leaves_the_recorded_needs(world, api, as_user):
    # Ben is E with ASD, SLCN; the MIS says K and its need columns are empty.
    data = csv_bytes(PUPIL_HEADER, f"{world.ben.upn},Ben,Brown,,{world.ben.date_of_birth},3,,K,,,")
    body = api_upload(api, world.head, data).json()
    assert body["sen_to_decide"] == 1
    api_apply(api, world.head, body["id"])
    diff = SenDifference.objects.get(pupil=world.ben)
    r = as_user(world.senco).post(f"/imports/sen/{diff.pk}/", {"decision": "accept"})
    assert r.status_code == 302
    world.ben.refresh_from_db()
    assert world.ben.sen_status == "K"
    assert list(world.ben.needs.values_list("code", flat=True)) == ["ASD", "SLCN"]


def test_needs_alone_the_same_as_ours_raise_nothing(world, api):
    # The same status, no need columns: nothing differs, so nothing for the SENCO.
    data = csv_bytes(PUPIL_HEADER, f"{world.ben.upn},Ben,Brown,,{world.ben.date_of_birth},3,,E,,,")
    assert api_upload(api, world.head, data).json()["sen_to_decide"] == 0
