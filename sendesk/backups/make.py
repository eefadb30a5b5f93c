"""`manage.py backup`: one consistent copy of the database, encrypted as it is written.

SQLite: the online backup API copies the live file page by page under its read lock, so the
copy is one moment's database even while the server writes (never `cp` a live SQLite file:
a copy taken mid-write is corrupt). It goes to a private temporary file beside the backups
(0600, removed at once), is counted, and is compressed and encrypted into the backup.

PostgreSQL: one REPEATABLE READ transaction exports its snapshot; the row counts are taken
in it and pg_dump dumps exactly that snapshot (`--snapshot`), so counts and dump agree
while the school goes on working. pg_dump's output is encrypted as it streams: the dump is
never on disk in plain text.

The file is written under a temporary name and renamed when complete (a crash leaves no
half file that rotation would count as a backup); only then are the oldest removed."""

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from .archive import FORMAT, Compressing, manifest_bytes, new_path, rotate
from .crypto import BackupError, EncryptingWriter

READ = 1024 * 1024


@dataclass
class Made:
    path: Path
    vendor: str
    tables: dict
    removed: list


def sqlite_tables(db: sqlite3.Connection) -> dict:
    names = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {
        name: db.execute(f'SELECT count(*) FROM "{name.replace(chr(34), chr(34) * 2)}"').fetchone()[
            0
        ]
        for name in names
    }


def pg_tables(cursor) -> dict:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    counts = {}
    for (name,) in cursor.fetchall():
        cursor.execute(f'SELECT count(*) FROM "{name.replace(chr(34), chr(34) * 2)}"')
        counts[name] = cursor.fetchone()[0]
    return counts


def pg_program(name: str) -> str:
    """pg_dump or pg_restore: from BACKUP_PG_BIN_DIR if set, else from PATH."""
    if settings.BACKUP_PG_BIN_DIR:
        path = Path(settings.BACKUP_PG_BIN_DIR) / name
        if not path.is_file():
            raise BackupError(f"{name} is not in SENDESK_PG_BIN_DIR ({path.parent}).")
        return str(path)
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found: install PostgreSQL's client programs, or set "
            "SENDESK_PG_BIN_DIR to the folder that holds them."
        )
    return found


def pg_env(settings_dict: dict, name: str | None = None) -> dict:
    """The environment that points libpq (pg_dump, pg_restore) at the database: no
    password on a command line, where `ps` would show it."""
    env = {**os.environ}
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    options = settings_dict.get("OPTIONS") or {}
    for var, key in (("PGSSLMODE", "sslmode"), ("PGSSLROOTCERT", "sslrootcert")):
        if options.get(key):
            env[var] = str(options[key])
    env["PGDATABASE"] = name or settings_dict["NAME"]
    return env


def _sqlite_payload(live: str, directory: Path, writer) -> dict:
    if not Path(live).is_file():
        # sqlite3.connect would make an empty database there and back that up.
        raise BackupError(f"There is no database at {live} to back up.")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".snapshot-", suffix=".sqlite3")
    os.close(fd)
    try:
        source, copy = sqlite3.connect(live), sqlite3.connect(tmp)
        try:
            source.backup(copy)
            tables = sqlite_tables(copy)
        finally:
            source.close()
            copy.close()
        writer.write(manifest_bytes(_manifest("sqlite", "sqlite3+zlib", tables)))
        compressing = Compressing(writer)
        with open(tmp, "rb") as plain:
            while block := plain.read(READ):
                compressing.write(block)
        compressing.close()
        return tables
    finally:
        Path(tmp).unlink(missing_ok=True)


def _pg_payload(alias: str, directory: Path, writer) -> dict:
    own = connections[alias].copy()
    own.connect()
    try:
        raw = own.connection
        with raw.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            tables = pg_tables(cursor)
            writer.write(manifest_bytes(_manifest("postgresql", "pg_dump-custom", tables)))
            with tempfile.TemporaryFile(dir=directory) as errors:
                dump = subprocess.Popen(
                    [pg_program("pg_dump"), "--format=custom", f"--snapshot={snapshot}"],
                    stdout=subprocess.PIPE,
                    stderr=errors,
                    env=pg_env(own.settings_dict),
                )
                with dump.stdout:
                    while block := dump.stdout.read(READ):
                        writer.write(block)
                if dump.wait() != 0:
                    errors.seek(0)
                    raise BackupError(f"pg_dump failed: {errors.read().decode(errors='replace')}")
            cursor.execute("COMMIT")
        return tables
    finally:
        own.close()


def _manifest(vendor: str, payload: str, tables: dict) -> dict:
    return {
        "format": FORMAT,
        "vendor": vendor,
        "payload": payload,
        "made_at": timezone.now().astimezone(dt.UTC).isoformat(),
        "tables": tables,
    }


def make_backup(
    directory: Path,
    key: str,
    keep: int | None,
    alias: str = DEFAULT_DB_ALIAS,
    prefix: str = "",
) -> Made:
    """Write one backup into `directory`; then, if `keep`, remove all but the newest `keep`."""
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups of a {vendor} database are not supported.")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = new_path(directory, timezone.now(), prefix)
    partial = path.with_name(f".{path.name}.partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            writer = EncryptingWriter(out, key)
            if vendor == "sqlite":
                live = connections[alias].settings_dict["NAME"]
                tables = _sqlite_payload(live, directory, writer)
            else:
                tables = _pg_payload(alias, directory, writer)
            writer.close()
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    removed = rotate(directory, keep) if keep else []
    return Made(path=path, vendor=vendor, tables=tables, removed=removed)
