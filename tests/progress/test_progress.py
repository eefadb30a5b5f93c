"""Progress at a glance (issue 10, part 8): each target's ratings over time, as a chart on
the pupil and plan pages, in plain words on the parent's page, and from the API; and the
plan page's reviews. Spoken as the people of tests/world.py."""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.audit.models import AccessEvent
from sendesk.plans.models import Target
from sendesk.reviews import services as review_services

from ..api.conftest import Api
from ..reviews.conftest import sessions
from ..world import TODAY

# The world's today is Wednesday 18 November 2026: three weeks of ratings on Ben's first
# target, the middle week averaging an "emerging" and a "secure" to "developing".
WEEK_1, WEEK_2A, WEEK_2B, WEEK_3 = (
    dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 10), dt.date(2026, 11, 16)
)  # fmt: skip
CHART_NAME = "Ratings for “Uses 4-word sentences to ask for help”, week by week"


@pytest.fixture
def api(client):
    return Api(client)


def _rate(world):
    sessions(world, [WEEK_1], rating="not_yet")
    sessions(world, [WEEK_2A], rating="emerging")
    sessions(world, [WEEK_2B, WEEK_3], rating="secure")


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _points(response) -> list[str]:
    """The y of each point of the first chart: one per week."""
    svg = response.content.decode().split('<svg class="chart"', 1)[1].split("</svg>", 1)[0]
    return re.findall(r'<circle cx="[0-9.]+" cy="([0-9.]+)"', svg)


def test_the_pupil_page_charts_each_target_week_by_week(world, as_user):
    _rate(world)
    page = as_user(world.alice).get(f"/pupils/{world.ben.pk}/")
    assert page.status_code == 200
    content = page.content.decode()
    assert f'aria-label="{CHART_NAME}"' in content
    # Three weeks, three points: not yet (0), developing (2, the average of 1 and 3), secure
    # (3): the first step twice the second.
    ys = [float(y) for y in _points(page)]
    assert len(ys) == 3 and ys[0] - ys[1] == 2 * (ys[1] - ys[2]) > 0
    text = _text(page)
    assert "Up from Not yet to Secure since the week of 2 Nov 2026: 4 ratings over 3 weeks" in text
    # The second target has no ratings: no chart, and the page says so.
    assert content.count('<figure class="target-progress">') == 1
    assert "Latest rating: none yet" in text


def test_the_plan_page_shows_the_same_story(world, as_user):
    _rate(world)
    page = as_user(world.senco).get(f"/plans/{world.plan.pk}/")
    assert "Up from Not yet to Secure since the week of 2 Nov 2026" in _text(page)
    assert len(_points(page)) == 3


def test_a_target_that_slipped_reads_down(world, as_user):
    sessions(world, [WEEK_1], rating="secure")
    sessions(world, [WEEK_3], rating="emerging")
    text = _text(as_user(world.senco).get(f"/pupils/{world.ben.pk}/"))
    assert (
        "Down from Secure to Emerging since the week of 2 Nov 2026: 2 ratings over 2 weeks" in text
    )


def test_the_parent_reads_how_it_changed_in_plain_words(world, as_user):
    _rate(world)
    text = _text(as_user(world.pat).get(f"/family/children/{world.ben.pk}/"))
    assert (
        "Since the week of 2 November, Ben has moved on from “Not yet” to “Nearly there”." in text
    )
    # Staff words stay off the parent's page.
    assert "Secure" not in text and "week by week" not in text


def test_the_parent_reads_when_it_has_been_harder(world, as_user):
    sessions(world, [WEEK_1], rating="secure")
    sessions(world, [WEEK_3], rating="emerging")
    text = _text(as_user(world.pat).get(f"/family/children/{world.ben.pk}/"))
    assert (
        "Since the week of 2 November, this has gone from “Nearly there” to “Making a start”: "
        "it has been harder for Ben lately." in text
    )


def test_one_week_is_not_yet_a_story_for_the_parent(world, as_user):
    sessions(world, [WEEK_3], rating="secure")
    text = _text(as_user(world.pat).get(f"/family/children/{world.ben.pk}/"))
    assert "Nearly there" in text and "Since the week of" not in text


def test_the_api_gives_every_rating_of_each_target(world, api):
    _rate(world)
    r = api.get(world.alice, f"/pupils/{world.ben.pk}/progress")
    assert r.status_code == 200
    body = r.json()
    assert body["levels"] == ["not_yet", "emerging", "developing", "secure", "achieved"]
    items = {i["target_id"]: i for i in body["items"]}
    first = items[str(world.t1.pk)]
    assert first["plan_id"] == str(world.plan.pk) and first["plan_kind"] == "ehcp"
    assert [(x["date"], x["rating"]) for x in first["ratings"]] == [
        ("2026-11-02", "not_yet"), ("2026-11-09", "emerging"),
        ("2026-11-10", "secure"), ("2026-11-16", "secure"),
    ]  # fmt: skip
    assert items[str(world.t2.pk)]["ratings"] == []
    assert AccessEvent.objects.filter(actor=world.alice, pupil=world.ben, what="progress").exists()
    window = api.get(world.alice, f"/pupils/{world.ben.pk}/progress", since="2026-11-09",
                     until="2026-11-10")  # fmt: skip
    dates = [x["date"] for x in {i["target_id"]: i for i in window.json()["items"]}[
        str(world.t1.pk)]["ratings"]]  # fmt: skip
    assert dates == ["2026-11-09", "2026-11-10"]


def test_the_api_refuses_a_window_backwards_and_out_of_scope_is_not_found(world, api):
    r = api.get(world.senco, f"/pupils/{world.ben.pk}/progress", since="2026-11-10",
                until="2026-11-01")  # fmt: skip
    assert r.status_code == 422 and "until" in r.json()["errors"]
    bad = api.get(world.senco, f"/pupils/{world.ben.pk}/progress", since="10/11/2026")
    assert bad.status_code == 422
    # Bob is deployed to nobody; Olga works at another school: both as if Ben did not exist.
    for person in (world.bob, world.olga):
        assert api.get(person, f"/pupils/{world.ben.pk}/progress").status_code == 404


def _same_with_more_rated_targets(world, count):
    small = count()
    for n in range(5):
        target = Target.objects.create(plan=world.plan, text=f"More {n}", order=10 + n)
        sessions(world, [WEEK_1, WEEK_2A, WEEK_3], target=target)
    assert count() == small


def test_the_api_costs_the_same_queries_however_many_targets_and_ratings(world, api):
    _rate(world)
    api.get(world.senco, f"/pupils/{world.ben.pk}/progress")  # the token's first use

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(world.senco, f"/pupils/{world.ben.pk}/progress").status_code == 200
        return len(ctx)

    _same_with_more_rated_targets(world, count)


def test_the_pupil_page_costs_the_same_queries_with_more_rated_targets(world, as_user):
    client = as_user(world.senco)
    url = f"/pupils/{world.ben.pk}/"
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    _same_with_more_rated_targets(world, count)


def test_the_plan_page_lists_its_reviews(world, as_user):
    senco = as_user(world.senco)
    page = senco.get(f"/plans/{world.plan.pk}/")
    assert "No review booked yet." in _text(page)
    assert f'href="/plans/{world.plan.pk}/reviews/"'.encode() in page.content
    review = review_services.review_schedule(
        actor=world.senco, plan=world.plan, kind="annual", date=TODAY + dt.timedelta(days=14)
    )
    for person in (world.senco, world.alice):
        page = as_user(person).get(f"/plans/{world.plan.pk}/")
        assert f'href="/reviews/{review.pk}/"'.encode() in page.content
        assert "Annual review, 2 December 2026" in _text(page)
