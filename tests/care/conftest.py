"""Helpers for the care tests: what the quick log form posts, the API client from tests/api,
a moving-and-handling plan for Ben (through the service, as the SENCO would write it) and a
query counter."""

import datetime as dt
import html
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.care import services as care
from sendesk.staff.models import CareGender, Training
from tests.api.conftest import Api, count_queries  # noqa: F401 (a fixture, shared)
from tests.conftest import FROZEN_AT
from tests.world import TODAY


def text(response) -> str:
    """The body as a reader sees it (entities decoded)."""
    return html.unescape(response.content.decode())


def log_form(**changes):
    """What the care log form posts, with `changes` applied (None leaves a field out)."""
    data = {
        "client_id": str(uuid.uuid4()),
        "date": TODAY.isoformat(),
        "time": "09:40",
        "kind": "pad change",
        "second_staff": "",
        "observations": "Skin slightly red on the left side",
        "products_used": "Size 5 pad, barrier cream",
        "note": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def event_body(plan, **changes):
    """What a device posts to /api/v1/care/events."""
    data = {
        "client_id": str(uuid.uuid4()),
        "care_plan_id": str(plan.pk),
        "occurred_at": f"{TODAY.isoformat()}T09:40:00",
        "kind": "pad change",
        "second_staff_id": None,
        "observations": "Skin fine",
        "products_used": "Size 5 pad",
    }
    data.update(changes)
    return data


def page_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def hoisting(world):
    """Ben's moving-and-handling plan, written by Sam: two staff, the hoist, a medium
    sling, female staff only. Alice and Hana are trained for moving and handling; Tess is
    not. Sam has recorded Alice and Hana as female (staff.CareGender), as a school using
    the rule would."""
    for person in (world.alice, world.hana):
        CareGender.objects.create(
            school=world.school, user=person, gender="female", set_by=world.senco,
            set_at=FROZEN_AT,
        )  # fmt: skip
        Training.objects.create(
            user=person,
            kind="moving_handling",
            course="Moving and handling people",
            completed_on=dt.date(2026, 9, 2),
            expires_on=dt.date(2027, 9, 1),
        )
    return care.care_plan_create(
        actor=world.senco,
        pupil=world.ben,
        data={
            "kind": "moving_handling",
            "title": "Hoisting to the changing bed",
            "routine": "Two staff, explain each step, count down before lifting.",
            "transfers": "Wheelchair to changing bed with the ceiling hoist.",
            "sling_size": "Medium",
            "staff_required": 2,
            "gender_preference": "female",
            "review_date": dt.date(2027, 3, 1),
            "consent_by": "Mrs Brown",
            "consent_on": dt.date(2026, 9, 2),
        },
        equipment_ids=[world.hoist.pk],
    )
