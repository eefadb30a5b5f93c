"""`manage.py restore FILE`: decrypt into a scratch database, check it, and only then (with
--replace) put it in the live database's place.

The order is what makes it safe:
1. The file is decrypted into a scratch database that nothing else uses: on SQLite a private
   temporary file beside the backups, on PostgreSQL a new database `<name>_restore_<random>`
   (pg_restore reads the dump from a pipe; it is never on disk in plain text). A wrong key,
   a changed byte or a cut-off file stops it here, with the live database untouched.
2. The scratch copy is checked (sendesk.backups.checks): row counts against the snapshot the
   backup was made from, the schema against this code's migrations, SQLite's file
   structure, every foreign key, and the audit chain.
3. Only if every check passed and --replace was given: a backup of the live database as it
   is now is written first (pre-restore-sendesk-....backup, outside rotation: the way back
   if the restored day was the wrong day), then the live database is replaced in one step:
   SQLite's backup API copies the checked scratch file over the live one under its write
   lock (no half-replaced file, other connections simply see the new pages); on PostgreSQL
   the checked scratch database is renamed to the live one's name (and the old one, already
   saved, dropped): what goes live is exactly what was checked. The audit chain of the live
   database is checked again after.
4. The scratch database is removed, whatever happened."""

import secrets
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils.connection import ConnectionDoesNotExist

from .archive import PRE_RESTORE, Decompressing, Sink
from .checks import Check, audit_chain, run_all
from .crypto import BackupError, decrypt
from .make import make_backup, pg_env, pg_program

SCRATCH = "backup_scratch"


@dataclass
class Outcome:
    manifest: dict
    checks: list[Check]
    replaced: bool = False
    safety: Path | None = None
    after: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks) and all(c.ok for c in self.after)


def _expect(manifest: dict, vendor: str, payload: str) -> None:
    if manifest.get("vendor") != vendor:
        raise BackupError(
            f"The backup is of a {manifest.get('vendor')} database but this SENDesk runs on "
            f"{vendor} (DATABASE_URL): it can be restored only into the same kind."
        )
    if manifest.get("payload") != payload:
        raise BackupError(f"The backup holds {manifest.get('payload')!r}, not {payload!r}.")


class _Pipe:
    """pg_restore's standard input; if pg_restore stopped (it refused the dump), say why."""

    def __init__(self, argv, env, directory):
        self.errors = tempfile.TemporaryFile(dir=directory)
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self.errors, env=env
        )

    def _failed(self, what):
        self.proc.kill()
        self.proc.wait()
        self.errors.seek(0)
        said = self.errors.read().decode(errors="replace").strip()
        return BackupError(f"{what}: {said[-2000:] or 'pg_restore stopped'}")

    def write(self, data):
        try:
            self.proc.stdin.write(data)
        except BrokenPipeError:
            raise self._failed("pg_restore refused the backup") from None
        return len(data)

    def finish(self, what):
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        if self.proc.wait() != 0:
            raise self._failed(what)

    def abandon(self):
        """Stop pg_restore before it commits: with --single-transaction nothing is kept."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.errors.close()


class SqliteScratch:
    vendor = "sqlite"

    def __init__(self, live, directory: Path):
        self.live, self.directory = live, directory
        handle = tempfile.NamedTemporaryFile(
            dir=directory, prefix=".restore-", suffix=".sqlite3", delete=False
        )
        handle.close()
        self.path = Path(handle.name)
        self.file = self.writer = None

    def open(self, manifest):
        _expect(manifest, "sqlite", "sqlite3+zlib")
        self.file = open(self.path, "wb")  # noqa: SIM115 (closed in finish/cleanup)
        self.writer = Decompressing(self.file)
        return self.writer

    def finish(self):
        self.writer.close()
        self.file.close()

    def name(self):
        return str(self.path)

    def replace_live(self):
        self.live.close()
        source = sqlite3.connect(self.path)
        target = sqlite3.connect(self.live.settings_dict["NAME"])
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()

    def cleanup(self):
        if self.file is not None:
            self.file.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


class PostgresScratch:
    vendor = "postgresql"

    def __init__(self, live, directory: Path):
        self.live, self.directory = live, directory
        self.db = f"{live.settings_dict['NAME'][:40]}_restore_{secrets.token_hex(4)}"
        self.pipe = None
        with live._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {live.ops.quote_name(self.db)}")

    def _restore_argv(self, *extra):
        return [pg_program("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                *extra]  # fmt: skip

    def open(self, manifest):
        _expect(manifest, "postgresql", "pg_dump-custom")
        # One transaction: one commit (fast), and a refused dump leaves an empty scratch.
        argv = self._restore_argv("--single-transaction", "--dbname", self.db)
        self.pipe = _Pipe(argv, pg_env(self.live.settings_dict, self.db), self.directory)
        return self.pipe

    def finish(self):
        self.pipe.finish("The backup could not be restored into the scratch database")

    def name(self):
        return self.db

    def replace_live(self):
        """The checked scratch database becomes the live one, by name: exactly what was
        checked, whole (tables a newer version added are not left behind, so `migrate`
        runs as on a new database). If the second rename fails the first is undone."""
        self.live.close()
        q = self.live.ops.quote_name
        live_name = self.live.settings_dict["NAME"]
        old = f"{live_name[:40]}_replaced_{secrets.token_hex(4)}"
        with self.live._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [live_name],
            )
            try:
                cursor.execute(f"ALTER DATABASE {q(live_name)} RENAME TO {q(old)}")
            except DatabaseError as exc:
                raise BackupError(
                    f"The live database is in use ({exc}): stop the web server and the task "
                    "worker, then restore again. Nothing was replaced."
                ) from None
            try:
                cursor.execute(f"ALTER DATABASE {q(self.db)} RENAME TO {q(live_name)}")
            except DatabaseError:
                cursor.execute(f"ALTER DATABASE {q(old)} RENAME TO {q(live_name)}")
                raise
            self.db = None
            # The database as it was is in the pre-restore backup written just before.
            cursor.execute(f"DROP DATABASE {q(old)} WITH (FORCE)")

    def cleanup(self):
        if self.pipe is not None:
            self.pipe.abandon()
        if self.db is None:  # it became the live database
            return
        with self.live._nodb_cursor() as cursor:
            name = self.live.ops.quote_name(self.db)
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _register(live, name: str) -> None:
    """The scratch database as a connection of its own, for the ORM and the checks. Only in
    this thread's connections, never in settings.DATABASES: nothing else can route to it."""
    scratch = live.copy(alias=SCRATCH)
    scratch.settings_dict["NAME"] = name
    connections[SCRATCH] = scratch


def _unregister() -> None:
    try:
        scratch = connections[SCRATCH]
    except ConnectionDoesNotExist:  # not registered: nothing to do
        return
    try:
        scratch.close()
    finally:
        del connections[SCRATCH]


def restore(
    backup: Path, key: str, directory: Path, replace: bool, alias: str = DEFAULT_DB_ALIAS
) -> Outcome:
    live = connections[alias]
    kinds = {"sqlite": SqliteScratch, "postgresql": PostgresScratch}
    if live.vendor not in kinds:
        raise BackupError(f"Restoring into a {live.vendor} database is not supported.")
    if not backup.is_file():
        raise BackupError(f"There is no file {backup}.")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    scratch = kinds[live.vendor](live, directory)
    try:
        sink = Sink(scratch.open)
        with open(backup, "rb") as source:
            decrypt(source, key, sink, name=backup.name)
        if sink.manifest is None:
            raise BackupError(f"{backup.name} holds no database.")
        scratch.finish()
        _register(live, scratch.name())
        try:
            outcome = Outcome(sink.manifest, run_all(SCRATCH, sink.manifest["tables"]))
        finally:
            _unregister()
        if replace and outcome.ok:
            outcome.safety = make_backup(directory, key, None, alias, prefix=PRE_RESTORE).path
            scratch.replace_live()
            outcome.replaced = True
            after = audit_chain(alias)
            after.name = "audit chain of the live database, replaced"
            outcome.after = [after]
        return outcome
    finally:
        _unregister()
        scratch.cleanup()
