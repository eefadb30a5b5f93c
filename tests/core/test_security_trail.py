"""Sign-ins, failures and sign-outs land in the security trail from every entry point."""

from sendesk.audit.models import SecurityEvent

from ..world import PASSWORD


def _kinds(**filters):
    return list(SecurityEvent.objects.filter(**filters).values_list("kind", "via", "email"))


def test_form_sign_in_failure_and_sign_out_are_recorded(world, client):
    client.post("/login/", {"username": "alice@test.example", "password": "nope"})
    client.post("/login/", {"username": "  Alice@Test.Example ", "password": PASSWORD})
    client.post("/logout/")
    rows = SecurityEvent.objects.filter(user=world.alice).order_by("id")
    assert [(e.kind, e.via, e.ip) for e in rows] == [
        ("sign_in_failed", "web", "127.0.0.1"),
        ("signed_in", "web", "127.0.0.1"),
        ("signed_out", "web", "127.0.0.1"),
    ]
    # No password is kept anywhere in the row.
    assert "nope" not in str(list(rows.values()))


def test_a_failure_for_no_account_keeps_the_address_tried(world, client):
    client.post("/login/", {"username": "Nobody@Else.Example", "password": "x"})
    assert _kinds(user=None) == [("sign_in_failed", "web", "nobody@else.example")]


def test_api_sign_ins_are_recorded_as_api(world, client):
    def token(password):
        body = {"email": "alice@test.example", "password": password}
        return client.post("/api/v1/auth/token", body, content_type="application/json")

    assert token("nope").status_code == 401
    assert token(PASSWORD).status_code == 200
    assert _kinds(user=world.alice) == [
        ("token_created", "api", "alice@test.example"),
        ("sign_in_failed", "api", "alice@test.example"),
    ]
