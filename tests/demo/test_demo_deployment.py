"""The demo's deployment page as the SENCO sees it: the one 1:1 promise left unstaffed on
purpose (GAP_NOTE) stands at the top, named, before it shows up as "not recorded"."""

from django.conf import settings

from sendesk.accounts.models import User
from sendesk.demo.generator import GAP_NOTE
from sendesk.provision.models import Provision
from tests.second_factor import code_for


def test_the_senco_sees_the_demos_unstaffed_one_to_one_first(demo, client):
    gap = Provision.objects.select_related("pupil").get(
        pupil__school__name="Oakfield Primary", staffing_notes=GAP_NOTE
    )
    client.post(
        "/login/", {"username": "senco@oakfield.example", "password": settings.DEMO_PASSWORD}
    )
    # The SENCO's second step, with the demo's authenticator.
    senco = User.objects.get(email="senco@oakfield.example")
    client.post("/login/second-step/", {"code": code_for(senco)})
    text = client.get("/deployment/").content.decode()
    attention = text[text.index('id="h-attention"') : text.index('id="h-current"')]
    hours = gap.weekly_minutes // 60
    assert f"{gap.pupil.name}</a>: {hours} hours a week" in attention
    # Only the gap left on purpose: every other 1:1 promise has its adult.
    assert attention.count("No adult deployed for") == 1
    assert f"?for={gap.pupil_id}#add" in attention
