"""GET /api/v1/provision-map: its shape, the hand-worked numbers (conftest.py), who may ask,
and every answer checked against the OpenAPI document."""

import pytest
from schemathesis.core import NOT_SET

from sendesk.audit.models import AccessEvent
from sendesk.provision.budget import budget_set
from tests.api.conftest import Api
from tests.api.openapi_check import ANSWER_CHECKS, WsgiApp, schema


@pytest.fixture
def send(client):
    """send(person, status, **query) -> the answer's JSON, checked against the document."""
    api, app = Api(client), WsgiApp()

    def call(person, status, **query):
        case = schema["/api/v1/provision-map"]["GET"].Case(query=query or None, body=NOT_SET)
        headers = {"Authorization": f"Bearer {api.token(person)}"}
        response = case.call(headers=headers, app=app)
        case.validate_response(response, checks=ANSWER_CHECKS)
        assert response.status_code == status, response.text
        return response.json()

    yield call
    app.close()


def test_the_map_as_json(world, send, phonics):
    budget_set(actor=world.senco, school_id=world.school.pk, amount="150000")
    before = AccessEvent.objects.filter(via="api").count()
    data = send(world.senco, 200)
    assert set(data) == {"school_id", "year_start", "year_end", "notional_sen_budget",
                         "total_cost", "items", "pupils"}  # fmt: skip
    assert (data["school_id"], data["year_start"], data["year_end"]) == (
        world.school.pk, "2026-09-01", "2027-08-31",
    )  # fmt: skip
    assert (data["notional_sen_budget"], data["total_cost"]) == (150000.0, 1431.0)
    items = {item["title"]: item for item in data["items"]}
    assert list(items) == ["Phonics catch-up", "Precision teaching", "Talk Boost"]
    group = items["Phonics catch-up"]
    assert {k: group[k] for k in ("kind", "source", "staffing", "staff", "hours_per_week",
            "group_size", "cost_per_hour", "cost_per_pupil", "cost_this_year")} == {
        "kind": "group", "source": "mixed", "staffing": "ta", "staff": [],
        "hours_per_week": 1.0, "group_size": 4, "cost_per_hour": 18.0, "cost_per_pupil": 4.5,
        "cost_this_year": 252.0,
    }  # fmt: skip
    assert [(p["name"], p["cost_this_year"]) for p in group["pupils"]] == [
        ("Ben Brown", 63.0), ("Cara Clark", 63.0), ("Dan Dale", 63.0), ("Eve Evans", 63.0),
    ]  # fmt: skip
    assert group["pupils"][0]["id"] == str(world.ben.pk)
    precision = items["Precision teaching"]
    assert (precision["cost_per_hour"], precision["cost_per_pupil"]) == (None, None)
    assert precision["cost_this_year"] is None
    assert precision["pupils"] == [
        {"id": str(world.ben.pk), "name": "Ben Brown", "cost_this_year": None}
    ]
    assert items["Talk Boost"]["cost_this_year"] == 1179.0
    assert data["pupils"][0] == {"id": str(world.ben.pk), "name": "Ben Brown",
                                 "cost_this_year": 1242.0}  # fmt: skip
    assert [p["cost_this_year"] for p in data["pupils"]] == [1242.0, 63.0, 63.0, 63.0]
    assert AccessEvent.objects.filter(via="api").count() == before + 4


def test_no_budget_is_null(world, send):
    data = send(world.head, 200)
    assert data["notional_sen_budget"] is None and data["total_cost"] == 1179.0


def test_only_the_senco_and_head_and_only_their_school(world, send):
    for person in (world.alice, world.hana, world.tess, world.dsl):
        assert send(person, 404) == {"detail": "Not Found"}
    assert send(world.senco, 404, school=world.other.pk) == {"detail": "Not Found"}
    assert send(world.olga, 200)["school_id"] == world.other.pk
    assert send(world.olga, 404, school=world.school.pk) == {"detail": "Not Found"}
    assert send(world.senco, 200, school=world.school.pk)["school_id"] == world.school.pk


def test_a_parent_or_therapist_token_gets_not_found(world, client):
    api = Api(client)
    for person in (world.pat, world.theo):
        assert api.get(person, "/provision-map").status_code == 404


def test_a_school_that_is_not_a_number_is_refused(world, client):
    r = Api(client).get(world.senco, "/provision-map", school="abc")
    assert r.status_code == 422 and "school" in r.json()["errors"]


def test_the_document_describes_it(world):
    from tests.api.openapi_check import document

    operation = document()["paths"]["/api/v1/provision-map"]["get"]
    assert {"200", "401", "404", "422"} <= set(operation["responses"])
    assert [p["name"] for p in operation["parameters"]] == ["school"]
