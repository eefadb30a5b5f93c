"""manage.py trust_role (issue 13): how trust roles are given and taken away."""

import io

import pytest
from django.core.management import CommandError, call_command

from sendesk.audit.models import SecurityEvent
from sendesk.schools.models import TrustRole
from tests.pages_senco.test_calendar_kept import _Form


def _run(*args) -> str:
    out = io.StringIO()
    call_command("trust_role", *args, stdout=out)
    return out.getvalue()


def test_grant_twice_then_take_away(world):
    said = _run("Olga@Other.example", "Test Trust", "trust_lead")
    assert said == "olga@other.example is now Trust lead of Test Trust.\n"
    assert "was already" in _run("olga@other.example", "Test Trust", "trust_lead")
    assert TrustRole.objects.filter(user=world.olga, trust=world.trust).count() == 1
    assert "no longer" in _run("olga@other.example", "Test Trust", "trust_lead", "--remove")
    assert not TrustRole.objects.filter(user=world.olga).exists()
    # Given once and taken away once, each in the security trail; "already" changes nothing.
    trail = SecurityEvent.objects.filter(user=world.olga, kind="role_changed").order_by("pk")
    assert [(e.via, e.detail["added"], e.detail["removed"]) for e in trail] == [
        ("command", [f"trust_lead of trust {world.trust.pk}"], []),
        ("command", [], [f"trust_lead of trust {world.trust.pk}"]),
    ]


def test_a_trust_role_given_in_the_set_up_screens_is_in_the_security_trail(world, as_user):
    head = world.head
    head.is_staff = head.is_superuser = True
    head.save()
    client = as_user(head)
    url = f"/admin/schools/trust/{world.trust.pk}/change/"
    form = _Form()
    form.feed(client.get(url).content.decode())
    data = dict(form.data)
    new = int(data["roles-TOTAL_FORMS"])
    data["roles-TOTAL_FORMS"] = str(new + 1)
    data.update({f"roles-{new}-user": str(world.olga.pk), f"roles-{new}-role": "trust_senco"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert TrustRole.objects.filter(user=world.olga, trust=world.trust).exists()
    event = SecurityEvent.objects.get(user=world.olga, kind="role_changed")
    assert event.actor == head
    assert event.detail["added"] == [f"trust_senco of trust {world.trust.pk}"]


@pytest.mark.parametrize(
    "args, message",
    [
        (("nobody@nowhere.example", "Test Trust", "trust_senco"), "No account"),
        (("olga@other.example", "No Such Trust", "trust_senco"), "No trust is called"),
    ],
)
def test_unknown_person_or_trust_is_said_plainly(world, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)
