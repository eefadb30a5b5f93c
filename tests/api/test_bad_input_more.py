"""Inputs that once reached the database unchecked: each gets a 4xx that says what is
wrong, and nothing is written."""

import uuid

import pytest

from sendesk.provision.models import Session, TargetRating

from ..world import TODAY


def session_body(w, **changes):
    body = {
        "client_id": str(uuid.uuid4()), "provision_id": str(w.talk.pk), "date": str(TODAY),
        "minutes": 30, "delivered": True, "missed_reason": "",
        "pupils": [{"pupil_id": str(w.ben.pk), "attendance": "present", "response": 3,
                    "note": "", "target_progress": []}],
    }  # fmt: skip
    body.update(changes)
    return body


def test_the_same_target_rated_twice_is_refused(world, api):
    w = world
    body = session_body(w)
    body["pupils"][0]["target_progress"] = [
        {"target_id": str(w.t1.pk), "rating": "emerging"},
        {"target_id": str(w.t1.pk).upper(), "rating": "secure"},
    ]
    r = api.post(w.alice, "/sessions", body)
    assert r.status_code == 422
    assert r.json()["errors"]["pupils.0.target_progress"] == "Rate each target once."
    assert not Session.objects.exists() and not TargetRating.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"date": "2024-01-05"}, "date", "more than a year ago"),
        ({"date": "2026-09-01"}, "date", "This provision starts on 3 September 2026."),
        ({"minutes": True}, "minutes", "whole number"),
        ({"delivered": False, "missed_reason": "other", "missed_note": "x" * 301,
          "pupils": []}, "missed_note", "300 characters"),
    ],
)  # fmt: skip
def test_session_values_out_of_range(world, api, changes, field, says):
    r = api.post(world.alice, "/sessions", session_body(world, **changes))
    assert r.status_code == 422
    assert says in str(r.json()["errors"])
    assert field in str(r.json()["errors"])
    assert not Session.objects.exists()


def test_offsets_and_cursors_that_cannot_be_served(world, api):
    assert api.get(world.senco, "/pupils", offset=10**20).status_code == 422
    r = api.get(world.senco, f"/pupils/{world.ben.pk}/timeline", cursor="MjAyNi0xMy00NVQwMDowMH41")
    assert r.status_code == 422  # decodes to "2026-13-45T00:00~5": not a time
