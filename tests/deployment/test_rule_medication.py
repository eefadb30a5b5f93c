"""A medication-trained adult (training current on the day; a named procedure needs that
kind) is with the pupil at each scheduled dose time."""

import datetime as dt

from sendesk.medication.models import Medicine

from .school import TUE, Small, cells, unmet


def _medicine(pupil, at="11:30", training="medication"):
    return Medicine.objects.create(
        pupil=pupil, name="Methylphenidate", form="tablet", strength="10 mg", dose="1 tablet",
        route="oral", times=[at], storage="Office", expiry_date=dt.date(2027, 3, 31), stock=20,
        training=training,
    )  # fmt: skip


def test_a_trained_adult_is_there_at_each_dose(world):
    s = Small(world)
    s.adult("Ann Able")
    s.adult("Mo Trained", training=["medication"])
    eve = s.pupil("Eve")
    _medicine(eve)
    plan = s.plan()
    doses = cells(plan, kind="support", provision=None)
    assert {(c[0], c[2]) for c in doses} == {("Mo Trained", "Period 3")} and len(doses) == 5
    assert all(a.pupils.get() == eve for a in plan.assignments.filter(kind="support"))
    assert unmet(plan) == []


def test_no_trained_adult_free_is_said_in_those_words(world):
    s = Small(world)
    s.adult("Ann Able")
    s.adult("Mo Trained", training=["medication"], days="1345")
    eve = s.pupil("Eve")
    _medicine(eve)
    plan = s.plan()
    [row] = unmet(plan)
    assert (row["date"], row["rule"]) == (TUE, "medication")
    assert row["reason"] == (
        "no medication-trained adult free on Tuesday period 3 (Methylphenidate at 11:30)"
    )


def test_a_procedure_needs_its_own_training_current_that_day(world):
    s = Small(world)
    s.adult("Mo Trained", training=["medication"])  # not buccal midazolam
    eve = s.pupil("Eve")
    _medicine(eve, at="09:30", training="buccal_midazolam")
    plan = s.plan()
    rows = unmet(plan)
    assert len(rows) == 5 and {r["rule"] for r in rows} == {"buccal_midazolam"}
    assert "buccal midazolam-trained adult" in rows[0]["reason"]
