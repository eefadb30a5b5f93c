import uuid

import pytest

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.pupils.models import TimelineEntry
from sendesk.safeguarding import services
from sendesk.safeguarding.models import Concern, SafeguardingAccess, SafeguardingAudit

from .conftest import MARKER, queries, report

URL = "/safeguarding/concerns"


def body(world, **changes):
    data = {
        "client_id": str(uuid.uuid4()),
        "pupil_id": str(world.dan.pk),
        "occurred_at": "2026-11-18T08:45:00Z",
        "location": "Breakfast club",
        "concern": f"{MARKER}: Dan arrived hungry again, with a cut lip.",
        "words_used": "Dan: 'I fell'",
        "body_map": [{"side": "front", "x": 50, "y": 10.25, "note": "Cut lip"}],
        "action_taken": "First aid, told DSL",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("person", ["alice", "bob", "tess", "tom", "hana", "senco", "head", "dsl"])
def test_any_staff_member_reports(world, api, person):
    r = api.post(getattr(world, person), URL, body(world))
    assert r.status_code == 201
    out = r.json()
    assert set(out) == {"id", "received_at"}
    assert out["received_at"] == "2026-11-18T10:00:00Z"
    concern = Concern.objects.get(pk=out["id"])
    assert concern.body_map == [{"side": "front", "x": 50.0, "y": 10.2, "note": "Cut lip"}]
    assert concern.reported_by == getattr(world, person)
    assert not TimelineEntry.objects.filter(pupil=world.dan).exists()
    assert not AuditEvent.objects.exists() and not AccessEvent.objects.exists()
    assert SafeguardingAudit.objects.filter(concern=concern, action="report").exists()


def test_same_client_id_is_200_with_the_same_id(world, api):
    data = body(world)
    first = api.post(world.alice, URL, data)
    again = api.post(world.alice, URL, {**data, "concern": "changed"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Concern.objects.count() == 1


@pytest.mark.parametrize("person,pupil", [("alice", "olly"), ("olga", "dan"), ("alice", None)])
def test_pupil_of_another_school_or_none_is_404(world, api, person, pupil):
    pupil_id = str(getattr(world, pupil).pk) if pupil else str(uuid.uuid4())
    r = api.post(getattr(world, person), URL, body(world, pupil_id=pupil_id))
    assert (r.status_code, r.json()) == (404, {"detail": "Not Found"})
    assert not Concern.objects.exists()


def test_someone_without_a_role_is_404(world, api):
    r = api.post(world.nobody, URL, body(world))
    assert (r.status_code, r.json()) == (404, {"detail": "Not Found"})


@pytest.mark.parametrize(
    "changes,key",
    [
        ({"concern": ""}, "concern"),
        ({"occurred_at": "2027-01-01T00:00:00Z"}, "occurred_at"),
        ({"occurred_at": "tuesday"}, "occurred_at"),
        ({"client_id": "abc"}, "client_id"),
        ({"body_map": [{"side": "front", "x": 1, "y": 1}] * 31}, "body_map"),
        ({"body_map": [{"side": "left", "x": 1, "y": 1}]}, "body_map.0.side"),
        ({"body_map": [{"side": "front", "x": 1, "y": 101}]}, "body_map.0.y"),
        ({"body_map": [{"side": "front", "x": 1, "y": 1, "note": "n" * 201}]}, "body_map.0.note"),
        ({"location": "l" * 151}, "location"),
    ],
)
def test_bad_input_is_422_naming_the_field(world, api, changes, key):
    r = api.post(world.alice, URL, body(world, **changes))
    assert r.status_code == 422, r.content
    assert key in r.json()["errors"]
    assert MARKER not in r.content.decode()
    assert not Concern.objects.exists()


def test_not_json_and_not_an_object(world, api):
    assert api.post(world.alice, URL, "{").status_code == 400
    assert api.post(world.alice, URL, "[]").status_code == 422


def test_dsl_reads_the_concern_and_the_view_is_recorded(world, api):
    concern = report(world.alice, world.dan)
    services.concern_triage(actor=world.dsl, concern=concern, status="open", risk="medium",
                            note="Spoke to mum")  # fmt: skip
    r = api.get(world.dsl, f"{URL}/{concern.pk}")
    assert r.status_code == 200
    out = r.json()
    assert out["concern"] == concern.concern and out["reported_by"] == "Alice Assistant"
    assert out["status"] == "open" and out["risk"] == "medium"
    assert out["retain_until"] == "2043-03-04"
    assert out["body_map"] == [{"side": "front", "x": 30.0, "y": 40.0, "note": f"{MARKER} bruise"}]
    assert [a["kind"] for a in out["actions"]] == ["triage"]
    assert out["actions"][0]["by"] == "Dee Dsl"
    row = SafeguardingAccess.objects.get(actor=world.dsl)
    assert (row.concern, row.via, row.what) == (concern, "api", "concern")
    assert not AccessEvent.objects.exists()


def test_chronology_for_the_dsl(world, api):
    first = report(world.alice, world.dan, text="first")
    services.concern_action_add(actor=world.dsl, concern=first, kind="monitor", note="watch")
    report(world.alice, world.ben, text="about ben")
    r = api.get(world.dsl, f"/pupils/{world.dan.pk}/safeguarding/chronology")
    assert r.status_code == 200
    items = r.json()["items"]
    assert [(i["type"], i["kind"], i["text"]) for i in items] == [
        ("action", "monitor", "watch"),
        ("concern", "concern", "first"),
    ]
    assert items[1]["status"] == "new" and items[1]["by"] == "Alice Assistant"
    row = SafeguardingAccess.objects.get(actor=world.dsl)
    assert (row.pupil, row.concern, row.via, row.what) == (world.dan, None, "api", "chronology")


def test_chronology_query_count_is_constant(world, api):
    url = f"/pupils/{world.dan.pk}/safeguarding/chronology"
    report(world.alice, world.dan)
    api.get(world.dsl, url)  # the token's first use is noted once: not part of the count
    one = queries(lambda: api.get(world.dsl, url))
    for _ in range(3):
        c = report(world.tess, world.dan)
        services.concern_action_add(actor=world.dsl, concern=c, kind="note", note="n")
    assert queries(lambda: api.get(world.dsl, url)) == one
