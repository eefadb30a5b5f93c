"""Review 12 probe: a backup made before a migration that added a foreign key column (an
older migration state) passes `restore --verify` (SQLite: the file is edited as the older
version would have left it)."""

import io
import re
import sqlite3
import zlib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from sendesk.backups import crypto
from sendesk.backups.archive import Sink, manifest_bytes
from tests.backups.test_backup_restore import KEY, backup, only_backup, w  # noqa: F401

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="edits a SQLite file")


def _as_older(path, tmp_path):
    """The backup rewritten as if made before therapy 0002 (referral.agency and friends)."""
    plain = tmp_path / "plain.sqlite3"
    with open(plain, "wb") as out:

        class Payload:
            def __init__(self):
                self.z = zlib.decompressobj()

            def write(self, data):
                out.write(self.z.decompress(data))
                return len(data)

        sink = Sink(lambda manifest: Payload())
        crypto.decrypt(open(path, "rb"), KEY, sink)
    db = sqlite3.connect(plain)
    db.execute("PRAGMA foreign_keys=OFF")
    (create,) = db.execute(
        "SELECT sql FROM sqlite_master WHERE type='table' AND name='therapy_referral'"
    ).fetchone()
    parts = [p for p in re.split(r", (?=\")", create) if not p.startswith('"agency_id"')]
    cols = [r[1] for r in db.execute("PRAGMA table_info(therapy_referral)") if r[1] != "agency_id"]
    listed = ", ".join(f'"{c}"' for c in cols)
    db.execute(", ".join(parts).replace('"therapy_referral"', '"t"', 1))
    db.execute(f"INSERT INTO t ({listed}) SELECT {listed} FROM therapy_referral")
    db.execute("DROP TABLE therapy_referral")
    db.execute("ALTER TABLE t RENAME TO therapy_referral")
    db.execute("DELETE FROM django_migrations WHERE app='therapy' AND name >= '0002'")
    db.commit()
    db.close()
    manifest = sink.manifest
    manifest["tables"]["django_migrations"] -= 5
    with open(path, "wb") as dest:
        writer = crypto.EncryptingWriter(dest, KEY)
        writer.write(manifest_bytes(manifest))
        writer.write(zlib.compress(plain.read_bytes()))
        writer.close()


def test_restore_verify_of_a_backup_from_an_older_migration_state(w, settings, tmp_path):  # noqa: F811
    backup()
    path = only_backup(settings)
    _as_older(path, tmp_path)
    out = io.StringIO()
    try:
        call_command("restore", str(path), "--verify", stdout=out)
    except CommandError:
        pass
    said = out.getvalue()
    assert "migrations older than this code" in said
    assert "FAIL" not in said, said
