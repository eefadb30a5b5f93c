"""The head invites staff by e-mail: the account has no password until the person follows
the one-time link (72 hours) and chooses one, and is then signed in. Everything is in the
security trail."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from sendesk.accounts.models import User
from sendesk.audit.models import SecurityEvent
from sendesk.schools.models import StaffRole

from ..world import PASSWORD
from .conftest import NEW_PASSWORD, link_in, mail_to, run_the_worker

INVITE = "/staff/accounts/invite/"


def _invite(client, **changes):
    data = {"full_name": "Nia Newstaff", "email": "Nia.New@Test.Example", "roles": ["ta"]}
    data.update(changes)
    return client.post(INVITE, data)


def test_an_invite_becomes_a_signed_in_account(world, as_user, now):
    head = as_user(world.head)
    assert "Invite a member of staff" in head.get("/staff/accounts/").content.decode()
    r = _invite(head, roles=["ta", "dsl"])
    nia = User.objects.get(email="nia.new@test.example")
    assert r.status_code == 302 and r.url == f"/staff/accounts/{nia.pk}/?school={world.school.pk}"
    assert not nia.has_usable_password()
    assert set(StaffRole.objects.filter(user=nia).values_list("school", "role")) == {
        (world.school.pk, "ta"), (world.school.pk, "dsl")
    }  # fmt: skip
    trail = SecurityEvent.objects.filter(user=nia).order_by("id")
    assert [(e.kind, e.actor) for e in trail] == [
        ("role_changed", world.head), ("invited", world.head)
    ]  # fmt: skip
    assert trail[0].detail["added"] == ["ta", "dsl"]
    # Queued with the account; the worker sends it.
    assert mail.outbox == []
    run_the_worker()
    (message,) = mail_to("nia.new@test.example")
    assert "Helen Head has made you a SENDesk account at Test Primary" in message.body
    assert "Teaching assistant, Designated safeguarding lead" in message.body
    assert "72 hours" in message.body

    # The person, in a browser of their own, follows the link.
    nia_browser = Client()
    link = link_in(message)
    r = nia_browser.get(link)
    assert r.status_code == 302 and "/set-password/" in r.url  # the token leaves the URL
    page = nia_browser.get(r.url)
    assert page.status_code == 200 and "Nia Newstaff" in page.content.decode()
    mismatch = nia_browser.post(r.url, {"new_password1": NEW_PASSWORD, "new_password2": "x"})
    assert mismatch.status_code == 422
    assert "not the same" in mismatch.content.decode()
    short = nia_browser.post(r.url, {"new_password1": "abc", "new_password2": "abc"})
    assert short.status_code == 422 and "too short" in short.content.decode()
    done = nia_browser.post(r.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == "/"
    # Signed in, as Nia; as a DSL she sets up a second factor before any page.
    assert nia_browser.get("/my-day/").url == "/account/second-factor/set-up/?next=%2Fmy-day%2F"
    assert nia_browser.session["_auth_user_id"] == str(nia.pk)
    nia.refresh_from_db()
    assert nia.check_password(NEW_PASSWORD)
    trail = SecurityEvent.objects.filter(user=nia).order_by("id")
    assert [e.kind for e in trail][-2:] == ["password_changed", "signed_in"]
    assert trail.get(kind="password_changed").detail["how"] == "invite link"
    # The link worked once.
    again = Client().get(link)
    assert again.status_code == 410
    assert "does not work any more" in again.content.decode()


@pytest.mark.parametrize("hours, works", [(71.9, True), (72.1, False)])
def test_an_invite_link_works_for_72_hours(world, as_user, now, hours, works):
    _invite(as_user(world.head))
    run_the_worker()
    link = link_in(mail_to("nia.new@test.example")[0])
    now.shift(dt.timedelta(hours=hours))
    r = Client().get(link)
    if works:
        assert r.status_code == 302
    else:
        assert r.status_code == 410
        page = r.content.decode()
        assert "This link has run out" in page and "72 hours" in page
        assert "send your invite again" in page and "/password/forgot/" in page


def test_sending_the_invite_again_replaces_the_link(world, as_user, now):
    head = as_user(world.head)
    _invite(head)
    run_the_worker()
    nia = User.objects.get(email="nia.new@test.example")
    first = link_in(mail_to(nia.email)[0])
    r = head.post(f"/staff/accounts/{nia.pk}/", {"form": "resend"})
    assert r.status_code == 302
    run_the_worker()
    second = link_in(mail_to(nia.email)[1])
    assert Client().get(first).status_code == 410
    assert Client().get(second).status_code == 302
    resent = SecurityEvent.objects.filter(user=nia, kind="invited").order_by("id").last()
    assert (resent.actor, resent.detail.get("again")) == (world.head, True)
    # Someone who has chosen a password gets no invite: they are told to use "forgot".
    r = head.post(f"/staff/accounts/{world.alice.pk}/", {"form": "resend"}, follow=True)
    assert r.status_code == 422 and "Forgot your password?" in r.content.decode()


def test_only_the_head_invites(world, as_user):
    for person in (world.alice, world.senco, world.dsl, world.olga, world.nobody):
        client = as_user(person)
        assert client.get("/staff/accounts/").status_code == 404
        assert client.get(INVITE).status_code == 404
        assert _invite(client).status_code == 404
        assert client.get(f"/staff/accounts/{world.bob.pk}/").status_code == 404
    assert not User.objects.filter(email="nia.new@test.example").exists()
    # The head's own pages reach only their school's staff.
    head = as_user(world.head)
    assert head.get(f"/staff/accounts/{world.olga.pk}/").status_code == 404
    assert head.get(f"/staff/accounts/{world.pat.pk}/").status_code == 404
    assert head.get(f"/staff/accounts/{world.bob.pk}/").status_code == 200
    assert head.get("/staff/accounts/?school=999999").status_code == 404
    assert head.get("/staff/accounts/99999999999/").status_code == 404


def test_a_bad_invite_says_why_and_keeps_what_was_typed(world, as_user):
    head = as_user(world.head)
    r = _invite(head, full_name="", email="nia at school", roles=[])
    assert r.status_code == 422
    page = r.content.decode()
    assert "Enter their name." in page and "Choose at least one role." in page
    assert "like name@school.example" in page and 'value="nia at school"' in page
    assert 'class="error-summary"' in page
    assert _invite(head, roles=["wizard"]).status_code == 422
    r = _invite(head, email="alice@test.example")
    assert r.status_code == 422 and "already has an account here" in r.content.decode()
    assert User.objects.count() == User.objects.exclude(email__startswith="nia").count()
    assert not SecurityEvent.objects.filter(kind="invited").exists()


def test_an_account_at_another_school_gets_the_roles_and_no_mail(world, as_user):
    r = _invite(as_user(world.head), email="olga@other.example", full_name="Olga Other")
    assert r.status_code == 302
    assert StaffRole.objects.filter(user=world.olga, school=world.school, role="ta").exists()
    run_the_worker()
    assert mail.outbox == []
    assert world.olga.check_password(PASSWORD)  # unchanged: she signs in as before
    event = SecurityEvent.objects.get(user=world.olga, kind="role_changed")
    assert (event.actor, event.detail["added"]) == (world.head, ["ta"])


def test_the_head_changes_roles_and_the_school_keeps_a_head(world, as_user):
    head = as_user(world.head)
    url = f"/staff/accounts/{world.alice.pk}/"
    r = head.post(url, {"form": "roles", "roles": ["ta", "hlta"]})
    assert r.status_code == 302
    assert set(world.alice.staff_roles.values_list("role", flat=True)) == {"ta", "hlta"}
    r = head.post(url, {"form": "roles", "roles": ["hlta"]})
    events = SecurityEvent.objects.filter(user=world.alice, kind="role_changed").order_by("id")
    assert [(e.detail["added"], e.detail["removed"]) for e in events] == [
        (["hlta"], []), ([], ["ta"])
    ]  # fmt: skip
    assert all(e.actor == world.head for e in events)
    r = head.post(f"/staff/accounts/{world.head.pk}/", {"form": "roles", "roles": ["senco"]})
    assert r.status_code == 422 and "needs a head" in r.content.decode()
    assert world.head.staff_roles.filter(role="head").exists()
    r = head.post(url, {"form": "roles", "roles": []})
    assert r.status_code == 422 and "Choose at least one role." in r.content.decode()
    assert head.post(url, {"form": "sideways"}).status_code == 400


def test_the_head_finds_staff_accounts_in_the_menu_and_the_training_register(world, as_user):
    head = as_user(world.head)
    assert 'href="/staff/accounts/"' in head.get("/overview/").content.decode()
    assert 'href="/staff/accounts/"' in head.get("/staff/training/").content.decode()
    senco = as_user(world.senco)
    assert 'href="/staff/accounts/"' not in senco.get("/staff/training/").content.decode()


def test_an_ended_account_is_not_given_roles(world, as_user, now):
    world.olga.leaves_on = dt.date(2026, 8, 31)
    world.olga.save()
    r = _invite(as_user(world.head), email="olga@other.example", full_name="Olga Other")
    assert r.status_code == 422 and "account that has ended" in r.content.decode()
    assert not StaffRole.objects.filter(user=world.olga, school=world.school).exists()
