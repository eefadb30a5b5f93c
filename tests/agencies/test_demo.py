"""The demo (issue 11): ep@oakfield.example sees the one pupil referred with the parents'
consent to share, not the one whose consent is missing; one referral is past its
timescale on the SENCO's overview. Time frozen at the test world's Wednesday."""

import pytest
from django.conf import settings

from sendesk.accounts.models import User
from sendesk.schools.models import School
from sendesk.therapy.models import Referral
from sendesk.therapy.selectors import overdue_referrals, referred_pupils
from tests.world import TODAY

from ..second_factor import verified_login


@pytest.fixture
def seeded(db, now, _shared):
    return _shared.get("seeded")


@pytest.fixture
def school(seeded):
    return School.objects.get(name="Oakfield Primary")


def test_the_psychologist_sees_one_referred_pupil_and_not_the_other(school, client):
    ep = User.objects.get(email="ep@oakfield.example")
    referrals = list(Referral.objects.filter(therapist=ep).select_related("pupil"))
    assert len(referrals) == 2
    seen = set(referred_pupils(ep))
    assert len(seen) == 1
    denied = next(r.pupil for r in referrals if r.pupil not in seen)
    shown = seen.pop()
    verified_login(client, ep)
    assert client.get(f"/therapy/pupils/{shown.pk}/").status_code == 200
    assert client.get(f"/therapy/pupils/{denied.pk}/").status_code == 404
    assert ep.check_password(settings.DEMO_PASSWORD)


def test_one_referral_is_past_its_timescale_on_the_overview(school, client):
    late = list(overdue_referrals([school.pk], TODAY))
    assert len(late) == 1 and late[0].agency.kind == "camhs"
    verified_login(client, User.objects.get(email="senco@oakfield.example"))
    assert "Referrals past their timescale" in client.get("/overview/").content.decode()
