"""A pupil's key adult is preferred, and no pupil sees more adults a week than the
school's limit."""

import pytest

from sendesk.deployment import services
from sendesk.deployment.models import PlannerSettings
from sendesk.lib.errors import ServiceError
from sendesk.pupils.models import Deployment

from .school import WEEK, Small, cells, unmet


def test_the_key_adult_is_preferred(world):
    for key in ("Ann Able", "Bea Bright"):
        s = Small(world)
        adults = {name: s.adult(name) for name in ("Ann Able", "Bea Bright")}
        eve = s.pupil("Eve")
        Deployment.objects.create(
            school=s.school, staff=adults[key], kind="key_adult", pupil=eve, start=WEEK
        )
        prov = s.provision(eve, "Eve's 1:1", hours=5)
        plan = s.plan()
        assert {c[0] for c in cells(plan, provision=prov)} == {key}


def test_the_1_1_adult_the_school_deployed_is_preferred_and_a_plans_own_rows_are_not(world):
    for key in ("Ann Able", "Bea Bright"):
        s = Small(world)
        adults = {name: s.adult(name) for name in ("Ann Able", "Bea Bright")}
        other = "Bea Bright" if key == "Ann Able" else "Ann Able"
        eve = s.pupil("Eve")
        Deployment.objects.create(
            school=s.school, staff=adults[key], kind="one_to_one", pupil=eve, start=WEEK
        )
        # A day-by-day row an earlier plan wrote does not make the other adult hers.
        Deployment.objects.create(
            school=s.school, staff=adults[other], kind="one_to_one", pupil=eve, start=WEEK,
            end=WEEK, made_by_plan=1,
        )  # fmt: skip
        prov = s.provision(eve, "Eve's 1:1", hours=5)
        plan = s.plan()
        assert {c[0] for c in cells(plan, provision=prov)} == {key}


def test_a_pupil_sees_no_more_adults_than_the_limit(world):
    s = Small(world)
    services.set_max_adults(actor=s.senco, school_id=s.school.pk, value=2)
    assert PlannerSettings.objects.get(school=s.school).max_adults_per_pupil == 2
    for i, day in enumerate("12345"):
        s.adult(f"Adult {i + 1}", days=day)
    eve = s.pupil("Eve")
    prov = s.provision(eve, "Eve's 1:1", hours=5)
    plan = s.plan()
    got = cells(plan, provision=prov)
    assert len({c[0] for c in got}) == 2 and len(got) == 2
    rows = unmet(plan)
    assert len(rows) == 3 and {r["rule"] for r in rows} == {"adult_limit"}
    assert "already sees 2 adults this week, the school's limit" in rows[0]["reason"]


def test_the_limit_is_a_whole_number_from_1_to_10(world):
    s = Small(world)
    for bad in (0, 11, "4", 2.5, True):
        with pytest.raises(ServiceError) as e:
            services.set_max_adults(actor=s.head, school_id=s.school.pk, value=bad)
        assert e.value.errors == {"max_adults_per_pupil": "Give a whole number from 1 to 10."}
    assert not PlannerSettings.objects.filter(school=s.school).exists()
