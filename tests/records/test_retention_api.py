"""The retention API: GET /api/v1/retention/due and POST /api/v1/retention/disposals, for
the head and DPO, refusing as the pages do."""

import datetime as dt

from sendesk.plans.models import Plan
from sendesk.pupils.models import Pupil
from sendesk.records.models import DisposalLog, LegalHold


def _old(world):
    Pupil.objects.filter(pk=world.ben.pk).update(
        date_of_birth=dt.date(1990, 1, 10), left_on=dt.date(2001, 7, 20)
    )


def test_the_head_lists_what_is_due_and_disposes_through_the_api(world, api, dpo):
    _old(world)
    due = api.get(world.head, "/retention/due").json()
    ben = {d["kind"]: d for d in due if d["pupil_id"] == str(world.ben.pk)}
    assert ben["sen"]["due_on"] == "2021-01-10" and ben["sen"]["state"] == "ready"
    assert ben["sen"]["rule"] == "Date of birth + 31 years" and not ben["sen"]["on_hold"]
    assert api.get(dpo, "/retention/due").status_code == 200
    r = api.post(dpo, "/retention/disposals", {"pupil_id": str(world.ben.pk), "kind": "sen"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["kinds"] == ["sen"] and body["counts"]["plans_plan"] >= 1
    assert DisposalLog.objects.get().decided_by == dpo
    assert not Plan.objects.filter(pupil=world.ben).exists()


def test_refusals_are_409_and_out_of_reach_is_404(world, api):
    _old(world)
    body = {"pupil_id": str(world.ben.pk), "kind": "sen"}
    LegalHold.objects.create(
        school=world.school, pupil=world.ben, reason="A claim", placed_by=world.head,
        placed_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    r = api.post(world.head, "/retention/disposals", body)
    assert r.status_code == 409 and "legal hold" in r.json()["detail"]
    r = api.post(world.head, "/retention/disposals", {**body, "pupil_id": str(world.dan.pk)})
    assert r.status_code == 409 and "not due" in r.json()["detail"]
    for person in (world.senco, world.alice, world.dsl, world.olga):
        assert api.get(person, "/retention/due").status_code == 404
        assert api.post(person, "/retention/disposals", body).status_code == 404
    assert Plan.objects.filter(pupil=world.ben).exists()
