"""The second factor over HTTP: who must use one, setting it up, the second step with a code
or a recovery code, wrong codes, the head's policy and reset, and the API's token."""

import json
import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendesk.accounts.models import ApiToken
from sendesk.audit.models import AuditEvent, SecurityEvent
from sendesk.signin import mfa
from sendesk.signin.models import SecondFactorPolicy

from ..second_factor import code_for, enrol
from ..world import PASSWORD

TOKEN_URL = "/api/v1/auth/token"


def password_step(client, person):
    """The sign-in form, password only: they are signed in but not yet past the gate."""
    r = client.post("/login/", {"username": person.email, "password": PASSWORD})
    assert r.status_code == 302, r.content
    return client


def events(kind, **where):
    return list(SecurityEvent.objects.filter(kind=kind, **where))


def token(client, person, **extra):
    body = {"email": person.email, "password": PASSWORD, **extra}
    return client.post(TOKEN_URL, json.dumps(body), content_type="application/json")


def secret_shown(body: str) -> str:
    """The key the set-up page writes out for typing, put back together."""
    block = re.search(r'<p class="secret" id="secret">(.*?)</p>', body, re.S).group(1)
    return "".join(re.findall(r"<span>([A-Z2-7]{1,4})</span>", block))


# --- Who must use one ------------------------------------------------------------------


@pytest.mark.parametrize("person", ["senco", "head", "dsl", "theo"])
def test_whole_school_roles_and_therapists_must_set_one_up_before_any_page(world, person):
    client = password_step(Client(), getattr(world, person))
    for path in ["/", "/pupils/", "/account/second-factor/", "/admin/"]:
        r = client.get(path)
        assert r.status_code == 302, path
        assert r.url.startswith("/account/second-factor/set-up/?next="), (path, r.url)
    # Signing out, the health check and the set-up page itself stay open.
    assert client.get("/healthz").status_code == 200
    assert client.get("/account/second-factor/set-up/").status_code == 200


def test_a_ta_is_not_asked_for_one(world):
    client = password_step(Client(), world.alice)
    assert client.get("/my-day/").status_code == 200
    assert client.get("/account/second-factor/").status_code == 200
    assert not mfa.second_factor_required(world.alice)


def test_the_heads_policy_adds_the_ta_role(world, as_user):
    head = as_user(world.head)
    page = head.get("/security/second-factor/")
    assert page.status_code == 200
    assert b"Alice Assistant" in page.content

    r = head.post("/security/second-factor/", {"roles": ["ta"], "school": world.school.pk})
    assert r.status_code == 302
    assert SecondFactorPolicy.objects.get(school=world.school).roles == ["ta"]
    row = AuditEvent.objects.get(object_type="signin.secondfactorpolicy")
    assert (row.actor, row.school_id, row.after["roles"]) == (world.head, world.school.pk, ["ta"])

    # Alice (TA) is now sent to set-up; Hana (HLTA) and Tess (teacher) are not.
    alice = password_step(Client(), world.alice)
    assert alice.get("/my-day/").url.startswith("/account/second-factor/set-up/")
    assert password_step(Client(), world.hana).get("/my-day/").status_code == 200
    assert password_step(Client(), world.tess).get("/feed/").status_code == 200


def test_a_policy_naming_an_unknown_role_is_refused(world, as_user):
    head = as_user(world.head)
    r = head.post("/security/second-factor/", {"roles": ["ta", "janitor"]})
    assert r.status_code == 422
    assert b"error-summary" in r.content
    assert not SecondFactorPolicy.objects.exists()


def test_only_the_head_has_the_policy_page(world, as_user):
    for person in (world.alice, world.senco, world.dsl, world.theo, world.pat):
        client = as_user(person)
        assert client.get("/security/second-factor/").status_code == 404
        assert client.post("/security/second-factor/", {"roles": ["ta"]}).status_code == 404
    assert not SecondFactorPolicy.objects.exists()


# --- Setting it up ---------------------------------------------------------------------


def test_senco_sets_up_an_authenticator_and_gets_recovery_codes_once(world, now):
    client = password_step(Client(), world.senco)
    page = client.get("/account/second-factor/set-up/?next=/overview/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body and "<title>QR code to scan" in body
    main = body.split("<main")[1].split("</main>")[0]
    assert "<script" not in main and "style=" not in main
    assert 'autocomplete="one-time-code"' in body and 'inputmode="numeric"' in body
    assert "SENCO" in body  # why they are asked
    # The key written out is the one the device holds, in groups of four for typing.
    device = TOTPDevice.objects.get(user=world.senco, confirmed=False)
    assert secret_shown(body) == mfa.secret_of(device).rstrip("=")
    # Reloading keeps the same key (they may have scanned it already).
    client.get("/account/second-factor/set-up/")
    assert TOTPDevice.objects.filter(user=world.senco).count() == 1

    wrong = client.post("/account/second-factor/set-up/", {"code": "000000", "next": "/overview/"})
    assert wrong.status_code == 422
    assert b"error-summary" in wrong.content and b'value="000000"' in wrong.content
    assert events("mfa_failed", user=world.senco)[0].detail["step"] == "set-up"
    assert client.get("/overview/").status_code == 302  # still not through

    now.shift(2)  # django-otp waits a second after a wrong code
    done = client.post(
        "/account/second-factor/set-up/", {"code": code_for(device), "next": "/overview/"}
    )
    assert done.status_code == 200
    codes = re.findall(r"<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</li>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert b"only time they are shown" in done.content
    assert b'href="/overview/"' in done.content
    device.refresh_from_db()
    assert device.confirmed
    # Only digests are kept: a copy of the database hands out no recovery codes.
    stored = set(
        StaticToken.objects.filter(device__user=world.senco).values_list("token", flat=True)
    )
    assert len(stored) == 10 and not stored & {c.replace("-", "") for c in codes}
    assert events("mfa_enrolled", user=world.senco)[0].detail["recovery_codes"] == 10
    # The session is through the gate now.
    assert client.get("/overview/").status_code == 200
    assert client.get("/account/second-factor/").status_code == 200


def test_a_ta_may_set_one_up_and_is_then_asked_for_it(world, now):
    client = password_step(Client(), world.alice)
    client.get("/account/second-factor/set-up/")
    device = TOTPDevice.objects.get(user=world.alice)
    r = client.post("/account/second-factor/set-up/", {"code": code_for(device)})
    assert r.status_code == 200 and b"recovery codes" in r.content

    later = password_step(Client(), world.alice)
    assert later.get("/my-day/").url == "/login/second-step/?next=%2Fmy-day%2F"


def test_codes_that_are_not_six_digits_are_refused_with_a_message(world):
    client = password_step(Client(), world.senco)
    client.get("/account/second-factor/set-up/")
    for typed in ("", "12345", "abcdef", "1234567"):
        r = client.post("/account/second-factor/set-up/", {"code": typed})
        assert r.status_code == 422 and b"error-summary" in r.content, typed
    assert not TOTPDevice.objects.filter(user=world.senco, confirmed=True).exists()


# --- The second step -------------------------------------------------------------------


def test_sign_in_with_the_code_from_the_app(world):
    device = enrol(world.senco)
    client = password_step(Client(), world.senco)
    r = client.get("/overview/")
    assert r.url == "/login/second-step/?next=%2Foverview%2F"
    page = client.get(r.url)
    body = page.content.decode()
    assert 'autocomplete="one-time-code"' in body and 'inputmode="numeric"' in body
    assert 'name="next" value="/overview/"' in body
    before = client.session.session_key

    r = client.post("/login/second-step/", {"code": code_for(device), "next": "/overview/"})
    assert r.status_code == 302 and r.url == "/overview/"
    assert client.session.session_key != before  # a new key with the new standing
    assert client.get("/overview/").status_code == 200
    assert not events("mfa_failed")
    # The trail tells the password step from the completed sign-in (found by hand: only
    # the password step was recorded).
    steps = SecurityEvent.objects.filter(user=world.senco, kind="signed_in").order_by("id")
    assert [(e.detail["step"], e.detail.get("device")) for e in steps] == [
        ("password", None),
        ("second factor", "authenticator app"),
    ]


def test_a_code_is_accepted_once(world):
    device = enrol(world.senco)
    code = code_for(device)
    first = password_step(Client(), world.senco)
    assert first.post("/login/second-step/", {"code": code}).status_code == 302
    second = password_step(Client(), world.senco)
    assert second.post("/login/second-step/", {"code": code}).status_code == 422


def test_a_wrong_code_is_refused_recorded_and_slows_the_next(world, now):
    device = enrol(world.senco)
    client = password_step(Client(), world.senco)
    r = client.post("/login/second-step/", {"code": "123 456", "next": "/overview/"})
    assert r.status_code == 422
    body = r.content.decode()
    assert "error-summary" in body and "That code is not right" in body
    assert 'value="123 456"' in body  # what was typed stays
    row = events("mfa_failed", user=world.senco)[0]
    assert (row.via, row.detail["code"]) == ("web", "authenticator")
    assert "123456" not in json.dumps(row.detail)  # never the code itself
    assert client.get("/overview/").url.startswith("/login/second-step/")

    # At once, even the right code waits (django-otp's back-off); a moment later it works.
    r = client.post("/login/second-step/", {"code": code_for(device)})
    assert r.status_code == 422 and b"Wait 1 second" in r.content
    now.shift(2)
    assert client.post("/login/second-step/", {"code": code_for(device)}).status_code == 302
    assert client.get("/overview/").status_code == 200


def test_sign_in_with_a_recovery_code_works_once(world):
    from sendesk.signin.mfa_services import replace_recovery_codes

    enrol(world.senco)
    codes = replace_recovery_codes(user=world.senco, request=None)
    client = password_step(Client(), world.senco)
    r = client.post("/login/second-step/", {"recovery_code": codes[3].upper(), "next": "/"})
    assert r.status_code == 302
    # Through the gate; the page after says how many codes are left.
    after = client.get("/overview/")
    assert after.status_code == 200 and b"9 of 10 left" in after.content
    assert StaticToken.objects.filter(device__user=world.senco).count() == 9
    used = events("recovery_code_used", user=world.senco)
    assert len(used) == 1 and used[0].detail["left"] == 9

    again = password_step(Client(), world.senco)
    r = again.post("/login/second-step/", {"recovery_code": codes[3]})
    assert r.status_code == 422 and b"used already" in r.content
    assert b"<details open" in r.content  # the recovery form stays open with its error
    assert events("mfa_failed", user=world.senco)[0].detail["code"] == "recovery code"
    assert again.get("/overview/").status_code == 302


def test_new_recovery_codes_replace_the_old_ones(world, as_user, now):
    from sendesk.signin.mfa_services import replace_recovery_codes

    old = replace_recovery_codes(user=enrol(world.senco).user, request=None)
    client = as_user(world.senco)
    r = client.post("/account/second-factor/recovery-codes/")
    new = re.findall(r"<li>([a-z2-9-]{14})</li>", r.content.decode())
    assert r.status_code == 200 and len(new) == 10
    assert events("mfa_enrolled", user=world.senco)[0].detail["device"] == "recovery codes"
    # The session stays through the gate, and an old code no longer works.
    assert client.get("/overview/").status_code == 200
    later = password_step(Client(), world.senco)
    assert later.post("/login/second-step/", {"recovery_code": old[0]}).status_code == 422
    now.shift(2)
    assert later.post("/login/second-step/", {"recovery_code": new[0]}).status_code == 302


def test_an_unsafe_next_goes_home(world):
    device = enrol(world.senco)
    client = password_step(Client(), world.senco)
    r = client.post(
        "/login/second-step/", {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert r.url == "/"


def test_htmx_requests_are_sent_to_the_second_step_as_a_whole_page(world):
    enrol(world.senco)
    client = password_step(Client(), world.senco)
    r = client.get("/overview/", HTTP_HX_REQUEST="true")
    assert r["HX-Redirect"].startswith("/login/second-step/")


# --- A lost phone: the head resets it --------------------------------------------------


def test_the_head_resets_a_lost_second_factor(world, as_user):
    from sendesk.signin.mfa_services import replace_recovery_codes

    enrol(world.senco)
    replace_recovery_codes(user=world.senco, request=None)
    senco = Client()
    password_step(senco, world.senco)
    senco.post("/login/second-step/", {"code": code_for(world.senco)})
    assert senco.get("/overview/").status_code == 200
    raw = token(Client(), world.senco, otp=code_for(world.senco)).json()["token"]

    head = as_user(world.head)
    listing = head.get("/security/second-factor/").content.decode()
    assert f"/security/second-factor/{world.senco.pk}/reset/" in listing
    confirm = head.get(f"/security/second-factor/{world.senco.pk}/reset/")
    assert confirm.status_code == 200 and b"Sam Senco" in confirm.content
    assert TOTPDevice.objects.filter(user=world.senco).exists()  # a GET changes nothing

    r = head.post(f"/security/second-factor/{world.senco.pk}/reset/")
    assert r.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.senco).exists()
    assert not StaticDevice.objects.filter(user=world.senco).exists()
    row = events("mfa_reset", user=world.senco)[0]
    assert row.actor == world.head
    assert events("token_revoked", user=world.senco)[0].detail["why"] == "second factor reset"
    # Their session and token end; at the next sign-in they set it up again.
    assert senco.get("/overview/").url.startswith("/login/")
    api = Client().get("/api/v1/pupils", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 401
    assert not ApiToken.objects.filter(user=world.senco).exists()
    fresh = password_step(Client(), world.senco)
    assert fresh.get("/overview/").url.startswith("/account/second-factor/set-up/")


def test_nobody_else_reaches_the_reset(world, as_user):
    enrol(world.senco)
    url = f"/security/second-factor/{world.senco.pk}/reset/"
    for person in (world.alice, world.senco, world.dsl, world.olga, world.pat):
        client = as_user(person)
        assert client.get(url).status_code == 404, person
        assert client.post(url).status_code == 404, person
    head = as_user(world.head)
    # Not someone from another school, not themselves, not someone who does not exist.
    for other in (world.olga.pk, world.head.pk, 999999):
        assert head.get(f"/security/second-factor/{other}/reset/").status_code == 404
    assert TOTPDevice.objects.filter(user=world.senco).exists()
    assert not events("mfa_reset")


# --- The API's token -------------------------------------------------------------------


def test_the_api_asks_for_the_code(world, client, now):
    device = enrol(world.senco)
    missing = token(client, world.senco)
    assert missing.status_code == 401
    assert missing.json()["mfa_required"] is True and "otp" in missing.json()["detail"]
    assert not events("mfa_failed")  # asking is not failing

    wrong = token(client, world.senco, otp="000000")
    assert wrong.status_code == 401 and wrong.json()["mfa_required"] is True
    row = events("mfa_failed", user=world.senco)[0]
    assert row.via == "api"
    assert not ApiToken.objects.exists()

    now.shift(2)
    right = token(client, world.senco, otp=code_for(device))
    assert right.status_code == 200 and right.json()["token"]
    assert ApiToken.objects.filter(user=world.senco).count() == 1


def test_the_api_sends_someone_who_has_not_set_one_up_to_the_web(world, client):
    r = token(client, world.dsl, otp="123456")
    assert r.status_code == 401
    assert r.json()["mfa_required"] is True and "web" in r.json()["detail"]
    assert not ApiToken.objects.exists()


def test_the_api_takes_no_recovery_code_and_a_ta_needs_no_code(world, client):
    from sendesk.signin.mfa_services import replace_recovery_codes

    enrol(world.senco)
    codes = replace_recovery_codes(user=world.senco, request=None)
    assert token(client, world.senco, otp=codes[0]).status_code == 401
    assert StaticToken.objects.filter(device__user=world.senco).count() == 10
    # A TA with no second factor is answered as before, with or without an otp.
    assert token(client, world.alice).status_code == 200
    assert token(client, world.alice, otp=None).status_code == 200


def test_a_wrong_password_says_nothing_about_the_second_factor(world, client):
    enrol(world.senco)
    body = {"email": world.senco.email, "password": "wrong", "otp": "123456"}
    r = client.post(TOKEN_URL, json.dumps(body), content_type="application/json")
    assert r.status_code == 401 and "mfa_required" not in r.json()


def test_the_document_describes_the_otp_and_the_401(db, client):
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    assert "otp" in components["TokenIn"]["properties"]
    assert "otp" not in components["TokenIn"].get("required", [])
    op = schema["paths"][TOKEN_URL]["post"]
    body = op["responses"]["401"]["content"]["application/json"]["schema"]
    refs = [option["$ref"].rsplit("/", 1)[1] for option in body["anyOf"]]
    assert "mfa_required" in components[refs[0]]["properties"]
    assert set(refs) == {"MfaRequiredOut", "ErrorOut"}
