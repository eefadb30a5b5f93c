"""A save over HTTP checks the pupil's scope once: the page fetches the record through the
access layer and the service trusts that object (access.checked_for); an object fetched
any other way is checked again by the service."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from sendesk.care import services as care
from sendesk.care.models import CareEvent, CarePlan
from sendesk.medication import services as med
from sendesk.medication.models import Administration, Medicine
from tests.conftest import FROZEN_AT

from .conftest import log_form


def scope_checks(ctx) -> int:
    """Queries that ask whether the actor is deployed to the pupil: the scope check."""
    return sum("pupils_deployment" in q["sql"] for q in ctx.captured_queries)


def test_a_care_log_checks_the_scope_once(world, as_user):
    client = as_user(world.alice)
    with CaptureQueriesContext(connection) as ctx:
        r = client.post(
            f"/care/plans/{world.toileting.pk}/log/", log_form(second_staff=str(world.tess.pk))
        )
    assert r.status_code == 302
    assert CareEvent.objects.count() == 1
    assert scope_checks(ctx) == 1


def test_a_dose_checks_the_scope_once(world, as_user):
    client = as_user(world.alice)
    data = {"client_id": str(uuid.uuid4()), "outcome": "given", "dose": "2 puffs",
            "date": "2026-11-18", "time": "09:55"}  # fmt: skip
    with CaptureQueriesContext(connection) as ctx:
        r = client.post(f"/medication/{world.inhaler.pk}/give/", data)
    assert r.status_code == 302
    assert Administration.objects.count() == 1
    assert scope_checks(ctx) == 1


def test_an_object_not_from_the_access_layer_is_checked_again(world, now):
    """Bob works at Ben's school and may give care there (the capability check passes),
    but is not deployed to Ben: only the scope check keeps him out, so a service that
    trusted an object it was handed would let him write."""
    plan = CarePlan.objects.select_related("pupil", "pupil__school").get(pk=world.toileting.pk)
    with pytest.raises(Http404):
        care.care_event_record(
            actor=world.bob, care_plan_id=plan.pk, care_plan=plan,
            occurred_at=FROZEN_AT - dt.timedelta(minutes=5), kind="pad change",
        )  # fmt: skip
    medicine = Medicine.objects.select_related("pupil").get(pk=world.inhaler.pk)
    with pytest.raises(Http404):
        med.administration_record(
            actor=world.bob, client_id=None, medicine=medicine, given_at=FROZEN_AT,
            outcome="given", dose="2 puffs",
        )  # fmt: skip
    with pytest.raises(Http404):
        med.emergency_record(
            actor=world.bob, client_id=None, medicine=medicine, given_at=FROZEN_AT,
            units=2, what_happened="Wheeze", called_999=False, parent_called=True,
        )  # fmt: skip
    assert not CareEvent.objects.exists() and not Administration.objects.exists()
