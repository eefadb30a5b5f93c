"""Who sees an appraisal: the appraisee, their line manager and the head; everyone else gets
the same 404 as for an appraisal that does not exist (the SENCO too, unless they are the
line manager)."""

import pytest

from sendesk.appraisal.models import Appraisal
from sendesk.staff.models import StaffMember

from .conftest import text

PAGES = ["", "objectives/new/", "start/", "mid/", "end/amend/"]


@pytest.mark.parametrize("who", ["alice", "hana", "head"])
def test_appraisee_line_manager_and_head_see_it(appraisal, as_user, who, team):
    r = as_user(getattr(team, who)).get(f"/appraisal/{appraisal.pk}/")
    assert r.status_code == 200
    body = text(r)
    assert "Alice Assistant" in body and "Appraisal 2026/27" in body
    assert "Mid-year review" in body and "Professional practice" in body


@pytest.mark.parametrize("who", ["senco", "bob", "tess", "dsl", "pat", "olga", "theo"])
@pytest.mark.parametrize("page", PAGES)
def test_everyone_else_gets_not_found(appraisal, as_user, team, who, page):
    client = as_user(getattr(team, who))
    missing = client.get(f"/appraisal/{appraisal.pk + 999}/{page}")
    r = client.get(f"/appraisal/{appraisal.pk}/{page}")
    assert r.status_code == missing.status_code == 404
    assert r.content == missing.content


@pytest.mark.parametrize("who", ["senco", "bob", "tess", "dsl", "pat"])
def test_nobody_else_can_sign_or_write(appraisal, as_user, team, who):
    client = as_user(getattr(team, who))
    assert client.post(f"/appraisal/{appraisal.pk}/start/sign/").status_code == 404
    r = client.post(f"/appraisal/{appraisal.pk}/start/", {"own_review": "x", "summary": "x"})
    assert r.status_code == 404
    assert not appraisal.reviews.exclude(own_review="", summary="").exists()


def test_senco_sees_it_when_they_are_the_line_manager(appraisal, as_user, team):
    StaffMember.objects.filter(user=team.alice).update(line_manager=team.senco)
    assert as_user(team.senco).get(f"/appraisal/{appraisal.pk}/").status_code == 200
    # ... and the former line manager no longer does.
    assert as_user(team.hana).get(f"/appraisal/{appraisal.pk}/").status_code == 404


def test_the_list_shows_only_what_each_may_see(appraisal, as_user, team):
    bob_appraisal = Appraisal.objects.create(
        school=team.school, appraisee=team.bob, year=2026, started_by=team.hana,
        started_at=appraisal.started_at,
    )  # fmt: skip
    assert bob_appraisal.pk
    alice_list = text(as_user(team.alice).get("/appraisal/"))
    assert "Your appraisal" in alice_list and "Bob Assistant" not in alice_list
    hana_list = text(as_user(team.hana).get("/appraisal/"))
    assert "Alice Assistant — 2026/27" in hana_list and "Bob Assistant — 2026/27" in hana_list
    senco_list = text(as_user(team.senco).get("/appraisal/"))
    assert "Alice Assistant" not in senco_list and "Bob Assistant" not in senco_list
    assert as_user(team.pat).get("/appraisal/").status_code == 404


def test_only_line_manager_or_head_opens_one(team, as_user):
    r = as_user(team.bob).get("/appraisal/new/")
    assert r.status_code == 404
    r = as_user(team.hana).post("/appraisal/new/", {"appraisee_id": team.tess.pk, "year": 2026})
    assert r.status_code == 422
    assert "only for the people you manage" in text(r)
    assert not Appraisal.objects.exists()
    r = as_user(team.hana).post("/appraisal/new/", {"appraisee_id": team.bob.pk, "year": 2026})
    assert r.status_code == 302
    made = Appraisal.objects.get()
    assert (made.appraisee, made.year, made.reviews.count()) == (team.bob, 2026, 3)
    r = as_user(team.head).post("/appraisal/new/", {"appraisee_id": team.tess.pk, "year": 2026})
    assert r.status_code == 302


def test_bad_input_when_opening(team, as_user):
    client = as_user(team.hana)
    r = client.post("/appraisal/new/", {"appraisee_id": "abc", "year": "1999"})
    assert r.status_code == 422
    body = text(r)
    assert 'class="error-summary"' in body
    r = client.post("/appraisal/new/", {"appraisee_id": team.bob.pk, "year": 2026})
    r = client.post("/appraisal/new/", {"appraisee_id": team.bob.pk, "year": 2026})
    assert r.status_code == 422 and "already has an appraisal" in text(r)
    assert Appraisal.objects.count() == 1
