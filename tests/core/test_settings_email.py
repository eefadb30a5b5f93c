"""SENDESK_EMAIL_URL: printed to the server log unless it names an SMTP server; a URL
that is not one stops start-up with a message that says what it should look like."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND.rsplit('.', 2)[-2], getattr(s, 'EMAIL_HOST', ''), "
    "getattr(s, 'EMAIL_PORT', ''), getattr(s, 'EMAIL_HOST_USER', ''), "
    "getattr(s, 'EMAIL_HOST_PASSWORD', ''), getattr(s, 'EMAIL_USE_TLS', ''), "
    "getattr(s, 'EMAIL_USE_SSL', ''))"
)


def settings_with(url):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sendesk.settings"}
    env.pop("SENDESK_EMAIL_URL", None)
    if url is not None:
        env["SENDESK_EMAIL_URL"] = url
    code = f"import django; django.setup(); {SHOW}"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_by_default_mail_is_printed_to_the_log():
    assert settings_with(None).stdout.split()[0] == "console"


def test_an_smtp_url_names_the_server_and_its_login():
    out = settings_with("smtp://office%40oakfield.example:s3cret@mail.oakfield.example:587")
    assert out.stdout.split() == [
        "smtp", "mail.oakfield.example", "587", "office@oakfield.example", "s3cret", "True",
        "False",
    ]  # fmt: skip
    assert settings_with("smtps://mail.oakfield.example").stdout.split()[1:] == [
        "mail.oakfield.example", "465", "False", "True",
    ]  # fmt: skip


def test_a_url_that_is_not_smtp_says_what_it_should_be():
    out = settings_with("http://mail.oakfield.example")
    assert out.returncode != 0
    assert "SENDESK_EMAIL_URL must look like smtp://user:password@host:587" in out.stderr
