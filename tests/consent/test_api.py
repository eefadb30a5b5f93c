"""GET and POST /api/v1/pupils/{id}/consents: parents for their own child, staff who record
consent forms; anyone else gets the 404 a pupil that does not exist gets."""

import uuid

import pytest

from sendesk.consent import selectors
from sendesk.consent.models import Consent
from tests.api.conftest import Api
from tests.world import TODAY


@pytest.fixture
def api(client):
    return Api(client)


def _url(pupil):
    return f"/pupils/{pupil.pk}/consents"


def test_a_parent_gives_and_withdraws_over_the_api(world, api, agencies):
    slt = agencies["slt"]
    r = api.post(world.pat, _url(world.ben), {"kind": "agency", "given": True, "agency_id": slt.pk})
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["kind"], body["decision"], body["agency_id"], body["given_by"]) == (
        "agency", "given", slt.pk, str(world.pat),
    )  # fmt: skip
    again = api.post(world.pat, _url(world.ben), {"kind": "agency", "given": True,
                                                  "agency_id": slt.pk})  # fmt: skip
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    off = api.post(world.pat, _url(world.ben), {"kind": "agency", "given": False,
                                                "agency_id": slt.pk})  # fmt: skip
    assert off.status_code == 201 and off.json()["decision"] == "withdrawn"
    assert not selectors.allows(world.ben, "agency", agency_id=slt)
    photos = api.post(world.pat, _url(world.ben), {"kind": "photos", "given": False})
    assert photos.json()["decision"] == "refused"

    got = api.get(world.pat, _url(world.ben))
    assert got.status_code == 200
    questions = {(q["kind"], q["agency_id"], q["ref"]): q for q in got.json()["questions"]}
    assert questions[("agency", slt.pk, "")]["current"]["decision"] == "withdrawn"
    assert questions[("agency", slt.pk, "")]["given"] is False
    assert questions[("photos", None, "")]["current"]["decision"] == "refused"
    assert questions[("agency", agencies["ep"].pk, "")]["current"] is None
    assert [c["decision"] for c in got.json()["history"]][:3] == ["refused", "withdrawn", "given"]


def test_staff_type_in_a_paper_form_over_the_api(world, api, agencies):
    body = {"kind": "referral", "given": True, "agency_id": agencies["ep"].pk}
    missing = api.post(world.senco, _url(world.cara), body)
    assert missing.status_code == 422 and "given_by_name" in missing.json()["errors"]
    r = api.post(world.senco, _url(world.cara), {**body, "given_by_name": "Mo Clark"})
    assert r.status_code == 201
    assert (r.json()["on"], r.json()["on_paper"], r.json()["given_by"]) == (
        TODAY.isoformat(), True, "Mo Clark",
    )  # fmt: skip
    # A TA reads consent but records none: the 404 of a pupil out of scope.
    assert api.get(world.alice, _url(world.ben)).status_code == 200
    no = api.post(world.alice, _url(world.ben), {**body, "given_by_name": "X"})
    assert no.status_code == 404


def test_out_of_scope_is_404_as_a_pupil_that_does_not_exist(world, api):
    before = Consent.objects.count()
    ghost = f"/pupils/{uuid.uuid4()}/consents"
    for person, pupil in ((world.pat, world.cara), (world.bob, world.ben),
                          (world.olga, world.ben)):  # fmt: skip
        for path in (_url(pupil), ghost):
            got = api.get(person, path)
            assert got.status_code == 404 and got.json() == api.get(person, ghost).json()
            sent = api.post(person, path, {"kind": "photos", "given": True, "given_by_name": "X"})
            assert sent.status_code == 404
    assert Consent.objects.count() == before


def test_bad_input_is_422_in_words(world, api):
    r = api.post(world.pat, _url(world.ben), {"kind": "haircut", "given": True})
    assert r.status_code == 422 and r.json()["errors"]["kind"] == "Choose what the consent is for."
    r = api.post(world.pat, _url(world.ben), {"kind": "photos"})
    assert r.status_code == 422


def test_an_agency_id_too_large_for_the_database_is_no_agency(world, api):
    r = api.post(world.pat, _url(world.ben), {"kind": "agency", "given": True,
                                              "agency_id": 2**70})  # fmt: skip
    assert r.status_code == 422
    assert r.json()["errors"]["agency_id"] == "Choose the agency the consent is about."
