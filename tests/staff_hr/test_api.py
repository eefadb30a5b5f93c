"""GET /api/v1/staff (scoped as the pages are) and GET /api/v1/staff/scr (the head only)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.accounts.models import User
from sendesk.schools.models import StaffRole
from tests.api.test_document import Caller

from .conftest import check, member

ITEM_KEYS = {
    "id", "member_id", "school_id", "name", "roles", "post", "job_title", "grade", "band",
    "contract_hours", "line_manager_id",
}  # fmt: skip


def _names(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return sorted(item["name"] for item in body["items"])


def test_the_staff_list_has_the_contracted_fields(world, hr, api):
    body = api.get(world.head, "/staff").json()
    alice = next(item for item in body["items"] if item["id"] == world.alice.pk)
    assert set(alice) == ITEM_KEYS
    assert alice == {
        "id": world.alice.pk, "member_id": hr.alice.pk, "school_id": world.school.pk,
        "name": "Alice Assistant", "roles": ["ta"], "post": "ta",
        "job_title": "Teaching Assistant", "grade": "H3", "band": "band2",
        "contract_hours": 31.67, "line_manager_id": world.hana.pk,
    }  # fmt: skip


def test_the_staff_list_is_scoped(world, hr, api):
    school = ["Alice Assistant", "Bob Assistant", "Hana Hlta", "Sam Senco", "Tess Teacher",
              "Tom Teacher"]  # fmt: skip
    assert _names(api.get(world.head, "/staff")) == school
    assert _names(api.get(world.senco, "/staff")) == school
    # Hana: her team and her own records at both schools.
    assert _names(api.get(world.hana, "/staff")) == [
        "Alice Assistant", "Bob Assistant", "Hana Hlta", "Hana Hlta",
    ]  # fmt: skip
    assert _names(api.get(world.hana, "/staff", school=world.other.pk)) == ["Hana Hlta"]
    assert _names(api.get(world.alice, "/staff")) == ["Alice Assistant"]
    assert _names(api.get(world.dsl, "/staff")) == []
    assert _names(api.get(world.theo, "/staff")) == []
    assert _names(api.get(world.pat, "/staff")) == []
    assert _names(api.get(hr.oscar, "/staff")) == ["Hana Hlta"]


def test_the_staff_list_pages(world, hr, api):
    body = api.get(world.head, "/staff", limit=2, offset=2).json()
    assert body["count"] == 6 and len(body["items"]) == 2
    assert api.get(world.head, "/staff", limit=0).status_code == 422


def test_the_central_record_for_the_head(world, hr, api):
    r = api.get(world.head, "/staff/scr")
    assert r.status_code == 200
    body = r.json()
    assert body["school_id"] == world.school.pk and body["count"] == 6
    bob = next(row for row in body["items"] if row["staff_id"] == world.bob.pk)
    assert bob["gaps"] == ["Right to work in the UK: not recorded"]
    checks = {c["kind"]: c for c in bob["checks"]}
    assert checks["dbs"]["certificate_number"] == "009876543210"
    assert checks["dbs"]["barred_list"] is True and checks["dbs"]["checked_by"] == "Helen Head"
    assert checks["right_to_work"] == {
        "kind": "right_to_work", "label": "Right to work in the UK", "required": True,
        "checked_on": None, "checked_by": None, "evidence": None, "certificate_number": None,
        "barred_list": None, "update_service": None,
    }  # fmt: skip
    assert checks["identity"]["certificate_number"] is None
    assert not checks["prohibition"]["required"]
    assert body["gaps"] == sum(len(row["gaps"]) for row in body["items"])
    assert api.get(world.head, "/staff/scr", school=world.other.pk).status_code == 404
    assert api.get(hr.oscar, "/staff/scr").json()["school_id"] == world.other.pk


def test_query_counts_are_flat(world, hr, api):
    def run(person, path):
        # A first use moves the token's expiry on (a write); measure a use after it.
        api.get(person, path)
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(person, path).status_code == 200
        return len(ctx.captured_queries)

    before = [run(world.head, "/staff"), run(world.head, "/staff/scr"), run(world.hana, "/staff")]
    for i in range(5):
        user = User.objects.create_user(f"extra{i}@test.example", full_name=f"Extra {i}")
        StaffRole.objects.create(user=user, school=world.school, role="ta")
        row = member(world.school, user, manager=world.hana)
        check(row, "dbs", world.head, certificate_number=f"{i:012d}", barred_list=True)
    after = [run(world.head, "/staff"), run(world.head, "/staff/scr"), run(world.hana, "/staff")]
    assert after == before


def test_the_answers_match_the_document(world, hr, api, wsgi_app):
    send = Caller(wsgi_app, api)
    body = send(world.head, "GET", "/staff", 200)
    assert body["count"] == 6
    body = send(world.hana, "GET", "/staff", 200, query={"school": world.other.pk})
    assert body["count"] == 1
    body = send(world.head, "GET", "/staff/scr", 200)
    assert body["gaps"] > 0 and any(row["gaps"] for row in body["items"])
    send(world.senco, "GET", "/staff/scr", 404)
    send(world.head, "GET", "/staff/scr", 404, query={"school": world.other.pk})
    send(None, "GET", "/staff", 401)
