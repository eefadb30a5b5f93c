"""The demo's second factor: the accounts that must use one are enrolled with the published
demo key, printed beside the password, so that anyone can add it to an authenticator app."""

import io

from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendesk.accounts.models import User
from sendesk.signin import mfa

DOMAIN = "oakfield.example"
# Issue 13: trust@, the trust SENCO (SENCO at Oakfield), too.
NEEDING = ["dpo", "dsl", "ep", "head", "senco", "slt", "trust"]


def app_code(secret: str) -> str:
    """What an authenticator app given `secret` shows now."""
    return f"{totp(bytes.fromhex(mfa.totp_key(secret)), t0=0, step=30, digits=6):06d}"


def test_the_key_is_printed_and_every_account_that_needs_it_has_it(demo):
    line = next(line for line in demo.splitlines() if line.startswith("Second factor for"))
    assert settings.DEMO_TOTP_SECRET in line
    assert [key for key in NEEDING if f"{key}@" in line] == NEEDING
    enrolled = TOTPDevice.objects.filter(user__email__endswith=f"@{DOMAIN}", confirmed=True)
    assert sorted(d.user.email.split("@")[0] for d in enrolled) == NEEDING
    assert {d.key for d in enrolled} == {mfa.totp_key(settings.DEMO_TOTP_SECRET)}
    for person in User.objects.filter(email__endswith=f"@{DOMAIN}"):
        assert mfa.second_factor_required(person) == (person.email.split("@")[0] in NEEDING)


def test_the_senco_signs_in_with_the_published_key(demo, now):
    client = Client()
    email = f"senco@{DOMAIN}"
    client.post("/login/", {"username": email, "password": settings.DEMO_PASSWORD})
    assert client.get("/overview/").url.startswith("/login/second-step/")
    r = client.post("/login/second-step/", {"code": app_code(settings.DEMO_TOTP_SECRET)})
    assert r.status_code == 302
    assert client.get("/overview/").status_code == 200


def test_seeding_again_enrols_nobody_twice(demo):
    before = TOTPDevice.objects.count()
    out = io.StringIO()
    with override_settings(DEMO_MODE=True):  # seed_demo does nothing outside demo mode
        call_command("seed_demo", stdout=out)
    assert TOTPDevice.objects.count() == before
    assert settings.DEMO_TOTP_SECRET in out.getvalue()
