"""The API document tells the truth: schemathesis makes requests from the document
/api/v1/openapi.json serves and sends them in-process to the WSGI app, as a real user with a
token and as nobody at all. Any server error, or any answer the document does not describe
(status code, content type, body shape, headers), fails the run; so does a request the
document calls wrong that the API accepts.

Bounded and repeatable: a fixed seed, derandomized, at most EXAMPLES fuzzed cases per
operation and caller (plus schemathesis' coverage cases), no deadline. The whole run is
about 4,000 requests and about 30 s of CPU. Writes happen inside the test's transaction."""

import hashlib
import uuid

import pytest
from hypothesis import HealthCheck, settings

from sendesk.plans.models import Target
from sendesk.provision.models import Provision

from .openapi_check import CHECKS, EXAMPLES, schema

# No deadline (a slow answer on a shared machine is not a wrong one), no example database
# (nothing carried from one run to the next), derandomized, no health check that depends
# on timing or on how the generator happens to draw.
RUN = settings(
    deadline=None,
    derandomize=True,
    database=None,
    max_examples=EXAMPLES,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def real_ids(world):
    """Ids of records that exist, by the name of the field or parameter that takes them.
    Generated ids almost never exist, so two in three are swapped for one of these: the run
    reaches the answers about real records as well as the 404s."""
    w = world
    return {
        "pupil_id": [str(p.pk) for p in (w.ben, w.cara, w.dan, w.olly)],
        # In a fixed order (not by id, which is random), so a case always picks the same one.
        "provision_id": [str(p.pk) for p in Provision.objects.order_by("title")],
        "target_id": [str(t.pk) for t in Target.objects.order_by("order", "text")],
        "medicine_id": [str(w.inhaler.pk), str(w.lunch_med.pk)],
        "care_plan_id": [str(w.toileting.pk)],
        "programme_id": [str(w.programme.pk)],
        "strategy_id": [w.calm_corner.pk, w.first_then.pk],
        "school_id": [w.school.pk, w.other.pk],
        "user_id": [w.alice.pk, w.bob.pk, w.hana.pk],
        "witness_id": [w.senco.pk, w.alice.pk],
        "second_staff_id": [w.bob.pk, w.hana.pk],
    }


def _pick(value, choices):
    """A real id in place of `value` for two generated values in three, chosen by the value
    itself, so that the same case always makes the same request."""
    digest = int(hashlib.sha256(repr(value).encode()).hexdigest(), 16)
    if digest % 3 == 0:
        return value
    return choices[digest // 3 % len(choices)]


def _is_like(value, example) -> bool:
    """`value` is what the API would take in the place of `example` (an id of that kind);
    anything else was generated to be wrong and is left as it is."""
    if isinstance(example, int):
        return isinstance(value, int) and not isinstance(value, bool)
    try:
        uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        return False
    return True


def _swap(data, ids):
    if isinstance(data, list):
        return [_swap(item, ids) for item in data]
    if not isinstance(data, dict):
        return data
    out = {}
    for key, value in data.items():
        choices = ids.get(key)
        if choices and _is_like(value, choices[0]):
            out[key] = _pick(value, choices)
        else:
            out[key] = _swap(value, ids)
    return out


def aim(case, ids):
    """Point the case's ids at real records, some of the time."""
    if case.path_parameters:
        case.path_parameters = _swap(dict(case.path_parameters), ids)
    if isinstance(case.query, dict) and case.query:
        case.query = _swap(dict(case.query), ids)
    if isinstance(case.body, dict | list):
        case.body = _swap(case.body, ids)


def caller(world, case):
    """Who sees the most of what the operation answers: the DSL for safeguarding, the
    therapist for their own tools, the head for imports, the SENCO for everything else."""
    tags = set(case.operation.tags or ())
    if "safeguarding" in tags:
        return world.dsl
    if "therapy" in tags:
        return world.theo
    if "imports" in tags:
        return world.head  # the head imports the roll; for anyone else it is 404
    return world.senco


@RUN
@schema.parametrize()
def test_as_a_named_person(case, world, api, real_ids, wsgi_app):
    aim(case, real_ids)
    token = api.token(caller(world, case))
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, checks=CHECKS, app=wsgi_app
    )


@RUN
@schema.parametrize()
def test_without_a_token(case, db, wsgi_app):
    response = case.call_and_validate(checks=CHECKS, app=wsgi_app)
    # The coverage phase also sends methods the path does not take (405, not an operation).
    if case.method.upper() == case.operation.method.upper():
        if case.operation.definition.raw.get("security"):
            assert response.status_code == 401, case.operation.label
