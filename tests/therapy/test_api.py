"""GET /api/v1/therapy/pupils and /api/v1/therapy/programmes/{id}: the therapist's own
referred pupils and programmes; 404 for everyone else, as for a record that does not exist."""

import uuid

import pytest

from sendesk.audit.models import AccessEvent

from .conftest import NOTE


def test_theo_lists_his_referred_pupils(world, api, record):
    record(world.alice, world.talk)
    r = api.get(world.theo, "/therapy/pupils")
    assert r.status_code == 200
    (item,) = r.json()["items"]
    assert item["id"] == str(world.ben.pk)
    assert item["name"] == "Ben Brown"
    assert item["year_group"] == "Year 3"
    assert item["referrals"] == [
        {
            "id": world.referral.pk,
            "discipline": "slt",
            "start": "2026-09-03",
            "end": None,
            "shared_notes": "Ben likes trains; use them in activities.",
        }
    ]
    assert item["programmes"] == [
        {
            "id": str(world.programme.pk),
            "title": "Building sentences",
            "sessions_since_review": 1,
            "last_review_at": None,
        }
    ]
    assert AccessEvent.objects.filter(
        actor=world.theo, pupil=world.ben, via="api", what="therapy programme"
    ).exists()


def test_theo_reads_a_programme_with_its_sessions(world, api, record):
    record(
        world.alice, world.talk, response=3, note=f"{NOTE} needed prompts",
        target_progress=[(world.t1.pk, "developing")],
    )  # fmt: skip
    record(world.alice, world.precision, note="PRECISION-ONLY")  # not the programme's
    r = api.get(world.theo, f"/therapy/programmes/{world.programme.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["title"] == "Building sentences"
    assert body["goals"] == "Uses 4-word sentences"
    assert body["activities"] == "Barrier games with train pictures"
    assert body["provision_id"] == str(world.talk.pk)
    assert (body["sessions_per_week"], body["session_minutes"], body["days"]) == (5, 30, "12345")
    assert body["figures"]["delivered_week"] == 30
    assert body["figures"]["promised_week"] == 90
    (session,) = body["sessions"]
    assert session["attendance"] == "present" and session["minutes"] == 30
    assert session["response"] == 3 and session["delivered"] is True
    assert session["note"] == f"{NOTE} needed prompts"
    assert session["ratings"] == [
        {"target": "Uses 4-word sentences to ask for help", "rating": "developing"}
    ]
    assert "PRECISION-ONLY" not in r.content.decode()
    assert AccessEvent.objects.filter(actor=world.theo, pupil=world.ben, via="api").exists()


@pytest.mark.parametrize("person", ["alice", "senco", "head", "dsl", "tess", "pat", "nobody"])
def test_everyone_else_gets_404(world, api, person):
    user = getattr(world, person)
    missing = api.get(user, f"/therapy/programmes/{uuid.uuid4()}")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not Found"})
    r = api.get(user, f"/therapy/programmes/{world.programme.pk}")
    assert (r.status_code, r.content) == (404, missing.content)
    r = api.get(user, "/therapy/pupils")
    assert (r.status_code, r.content) == (404, missing.content)
    assert not AccessEvent.objects.filter(what="therapy programme").exists()


def test_theo_gets_nothing_from_the_ordinary_api(world, api):
    for path in ("", "/plans", "/provision", "/timeline", "/access-log"):
        r = api.get(world.theo, f"/pupils/{world.ben.pk}{path}")
        assert (r.status_code, r.json()) == (404, {"detail": "Not Found"}), path
    assert api.get(world.theo, "/pupils").json()["count"] == 0
    garbled = api.get(world.theo, "/therapy/programmes/not-an-id")
    assert garbled.status_code == 404
    assert not AccessEvent.objects.filter(actor=world.theo).exists()


def test_therapy_endpoints_are_documented(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/therapy/pupils", "/api/v1/therapy/programmes/{programme_id}"):
        op = paths[path]["get"]
        assert op["summary"]
        assert {"200", "401", "404", "422"} <= set(op["responses"])
