"""Review 12 probes: subject access requests."""

import uuid

from sendesk.accounts.models import User
from sendesk.schools.models import Role, StaffRole
from tests.records.conftest import MARKER, download_texts, open_request, run_the_worker
from tests.world import PASSWORD


def test_a_name_broken_over_two_lines_is_redacted_too(world, as_user):
    world.ben.what_matters = "Ben plays with Cara\nClark and CARA  CLARK at lunch."
    world.ben.save()
    head = as_user(world.head)
    sar = open_request(head, pupil=str(world.ben.pk))
    head.post(f"/subject-access/{sar.pk}/redact/", {"terms": "Cara Clark"})
    run_the_worker()
    doc, text = download_texts(head, sar)
    assert "Clark" not in doc and "Clark" not in text.replace("\n", " ")


def test_after_a_no_nothing_of_safeguarding_in_the_pdf_text_or_json(world, as_user):
    from tests.safeguarding.conftest import report

    report(world.alice, world.ben)
    dsl = as_user(world.dsl)
    head = as_user(world.head)
    sar = open_request(head, pupil=str(world.ben.pk))
    dsl.post(f"/subject-access/{sar.pk}/safeguarding/",
             {"include": "no", "reason": f"Risk to the child {MARKER}"})  # fmt: skip
    run_the_worker()
    doc, text = download_texts(head, sar)
    for word in (MARKER, "bruise", "Risk to the child"):
        assert word not in doc and word not in text, word


def test_a_head_of_another_school_reaches_nothing(world, as_user, api):
    other_head = User.objects.create_user("oh@other.example", PASSWORD, full_name="Otto Head")
    StaffRole.objects.create(user=other_head, school=world.other, role=Role.HEAD)
    head = as_user(world.head)
    sar = open_request(head, pupil=str(world.ben.pk))
    client = as_user(other_head)
    for path in ("/", "/safeguarding/", "/download/pdf/", "/download/json/"):
        assert client.get(f"/subject-access/{sar.pk}{path}").status_code == 404
    assert client.post(f"/subject-access/{sar.pk}/release/").status_code == 404
    assert client.post(f"/subject-access/{sar.pk}/redact/", {"terms": "x y"}).status_code == 404
    # Over the API: our pupil, our staff, our request.
    r = api.post(other_head, "/subject-access", {"pupil_id": str(world.ben.pk), "requester": "X"})
    assert r.status_code == 404
    r = api.post(other_head, "/subject-access", {"staff_id": world.alice.pk, "requester": "X"})
    assert r.status_code == 404
    assert api.get(other_head, f"/subject-access/{sar.pk}").status_code == 404
    # And our head: their pupil and their staff.
    assert (
        api.post(
            world.head, "/subject-access", {"pupil_id": str(world.olly.pk), "requester": "X"}
        ).status_code
        == 404
    )
    assert (
        api.post(
            world.head, "/subject-access", {"staff_id": world.olga.pk, "requester": "X"}
        ).status_code
        == 404
    )


def test_odd_ids_are_404_or_422_never_500(world, api):
    for body in (
        {"staff_id": 2**70, "requester": "X"},
        {"staff_id": 2**63, "requester": "X"},
        {"staff_id": -1, "requester": "X"},
        {"pupil_id": "nope", "requester": "X"},
        {"pupil_id": str(uuid.uuid4()), "staff_id": 1, "requester": "X"},
        {"pupil_id": str(world.ben.pk), "requester": "X" * 5000},
        {"pupil_id": str(world.ben.pk), "requester": "X", "received_on": "0001-01-01"},
    ):
        r = api.post(world.head, "/subject-access", body)
        assert r.status_code in (404, 422), (body, r.status_code, r.content[:200])
    for path in ("/subject-access/" + "9" * 50, "/subject-access/x/download/exe"):
        assert api.get(world.head, path).status_code == 404


def test_the_openapi_document_describes_the_download_as_pdf_or_json(world, client):
    doc = client.get("/api/v1/openapi.json").json()
    operation = doc["paths"]["/api/v1/subject-access/{sar_id}/download/{kind}"]["get"]
    assert {"application/pdf", "application/json"} <= set(
        operation["responses"]["200"].get("content", {})
    )
