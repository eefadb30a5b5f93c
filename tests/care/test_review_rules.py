import datetime as dt
import uuid

import pytest
from django.utils import timezone

from sendesk.care import services as care
from sendesk.care.models import CareEvent, CarePlan
from sendesk.lib.errors import ServiceError
from sendesk.staff.models import Training


@pytest.fixture
def hoisting(world):
    plan = CarePlan.objects.create(
        pupil=world.ben, kind="moving_handling", title="Hoist transfers", routine="Ceiling hoist",
        transfers="Chair to changing bed", staff_required=2, training="moving_handling",
        review_date=dt.date(2027, 1, 15), consent_by="Mrs Brown", consent_on=dt.date(2026, 9, 2),
    )  # fmt: skip
    plan.equipment.set([world.hoist])
    for person in (world.alice, world.hana):
        Training.objects.create(
            user=person, kind="moving_handling",
            completed_on=dt.date(2026, 1, 1), expires_on=dt.date(2027, 1, 1),
        )  # fmt: skip
    return plan


def log(world, plan, when):
    return care.care_event_record(
        actor=world.alice, client_id=uuid.uuid4(), care_plan_id=plan.pk, occurred_at=when,
        kind="hoist transfer", second_staff_id=world.hana.pk,
    )  # fmt: skip


def test_a_hoist_past_its_inspection_date_is_not_used(world, hoisting, now):
    # The hoist is due on 20 November: on the 18th it may be used, on the 21st not.
    event, _ = log(world, hoisting, timezone.now())
    assert event.pk
    now.move_to(dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC))
    with pytest.raises(ServiceError) as err:
        log(world, hoisting, timezone.now())
    assert err.value.status == 409 and "due for inspection" in str(err.value.errors)
    assert CareEvent.objects.count() == 1


def test_equipment_out_of_service_is_not_used(world, hoisting):
    world.hoist.in_service = False
    world.hoist.save()
    with pytest.raises(ServiceError) as err:
        log(world, hoisting, timezone.now())
    assert "out of service" in str(err.value.errors)
    assert not CareEvent.objects.exists()
