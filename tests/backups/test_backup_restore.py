"""`manage.py backup` and `manage.py restore`, for real, on whichever database the suite runs
on (CI runs it on SQLite and on PostgreSQL): the school's data committed, backed up,
restored into a scratch database and checked, and the live database replaced only by a
backup that passes its checks."""

import io
import sqlite3

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change
from sendesk.backups import crypto
from sendesk.backups.archive import Sink
from sendesk.lib.migrations import disposal_permit
from sendesk.pupils.models import Pupil
from sendesk.schools.models import YearGroup

from ..world import build_world

KEY = "a-test-key-made-by-the-project-for-its-tests"
SQLITE = connection.vendor == "sqlite"


@pytest.fixture
def w(transactional_db, now, settings, tmp_path, monkeypatch):
    settings.BACKUP_DIR = tmp_path / "backups"
    monkeypatch.setenv(crypto.KEY_ENV, KEY)
    return build_world()


def backup(*args) -> str:
    out = io.StringIO()
    call_command("backup", *args, stdout=out)
    return out.getvalue()


def restore(path, *args) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *args, stdout=out)
    return out.getvalue()


def backups_in(settings):
    return sorted(p.name for p in settings.BACKUP_DIR.iterdir())


def only_backup(settings):
    (path,) = [p for p in settings.BACKUP_DIR.iterdir() if p.name.startswith("sendesk-")]
    return path


def audit_marker(w):
    """A row written after the backup: a restore of that backup takes it away."""
    with transaction.atomic():
        record_change(
            actor=w.senco, action=AuditEvent.Action.UPDATE, obj=w.ben,
            school_id=w.school.pk, pupil_id=w.ben.pk, after={"marker": 1},
        )  # fmt: skip


def scratch_left():
    """Scratch databases a restore left behind (PostgreSQL), none expected."""
    if SQLITE:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE '%%_restore_%%'")
        return [row[0] for row in cursor.fetchall()]


def test_backup_refuses_without_a_key(w, settings, monkeypatch):
    monkeypatch.delenv(crypto.KEY_ENV)
    with pytest.raises(CommandError, match="SENDESK_BACKUP_KEY is not set"):
        backup()
    assert not settings.BACKUP_DIR.exists() or backups_in(settings) == []


def test_a_backup_is_encrypted_and_holds_the_snapshot(w, settings):
    said = backup()
    path = only_backup(settings)
    assert f"Backup written: {path}" in said
    assert path.stat().st_mode & 0o077 == 0  # private to its owner
    blob = path.read_bytes()
    assert blob.startswith(crypto.MAGIC)
    # Without the key it is noise; with it, the manifest counts what the database held.
    with pytest.raises(crypto.BackupError, match="Wrong key"):
        crypto.decrypt(io.BytesIO(blob), "not-the-key-it-was-made-with", io.BytesIO())

    class Discard:
        def write(self, data):
            return len(data)

    sink = Sink(lambda manifest: Discard())
    crypto.decrypt(io.BytesIO(blob), KEY, sink)
    assert sink.manifest["vendor"] == connection.vendor
    assert sink.manifest["tables"]["pupils_pupil"] == Pupil.objects.count() > 0
    assert sink.manifest["tables"]["audit_auditevent"] == AuditEvent.objects.count()
    # No plain copy of the database is left beside it.
    assert backups_in(settings) == [path.name]


def test_restore_verify_checks_a_scratch_copy_and_changes_nothing(w, settings):
    audit_marker(w)
    backup()
    path = only_backup(settings)
    audit_marker(w)
    events = AuditEvent.objects.count()
    said = restore(path, "--verify")
    assert "FAIL" not in said
    for line in ("ok    row counts:", "ok    schema:", "ok    foreign keys:", "ok    audit chain:"):
        assert line in said
    assert "rows, as when made" in said
    assert "The backup is good. Nothing was changed (--verify)." in said
    # The live database is as it was: the row written after the backup is still there.
    assert AuditEvent.objects.count() == events
    assert backups_in(settings) == [path.name]  # the scratch copy is gone
    assert scratch_left() == []


def test_restore_replace_puts_the_backup_back_and_keeps_the_day_it_replaced(w, settings):
    audit_marker(w)
    backup()
    path = only_backup(settings)
    at_backup = AuditEvent.objects.count()
    audit_marker(w)
    YearGroup.objects.create(school=w.school, name="Year 99", ordinal=99)
    # As a newer version's migration would add: a table the backup does not have.
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE made_after_the_backup (id integer PRIMARY KEY)")
    said = restore(path, "--replace", "--no-input")
    assert "The live database was replaced" in said
    # The whole database is the backup's: nothing of the day it replaced is left behind.
    assert "made_after_the_backup" not in connection.introspection.table_names()
    assert "ok    audit chain of the live database, replaced" in said
    assert AuditEvent.objects.count() == at_backup
    assert not YearGroup.objects.filter(name="Year 99").exists()
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("OK")
    # The day it replaced is kept, encrypted, and outside rotation.
    (safety,) = [p for p in settings.BACKUP_DIR.iterdir() if p.name.startswith("pre-restore-")]
    assert f"saved in {safety}" in said
    said = restore(safety, "--verify")
    # The day it replaced: the audit rows, and the security trail's row of the backup.
    assert f"audit chain: {at_backup + 1 + 1} rows" in said
    assert scratch_left() == []


def test_a_wrong_key_or_a_changed_byte_replaces_nothing(w, settings, monkeypatch):
    backup()
    path = only_backup(settings)
    YearGroup.objects.create(school=w.school, name="Year 99", ordinal=99)
    monkeypatch.setenv(crypto.KEY_ENV, "a-different-key-of-enough-length")
    with pytest.raises(CommandError, match="Wrong key"):
        restore(path, "--replace", "--no-input")
    monkeypatch.setenv(crypto.KEY_ENV, KEY)
    blob = bytearray(path.read_bytes())
    blob[len(blob) // 2] ^= 0x40
    path.write_bytes(bytes(blob))
    with pytest.raises(CommandError, match="damaged or was changed"):
        restore(path, "--replace", "--no-input")
    path.write_bytes(bytes(blob[: len(blob) // 3]))
    with pytest.raises(CommandError, match="damaged or was changed"):
        restore(path, "--verify")
    assert YearGroup.objects.filter(name="Year 99").exists()
    assert backups_in(settings) == [path.name]
    assert scratch_left() == []


def test_a_broken_audit_chain_fails_the_checks_and_replaces_nothing(w, settings):
    audit_marker(w)
    audit_marker(w)
    first = AuditEvent.objects.order_by("seq").first()
    # A row removed (through the one path that can): the chain now has a gap.
    with disposal_permit(["audit_auditevent"], why="test: break the chain before a backup"):
        AuditEvent.objects.filter(pk=first.pk).delete()
    backup()
    path = only_backup(settings)
    YearGroup.objects.create(school=w.school, name="Year 99", ordinal=99)
    out = io.StringIO()
    with pytest.raises(CommandError, match="failed its checks: nothing was replaced"):
        call_command("restore", str(path), "--replace", "--no-input", stdout=out)
    assert "FAIL  audit chain: does not match" in out.getvalue()
    assert "ok    row counts" in out.getvalue()
    assert YearGroup.objects.filter(name="Year 99").exists()
    assert not [p for p in settings.BACKUP_DIR.iterdir() if p.name.startswith("pre-restore-")]
    assert scratch_left() == []


def test_a_row_pointing_at_nothing_is_refused(w, settings):
    year = YearGroup.objects.create(school=w.school, name="Year 99", ordinal=99)
    # Past the database's own guard, as a damaged file or a careless script would be.
    if SQLITE:
        connection.close()
        raw = sqlite3.connect(connection.settings_dict["NAME"])
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute("UPDATE schools_yeargroup SET school_id = 999999 WHERE id = ?", (year.pk,))
        raw.commit()
        raw.close()
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(
                "UPDATE schools_yeargroup SET school_id = 999999 WHERE id = %s", [year.pk]
            )
            cursor.execute("SET session_replication_role = DEFAULT")
    backup()
    path = only_backup(settings)
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path), "--verify", stdout=out)
    if SQLITE:
        assert "failed its checks" in str(refused.value)
        assert "FAIL  foreign keys: schools_yeargroup" in out.getvalue()
    else:
        # PostgreSQL re-checks each foreign key as pg_restore makes it.
        assert "could not be restored into the scratch database" in str(refused.value)
        assert "schools_yeargroup" in str(refused.value)
    assert backups_in(settings) == [path.name]
    assert scratch_left() == []
    YearGroup.objects.filter(pk=year.pk).update(school=w.school)


def test_rotation_keeps_the_newest_and_never_a_pre_restore_copy(w, settings, now):
    made = []
    for _ in range(4):
        said = backup("--keep", "2")
        made.append(said.split("Backup written: ")[1].split(" (")[0].rsplit("/", 1)[1])
        now.shift(3600)
    assert made == sorted(made) and len(set(made)) == 4
    assert backups_in(settings) == made[2:]
    assert "Removed old backup" in said
    # Two in one second are both kept, in the order they were made.
    now.shift(-3600)
    said = backup("--keep", "3")
    assert said.split("Backup written: ")[1].split(" (")[0].endswith(made[3][:-7] + "-2.backup")
    restore(settings.BACKUP_DIR / made[3], "--replace", "--no-input")
    said = backup("--keep", "1")
    names = backups_in(settings)
    assert len([n for n in names if n.startswith("sendesk-")]) == 1
    assert len([n for n in names if n.startswith("pre-restore-")]) == 1


def test_replace_asks_first_and_does_nothing_without_a_yes(w, settings, monkeypatch):
    backup()
    path = only_backup(settings)
    YearGroup.objects.create(school=w.school, name="Year 99", ordinal=99)
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "yes")
    with pytest.raises(CommandError, match="Nothing was done"):
        restore(path, "--replace")
    assert "Type 'replace' to go on" in asked[0]
    assert YearGroup.objects.filter(name="Year 99").exists()
    assert backups_in(settings) == [path.name]
    # Its name in the backup folder is enough.
    said = restore(path.name, "--verify")
    assert "The backup is good" in said
