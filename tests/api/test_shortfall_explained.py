"""GET /api/v1/provision/shortfalls: each item's shortfall explained in full, and a sort."""

import datetime as dt
import uuid

from sendesk.provision.models import Provision
from sendesk.provision.services import PupilRecord, session_record
from sendesk.pupils.models import Deployment
from tests.world import TODAY

MONDAY, TUESDAY = TODAY - dt.timedelta(days=2), TODAY - dt.timedelta(days=1)


def record(world, provision, day, minutes, *, attendance="present", part=None, reason=""):
    pupils = [] if reason else [PupilRecord(world.ben.pk, attendance=attendance, minutes=part)]
    session_record(
        actor=world.alice, client_id=uuid.uuid4(), provision_id=provision.pk, date=day,
        minutes=minutes, delivered=not reason, missed_reason=reason, pupils=pupils,
    )  # fmt: skip


def test_every_item_is_explained_to_the_minute(world, api):
    w = world
    record(w, w.talk, TODAY, 30)
    record(w, w.talk, TUESDAY, 30, reason="staff_absent")
    record(w, w.talk, MONDAY, 30, attendance="partial", part=10)
    record(w, w.talk, dt.date(2026, 11, 13), 30, attendance="refused")
    record(w, w.precision, MONDAY, 20, reason="pupil_absent")
    record(w, w.precision, dt.date(2026, 11, 13), 20, reason="trip")
    r = api.get(w.senco, "/provision/shortfalls")
    assert r.status_code == 200
    talk, precision = r.json()["items"]
    assert talk["explained"] == {
        "missed": {"staff_absent": 30},
        "short": 20 + 30,
        "not_recorded": 1500 - 4 * 30,
    }
    assert talk["shortfall_minutes_term"] == 1460
    assert talk["missed"] == {"staff_absent": 1}  # the session counts stay as they were
    assert precision["explained"] == {
        "missed": {"pupil_absent": 20, "trip": 20},
        "short": 0,
        "not_recorded": 600 - 40,
    }
    for item in r.json()["items"]:
        explained = item["explained"]
        assert (
            sum(explained["missed"].values()) + explained["short"] + explained["not_recorded"]
            == item["shortfall_minutes_term"]
        )


def test_sort_by_percent_delivered_and_bad_sort(world, api):
    w = world
    for day in (MONDAY, TUESDAY, TODAY):
        record(w, w.talk, day, 30)
    default = api.get(w.senco, "/provision/shortfalls").json()["items"]
    assert [i["provision"]["title"] for i in default] == ["Talk Boost", "Precision teaching"]
    by_pct = api.get(w.senco, "/provision/shortfalls", sort="percent").json()["items"]
    assert [i["provision"]["title"] for i in by_pct] == ["Precision teaching", "Talk Boost"]
    assert [i["delivered_pct"] for i in by_pct] == [0, 6]
    minutes = api.get(w.senco, "/provision/shortfalls", sort="minutes").json()["items"]
    assert minutes == default
    bad = api.get(w.senco, "/provision/shortfalls", sort="worst")
    assert bad.status_code == 422 and "sort" in bad.json()["errors"]


def test_explained_and_sort_are_in_the_openapi_document(world, client):
    doc = client.get("/api/v1/openapi.json").json()
    schemas = doc["components"]["schemas"]
    explained = schemas["ExplainedOut"]
    assert set(explained["required"]) == {"missed", "short", "not_recorded"}
    assert "explained" in schemas["ShortfallOut"]["required"]
    params = doc["paths"]["/api/v1/provision/shortfalls"]["get"]["parameters"]
    sort = next(p for p in params if p["name"] == "sort")
    assert not sort.get("required") and sort["schema"]["enum"] == ["minutes", "percent"]


def test_no_adult_deployed_is_an_added_part_of_not_recorded(world, api):
    w = world
    support = Provision.objects.create(
        pupil=w.ben, title="In-class 1:1 support", kind="one_to_one", source="ehcp_f",
        weekly_minutes=600, days="12345", start=dt.date(2026, 11, 9),
    )  # fmt: skip
    items = api.get(w.senco, "/provision/shortfalls").json()["items"]
    assert [i["no_adult_deployed_minutes"] for i in items] == [0, 0, 0]  # Alice is Ben's 1:1
    record(w, support, TUESDAY, 120)  # covered: a recorded day is no staffing gap
    Deployment.objects.filter(pupil=w.ben).update(end=dt.date(2026, 11, 10))
    by_title = {
        i["provision"]["title"]: i
        for i in api.get(w.senco, "/provision/shortfalls").json()["items"]
    }
    item = by_title["In-class 1:1 support"]
    assert item["explained"] == {"missed": {}, "short": 0, "not_recorded": 7 * 120}
    assert item["no_adult_deployed_minutes"] == 5 * 120  # 11-13, 16 and 18 November
    # Short 1:1 sessions are anyone's to give: no deployment is owed for them.
    assert by_title["Talk Boost"]["no_adult_deployed_minutes"] == 0


def test_offset_pages_through_the_list(world, api):
    w = world
    whole = api.get(w.senco, "/provision/shortfalls").json()
    second = api.get(w.senco, "/provision/shortfalls", limit=1, offset=1).json()
    assert second["items"] == whole["items"][1:] and second["count"] == whole["count"] == 2
    past = api.get(w.senco, "/provision/shortfalls", offset=5).json()
    assert (past["items"], past["count"]) == ([], 2)
    bad = api.get(w.senco, "/provision/shortfalls", offset=-1)
    assert bad.status_code == 422 and "offset" in bad.json()["errors"]


def test_offset_and_no_adult_are_in_the_openapi_document(world, client):
    doc = client.get("/api/v1/openapi.json").json()
    item = doc["components"]["schemas"]["ShortfallOut"]
    assert "no_adult_deployed_minutes" in item["required"]
    assert "not_recorded" in item["properties"]["no_adult_deployed_minutes"]["description"]
    params = doc["paths"]["/api/v1/provision/shortfalls"]["get"]["parameters"]
    offset = next(p for p in params if p["name"] == "offset")
    assert not offset.get("required") and offset["schema"]["minimum"] == 0
