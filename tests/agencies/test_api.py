"""GET /api/v1/agencies (the school's agencies with their professionals) and POST
/api/v1/agencies (add one) for the head and the SENCO; 404 for everyone else; bad input
names the field."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.agencies.models import Agency
from sendesk.audit.models import AuditEvent
from tests.api.conftest import Api

from .conftest import professional


@pytest.mark.parametrize("who", ["head", "senco"])
def test_the_list_gives_agencies_with_their_members(world, ag, client, now, who):
    body = Api(client).get(getattr(world, who), "/agencies").json()
    assert body["count"] == 2
    ep = next(a for a in body["items"] if a["name"] == "County EP Service")
    assert (ep["kind"], ep["response_days"], ep["active"]) == ("ep", 42, True)
    assert (ep["professionals"], ep["open_referrals"]) == (1, 2)
    assert [(m["name"], m["email"], m["active"]) for m in ep["members"]] == [
        ("Eve Psychologist", "ep@test.example", True)
    ]


def test_a_new_agency_is_created_and_audited(world, ag, client, now):
    r = Api(client).post(
        world.senco, "/agencies", {"name": "  Hill   OT ", "kind": "ot", "response_days": 21}
    )
    assert r.status_code == 201, r.content
    agency = Agency.objects.get(school=world.school, name="Hill OT")
    assert r.json()["id"] == agency.pk and r.json()["members"] == []
    assert AuditEvent.objects.filter(
        object_type="agencies.agency", object_id=str(agency.pk), action="create",
        actor=world.senco,
    ).exists()  # fmt: skip


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "", "kind": "ep"}, "name"),
        ({"name": "north camhs", "kind": "camhs"}, "name"),
        ({"name": "New", "kind": "ep", "response_days": 0}, "response_days"),
        ({"name": "New", "kind": "ep", "response_days": 9999}, "response_days"),
        ({"name": "New", "kind": "magic"}, "kind"),
        ({"name": "New\x00", "kind": "ep"}, "name"),
        ({"name": "New", "kind": "ep", "response_days": "soon"}, "response_days"),
        ({"kind": "ep"}, "name"),
    ],
)
def test_bad_input_names_the_field(world, ag, client, now, body, field):
    before = Agency.objects.count()
    r = Api(client).post(world.head, "/agencies", body)
    assert r.status_code in (400, 422), r.content
    assert field in r.json()["errors"], r.json()
    assert Agency.objects.count() == before


@pytest.mark.parametrize("who", ["alice", "pat", "theo", "eve"])
def test_everyone_else_gets_404(world, ag, client, now, who):
    person = ag.eve if who == "eve" else getattr(world, who)
    api = Api(client)
    assert api.get(person, "/agencies").status_code == 404
    r = api.post(person, "/agencies", {"name": "Sneaky", "kind": "ep"})
    assert r.status_code == 404
    assert not Agency.objects.filter(name="Sneaky").exists()


def test_another_school_is_404(world, ag, client, now):
    api = Api(client)
    assert api.get(world.head, "/agencies", school_id=world.other.pk).status_code == 404
    r = api.post(world.head, "/agencies", {"name": "X", "kind": "ep", "school_id": world.other.pk})
    assert r.status_code == 404
    assert not Agency.objects.filter(name="X").exists()


def test_the_list_costs_the_same_queries_as_agencies_grow(world, ag, client, now):
    api = Api(client)
    api.get(world.head, "/agencies")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(world.head, "/agencies").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(5):
        agency = Agency.objects.create(school=world.school, name=f"Service {n}", kind="ot")
        professional(world, f"ot{n}@test.example", f"OT {n}", agency)
    assert count() == few
