"""The pupil's CTF for the next school, downloaded from the pupil page by the SENCO or head:
what it holds, that it reads back as the same pupil, who may have it, and that it is logged."""

import datetime as dt
import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.audit.models import AccessEvent
from sendesk.imports import ctf_export
from sendesk.imports.parsers.ctf import parse
from sendesk.imports.rows import Need
from sendesk.pupils.models import PupilNeed, SenStatusPeriod
from sendesk.schools.models import YearGroup
from tests.world import AUTUMN_START

WHAT = "CTF for the next school"


def url(pupil_id):
    return f"/pupils/{pupil_id}/ctf/"


def read_back(body: bytes):
    parsed = parse(io.BytesIO(body), "sent.xml")
    assert parsed.problems == []
    [row] = parsed.pupils
    return row


def test_the_senco_downloads_it_and_it_reads_back_as_the_same_pupil(world, as_user):
    ben = world.ben
    response = as_user(world.senco).get(url(ben.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="CTF_{ben.upn}.xml"'
    row = read_back(response.content)
    assert (row.upn, row.first_name, row.last_name, row.date_of_birth) == (
        ben.upn, "Ben", "Brown", ben.date_of_birth,
    )  # fmt: skip
    assert (row.nc_year, row.sen_status, row.sen_start) == (3, "E", AUTUMN_START)
    assert row.needs == [Need("ASD", 1), Need("SLCN", 2)]
    event = AccessEvent.objects.get(what=WHAT)
    assert (event.actor, event.pupil_id, event.via) == (world.senco, ben.pk, "web")


def test_the_whole_sen_history_goes_with_the_pupil(world, as_user):
    cara = world.cara
    SenStatusPeriod.objects.filter(pupil=cara).update(start=dt.date(2025, 9, 3))
    SenStatusPeriod.objects.filter(pupil=cara).update(end=dt.date(2026, 1, 9))
    SenStatusPeriod.objects.create(pupil=cara, status="N", start=dt.date(2024, 9, 4),
                                   end=dt.date(2025, 9, 2))  # fmt: skip
    SenStatusPeriod.objects.create(pupil=cara, status="E", start=dt.date(2026, 1, 10))
    PupilNeed.objects.create(pupil=cara, code="SLCN", rank=2)
    body = as_user(world.head).get(url(cara.pk)).content.decode()
    starts = [body.index(f"<StartDate>{d}</StartDate>") for d in
              ("2024-09-04", "2025-09-03", "2026-01-10")]  # fmt: skip
    assert starts == sorted(starts)  # oldest first, as a history reads
    assert "<SENprovision>N</SENprovision>" in body
    row = read_back(body.encode())
    assert (row.sen_status, row.sen_start) == ("E", dt.date(2026, 1, 10))
    assert row.needs == [Need("SPLD", 1), Need("SLCN", 2)]


def test_the_header_names_the_sending_school_and_an_unknown_destination(world, as_user, now):
    body = as_user(world.senco).get(url(world.ben.pk)).content.decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<CTfile><Header>')
    for element in (
        "<DocumentName>Common Transfer File</DocumentName>",
        "<DateTime>2026-11-18T10:00:00</DateTime>",
        "<SourceSchool><LEA>123</LEA><URN>100001</URN><SchoolName>Test Primary</SchoolName>"
        "<AcademicYear>2026</AcademicYear></SourceSchool>",
        "<DestSchool><LEA>MMM</LEA><Estab>MMMM</Estab></DestSchool>",
    ):
        assert element in body


def test_only_what_a_ctf_carries_never_plans_strategies_or_the_profile(world, as_user):
    body = as_user(world.senco).get(url(world.ben.pk)).content.decode()
    for private in ("talk about his day", "five-minute warning", "likes trains"):
        assert private not in body


def test_names_are_escaped_and_a_preferred_name_and_reception_survive(world, as_user):
    cara = world.cara
    reception = YearGroup.objects.create(school=world.school, name="Reception", ordinal=0)
    cara.legal_last_name = "O'Neill & <Sons>"
    cara.preferred_name = "Cee"
    cara.year_group = reception
    cara.save()
    row = read_back(as_user(world.senco).get(url(cara.pk)).content)
    assert (row.last_name, row.preferred_name, row.nc_year) == ("O'Neill & <Sons>", "Cee", 0)


def test_a_status_without_a_dated_history_is_sent_without_a_start(world, as_user):
    SenStatusPeriod.objects.filter(pupil=world.dan).delete()
    row = read_back(as_user(world.senco).get(url(world.dan.pk)).content)
    assert (row.sen_status, row.sen_start, row.needs) == ("K", None, [Need("SEMH", 1)])


def test_a_pupil_still_waiting_for_a_upn_is_sent_without_one(world):
    # Imports may bring in a pupil without a UPN ("UPN needed"): the file says nothing
    # rather than something wrong, and is named by SENDesk's own id.
    pupil = world.dan
    pupil.upn = ""
    body = ctf_export.build(pupil)
    assert b"<UPN>" not in body
    assert ctf_export.filename(pupil) == f"CTF_{pupil.pk}.xml"
    row = read_back(body)
    assert (row.upn, row.first_name, row.sen_status) == ("", "Dan", "K")


def test_nursery_years_are_written_as_the_ctf_codes(world):
    assert [ctf_export._nc_year(o) for o in (-2, -1, 0, 1, 11)] == ["N1", "N2", "R", "1", "11"]


def test_the_query_count_is_fixed(world, as_user):
    client = as_user(world.senco)
    client.get(url(world.cara.pk))  # the session and roles warmed, as on any later request

    def queries(pupil):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(pupil.pk)).status_code == 200
        return len(ctx.captured_queries)

    few = queries(world.dan)
    SenStatusPeriod.objects.bulk_create(
        SenStatusPeriod(pupil=world.ben, status="K", start=dt.date(y, 9, 1), end=dt.date(y, 12, 1))
        for y in range(2010, 2020)
    )
    assert queries(world.ben) == few


@pytest.mark.parametrize("person", ["alice", "tess", "hana", "dsl", "bob", "nobody", "olga"])
def test_everyone_else_gets_the_missing_page_and_nothing_is_logged(world, as_user, person):
    client = as_user(getattr(world, person))
    nothing = client.get(url(uuid.uuid4()))
    response = client.get(url(world.ben.pk))
    assert response.status_code == 404
    assert response.content == nothing.content
    assert not AccessEvent.objects.filter(what=WHAT).exists()


def test_the_senco_of_another_school_gets_only_her_own_pupils(world, as_user):
    client = as_user(world.olga)
    assert client.get(url(world.olly.pk)).status_code == 200
    assert client.get(url(world.ben.pk)).status_code == 404


def test_the_pupil_page_links_to_it_for_the_senco_and_head_only(world, as_user):
    link = f'href="{url(world.ben.pk)}" download>Download CTF for the next school (XML)'
    for person, shown in (("senco", True), ("head", True), ("dsl", False), ("alice", False)):
        page = as_user(getattr(world, person)).get(f"/pupils/{world.ben.pk}/").content.decode()
        assert (link in page) is shown, person


def test_a_post_is_refused(world, as_user):
    assert as_user(world.senco).post(url(world.ben.pk)).status_code == 405
