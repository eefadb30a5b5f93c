"""The shortfall explained in full: missed minutes by reason + minutes delivered short +
minutes not recorded == the term's shortfall, for every provision, whatever was recorded."""

import datetime as dt
import random
import uuid

import pytest

from sendesk.provision.models import Provision
from sendesk.provision.selectors import explain, reconcile, shortfalls
from sendesk.provision.services import PupilRecord, session_record
from sendesk.pupils.models import Deployment
from sendesk.schools.models import Closure
from tests.world import AUTUMN_START, TODAY

MONDAY, TUESDAY = TODAY - dt.timedelta(days=2), TODAY - dt.timedelta(days=1)
REASONS = ["staff_absent", "pupil_absent", "trip", "timetable_clash"]


def record(w, provision, day, minutes, *, pupils=(), reason=""):
    """pupils: (pupil, attendance, partial minutes, own provision) for a delivered
    session; none and a reason for a missed one."""
    session_record(
        actor=w.senco, client_id=uuid.uuid4(), provision_id=provision.pk, date=day,
        minutes=minutes, delivered=not reason, missed_reason=reason,
        pupils=[PupilRecord(pupil_id=p.pk, attendance=a, minutes=m,
                            provision_id=own.pk if own else None) for p, a, m, own in pupils],
    )  # fmt: skip


def explained_school(school, day=TODAY):
    provisions = Provision.objects.filter(pupil__school=school).select_related("pupil")
    return explain(reconcile(provisions, day), weeks=True)


def assert_adds_up(figures):
    assert figures
    for f in figures:
        e = f.explained
        assert sum(e.missed.values()) + e.short + e.not_recorded == f.shortfall_term, f
        assert e.short >= 0 and e.not_recorded >= 0 and all(m > 0 for m in e.missed.values())
        assert sum(w.promised for w in f.weeks) == f.promised_term
        assert sum(w.delivered for w in f.weeks) == f.delivered_term


def test_nothing_recorded_is_all_not_recorded(world):
    talk = {f.provision.title: f for f in explained_school(world.school)}["Talk Boost"]
    assert talk.shortfall_term == 1500
    assert (talk.explained.missed, talk.explained.short, talk.explained.not_recorded) == (
        {},
        0,
        1500,
    )


def test_each_kind_of_gap_is_named_and_extra_minutes_are_credit(world):
    w = world
    ben = w.ben
    record(w, w.talk, TODAY, 30, pupils=[(ben, "present", None, None)])
    record(w, w.talk, TUESDAY, 30, reason="staff_absent")
    record(w, w.talk, MONDAY, 30, pupils=[(ben, "partial", 10, None)])
    record(w, w.talk, dt.date(2026, 11, 13), 30, pupils=[(ben, "refused", None, None)])
    record(w, w.talk, dt.date(2026, 11, 12), 45, pupils=[(ben, "present", None, None)])
    record(w, w.talk, dt.date(2026, 11, 14), 30, pupils=[(ben, "present", None, None)])  # Sat
    talk = {f.provision.title: f for f in explained_school(w.school)}["Talk Boost"]
    assert (talk.promised_term, talk.delivered_term, talk.shortfall_term) == (1500, 115, 1385)
    # Missed 30; short 20 (part) + 30 (refused) less 45 credit (15 over on Thursday, 30
    # on a Saturday); 45 of the 50 owed days have no record.
    e = talk.explained
    assert (e.missed, e.short, e.not_recorded) == ({"staff_absent": 30}, 5, 1350)
    assert talk.missed_explained == [("Staff absent", 30, 1)]
    this_week = talk.weeks[-1]
    assert (this_week.monday, this_week.promised, this_week.delivered) == (MONDAY, 90, 40)
    assert [wk.monday for wk in talk.weeks] == sorted({wk.monday for wk in talk.weeks})


def test_over_delivery_that_covers_the_gap_leaves_nothing_to_explain(world):
    w = world
    Provision.objects.filter(pk=w.precision.pk).update(start=MONDAY)
    record(w, w.precision, MONDAY, 20, reason="trip")
    record(w, w.precision, TODAY, 40, pupils=[(w.ben, "present", None, None)])
    f = {f.provision.title: f for f in explained_school(w.school)}["Precision teaching"]
    assert (f.promised_term, f.delivered_term, f.shortfall_term) == (40, 40, 0)
    assert (f.explained.missed, f.explained.short, f.explained.not_recorded) == ({}, 0, 0)
    record(w, w.precision, TUESDAY, 30, pupils=[(w.ben, "present", None, None)])  # off pattern
    f = {f.provision.title: f for f in explained_school(w.school)}["Precision teaching"]
    assert f.shortfall_term == 0 and f.explained.total == 0


def test_credit_is_used_on_not_recorded_then_the_largest_missed_reason(world):
    w = world
    # 50 minutes on the Saturday before the provision (as it now reads) started.
    record(w, w.talk, dt.date(2026, 11, 14), 50, pupils=[(w.ben, "present", None, None)])
    Provision.objects.filter(pk=w.talk.pk).update(start=MONDAY)
    record(w, w.talk, MONDAY, 30, reason="trip")
    record(w, w.talk, TUESDAY, 30, reason="staff_absent")
    record(w, w.talk, TUESDAY, 20, reason="trip")
    talk = {f.provision.title: f for f in explained_school(w.school)}["Talk Boost"]
    # Owed 90; Monday trip 30, Tuesday's 30 split 18 staff / 12 trip by the sessions'
    # lengths, today not recorded 30; 50 extra minutes on Saturday cover today's 30 first,
    # then 20 of the biggest reason (trip, 42).
    assert talk.shortfall_term == 40
    assert (talk.explained.missed, talk.explained.short, talk.explained.not_recorded) == (
        {"trip": 22, "staff_absent": 18},
        0,
        0,
    )


def test_group_session_each_pupil_counts_to_their_own_provision(world):
    w = world
    group = Provision.objects.create(
        pupil=w.cara, title="Social group", kind="group", source="sen_support",
        sessions_per_week=2, session_minutes=45, weekly_minutes=90, days="24",
        group_size=3, start=dt.date(2026, 11, 2),
    )  # fmt: skip
    dan_own = Provision.objects.create(
        pupil=w.dan, title="Dan's social group", kind="group", source="sen_support",
        weekly_minutes=100, days="124", start=dt.date(2026, 11, 9),
    )  # fmt: skip
    pupils = [(w.cara, "present", None, None), (w.dan, "absent", None, dan_own)]
    record(w, group, TUESDAY, 45, pupils=pupils)
    pupils = [(w.cara, "partial", 30, None), (w.dan, "present", None, dan_own)]
    record(w, group, dt.date(2026, 11, 12), 45, pupils=pupils)
    f = {f.provision.title: f for f in explained_school(w.school)}
    cara, dan = f["Social group"], f["Dan's social group"]
    assert (cara.promised_term, cara.delivered_term) == (5 * 45, 75)
    assert (cara.explained.short, cara.explained.not_recorded) == (15, 135)
    # Dan: 100 min a week over three days, owed 33, 34, 33, 33, 34 on his five days so
    # far (rounded as they add up); absent from Tuesday's group (34), 45 min on a
    # Thursday owed 33 (12 credit, set against the 100 not recorded).
    assert (dan.promised_term, dan.delivered_term) == (167, 45)
    assert dan.explained.missed == {"pupil_absent": 34}
    assert dan.missed_explained == [("Pupil absent", 34, None)]  # no missed session to count
    assert (dan.explained.short, dan.explained.not_recorded) == (0, 88)
    assert_adds_up(f.values())


def test_closures_and_a_provision_ending_are_not_owed(world):
    w = world
    Closure.objects.create(school=w.school, kind="training", name="INSET", start=MONDAY, end=MONDAY)
    record(w, w.talk, MONDAY, 30, pupils=[(w.ben, "present", None, None)])  # closed: credit
    Provision.objects.filter(pk=w.precision.pk).update(end=dt.date(2026, 11, 6))
    f = {f.provision.title: f for f in explained_school(w.school)}
    assert f["Talk Boost"].explained.not_recorded == f["Talk Boost"].promised_term - 30
    assert f["Precision teaching"].explained.not_recorded == f["Precision teaching"].promised_term
    assert_adds_up(f.values())


@pytest.mark.parametrize("seed", range(6))
def test_parts_add_up_for_any_mix_of_records(world, seed):
    """Property: random records (present, part, refused, absent, missed for any reason,
    longer or shorter than owed, on and off the pattern, weekends, group sessions, a
    provision starting mid-term with uneven daily minutes, a training day) always
    reconcile exactly, and the shortfall list shows the same figures."""
    w = world
    rng = random.Random(seed)
    odd = Provision.objects.create(
        pupil=w.ben, title="Odd minutes", kind="therapy", source="ehcp_f",
        weekly_minutes=rng.choice([50, 70, 100, 125]), days=rng.choice(["135", "24", "12345"]),
        start=AUTUMN_START + dt.timedelta(days=rng.randrange(60)),
    )  # fmt: skip
    cara_own = Provision.objects.create(
        pupil=w.cara, title="Cara's group", kind="group", source="sen_support",
        sessions_per_week=2, session_minutes=40, weekly_minutes=80, days="25",
        start=AUTUMN_START,
    )  # fmt: skip
    Closure.objects.create(
        school=w.school, kind="training", name="INSET", start=dt.date(2026, 11, 2),
        end=dt.date(2026, 11, 2),
    )  # fmt: skip
    day = AUTUMN_START
    while day <= TODAY:
        for provision in (w.talk, w.precision, odd):
            if day < Provision.objects.get(pk=provision.pk).start or rng.random() < 0.35:
                continue
            minutes = rng.choice([10, 20, 20, 30, 45])
            if rng.random() < 0.25:
                record(w, provision, day, minutes, reason=rng.choice(REASONS))
                continue
            attendance = rng.choice(["present", "present", "partial", "refused", "absent"])
            part = rng.randrange(minutes + 1) if attendance == "partial" else None
            pupils = [(w.ben, attendance, part, None)]
            if rng.random() < 0.3:
                pupils.append((w.cara, rng.choice(["present", "absent"]), None, cara_own))
            record(w, provision, day, minutes, pupils=pupils)
        day += dt.timedelta(days=1)
    figures = explained_school(w.school)
    assert_adds_up(figures)
    assert any(f.explained.missed for f in figures) and any(f.explained.short for f in figures)
    listed = explain(shortfalls(w.school.pk, TODAY, sort="percent"))
    by_id = {f.provision.pk: f for f in figures}
    for f in listed:
        assert f.explained == by_id[f.provision.pk].explained


def test_explaining_costs_one_query_however_many_rows(world, django_assert_num_queries):
    w = world
    figures = reconcile(Provision.objects.select_related("pupil"), TODAY)
    with django_assert_num_queries(1):
        explain(figures, weeks=True)
    for day in (MONDAY, TUESDAY, TODAY):
        record(w, w.talk, day, 30, pupils=[(w.ben, "present", None, None)])
        record(w, w.precision, day, 20, reason="trip")
    figures = reconcile(Provision.objects.select_related("pupil"), TODAY)
    with django_assert_num_queries(1):
        explain(figures, weeks=True)
    with django_assert_num_queries(0):
        explain([])


def test_sort_by_percent_delivered(world):
    w = world
    for day in (MONDAY, TUESDAY, TODAY):
        record(w, w.talk, day, 30, pupils=[(w.ben, "present", None, None)])
    by_minutes = [f.provision.title for f in shortfalls(w.school.pk, TODAY)]
    by_percent = [f.provision.title for f in shortfalls(w.school.pk, TODAY, sort="percent")]
    # Talk Boost: 1410 short, 6 % delivered; Precision teaching: 600 short, 0 %.
    assert by_minutes == ["Talk Boost", "Precision teaching"]
    assert by_percent == ["Precision teaching", "Talk Boost"]


def test_generated_school_adds_up_for_every_provision(db, now):
    from sendesk.demo.generator import generate

    school = generate(seed=4, pupils=60, weeks_of_history=None, today=TODAY).schools[0].school
    figures = explained_school(school)
    assert_adds_up(figures)
    short = [f for f in figures if f.shortfall_term]
    assert short and any(f.explained.not_recorded for f in short)
    assert any(f.explained.short for f in short) and any(f.explained.missed for f in short)


def _end_ben_one_to_one(w, last_day):
    """Alice, Ben's 1:1, leaves after `last_day`: nobody is deployed 1:1 to him since."""
    updated = Deployment.objects.filter(pupil=w.ben, kind="one_to_one").update(end=last_day)
    assert updated == 1


def _one_to_one_hours(w, start):
    """A promise of 1:1 hours: 10 h a week, 2 h a day."""
    return Provision.objects.create(
        pupil=w.ben, title="In-class 1:1 support", kind="one_to_one", source="ehcp_f",
        weekly_minutes=600, days="12345", start=start,
    )  # fmt: skip


def test_days_with_no_adult_deployed_one_to_one_are_named(world):
    w = world
    support = _one_to_one_hours(w, dt.date(2026, 11, 9))
    # Someone covered Tuesday: a recorded day is not a staffing gap.
    record(w, support, TUESDAY, 120, pupils=[(w.ben, "present", None, None)])
    _end_ben_one_to_one(w, dt.date(2026, 11, 10))
    Provision.objects.create(
        pupil=w.cara, title="Cara's group", kind="group", source="sen_support",
        weekly_minutes=60, days="24", start=AUTUMN_START,
    )  # fmt: skip
    short = explain(shortfalls(w.school.pk, TODAY), weeks=True, staffing=True)
    listed = {f.provision.title: f for f in short}
    # Owed 9-13 and 16-18 November; Tuesday recorded; nobody deployed from the 11th:
    # 11, 12, 13, 16 and 18 November.
    support = listed["In-class 1:1 support"]
    assert (support.explained.not_recorded, support.explained.no_adult) == (7 * 120, 5 * 120)
    # Short 1:1 interventions and groups are given by whoever is in class, not by an
    # adult deployed to the pupil: no deployment says nothing about them.
    for title in ("Talk Boost", "Precision teaching", "Cara's group"):
        assert listed[title].explained.not_recorded and listed[title].explained.no_adult == 0
    assert_adds_up(listed.values())  # no_adult is a part of not_recorded, not added
    # Without staffing=True (the pupil page) nothing is said and nothing more is asked.
    plain = explain(shortfalls(w.school.pk, TODAY))
    assert all(f.explained.no_adult == 0 for f in plain)


def test_credit_leaves_no_adult_within_not_recorded(world):
    w = world
    support = _one_to_one_hours(w, dt.date(2026, 11, 9))
    # 30 minutes on the Saturday before the provision (as it now reads) started: credit
    # against the 360 owed since Monday, all on days with nobody deployed.
    record(w, support, dt.date(2026, 11, 14), 30, pupils=[(w.ben, "present", None, None)])
    Provision.objects.filter(pk=support.pk).update(start=MONDAY)
    Deployment.objects.filter(pupil=w.ben).delete()
    f = next(
        f
        for f in explain(shortfalls(w.school.pk, TODAY), staffing=True)
        if f.provision.pk == support.pk
    )
    assert (f.shortfall_term, f.explained.not_recorded, f.explained.no_adult) == (330, 330, 330)
