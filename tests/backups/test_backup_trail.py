"""`manage.py backup` and `restore` leave their mark in the security trail: who ran them,
when, which file and the result, failures too; a restore's row lands in the database that
is live after it, and the trail's chain stays whole."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from sendesk.audit.models import AuditEvent, SecurityEvent
from sendesk.backups import crypto, trail
from sendesk.lib.migrations import disposal_permit

from ..world import build_world
from .test_backup_restore import KEY, audit_marker, backup, only_backup, restore


@pytest.fixture
def w(transactional_db, now, settings, tmp_path, monkeypatch):
    settings.BACKUP_DIR = tmp_path / "backups"
    monkeypatch.setenv(crypto.KEY_ENV, KEY)
    return build_world()


def rows(kind=None):
    found = SecurityEvent.objects.order_by("seq")
    if kind:
        found = found.filter(kind=kind)
    return list(found.values("kind", "via", "user", "actor", "detail", "at"))


def chain_whole():
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue().startswith("OK")


def test_a_backup_written_is_recorded_with_who_when_which_file(w, settings):
    assert rows() == []
    backup()
    path = only_backup(settings)
    (row,) = rows()
    assert row["kind"] == "backup_written" and row["via"] == "command"
    assert row["user"] is None and row["actor"] is None
    assert abs((row["at"] - timezone.now()).total_seconds()) < 1
    assert row["detail"]["file"] == str(path)
    assert row["detail"]["result"] == "ok"
    assert row["detail"]["by"] == trail.who() and "@" in row["detail"]["by"]
    assert row["detail"]["rows"] > 0 and row["detail"]["removed"] == []
    assert chain_whole()


def test_a_backup_that_could_not_be_written_is_recorded(w, settings, monkeypatch):
    monkeypatch.delenv(crypto.KEY_ENV)
    with pytest.raises(CommandError, match="SENDESK_BACKUP_KEY is not set"):
        backup()
    (row,) = rows()
    assert row["kind"] == "backup_failed"
    assert row["detail"]["result"] == "failed"
    assert "SENDESK_BACKUP_KEY is not set" in row["detail"]["reason"]
    assert row["detail"]["file"] == str(settings.BACKUP_DIR)


def test_verify_good_and_bad_are_both_recorded(w, settings, monkeypatch):
    backup()
    path = only_backup(settings)
    restore(path, "--verify")
    (good,) = rows("backup_verified")
    assert good["detail"]["file"] == str(path) and good["detail"]["result"] == "ok"
    assert good["detail"]["failed_checks"] == [] and good["detail"]["made_at"]
    # A wrong key: nothing restored, and the attempt is on the trail with the reason.
    monkeypatch.setenv(crypto.KEY_ENV, "a-different-key-of-enough-length")
    with pytest.raises(CommandError, match="Wrong key"):
        restore(path, "--verify")
    (bad,) = rows("restore_failed")
    assert bad["detail"]["result"] == "failed" and "Wrong key" in bad["detail"]["reason"]
    assert bad["detail"]["file"] == str(path)
    assert chain_whole()


def test_a_backup_failing_its_checks_is_recorded_with_the_check(w, settings):
    audit_marker(w)
    audit_marker(w)
    first = AuditEvent.objects.order_by("seq").first()
    # A row removed (through the one path that can): the chain now has a gap.
    with disposal_permit(["audit_auditevent"], why="test: break the chain before a backup"):
        AuditEvent.objects.filter(pk=first.pk).delete()
    backup()
    path = only_backup(settings)
    with pytest.raises(CommandError, match="failed its checks"):
        restore(path, "--replace", "--no-input")
    (row,) = rows("restore_failed")
    assert row["detail"]["failed_checks"] == ["audit chain"]
    assert row["detail"]["replace"] is True and row["detail"]["safety_copy"] == ""
    assert row["detail"]["file"] == str(path) and row["detail"]["result"] == "failed"
    assert not rows("restored")


def test_a_restore_is_recorded_in_the_database_it_made_live(w, settings):
    backup()
    path = only_backup(settings)
    audit_marker(w)
    restore(path, "--replace", "--no-input")
    # The live database is the backup's (which held no trail row of its own making) plus
    # the restore's row; the backup's own row went with the day it replaced.
    (row,) = rows()
    assert row["kind"] == "restored" and row["detail"]["result"] == "ok"
    assert row["detail"]["file"] == str(path)
    safety = row["detail"]["safety_copy"]
    assert safety.startswith(str(settings.BACKUP_DIR)) and "pre-restore-" in safety
    assert chain_whole()
