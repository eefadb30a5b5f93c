from sendesk.audit.models import AccessEvent
from sendesk.audit.services import record_access


def test_who_viewed_the_pupil_newest_first(world, api, now):
    api.get(world.alice, f"/pupils/{world.ben.pk}")
    now.shift(60)
    api.get(world.tess, f"/pupils/{world.ben.pk}/plans")
    now.shift(60)
    record_access(actor=world.senco, pupil=world.ben, what="pupil page", via="web")
    now.shift(60)

    r = api.get(world.senco, f"/pupils/{world.ben.pk}/access-log")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 3
    assert [(i["actor"]["name"], i["what"], i["via"]) for i in body["items"]] == [
        ("Sam Senco", "pupil page", "web"),
        ("Tess Teacher", "plans", "api"),
        ("Alice Assistant", "pupil profile", "api"),
    ]
    assert body["items"][2]["actor"] == {
        "id": world.alice.pk, "name": "Alice Assistant", "email": "alice@test.example",
    }  # fmt: skip
    assert body["items"][2]["at"] == "2026-11-18T10:00:00Z"


def test_reading_the_log_is_itself_logged(world, api):
    api.get(world.head, f"/pupils/{world.ben.pk}/access-log")
    event = AccessEvent.objects.get()
    assert (event.actor, event.what, event.via) == (world.head, "access log", "api")
    r = api.get(world.head, f"/pupils/{world.ben.pk}/access-log")
    assert [i["what"] for i in r.json()["items"]] == ["access log"]


def test_paged(world, api, now):
    for i in range(7):
        record_access(actor=world.alice, pupil=world.ben, what=f"view {i}", via="web")
        now.shift(1)
    page = api.get(world.senco, f"/pupils/{world.ben.pk}/access-log", limit=3, offset=3).json()
    assert page["count"] == 7
    assert [i["what"] for i in page["items"]] == ["view 3", "view 2", "view 1"]


def test_only_this_pupils_rows(world, api):
    record_access(actor=world.tom, pupil=world.cara, what="pupil page", via="web")
    r = api.get(world.senco, f"/pupils/{world.ben.pk}/access-log")
    assert r.json()["items"] == []


def test_query_count_does_not_grow(world, api, count_queries):
    api.get(world.senco, "/pupils")
    _, few = count_queries(lambda: api.get(world.senco, f"/pupils/{world.ben.pk}/access-log"))
    for person in (world.alice, world.tess, world.hana, world.head):
        for _ in range(5):
            record_access(actor=person, pupil=world.ben, what="pupil page")
    r, many = count_queries(lambda: api.get(world.senco, f"/pupils/{world.ben.pk}/access-log"))
    assert len(r.json()["items"]) == 22  # 20 views, the list, the first read of the log
    # token, roles, pupil, page with actors, count, the access chain's head, access row
    assert many == few == 7
