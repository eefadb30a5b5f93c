"""Demo mode: the demo school and its published logins exist only when asked for
(SENDESK_DEMO, which `make run` turns on); with it off an empty database gets no account
at all, and manage.py createadmin makes the first head."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sendesk.accounts.models import User
from sendesk.audit.models import SecurityEvent
from sendesk.schools.models import School, StaffRole

from ..second_factor import code_for, verified_login
from .conftest import NEW_PASSWORD

BANNER = "Demo — synthetic data"


def _seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_with_demo_mode_off_an_empty_database_gets_no_accounts(db, now, settings, client):
    settings.DEMO_MODE = False
    out = _seed()
    assert "Demo mode is off" in out and "createadmin" in out
    assert not User.objects.exists() and not School.objects.exists()
    assert BANNER not in client.get("/login/").content.decode()


def test_demo_mode_on_makes_the_demo_school_and_shows_the_banner(db, now, settings, client):
    settings.DEMO_MODE = True
    assert "senco@oakfield.example" in _seed()
    r = client.post(
        "/login/", {"username": "senco@oakfield.example", "password": settings.DEMO_PASSWORD}
    )
    assert r.status_code == 302
    # The demo SENCO types the code her app shows for the demo key.
    senco = User.objects.get(email="senco@oakfield.example")
    r = client.post("/login/second-step/", {"code": code_for(senco), "next": "/overview/"})
    assert r.status_code == 302
    page = client.get("/overview/").content.decode()
    assert f'<p class="demo-banner" role="note">{BANNER}</p>' in page
    assert BANNER in client.get("/no-such-page/").content.decode()  # every page, 404 too
    assert BANNER in client.get("/admin/login/").content.decode()  # and the set-up screens
    # Turned off again, the banner goes and the demo school is flagged, not used quietly.
    settings.DEMO_MODE = False
    assert BANNER not in client.get("/overview/").content.decode()
    assert "still in this database" in _seed()


def test_createadmin_makes_the_first_head(db, now, settings, monkeypatch):
    settings.DEMO_MODE = False
    monkeypatch.setenv("SENDESK_ADMIN_PASSWORD", NEW_PASSWORD)
    out = io.StringIO()
    call_command(
        "createadmin", "--no-input", "--email=Head@Real.Example", "--name=Rhiannon Head",
        "--school=Real Primary", stdout=out,
    )  # fmt: skip
    assert "Made Rhiannon Head (head@real.example) head of Real Primary" in out.getvalue()
    head = User.objects.get()
    assert (head.is_staff, head.is_superuser) == (True, True)
    role = StaffRole.objects.get(user=head)
    assert (role.school.name, role.role) == ("Real Primary", "head")
    event = SecurityEvent.objects.get(user=head)
    assert (event.kind, event.detail["added"]) == ("role_changed", ["head"])
    # They sign in over HTTP and reach the staff accounts page to invite everyone else.
    client = Client()
    r = client.post("/login/", {"username": "head@real.example", "password": NEW_PASSWORD})
    assert r.status_code == 302
    # A head sets up a second factor first (as the set-up page would, here in one step).
    assert client.get("/staff/accounts/").url.startswith("/account/second-factor/set-up/")
    assert verified_login(client, head).get("/staff/accounts/").status_code == 200
    # A second admin joins the school already there (no school name needed).
    monkeypatch.setenv("SENDESK_ADMIN_PASSWORD", "another long pass phrase")
    call_command("createadmin", "--no-input", "--email=two@real.example", "--name=Two", stdout=out)
    assert StaffRole.objects.filter(school=role.school, role="head").count() == 2


@pytest.mark.parametrize(
    "args, password, message",
    [
        (["--email=h@real.example", "--name=H", "--school=Real"], "abc", "Password:"),
        (["--email=h@real.example", "--name=H"], "another long pass phrase", "give the school"),
        (["--email=not-an-address", "--name=H", "--school=Real"], "another long pass phrase",
         "E-mail address:"),
    ],
)  # fmt: skip
def test_createadmin_refuses_bad_input_in_words(db, monkeypatch, args, password, message):
    monkeypatch.setenv("SENDESK_ADMIN_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        call_command("createadmin", "--no-input", *args, stdout=io.StringIO())
    assert not User.objects.exists() and not School.objects.exists()
