"""The exams read API: a pupil's arrangements with their normal way of working evidence
counted, the sessions a person may see and one session's room list. Out of scope is 404,
exactly as nonexistent; candidates a reader may not see are counted, not named."""

import uuid

from sendesk.audit.models import AccessEvent
from sendesk.exams import services as exams

from .conftest import T, allocate, arrangement, seat, session


def test_a_pupils_arrangements_with_their_uses_counted(world, api):
    w = world
    reader = arrangement(w, w.ben, "reader")
    arrangement(w, w.ben, "extra_time", extra_time_percent=25)
    exams.use_record(actor=w.alice, arrangement=reader, context="Maths test")
    r = api.get(w.alice, f"/pupils/{w.ben.pk}/exam-arrangements")
    assert r.status_code == 200, r.content
    items = {i["kind"]: i for i in r.json()["items"]}
    assert items["extra_time"]["extra_time_percent"] == 25
    assert items["reader"]["normal_way_of_working"] == {
        "count": 1, "days": 1, "in_sessions": 0, "last_used": "2026-11-18",
    }  # fmt: skip
    assert items["reader"]["assessor"] == "A. Morgan, specialist teacher"
    assert AccessEvent.objects.filter(actor=w.alice, pupil=w.ben, via="api").exists()


def test_out_of_scope_answers_as_nonexistent(world, api):
    w = world
    arrangement(w, w.ben, "reader")
    for person in (w.bob, w.olga, w.theo):
        hidden = api.get(person, f"/pupils/{w.ben.pk}/exam-arrangements")
        ghost = api.get(person, f"/pupils/{uuid.uuid4()}/exam-arrangements")
        assert (hidden.status_code, hidden.json()) == (ghost.status_code, ghost.json()) == (
            404, {"detail": "Not Found"},
        )  # fmt: skip


def test_sessions_and_a_room_list(world, api):
    w = world
    arrangement(w, w.ben, "reader")
    arrangement(w, w.ben, "extra_time", extra_time_percent=25)
    s = session(w, start=T(9, 15), end=T(10, 15))
    seat(w, s, "Library", w.ben)
    seat(w, s, "Hall", w.cara)
    allocate(w, s, w.alice, "reader", "Library", w.ben)
    allocate(w, s, w.bob, "invigilator", "Hall")
    assert [i["id"] for i in api.get(w.senco, "/exam-sessions").json()["items"]] == [s.pk]
    assert api.get(w.tess, "/exam-sessions").json() == {"items": []}
    assert api.get(w.tess, f"/exam-sessions/{s.pk}").status_code == 404
    room_list = api.get(w.senco, f"/exam-sessions/{s.pk}").json()
    library = next(r for r in room_list["rooms"] if r["name"] == "Library")
    assert library["finishes"] == "10:30:00"
    assert library["candidates"][0]["arrangements"] == ["25 % extra time", "Reader"]
    assert library["adults"] == [{"staff_id": w.alice.pk, "name": "Alice Assistant",
                                  "role": "reader", "pupil_id": str(w.ben.pk)}]  # fmt: skip
    # Bob invigilates the Hall: he sees his session, and no pupil he does not support.
    bobs = api.get(w.bob, f"/exam-sessions/{s.pk}").json()
    assert all(r["candidates"] == [] for r in bobs["rooms"])
    assert sum(r["others"] for r in bobs["rooms"]) == 2
    assert bobs["rooms"][0]["adults"][0]["pupil_id"] is None  # Ben's reader, Ben unnamed
