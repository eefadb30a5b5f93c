"""The answers fuzzing rarely reaches, checked against the document all the same: a school
day of real records written and read through the API by the people who would, every
refusal the medication rules give, and the bodies that are not JSON. Each answer goes
through schemathesis' checks for its operation (status documented, content type, body
shape), as the generated ones do."""

import datetime as dt
import uuid

import pytest
from ninja.openapi.schema import OpenAPISchema
from schemathesis.core import NOT_SET
from werkzeug.test import Client

from sendesk.api.main import api

from .openapi_check import ANSWER_CHECKS, document, schema

LONDON_MORNING = "2026-11-18T09:50:00"


def test_the_served_document_is_the_one_checked(db, client):
    assert client.get("/api/v1/openapi.json").json() == document()


def test_one_name_is_one_schema(monkeypatch):
    """Two models with one name used to be written to the same component, the last one
    winning: the plans' latest rating was documented with the therapy sessions' shape."""
    seen: dict[str, dict] = {}
    clashes: list[str] = []
    merge = OpenAPISchema.add_schema_definitions

    def watch(self, definitions):
        for name, definition in definitions.items():
            if seen.setdefault(name, definition) != definition:
                clashes.append(name)
        merge(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", watch)
    api.get_openapi_schema()
    assert seen and clashes == []
    components = document()["components"]["schemas"]
    assert set(components["RatingOut"]["properties"]) == {"rating", "date"}


class Caller:
    """Sends a request as `person` in-process and checks the answer against the operation's
    part of the document."""

    def __init__(self, app, api_client):
        self.app = app
        self.api = api_client

    def __call__(self, person, method, template, status, *, body=None, query=None, **path):
        case = schema[f"/api/v1{template}"][method].Case(
            path_parameters={k: str(v) for k, v in path.items()} or None,
            query=query,
            body=body if body is not None else NOT_SET,
        )
        headers = {"Authorization": f"Bearer {self.api.token(person)}"} if person else {}
        response = case.call(headers=headers, app=self.app)
        case.validate_response(response, checks=ANSWER_CHECKS)
        assert response.status_code == status, response.text
        return response.json()

    def raw(self, person, method, template, data, **path):
        """`data` sent as it is (not made JSON by schemathesis), as a broken client would."""
        case = schema[f"/api/v1{template}"][method].Case(
            path_parameters={k: str(v) for k, v in path.items()} or None
        )
        url = f"/api/v1{template}".format(**path)
        response = Client(self.app).open(
            url,
            method=method,
            data=data,
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.api.token(person)}"},
        )
        case.validate_response(response, checks=ANSWER_CHECKS)
        return response.status_code, response.json


@pytest.fixture
def send(api, wsgi_app):
    return Caller(wsgi_app, api)


def _session(w):
    return {
        "client_id": str(uuid.uuid4()),
        "provision_id": str(w.talk.pk),
        "date": "2026-11-18",
        "start_time": "09:15",
        "minutes": 30,
        "delivered": True,
        "missed_reason": "",
        "pupils": [
            {
                "pupil_id": str(w.ben.pk),
                "attendance": "present",
                "response": 4,
                "note": "Asked for help with a 4-word sentence twice.",
                "flag_for_teacher": True,
                "target_progress": [{"target_id": str(w.t1.pk), "rating": "emerging"}],
            }
        ],
    }


def _incident(w):
    return {
        "client_id": str(uuid.uuid4()),
        "pupil_id": str(w.ben.pk),
        "kind": "concern",
        "severity": 1,
        "occurred_at": "2026-11-17T13:20:00",
        "location": "Hall",
        "staff_present": [w.alice.pk],
        "behaviour": "Dropped to the floor, hands over ears",
        "strategies": [{"strategy_id": w.calm_corner.pk, "effectiveness": 2}],
    }


def _intervention(w):
    return {
        "client_id": str(uuid.uuid4()),
        "pupil_id": str(w.ben.pk),
        "kind": "seclusion",
        "started_at": "2026-11-17T11:30:00",
        "duration_minutes": 10,
        "location": "Calm room",
        "before": "Hit out at peers during a fire drill",
        "deescalation": "Ear defenders offered, moved away from the alarm",
        "holds": "Door held closed, adult watching through the window",
        "reason": "Risk to other pupils in the line",
        "staff": [{"user_id": w.bob.pk, "part": "lead"}],
    }


def _observation(w):
    start = dt.datetime(2026, 11, 18, 9, 0)
    return {
        "client_id": str(uuid.uuid4()),
        "pupil_id": str(w.ben.pk),
        "method": "abc",
        "started_at": start.isoformat(),
        "ended_at": (start + dt.timedelta(minutes=30)).isoformat(),
        "entries": [
            {
                "at": (start + dt.timedelta(minutes=5)).isoformat(),
                "antecedent": "Asked to start question 1",
                "behaviour": "Pushed the book away",
                "consequence": "Offered the calm corner",
            }
        ],
    }


def _concern(w):
    return {
        "client_id": str(uuid.uuid4()),
        "pupil_id": str(w.dan.pk),
        "occurred_at": "2026-11-18T08:45:00Z",
        "location": "Breakfast club",
        "concern": "Dan arrived hungry again, with a cut lip.",
        "body_map": [{"side": "front", "x": 50, "y": 10.25, "note": "Cut lip"}],
    }


def _dose(w, **changes):
    return {
        "client_id": str(uuid.uuid4()),
        "medicine_id": str(w.inhaler.pk),
        "given_at": LONDON_MORNING,
        "outcome": "given",
        "dose": "2 puffs",
        **changes,
    }


def _care_event(w):
    return {
        "client_id": str(uuid.uuid4()),
        "care_plan_id": str(w.toileting.pk),
        "occurred_at": "2026-11-18T09:40:00",
        "kind": "pad change",
        "second_staff_id": w.tess.pk,
    }


def test_a_day_of_records_as_the_document_says(world, send):
    w = world
    ben = w.ben.pk
    # Writes, each twice: recorded (201), then the same client_id again (200, the same record).
    writes = [
        (w.alice, "/sessions", _session(w)),
        (w.alice, "/behaviour/incidents", _incident(w)),
        (w.alice, "/restrictive-interventions", _intervention(w)),
        (w.alice, "/behaviour/observations", _observation(w)),
        (w.alice, "/safeguarding/concerns", _concern(w)),
        (w.alice, "/medication/administrations", _dose(w)),
        (w.alice, "/care/events", _care_event(w)),
    ]
    made = {}
    for person, path, body in writes:
        first = send(person, "POST", path, 201, body=body)
        assert send(person, "POST", path, 200, body=body)["id"] == first["id"]
        made[path] = first["id"]
    told = send(
        w.senco,
        "POST",
        "/restrictive-interventions/{intervention_id}/parent-notifications",
        201,
        body={"notified_at": "2026-11-18T08:45:00", "method": "phone", "contact_name": "Mrs B"},
        intervention_id=made["/restrictive-interventions"],
    )
    assert told["intervention_id"] == made["/restrictive-interventions"]

    # Reads that now have something in every list.
    plans = send(w.senco, "GET", "/pupils/{pupil_id}/plans", 200, pupil_id=ben)
    rated = [t for p in plans["items"] for t in p["targets"] if t["latest_rating"]]
    assert rated[0]["latest_rating"] == {"rating": "emerging", "date": "2026-11-18"}
    for template in (
        "/pupils/{pupil_id}",
        "/pupils/{pupil_id}/provision",
        "/pupils/{pupil_id}/timeline",
        "/pupils/{pupil_id}/access-log",
        "/pupils/{pupil_id}/behaviour",
        "/pupils/{pupil_id}/medication",
        "/pupils/{pupil_id}/mar",
        "/pupils/{pupil_id}/care-plans",
    ):
        send(w.senco, "GET", template, 200, pupil_id=ben)
    assert send(w.senco, "GET", "/pupils", 200)["count"] == 3
    send(w.senco, "GET", "/provision/shortfalls", 200)
    assert send(w.senco, "GET", "/restrictive-interventions", 200)["count"] == 1
    send(w.dsl, "GET", "/pupils/{pupil_id}/safeguarding/chronology", 200, pupil_id=w.dan.pk)
    concern = send(
        w.dsl,
        "GET",
        "/safeguarding/concerns/{concern_id}",
        200,
        concern_id=made["/safeguarding/concerns"],
    )
    assert concern["body_map"][0]["note"] == "Cut lip"
    assert send(w.theo, "GET", "/therapy/pupils", 200)["items"][0]["id"] == str(ben)
    programme = send(
        w.theo, "GET", "/therapy/programmes/{programme_id}", 200, programme_id=w.programme.pk
    )
    assert programme["sessions"][0]["ratings"] == [{"target": w.t1.text, "rating": "emerging"}]


def test_every_medication_refusal_has_the_refusal_shape(world, send):
    """403, 409, 422 from the rules and 400/422 from the framework: all carry detail, rule,
    next_allowed_at and errors, as the document says."""
    w = world
    path = "/medication/administrations"
    send(w.alice, "POST", path, 201, body=_dose(w))
    soon = send(w.alice, "POST", path, 409, body=_dose(w, given_at="2026-11-18T09:55:00"))
    assert soon["rule"] == "too_soon"
    assert soon["next_allowed_at"].startswith("2026-11-18T13:50:00")
    assert soon["errors"] == {}
    untrained = send(w.senco, "POST", path, 403, body=_dose(w))
    assert (untrained["rule"], untrained["next_allowed_at"]) == ("no_training", None)
    by_rule = send(w.alice, "POST", path, 422, body=_dose(w, given_at="yesterday"))
    assert by_rule["rule"] == "invalid" and "given_at" in by_rule["errors"]
    for body in ({"reason": 7}, {"reactions": ["x"]}):
        caught = send(w.alice, "POST", path, 422, body=_dose(w, **body))
        assert (caught["rule"], caught["next_allowed_at"]) == ("invalid", None)
        assert set(caught) == {"detail", "rule", "next_allowed_at", "errors"}
        assert set(caught["errors"]) == set(body)
    assert send.raw(w.alice, "POST", path, "{") == (
        400,
        {
            "detail": "The request body is not valid JSON.",
            "errors": {"body": "The request body is not valid JSON."},
            "rule": "invalid",
            "next_allowed_at": None,
        },
    )
    status, body = send.raw(w.alice, "POST", path, "[]")
    assert (status, body["rule"], body["next_allowed_at"]) == (422, "invalid", None)


WRITES = [
    (
        path.removeprefix("/api/v1"),
        method.upper(),
        [p["name"] for p in op.get("parameters", []) if p["in"] == "path"],
    )
    for path, ops in document()["paths"].items()
    for method, op in ops.items()
    # JSON bodies (a multipart upload, POST .../evidence, is refused for its missing file).
    if "application/json" in op.get("requestBody", {}).get("content", {})
]


@pytest.mark.parametrize(("template", "method", "params"), WRITES, ids=[w[0] for w in WRITES])
def test_a_body_that_is_not_json_is_a_documented_400(world, send, template, method, params):
    path = {name: uuid.uuid4() for name in params}
    for data, status in (("{", 400), ("not json", 400), ("[1]", 422), ('"text"', 422)):
        answer, body = send.raw(world.senco, method, template, data, **path)
        assert answer == status, (template, data)
        assert body["errors"]["body"] == body["detail"]


@pytest.mark.parametrize(
    ("template", "field", "value"),
    [
        ("/sessions", "date", "0"),
        ("/sessions", "date", 1763424000),
        ("/sessions", "start_time", 33300),
        ("/behaviour/incidents", "occurred_at", 1763457600),
        ("/behaviour/incidents", "occurred_at", "1763457600"),
        ("/behaviour/incidents", "occurred_at", "2026-11-17"),
        ("/safeguarding/concerns", "occurred_at", 1.5),
    ],
)
def test_a_number_is_not_a_date(world, send, template, field, value):
    """Pydantic reads a number as seconds since 1970 (or since midnight); the document says
    a date is written YYYY-MM-DD, and a date and time YYYY-MM-DDTHH:MM."""
    w = world
    body = {"/sessions": _session, "/behaviour/incidents": _incident, "/safeguarding/concerns":
            _concern}[template](w)  # fmt: skip
    answer = send(w.alice, "POST", template, 422, body={**body, field: value})
    assert answer["errors"][field].startswith(field.replace("_", " ").capitalize() + " must be")


def test_a_number_is_not_a_date_in_the_query(world, send):
    for since in ("0", "-6.6e-71", "1763424000"):
        answer = send(
            world.senco, "GET", "/pupils/{pupil_id}/behaviour", 422, query={"since": since},
            pupil_id=world.ben.pk,
        )  # fmt: skip
        assert answer["errors"] == {
            "since": "Since must be a date written YYYY-MM-DD, e.g. 2026-11-18."
        }
    ok = send(
        world.senco, "GET", "/pupils/{pupil_id}/behaviour", 200, query={"since": "2026-09-01"},
        pupil_id=world.ben.pk,
    )  # fmt: skip
    assert ok["since"] == "2026-09-01"


def test_a_write_about_a_leaver_is_the_documented_409(world, send, as_user):
    """Issue 12 left these endpoints able to answer 409 (the pupil has left, their record
    is read-only) without the document saying so."""
    w = world
    left = {"left_on": "2026-11-17", "reason": "transfer", "next_school": "Riverside Academy"}
    assert as_user(w.senco).post(f"/pupils/{w.ben.pk}/leave/", left).status_code == 302
    message = "Ben Brown left on 17 Nov 2026: their record is kept read-only."
    writes = [
        ("/pupils/{pupil_id}/consents", {"kind": "photos", "given": True,
                                         "given_by_name": "Mrs Brown"}, {"pupil_id": w.ben.pk}),
        ("/reviews", {"plan_id": str(w.plan.pk), "date": "2026-11-25",
                               "kind": "annual"}, {}),
        ("/trips", {"date": "2026-11-25", "start": "09:30", "end": "14:30",
                    "destination": "Science museum", "pupil_ids": [str(w.ben.pk)],
                    "staff_ids": [w.senco.pk, w.alice.pk]}, {}),
    ]  # fmt: skip
    for template, body, path in writes:
        answer = send(w.senco, "POST", template, 409, body=body, **path)
        assert answer["detail"] == message, template
