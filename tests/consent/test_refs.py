"""A consent about one medicine or trip names one of the child's own (review of issue 11):
a ref naming another child's medicine or a trip the child is not on, or something that is
no id, is refused plainly (422), never stored and never a 500."""

import pytest

from sendesk.consent.models import Consent
from tests.api.conftest import Api
from tests.world import TODAY


def _url(pupil):
    return f"/pupils/{pupil.pk}/consents"


def _paper(ref, kind="medication"):
    return {"kind": kind, "given": True, "ref": ref, "given_by_name": "Mo Clark",
            "on": TODAY.isoformat()}  # fmt: skip


def test_a_paper_form_about_another_childs_medicine_is_refused(world, client):
    api = Api(client)
    before = Consent.objects.count()
    r = api.post(world.senco, _url(world.cara), _paper(f"medicine:{world.inhaler.pk}"))
    assert r.status_code == 422
    assert "That medicine is not one of Cara" in r.content.decode()
    assert Consent.objects.count() == before
    # Ben's own inhaler is his.
    r = api.post(world.senco, _url(world.ben), _paper(f"medicine:{world.inhaler.pk}"))
    assert r.status_code == 201
    assert Consent.objects.count() == before + 1


@pytest.mark.parametrize("ref", ["medicine:not-a-uuid", "medicine:9999999999999999999999"])
def test_a_ref_that_is_no_id_is_refused_on_the_parent_page(world, as_user, ref):
    before = Consent.objects.count()
    r = as_user(world.pat).post(
        f"/family/children/{world.ben.pk}/consent/",
        {"kind": "medication", "decision": "given", "ref": ref},
    )
    assert r.status_code == 422
    assert Consent.objects.count() == before


def test_a_trip_the_child_is_not_on_is_refused(world, client):
    r = Api(client).post(world.senco, _url(world.ben), _paper("trip:123456", kind="trips"))
    assert r.status_code == 422
    assert "That trip is not one of Ben" in r.content.decode()
