"""The demo school's provision map (issue 10): Oakfield's notional SEN budget, a cost per
hour on every provision a school would cost, and the map read against the budget as the
demo's SENCO sees it."""

import html
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from sendesk.demo.oakfield import demo_school
from sendesk.provision import costing
from sendesk.provision.models import Provision

DOMAIN = "oakfield.example"


@pytest.fixture
def seeded(db, now, _shared):
    return _shared.get("seeded")


def test_oakfield_has_a_budget_and_every_provision_a_cost(seeded, as_user):
    school = demo_school()
    assert school.notional_sen_budget == Decimal("120000.00")
    uncosted = Provision.objects.filter(pupil__school=school, cost_per_hour__isnull=True)
    assert not uncosted.exclude(kind=Provision.Kind.EQUIPMENT).exists()
    senco = get_user_model().objects.get(email=f"senco@{DOMAIN}")
    the_map = costing.provision_map(senco, school.pk, timezone.localdate())
    # The year's provision commits a plausible share of the budget: not nothing, not over.
    assert 40 <= the_map.budget.percent <= 90
    assert {s.label for s in the_map.by_source} == {"EHC plan section F", "SEN support plan"}
    body = html.unescape(as_user(senco).get("/provision-map/").content.decode())
    assert re.search(r"spent or committed of the £120,000\.00 budget \(\d+%\)", body)
    assert "Reading intervention group" in body and "remains." in body
