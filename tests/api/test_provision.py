import datetime as dt
import uuid

from sendesk.audit.models import AccessEvent
from sendesk.provision.models import Provision
from sendesk.provision.services import PupilRecord, session_record
from tests.world import AUTUMN_START, TODAY

MONDAY, TUESDAY = TODAY - dt.timedelta(days=2), TODAY - dt.timedelta(days=1)


def record(world, provision, day, *, delivered=True, reason=""):
    pupils = [PupilRecord(pupil_id=world.ben.pk, attendance="present")] if delivered else []
    session_record(
        actor=world.alice, client_id=uuid.uuid4(), provision_id=provision.pk, date=day,
        minutes=provision.session_minutes, delivered=delivered, missed_reason=reason, pupils=pupils,
    )  # fmt: skip


def test_pupil_provision_promised_and_delivered(world, api):
    record(world, world.talk, TODAY)
    record(world, world.talk, TUESDAY, delivered=False, reason="staff_absent")
    record(world, world.precision, MONDAY, delivered=False, reason="pupil_absent")
    r = api.get(world.alice, f"/pupils/{world.ben.pk}/provision")
    assert r.status_code == 200
    assert r.json()["as_of"] == str(TODAY)
    items = {i["title"]: i for i in r.json()["items"]}
    talk = items["Talk Boost"]
    assert talk["id"] == str(world.talk.pk)
    assert talk["days"] == ["Mon", "Tue", "Wed", "Thu", "Fri"]
    assert talk["target_ids"] == [str(world.t1.pk)]
    # 50 school days since 3 September (half term excluded) × 30 min; this week Mon–Wed.
    assert (talk["promised_minutes_week"], talk["delivered_minutes_week"]) == (90, 30)
    assert (talk["promised_minutes_term"], talk["delivered_minutes_term"]) == (1500, 30)
    assert talk["shortfall_minutes_term"] == 1470
    assert talk["missed"] == {"staff_absent": 1}
    precision = items["Precision teaching"]
    assert (precision["promised_minutes_week"], precision["delivered_minutes_week"]) == (40, 0)
    assert precision["promised_minutes_term"] == 600
    assert precision["missed"] == {"pupil_absent": 1}


def test_pupil_provision_writes_an_access_row(world, api):
    api.get(world.tess, f"/pupils/{world.ben.pk}/provision")
    event = AccessEvent.objects.get()
    assert (event.actor, event.what, event.via) == (world.tess, "provision", "api")


def test_pupil_provision_query_count_is_fixed(world, api, count_queries):
    api.get(world.alice, "/pupils")
    _, few = count_queries(lambda: api.get(world.alice, f"/pupils/{world.ben.pk}/provision"))
    for i in range(5):
        Provision.objects.create(
            pupil=world.ben, title=f"Extra {i}", kind="group", source="sen_support",
            weekly_minutes=60, days="24", start=AUTUMN_START,
        ).targets.set([world.t1, world.t2])  # fmt: skip
    r, many = count_queries(lambda: api.get(world.alice, f"/pupils/{world.ben.pk}/provision"))
    assert len(r.json()["items"]) == 7
    # The school calendar is one query (schools.calendar: was the term and two more); and
    # the access chain's head, read to link the access row.
    assert many == few == 10


def test_shortfalls_worst_first(world, api):
    record(world, world.talk, TODAY)
    r = api.get(world.senco, "/provision/shortfalls")
    assert r.status_code == 200
    body = r.json()
    assert (body["school_id"], body["as_of"], body["count"]) == (world.school.pk, str(TODAY), 2)
    first, second = body["items"]
    assert first["pupil"] == {"id": str(world.ben.pk), "name": "Ben Brown", "year_group": "Year 3"}
    assert first["provision"] == {
        "id": str(world.talk.pk),
        "title": "Talk Boost",
        "kind": "one_to_one",
    }
    assert first["shortfall_minutes_term"] == 1470
    assert (first["promised_minutes_week"], first["delivered_minutes_week"]) == (90, 30)
    assert second["provision"]["title"] == "Precision teaching"
    assert second["shortfall_minutes_term"] == 600


def test_shortfalls_limit_and_school(world, api):
    r = api.get(world.head, "/provision/shortfalls", limit=1, school_id=world.school.pk)
    assert [i["provision"]["title"] for i in r.json()["items"]] == ["Talk Boost"]
    assert r.json()["count"] == 2
    r = api.get(world.olga, "/provision/shortfalls")
    assert r.json()["school_id"] == world.other.pk and r.json()["items"] == []
    r = api.get(world.head, "/provision/shortfalls", school_id="first")
    assert r.status_code == 422 and "school_id" in r.json()["errors"]


def test_shortfalls_query_count_is_fixed(world, api, count_queries):
    api.get(world.senco, "/pupils")
    _, few = count_queries(lambda: api.get(world.senco, "/provision/shortfalls"))
    for pupil in (world.cara, world.dan):
        for i in range(4):
            Provision.objects.create(
                pupil=pupil, title=f"Extra {i}", kind="group", source="sen_support",
                weekly_minutes=60, days="24", start=AUTUMN_START,
            )  # fmt: skip
    r, many = count_queries(lambda: api.get(world.senco, "/provision/shortfalls"))
    assert r.json()["count"] == 10
    # With one for the records of the items shown (their week, missed sessions and
    # explained minutes) and one for their pupils' 1:1 deployments. The calendar is one
    # query (was three), and the items' provisions and pupils come with the ranking.
    # And the access chain's head, read to link the access rows.
    assert many == few == 8


def test_shortfalls_come_a_page_of_20_at_a_time_with_the_count(world, api):
    """Without `limit`, a page of 20 (the web list's page); limit and offset page
    through the rest, and count says how many there are in all."""
    for pupil in (world.cara, world.dan):
        for i in range(12):
            Provision.objects.create(
                pupil=pupil, title=f"Extra {i:02d}", kind="group", source="sen_support",
                weekly_minutes=60, days="24", start=AUTUMN_START,
            )  # fmt: skip
    first = api.get(world.senco, "/provision/shortfalls").json()
    assert (len(first["items"]), first["count"]) == (20, 26)
    rest = api.get(world.senco, "/provision/shortfalls", offset=20).json()
    assert (len(rest["items"]), rest["count"]) == (6, 26)
    seen = [(i["pupil"]["id"], i["provision"]["id"]) for i in first["items"] + rest["items"]]
    assert len(set(seen)) == 26  # no row twice, none skipped
    everything = api.get(world.senco, "/provision/shortfalls", limit=1000).json()
    assert [(i["pupil"]["id"], i["provision"]["id"]) for i in everything["items"]] == seen
    document = api.client.get("/api/v1/openapi.json").json()
    limit = next(
        p
        for p in document["paths"]["/api/v1/provision/shortfalls"]["get"]["parameters"]
        if p["name"] == "limit"
    )
    assert limit["schema"]["default"] == 20 and limit["schema"]["maximum"] == 1000
    assert "offset" in limit["description"] and "count" in limit["description"]
