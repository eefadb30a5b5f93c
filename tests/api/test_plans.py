import datetime as dt
import uuid

from sendesk.audit.models import AccessEvent
from sendesk.plans.models import Plan, Target
from sendesk.provision.services import PupilRecord, session_record
from tests.world import TODAY


def rate(world, day, rating, target=None):
    session_record(
        actor=world.alice, client_id=uuid.uuid4(), provision_id=world.talk.pk, date=day,
        minutes=30, delivered=True,
        pupils=[PupilRecord(pupil_id=world.ben.pk, attendance="present",
                            target_progress=[((target or world.t1).pk, rating)])],
    )  # fmt: skip


def test_plans_with_outcomes_targets_and_latest_rating(world, api):
    rate(world, TODAY - dt.timedelta(days=2), "developing")
    rate(world, TODAY - dt.timedelta(days=7), "not_yet")
    rate(world, TODAY, "secure")
    r = api.get(world.alice, f"/pupils/{world.ben.pk}/plans")
    assert r.status_code == 200
    [plan] = [p for p in r.json()["items"] if p["kind"] == "ehcp"]
    assert (plan["id"], plan["kind"], plan["kind_label"], plan["status"]) == (
        str(world.plan.pk), "ehcp", "EHC plan", "active",
    )  # fmt: skip
    assert plan["review_date"] == "2026-12-10"
    assert plan["outcomes"] == [
        {"id": world.outcome.pk, "text": "Ben will talk about his day in sentences.", "order": 1}
    ]
    t1, t2 = plan["targets"]
    assert t1["id"] == str(world.t1.pk) and t1["outcome_id"] == world.outcome.pk
    assert t1["baseline"] == "2-word phrases"
    assert t1["latest_rating"] == {"rating": "secure", "date": str(TODAY)}
    assert t2["latest_rating"] is None


def test_active_plans_come_first(world, api):
    Plan.objects.create(pupil=world.ben, kind="iep", title="Old IEP", status="closed")
    Plan.objects.create(pupil=world.ben, kind="iep", title="Next IEP", status="draft")
    r = api.get(world.tess, f"/pupils/{world.ben.pk}/plans")
    titles = [p["title"] for p in r.json()["items"]]
    assert titles[2:] == ["Next IEP", "Old IEP"]
    assert set(titles[:2]) == {"Ben's EHC plan", "Ben's behaviour plan"}


def test_plans_write_an_access_row(world, api):
    api.get(world.senco, f"/pupils/{world.ben.pk}/plans")
    assert AccessEvent.objects.get().what == "plans"


def test_plans_query_count_is_fixed(world, api, count_queries):
    api.get(world.alice, "/pupils")
    _, few = count_queries(lambda: api.get(world.alice, f"/pupils/{world.ben.pk}/plans"))
    plan = Plan.objects.create(pupil=world.ben, kind="iep", title="IEP", status="draft")
    for i in range(6):
        target = Target.objects.create(plan=plan, text=f"Target {i}")
        rate(world, TODAY - dt.timedelta(days=i), "emerging", target=target)
        rate(world, TODAY - dt.timedelta(days=i), "developing")
    r, many = count_queries(lambda: api.get(world.alice, f"/pupils/{world.ben.pk}/plans"))
    assert len(r.json()["items"]) == 3  # EHC plan, IBP, the new IEP
    # token, roles, pupil, the access chain's head, access row, plans, outcomes, targets
    assert many == few == 8
