"""The trails are hash chains per school: `manage.py verify_audit` says "OK, N rows" after a
normal day, and names the first row an attacker with the database changed or removed."""

import datetime as dt
import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from sendesk.audit import chain
from sendesk.audit.models import AccessEvent, AuditEvent, ChainHead, SecurityEvent
from sendesk.audit.services import record_access
from sendesk.safeguarding.models import Concern, SafeguardingAccess, SafeguardingAudit
from tests.pages_ta.helpers import HTMX, quick_form

from ..world import PASSWORD

TRAILS = (AuditEvent, AccessEvent, SecurityEvent, SafeguardingAccess, SafeguardingAudit)


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue().strip()


def refused() -> str:
    with pytest.raises(CommandError) as error:
        verify()
    assert error.value.returncode == 1
    return str(error.value)


def a_normal_day(world, client, as_user):
    """Page views and saves, as the people who make them, over HTTP."""
    w = world
    # A failed sign-in: the sign-in trail (whatever a right password then asks for).
    failed = client.post("/login/", {"username": "senco@test.example", "password": PASSWORD[:-1]})
    assert failed.status_code == 200
    senco = as_user(w.senco)
    for pupil in (w.ben, w.cara, w.dan):
        assert senco.get(f"/pupils/{pupil.pk}/").status_code == 200
    assert senco.get("/pupils/").status_code == 200
    alice = as_user(w.alice)
    for _ in range(2):
        response = alice.post(f"/sessions/record/{w.talk.pk}/", quick_form(), **HTMX)
        assert response.status_code == 200
    report = {
        "client_id": str(uuid.uuid4()), "pupil": str(w.dan.pk), "occurred_at": "2026-11-18T09:15",
        "location": "Cloakroom", "concern": "A bruise on his arm.", "words_used": "",
        "body_map": "[]", "action_taken": "",
    }  # fmt: skip
    assert alice.post("/safeguarding/report/", report).status_code == 302
    concern = Concern.objects.get()
    dsl = as_user(w.dsl)
    assert dsl.get(f"/safeguarding/concerns/{concern.pk}/").status_code == 200
    triage = {"triage-status": "open", "triage-risk": "high", "triage-note": "Seen."}
    assert dsl.post(f"/safeguarding/concerns/{concern.pk}/triage/", triage).status_code == 302
    assert dsl.get(f"/pupils/{w.dan.pk}/").status_code == 200


@pytest.fixture
def day(world, client, as_user):
    a_normal_day(world, client, as_user)
    return world


def test_a_normal_day_verifies(day):
    counts = {model: model.objects.count() for model in TRAILS}
    assert all(counts.values()), counts  # every trail was written
    assert verify() == f"OK, {sum(counts.values())} rows"
    # Each school's access chain runs 1, 2, 3... each row naming the hash of the one before.
    rows = list(AccessEvent.objects.filter(school=day.school).order_by("seq"))
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == chain.GENESIS
    assert all(b.prev_hash == a.row_hash for a, b in zip(rows, rows[1:], strict=False))
    head = ChainHead.objects.get(chain=f"audit_accessevent:{day.school.pk}")
    assert (head.seq, head.hash) == (rows[-1].seq, rows[-1].row_hash)


def test_the_hash_is_over_a_fixed_serialization(world, now):
    row = record_access(actor=world.senco, pupil=world.ben, what="pupil page")
    text = chain.canonical(AccessEvent, vars(row))
    document = json.loads(text)
    assert text == json.dumps(document, sort_keys=True, separators=(",", ":"))
    assert document["table"] == "audit_accessevent"
    assert document["row"] == {
        "actor_id": world.senco.pk, "at": "2026-11-18T10:00:00.000000Z", "prev_hash": row.prev_hash,
        "pupil_id": str(world.ben.pk), "school_id": world.school.pk, "seq": row.seq,
        "via": "web", "what": "pupil page",
    }  # fmt: skip
    # Read back from the database, the row hashes the same.
    stored = AccessEvent.objects.values().get(pk=row.pk)
    assert chain.row_hash(AccessEvent, stored) == row.row_hash == stored["row_hash"]


def _bypass(trigger, table):
    """What an attacker with the database does first: drop the guard (here inside the test's
    transaction, so it comes back when the test ends)."""
    on = f" ON {table}" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {trigger}{on}")


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_changed_row_is_named_with_its_content_hash(day):
    rows = list(AccessEvent.objects.filter(school=day.school).order_by("seq"))
    victim = rows[2]
    _bypass("audit_accessevent_no_update", "audit_accessevent")
    _raw("UPDATE audit_accessevent SET what = %s WHERE id = %s", ["nothing", victim.pk])
    message = refused()
    assert f"audit_accessevent row {victim.pk} " in message
    assert f"chain audit_accessevent:{day.school.pk}, position {victim.seq}" in message
    assert "content hash" in message


def test_a_changed_row_with_its_hash_made_again_breaks_the_next_link(day):
    rows = list(AuditEvent.objects.filter(school=day.school).order_by("seq"))
    victim, following = rows[0], rows[1]
    victim.after = {"forged": True}
    _bypass("audit_auditevent_no_update", "audit_auditevent")
    _raw(
        "UPDATE audit_auditevent SET after = %s, row_hash = %s WHERE id = %s",
        [json.dumps(victim.after), chain.row_hash(AuditEvent, vars(victim)), victim.pk],
    )
    message = refused()
    assert f"audit_auditevent row {following.pk} " in message
    assert "link" in message and f"row {victim.pk}" in message


def test_a_deleted_middle_row_is_reported(day):
    rows = list(AccessEvent.objects.filter(school=day.school).order_by("seq"))
    gone, after = rows[1], rows[2]
    _bypass("audit_accessevent_no_delete", "audit_accessevent")
    _raw("DELETE FROM audit_accessevent WHERE id = %s", [gone.pk])
    message = refused()
    assert f"audit_accessevent row {after.pk} " in message
    assert f"expected position {gone.seq}" in message and "missing" in message


def test_a_deleted_last_row_is_reported_against_the_head(day):
    last = SafeguardingAccess.objects.filter(school=day.school).order_by("-seq").first()
    _bypass("safeguarding_safeguardingaccess_no_delete", "safeguarding_safeguardingaccess")
    _raw("DELETE FROM safeguarding_safeguardingaccess WHERE id = %s", [last.pk])
    message = refused()
    assert f"chain safeguarding_safeguardingaccess:{day.school.pk}" in message
    assert f"head records position {last.seq}" in message


def test_the_sign_in_trail_is_one_chain_and_checked_too(day):
    rows = list(SecurityEvent.objects.order_by("seq"))
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    _bypass("audit_securityevent_no_update", "audit_securityevent")
    _raw("UPDATE audit_securityevent SET email = %s WHERE id = %s", ["x@y.example", rows[0].pk])
    assert f"audit_securityevent row {rows[0].pk} (chain audit_securityevent:-" in refused()


def test_the_wall_s_own_trail_is_checked_too(day):
    audit = SafeguardingAudit.objects.order_by("seq").last()
    _bypass("safeguarding_safeguardingaudit_no_update", "safeguarding_safeguardingaudit")
    _raw("UPDATE safeguarding_safeguardingaudit SET action = 'nothing' WHERE id = %s", [audit.pk])
    # (The exit status is the CommandError's returncode, asserted in refused().)
    assert f"safeguarding_safeguardingaudit row {audit.pk} " in refused()


def test_a_row_that_does_not_continue_its_chain_is_refused(day):
    head = ChainHead.objects.get(chain=f"audit_accessevent:{day.school.pk}")
    fields = {
        "at": timezone.now(), "actor_id": day.senco.pk, "pupil_id": day.ben.pk,
        "school_id": day.school.pk, "what": "forged", "via": "web",
    }  # fmt: skip
    # A position already taken, or a link to anything but the head: the database refuses.
    for seq, prev in ((head.seq, head.hash), (head.seq + 1, chain.GENESIS)):
        forged = AccessEvent(**fields, seq=seq, prev_hash=prev, row_hash="f" * 64)
        with pytest.raises(IntegrityError), transaction.atomic():
            # A plain queryset: the rows go in as given, not linked.
            models.QuerySet(AccessEvent).bulk_create([forged])
    assert verify().startswith("OK, ")


def test_existing_rows_are_linked_oldest_first(world, now):
    # As the migration links the rows it finds: here, rows made out of order in time.
    for minutes in (5, 30, 10):
        now.move_to(timezone.now() + dt.timedelta(minutes=minutes))
        record_access(actor=world.senco, pupil=world.ben, what=f"+{minutes}")
    now.move_to(timezone.now() - dt.timedelta(hours=2))
    record_access(actor=world.senco, pupil=world.ben, what="earliest")
    for trigger in ("no_update", "chain_link"):
        _bypass(f"audit_accessevent_{trigger}", "audit_accessevent")
    _raw("UPDATE audit_accessevent SET seq = 1000 + seq, prev_hash = '', row_hash = ''")
    chain.link_existing(AccessEvent, "school", ChainHead, "default")
    order = list(AccessEvent.objects.order_by("seq").values_list("what", flat=True))
    assert order == ["earliest", "+5", "+30", "+10"]
    assert verify() == "OK, 4 rows"


def test_trail_rows_are_not_changed_through_the_code_either(world):
    row = record_access(actor=world.senco, pupil=world.ben, what="pupil page")
    row.what = "something else"
    with pytest.raises(IntegrityError):
        row.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessEvent.objects.filter(pk=row.pk).update(what="something else")
    assert AccessEvent.objects.get(pk=row.pk).what == "pupil page"


def test_several_access_rows_keep_their_values_as_one_row_does(world):
    # Several access rows go in as one statement (PostgreSQL: an array a column). A value
    # too long for its column is refused as for one row (PostgreSQL), or kept whole
    # (SQLite keeps any length), never cut short after its hash was made; the chain holds.
    from django.db import DataError

    from sendesk.audit.services import record_access_many

    long = "w" * 101  # AccessEvent.what holds 100
    writes = {
        "one": lambda: record_access(actor=world.senco, pupil=world.ben, what=long),
        "several": lambda: record_access_many(
            actor=world.senco, pupils=[world.ben, world.cara], what=long
        ),
    }
    outcomes = {}
    for name, write in writes.items():
        try:
            with transaction.atomic():
                write()
            outcomes[name] = "kept"
        except DataError:
            outcomes[name] = "refused"
    assert outcomes["one"] == outcomes["several"]
    stored = list(AccessEvent.objects.filter(what__startswith="www").values_list("what", flat=True))
    assert stored == ([long] * 3 if outcomes["one"] == "kept" else [])
    record_access_many(actor=world.senco, pupils=[world.ben, world.cara, world.dan], what="list")
    assert AccessEvent.objects.filter(what="list").count() == 3
    assert verify().startswith("OK")
