"""The HLTA's "My team" page and the access change behind it: a line manager sees the
pupils deployed to the TAs they manage (to read), and nothing beyond them."""

import datetime as dt

import pytest

from sendesk.provision.models import Session
from sendesk.pupils.models import Deployment

from .helpers import WEEK, count, grow, make_plan, manage, text


def test_the_hlta_sees_the_week_of_each_ta_they_manage(world, as_user):
    make_plan(world)
    manage(world, world.hana, world.alice, world.bob, hours=30)
    # Alice recorded Monday's Talk Boost; Tuesday's and today's are not recorded yet.
    Session.objects.create(
        school=world.school, provision=world.talk, date=dt.date(2026, 11, 16), minutes=30,
        delivered=True, delivered_by=world.alice, recorded_by=world.alice,
        recorded_at=dt.datetime(2026, 11, 16, 15, tzinfo=dt.UTC),
    )  # fmt: skip
    response = as_user(world.hana).get(f"/team/?week={WEEK}")
    assert response.status_code == 200
    page = text(response)
    assert "My team" in page
    assert "Alice Assistant" in page and "Bob Assistant" in page
    # Alice: 5 × 30 min support (her own break is not work); unrecorded so far: Tue, Wed.
    assert "2.5 h of 30 h contract" in page
    assert "Tue 17 09:00: Talk Boost with Ben Brown" in page
    assert "Wed 18 09:00: Talk Boost with Ben Brown" in page
    assert "Mon 16 09:00" not in page
    assert "Thu 19 09:00: Talk Boost" not in page  # not come yet
    # Training: Alice's positive handling current, Bob's expired.
    assert "Current</span> Positive handling" in page
    assert "Expired</span> Positive handling" in page
    assert f'href="/pupils/{world.ben.pk}/"' in page
    assert "Cara Clark" not in page  # Hana's own group, not her team's


def test_hours_over_the_contract_are_flagged(world, as_user):
    make_plan(world)
    manage(world, world.hana, world.alice, hours=2)
    page = text(as_user(world.hana).get("/team/"))
    assert "2.5 h of 2 h contract — over contract" in page


@pytest.mark.parametrize("person", ["alice", "bob", "tess", "pat", "theo", "dsl"])
def test_someone_who_manages_nobody_gets_not_found(world, as_user, person):
    make_plan(world)
    assert as_user(getattr(world, person)).get("/team/").status_code == 404


def test_an_hlta_with_no_team_yet_is_told_so(world, as_user):
    """The page is in every HLTA's bar: a link there never leads to "not found"."""
    make_plan(world)
    response = as_user(world.hana).get("/team/")
    assert response.status_code == 200
    page = text(response)
    assert "You line-manage nobody yet." in page and "Alice Assistant" not in page


def test_the_senco_sees_every_team(world, as_user):
    make_plan(world)
    manage(world, world.hana, world.alice)
    manage(world, world.senco, world.bob)
    page = text(as_user(world.senco).get("/team/"))
    assert "Teams" in page and "Alice Assistant" in page and "Bob Assistant" in page
    one = text(as_user(world.senco).get(f"/team/?manager={world.hana.pk}"))
    assert "Hana Hlta&#x27;s team" in one or "Hana Hlta's team" in one
    assert "Bob Assistant</a>" not in one
    assert as_user(world.senco).get(f"/team/?manager={world.tess.pk}").status_code == 404
    assert as_user(world.senco).get("/team/?week=soon").status_code == 400


def test_the_team_page_costs_the_same_however_big_the_team(world, as_user):
    made = make_plan(world)
    manage(world, world.hana, world.alice, world.bob)
    client = as_user(world.hana)
    client.get("/team/")
    _, few = count(lambda: client.get("/team/"))
    grow(world, made.plan, adults=5)
    from sendesk.accounts.models import User

    manage(world, world.hana, *User.objects.filter(email__startswith="extra"))
    response, many = count(lambda: client.get("/team/"))
    assert "Extra 4" in text(response)
    assert many == few


# --- The access layer: an HLTA reads the pupils their team is deployed to --------------


def test_a_line_manager_reads_the_pupils_their_team_supports(world, as_user):
    client = as_user(world.hana)
    assert client.get(f"/pupils/{world.ben.pk}/").status_code == 404
    manage(world, world.hana, world.alice)  # Alice is 1:1 with Ben
    assert client.get(f"/pupils/{world.ben.pk}/").status_code == 200
    # Dan is deployed to nobody in her team, Olly is at another school: still not found.
    assert client.get(f"/pupils/{world.dan.pk}/").status_code == 404
    assert client.get(f"/pupils/{world.olly.pk}/").status_code == 404


def test_a_ta_outside_the_team_adds_nothing(world, as_user):
    manage(world, world.hana, world.bob)  # Bob is deployed to nobody
    assert as_user(world.hana).get(f"/pupils/{world.ben.pk}/").status_code == 404
    # Only a line manager gains: Bob himself, with a contract, sees no more than before.
    assert as_user(world.bob).get(f"/pupils/{world.ben.pk}/").status_code == 404


def test_the_team_scope_follows_the_deployment_dates_and_employment(world, as_user):
    manage(world, world.hana, world.alice)
    Deployment.objects.filter(staff=world.alice).update(end=dt.date(2026, 11, 17))
    assert as_user(world.hana).get(f"/pupils/{world.ben.pk}/").status_code == 404
    Deployment.objects.filter(staff=world.alice).update(end=None)
    from sendesk.staff.models import StaffMember

    StaffMember.objects.filter(user=world.alice).update(left_on=dt.date(2026, 11, 1))
    assert as_user(world.hana).get(f"/pupils/{world.ben.pk}/").status_code == 404


def test_a_teacher_who_line_manages_gains_nothing(world, as_user):
    """The rule is the HLTA's (issue 9, section 3); other roles keep their own scope."""
    manage(world, world.tom, world.alice)
    assert as_user(world.tom).get(f"/pupils/{world.ben.pk}/").status_code == 404


def test_the_hlta_allocates_only_within_their_team(world, as_user):
    made = make_plan(world)
    manage(world, world.hana, world.alice)
    client = as_user(world.hana)
    page = text(client.get("/team/"))
    assert 'action="/deployment/assignments/' in page and "Give it to" in page
    a = made.plan.assignments.filter(staff=world.alice, kind="support").first()
    response = client.post(
        f"/deployment/assignments/{a.pk}/move/", {"staff": world.bob.pk, "next": "/team/"}
    )
    assert response.status_code == 302 and response["Location"] == "/team/"
    assert "Choose someone in your team." in text(client.get("/team/"))
    a.refresh_from_db()
    assert a.staff_id == world.alice.pk
    # Not in a draft plan, and not Bob's work (not in her team): not found.
    draft = make_plan(world, status="draft", periods=made.periods).plan
    mine = draft.assignments.filter(staff=world.alice).first()
    assert client.post(f"/deployment/assignments/{mine.pk}/pin/").status_code == 404
    bobs = made.plan.assignments.filter(staff=world.bob).first()
    assert client.post(f"/deployment/assignments/{bobs.pk}/pin/").status_code == 404


def test_a_session_still_to_come_today_is_not_late(world, as_user, now):
    from django.utils import timezone

    make_plan(world)
    manage(world, world.hana, world.alice)
    # 09:15 on Wednesday: Alice's 09:00-09:30 session is under way, not unrecorded.
    now.move_to(timezone.make_aware(dt.datetime(2026, 11, 18, 9, 15)))
    page = text(as_user(world.hana).get(f"/team/?week={WEEK}"))
    assert "Tue 17 09:00: Talk Boost with Ben Brown" in page
    assert "Wed 18 09:00: Talk Boost with Ben Brown" not in page


def test_training_states_are_the_registers_own(world, as_user, now):
    """My team says what the training register says (staff.selectors.status_of): training
    that runs out within its warning window expires soon."""
    from django.utils import timezone

    from sendesk.staff.models import Training

    make_plan(world)
    manage(world, world.hana, world.alice)
    today = timezone.localdate()
    Training.objects.create(
        user=world.alice, kind="first_aid", completed_on=today - dt.timedelta(days=700),
        expires_on=today + dt.timedelta(days=10),
    )  # fmt: skip
    page = text(as_user(world.hana).get(f"/team/?week={WEEK}"))
    assert "Expires soon</span> First aid" in page
