"""manage.py trust_role (issue 13): how trust roles are given and taken away."""

import io

import pytest
from django.core.management import CommandError, call_command

from sendesk.schools.models import TrustRole


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
