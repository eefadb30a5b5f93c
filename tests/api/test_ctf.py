"""GET /api/v1/pupils/{id}/ctf: the pupil's Common Transfer File (XML) for the next school,
for the SENCO and head of the pupil's school; 404 (as for no pupil) for everyone else."""

import io
import uuid

import pytest

from sendesk.audit.models import AccessEvent
from sendesk.imports.parsers.ctf import parse
from sendesk.imports.rows import Need

PEOPLE = ["alice", "bob", "tess", "tom", "hana", "senco", "head", "dsl", "olga", "nobody"]
SENDS = {"senco": {"ben", "cara", "dan"}, "head": {"ben", "cara", "dan"}, "olga": {"olly"}}


def test_the_senco_gets_xml_that_reads_back_as_the_pupil(world, api):
    r = api.get(world.senco, f"/pupils/{world.ben.pk}/ctf")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/xml; charset=utf-8"
    assert r["Content-Disposition"] == f'attachment; filename="CTF_{world.ben.upn}.xml"'
    parsed = parse(io.BytesIO(r.content), "ctf.xml")
    assert parsed.problems == []
    [row] = parsed.pupils
    assert (row.upn, row.first_name, row.last_name, row.sen_status) == (
        world.ben.upn, "Ben", "Brown", "E",
    )  # fmt: skip
    assert row.needs == [Need("ASD", 1), Need("SLCN", 2)]
    event = AccessEvent.objects.get(what="CTF for the next school")
    assert (event.actor, event.pupil_id, event.via) == (world.senco, world.ben.pk, "api")


@pytest.mark.parametrize("person", PEOPLE)
def test_who_may_have_it(world, api, person):
    user = getattr(world, person)
    missing = api.get(user, f"/pupils/{uuid.uuid4()}/ctf")
    assert missing.status_code == 404
    garbled = api.get(user, "/pupils/not-an-id/ctf")
    assert (garbled.status_code, garbled.content) == (404, missing.content)
    for name in ("ben", "cara", "dan", "olly"):
        pupil = getattr(world, name)
        r = api.get(user, f"/pupils/{pupil.pk}/ctf")
        if name in SENDS.get(person, set()):
            assert r.status_code == 200, (person, name)
        else:
            assert (r.status_code, r.content) == (404, missing.content), (person, name)
            assert not AccessEvent.objects.filter(pupil=pupil, actor=user).exists()


def test_without_a_token_it_is_refused(world, client):
    assert client.get(f"/api/v1/pupils/{world.ben.pk}/ctf").status_code == 401


def test_the_openapi_document_describes_it_as_xml(world, client):
    doc = client.get("/api/v1/openapi.json").json()
    operation = doc["paths"]["/api/v1/pupils/{pupil_id}/ctf"]["get"]
    assert "application/xml" in operation["responses"]["200"]["content"]
