"""The demo's deployment page as the SENCO sees it. The one 1:1 promise nobody was deployed
to by hand (GAP_NOTE: the SENCO is recruiting) is given by this week's published plan, so it
does not stand at the top as unstaffed on a school day; without the plan it would."""

from django.conf import settings
from django.utils import timezone

from sendesk.accounts.models import User
from sendesk.demo.generator import GAP_NOTE
from sendesk.deployment.models import Plan
from sendesk.provision.models import Provision
from sendesk.pupils.models import Deployment
from tests.second_factor import code_for


def _senco_page(client):
    client.post(
        "/login/", {"username": "senco@oakfield.example", "password": settings.DEMO_PASSWORD}
    )
    # The SENCO's second step, with the demo's authenticator.
    senco = User.objects.get(email="senco@oakfield.example")
    client.post("/login/second-step/", {"code": code_for(senco)})
    text = client.get("/deployment/").content.decode()
    return text[text.index('id="h-attention"') : text.index('id="h-current"')]


def test_the_demos_unstaffed_one_to_one_is_given_by_the_published_plan(demo, client):
    gap = Provision.objects.select_related("pupil").get(
        pupil__school__name="Oakfield Primary", staffing_notes=GAP_NOTE
    )
    today = timezone.localdate()
    assert not Deployment.objects.standing().filter(pupil=gap.pupil, kind="one_to_one").exists()
    assert Deployment.objects.filter(
        pupil=gap.pupil, kind="one_to_one", start=today, made_by_plan__isnull=False
    ).exists()
    attention = _senco_page(client)
    assert gap.pupil.name not in attention
    assert "Every promise of 1:1 hours has an adult deployed today." in attention


def test_without_the_plan_the_gap_stands_at_the_top(demo, client):
    gap = Provision.objects.select_related("pupil").get(
        pupil__school__name="Oakfield Primary", staffing_notes=GAP_NOTE
    )
    Deployment.objects.filter(made_by_plan__isnull=False).delete()
    Plan.objects.filter(status="published").update(status="superseded")
    attention = _senco_page(client)
    hours = gap.weekly_minutes // 60
    assert f"{gap.pupil.name}</a>: {hours} hours a week" in attention
    # Only the gap left on purpose: every other 1:1 promise has its adult.
    assert attention.count("No adult deployed for") == 1
    assert f"?for={gap.pupil_id}#add" in attention
