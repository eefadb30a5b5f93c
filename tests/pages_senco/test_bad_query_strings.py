"""Query strings and form values that once gave a 500: each now gets a page that says
what is wrong (or ignores a filter it cannot use), never an error page."""

import pytest

from sendesk.plans.models import Plan
from sendesk.provision.models import Provision
from sendesk.pupils.models import Deployment, Pupil


@pytest.mark.parametrize(
    "path",
    [
        "/pupils/?year=²",
        "/pupils/?year=99999999999999999999",
        "/overview/?weeks=²",
        "/overview/?weeks=99999999999999",
        "/my-day/?date=0001-01-01",
    ],
)
def test_odd_query_strings_do_not_break_pages(world, as_user, path):
    person = world.alice if path.startswith("/my-day") else world.senco
    assert as_user(person).get(path).status_code in (200, 400)


def test_a_broken_timeline_cursor_says_so(world, as_user):
    r = as_user(world.senco).get(
        f"/pupils/{world.ben.pk}/timeline/?cursor=MjAyNi0xMy00NVQwMDowMH41"
    )
    assert r.status_code == 400
    assert "That link to older entries is broken." in r.content.decode()


def test_outcome_with_odd_digits_is_ignored(world, as_user):
    r = as_user(world.senco).get(f"/plans/{world.plan.pk}/targets/new/?outcome=²")
    assert r.status_code == 200


def test_an_impossible_end_date_for_a_deployment_is_refused(world, as_user):
    deployment = Deployment.objects.get(staff=world.alice)
    r = as_user(world.senco).post(f"/deployment/{deployment.pk}/end/", {"end": "2026-02-30"})
    assert r.status_code == 302
    deployment.refresh_from_db()
    assert deployment.end is None


def test_a_upn_with_other_digits_is_refused(world, as_user):
    r = as_user(world.senco).post("/pupils/new/", {
        "upn": "A1234567890²1", "legal_first_name": "Zed", "legal_last_name": "Zee",
        "date_of_birth": "2019-01-01", "year_group": world.y3.pk, "sen_status": "K",
    })  # fmt: skip
    assert r.status_code == 422
    assert "A UPN uses only the letters A–Z and the digits 0–9." in r.content.decode()
    assert not Pupil.objects.filter(legal_first_name="Zed").exists()


def test_too_long_titles_and_huge_groups_are_refused(world, as_user):
    r = as_user(world.senco).post(f"/pupils/{world.ben.pk}/provision/new/", {
        "title": "T" * 201, "kind": "group", "source": "sen_support", "sessions_per_week": 1,
        "session_minutes": 30, "days": ["1"], "group_size": 40000, "staffing": "ta",
        "start": "2026-11-18",
    })  # fmt: skip
    assert r.status_code == 422
    text = r.content.decode()
    assert "Keep this to 200 characters or fewer (it has 201)." in text
    assert not Provision.objects.filter(kind="group").exists()


def test_closed_plans_take_no_new_outcomes_or_target_changes(world, as_user):
    client = as_user(world.senco)
    client.post(f"/plans/{world.plan.pk}/close/", {"closed_on": "2026-11-18"})
    assert Plan.objects.get(pk=world.plan.pk).status == "closed"
    r = client.post(f"/plans/{world.plan.pk}/outcomes/", {"text": "A late outcome"})
    assert r.status_code == 422
    assert not world.plan.outcomes.filter(text="A late outcome").exists()
    r = client.post(f"/targets/{world.t1.pk}/edit/", {"text": "Changed", "status": "open"})
    assert r.status_code == 422
    world.t1.refresh_from_db()
    assert world.t1.text == "Uses 4-word sentences to ask for help"
