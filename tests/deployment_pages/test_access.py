"""Every deployment page as each named person: the SENCO and head open them; a TA, a
teacher, a parent, a therapist and another school's SENCO get 404, as for a page that does
not exist."""

import pytest

from .helpers import make_plan

OVERSIGHT_PAGES = [
    "/deployment/school-day/",
    "/deployment/duties/",
    "/deployment/lessons/",
    "/deployment/plans/",
    "/deployment/plans/{plan}/",
    "/deployment/plans/compare/",
    "/deployment/plans/compare/?a={plan}&b={plan}",
    "/deployment/absence/",
]


@pytest.mark.parametrize("path", OVERSIGHT_PAGES)
@pytest.mark.parametrize("person", ["senco", "head"])
def test_senco_and_head_open_every_page(world, as_user, path, person):
    plan = make_plan(world).plan
    response = as_user(getattr(world, person)).get(path.format(plan=plan.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("path", OVERSIGHT_PAGES)
@pytest.mark.parametrize("person", ["alice", "hana", "tess", "pat", "theo", "dsl"])
def test_everyone_else_gets_not_found(world, as_user, path, person):
    plan = make_plan(world).plan
    response = as_user(getattr(world, person)).get(path.format(plan=plan.pk))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/deployment/plans/{plan}/publish/", "/deployment/assignments/{a}/pin/",
     "/deployment/assignments/{a}/move/"],
)  # fmt: skip
@pytest.mark.parametrize("person", ["alice", "bob", "tess", "pat", "theo", "olga"])
def test_hand_changes_and_publishing_are_not_found_for_others(world, as_user, path, person):
    """A TA cannot pin, move or publish (nor can a line manager of nobody): 404, and the
    plan is as it was."""
    made = make_plan(world)
    assignment = made.plan.assignments.filter(staff=world.alice).first()
    url = path.format(plan=made.plan.pk, a=assignment.pk)
    response = as_user(getattr(world, person)).post(url, {"staff": world.bob.pk, "pinned": "1"})
    assert response.status_code == 404
    assignment.refresh_from_db()
    assert (assignment.staff_id, assignment.pinned) == (world.alice.pk, False)


def test_a_plan_of_another_school_is_not_found(world, as_user):
    plan = make_plan(world).plan
    olga = as_user(world.olga)
    assert olga.get(f"/deployment/plans/{plan.pk}/").status_code == 404
    assert olga.get(f"/deployment/plans/compare/?a={plan.pk}&b={plan.pk}").status_code == 404
    # Her own school's set-up, not this one's.
    page = olga.get("/deployment/school-day/")
    assert page.status_code == 200 and "09:00–10:00" not in page.content.decode()
    assert "Week of 16 Nov" not in olga.get("/deployment/plans/").content.decode()
    assert as_user(world.senco).get("/deployment/plans/999999/").status_code == 404
