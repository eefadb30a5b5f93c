"""The planner's API as the SENCO and the head; 404 for everyone else. The world's school
gets a school day and contracts for Alice, Bob and Hana; Ben's two EHC plan session
provisions and his 12:00 controlled medicine are what is planned."""

import datetime as dt

import pytest

from sendesk.deployment.models import Plan
from sendesk.pupils.models import Deployment
from sendesk.schools.models import Period
from sendesk.staff.models import StaffMember, WorkingDay

from .school import DAY, TUE, WEEK


@pytest.fixture
def day_set(world):
    for weekday in range(1, 6):
        for name, kind, start, end in DAY:
            Period.objects.create(
                school=world.school, weekday=weekday, name=name, kind=kind, start=start, end=end
            )
    for user in (world.alice, world.bob, world.hana):
        member = StaffMember.objects.create(
            school=world.school, user=user, post="hlta" if user == world.hana else "ta",
            job_title="TA", hours_per_week=30, started_on=dt.date(2025, 9, 1),
        )  # fmt: skip
        for weekday in range(1, 6):
            WorkingDay.objects.create(
                member=member, weekday=weekday, start=dt.time(8, 30), end=dt.time(15, 0)
            )
    return world


def test_senco_plans_reads_and_publishes_a_week(day_set, api):
    w = day_set
    r = api.post(w.senco, "/deployment/plans", {"week_start": WEEK.isoformat()})
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) >= {"id", "optimal", "solve_seconds", "unmet"}
    assert body["optimal"] is True
    assert body["unmet"] == []
    detail = api.get(w.senco, f"/deployment/plans/{body['id']}").json()
    talk = [a for a in detail["assignments"] if a["provision_id"] == str(w.talk.pk)]
    assert len(talk) == 5  # 5 × 30 min, one a day
    assert all(a["pupil_ids"] == [str(w.ben.pk)] for a in talk)
    assert {a["end"] for a in talk} <= {"09:30:00", "10:50:00", "11:50:00", "13:40:00"}
    # The 12:00 dose is with Alice, the only medication-trained adult.
    dose = [a for a in detail["assignments"] if a["kind"] == "support" and not a["provision_id"]]
    assert [(a["staff_id"], a["start"]) for a in dose][:1] == [(w.alice.pk, "11:20:00")]
    r = api.post(w.head, f"/deployment/plans/{body['id']}/publish", {})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "published"
    made = Deployment.objects.filter(made_by_plan=body["id"])
    assert made.filter(pupil=w.ben, start=TUE, end=TUE).exists()
    # Hand-made deployments stay.
    assert Deployment.objects.filter(staff=w.alice, made_by_plan__isnull=True).exists()
    # Publishing twice is refused in words.
    r = api.post(w.head, f"/deployment/plans/{body['id']}/publish", {})
    assert r.status_code == 422
    assert "only a draft" in r.json()["errors"]["__all__"]


def test_cover_replans_the_day_and_says_who_covers(day_set, api):
    w = day_set
    plan_id = api.post(w.senco, "/deployment/plans", {"week_start": WEEK.isoformat()}).json()["id"]
    api.post(w.senco, f"/deployment/plans/{plan_id}/publish", {})
    on_tue = Plan.objects.get(pk=plan_id).assignments.filter(date=TUE, provision=w.talk).get()
    r = api.post(
        w.senco, "/deployment/cover",
        {"date": TUE.isoformat(), "absent_staff_ids": [on_tue.staff_id]},
    )  # fmt: skip
    assert r.status_code == 200, r.content
    body = r.json()
    texts = [c["text"] for c in body["changes"]]
    assert any("covers Ben Brown's" in t and "instead of" in t for t in texts), texts
    replan = Plan.objects.get(pk=body["plan_id"])
    assert replan.day == TUE and replan.status == "draft"
    assert not replan.assignments.filter(date=TUE, staff_id=on_tue.staff_id).exclude(
        kind="break").exists()  # fmt: skip
    # The other days are kept as they were.
    old = Plan.objects.get(pk=plan_id).assignments.exclude(date=TUE).count()
    assert replan.assignments.exclude(date=TUE).count() == old


@pytest.mark.parametrize("who", ["alice", "hana", "tess", "dsl", "olga", "pat"])
def test_others_get_404(day_set, api, who):
    w = day_set
    person = getattr(w, who)
    mine = {"week_start": WEEK.isoformat(), "school_id": w.school.pk}
    assert api.post(person, "/deployment/plans", mine).status_code == 404
    plan_id = api.post(w.senco, "/deployment/plans", {"week_start": WEEK.isoformat()}).json()["id"]
    assert api.get(person, f"/deployment/plans/{plan_id}").status_code == 404
    assert api.post(person, f"/deployment/plans/{plan_id}/publish", {}).status_code == 404
    cover = {"date": TUE.isoformat(), "absent_staff_ids": [], "school_id": w.school.pk}
    assert api.post(person, "/deployment/cover", cover).status_code == 404


def test_bad_input_is_a_422_in_words(day_set, api):
    w = day_set
    r = api.post(
        w.senco, "/deployment/plans", {"week_start": (WEEK + dt.timedelta(days=1)).isoformat()}
    )
    assert r.status_code == 422
    assert "Monday" in r.json()["errors"]["week_start"]
    r = api.post(w.senco, "/deployment/plans", {"week_start": "next week"})
    assert r.status_code == 422
    r = api.post(
        w.senco, "/deployment/cover", {"date": TUE.isoformat(), "absent_staff_ids": [w.olga.pk]}
    )
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert "not members of staff" in errors["absent_staff_ids"]
    assert "no published plan" in errors["date"]


def test_ids_beyond_the_database_are_refused_not_a_500(day_set, api):
    w = day_set
    huge = 2**70
    body = {"date": TUE.isoformat(), "absent_staff_ids": [huge]}
    r = api.post(w.senco, "/deployment/cover", body)
    assert r.status_code == 422
    assert r.json()["errors"]["absent_staff_ids"] == (
        "Give the ids of the absent staff as whole numbers."
    )
    assert api.get(w.senco, f"/deployment/plans/{huge}").status_code == 404
