"""Evidence and trail tables refuse UPDATE and DELETE at the database (and TRUNCATE on
PostgreSQL), on SQLite and PostgreSQL alike: whoever holds a connection, not only the code.
Only the columns a correction rewrites (or bookkeeping) may change; only a disposal permit
of the same transaction lets a DELETE through (sendesk/lib/migrations.py)."""

import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sendesk.audit.services import record_access
from sendesk.lib.migrations import PERMIT_TABLE, disposal_permit
from sendesk.provision.models import Session, SessionPupil
from sendesk.provision.services import PupilRecord, session_record
from sendesk.safeguarding import services as safeguarding

from ..world import TODAY

# Every evidence and trail table, and the columns that may change in it. The list is the
# rule: a new evidence table, or a new column that may change, is added here on purpose.
EVIDENCE = {
    "audit_auditevent": (),
    "audit_accessevent": (),
    "audit_securityevent": (),
    "audit_chainhead": ("seq", "hash", "base_seq", "base_hash"),
    # Retention (issue 12): what a disposal removed is kept, whatever the code does.
    "audit_chaingap": (),
    "records_disposallog": (),
    "safeguarding_concern": ("status", "risk"),
    "safeguarding_concernaction": (),
    "safeguarding_safeguardingaccess": (),
    "safeguarding_safeguardingaudit": (),
    "provision_session": ("minutes", "start_time", "delivered", "missed_reason", "missed_note"),
    "provision_sessionpupil": (
        "attendance", "response", "note", "note_shared_with_parents", "adaptations",
        "flag_for_teacher", "flag_note", "minutes",
    ),
    "provision_targetrating": ("rating",),
    "provision_sessionamendment": (),
    "care_administration": (
        "outcome", "dose", "reason", "reactions", "given_at", "flags", "notified_at",
    ),
    "care_careevent": (
        "kind", "occurred_at", "second_staff_id", "observations", "products_used", "note",
        "gender_confirmed",
    ),
    "care_amendment": (),
    "assessment_assessment": ("score", "date", "note"),
    "assessment_assessmentamendment": (),
    "assessment_engagementobservation": (),
    "assessment_engagemententry": (),
    "behaviour_observation": (),
    "behaviour_observationentry": (),
    "behaviour_incident": (
        "location", "lesson", "others_involved", "antecedent", "behaviour", "response",
        "outcome", "injuries", "follow_up", "kind", "severity", "occurred_at",
    ),
    "behaviour_strategyuse": (),
    "behaviour_restrictiveintervention": (
        "location", "before", "deescalation", "holds", "reason", "injuries_pupil",
        "injuries_staff", "support_after", "debrief", "kind", "started_at", "duration_minutes",
        "debrief_on",
    ),
    "behaviour_interventionstaff": (),
    "behaviour_parentnotification": (),
    "behaviour_amendment": (),
    "behaviour_notificationretraction": (),
    "appraisal_reviewamendment": (),
    "appraisal_amendmentconfirmation": (),
    "consent_consent": (),
    "homeschool_message": (),
    "homeschool_attachment": (),
    "homeschool_messageamendment": (),
    "homeschool_messageread": (),
    "homeschool_diarynote": (),
    "homeschool_meetingrequest": (),
    "homeschool_meeting": (),
    "homeschool_meetingaction": (),
    "therapy_advice": (),
    "evidence_evidence": ("caption", "withdrawn_at", "withdrawn_by_id", "withdrawn_reason"),
    "evidence_amendment": (),
    "therapy_advicefile": (),
    "therapy_adviceprovision": (),
}  # fmt: skip


def _columns(table):
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def _triggers(table) -> dict:
    """{trigger name: what the database holds about it} for `table`."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [table],
            )
            return dict(cursor.fetchall())
        cursor.execute(
            "SELECT tgname, tgargs FROM pg_trigger WHERE tgrelid = %s::regclass "
            "AND NOT tgisinternal",
            [table],
        )
        return {name: bytes(args).decode().split("\x00")[:-1] for name, args in cursor.fetchall()}


@pytest.mark.parametrize("table", sorted(EVIDENCE))
def test_every_evidence_table_has_its_guards(db, table):
    may_change = EVIDENCE[table]
    triggers = _triggers(table)
    assert f"{table}_no_delete" in triggers
    if connection.vendor == "postgresql":
        assert f"{table}_no_truncate" in triggers
        # The whole row is compared but these columns: a column added later is guarded too.
        assert sorted(triggers[f"{table}_no_update"]) == sorted(may_change)
    else:
        # SQLite compares the columns named when the trigger was made: all of them but these.
        when = triggers[f"{table}_no_update"]
        for column in _columns(table):
            compared = f'OLD."{column}" IS NOT NEW."{column}"' in when
            assert compared == (column not in may_change), column


def _raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def records(world, now):
    w = world
    session, _ = session_record(
        actor=w.alice, client_id=uuid.uuid4(), provision_id=w.talk.pk, date=TODAY, minutes=30,
        delivered=True, pupils=[PupilRecord(pupil_id=w.ben.pk, attendance="present")],
    )  # fmt: skip
    concern, _ = safeguarding.concern_report(
        actor=w.alice, client_id=uuid.uuid4(), pupil_id=w.dan.pk, occurred_at=timezone.now(),
        location="Hall", concern="A bruise.", words_used="", body_map=[], action_taken="",
    )  # fmt: skip
    safeguarding.concern_action_add(actor=w.dsl, concern=concern, kind="note", note="Seen.")
    record_access(actor=w.senco, pupil=w.ben, what="pupil page")
    return w, session, concern


REFUSED = [
    ("provision_session", "recorded_at = '2020-01-01 00:00:00'"),
    ("provision_session", "date = '2020-01-01'"),
    ("provision_sessionpupil", "date = '2020-01-01'"),
    ("safeguarding_concern", "concern = 'nothing happened'"),
    ("safeguarding_concernaction", "note = 'rewritten'"),
    ("safeguarding_safeguardingaudit", "action = 'nothing'"),
    ("audit_auditevent", "after = NULL"),
    ("audit_accessevent", "what = 'nothing'"),
    ("audit_chainhead", "chain = chain || 'x'"),
]


@pytest.mark.parametrize(("table", "change"), REFUSED)
def test_raw_updates_of_evidence_are_refused(records, table, change):
    with pytest.raises(IntegrityError, match="evidence"):
        _raw(f"UPDATE {table} SET {change}")


@pytest.mark.parametrize("table", sorted({table for table, _ in REFUSED}))
def test_raw_deletes_are_refused(records, table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        (rows,) = cursor.fetchone()
    assert rows  # the trigger is tried on real rows
    with pytest.raises(IntegrityError, match="never deleted"):
        _raw(f"DELETE FROM {table}")
    if connection.vendor == "postgresql":
        # (The test's foreign key checks are checked first: PostgreSQL truncates nothing
        # with some pending.)
        _raw("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(IntegrityError, match="never deleted"):
            _raw(f"TRUNCATE {table} CASCADE")


def test_the_columns_a_correction_rewrites_may_change(records):
    w, session, concern = records
    # What session_amend and the DSL's triage write; the rest of the row stays refused.
    pk = Session._meta.pk.get_db_prep_value(session.pk, connection)
    _raw("UPDATE provision_session SET minutes = 25, missed_note = '' WHERE id = %s", [pk])
    _raw("UPDATE provision_sessionpupil SET note = 'Corrected' WHERE session_id = %s", [pk])
    _raw("UPDATE safeguarding_concern SET status = 'open', risk = 'high'")
    assert Session.objects.get().minutes == 25
    assert SessionPupil.objects.get().note == "Corrected"
    concern.refresh_from_db()
    assert (concern.status, concern.risk) == ("open", "high")


def test_a_disposal_permit_lets_deletes_of_the_tables_it_names_through(records):
    w, session, concern = records
    tables = ["safeguarding_safeguardingaccess", "safeguarding_safeguardingaudit"]
    with disposal_permit(tables, why="test: retention disposal"):
        _raw("DELETE FROM safeguarding_safeguardingaccess")
        _raw("DELETE FROM safeguarding_safeguardingaudit")
        # Only the tables named.
        with pytest.raises(IntegrityError):
            _raw("DELETE FROM safeguarding_concernaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM safeguarding_safeguardingaudit")
        assert cursor.fetchone() == (0,)
        cursor.execute(f"SELECT COUNT(*) FROM {PERMIT_TABLE}")
        (permits,) = cursor.fetchone()
    # SQLite: the permit is gone with its block. PostgreSQL: it stays as the record of the
    # disposal, but counts only in the transaction that took it (test_trail_concurrency).
    assert permits == (2 if connection.vendor == "postgresql" else 0)
    record_access(actor=w.senco, pupil=w.dan, what="pupil page")
    with pytest.raises(IntegrityError, match="never deleted"):
        _raw("DELETE FROM audit_accessevent")
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError, match="kept"):
            _raw(f"DELETE FROM {PERMIT_TABLE}")
