"""The subject access pages: the head opens a request and sees its deadline; the download
holds what the school has about Ben (his plan, his sessions, who looked at his records)
and no safeguarding until the DSL decides, with the decision and its reason audited;
other pupils' names are offered for redaction and go when marked; release waits for the
DSL; who may see which page."""

import uuid

from sendesk.audit.models import AuditEvent
from sendesk.records.models import SubjectAccessRequest as Sar

from .conftest import MARKER, read_json, run_the_worker


def _open(client, world, **changes):
    data = {
        "pupil": str(world.ben.pk),
        "staff": "",
        "requester": "Mrs B Brown (mother)",
        "received_on": "2026-11-16",
        **changes,
    }
    return client.post("/subject-access/new/", data)


def _download(client, sar, kind="json"):
    r = client.get(f"/subject-access/{sar.pk}/download/{kind}/")
    assert r.status_code == 200, r.status_code
    return read_json(r) if kind == "json" else b"".join(r.streaming_content)


def _text(doc) -> str:
    import json

    return json.dumps(doc["sections"])


def test_the_head_opens_a_request_and_sees_its_deadline(world, as_user):
    client = as_user(world.head)
    page = client.get("/subject-access/new/")
    assert page.status_code == 200 and "Ben Brown (Year 3)" in page.content.decode()
    r = _open(client, world)
    sar = Sar.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/subject-access/{sar.pk}/"
    page = client.get(r["Location"]).content.decode()
    assert "Wednesday 16 December 2026" in page and "28 days left" in page
    assert "being gathered" in page
    listed = client.get("/subject-access/").content.decode()
    assert "Ben Brown" in listed and "16 December 2026" in listed


def test_a_failed_form_keeps_what_was_typed_and_says_what_is_wrong(world, as_user):
    client = as_user(world.head)
    r = _open(client, world, pupil="", requester="Mrs B Brown (mother)", received_on="2027-01-01")
    assert r.status_code == 422
    page = r.content.decode()
    assert 'class="error-summary"' in page
    assert "Choose a pupil or a member of staff" in page
    assert "cannot be in the future" in page
    assert 'value="Mrs B Brown (mother)"' in page
    assert Sar.objects.count() == 0


def test_the_download_holds_bens_records_and_no_safeguarding_without_the_dsl(
    world, as_user, concern
):
    # Tess looks at Ben's page: the download says who has looked at his records.
    assert as_user(world.tess).get(f"/pupils/{world.ben.pk}/").status_code == 200
    client = as_user(world.head)
    _open(client, world)
    sar = Sar.objects.get()
    run_the_worker()
    doc = _download(client, sar)
    keys = {s["key"] for s in doc["sections"]}
    # His plan and its targets (one step away, through the plan), his provision, his needs.
    assert {
        "pupils.pupil",
        "plans.plan",
        "plans.target",
        "provision.provision",
        "pupils.pupilneed",
        "audit.accessevent",
    } <= keys
    assert not any(k.startswith("safeguarding.") for k in keys)
    assert MARKER not in _text(doc)
    assert doc["request"]["safeguarding"] == "Waiting for the DSL's decision"
    # Nothing of another pupil's own records.
    [ben] = doc["sections"][0]["rows"]
    assert (ben["Legal first name"], ben["Year group"], ben["School"]) == (
        "Ben", "Year 3", "Test Primary",
    )  # fmt: skip
    needs = next(s for s in doc["sections"] if s["key"] == "pupils.pupilneed")
    assert len(needs["rows"]) == 2
    looked = next(s for s in doc["sections"] if s["key"] == "audit.accessevent")
    assert {row["Actor"] for row in looked["rows"]} == {"Tess Teacher"}
    assert b"%PDF" in _download(client, sar, "pdf")[:8]


def test_the_dsl_decides_with_a_reason_and_the_decision_is_audited(world, as_user, concern):
    head = as_user(world.head)
    _open(head, world)
    sar = Sar.objects.get()
    run_the_worker()
    dsl = as_user(world.dsl)
    listed = dsl.get("/subject-access/").content.decode()
    assert f"/subject-access/{sar.pk}/safeguarding/" in listed
    # The DSL decides; the download stays the head's and DPO's.
    assert dsl.get(f"/subject-access/{sar.pk}/").status_code == 404
    assert dsl.get(f"/subject-access/{sar.pk}/download/json/").status_code == 404
    r = dsl.post(f"/subject-access/{sar.pk}/safeguarding/", {"include": "yes", "reason": ""})
    assert r.status_code == 422 and "Give the reason" in r.content.decode()
    r = dsl.post(
        f"/subject-access/{sar.pk}/safeguarding/",
        {"include": "yes", "reason": "Mother already knows; no risk in sharing."},
    )
    assert r.status_code == 302
    sar.refresh_from_db()
    assert (sar.safeguarding, sar.safeguarding_by, sar.status) == ("include", world.dsl, "queued")
    row = AuditEvent.objects.filter(
        object_type="records.subjectaccessrequest", action="update"
    ).get()
    assert row.actor == world.dsl
    assert (row.before["safeguarding"], row.after["safeguarding"]) == ("pending", "include")
    assert row.after["safeguarding_reason"] == "Mother already knows; no risk in sharing."
    # Not in Ben's history, which the SENCO reads.
    senco_sees = as_user(world.senco).get(f"/pupils/{world.ben.pk}/access-log/")
    assert senco_sees.status_code == 200
    assert "Mother already knows" not in senco_sees.content.decode()
    run_the_worker()
    sar.refresh_from_db()
    assert sar.status == "ready"
    head = as_user(world.head)  # one test client: signed in as each person in turn
    doc = _download(head, sar)
    assert "safeguarding.concern" in {s["key"] for s in doc["sections"]}
    assert MARKER in _text(doc)
    # The DSL changes their mind: out again.
    dsl = as_user(world.dsl)
    dsl.post(f"/subject-access/{sar.pk}/safeguarding/", {"include": "no", "reason": "Police ask."})
    run_the_worker()
    assert MARKER not in _text(_download(as_user(world.head), sar))


def test_other_pupils_names_are_offered_and_redacted(world, as_user):
    world.ben.what_matters = "Ben plays with Cara Clark at lunch."
    world.ben.save()
    head = as_user(world.head)
    _open(head, world)
    sar = Sar.objects.get()
    run_the_worker()
    sar.refresh_from_db()
    assert sar.suggested == ["Cara Clark"]
    assert "Cara Clark" in head.get(f"/subject-access/{sar.pk}/").content.decode()
    r = head.post(f"/subject-access/{sar.pk}/redact/", {"terms": "Cara Clark\r\n\r\nlunch"})
    assert r.status_code == 302
    # Until gathered again, the old download is not served.
    assert head.get(f"/subject-access/{sar.pk}/download/json/").status_code == 404
    run_the_worker()
    sar.refresh_from_db()
    assert (sar.redactions, sar.suggested) == (["Cara Clark", "lunch"], [])
    text = _text(_download(head, sar))
    assert "Cara Clark" not in text and "Ben plays with [redacted] at [redacted]." in text
    r = head.post(f"/subject-access/{sar.pk}/redact/", {"terms": "x"})
    assert r.status_code == 422 and "at least two letters" in r.content.decode()


def test_release_waits_for_the_dsl_and_then_nothing_changes(world, as_user):
    head = as_user(world.head)
    _open(head, world)
    sar = Sar.objects.get()
    run_the_worker()
    head.post(f"/subject-access/{sar.pk}/release/")
    sar.refresh_from_db()
    assert sar.status == "ready"
    as_user(world.dsl).post(
        f"/subject-access/{sar.pk}/safeguarding/", {"include": "no", "reason": "Nothing to share."}
    )
    run_the_worker()
    head = as_user(world.head)
    r = head.post(f"/subject-access/{sar.pk}/release/")
    assert r.status_code == 302
    sar.refresh_from_db()
    assert (sar.status, sar.released_by) == ("released", world.head)
    r = head.post(f"/subject-access/{sar.pk}/redact/", {"terms": "Ben"})
    assert r.status_code == 409
    sar.refresh_from_db()
    assert sar.redactions == []
    assert head.get(f"/subject-access/{sar.pk}/download/pdf/").status_code == 200


def test_a_staff_request_holds_their_records_and_counts_pupils_records_naming_them(
    world, as_user, dpo
):
    world.bob.is_active = False  # a leaver may ask too, and often does
    world.bob.save()
    client = as_user(dpo)
    page = client.get("/subject-access/new/").content.decode()
    assert "Alice Assistant</option>" in page and "Bob Assistant (left)</option>" in page
    r = client.post(
        "/subject-access/new/",
        {"pupil": "", "staff": str(world.alice.pk), "requester": "Alice Assistant"},
    )
    assert r.status_code == 302, r.content
    sar = Sar.objects.get()
    run_the_worker()
    doc = _download(client, sar)
    sections = {s["key"]: s for s in doc["sections"]}
    assert sections["accounts.user"]["rows"][0]["Email"] == "alice@test.example"
    assert "Password" not in sections["accounts.user"]["rows"][0]
    assert {"staff.training", "schools.staffrole"} <= set(sections)
    # Ben's 1:1 deployment names her: counted, not copied.
    assert sections["pupils.deployment"]["rows"] == []
    assert "Named on 1 of these records" in sections["pupils.deployment"]["note"]
    assert "Ben" not in _text(doc)


def test_who_may_reach_the_pages(world, as_user, dpo):
    head = as_user(world.head)
    _open(head, world)
    sar = Sar.objects.get()
    ghost = uuid.uuid4()
    for person in (world.senco, world.alice, world.tess, world.olga, world.pat):
        client = as_user(person)
        assert client.get("/subject-access/").status_code == 404, person
        assert client.get("/subject-access/new/").status_code == 404
        for path in ("/", "/safeguarding/", "/download/pdf/"):
            seen = client.get(f"/subject-access/{sar.pk}{path}")
            missing = client.get(f"/subject-access/{ghost}{path}")
            assert (seen.status_code, seen.content) == (404, missing.content), (person, path)
    client = as_user(dpo)
    assert client.get(f"/subject-access/{sar.pk}/").status_code == 200
    assert client.get(f"/subject-access/{sar.pk}/safeguarding/").status_code == 404
    # The DPO reads no pupil through the ordinary pages.
    assert client.get(f"/pupils/{world.ben.pk}/").status_code == 404


def test_the_dpo_signs_in_to_a_home_page_with_the_requests_one_tap_away(world, as_user, dpo):
    client = as_user(dpo)
    assert client.get("/")["Location"] == "/subject-access/"
    page = client.get("/subject-access/")
    assert page.status_code == 200
    assert 'href="/subject-access/"' in page.content.decode()
    # Not for a TA.
    assert 'href="/subject-access/"' not in as_user(world.alice).get("/").content.decode()


def test_the_list_costs_the_same_queries_for_one_request_or_many(world, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(world.head)
    _open(client, world)

    def cost():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/subject-access/").status_code == 200
        return len(ctx.captured_queries)

    one = cost()
    _open(client, world, pupil=str(world.cara.pk))
    _open(client, world, pupil="", staff=str(world.bob.pk))
    assert cost() == one
