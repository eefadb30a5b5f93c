"""Retention and disposal (issue 12 §5), as the head, the DPO and the DSL use them: the
rules and the dates they fall due, the daily check, legal holds, the DSL's review of a
safeguarding record, and the one disposal path: it removes exactly what is due, leaves a
log, and the audit chains still verify (and still catch tampering) afterwards."""

import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction

from sendesk.audit import chain
from sendesk.audit.models import AccessEvent, AuditEvent, ChainGap
from sendesk.audit.services import record_access, record_pupil_change
from sendesk.care.models import CarePlan
from sendesk.lib.migrations import disposal_permit
from sendesk.medication.models import HealthcarePlan, Medicine
from sendesk.notifications.models import Notification
from sendesk.plans.models import Plan, Target
from sendesk.provision.models import Provision
from sendesk.pupils.leavers import leaver_writes_allowed, pupil_leave
from sendesk.pupils.models import Pupil, PupilNeed, Strategy
from sendesk.records import checks, disposal, retention
from sendesk.records.models import DisposalLog, LegalHold, SafeguardingReview
from sendesk.records.models import SubjectAccessRequest as Sar
from sendesk.safeguarding.models import Concern, SafeguardingAudit

from ..world import TODAY
from .conftest import report

OLD = dt.date(1990, 1, 10)  # Ben: everything is due
MIDDLE = dt.date(1996, 1, 1)  # Cara: care and safeguarding due (25 years), SEN not (31)
LEFT = dt.date(2007, 7, 20)  # the end of their last summer term at the school


@pytest.fixture
def born(world):
    # Records fall due only once a pupil has left (records.retention.due).
    Pupil.objects.filter(pk=world.ben.pk).update(date_of_birth=OLD, left_on=LEFT)
    Pupil.objects.filter(pk=world.cara.pk).update(date_of_birth=MIDDLE, left_on=LEFT)
    world.ben.refresh_from_db()
    world.cara.refresh_from_db()
    return world


def items_for(world, pupil, today=TODAY):
    return {i.kind: i for i in retention.due([world.school.pk], today) if i.pupil.pk == pupil.pk}


def verified():
    checked, mismatch = chain.verify()
    assert mismatch is None, str(mismatch)
    return checked


def confirm(client, as_user, person, pupil, kind):
    as_user(person)
    return client.post(f"/records/retention/{pupil.pk}/{kind}/", {"confirm": "on"})


# --- Rules and due dates -------------------------------------------------------------------


def test_rules_and_the_dates_they_fall_due(born, now):
    world = born
    report(world.alice, world.ben)
    ben = items_for(world, world.ben)
    assert ben["sen"].due_on == dt.date(2021, 1, 10)  # date of birth + 31 years
    assert ben["care"].due_on == dt.date(2015, 1, 10)  # the default setting: + 25 years
    assert ben["safeguarding"].due_on == dt.date(2015, 1, 10)
    assert ben["safeguarding"].state == "review"  # never without the DSL
    assert "all" not in ben  # the safeguarding record waits for its review
    cara = items_for(world, world.cara)
    assert "sen" not in cara  # due on 1 January 2027
    assert "care" not in cara  # Cara has no care records: nothing to dispose of
    # Dan (born 2018) is due for nothing.
    assert items_for(world, world.dan) == {}
    # The head's setting moves the care rule.
    disposal.set_care_years(actor=world.head, school_id=world.school.pk, years=40)
    assert "care" not in items_for(world, world.ben)
    assert retention.add_years(dt.date(2000, 2, 29), 31) == dt.date(2031, 2, 28)


def test_every_table_about_a_pupil_is_claimed_by_a_kind_of_record():
    pupil = apps.get_model("pupils", "Pupil")
    claimed = retention.kind_of()
    unclaimed = [
        model._meta.label
        for model in apps.get_models()
        if any(
            isinstance(f, models.ForeignKey) and f.related_model is pupil
            for f in model._meta.concrete_fields
        )
        and model not in claimed
    ]
    assert unclaimed == []
    assert claimed[Plan] == "sen" and claimed[Concern] == "safeguarding"
    assert claimed[Medicine] == "care" and claimed[AccessEvent] == "trail"


# --- Pages and who sees them ---------------------------------------------------------------


def test_the_page_lists_what_is_due_and_why_for_the_head_and_the_dsl_sees_safeguarding_only(
    born, client, as_user
):
    world = born
    report(world.alice, world.ben)
    as_user(world.head)
    page = client.get("/records/retention/").content.decode()
    assert "Ben Brown" in page and "SEN file and reviews" in page
    assert "Date of birth + 31 years" in page and "10 January 2021" in page
    assert "Waiting for the DSL" in page
    client.logout()
    as_user(world.dsl)
    page = client.get("/records/retention/").content.decode()
    assert "Safeguarding record" in page and "Review (DSL)" in page
    assert "SEN file and reviews" not in page
    assert client.get("/records/retention/log/").status_code == 404


@pytest.mark.parametrize("who", ["alice", "tess", "pat", "senco"])
def test_staff_without_the_role_and_parents_get_404(born, client, as_user, who):
    world = born
    as_user(getattr(world, who))
    for path in (
        "/records/retention/",
        "/records/retention/log/",
        "/records/retention/settings/",
        f"/records/retention/{world.ben.pk}/sen/",
        f"/records/retention/{world.ben.pk}/review/",
    ):
        assert client.get(path).status_code == 404, path
    assert (
        client.post(f"/records/retention/{world.ben.pk}/sen/", {"confirm": "on"}).status_code == 404
    )
    assert Plan.objects.filter(pupil=world.ben).exists()


def test_another_schools_head_gets_404_for_our_pupil(born, client, as_user):
    world = born
    as_user(world.olga)  # a SENCO elsewhere: no retention role at all
    assert client.get(f"/records/retention/{world.ben.pk}/sen/").status_code == 404


# --- The daily check -----------------------------------------------------------------------


def test_the_daily_check_tells_the_head_and_dpo_of_disposals_and_the_dsl_of_reviews(born, dpo):
    world = born
    report(world.alice, world.ben)
    found = checks.retention_due(TODAY)
    assert found >= 3
    head = list(Notification.objects.filter(user=world.head).values_list("title", flat=True))
    assert "Ben Brown: sen file and reviews due for disposal" in head
    assert Notification.objects.filter(user=dpo, title__contains="due for disposal").exists()
    dsl = list(Notification.objects.filter(user=world.dsl).values_list("title", flat=True))
    assert dsl == ["Ben Brown: safeguarding record due for the DSL's review"]
    # Once only: the next day's run tells no one again.
    before = Notification.objects.count()
    checks.retention_due(TODAY + dt.timedelta(days=1))
    assert Notification.objects.count() == before


# --- Legal hold ----------------------------------------------------------------------------


def test_a_legal_hold_stops_disposal_until_it_is_lifted(born, client, as_user):
    world = born
    as_user(world.head)
    r = client.post("/records/retention/holds/", {"pupil": str(world.ben.pk), "reason": ""})
    assert r.status_code == 422 and b"Give the reason" in r.content
    client.post("/records/retention/holds/", {"pupil": str(world.ben.pk), "reason": "A claim"})
    hold = LegalHold.objects.get(pupil=world.ben)
    assert hold.placed_by == world.head and hold.lifted_at is None
    page = client.get("/records/retention/").content.decode()
    assert "On legal hold" in page and "A claim" in page
    r = client.post(f"/records/retention/{world.ben.pk}/sen/", {"confirm": "on"})
    assert r.status_code == 302
    assert Plan.objects.filter(pupil=world.ben).exists()
    with pytest.raises(disposal.ServiceError) as refused:
        disposal.dispose(actor=world.head, pupil_id=world.ben.pk, kind="sen")
    assert refused.value.status == 409 and "legal hold" in str(refused.value)
    client.post(f"/records/retention/holds/{hold.pk}/lift/", {"reason": "Settled"})
    hold.refresh_from_db()
    assert hold.lifted_by == world.head and hold.lift_reason == "Settled"
    assert confirm(client, as_user, world.head, world.ben, "sen").status_code == 302
    assert not Plan.objects.filter(pupil=world.ben).exists()


# --- Disposal ------------------------------------------------------------------------------


def test_disposing_of_the_sen_file_removes_exactly_it_and_logs_it(born, client, as_user):
    world = born
    report(world.alice, world.ben)
    plan_ids = list(Plan.objects.filter(pupil=world.ben).values_list("pk", flat=True))
    cara_needs = PupilNeed.objects.filter(pupil=world.cara).count()
    care = CarePlan.objects.filter(pupil=world.ben).count()
    assert plan_ids and cara_needs and care
    as_user(world.head)
    page = client.get(f"/records/retention/{world.ben.pk}/sen/")
    assert page.status_code == 200 and b"plans_plan" in page.content
    r = client.post(f"/records/retention/{world.ben.pk}/sen/", {})
    assert r.status_code == 422 and b"Tick the box" in r.content
    assert (
        client.post(f"/records/retention/{world.ben.pk}/sen/", {"confirm": "on"}).status_code == 302
    )
    # The SEN file went: plans, their targets, provision, needs, strategies ...
    assert not Plan.objects.filter(pupil=world.ben).exists()
    assert not Target.objects.filter(plan_id__in=plan_ids).exists()
    assert not Provision.objects.filter(pupil=world.ben).exists()
    assert not Strategy.objects.filter(pupil=world.ben).exists()
    # ... and the audit rows about those records with it.
    assert not AuditEvent.objects.filter(pupil=world.ben, object_type="plans.plan").exists()
    # Other kinds and other pupils are untouched.
    assert Pupil.objects.filter(pk=world.ben.pk).exists()
    assert CarePlan.objects.filter(pupil=world.ben).count() == care
    assert HealthcarePlan.objects.filter(pupil=world.ben).exists()
    assert Concern.objects.filter(pupil=world.ben).exists()
    assert PupilNeed.objects.filter(pupil=world.cara).count() == cara_needs
    log = DisposalLog.objects.get()
    assert (log.pupil_name, log.upn, log.date_of_birth) == ("Ben Brown", world.ben.upn, OLD)
    assert log.kinds == ["sen"] and not log.whole_record
    assert log.decided_by == world.head and log.rule == "Date of birth + 31 years"
    assert log.counts["plans_plan"] == len(plan_ids) and log.counts["plans_target"] >= 1
    assert AuditEvent.objects.filter(
        object_type="records.disposallog", object_id=str(log.pk)
    ).exists()
    verified()
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "OK" in out.getvalue()
    # Not due again: nothing of the kind is left.
    assert "sen" not in items_for(world, world.ben)
    assert "Ben Brown" in client.get("/records/retention/log/").content.decode()


def test_a_kind_not_yet_due_is_refused(born):
    world = born
    with pytest.raises(disposal.ServiceError) as refused:
        disposal.dispose(actor=world.head, pupil_id=world.cara.pk, kind="sen")
    assert refused.value.status == 409 and "not due" in str(refused.value)
    assert PupilNeed.objects.filter(pupil=world.cara).exists()
    assert not DisposalLog.objects.exists()


def test_safeguarding_goes_only_after_the_dsls_review(born, client, as_user, now):
    world = born
    concern = report(world.alice, world.ben)
    assert SafeguardingAudit.objects.filter(concern=concern).exists()
    with pytest.raises(disposal.ServiceError) as refused:
        disposal.dispose(actor=world.head, pupil_id=world.ben.pk, kind="safeguarding")
    assert "DSL" in str(refused.value)
    # The head cannot review it: that is the DSL's.
    as_user(world.head)
    assert client.get(f"/records/retention/{world.ben.pk}/review/").status_code == 404
    client.logout()
    as_user(world.dsl)
    r = client.post(
        f"/records/retention/{world.ben.pk}/review/", {"decision": "keep", "reason": "Ongoing"}
    )
    assert r.status_code == 422 and b"a date after today" in r.content
    client.post(
        f"/records/retention/{world.ben.pk}/review/",
        {"decision": "keep", "keep_until": "2030-01-01", "reason": "A sibling's case is open"},
    )
    assert "safeguarding" not in items_for(world, world.ben)  # kept until 2030
    review = SafeguardingReview.objects.get()
    assert (review.decided_by, review.keep_until) == (world.dsl, dt.date(2030, 1, 1))
    # On the date it is due for review again.
    now.move_to(dt.datetime(2030, 1, 2, 10, tzinfo=dt.UTC))
    assert items_for(world, world.ben, dt.date(2030, 1, 2))["safeguarding"].state == "review"
    client.logout()
    as_user(world.dsl)  # years later: a new sign-in
    client.post(
        f"/records/retention/{world.ben.pk}/review/",
        {"decision": "dispose", "reason": "Nothing open; past the rule"},
    )
    assert items_for(world, world.ben, dt.date(2030, 1, 2))["safeguarding"].state == "ready"
    client.logout()
    assert confirm(client, as_user, world.head, world.ben, "safeguarding").status_code == 302
    assert not Concern.objects.filter(pk=concern.pk).exists()
    assert not SafeguardingAudit.objects.filter(concern_id=concern.pk).exists()
    log = DisposalLog.objects.get()
    assert "Nothing open" in log.dsl_decision and "Dee Dsl" in log.dsl_decision
    assert Plan.objects.filter(pupil=world.ben).exists()  # the SEN file is another kind
    verified()


def test_the_whole_record_goes_with_the_pupil_and_the_chains_still_verify(born, client, as_user):
    world = born
    record_access(actor=world.senco, pupil=world.ben, what="pupil page")
    record_access(actor=world.senco, pupil=world.cara, what="pupil page")
    ben_pk = world.ben.pk
    assert confirm(client, as_user, world.head, world.ben, "all").status_code == 302
    assert not Pupil.objects.filter(pk=ben_pk).exists()
    assert not AccessEvent.objects.filter(pupil_id=ben_pk).exists()
    assert not AuditEvent.objects.filter(pupil_id=ben_pk).exists()
    assert not Medicine.objects.filter(pupil_id=ben_pk).exists()
    assert AccessEvent.objects.filter(pupil=world.cara).exists()
    log = DisposalLog.objects.get()
    assert log.whole_record and log.pupil_ref == str(ben_pk)
    assert log.counts["pupils_pupil"] == 1 and log.counts["audit_accessevent"] >= 1
    assert ChainGap.objects.filter(disposal=str(log.pk)).exists()
    verified()


def test_tampering_next_to_a_disposal_is_still_caught(born):
    world = born
    for _ in range(2):
        record_access(actor=world.senco, pupil=world.ben, what="pupil page")
        record_access(actor=world.senco, pupil=world.cara, what="pupil page")
    disposal.dispose(actor=world.head, pupil_id=world.ben.pk, kind="all")
    verified()
    gap = ChainGap.objects.filter(chain__startswith="audit_accessevent:").order_by("-first_seq")[0]
    # A row right after a disposal's gap is removed by someone holding a permit of their own,
    # with no gap record: verify() names it.
    victim = AccessEvent.objects.get(school=world.school, seq=gap.last_seq + 1)
    with transaction.atomic(), disposal_permit(["audit_accessevent"], why="not a disposal"):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_accessevent WHERE id = %s", [victim.pk])
    checked, mismatch = chain.verify()
    assert mismatch is not None and "missing" in str(mismatch)


def test_a_made_up_gap_record_does_not_hide_a_removed_row(born):
    world = born
    for _ in range(3):
        record_access(actor=world.senco, pupil=world.cara, what="pupil page")
    verified()
    row = AccessEvent.objects.filter(school=world.school).order_by("-seq")[1]
    with transaction.atomic(), disposal_permit(["audit_accessevent"], why="not a disposal"):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_accessevent WHERE id = %s", [row.pk])
    ChainGap.objects.create(
        chain=f"audit_accessevent:{world.school.pk}", first_seq=row.seq, last_seq=row.seq,
        links=[[row.seq, row.prev_hash, "0" * 64]], disposal="forged", at=row.at,
    )  # fmt: skip
    checked, mismatch = chain.verify()
    assert mismatch is not None


def test_the_database_still_refuses_any_other_delete_and_the_log_is_kept(born):
    world = born
    concern = report(world.alice, world.ben)
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM safeguarding_concern WHERE id = %s",
                [Concern._meta.pk.get_db_prep_value(concern.pk, connection)],
            )
    plan = Plan.objects.filter(pupil=world.ben).first()
    with leaver_writes_allowed():  # an audit row about the leaver's plan, to go with it
        record_pupil_change(world.senco, AuditEvent.Action.UPDATE, plan, world.ben, after={"x": 1})
    log = disposal.dispose(actor=world.head, pupil_id=world.ben.pk, kind="sen")
    assert ChainGap.objects.filter(disposal=str(log.pk)).exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        DisposalLog.objects.filter(pk=log.pk).update(pupil_name="Someone else")
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM records_disposallog")
    with pytest.raises(IntegrityError), transaction.atomic():
        ChainGap.objects.all().update(disposal="x")
    assert Concern.objects.filter(pk=concern.pk).exists()


def test_the_settings_page_is_the_heads(born, client, as_user, dpo):
    world = born
    as_user(world.head)
    r = client.post("/records/retention/settings/", {"care_years": "0"})
    assert r.status_code == 422
    client.post("/records/retention/settings/", {"care_years": "30"})
    assert retention.care_years(world.school.pk) == 30
    client.logout()
    as_user(dpo)
    assert client.get("/records/retention/settings/").status_code == 404
    assert client.get("/records/retention/").status_code == 200


def test_the_files_of_the_records_that_went_are_removed_and_others_kept(
    born, records_dir, django_capture_on_commit_callbacks
):
    world = born
    records_dir.mkdir(parents=True, exist_ok=True)
    files = {}
    for pupil in (world.ben, world.cara):
        (records_dir / f"{pupil.legal_first_name}.pdf").write_bytes(b"%PDF")
        Sar.objects.create(
            school=world.school, pupil=pupil, requester="Mrs Brown", received_on=TODAY,
            deadline=TODAY, opened_by=world.head, opened_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
            pdf_name=f"{pupil.legal_first_name}.pdf",
        )  # fmt: skip
        files[pupil.legal_first_name] = records_dir / f"{pupil.legal_first_name}.pdf"
    with django_capture_on_commit_callbacks(execute=True):
        disposal.dispose(actor=world.head, pupil_id=world.ben.pk, kind="all")
    assert not files["Ben"].exists()
    assert files["Cara"].exists()
    assert Sar.objects.filter(pupil=world.cara).exists()


def test_a_leavers_record_is_held_and_disposed_of_through_the_one_path(world, client, as_user):
    """Records fall due long after a pupil has left: a leaver's record is read-only to every
    other write, but a legal hold, its lifting and the disposal still go through."""
    left = {"left_on": TODAY - dt.timedelta(days=30), "reason": "moved_away"}
    pupil_leave(actor=world.senco, pupil=world.ben, data=left)
    Pupil.objects.filter(pk=world.ben.pk).update(date_of_birth=OLD)
    as_user(world.head)
    client.post("/records/retention/holds/", {"pupil": str(world.ben.pk), "reason": "A claim"})
    hold = LegalHold.objects.get(pupil=world.ben)
    client.post(f"/records/retention/holds/{hold.pk}/lift/", {"reason": "Settled"})
    hold.refresh_from_db()
    assert hold.lifted_by == world.head
    assert confirm(client, as_user, world.head, world.ben, "all").status_code == 302
    assert not Pupil.objects.filter(pk=world.ben.pk).exists()
    assert DisposalLog.objects.get().whole_record
    verified()


def test_a_pupil_on_roll_is_never_due_whatever_the_care_setting(world, client, as_user):
    """A short care setting adds up to a date long past for a child still at the school:
    their medicines and care plans are not listed, and disposal is refused."""
    Pupil.objects.filter(pk=world.ben.pk).update(date_of_birth=OLD)
    assert items_for(world, world.ben) == {}
    with pytest.raises(disposal.ServiceError) as refused:
        disposal.dispose(actor=world.head, pupil_id=world.ben.pk, kind="care")
    assert refused.value.status == 409
    assert Medicine.objects.filter(pupil=world.ben).exists()
