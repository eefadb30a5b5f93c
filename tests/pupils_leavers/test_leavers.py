"""Leavers (issue 12): the SENCO records that a pupil leaves, the record is then kept
read-only for everyone and every kind of write, TAs and teachers no longer see the pupil,
the head can undo it; the transfer pack goes to the next school (never safeguarding), and
the DSL's transfer of the safeguarding file is recorded behind the wall."""

import datetime as dt
import io
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.front.middleware import LeaverReadOnlyMiddleware
from sendesk.pupils import leavers
from sendesk.pupils.models import Pupil, PupilLeaving, Strategy, TimelineEntry, TransferDisclosure
from sendesk.safeguarding.models import Concern, SafeguardingAudit, SafeguardingTransfer
from tests.api.conftest import Api
from tests.world import TODAY

YESTERDAY = TODAY - dt.timedelta(days=1)
LEAVE = {
    "left_on": YESTERDAY.isoformat(),
    "reason": "transfer",
    "next_school": "Riverside Academy",
    "next_school_urn": "123456",
    "next_school_laestab": "999/2001",
}
MESSAGE = "Ben Brown left on 17 Nov 2026: their record is kept read-only."


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def ben_left(world, as_user):
    r = as_user(world.senco).post(f"/pupils/{world.ben.pk}/leave/", LEAVE)
    assert r.status_code == 302, r.content
    world.ben.refresh_from_db()
    return world.ben


def pdf_text(body: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


# --- Leaving and rejoining ----------------------------------------------------------------


def test_the_senco_records_a_leaving_audited_with_a_timeline_line(world, as_user):
    senco = as_user(world.senco)
    form = senco.get(f"/pupils/{world.ben.pk}/leave/")
    assert form.status_code == 200 and b"Date of leaving" in form.content
    r = senco.post(f"/pupils/{world.ben.pk}/leave/", LEAVE)
    assert r.status_code == 302
    leaving = PupilLeaving.objects.get()
    assert (leaving.left_on, leaving.reason, leaving.next_school) == (
        YESTERDAY, "transfer", "Riverside Academy",
    )  # fmt: skip
    assert (leaving.next_school_urn, leaving.next_school_laestab) == ("123456", "9992001")
    assert leaving.recorded_by == world.senco
    ben = Pupil.objects.get(pk=world.ben.pk)
    assert ben.left_on == YESTERDAY and ben.has_left
    kinds = set(
        AuditEvent.objects.filter(pupil=ben, actor=world.senco).values_list("object_type", "action")
    )
    assert kinds == {("pupils.pupilleaving", "create"), ("pupils.pupil", "update")}
    line = TimelineEntry.objects.get(pupil=ben, kind="left")
    assert line.title == "Left the school for Riverside Academy (moved to another school)"
    page = senco.get(f"/pupils/{ben.pk}/")
    assert b"left on <strong>17 November 2026</strong>" in page.content
    assert MESSAGE.encode() in page.content


def test_a_bad_leaving_keeps_what_was_typed_and_says_what_is_wrong(world, as_user):
    bad = {**LEAVE, "left_on": "2028-01-01", "reason": "", "next_school_urn": "12"}
    r = as_user(world.senco).post(f"/pupils/{world.ben.pk}/leave/", bad)
    assert r.status_code == 422
    body = r.content.decode()
    assert "A leaving can be recorded up to a year ahead." in body
    assert "Choose why the pupil left." in body
    assert "A URN is 6 digits" in body
    assert 'value="Riverside Academy"' in body and 'class="error-summary"' in body
    assert not PupilLeaving.objects.exists()
    assert Pupil.objects.get(pk=world.ben.pk).left_on is None


@pytest.mark.parametrize("person", ["alice", "tess", "dsl", "pat", "olga"])
def test_only_the_senco_and_head_record_a_leaving(world, as_user, person):
    client = as_user(getattr(world, person))
    assert client.get(f"/pupils/{world.ben.pk}/leave/").status_code == 404
    assert client.post(f"/pupils/{world.ben.pk}/leave/", LEAVE).status_code == 404
    assert not PupilLeaving.objects.exists()


def test_only_the_head_undoes_a_leaving_and_the_record_opens_again(world, as_user, ben_left):
    url = f"/pupils/{ben_left.pk}/rejoin/"
    assert as_user(world.senco).post(url).status_code == 404
    assert Pupil.objects.get(pk=ben_left.pk).left_on == YESTERDAY
    r = as_user(world.head).post(url)
    assert r.status_code == 302
    ben = Pupil.objects.get(pk=ben_left.pk)
    assert ben.left_on is None
    leaving = PupilLeaving.objects.get()
    assert (leaving.undone_by, leaving.undone_at is not None) == (world.head, True)
    assert AuditEvent.objects.filter(
        pupil=ben, actor=world.head, object_type="pupils.pupilleaving", action="update"
    ).exists()
    assert TimelineEntry.objects.filter(pupil=ben, kind="rejoined").exists()
    # Open again: a strategy may be added, and Alice sees Ben again.
    r = as_user(world.senco).post(f"/pupils/{ben.pk}/strategies/", {"text": "Back: new start"})
    assert r.status_code == 302
    assert as_user(world.alice).get(f"/pupils/{ben.pk}/").status_code == 200
    # Nothing left to undo.
    assert as_user(world.head).post(url).status_code == 409


def test_a_leaving_ahead_changes_nothing_until_its_day(world, as_user, now):
    ahead = {**LEAVE, "left_on": (TODAY + dt.timedelta(days=30)).isoformat()}
    assert as_user(world.senco).post(f"/pupils/{world.ben.pk}/leave/", ahead).status_code == 302
    assert as_user(world.alice).get(f"/pupils/{world.ben.pk}/").status_code == 200
    r = as_user(world.senco).post(f"/pupils/{world.ben.pk}/strategies/", {"text": "Still here"})
    assert r.status_code == 302
    now.move_to(dt.datetime(2026, 12, 18, 10, 0))
    assert as_user(world.alice).get(f"/pupils/{world.ben.pk}/").status_code == 404
    r = as_user(world.senco).post(f"/pupils/{world.ben.pk}/strategies/", {"text": "Gone"})
    assert r.status_code == 422 and b"their record is kept read-only" in r.content


# --- Read-only: every kind of write, every role -------------------------------------------


def _writes(world):
    ben = world.ben
    return [
        # (who, how, path, body): pages post forms, the API posts JSON.
        ("senco", "page", f"/pupils/{ben.pk}/strategies/", {"text": "One more"}),
        ("senco", "page", f"/pupils/{ben.pk}/plans/new/", {"kind": "iep", "title": "New IEP"}),
        ("head", "page", f"/pupils/{ben.pk}/edit/", {"preferred_name": "Benny"}),
        ("senco", "api", "/sessions", {
            "client_id": str(uuid.uuid4()), "provision_id": str(world.talk.pk),
            "date": str(TODAY), "start_time": "09:15", "minutes": 30, "delivered": True,
            "missed_reason": "", "pupils": [{"pupil_id": str(ben.pk), "attendance": "present",
                                             "response": 4, "note": "n", "target_progress": []}],
        }),
        ("head", "api", "/behaviour/incidents", {
            "client_id": str(uuid.uuid4()), "pupil_id": str(ben.pk), "kind": "concern",
            "severity": 1, "occurred_at": "2026-11-17T13:20:00", "location": "Hall",
            "behaviour": "Dropped to the floor",
        }),
        ("pat", "api", f"/pupils/{ben.pk}/messages", {"client_id": str(uuid.uuid4()),
                                                       "body": "Is Ben settled?"}),
    ]  # fmt: skip


def test_no_write_about_a_leaver_is_taken_by_page_or_api(world, as_user, api, ben_left):
    before = (
        AuditEvent.objects.filter(pupil=ben_left).count(),
        TimelineEntry.objects.filter(pupil=ben_left).count(),
        Strategy.objects.filter(pupil=ben_left).count(),
        ben_left.plans.count(),
    )
    for who, how, path, body in _writes(world):
        person = getattr(world, who)
        if how == "page":
            r = as_user(person).post(path, body)
            assert r.status_code in (409, 422), (who, path, r.status_code)
            assert MESSAGE in r.content.decode(), (who, path)
        else:
            r = api.post(person, path, body)
            assert r.status_code == 409, (who, path, r.status_code, r.content)
            assert r.json()["detail"] == MESSAGE
    after = (
        AuditEvent.objects.filter(pupil=ben_left).count(),
        TimelineEntry.objects.filter(pupil=ben_left).count(),
        Strategy.objects.filter(pupil=ben_left).count(),
        ben_left.plans.count(),
    )
    assert after == before
    assert Pupil.objects.get(pk=ben_left.pk).preferred_name == ""


def test_ending_a_leavers_deployment_is_refused_with_the_reason(world, as_user, ben_left):
    deployment = ben_left.deployments.first()
    r = as_user(world.senco).post(
        f"/deployment/{deployment.pk}/end/", {"end": str(TODAY)}, follow=True
    )
    assert r.status_code == 200
    assert MESSAGE in r.content.decode()
    deployment.refresh_from_db()
    assert deployment.end is None


def test_a_page_that_lets_the_refusal_through_answers_409_not_500(world, rf, ben_left):
    # Every page today catches ServiceError; the middleware is the net for one that will not.
    request = rf.post("/")
    request.user = world.senco
    request._messages = None
    error = leavers.LeaverReadOnly(Pupil.objects.get(pk=ben_left.pk))
    response = LeaverReadOnlyMiddleware(lambda r: None).process_exception(request, error)
    assert response.status_code == 409
    assert MESSAGE in response.content.decode()
    other = LeaverReadOnlyMiddleware(lambda r: None).process_exception(request, ValueError())
    assert other is None


def test_the_leavers_page_hides_the_write_buttons(world, as_user, ben_left):
    page = as_user(world.senco).get(f"/pupils/{ben_left.pk}/").content.decode()
    for words in ("Edit pupil", "New plan", "New provision", "Record an incident"):
        assert words not in page, words
    assert "Download the transfer pack (PDF)" in page
    assert "Undo the leaving" not in page  # the head's
    assert "Undo the leaving" in as_user(world.head).get(f"/pupils/{ben_left.pk}/").content.decode()
    # Another pupil's page still has them.
    other = as_user(world.senco).get(f"/pupils/{world.dan.pk}/").content.decode()
    assert "Edit pupil" in other and "Record that Dan Dale is leaving" in other


# --- Scope --------------------------------------------------------------------------------


def test_tas_and_teachers_no_longer_see_a_leaver_the_senco_head_and_dsl_do(
    world, as_user, api, ben_left
):
    for person in ("alice", "tess"):
        user = getattr(world, person)
        assert as_user(user).get(f"/pupils/{ben_left.pk}/").status_code == 404
        assert api.get(user, f"/pupils/{ben_left.pk}").status_code == 404
        listed = as_user(user).get("/pupils/").content.decode()
        assert "Ben Brown" not in listed
    # Tess still teaches Dan, in the same class.
    assert as_user(world.tess).get(f"/pupils/{world.dan.pk}/").status_code == 200
    for person in ("senco", "head", "dsl"):
        assert as_user(getattr(world, person)).get(f"/pupils/{ben_left.pk}/").status_code == 200


def test_the_leavers_list_for_the_senco_and_head(world, as_user, ben_left):
    assert b'href="/pupils/leavers/"' in as_user(world.senco).get("/pupils/").content
    assert b'href="/pupils/leavers/"' not in as_user(world.tess).get("/pupils/").content
    for person in ("senco", "head"):
        r = as_user(getattr(world, person)).get("/pupils/leavers/")
        assert r.status_code == 200
        body = r.content.decode()
        assert "Ben Brown" in body and "17 Nov 2026" in body and "Riverside Academy" in body
        assert "Dan Dale" not in body
    for person in ("alice", "tess", "dsl", "pat"):
        assert as_user(getattr(world, person)).get("/pupils/leavers/").status_code == 404
    # Another school's SENCO has a list of her own, without Ben.
    theirs = as_user(world.olga).get("/pupils/leavers/")
    assert theirs.status_code == 200 and b"Ben Brown" not in theirs.content


def test_the_leavers_list_costs_the_same_however_many_leave(world, as_user, ben_left):
    senco = as_user(world.senco)
    senco.get("/pupils/leavers/")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert senco.get("/pupils/leavers/").status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for pupil in (world.cara, world.dan):
        assert senco.post(f"/pupils/{pupil.pk}/leave/", LEAVE).status_code == 302
    assert count() == one


# --- The transfer pack --------------------------------------------------------------------


def test_the_transfer_pack_holds_what_the_next_school_needs_and_never_safeguarding(
    world, as_user, ben_left
):
    Concern.objects.create(
        school=world.school, pupil=ben_left, reported_by=world.alice,
        occurred_at=dt.datetime(2026, 11, 10, 10, tzinfo=dt.UTC),
        reported_at=dt.datetime(2026, 11, 10, 11, tzinfo=dt.UTC),
        concern="Bruise on the left arm, said his uncle did it",
        retain_until=dt.date(2043, 1, 1),
    )  # fmt: skip
    r = as_user(world.senco).get(f"/pupils/{ben_left.pk}/transfer-pack/")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith('attachment; filename="transfer-brown-ben-')
    text = " ".join(pdf_text(r.content).split())
    for words in (
        "Transfer pack for Ben Brown", "Riverside Academy", "Ben's EHC plan",
        "Uses 4-word sentences to ask for help", "Talk Boost", "promised vs delivered",
        "Give a five-minute warning before changes", "Toileting support", "Asthma",
        "Salbutamol", "Autistic spectrum disorder",
    ):  # fmt: skip
        assert words in text, words
    for words in ("Bruise", "uncle", "safeguarding", "concern"):
        assert words.lower() not in text.lower(), words
    disclosure = TransferDisclosure.objects.get()
    assert (disclosure.what, disclosure.by, disclosure.to_school) == (
        "Transfer pack for the next school", world.senco, "Riverside Academy",
    )  # fmt: skip
    assert AuditEvent.objects.filter(
        pupil=ben_left, object_type="pupils.transferdisclosure", action="create"
    ).exists()
    assert AccessEvent.objects.filter(
        pupil=ben_left, actor=world.senco, what="Transfer pack for the next school"
    ).exists()


@pytest.mark.parametrize("person", ["alice", "tess", "dsl", "pat", "olga", "theo"])
def test_the_transfer_pack_is_for_the_senco_and_head_only(world, as_user, api, person, ben_left):
    user = getattr(world, person)
    assert as_user(user).get(f"/pupils/{ben_left.pk}/transfer-pack/").status_code == 404
    assert not TransferDisclosure.objects.exists()


def test_the_ctf_still_goes_for_a_leaver(world, as_user, ben_left):
    r = as_user(world.senco).get(f"/pupils/{ben_left.pk}/ctf/")
    assert r.status_code == 200 and b"<UPN>" in r.content
    assert as_user(world.alice).get(f"/pupils/{ben_left.pk}/ctf/").status_code == 404


# --- The DSL's transfer of the safeguarding file -------------------------------------------


TRANSFER = {
    "transferred_on": TODAY.isoformat(),
    "to_school": "Riverside Academy",
    "to_whom": "Ms Rivers, DSL",
    "method": "secure_system",
}


def test_the_dsl_records_the_file_went_behind_the_wall(world, as_user, ben_left):
    dsl = as_user(world.dsl)
    r = dsl.post(f"/pupils/{ben_left.pk}/chronology/transfer/", TRANSFER)
    assert r.status_code == 302
    row = SafeguardingTransfer.objects.get()
    assert (row.to_whom, row.method, row.recorded_by) == (
        "Ms Rivers, DSL", "secure_system", world.dsl,
    )  # fmt: skip
    audit = SafeguardingAudit.objects.get(action="file_transferred")
    assert (audit.concern_id, audit.actor, audit.after["to_whom"]) == (
        None, world.dsl, "Ms Rivers, DSL",
    )  # fmt: skip
    # The shared trails say nothing of it.
    assert not AuditEvent.objects.filter(object_type__startswith="safeguarding").exists()
    page = dsl.get(f"/pupils/{ben_left.pk}/chronology/").content.decode()
    assert "Ms Rivers, DSL" in page and "Receipt not yet confirmed" in page
    r = dsl.post(
        f"/pupils/{ben_left.pk}/chronology/transfer/{row.pk}/receipt/",
        {"receipt_confirmed_on": TODAY.isoformat(), "receipt_note": "E-mail from Ms Rivers"},
    )
    assert r.status_code == 302
    row.refresh_from_db()
    assert row.receipt_confirmed_on == TODAY
    assert SafeguardingAudit.objects.filter(action="file_receipt").count() == 1
    # The SENCO learns only that it went, and when.
    senco_page = as_user(world.senco).get(f"/pupils/{ben_left.pk}/").content.decode()
    assert "Safeguarding file sent by the DSL: yes, on 18 November 2026" in senco_page
    assert "Ms Rivers" not in senco_page
    leavers = as_user(world.senco).get("/pupils/leavers/").content.decode()
    assert "Yes, 18 Nov 2026" in leavers and "Ms Rivers" not in leavers


def test_before_the_dsl_records_it_the_senco_reads_not_yet(world, as_user, ben_left):
    page = as_user(world.senco).get(f"/pupils/{ben_left.pk}/").content.decode()
    assert "Safeguarding file sent by the DSL: not recorded yet" in page


def test_two_transfers_awaiting_receipt_give_a_page_of_unique_ids(world, as_user, ben_left):
    """The transfer form and each receipt form share field names; every id on the page is
    still its own, and a refused receipt names the field of the transfer it was for."""
    dsl = as_user(world.dsl)
    for school in ("Riverside Academy", "Hill Top School"):
        dsl.post(f"/pupils/{ben_left.pk}/chronology/transfer/", {**TRANSFER, "to_school": school})
    first, second = SafeguardingTransfer.objects.order_by("pk")
    page = dsl.get(f"/pupils/{ben_left.pk}/chronology/").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert f'for="id_receipt_{second.pk}_receipt_confirmed_on"' in page
    r = dsl.post(
        f"/pupils/{ben_left.pk}/chronology/transfer/{second.pk}/receipt/",
        {"receipt_confirmed_on": "not a date", "receipt_note": "Phoned"},
    )
    assert r.status_code == 422
    body = r.content.decode()
    assert f'href="#id_receipt_{second.pk}_receipt_confirmed_on"' in body
    assert 'value="Phoned"' in body
    assert not SafeguardingTransfer.objects.filter(receipt_confirmed_on__isnull=False).exists()


@pytest.mark.parametrize("person", ["senco", "head", "alice", "pat"])
def test_only_the_dsl_records_the_files_transfer(world, as_user, person, ben_left):
    r = as_user(getattr(world, person)).post(
        f"/pupils/{ben_left.pk}/chronology/transfer/", TRANSFER
    )
    assert r.status_code == 404
    assert not SafeguardingTransfer.objects.exists()


def test_a_bad_transfer_record_says_what_is_wrong(world, as_user, ben_left):
    bad = {**TRANSFER, "transferred_on": "2027-01-01", "method": "", "to_whom": ""}
    r = as_user(world.dsl).post(f"/pupils/{ben_left.pk}/chronology/transfer/", bad)
    assert r.status_code == 422
    body = r.content.decode()
    assert "Record the transfer once the file has gone." in body
    assert "Choose how the file went." in body and "Say whom it went to." in body
    assert 'value="Riverside Academy"' in body
    assert not SafeguardingTransfer.objects.exists()


# --- The API ------------------------------------------------------------------------------


def test_api_leave_then_transfer_pack_then_rejoin(world, api):
    body = {**LEAVE, "next_school_laestab": "9992001"}
    r = api.post(world.senco, f"/pupils/{world.ben.pk}/leave", body)
    assert r.status_code == 201, r.content
    out = r.json()
    assert (out["left_on"], out["has_left"], out["next_school"]) == (
        YESTERDAY.isoformat(), True, "Riverside Academy",
    )  # fmt: skip
    again = api.post(world.senco, f"/pupils/{world.ben.pk}/leave", body)
    assert again.status_code == 422
    pack = api.get(world.senco, f"/pupils/{world.ben.pk}/transfer-pack")
    assert pack.status_code == 200 and pack["Content-Type"] == "application/pdf"
    assert pack.content.startswith(b"%PDF")
    assert TransferDisclosure.objects.get().via == "api"
    for person in ("alice", "tess", "dsl", "pat"):
        user = getattr(world, person)
        assert api.get(user, f"/pupils/{world.ben.pk}/transfer-pack").status_code == 404
    assert api.post(world.senco, f"/pupils/{world.ben.pk}/rejoin", {}).status_code == 404
    assert api.post(world.head, f"/pupils/{world.ben.pk}/rejoin", {}).status_code == 200
    assert Pupil.objects.get(pk=world.ben.pk).left_on is None


def test_api_leave_refuses_bad_input_and_other_people(world, api):
    r = api.post(world.senco, f"/pupils/{world.ben.pk}/leave", {**LEAVE, "reason": "bored"})
    assert r.status_code == 422 and "reason" in r.json()["errors"]
    for person in ("alice", "tess", "dsl", "olga"):
        user = getattr(world, person)
        assert api.post(user, f"/pupils/{world.ben.pk}/leave", LEAVE).status_code == 404
    assert not PupilLeaving.objects.exists()


def test_the_therapist_no_longer_sees_a_leaver(world, as_user):
    """Theo's referral gave him Ben; once Ben has left, the school's record is no longer
    shared with him (found by the second review of issue 12)."""
    theo = as_user(world.theo)
    assert theo.get(f"/therapy/pupils/{world.ben.pk}/").status_code == 200
    r = as_user(world.senco).post(f"/pupils/{world.ben.pk}/leave/", LEAVE)
    assert r.status_code == 302
    assert as_user(world.theo).get(f"/therapy/pupils/{world.ben.pk}/").status_code == 404
