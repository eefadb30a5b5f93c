"""POST /api/v1/subject-access opens a request about a pupil or a member of staff (201,
the deadline one calendar month on), gathered in the background; GET
/api/v1/subject-access/{id} gives its status, deadline and, once ready, the download
links; who may, and the same 404 for out of reach as for nonexistent."""

import datetime as dt
import uuid

from django_tasks_db.models import DBTaskResult

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.records.models import SubjectAccessRequest as Sar

from .conftest import read_json, run_the_worker


def test_the_head_opens_a_request_about_a_pupil_and_it_is_gathered_in_the_background(world, api):
    r = api.post(
        world.head,
        "/subject-access",
        {"pupil_id": str(world.ben.pk), "requester": "Mrs B Brown (mother)"},
    )
    assert r.status_code == 201, r.content
    out = r.json()
    assert (out["status"], out["deadline"], out["received_on"]) == (
        "queued",
        "2026-12-18",
        "2026-11-18",
    )
    assert (out["subject"], out["pupil_id"], out["staff_id"], out["download"]) == (
        "pupil",
        str(world.ben.pk),
        None,
        None,
    )
    assert out["safeguarding"] == "pending"
    sar = Sar.objects.get(pk=out["id"])
    assert (sar.opened_by, sar.requester, sar.school) == (
        world.head,
        "Mrs B Brown (mother)",
        world.school,
    )
    # Logged in the trail, and queued for the worker rather than built in the request.
    row = AuditEvent.objects.get(object_type="records.subjectaccessrequest")
    assert (row.action, row.actor, row.school) == ("create", world.head, world.school)
    assert row.after["pupil_id"] == str(world.ben.pk)
    # Kept out of Ben's change history, which the SENCO reads.
    assert row.pupil_id is None
    assert DBTaskResult.objects.get().status == "READY"
    assert run_the_worker() == 1
    out = api.get(world.head, f"/subject-access/{sar.pk}").json()
    assert out["status"] == "ready"
    assert set(out["download"]) == {"pdf", "json"}
    pdf = api.client.get(out["download"]["pdf"], **api._auth(world.head))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    doc = read_json(api.client.get(out["download"]["json"], **api._auth(world.head)))
    assert doc["request"]["subject"] == "Ben Brown"
    assert (
        AccessEvent.objects.filter(
            pupil=world.ben, actor=world.head, what="subject access download", via="api"
        ).count()
        == 2
    )


def test_the_dpo_opens_a_request_about_a_member_of_staff(world, api, dpo):
    r = api.post(
        dpo,
        "/subject-access",
        {"staff_id": world.alice.pk, "requester": "Alice", "received_on": "2027-01-31"},
    )
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"received_on"}  # not in the future
    r = api.post(
        dpo,
        "/subject-access",
        {"staff_id": world.alice.pk, "requester": "Alice", "received_on": "2026-10-31"},
    )
    assert r.status_code == 201, r.content
    out = r.json()
    # One calendar month, and November has no 31st: its last day.
    assert (out["subject"], out["staff_id"], out["deadline"]) == (
        "staff",
        world.alice.pk,
        "2026-11-30",
    )
    run_the_worker()
    out = api.get(dpo, f"/subject-access/{out['id']}").json()
    assert out["status"] == "ready"


def test_bad_input_names_each_field(world, api):
    r = api.post(world.head, "/subject-access", {"requester": " "})
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"subject", "requester"}
    r = api.post(
        world.head,
        "/subject-access",
        {"pupil_id": str(world.ben.pk), "staff_id": world.alice.pk, "requester": "X"},
    )
    assert r.status_code == 422 and set(r.json()["errors"]) == {"subject"}
    r = api.post(world.head, "/subject-access", {"pupil_id": "not-an-id", "requester": "X"})
    assert r.status_code == 422
    assert Sar.objects.count() == 0


def test_only_the_head_and_dpo_open_and_out_of_reach_is_a_404_like_nonexistent(world, api):
    body = {"pupil_id": str(world.ben.pk), "requester": "Mrs B Brown"}
    for person in (world.senco, world.dsl, world.alice, world.tess, world.olga, world.pat):
        r = api.post(person, "/subject-access", body)
        assert r.status_code == 404, person
    ghost = api.post(world.head, "/subject-access", {**body, "pupil_id": str(uuid.uuid4())})
    assert ghost.status_code == 404
    other = api.post(world.head, "/subject-access", {**body, "pupil_id": str(world.olly.pk)})
    assert (other.status_code, other.content) == (ghost.status_code, ghost.content)
    # A member of staff of another school, or a user id that is nobody's.
    olga = api.post(world.head, "/subject-access", {"staff_id": world.olga.pk, "requester": "O"})
    assert olga.status_code == 404
    assert (
        api.post(world.head, "/subject-access", {"staff_id": 999999, "requester": "O"}).status_code
        == 404
    )
    assert Sar.objects.count() == 0


def test_reading_a_request_is_for_its_schools_head_and_dpo_only(world, api, dpo):
    sar_id = api.post(
        world.head, "/subject-access", {"pupil_id": str(world.ben.pk), "requester": "Mrs B Brown"}
    ).json()["id"]
    assert api.get(dpo, f"/subject-access/{sar_id}").status_code == 200
    missing = api.get(world.head, f"/subject-access/{uuid.uuid4()}")
    assert missing.status_code == 404
    for person in (world.senco, world.dsl, world.alice, world.olga):
        r = api.get(person, f"/subject-access/{sar_id}")
        assert (r.status_code, r.content) == (404, missing.content), person
    run_the_worker()
    link = f"/api/v1/subject-access/{sar_id}/download/pdf"
    for person in (world.senco, world.dsl, world.olga):
        assert api.client.get(link, **api._auth(person)).status_code == 404
    assert api.client.get(link, **api._auth(world.head)).status_code == 200
    bad = f"/api/v1/subject-access/{sar_id}/download/exe"
    assert api.client.get(bad, **api._auth(world.head)).status_code == 404


def test_the_deadline_is_one_calendar_month(world):
    from sendesk.records.services import one_month_after

    assert one_month_after(dt.date(2027, 1, 31)) == dt.date(2027, 2, 28)
    assert one_month_after(dt.date(2028, 1, 30)) == dt.date(2028, 2, 29)
    assert one_month_after(dt.date(2026, 12, 15)) == dt.date(2027, 1, 15)
    assert one_month_after(dt.date(2026, 8, 31)) == dt.date(2026, 9, 30)
