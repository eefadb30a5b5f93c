"""Timetables from the published plan: GET /api/v1/staff/{id}/timetable (its shape, who
may read it, a bad week is a 422 with a message), an adult's page and a pupil's page
(through the access layer), and a draft plan that shows in none of them."""

import datetime as dt

import pytest

from sendesk.audit.models import AccessEvent

from ..api.conftest import Api
from .helpers import MONDAY, WEEK, count, grow, make_plan, manage, text


@pytest.fixture
def api(client):
    return Api(client)


def _get(api, person, staff, week=WEEK):
    params = {"week": week} if week is not None else {}
    return api.get(person, f"/staff/{staff.pk}/timetable", **params)


def test_an_adult_reads_their_own_week(world, api):
    make_plan(world)
    response = _get(api, world.alice, world.alice)
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 10  # support and own break, five days
    first = items[0]
    assert first == {
        "date": "2026-11-16", "start": "09:00:00", "end": "09:30:00", "kind": "support",
        "provision_id": str(world.talk.pk), "pupil_ids": [str(world.ben.pk)],
    }  # fmt: skip
    assert {i["kind"] for i in items} == {"support", "break"}
    assert [i["date"] for i in items] == sorted(i["date"] for i in items)
    bob = _get(api, world.bob, world.bob).json()["items"]
    assert {i["kind"] for i in bob} == {"duty"} and bob[0]["pupil_ids"] == []


def test_this_week_when_no_week_is_given(world, api):
    make_plan(world)
    assert len(_get(api, world.alice, world.alice, week=None).json()["items"]) == 10
    assert _get(api, world.alice, world.alice, week="2026-W48").json()["items"] == []


@pytest.mark.parametrize("person", ["senco", "head"])
def test_senco_and_head_read_anyones(world, api, person):
    make_plan(world)
    response = _get(api, getattr(world, person), world.hana)
    assert response.status_code == 200
    assert [i["kind"] for i in response.json()["items"]] == ["group"] * 5


def test_the_line_manager_reads_their_team_only(world, api):
    make_plan(world)
    assert _get(api, world.hana, world.alice).status_code == 404
    manage(world, world.hana, world.alice)
    assert _get(api, world.hana, world.alice).status_code == 200
    assert _get(api, world.hana, world.bob).status_code == 404


@pytest.mark.parametrize("person", ["bob", "tess", "dsl", "pat", "theo", "olga", "nobody"])
def test_nobody_else_reads_it(world, api, person):
    make_plan(world)
    response = _get(api, getattr(world, person), world.alice)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    assert _get(api, world.senco, world.olga).status_code == 404  # another school's
    assert api.get(world.senco, "/staff/99999999/timetable").status_code == 404


@pytest.mark.parametrize(
    ("week", "message"),
    [("2026-47", "is not a week"), ("2026-W60", "2026 has no week 60"), ("W47", "not a week"),
     ("2035-W01", "two years"), ("2026-W00", "has no week 0")],
)  # fmt: skip
def test_a_bad_week_is_a_422_with_a_message(world, api, week, message):
    response = _get(api, world.alice, world.alice, week=week)
    assert response.status_code == 422
    body = response.json()
    assert message in body["errors"]["week"]
    assert "YYYY-Www" in body["errors"]["week"] or "nearer" in body["errors"]["week"]


def test_a_draft_plan_is_in_no_timetable(world, api, as_user):
    make_plan(world, status="draft")
    assert _get(api, world.alice, world.alice).json()["items"] == []
    page = text(as_user(world.alice).get("/timetable/"))
    assert "Talk Boost" not in page and "Nothing planned." in page


def test_a_day_re_plan_holds_its_day_and_the_week_plan_the_rest(world, api):
    """A one-day re-plan published in the week's place: its own day from it, the other
    days from the plan it was based on."""
    week = make_plan(world)
    week.plan.status = "superseded"
    week.plan.save()
    from sendesk.deployment.models import Assignment, Plan

    tuesday = MONDAY + dt.timedelta(days=1)
    day = Plan.objects.create(
        school=world.school, week_start=MONDAY, day=tuesday, based_on=week.plan,
        status="published", created_by=world.senco, created_at=week.plan.created_at,
        published_at=week.plan.created_at,
    )  # fmt: skip
    cover = Assignment.objects.create(
        plan=day, staff=world.bob, date=tuesday, start=dt.time(9), end=dt.time(9, 30),
        kind="support", provision=world.talk,
    )  # fmt: skip
    cover.pupils.set([world.ben])
    alice = _get(api, world.alice, world.alice).json()["items"]
    assert tuesday.isoformat() not in {i["date"] for i in alice}
    assert len(alice) == 8
    bob = _get(api, world.bob, world.bob).json()["items"]
    assert [(i["date"], i["kind"]) for i in bob if i["date"] == tuesday.isoformat()] == [
        ("2026-11-17", "support")
    ]
    assert len(bob) == 5  # Tuesday's duty went with the re-plan, the other four stay


def test_the_adults_page(world, as_user):
    make_plan(world)
    client = as_user(world.alice)
    page = text(client.get("/timetable/"))
    assert "My timetable" in page
    assert "Talk Boost" in page and "with Ben Brown" in page and "Own break" in page
    assert "Monday 16 November" in page
    response = client.get("/timetable/?week=next-week")
    assert response.status_code == 400
    assert "is not a week. Give the week as YYYY-Www" in text(response)
    assert client.get(f"/timetable/{world.bob.pk}/").status_code == 404
    senco = as_user(world.senco).get(f"/timetable/{world.bob.pk}/?week={WEEK}")
    assert senco.status_code == 200 and "Playground" in text(senco)


def test_the_pupils_page_goes_through_the_access_layer(world, as_user):
    make_plan(world)
    page = as_user(world.senco).get(f"/pupils/{world.ben.pk}/timetable/?week={WEEK}")
    assert page.status_code == 200
    body = text(page)
    assert "Alice Assistant" in body and "In class (3A)" in body
    assert AccessEvent.objects.filter(pupil=world.ben, actor=world.senco).exists()
    assert as_user(world.bob).get(f"/pupils/{world.ben.pk}/timetable/").status_code == 404
    assert as_user(world.pat).get(f"/pupils/{world.ben.pk}/timetable/").status_code == 404
    tess = as_user(world.tess).get(f"/pupils/{world.ben.pk}/timetable/?week=2026-W99")
    assert tess.status_code == 400


def test_the_api_costs_the_same_however_big_the_plan(world, api):
    made = make_plan(world)
    _get(api, world.senco, world.alice)  # signs in
    _, few = count(lambda: _get(api, world.senco, world.alice))
    grow(world, made.plan)
    response, many = count(lambda: _get(api, world.senco, world.alice))
    assert len(response.json()["items"]) == 15
    assert many == few


def test_the_pupil_page_links_to_their_week(world, as_user):
    page = text(as_user(world.alice).get(f"/pupils/{world.ben.pk}/"))
    assert f'href="/pupils/{world.ben.pk}/timetable/">Who supports them when' in page
