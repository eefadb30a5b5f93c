"""The demo's leaver (issue 12): one pupil of Oakfield left at the end of last summer term
for a named secondary school; the SENCO finds them under Leavers and downloads their
transfer pack; the DSL's transfer of the safeguarding file is recorded; TAs do not see them."""

import pytest

from sendesk.accounts.models import User
from sendesk.demo.leavers import NEXT_SCHOOL
from sendesk.pupils.models import Pupil, PupilLeaving
from sendesk.safeguarding.models import SafeguardingTransfer
from sendesk.schools.models import School, Term
from tests.world import TODAY

from ..second_factor import verified_login

DOMAIN = "oakfield.example"


def login(key):
    return User.objects.get(email=f"{key}@{DOMAIN}")


@pytest.fixture
def leaver(demo):
    school = School.objects.get(name="Oakfield Primary")
    [pupil] = Pupil.objects.filter(school=school, left_on__isnull=False)
    return pupil


def test_one_leaver_left_last_summer_for_a_named_school(leaver, demo):
    summer = (
        Term.objects.filter(school=leaver.school, name__startswith="Summer", end__lt=TODAY)
        .order_by("-end")
        .first()
    )
    assert summer.end == leaver.left_on
    leaving = PupilLeaving.objects.get(pupil=leaver)
    assert (leaving.next_school, leaving.reason) == (NEXT_SCHOOL, "phase")
    transfer = SafeguardingTransfer.objects.get(pupil=leaver)
    assert transfer.receipt_confirmed_on is not None
    assert any("Leavers:" in line and leaver.name in line for line in demo.splitlines())


def test_the_senco_gets_the_transfer_pack_and_a_ta_does_not_see_the_leaver(leaver, client):
    verified_login(client, login("senco"))
    listed = client.get("/pupils/leavers/")
    assert leaver.name in listed.content.decode()
    pack = client.get(f"/pupils/{leaver.pk}/transfer-pack/")
    assert pack.status_code == 200 and pack.content.startswith(b"%PDF")
    client.logout()
    verified_login(client, login("ta1"))
    assert client.get(f"/pupils/{leaver.pk}/").status_code == 404
