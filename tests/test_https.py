"""Running for real: SENDESK_HTTPS=1 sends plain HTTP to HTTPS, tells browsers to keep to
HTTPS for a year (HSTS), marks the session and CSRF cookies Secure, and trusts the proxy's
scheme header only when SENDESK_TRUSTED_PROXY_HEADER names it; `check --deploy` is then
clean. The settings come from sendesk.settings.https_settings, the function the settings
module itself calls with the environment, so the tests apply exactly what it would."""

import os
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from sendesk import settings as conf
from tests.world import PASSWORD

YEAR = 60 * 60 * 24 * 365


def _apply(settings, **env):
    values = conf.https_settings(
        **{"proxy_header": "", "hsts_seconds": YEAR, "preload": False, **env}
    )
    values.pop("SILENCED_SYSTEM_CHECKS", None)
    for name, value in values.items():
        setattr(settings, name, value)
    return values


def test_https_turns_on_redirect_hsts_and_secure_cookies():
    assert conf.https_settings(https=True, proxy_header="", hsts_seconds=YEAR, preload=False) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_REDIRECT_EXEMPT": [r"^healthz$"],
        "SECURE_HSTS_SECONDS": YEAR,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SILENCED_SYSTEM_CHECKS": ["security.W021"],
    }
    # Without it nothing changes; a proxy header alone is only trusted, not required.
    assert conf.https_settings(https=False, proxy_header="", hsts_seconds=YEAR, preload=False) == {}
    assert conf.https_settings(
        https=False, proxy_header="X-Forwarded-Proto", hsts_seconds=YEAR, preload=False
    ) == {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}
    # Preload is the school's choice, and then nothing is silenced.
    assert "SILENCED_SYSTEM_CHECKS" not in conf.https_settings(
        https=True, proxy_header="", hsts_seconds=YEAR, preload=True
    )


@pytest.mark.parametrize("header", ["X Forwarded Proto", "X-Forwarded-Proto: https", "-", "Ä"])
def test_a_proxy_header_that_is_not_a_header_name_stops_start_up(header):
    with pytest.raises(ImproperlyConfigured, match="SENDESK_TRUSTED_PROXY_HEADER"):
        conf.https_settings(https=True, proxy_header=header, hsts_seconds=YEAR, preload=False)


def test_plain_http_is_sent_to_https_which_gets_hsts(world, client, settings):
    _apply(settings, https=True)
    plain = client.get("/login/?next=/my-day/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/login/?next=/my-day/"
    assert "Strict-Transport-Security" not in plain  # HSTS means nothing over plain HTTP
    secure = client.get("/login/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == f"max-age={YEAR}; includeSubDomains"
    # The load balancer's health check may stay on plain HTTP.
    assert client.get("/healthz").status_code == 200


def test_without_https_nothing_redirects(world, client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response
    assert not response.cookies["csrftoken"]["secure"]


def test_cookies_are_secure_over_https(world, client, settings):
    _apply(settings, https=True)
    form = client.get("/login/", secure=True)
    assert form.cookies["csrftoken"]["secure"] is True
    signed_in = client.post(
        "/login/", {"username": world.alice.email, "password": PASSWORD}, secure=True
    )
    assert signed_in.status_code == 302
    assert signed_in.cookies["sessionid"]["secure"] is True
    assert signed_in.cookies["sessionid"]["httponly"] is True


def test_the_proxy_header_is_trusted_only_when_named(world, client, settings):
    _apply(settings, https=True)
    # Not named: a client's own X-Forwarded-Proto proves nothing.
    assert client.get("/login/", headers={"X-Forwarded-Proto": "https"}).status_code == 301
    _apply(settings, https=True, proxy_header="X-Forwarded-Proto")
    behind_proxy = client.get("/login/", headers={"X-Forwarded-Proto": "https"})
    assert behind_proxy.status_code == 200
    assert behind_proxy["Strict-Transport-Security"] == f"max-age={YEAR}; includeSubDomains"
    assert client.get("/login/", headers={"X-Forwarded-Proto": "http"}).status_code == 301


def _check_deploy(tmp_path, **env):
    """manage.py check --deploy in a fresh process with only the given SENDESK_ variables."""
    # As a server's environment: none of ours, and not the browser tests' permission to
    # call the ORM from Playwright's event loop (DJANGO_ALLOW_ASYNC_UNSAFE, set by
    # tests/conftest.py when browser tests run first), which check --deploy rightly reports.
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SENDESK_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    environ.update(SENDESK_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=conf.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_environment(tmp_path):
    run = _check_deploy(
        tmp_path,
        SENDESK_HTTPS="1",
        SENDESK_SECRET_KEY=secrets.token_urlsafe(50),
        SENDESK_ALLOWED_HOSTS="sendesk.oakfield.example",
        SENDESK_TRUSTED_PROXY_HEADER="X-Forwarded-Proto",
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "System check identified no issues" in run.stdout


def test_check_deploy_warns_without_https(tmp_path):
    """What the clean run above is clean of: the four warnings of plain HTTP."""
    run = _check_deploy(
        tmp_path,
        SENDESK_SECRET_KEY=secrets.token_urlsafe(50),
        SENDESK_ALLOWED_HOSTS="sendesk.oakfield.example",
    )
    assert run.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in run.stderr + run.stdout, warning
