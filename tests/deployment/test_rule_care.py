"""Intimate care gets the care plan's number of trained staff of its preferred sex; moving
and handling and positive handling need their training."""

import datetime as dt

from sendesk.care.models import CarePlan
from sendesk.staff.models import Training

from .school import FRI, THU, TUE, Small, cells, unmet


def _care_plan(pupil, kind="toileting", staff=2, gender="female", training="intimate_care"):
    return CarePlan.objects.create(
        pupil=pupil, kind=kind, title="Care", routine="As agreed", staff_required=staff,
        gender_preference=gender, training=training, review_date=dt.date(2027, 6, 1),
    )  # fmt: skip


def test_intimate_care_gets_two_trained_women(world):
    s = Small(world)
    s.adult("Ann Able", training=["intimate_care"], gender="female")
    s.adult("Bea Bright", training=["intimate_care"], gender="female")
    s.adult("Cal Clever", training=["intimate_care"], gender="male")
    s.adult("Dee Untrained", gender="female")
    eve = s.pupil("Eve")
    _care_plan(eve)
    prov = s.provision(eve, "Toileting", sessions=5, minutes=15, kind="care")
    plan = s.plan()
    got = cells(plan, provision=prov)
    assert {c[0] for c in got} == {"Ann Able", "Bea Bright"}
    assert len(got) == 10  # two adults, once a day
    assert unmet(plan) == []


def test_one_trained_woman_is_not_enough(world):
    s = Small(world)
    s.adult("Ann Able", training=["intimate_care"], gender="female")
    bea = s.adult("Bea Bright", training=["intimate_care"], gender="female")
    s.adult("Cal Clever", training=["intimate_care"], gender="male")
    s.absent(bea, TUE)
    eve = s.pupil("Eve")
    _care_plan(eve)
    prov = s.provision(eve, "Toileting", sessions=5, minutes=15, kind="care")
    plan = s.plan()
    assert TUE not in {c[1] for c in cells(plan, provision=prov)}
    [row] = unmet(plan)
    assert (row["date"], row["rule"]) == (TUE, "gender")
    assert "female" in row["reason"] and "1 of the 2 needed" in row["reason"]


def test_moving_and_handling_needs_its_training(world):
    s = Small(world)
    s.adult("Ann Able", training=["moving_handling"], days="123")
    s.adult("Bea Bright")
    eve = s.pupil("Eve")
    _care_plan(eve, kind="moving_handling", staff=1, gender="any", training="moving_handling")
    prov = s.provision(eve, "Eve's 1:1", hours=5)
    plan = s.plan()
    assert {c[0] for c in cells(plan, provision=prov)} == {"Ann Able"}
    rows = unmet(plan)
    assert [r["rule"] for r in rows] == ["moving_handling", "moving_handling"]
    assert rows[0]["date"] == THU
    assert rows[0]["reason"].startswith("no moving-and-handling-trained adult free on Thursday")


def test_positive_handling_needs_current_training(world):
    s = Small(world)
    s.adult("Ann Able", training=["positive_handling"], days="123")
    bea = s.adult("Bea Lapsed")
    Training.objects.create(
        user=bea, kind="positive_handling", completed_on=dt.date(2023, 1, 5),
        expires_on=dt.date(2026, 1, 5),
    )  # fmt: skip
    eve = s.pupil("Eve")
    prov = s.provision(eve, "Eve's 1:1", hours=5, training="positive_handling")
    plan = s.plan()
    assert {c[0] for c in cells(plan, provision=prov)} == {"Ann Able"}
    # Bea is free on Thursday and Friday, but her training has expired: never given to her.
    assert not plan.assignments.filter(staff=bea, provision=prov).exists()
    rows = unmet(plan)
    assert [(r["date"], r["rule"]) for r in rows] == [
        (THU, "positive_handling"), (FRI, "positive_handling")
    ]  # fmt: skip
    assert rows[0]["reason"] == ("no positive-handling-trained adult free on Thursday (Eve's 1:1)")
