"""Passwords and roles changed in the set-up screens (/admin/) are in the security trail
too, and a password set there signs the person out everywhere."""

from django.test import Client

from sendesk.accounts.models import ApiToken, User
from sendesk.audit.models import SecurityEvent
from sendesk.schools.models import StaffRole

from ..second_factor import verified_login
from ..world import PASSWORD
from .conftest import NEW_PASSWORD


def _admin(client):
    admin = User.objects.create_superuser("it@test.example", PASSWORD, full_name="Ivy It")
    verified_login(client, admin)
    return admin


def test_a_password_set_in_the_admin_is_recorded_and_ends_sessions(world, client, now):
    admin = _admin(client)
    alice = Client()
    alice.post("/login/", {"username": "alice@test.example", "password": PASSWORD})
    body = {"email": "alice@test.example", "password": PASSWORD}
    alice.post("/api/v1/auth/token", body, content_type="application/json")
    url = f"/admin/accounts/user/{world.alice.pk}/password/"
    r = client.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert r.status_code == 302
    event = SecurityEvent.objects.get(user=world.alice, kind="password_changed")
    assert (event.actor, event.detail["how"]) == (admin, "set-up screens")
    assert not ApiToken.objects.filter(user=world.alice).exists()
    assert alice.get("/my-day/").status_code == 302
    # A form that fails changes nothing and records nothing.
    r = client.post(url, {"password1": "x", "password2": "y", "usable_password": "true"})
    assert r.status_code == 200
    assert SecurityEvent.objects.filter(kind="password_changed").count() == 1
    # The admin's own password: recorded, and this session goes on.
    own = f"/admin/accounts/user/{admin.pk}/password/"
    client.post(
        own, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert SecurityEvent.objects.filter(user=admin, kind="password_changed").exists()
    assert client.get("/admin/").status_code == 200


def test_roles_given_and_taken_in_the_admin_are_recorded(world, client, now):
    admin = _admin(client)
    r = client.post(
        "/admin/schools/staffrole/add/",
        {"user": world.bob.pk, "school": world.school.pk, "role": "hlta"},
    )
    assert r.status_code == 302
    role = StaffRole.objects.get(user=world.bob, role="hlta")
    r = client.post(f"/admin/schools/staffrole/{role.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    events = SecurityEvent.objects.filter(user=world.bob, kind="role_changed").order_by("id")
    school = f"hlta at school {world.school.pk}"
    assert [(e.actor, e.detail["added"], e.detail["removed"]) for e in events] == [
        (admin, [school], []), (admin, [], [school])
    ]  # fmt: skip
