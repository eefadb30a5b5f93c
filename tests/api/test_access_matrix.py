"""Role × endpoint × in scope / out of scope. Out of scope answers exactly what a pupil
that does not exist answers, and writes no access row."""

import uuid

import pytest

from sendesk.audit.models import AccessEvent

PEOPLE = ["alice", "bob", "tess", "tom", "hana", "senco", "head", "dsl", "olga", "nobody"]

SEES = {
    "alice": {"ben"},
    "bob": set(),
    "tess": {"ben", "dan"},
    "tom": {"cara"},
    "hana": {"cara"},
    "senco": {"ben", "cara", "dan"},
    "head": {"ben", "cara", "dan"},
    "dsl": {"ben", "cara", "dan"},
    "olga": {"olly"},
    "nobody": set(),
}
# The access log is for those who oversee a school: its SENCO and head.
OVERSEES = {
    "senco": {"ben", "cara", "dan"},
    "head": {"ben", "cara", "dan"},
    "olga": {"olly"},
}

PUPIL_ENDPOINTS = ["", "/plans", "/provision", "/timeline", "/access-log"]


def expected(person, endpoint):
    return OVERSEES.get(person, set()) if endpoint == "/access-log" else SEES[person]


@pytest.mark.parametrize("endpoint", PUPIL_ENDPOINTS)
@pytest.mark.parametrize("person", PEOPLE)
def test_pupil_endpoints(world, api, person, endpoint):
    user = getattr(world, person)
    missing = api.get(user, f"/pupils/{uuid.uuid4()}{endpoint}")
    assert missing.status_code == 404
    garbled = api.get(user, f"/pupils/not-an-id{endpoint}")
    assert (garbled.status_code, garbled.content) == (404, missing.content)

    for name in ("ben", "cara", "dan", "olly"):
        pupil = getattr(world, name)
        before = AccessEvent.objects.filter(pupil=pupil).count()
        r = api.get(user, f"/pupils/{pupil.pk}{endpoint}")
        if name in expected(person, endpoint):
            assert r.status_code == 200, (person, name)
            assert AccessEvent.objects.filter(pupil=pupil, actor=user, via="api").exists()
        else:
            assert (r.status_code, r.content) == (404, missing.content), (person, name)
            assert r.json() == {"detail": "Not Found"}
            assert AccessEvent.objects.filter(pupil=pupil).count() == before


@pytest.mark.parametrize("person", PEOPLE)
def test_pupil_list_is_the_scope(world, api, person):
    r = api.get(getattr(world, person), "/pupils")
    assert r.status_code == 200
    names = {item["name"].split()[0].lower() for item in r.json()["items"]}
    assert names == SEES[person]
    assert r.json()["count"] == len(SEES[person])


@pytest.mark.parametrize("person", PEOPLE)
def test_shortfalls_only_for_senco_and_head(world, api, person):
    r = api.get(getattr(world, person), "/provision/shortfalls")
    if person in OVERSEES:
        assert r.status_code == 200
    else:
        assert (r.status_code, r.json()) == (404, {"detail": "Not Found"})


def test_shortfalls_of_another_school_look_absent(world, api):
    theirs = api.get(world.senco, "/provision/shortfalls", school_id=world.other.pk)
    nowhere = api.get(world.senco, "/provision/shortfalls", school_id=99999)
    assert theirs.status_code == nowhere.status_code == 404
    assert theirs.content == nowhere.content
