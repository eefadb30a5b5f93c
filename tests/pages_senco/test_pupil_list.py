import datetime as dt

import pytest

from sendesk.pupils.models import Pupil, PupilNeed
from sendesk.pupils.upn import make_upn

from .conftest import count_queries

NAMES = {"ben": "Brown", "cara": "Clark", "dan": "Dale", "olly": "Oak"}


def _shown(response):
    html = response.content.decode()
    return {name for name, last in NAMES.items() if f">{last}, " in html}


@pytest.mark.parametrize(
    "person,sees",
    [
        ("alice", {"ben"}),
        ("tess", {"ben", "dan"}),
        ("hana", {"cara"}),
        ("senco", {"ben", "cara", "dan"}),
        ("olga", {"olly"}),
        ("bob", set()),
    ],
)
def test_list_shows_only_pupils_in_scope(world, as_user, person, sees):
    response = as_user(getattr(world, person)).get("/pupils/")
    assert response.status_code == 200
    assert _shown(response) == sees


def test_someone_with_no_role_finds_no_roll(world, as_user):
    # Not an empty list: for a person with no role at any school the page does not exist.
    assert as_user(world.nobody).get("/pupils/").status_code == 404


@pytest.mark.parametrize(
    "query,expected",
    [
        ("q=car", {"cara"}),
        ("q=ben+brown", {"ben"}),
        ("status=E", {"ben"}),
        ("status=K", {"cara", "dan"}),
        ("need=SPLD", {"cara"}),
        ("need=SLCN", {"ben"}),  # a secondary need matches…
        ("need=SLCN&primary=1", set()),  # …unless only primary needs are asked for
        ("area=ci&primary=1", {"ben"}),
        ("area=semh", {"dan"}),
        ("need=XYZ", set()),  # an unknown value matches nobody, it is not ignored
        ("status=K&need=SEMH", {"dan"}),
    ],
)
def test_search_and_filters(world, as_user, query, expected):
    assert _shown(as_user(world.senco).get(f"/pupils/?{query}")) == expected


def test_search_by_upn_and_year(world, as_user):
    client = as_user(world.senco)
    assert _shown(client.get(f"/pupils/?q={world.dan.upn.lower()}")) == {"dan"}
    assert _shown(client.get(f"/pupils/?year={world.y4.pk}")) == {"cara"}
    assert _shown(client.get("/pupils/?year=abc")) == set()


def test_filters_never_widen_scope(world, as_user):
    assert _shown(as_user(world.alice).get("/pupils/?status=K")) == set()


def test_htmx_gets_the_results_partial(world, as_user):
    response = as_user(world.senco).get("/pupils/?q=dale", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert '<section id="results"' in html and "<html" not in html
    assert _shown(response) == {"dan"}


def _many_pupils(world, n):
    for i in range(n):
        pupil = Pupil.objects.create(
            school=world.school, upn=make_upn("123", "4567", 2020, 100 + i),
            legal_first_name="Pat", legal_last_name=f"Zed{i:03d}",
            date_of_birth=dt.date(2018, 1, 1), year_group=world.y3, sen_status="K",
        )  # fmt: skip
        PupilNeed.objects.create(pupil=pupil, code="MLD", rank=1)
        PupilNeed.objects.create(pupil=pupil, code="SPLD", rank=2)


def test_list_is_paged(world, as_user):
    _many_pupils(world, 30)
    client = as_user(world.senco)
    first = client.get("/pupils/?need=MLD").content.decode()
    assert "30 pupils match." in first and "Zed000" in first and "Zed025" not in first
    assert 'href="?need=MLD&amp;page=2"' in first
    second = client.get("/pupils/?need=MLD&page=2").content.decode()
    assert "Zed025" in second and "Zed029" in second and "Zed000" not in second


def test_list_query_count_does_not_grow(world, as_user):
    client = as_user(world.senco)
    small = count_queries(client, "/pupils/")
    _many_pupils(world, 40)
    assert count_queries(client, "/pupils/") == small
    assert small <= 11  # 10, and the unread notifications for the bar (issue 11)


def test_list_records_a_view_of_each_pupil_shown(world, as_user):
    from sendesk.audit.models import AccessEvent

    as_user(world.tess).get("/pupils/?status=K")
    rows = set(AccessEvent.objects.values_list("actor", "pupil", "what"))
    assert rows == {(world.tess.pk, world.dan.pk, "pupil list")}
