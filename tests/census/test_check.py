"""The census check page and GET /api/v1/census/sen-check as the world's people: the SEN
figures the MIS will send, every kind of issue (each made the way it happens: through the
pupils services, or, for ranks with a gap, as an import from an MIS writes them), who may
see it, the access rows, and a query count that does not grow with the school."""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from schemathesis.core import NOT_SET

from sendesk.audit.models import AccessEvent
from sendesk.pupils.models import Pupil, PupilNeed, SenStatusPeriod
from sendesk.pupils.services import pupil_create, pupil_set_needs, pupil_set_sen_status
from sendesk.pupils.upn import make_upn
from sendesk.schools.models import Role, StaffRole
from tests.api.conftest import Api
from tests.api.openapi_check import ANSWER_CHECKS, WsgiApp, schema
from tests.world import TODAY


def words(response) -> str:
    """The page's words with the markup taken out and the spaces made single."""
    body = html.unescape(response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace(" ,", ",")


@pytest.fixture
def send(client):
    """send(person, status, **query) -> the answer's JSON, checked against the document."""
    api, app = Api(client), WsgiApp()

    def call(person, status, **query):
        case = schema["/api/v1/census/sen-check"]["GET"].Case(query=query or None, body=NOT_SET)
        headers = {"Authorization": f"Bearer {api.token(person)}"}
        response = case.call(headers=headers, app=app)
        case.validate_response(response, checks=ANSWER_CHECKS)
        assert response.status_code == status, response.text
        return response.json()

    yield call
    app.close()


def _new(world, first, status, needs, serial):
    return pupil_create(
        actor=world.senco,
        school_id=world.school.pk,
        data={
            "upn": make_upn("123", "4567", 2019, serial),
            "legal_first_name": first,
            "legal_last_name": "Newcomer",
            "date_of_birth": dt.date(2018, 6, 1),
            "year_group": world.y3,
        },
        sen_status=status,
        needs=needs,
    )


@pytest.fixture
def troubles(world, now):
    """After the autumn census (1 October 2026), on 18 November: Cara made E with no EHC
    plan, Ben made K though his EHC plan is active, Dan's need taken away, Cara's need
    ranked 2 by an MIS import, Eve new with E and NSA, Finn new with N and a need."""
    pupil_set_sen_status(actor=world.senco, pupil=world.cara, status="E")
    pupil_set_sen_status(actor=world.senco, pupil=world.ben, status="K")
    pupil_set_needs(actor=world.senco, pupil=world.dan, needs=[])
    PupilNeed.objects.filter(pupil=world.cara).update(rank=2)
    eve = _new(world, "Eve", "E", ["NSA"], 40)
    finn = _new(world, "Finn", "N", ["MLD"], 41)
    return eve, finn


def test_the_figures_the_mis_will_send_and_nothing_wrong(world, as_user, now):
    r = as_user(world.senco).get("/census/")
    assert r.status_code == 200
    text = words(r)
    assert "Spring census 2027: Thursday 21 January 2027" in text
    assert "Census day is in 64 days." in text
    assert "The last census day was Thursday 1 October 2026" in text
    # Test Primary only: Olly Oak is at the other school.
    assert "3 pupils on roll; 3 on the SEN register." in text
    assert "E — EHC plan 1" in text and "K — SEN support 2" in text and "N — no SEN 0" in text
    # Need, primary E, primary K, primary in all, secondary.
    assert "ASD Autistic spectrum disorder 1 0 1 0" in text
    assert "SLCN Speech, language and communication needs 0 0 0 1" in text
    assert "SPLD Specific learning difficulty 0 1 1 0" in text
    assert "SEMH Social, emotional and mental health 0 1 1 0" in text
    assert "MLD Moderate learning difficulty 0 0 0 0" in text
    assert "Nothing looks wrong" in text
    assert not AccessEvent.objects.filter(what="census check").exists()


def test_every_kind_of_issue_names_its_pupil(world, as_user, troubles):
    eve, finn = troubles
    r = as_user(world.head).get("/census/")
    assert r.status_code == 200
    text = words(r)

    assert "Status E without an EHC plan on record (2)" in text
    assert "Cara Clark, Year 4: E (EHC plan), but no EHC plan is recorded in SENDesk." in text
    assert "Eve Newcomer, Year 3: E (EHC plan), but no EHC plan is recorded in SENDesk." in text
    assert "An EHC plan on record, but the status is not E (1)" in text
    assert "Ben Brown, Year 3: Has an active EHC plan, but is K (SEN support)." in text
    assert "On the SEN register with no need recorded (1)" in text
    assert "Dan Dale, Year 3: K (SEN support), but no need is recorded." in text
    assert "Status E with the need NSA (1)" in text
    assert "Eve Newcomer, Year 3: E (EHC plan) with the need NSA (needs: NSA)." in text
    assert "Needs not ranked 1, 2, 3… (1)" in text
    assert "Cara Clark, Year 4: Needs ranked SPLD 2: rank them from 1, with no gaps." in text
    assert "Needs recorded, but the status is N (1)" in text
    assert "Finn Newcomer, Year 3: N (no SEN), but needs are recorded: MLD." in text
    assert "SEN status changed since the last census (2)" in text
    assert (
        "Ben Brown, Year 3: E (EHC plan) at the census of 1 October 2026; K (SEN support) now."
        in text
    )
    assert (
        "Cara Clark, Year 4: K (SEN support) at the census of 1 October 2026; E (EHC plan) now."
        in text
    )
    assert "Needs changed since the last census (1)" in text
    assert "Dan Dale, Year 3: Needs at the census of 1 October 2026: SEMH. Now: none." in text
    assert "New on the SEN register since the last census (1)" in text
    assert "Eve Newcomer, Year 3: Added after the census of 1 October 2026, as E (EHC plan)." in (
        text
    )
    assert "Nothing looks wrong" not in text
    # Each issue links to the pupil's page and to where their status and needs are changed.
    body = r.content.decode()
    for pupil in (world.ben, world.cara, world.dan, eve, finn):
        assert f'href="/pupils/{pupil.pk}/"' in body
        assert f'href="/pupils/{pupil.pk}/edit/"' in body
    # The figures are today's: Cara and Eve are E, Ben and Dan K, Finn N.
    assert "E — EHC plan 2" in text and "K — SEN support 2" in text and "N — no SEN 1" in text
    assert "5 pupils on roll; 4 on the SEN register." in text
    # A view of each pupil it names, written once for the page, and of no one else.
    seen = AccessEvent.objects.filter(what="census check", actor=world.head, via="web")
    assert set(seen.values_list("pupil", flat=True)) == {
        world.ben.pk, world.cara.pk, world.dan.pk, eve.pk, finn.pk
    }  # fmt: skip
    assert seen.count() == 5


def test_a_pupil_without_a_upn_is_flagged_first(world, as_user, now):
    """An import may bring a pupil without a UPN; the census cannot name them."""
    Pupil.objects.filter(pk=world.dan.pk).update(upn="")
    text = words(as_user(world.senco).get("/census/"))
    assert "No UPN in SENDesk (1) The census names every pupil by their UPN." in text
    assert "Dan Dale, Year 3: No UPN is recorded." in text
    assert "1 thing to check." in text
    assert "Cara Clark, Year 4: No UPN" not in text


def test_a_change_undone_before_the_census_is_no_issue(world, as_user, now):
    """K, then E, then K again, and needs changed and changed back: the MIS sends what it
    sent last time, nothing to check. Changes on or before the census day are in the last
    return, so only what came after counts."""
    now.move_to(dt.datetime(2026, 9, 20, 10, tzinfo=dt.UTC))
    pupil_set_needs(actor=world.senco, pupil=world.cara, needs=["SPLD", "VI"])
    now.move_to(dt.datetime(2026, 11, 18, 10, tzinfo=dt.UTC))
    pupil_set_sen_status(actor=world.senco, pupil=world.dan, status="E", start=TODAY)
    pupil_set_sen_status(
        actor=world.senco, pupil=world.dan, status="K", start=TODAY + dt.timedelta(days=1)
    )
    pupil_set_needs(actor=world.senco, pupil=world.cara, needs=["VI", "SPLD"])
    pupil_set_needs(actor=world.senco, pupil=world.cara, needs=["SPLD", "VI"])
    text = words(as_user(world.senco).get("/census/"))
    assert "Nothing looks wrong" in text, text.split("What looks wrong", 1)[1]
    # Cara's change in September was in the October return: counted, not flagged.
    assert "VI Visual impairment 0 0 0 1" in text


def test_only_those_who_oversee_the_school_see_it(world, as_user, now):
    for person in ("alice", "bob", "tess", "hana", "dsl", "theo", "pat", "nobody"):
        assert as_user(getattr(world, person)).get("/census/").status_code == 404, person
    assert as_user(world.senco).get(f"/census/?school={world.other.pk}").status_code == 404
    assert as_user(world.senco).get("/census/?school=nonsense").status_code == 404
    # Olga oversees the other school: its one pupil, K with no need, and nobody of ours.
    text = words(as_user(world.olga).get("/census/"))
    assert "Census check Other School" in text
    assert "Olly Oak, Year 3: K (SEN support), but no need is recorded." in text
    assert "Ben Brown" not in text and "1 pupil on roll; 1 on the SEN register." in text


def test_the_nav_offers_it_to_the_senco_and_the_head_only(world, as_user, now):
    assert 'href="/census/"' in as_user(world.senco).get("/census/").content.decode()
    assert 'href="/census/"' not in as_user(world.tess).get("/pupils/").content.decode()


def _pupils(world, n, start):
    """n more pupils as an MIS import leaves them: half K with two needs, half E with none
    and no plan, each with a status history from the start of term."""
    pupils = Pupil.objects.bulk_create(
        Pupil(
            school=world.school, upn=make_upn("123", "4567", 2019, start + i),
            legal_first_name=f"Extra{i}", legal_last_name="Pupil",
            date_of_birth=dt.date(2018, 1, 1), year_group=world.y4,
            sen_status="K" if i % 2 else "E",
        )
        for i in range(n)
    )  # fmt: skip
    SenStatusPeriod.objects.bulk_create(
        SenStatusPeriod(pupil=p, status=p.sen_status, start=dt.date(2026, 9, 3)) for p in pupils
    )
    PupilNeed.objects.bulk_create(
        PupilNeed(pupil=p, code=code, rank=rank)
        for p in pupils
        if p.sen_status == "K"
        for rank, code in ((1, "MLD"), (3, "HI"))
    )
    return pupils


def test_the_query_count_does_not_grow_with_the_school(world, as_user, troubles):
    client = as_user(world.senco)
    client.get("/census/")  # the session's first-request work out of the way

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            r = client.get("/census/")
        assert r.status_code == 200
        return len(ctx.captured_queries), words(r)

    small, _ = queries()
    _pupils(world, 40, 100)
    large, text = queries()
    assert large == small
    assert "45 pupils on roll" in text
    assert "Status E without an EHC plan on record (22)" in text
    assert "Needs not ranked 1, 2, 3… (21)" in text
    assert "MLD Moderate learning difficulty 0 20 20 0" in text
    assert "HI Hearing impairment 0 0 0 20" in text


def test_the_check_as_json(world, send, troubles):
    eve, finn = troubles
    data = send(world.senco, 200)
    assert set(data) == {
        "school_id", "census_day", "census_name", "last_census_day", "counts", "issues"
    }  # fmt: skip
    assert (data["school_id"], data["census_day"], data["census_name"]) == (
        world.school.pk, "2027-01-21", "Spring census 2027"
    )  # fmt: skip
    assert data["last_census_day"] == "2026-10-01"
    counts = data["counts"]
    assert counts["on_roll"] == 5
    assert counts["by_provision"] == {"E": 2, "K": 2, "N": 1}
    needs = {n["code"]: n for n in counts["by_need"]}
    assert len(needs) == 13
    assert needs["SPLD"] == {
        "code": "SPLD", "label": "Specific learning difficulty", "primary": 1,
        "primary_e": 1, "primary_k": 0, "secondary": 0,
    }  # fmt: skip
    assert needs["ASD"]["primary_k"] == 1 and needs["SLCN"]["secondary"] == 1
    assert needs["NSA"]["primary_e"] == 1
    found = {(i["pupil_id"], i["kind"]) for i in data["issues"]}
    assert found == {
        (str(world.cara.pk), "e_without_plan"), (str(eve.pk), "e_without_plan"),
        (str(world.ben.pk), "plan_without_e"), (str(world.dan.pk), "no_need"),
        (str(eve.pk), "nsa_with_plan"), (str(world.cara.pk), "not_ranked"),
        (str(finn.pk), "needs_without_sen"), (str(world.ben.pk), "status_changed"),
        (str(world.cara.pk), "status_changed"), (str(world.dan.pk), "needs_changed"),
        (str(eve.pk), "new_on_register"),
    }  # fmt: skip
    dan = next(i for i in data["issues"] if i["kind"] == "needs_changed")
    assert dan == {
        "kind": "needs_changed", "title": "Needs changed since the last census",
        "pupil_id": str(world.dan.pk), "pupil_name": "Dan Dale", "year_group": "Year 3",
        "sen_status": "K",
        "message": "Needs at the census of 1 October 2026: SEMH. Now: none.",
    }  # fmt: skip
    seen = AccessEvent.objects.filter(what="census check", actor=world.senco, via="api")
    assert seen.count() == 5


def test_the_api_answers_404_to_anyone_else(world, send, now):
    missing = {"detail": "Not Found"}
    for person in ("alice", "tess", "hana", "dsl"):
        assert send(getattr(world, person), 404) == missing
    assert send(world.senco, 404, school=world.other.pk) == missing
    assert send(world.head, 200)["counts"]["on_roll"] == 3
    other = send(world.olga, 200)
    assert other["school_id"] == world.other.pk and other["counts"]["on_roll"] == 1
    assert [i["kind"] for i in other["issues"]] == ["no_need"]


def test_someone_at_two_schools_picks_one(world, as_user, now):
    StaffRole.objects.create(user=world.senco, school=world.other, role=Role.SENCO)
    client = as_user(world.senco)
    first = client.get("/census/")
    assert "Census check Test Primary" in words(first)
    assert f'<option value="{world.other.pk}">Other School</option>' in first.content.decode()
    text = words(client.get(f"/census/?school={world.other.pk}"))
    assert "Census check Other School" in text and "Olly Oak" in text and "Ben Brown" not in text


def test_on_census_day_it_is_today_and_the_last_is_the_one_before(world, as_user, now):
    now.move_to(dt.datetime(2027, 1, 21, 8, tzinfo=dt.UTC))
    text = words(as_user(world.senco).get("/census/"))
    assert "Spring census 2027: Thursday 21 January 2027 Today is census day." in text
    assert "The last census day was Thursday 1 October 2026 (Autumn census 2026)" in text


def test_the_roll_is_census_days(world, send, as_user):
    """A leaving recorded ahead, before census day, takes the pupil off the census roll; one
    after census day does not (issue 12's leavers, as the second review found)."""
    assert send(world.head, 200)["counts"]["on_roll"] == 3
    senco = as_user(world.senco)
    before = {"left_on": "2026-12-18", "reason": "transfer"}  # the end of the autumn term
    after = {"left_on": "2027-02-12", "reason": "transfer"}  # after the 21 January census
    assert senco.post(f"/pupils/{world.ben.pk}/leave/", before).status_code == 302
    assert senco.post(f"/pupils/{world.cara.pk}/leave/", after).status_code == 302
    assert send(world.head, 200)["counts"]["on_roll"] == 2
