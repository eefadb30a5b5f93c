"""The outbox: each kind a TA records offline arrives through POST /api/v1/offline/outbox,
is saved by its own endpoint's code, exactly once however often it is sent, and anything
refused comes back with the reason in words (issue 13, part 2)."""

import datetime as dt
import uuid

import pytest
from django.test import Client

from sendesk.behaviour.models import Incident, Observation
from sendesk.care.models import CareEvent
from sendesk.homeschool.models import DiaryNote, DiaryPupil
from sendesk.medication.models import Administration
from sendesk.provision.models import Session
from sendesk.pupils.models import Deployment, Pupil
from tests.second_factor import verified_login

from ..world import TODAY
from .conftest import OUTBOX


def _session(w, good=True):
    return {"provision_id": str(w.talk.pk), "date": str(TODAY), "minutes": 30 if good else 0,
            "delivered": True, "pupils": [{"pupil_id": str(w.ben.pk), "attendance": "present",
                                           "response": 4}]}  # fmt: skip


def _observation(w, good=True):
    return {"pupil_id": str(w.ben.pk), "method": "abc" if good else "stare",
            "started_at": f"{TODAY}T09:00", "ended_at": f"{TODAY}T09:20",
            "entries": [{"at": f"{TODAY}T09:05", "behaviour": "Threw a pencil"}]}  # fmt: skip


def _incident(w, good=True):
    return {"pupil_id": str(w.ben.pk), "occurred_at": f"{TODAY}T09:10", "severity": 1,
            "behaviour": "Shouted at a friend" if good else "   "}  # fmt: skip


def _recognition(w, good=True):
    return {"pupil_id": str(w.ben.pk), "occurred_at": f"{TODAY}T09:15",
            "behaviour": "Helped a friend tidy up" if good else ""}  # fmt: skip


def _care_event(w, good=True):
    # Ben's toileting plan needs two staff: without the second, the plan's rule refuses it.
    data = {"care_plan_id": str(w.toileting.pk), "occurred_at": f"{TODAY}T09:45",
            "kind": "pad change"}  # fmt: skip
    return {**data, "second_staff_id": w.hana.pk} if good else data


def _diary(w, good=True):
    return {"pupil_id": str(w.ben.pk), "date": str(TODAY),
            "notes": {"mood": "Happy all morning"} if good else {"homework": "x"}}  # fmt: skip


def _dose(w, good=True):
    return {"medicine_id": str(w.inhaler.pk), "given_at": f"{TODAY}T09:30", "outcome": "given",
            "dose": "2 puffs" if good else "", "given_offline": True}  # fmt: skip


# kind -> (data, the stored rows of a client_id, what the message says was saved)
KINDS = {
    "session": (_session, lambda c: Session.objects.filter(client_id=c), "session"),
    "observation": (_observation, lambda c: Observation.objects.filter(client_id=c),
                    "observation"),
    "incident": (_incident, lambda c: Incident.objects.filter(client_id=c, kind="concern"),
                 "incident"),
    "recognition": (_recognition,
                    lambda c: Incident.objects.filter(client_id=c, kind="positive"),
                    "positive recognition"),
    "care_event": (_care_event, lambda c: CareEvent.objects.filter(client_id=c), "care event"),
    "diary": (_diary, lambda c: DiaryNote.objects.filter(client_id=c), "diary"),
    "dose": (_dose, lambda c: Administration.objects.filter(client_id=c), "Salbutamol given"),
}  # fmt: skip


@pytest.fixture
def ben_diary(world):
    return DiaryPupil.objects.create(pupil=world.ben, started_by=world.senco, started_on=TODAY)


@pytest.mark.parametrize("kind", KINDS)
def test_saved_once_however_often_it_is_sent(world, device, ben_diary, kind):
    data, stored, what = KINDS[kind]
    tablet, cid = device(world.alice), uuid.uuid4()
    first = tablet.send(world.alice, kind, data(world), client_id=cid)
    assert first.status_code == 201, first.content
    assert first["Cache-Control"] == "no-store"
    body = first.json()
    assert (body["status"], body["kind"], body["client_id"]) == ("saved", kind, str(cid))
    assert body["duplicate"] is False and body["pupil"] == str(world.ben.pk)
    assert body["message"] == f"Saved: {what} for Ben, Wednesday 18 November."
    rows = list(stored(cid))
    assert len(rows) == 1 and str(rows[0].pk) == body["id"]

    # The network dropped before the answer came: the device sends it again, twice.
    for _ in range(2):
        again = tablet.send(world.alice, kind, data(world), client_id=cid)
        assert again.status_code == 200, again.content
        assert again.json()["duplicate"] is True and again.json()["id"] == body["id"]
        assert again.json()["message"].startswith("Already saved: ")
    assert stored(cid).count() == 1


@pytest.mark.parametrize("kind", KINDS)
def test_refused_with_the_reason_in_words(world, device, ben_diary, kind):
    data, stored, _ = KINDS[kind]
    cid = uuid.uuid4()
    r = device(world.alice).send(world.alice, kind, data(world, good=False), client_id=cid)
    assert r.status_code == 422, r.content
    body = r.json()
    assert (body["status"], body["kind"], body["client_id"]) == ("refused", kind, str(cid))
    assert body["code"] not in ("", None)
    assert body["message"] and body["errors"]
    assert body["message"] == " ".join(body["errors"].values())
    assert not stored(cid).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_pupil_out_of_scope_is_not_found(world, device, ben_diary, kind):
    # Bob is a TA deployed to nobody: Ben is not his.
    data, stored, _ = KINDS[kind]
    cid = uuid.uuid4()
    r = device(world.bob).send(world.bob, kind, data(world), client_id=cid)
    assert r.status_code == 404, r.content
    assert r.json()["code"] == "not_found" and "not been saved" in r.json()["message"]
    assert not stored(cid).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_never_sent_as_someone_else(world, device, ben_diary, kind):
    data, stored, _ = KINDS[kind]
    cid = uuid.uuid4()
    # Recorded on the tablet by Bob; Alice is signed in now.
    r = device(world.alice).send(world.alice, kind, data(world), client_id=cid,
                                 recorded_by=world.bob.pk)  # fmt: skip
    assert r.status_code == 409, r.content
    assert r.json()["code"] == "other_person"
    assert "someone else" in r.json()["message"]
    assert not stored(cid).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_without_the_csrf_token_nothing_is_saved(world, ben_diary, kind):
    data, stored, _ = KINDS[kind]
    browser = verified_login(Client(enforce_csrf_checks=True), world.alice)
    cid = uuid.uuid4()
    body = {"kind": kind, "client_id": str(cid), "recorded_by": world.alice.pk,
            "data": data(world)}  # fmt: skip
    r = browser.post(OUTBOX, body, content_type="application/json")
    assert r.status_code == 403
    assert not stored(cid).exists()
    # With the token the page holds (the csrftoken cookie, sent back as X-CSRFToken): saved.
    browser.get("/my-day/")
    token = browser.cookies["csrftoken"].value
    ok = browser.post(OUTBOX, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 201, ok.content
    assert stored(cid).count() == 1


def test_a_flagged_session_says_what_the_teacher_should_look_at(world, device):
    # As the session form online: a flag needs its note, refused in words next to it.
    tablet, data = device(world.alice), _session(world)
    data["pupils"][0].update(flag_for_teacher=True, flag_note="   ")
    r = tablet.send(world.alice, "session", data)
    assert r.status_code == 422, r.content
    assert r.json()["errors"] == {"pupils.0.flag_note": "Say what the teacher should look at."}
    data["pupils"][0]["flag_note"] = "x" * 301
    r = tablet.send(world.alice, "session", data)
    assert r.json()["errors"] == {
        "pupils.0.flag_note": "Keep what the teacher should look at to 300 characters."
    }
    assert not Session.objects.exists()
    data["pupils"][0]["flag_note"] = " He could not find his sentence cards "
    r = tablet.send(world.alice, "session", data)
    assert r.status_code == 201, r.content
    row = Session.objects.get().pupils.get()
    assert (row.flag_for_teacher, row.flag_note) == (True, "He could not find his sentence cards")


def _live(w, method, entries, **more):
    # As the offline form sends it (js/offline/forms.js collectLive): the online recorder's
    # body, its moments in UTC with milliseconds.
    return {"pupil_id": str(w.ben.pk), "method": method, "behaviour": "Calls out",
            "lesson": "Maths", "activity": "", "staff_present": "", "notes": "",
            "started_at": f"{TODAY}T09:00:00.000Z", "entries": entries, **more}  # fmt: skip


@pytest.mark.parametrize("method", ["frequency", "duration"])
def test_a_live_observation_is_stored_once_with_its_events(world, device, method):
    if method == "frequency":
        # 2 minutes in intervals of 30 s: four counts, zeros included.
        counts = [2, 0, 1, 3]
        entries = [{"seq": i + 1, "at": f"{TODAY}T09:0{i // 2}:{30 * (i % 2):02}.000Z",
                    "count": c} for i, c in enumerate(counts)]  # fmt: skip
        data = _live(world, method, entries, interval_seconds=30,
                     ended_at=f"{TODAY}T09:02:00.000Z")  # fmt: skip
    else:
        entries = [{"at": f"{TODAY}T09:01:10.000Z", "duration_seconds": 65},
                   {"at": f"{TODAY}T09:06:00.000Z", "duration_seconds": 240}]  # fmt: skip
        data = _live(world, method, entries, interval_seconds=None,
                     ended_at=f"{TODAY}T09:10:00.000Z")  # fmt: skip
    tablet, cid = device(world.alice), uuid.uuid4()
    first = tablet.send(world.alice, "observation", data, client_id=cid)
    assert first.status_code == 201, first.content
    again = tablet.send(world.alice, "observation", data, client_id=cid)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    obs = Observation.objects.get(client_id=cid)
    assert Observation.objects.count() == 1
    assert (obs.method, obs.behaviour, obs.lesson, obs.observer) == (
        method, "Calls out", "Maths", world.alice,
    )  # fmt: skip
    rows = list(obs.entries.order_by("seq"))
    if method == "frequency":
        assert obs.interval_seconds == 30
        assert [(r.seq, r.count) for r in rows] == [(1, 2), (2, 0), (3, 1), (4, 3)]
        assert (obs.event_count, obs.rate_per_hour) == (6, 180.0)
    else:
        assert [(r.seq, r.duration_seconds) for r in rows] == [(1, 65), (2, 240)]
        assert (obs.event_count, obs.total_duration_seconds) == (2, 305)


def test_a_live_observation_refused_says_why(world, device):
    # An episode running past the end: the service's own words, nothing stored.
    data = _live(world, "duration", [{"at": f"{TODAY}T09:09:00.000Z", "duration_seconds": 300}],
                 ended_at=f"{TODAY}T09:10:00.000Z")  # fmt: skip
    r = device(world.alice).send(world.alice, "observation", data)
    assert r.status_code == 422, r.content
    assert r.json()["errors"] == {
        "entries.0.duration_seconds": "This episode runs past the end of the observation: "
        "check its length."
    }
    assert not Observation.objects.exists()


def test_a_bearer_token_needs_no_csrf(world, api, ben_diary):
    cid = uuid.uuid4()
    body = {"kind": "incident", "client_id": str(cid), "recorded_by": world.alice.pk,
            "data": _incident(world)}  # fmt: skip
    r = api.post(world.alice, "/offline/outbox", body)
    assert r.status_code == 201, r.content
    assert Incident.objects.filter(client_id=cid).count() == 1


def test_signed_out_is_401_and_nothing_is_saved(world, client):
    cid = uuid.uuid4()
    body = {"kind": "incident", "client_id": str(cid), "recorded_by": world.alice.pk,
            "data": _incident(world)}  # fmt: skip
    r = client.post(OUTBOX, body, content_type="application/json")
    assert r.status_code == 401
    assert not Incident.objects.filter(client_id=cid).exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "lesson", "client_id": str(uuid.uuid4()), "data": {}}, "kind"),
        ({"kind": "incident", "client_id": "not-an-id", "data": {}}, "client_id"),
        ({"kind": "incident", "client_id": str(uuid.uuid4()), "data": [1]}, "data"),
    ],
)
def test_a_bad_envelope_is_refused_in_words(world, device, body, field):
    tablet = device(world.alice)
    r = tablet.client.post(OUTBOX, {**body, "recorded_by": world.alice.pk},
                           content_type="application/json")  # fmt: skip
    assert r.status_code == 422
    assert r.json()["status"] == "refused" and field in r.json()["errors"]
    not_json = tablet.client.post(OUTBOX, "[1, 2]", content_type="application/json")
    assert not_json.status_code == 422 and not_json.json()["status"] == "refused"
    assert not_json.json()["message"]


def test_a_client_id_of_another_record_conflicts(world, device):
    tablet, cid = device(world.alice), uuid.uuid4()
    assert tablet.send(world.alice, "incident", _incident(world), client_id=cid).status_code == 201
    # Bob's device happens to send the same client_id: a conflict that says nothing of it.
    clash = device(world.bob).send(world.bob, "incident", _incident(world), client_id=cid)
    assert clash.status_code == 409
    assert clash.json()["code"] == "conflict"
    # The TA reads what to do; the technical words stay in errors.
    assert clash.json()["message"] == (
        "This record clashes with another one already saved. Tell the office; it has not "
        "been saved."
    )
    assert "client_id" not in clash.json()["message"]
    assert clash.json()["errors"] == {
        "client_id": "This client_id is already used by another record."
    }
    # Alice's device sends it again, changed since: the record first stored stands.
    other = {**_incident(world), "behaviour": "Something else entirely"}
    again = tablet.send(world.alice, "incident", other, client_id=cid)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert Incident.objects.filter(client_id=cid).count() == 1
    assert Incident.objects.get(client_id=cid).behaviour == "Shouted at a friend"


def test_an_hlta_records_for_her_group(world, device):
    cid = uuid.uuid4()
    data = {**_incident(world), "pupil_id": str(world.cara.pk)}
    r = device(world.hana).send(world.hana, "incident", data, client_id=cid)
    assert r.status_code == 201, r.content
    assert r.json()["message"] == "Saved: incident for Cara, Wednesday 18 November."
    assert Incident.objects.get(client_id=cid).recorded_by == world.hana


def test_a_pupil_who_has_left_since_is_refused_in_words(world, device):
    # Ben left yesterday; Alice's tablet still held an incident recorded before it knew.
    Pupil.objects.filter(pk=world.ben.pk).update(left_on=TODAY - dt.timedelta(days=1))
    cid = uuid.uuid4()
    r = device(world.alice).send(world.alice, "incident", _incident(world), client_id=cid)
    assert r.status_code == 404
    assert r.json()["status"] == "refused" and "not been saved" in r.json()["message"]
    assert not Incident.objects.filter(client_id=cid).exists()


YESTERDAY = TODAY - dt.timedelta(days=1)


def _yesterdays(w):
    """Tuesday's session, dose and incident, made offline on Alice's tablet."""
    return {
        "session": {**_session(w), "date": str(YESTERDAY)},
        "dose": {**_dose(w), "given_at": f"{YESTERDAY}T09:30"},
        "incident": {**_incident(w), "occurred_at": f"{YESTERDAY}T09:10"},
    }


def test_a_record_is_judged_by_the_scope_on_its_own_day(world, device):
    # Alice's 1:1 with Ben ended yesterday (a trip, a cover week): today he is not hers ...
    Deployment.objects.filter(staff=world.alice, pupil=world.ben).update(end=YESTERDAY)
    tablet = device(world.alice)
    assert tablet.get("/pack").json()["pupils"] == {}
    # ... but what she recorded yesterday, when he was, arrives today and is saved.
    for kind, data in _yesterdays(world).items():
        cid = uuid.uuid4()
        r = tablet.send(world.alice, kind, data, client_id=cid)
        assert r.status_code == 201, (kind, r.content)
        assert r.json()["message"].endswith("Tuesday 17 November.")
        assert KINDS[kind][1](cid).count() >= 1
    # Today's record for him is not hers to make.
    r = tablet.send(world.alice, "incident", _incident(world))
    assert r.status_code == 404 and "not been saved" in r.json()["message"]


def test_a_record_of_a_day_she_was_not_deployed_is_refused(world, device):
    # Her 1:1 ended the day before yesterday: yesterday's records were never hers.
    Deployment.objects.filter(staff=world.alice, pupil=world.ben).update(
        end=TODAY - dt.timedelta(days=2)
    )
    tablet = device(world.alice)
    for kind, data in _yesterdays(world).items():
        cid = uuid.uuid4()
        r = tablet.send(world.alice, kind, data, client_id=cid)
        assert r.status_code == 404, (kind, r.content)
        assert r.json()["code"] == "not_found" and "not been saved" in r.json()["message"]
        assert not KINDS[kind][1](cid).exists()


def test_a_record_older_than_7_days_is_refused_in_words(world, device, now):
    now.shift(dt.timedelta(days=8))  # Thursday week: the incident waited on the tablet
    cid = uuid.uuid4()
    r = device(world.alice).send(world.alice, "incident", _incident(world), client_id=cid)
    assert r.status_code == 422, r.content
    assert r.json()["code"] == "too_old"
    assert r.json()["message"].startswith(
        "This was recorded on Wednesday 18 November, more than 7 days ago"
    )
    assert not Incident.objects.filter(client_id=cid).exists()
