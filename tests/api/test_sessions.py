import datetime as dt
import json
import uuid

import pytest

from sendesk.audit.models import AuditEvent
from sendesk.plans.models import Plan, Target
from sendesk.provision.models import Provision, Session, SessionPupil, TargetRating
from sendesk.provision.services import PupilRecord, session_record
from sendesk.pupils.models import TimelineEntry
from tests.world import AUTUMN_START, TODAY

EVIDENCE = (Session, SessionPupil, TargetRating, TimelineEntry, AuditEvent)


def rows():
    return {model.__name__: model.objects.count() for model in EVIDENCE}


def delivered(world, **changes):
    body = {
        "client_id": str(uuid.uuid4()),
        "provision_id": str(world.talk.pk),
        "date": str(TODAY),
        "start_time": "09:15",
        "minutes": 30,
        "delivered": True,
        "missed_reason": "",
        "pupils": [
            {
                "pupil_id": str(world.ben.pk),
                "attendance": "present",
                "response": 4,
                "note": "Asked for help with a 4-word sentence twice.",
                "adaptations": "Visual prompt card",
                "flag_for_teacher": True,
                "target_progress": [{"target_id": str(world.t1.pk), "rating": "emerging"}],
            }
        ],
    }
    body.update(changes)
    return body


def pupil_part(world, **changes):
    return [{**delivered(world)["pupils"][0], **changes}]


def test_record_a_delivered_session(world, api):
    body = delivered(world)
    r = api.post(world.alice, "/sessions", body)
    assert r.status_code == 201, r.content
    out = r.json()
    session = Session.objects.get()
    assert out["id"] == str(session.pk)
    assert out["client_id"] == body["client_id"]
    assert (out["date"], out["start_time"], out["minutes"]) == (str(TODAY), "09:15:00", 30)
    assert out["recorded_by"] == "Alice Assistant"
    [part] = out["pupils"]
    assert part["pupil_id"] == str(world.ben.pk)
    assert (part["attendance"], part["minutes"], part["response"]) == ("present", 30, 4)
    assert part["flag_for_teacher"] is True
    assert part["target_progress"] == [{"target_id": str(world.t1.pk), "rating": "emerging"}]

    assert session.delivered_by == session.recorded_by == world.alice
    sp = SessionPupil.objects.get()
    assert (sp.pupil, sp.provision, sp.minutes) == (world.ben, world.talk, 30)
    assert TargetRating.objects.get().rating == "emerging"
    assert TimelineEntry.objects.filter(pupil=world.ben, kind="session").count() == 1
    assert AuditEvent.objects.filter(pupil=world.ben, action="create").count() == 1


def test_same_client_id_again_returns_the_stored_record(world, api):
    body = delivered(world)
    first = api.post(world.alice, "/sessions", body)
    again = api.post(world.alice, "/sessions", body)
    changed = api.post(world.alice, "/sessions", {**body, "minutes": 45})
    assert first.status_code == 201
    assert again.status_code == changed.status_code == 200
    assert again.json()["id"] == changed.json()["id"] == first.json()["id"]
    assert changed.json()["minutes"] == 30  # the stored record, unchanged
    assert rows() == {"Session": 1, "SessionPupil": 1, "TargetRating": 1,
                      "TimelineEntry": 1, "AuditEvent": 1}  # fmt: skip


def test_the_same_client_id_with_input_now_refused_still_returns_the_stored_record(world, api):
    # The checks run before the stored record is looked for (a new session asks the
    # database one question fewer); a refusal still answers with the stored record.
    body = delivered(world)
    first = api.post(world.alice, "/sessions", body)
    refused = api.post(world.alice, "/sessions", {**body, "minutes": 0, "date": "2030-01-01"})
    assert (first.status_code, refused.status_code) == (201, 200)
    assert refused.json()["id"] == first.json()["id"]
    assert refused.json()["minutes"] == 30
    assert rows() == {"Session": 1, "SessionPupil": 1, "TargetRating": 1,
                      "TimelineEntry": 1, "AuditEvent": 1}  # fmt: skip


def test_missed_session_with_its_reason(world, api):
    body = delivered(world, delivered=False, missed_reason="staff_absent", pupils=[])
    r = api.post(world.alice, "/sessions", body)
    assert r.status_code == 201
    assert r.json()["missed_reason"] == "staff_absent"
    sp = SessionPupil.objects.get()
    assert (sp.pupil, sp.minutes, sp.attendance) == (world.ben, 0, "")


def test_partial_attendance_and_blank_optional_fields(world, api):
    pupils = pupil_part(world, attendance="partial", minutes=10, note=None, adaptations=None,
                        target_progress=[])  # fmt: skip
    body = delivered(world, missed_reason=None, start_time=None, pupils=pupils)
    r = api.post(world.alice, "/sessions", body)
    assert r.status_code == 201, r.content
    assert r.json()["pupils"][0]["minutes"] == 10


def _dan_target(world):
    plan = Plan.objects.create(pupil=world.dan, kind="iep", title="Dan's IEP", status="active")
    return Target.objects.create(plan=plan, text="Stays in class for 20 minutes")


BAD_INPUT = {
    "not JSON": (lambda w: "{client_id: nope", 400, "body"),
    "not UTF-8": (lambda w: b"\xff\xfe{", 400, "body"),
    "a JSON list": (lambda w: "[1, 2]", 422, "body"),
    "a JSON string": (lambda w: '"session"', 422, "body"),
    "JSON null": (lambda w: "null", 422, "body"),
    "empty body": (lambda w: "", 422, "body"),
    "missing client_id": (lambda w: {k: v for k, v in delivered(w).items() if k != "client_id"},
                          422, "client_id"),
    "client_id not a uuid": (lambda w: delivered(w, client_id="abc-123"), 422, "client_id"),
    "provision_id not a uuid": (lambda w: delivered(w, provision_id=7), 422, "provision_id"),
    "date in words": (lambda w: delivered(w, date="yesterday"), 422, "date"),
    "date day-first": (lambda w: delivered(w, date="18/11/2026"), 422, "date"),
    "date in the future": (lambda w: delivered(w, date=str(TODAY + dt.timedelta(days=1))),
                           422, "date"),
    "start_time not a time": (lambda w: delivered(w, start_time="25:99"), 422, "start_time"),
    "minutes as words": (lambda w: delivered(w, minutes="thirty"), 422, "minutes"),
    "minutes fractional": (lambda w: delivered(w, minutes=12.5), 422, "minutes"),
    "minutes zero": (lambda w: delivered(w, minutes=0), 422, "minutes"),
    "minutes too many": (lambda w: delivered(w, minutes=601), 422, "minutes"),
    "delivered not a bool": (lambda w: delivered(w, delivered="maybe"), 422, "delivered"),
    "missed without reason": (lambda w: delivered(w, delivered=False, pupils=[]),
                              422, "missed_reason"),
    "missed for an unknown reason": (lambda w: delivered(w, delivered=False, pupils=[],
                                                         missed_reason="weather"),
                                     422, "missed_reason"),
    "other reason with no note": (lambda w: delivered(w, delivered=False, pupils=[],
                                                      missed_reason="other"),
                                  422, "missed_note"),
    "delivered with a missed reason": (lambda w: delivered(w, missed_reason="trip"),
                                       422, "missed_reason"),
    "delivered with no pupils": (lambda w: delivered(w, pupils=[]), 422, "pupils"),
    "pupils not a list": (lambda w: delivered(w, pupils="Ben"), 422, "pupils"),
    "pupil without id": (lambda w: delivered(w, pupils=[{"attendance": "present"}]),
                         422, "pupils.0.pupil_id"),
    "unknown attendance": (lambda w: delivered(w, pupils=pupil_part(w, attendance="here")),
                           422, "pupils.0.attendance"),
    "response off the scale": (lambda w: delivered(w, pupils=pupil_part(w, response=9)),
                               422, "pupils.0.response"),
    "response as words": (lambda w: delivered(w, pupils=pupil_part(w, response="good")),
                          422, "pupils.0.response"),
    "pupil minutes over the session": (lambda w: delivered(w, pupils=pupil_part(
        w, attendance="partial", minutes=45)), 422, "pupils.0.minutes"),
    "same pupil twice": (lambda w: delivered(w, pupils=pupil_part(w) * 2), 422, "pupils"),
    "unknown rating": (lambda w: delivered(w, pupils=pupil_part(w, target_progress=[
        {"target_id": str(w.t1.pk), "rating": "great"}])),
        422, "pupils.0.target_progress.0.rating"),
    "target of another pupil": (lambda w: delivered(w, pupils=pupil_part(w, target_progress=[
        {"target_id": str(_dan_target(w).pk), "rating": "secure"}])),
        422, "pupils.0.target_progress.0.target_id"),
    "target that does not exist": (lambda w: delivered(w, pupils=pupil_part(w, target_progress=[
        {"target_id": str(uuid.uuid4()), "rating": "secure"}])),
        422, "pupils.0.target_progress.0.target_id"),
    "flag not a bool": (lambda w: delivered(w, pupils=pupil_part(w, flag_for_teacher="please")),
                        422, "pupils.0.flag_for_teacher"),
    "flagged with a blank note": (lambda w: delivered(w, pupils=pupil_part(w, flag_note=" ")),
                                  422, "pupils.0.flag_note"),
    "a flag note holding NUL": (lambda w: delivered(w, pupils=pupil_part(w, flag_note="a\x00b")),
                                422, "pupils.0.flag_note"),
}  # fmt: skip


def test_a_flag_note_is_stored_and_returned(world, api):
    # Sent (as the offline app does): kept, trimmed; left out, a flag needs none (older clients).
    r = api.post(world.alice, "/sessions", delivered(
        world, pupils=pupil_part(world, flag_note=" Check his sentence cards ")))  # fmt: skip
    assert r.status_code == 201, r.content
    assert r.json()["pupils"][0]["flag_note"] == "Check his sentence cards"
    r = api.post(world.alice, "/sessions", delivered(world))
    assert r.status_code == 201, r.content
    assert r.json()["pupils"][0]["flag_note"] == ""


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_says_what_is_wrong_and_writes_nothing(world, api, case):
    make, status, field = BAD_INPUT[case]
    body = make(world)
    before = rows()
    r = api.post(world.alice, "/sessions", body)
    assert r.status_code == status, r.content
    out = r.json()
    assert out["detail"] and out["errors"]
    assert field in out["errors"], out
    assert rows() == before


def test_a_body_that_is_not_an_object_says_so(world, api):
    r = api.post(world.alice, "/sessions", "[]")
    assert r.json() == {
        "detail": "The request body must be a JSON object, {...}.",
        "errors": {"body": "The request body must be a JSON object, {...}."},
    }


def test_pydantic_messages_name_the_field_in_words(world, api):
    body = delivered(world, date="yesterday", pupils=pupil_part(world, response="good"))
    r = api.post(world.alice, "/sessions", json.dumps(body))
    errors = r.json()["errors"]
    assert errors["date"] == "Date must be a date written YYYY-MM-DD, e.g. 2026-11-18."
    assert errors["pupils.0.response"] == "Pupil 1, response must be a whole number."
    assert "Date must be" in r.json()["detail"]


def _other_school_provision(world):
    return Provision.objects.create(
        pupil=world.olly, title="Olly's 1:1", kind="one_to_one", source="sen_support",
        weekly_minutes=150, days="12345", start=AUTUMN_START,
    )  # fmt: skip


NOT_FOUND = {
    "unknown provision": (lambda w: delivered(w, provision_id=str(uuid.uuid4())), "alice"),
    "another school's provision": (
        lambda w: delivered(w, provision_id=str(_other_school_provision(w).pk)), "alice"),
    "a pupil out of scope": (lambda w: delivered(w, provision_id=None, pupils=pupil_part(
        w, pupil_id=str(w.cara.pk), target_progress=[])), "alice"),
    "a provision out of scope": (lambda w: delivered(w), "bob"),
    "a teacher's pupil in another class": (lambda w: delivered(w), "tom"),
}  # fmt: skip


@pytest.mark.parametrize("case", NOT_FOUND)
def test_out_of_scope_is_404_and_writes_nothing(world, api, case):
    make, person = NOT_FOUND[case]
    body = make(world)
    before = rows()
    r = api.post(getattr(world, person), "/sessions", body)
    assert (r.status_code, r.json()) == (404, {"detail": "Not Found"})
    assert rows() == before


def test_client_id_used_at_another_school_is_a_409(world, api):
    theirs, _ = session_record(
        actor=world.olga, provision_id=_other_school_provision(world).pk, date=TODAY,
        minutes=30, delivered=True,
        pupils=[PupilRecord(pupil_id=world.olly.pk, attendance="present")],
    )  # fmt: skip
    before = rows()
    r = api.post(world.alice, "/sessions", delivered(world, client_id=str(theirs.client_id)))
    assert r.status_code == 409
    assert "client_id" in r.json()["errors"]
    assert rows() == before


@pytest.mark.parametrize("field", ["note", "adaptations"])
def test_a_nul_in_a_typed_text_is_refused_not_stored(world, api, field):
    # PostgreSQL can't store a NUL: the session service refuses it with the one input rule
    # (lib.inputs.text), a 422 naming the field, on SQLite and PostgreSQL alike.
    r = api.post(
        world.alice, "/sessions", delivered(world, pupils=pupil_part(world, **{field: "a\x00b"}))
    )
    assert r.status_code == 422
    assert r.json()["errors"] == {
        f"pupils.0.{field}": "This holds a character that can't be stored: retype it."
    }
    assert rows()["SessionPupil"] == 0
