import datetime as dt

import pytest

from sendesk.audit.models import AccessEvent
from sendesk.pupils.models import Contact, Pupil, PupilNeed
from sendesk.pupils.upn import make_upn


def test_list_item(world, api):
    r = api.get(world.alice, "/pupils")
    assert r.status_code == 200
    assert r.json() == {
        "count": 1,
        "items": [
            {
                "id": str(world.ben.pk),
                "school_id": world.school.pk,
                "upn": world.ben.upn,
                "name": "Ben Brown",
                "year_group": "Year 3",
                "sen_status": "E",
                "needs": [
                    {"code": "ASD", "label": "Autistic spectrum disorder",
                     "area": "Communication and interaction", "rank": 1},
                    {"code": "SLCN", "label": "Speech, language and communication needs",
                     "area": "Communication and interaction", "rank": 2},
                ],
            }
        ],
    }  # fmt: skip


def test_list_logs_each_pupil_named(world, api):
    # The list carries needs (special-category data), so each pupil named is logged.
    api.get(world.senco, "/pupils")
    logged = AccessEvent.objects.filter(actor=world.senco, what="pupil list", via="api")
    assert sorted(e.pupil.legal_first_name for e in logged) == ["Ben", "Cara", "Dan"]


def test_paging(world, api):
    r = api.get(world.senco, "/pupils", limit=2)
    assert [i["name"] for i in r.json()["items"]] == ["Ben Brown", "Cara Clark"]
    assert r.json()["count"] == 3
    r = api.get(world.senco, "/pupils", limit=2, offset=2)
    assert [i["name"] for i in r.json()["items"]] == ["Dan Dale"]
    assert r.json()["count"] == 3


@pytest.mark.parametrize(
    "params,field,words",
    [
        ({"limit": 501}, "limit", "at most 500"),
        ({"limit": 0}, "limit", "at least 1"),
        ({"limit": "ten"}, "limit", "whole number"),
        ({"offset": -1}, "offset", "at least 0"),
    ],
)
def test_bad_paging_is_422_naming_the_field(world, api, params, field, words):
    r = api.get(world.senco, "/pupils", **params)
    assert r.status_code == 422
    assert words in r.json()["errors"][field]
    assert field.capitalize() in r.json()["detail"]


def _more_pupils(world, n):
    for serial in range(100, 100 + n):
        pupil = Pupil.objects.create(
            school=world.school, upn=make_upn("123", "4567", 2019, serial),
            legal_first_name=f"Extra{serial}", legal_last_name="Pupil",
            date_of_birth=dt.date(2018, 1, 1), year_group=world.y4, sen_status="K",
        )  # fmt: skip
        PupilNeed.objects.create(pupil=pupil, code="MLD", rank=1)
        PupilNeed.objects.create(pupil=pupil, code="SEMH", rank=2)


def test_list_query_count_does_not_grow_with_pupils(world, api, count_queries):
    api.get(world.senco, "/pupils")  # the token's first use writes last_used
    few, queries_few = count_queries(lambda: api.get(world.senco, "/pupils"))
    _more_pupils(world, 30)
    many, queries_many = count_queries(lambda: api.get(world.senco, "/pupils"))
    assert many.json()["count"] == few.json()["count"] + 30
    # token, roles, page of pupils, their needs, count, the access chain's head, access rows
    assert queries_many == queries_few == 7


def test_profile(world, api):
    Contact.objects.create(pupil=world.ben, name="Beth Brown", relationship="Mother", phone="01234")
    world.ben.preferred_name = "Benny"
    world.ben.save()
    r = api.get(world.alice, f"/pupils/{world.ben.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == "Benny Brown"
    assert (body["legal_first_name"], body["legal_last_name"]) == ("Ben", "Brown")
    assert body["preferred_name"] == "Benny"
    assert body["date_of_birth"] == str(world.ben.date_of_birth)
    assert body["year_group"] == "Year 3"
    assert body["classes"] == [{"id": world.g3a.pk, "name": "3A"}]
    assert body["sen_status"] == "E" and body["sen_status_label"] == "E — EHC plan"
    assert body["sen_history"] == [{"status": "E", "start": "2026-09-03", "end": None}]
    assert [n["code"] for n in body["needs"]] == ["ASD", "SLCN"]
    assert body["profile"]["what_matters"] == "Ben likes trains and quiet spaces."
    assert [s["text"] for s in body["strategies"]] == ["Give a five-minute warning before changes"]
    assert body["contacts"][0]["name"] == "Beth Brown"
    assert body["contacts"][0]["relationship"] == "Mother"


def test_profile_writes_an_access_row(world, api):
    api.get(world.alice, f"/pupils/{world.ben.pk}")
    event = AccessEvent.objects.get()
    assert (event.actor, event.pupil, event.what, event.via) == (
        world.alice, world.ben, "pupil profile", "api",
    )  # fmt: skip


def test_profile_query_count_is_fixed(world, api, count_queries):
    api.get(world.alice, "/pupils")
    for i in range(5):
        Contact.objects.create(pupil=world.ben, name=f"Carer {i}", relationship="Carer", priority=i)
    r, queries = count_queries(lambda: api.get(world.alice, f"/pupils/{world.ben.pk}"))
    assert len(r.json()["contacts"]) == 5
    # token, roles, pupil, the access chain's head, access row, then groups, history, needs,
    # strategies, contacts
    assert queries == 10
