"""Signing in across two app servers: a session, an API token and a lockout made on one
server hold on the other (they share the database, never the process)."""

import requests

from tests.world import PASSWORD

from .conftest import Browser, api_token, at_once, bearer, by_email, sign_in


def test_a_session_made_on_a_works_on_b_and_signing_out_on_b_ends_it_on_a(ms):
    senco = by_email("senco@test.example")
    on_a = sign_in(ms.a, senco.email, user=senco)  # password and the authenticator's code
    # The same cookies carried to B, as a load balancer would send the next request there.
    on_b = Browser()
    on_b.cookies.update(on_a.cookies)
    page = on_b.get(f"{ms.b}/")
    assert page.status_code == 200 and "/login/" not in page.url, page.url
    assert "Sam Senco" in page.text
    out = on_b.post(f"{ms.b}/logout/", allow_redirects=False)
    assert out.status_code == 302
    # A never heard of the sign-out; its next request finds the session gone.
    again = on_a.get(f"{ms.a}/", allow_redirects=False)
    assert again.status_code == 302 and again.headers["Location"].startswith("/login/")


def test_a_token_issued_on_a_works_on_b_and_revoked_on_b_is_refused_on_a(ms):
    token = api_token(ms.a, "alice@test.example")
    mine = requests.get(f"{ms.b}/api/v1/auth/tokens", headers=bearer(token))
    assert mine.status_code == 200
    # Alice's devices (other tests here signed her in too): this one is among them, once.
    assert [t["current"] for t in mine.json()].count(True) == 1
    assert requests.delete(f"{ms.b}/api/v1/auth/token", headers=bearer(token)).status_code == 204
    refused = requests.get(f"{ms.a}/api/v1/auth/tokens", headers=bearer(token))
    assert refused.status_code == 401


def test_failures_split_across_a_and_b_lock_the_account_on_both(ms, settings):
    email = "bob@test.example"
    wrong = {"email": email, "password": "not-" + PASSWORD}
    # Five failures (the lockout's limit), three on A and two on B, sent at once.
    sent = at_once(
        *[
            (lambda base=base: requests.post(f"{base}/api/v1/auth/token", json=wrong))
            for base in (ms.a, ms.a, ms.a, ms.b, ms.b)
        ]
    )
    assert settings.SENDESK_LOCKOUT_FAILURES == len(sent)
    assert all(r.status_code in (401, 429) for r in sent), [r.status_code for r in sent]
    right = {"email": email, "password": PASSWORD}
    for base in (ms.a, ms.b):
        r = requests.post(f"{base}/api/v1/auth/token", json=right)
        assert r.status_code == 429, (base, r.status_code, r.text)
        assert "locked" in r.json()["detail"].lower()
    # And on the sign-in form, on either.
    form = Browser()
    form.get(f"{ms.b}/login/")
    r = form.post(f"{ms.b}/login/", {"username": email, "password": PASSWORD})
    assert r.status_code == 429
