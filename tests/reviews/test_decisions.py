"""Decisions flow back: an achieved target is closed, a changed target keeps its outcome
under new words, a new target joins the plan, changed provision starts from the meeting
and the old stops, all through plans' and provision's services (audited, not retyped)."""

import datetime as dt

from sendesk.audit.models import AuditEvent
from sendesk.plans.models import Target
from sendesk.provision.models import Provision
from sendesk.reviews.models import ReviewDecision

from .conftest import MEETING, PAST_MEETING, book


def decide(c, review, **data):
    return c.post(f"/reviews/{review.pk}/decisions/", data)


def test_target_achieved_closes_it_on_the_plan(world, as_user):
    w = world
    review = book(w, date=PAST_MEETING)
    c = as_user(w.senco)
    assert decide(c, review, kind="achieved", target_id=str(w.t2.pk)).status_code == 302
    w.t2.refresh_from_db()
    assert w.t2.status == "achieved"
    d = ReviewDecision.objects.get()
    assert (d.kind, d.target, d.decided_by) == ("achieved", w.t2, w.senco)
    assert AuditEvent.objects.filter(object_type="plans.target", object_id=str(w.t2.pk),
                                     action="update").exists()  # fmt: skip
    # One decision per target at a meeting.
    r = decide(c, review, kind="continued", target_id=str(w.t2.pk))
    assert r.status_code == 422 and ReviewDecision.objects.count() == 1


def test_a_changed_target_keeps_its_outcome_under_new_words(world, as_user):
    w = world
    review = book(w, date=PAST_MEETING)
    r = decide(as_user(w.senco), review, kind="changed", target_id=str(w.t1.pk),
               text="Uses 5-word sentences to ask for help", target_date="2027-07-16")  # fmt: skip
    assert r.status_code == 302
    new = Target.objects.get(text="Uses 5-word sentences to ask for help")
    assert (new.plan, new.outcome, new.status, new.target_date) == (
        w.plan, w.t1.outcome, "open", dt.date(2027, 7, 16))  # fmt: skip
    w.t1.refresh_from_db()
    assert w.t1.status == "partly"
    assert ReviewDecision.objects.get().new_target == new


def test_a_new_target_needs_its_words(world, as_user):
    w = world
    review = book(w, date=PAST_MEETING)
    c = as_user(w.senco)
    r = decide(c, review, kind="new", text="")
    assert r.status_code == 422 and "Write the target" in r.content.decode()
    assert not ReviewDecision.objects.exists()
    assert decide(c, review, kind="new", text="Joins a game at lunch").status_code == 302
    assert Target.objects.filter(plan=w.plan, text="Joins a game at lunch").exists()


def test_provision_changed_starts_new_provision_and_stops_the_old(world, as_user, now):
    w = world
    review = book(w, date=PAST_MEETING)
    r = decide(
        as_user(w.senco), review, kind="provision_changed", provision_id=str(w.precision.pk),
        sessions_per_week="5", session_minutes="15",
    )  # fmt: skip
    assert r.status_code == 302
    w.precision.refresh_from_db()
    new = Provision.objects.exclude(pk__in=[w.talk.pk, w.precision.pk]).get()
    assert (new.title, new.weekly_minutes, new.days, new.plan) == (
        "Precision teaching", 75, "12345", w.plan)  # fmt: skip
    assert new.start == dt.date(2026, 11, 18) and w.precision.end == dt.date(2026, 11, 17)
    assert list(new.targets.all()) == [w.t2]
    d = ReviewDecision.objects.get()
    assert (d.provision, d.new_provision) == (w.precision, new)
    r = decide(as_user(w.senco), review, kind="provision_ended", provision_id=str(w.talk.pk))
    assert r.status_code == 302
    w.talk.refresh_from_db()
    assert w.talk.end == dt.date(2026, 11, 18)


def test_new_provision_with_a_bad_amount_says_so(world, as_user):
    w = world
    review = book(w, date=PAST_MEETING)
    c = as_user(w.senco)
    r = decide(c, review, kind="provision_new", title="Lego therapy", provision_kind="group",
               sessions_per_week="2")  # fmt: skip
    assert r.status_code == 422 and "Give both the sessions a week" in r.content.decode()
    r = decide(c, review, kind="provision_new", title="Lego therapy", provision_kind="group",
               sessions_per_week="2", session_minutes="30")  # fmt: skip
    assert r.status_code == 302
    p = Provision.objects.get(title="Lego therapy")
    assert (p.source, p.days, p.weekly_minutes) == ("ehcp_f", "12", 60)


def test_no_decision_before_the_meeting_nor_by_a_ta(world, as_user):
    w = world
    review = book(w, date=MEETING)
    r = decide(as_user(w.senco), review, kind="achieved", target_id=str(w.t1.pk))
    assert r.status_code == 422 and "on its day or after" in r.content.decode()
    past = book(w, date=PAST_MEETING)
    assert (
        decide(as_user(w.alice), past, kind="achieved", target_id=str(w.t1.pk)).status_code == 404
    )
    r = decide(as_user(w.senco), past, kind="achieved", target_id=str(w.olly.pk))
    assert r.status_code == 422 and "Choose one of this plan" in r.content.decode()
    assert not ReviewDecision.objects.exists()
    w.t1.refresh_from_db()
    assert w.t1.status == "open"
