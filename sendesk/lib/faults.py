"""Faults answered honestly: when the database cannot be reached, is read-only, is full, or its
file was removed under the running server, every request gets a 503 that says so in plain
words (JSON under /api/, the site's own page for people), the worker stays up, and no write
is acknowledged that is not in the database a restart will read.

Three pieces:
- `classify(exc)` turns a database error into one of a few plain-words faults (or None for
  a programming error, which stays a 500 for the developers to see);
- `FaultsMiddleware` answers those with a 503, wherever in the request they happened, and
  on SQLite refuses to serve from a database file that is no longer the configured one;
- `startup_check()` (manage.py, sendesk.wsgi) stops start-up with one line saying what to
  fix when the SQLite file cannot be written.

SQLite keeps writing to a file after it was unlinked (and in WAL mode never notices), so the
file's device and inode are remembered when a connection opens and compared with the
configured path before every statement and again before a response leaves: a file that is
missing or replaced means the connection writes where nobody will read. A file made
read-only under a running worker is answered without touching SQLite at all (`map_unsafe`):
its WAL index is mapped for writing, and a write through that map would kill the worker.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass

from django.core.signals import got_request_exception
from django.db import DatabaseError, OperationalError, connections
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.template.loader import render_to_string

RETRY = (
    "Try again in a few minutes. If it goes on, tell the person who runs SENDesk for your school."
)


@dataclass(frozen=True)
class Fault:
    kind: str
    message: str


UNREACHABLE = Fault(
    "unreachable",
    "SENDesk cannot reach its database, so nothing can be shown or saved just now. "
    "Nothing you sent was saved.",
)
READ_ONLY = Fault(
    "read_only",
    "SENDesk's database is read-only just now, so nothing can be saved. "
    "What you sent was not saved.",
)
FULL = Fault(
    "full",
    "SENDesk's database is full (there is no space left for it on the disk), so nothing "
    "new can be saved. What you sent was not saved.",
)
GONE = Fault(
    "gone",
    "SENDesk's database file is missing or was replaced while the server was running, so "
    "nothing can be shown or saved safely. Nothing you sent was saved. The server must be "
    "restarted on the right file.",
)
BUSY = Fault(
    "busy",
    "SENDesk's database is busy and did not answer in time. What you sent was not saved.",
)
NOT_SET_UP = Fault(
    "not_set_up",
    "SENDesk's database has not been set up (its tables are missing), so nothing can be "
    "shown or saved. Nothing you sent was saved.",
)

# SQLite's error names (Python 3.11 gives them on the exception) and, for older drivers or
# wrapped errors, the words of its messages.
_SQLITE_NAMES = (
    ("SQLITE_READONLY_DBMOVED", GONE),
    ("SQLITE_READONLY", READ_ONLY),
    ("SQLITE_FULL", FULL),
    ("SQLITE_CANTOPEN", UNREACHABLE),
    ("SQLITE_IOERR", UNREACHABLE),
    ("SQLITE_BUSY", BUSY),
    ("SQLITE_LOCKED", BUSY),
)
_SQLITE_WORDS = (
    ("readonly database", READ_ONLY),
    ("database or disk is full", FULL),
    ("unable to open database file", UNREACHABLE),
    ("disk i/o error", UNREACHABLE),
    ("database is locked", BUSY),
    ("database table is locked", BUSY),
    ("no such table", NOT_SET_UP),
)
# PostgreSQL's SQLSTATE codes (and classes: the first two characters).
_PG_CODES = {
    "25006": READ_ONLY,  # read_only_sql_transaction
    "42P01": NOT_SET_UP,  # undefined_table
    "53100": FULL,  # disk_full
    "57P01": UNREACHABLE,  # admin_shutdown
    "57P02": UNREACHABLE,  # crash_shutdown
    "57P03": UNREACHABLE,  # cannot_connect_now
    "55P03": BUSY,  # lock_not_available
    "57014": BUSY,  # query_canceled (statement_timeout)
}
_PG_CLASSES = {"08": UNREACHABLE, "53": FULL}


class DatabaseGone(OperationalError):
    """The SQLite file this connection writes to is no longer the one at the configured path."""


def _classify_sqlite(exc: BaseException) -> Fault | None:
    name = getattr(exc, "sqlite_errorname", "") or ""
    for prefix, fault in _SQLITE_NAMES:
        if name.startswith(prefix):
            return fault
    text = str(exc).lower()
    for words, fault in _SQLITE_WORDS:
        if words in text:
            return fault
    return None


def _classify_postgres(exc: BaseException) -> Fault | None:
    code = getattr(exc, "sqlstate", None)
    if code:
        return _PG_CODES.get(code) or _PG_CLASSES.get(code[:2])
    # Every connection of the server's pool (SENDESK_DB_POOL) in use for longer than its
    # timeout: busy, not gone (psycopg_pool's PoolTimeout, which has no SQLSTATE).
    if type(exc).__name__ == "PoolTimeout":
        return BUSY
    # psycopg gives no SQLSTATE when there is no server to give one: refused, timed out,
    # closed under us.
    if type(exc).__name__ in ("OperationalError", "InterfaceError"):
        return UNREACHABLE
    return None


def classify(exc: BaseException | None) -> Fault | None:
    """The plain-words fault behind a database error, or None when it is not one of them."""
    if isinstance(exc, DatabaseGone):
        return GONE
    if isinstance(exc, DatabaseReadOnlyNow):
        return READ_ONLY
    if not isinstance(exc, DatabaseError):
        return None
    cause = exc.__cause__ or exc
    module = type(cause).__module__ or ""
    if module.startswith("sqlite3"):
        return _classify_sqlite(cause)
    if module.startswith("psycopg"):
        return _classify_postgres(cause)
    return _classify_sqlite(cause)


# --- SQLite: the file a connection writes to is the one a restart reads --------------------


def sqlite_path(connection) -> str | None:
    """The file of a SQLite connection, or None (another database, or one in memory)."""
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name or not name:
        return None
    return name


def file_identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def writable(path: str) -> bool:
    """Whether the database file and its WAL index (-shm) may be written, as the kernel says
    now (a read-only mount, an immutable file, or modes that deny this user). Two system
    calls when it may (this runs before every statement): whether the -shm file exists is
    asked only when it cannot be written."""
    if not os.access(path, os.W_OK):
        return False
    shm = f"{path}-shm"
    return os.access(shm, os.W_OK) or not os.path.exists(shm)


# Files this process has opened writable. SQLite maps a file's WAL index (-shm) once a
# process, shared by all its connections, and keeps it mapped while any of them is open.
_MAPPED_WRITABLE: set[str] = set()


def _remember_file(sender, connection, **kwargs):
    path = sqlite_path(connection)
    if path is None:
        return
    # Taken just after SQLite opened the file: nothing can have replaced it in between but
    # an operator racing the first query of a new connection.
    connection.sendesk_file = file_identity(path)
    if writable(path):
        _MAPPED_WRITABLE.add(path)
    if _guard not in connection.execute_wrappers:
        connection.execute_wrappers.append(_guard)


connection_created.connect(_remember_file, dispatch_uid="sendesk.lib.faults.remember_file")


def file_moved(connection) -> bool:
    """Whether an open SQLite connection's file is no longer at the configured path."""
    path = sqlite_path(connection)
    if path is None or connection.connection is None:
        return False
    if not hasattr(connection, "sendesk_file"):
        # Opened before this module was imported (a test database set up before the first
        # request): it is the file at the path now, or none at all.
        _remember_file(None, connection)
    return connection.sendesk_file is None or file_identity(path) != connection.sendesk_file


def map_unsafe(connection) -> bool:
    """Whether this process maps the WAL index of `connection`'s file for writing while the
    file can no longer be written.

    SQLite reads and writes the WAL index (the -shm file) through a shared memory map, in
    WAL mode always, whatever mmap_size says, and even a read writes to it. Once the file is
    made read-only under a running process (a read-only remount, an immutable file), a write
    to that map is a SIGBUS that kills the worker, and so is closing a connection (its
    checkpoint) or opening a new one (it shares the process's map). So the process does not
    touch the database until the file is writable again, and answers 503 meanwhile; a worker
    started while the file is read-only maps it read-only, and reads work there."""
    path = sqlite_path(connection)
    # (A file that is gone is a fault of its own: GONE.) Whether it exists is asked only
    # of a file that cannot be written: one system call fewer before every statement.
    return path in _MAPPED_WRITABLE and not writable(path) and os.path.exists(path)


class DatabaseReadOnlyNow(OperationalError):
    """The SQLite file was made read-only under this process."""


def _guard(execute, sql, params, many, context):
    # A stat() and two access() a statement (microseconds): a write that goes to an unlinked
    # file is lost at the next restart, a read from it shows what a restart will not, and
    # any statement on a file made read-only under this process may be a SIGBUS.
    connection = context["connection"]
    if file_moved(connection):
        raise DatabaseGone(GONE.message)
    if map_unsafe(connection):
        raise DatabaseReadOnlyNow(READ_ONLY.message)
    return execute(sql, params, many, context)


def _close_moved(connection) -> None:
    # Outside a transaction only: the next request opens the file that is at the path now
    # (or finds none and answers 503 without opening one, which would create an empty file).
    if not connection.in_atomic_block:
        connection.close()


# --- Answers --------------------------------------------------------------------------------


def fault_response(request, fault: Fault) -> HttpResponse:
    if request.path == "/healthz":
        # For the load balancer and the person reading its log: the words, as plain text.
        response = HttpResponse(fault.message, status=503, content_type="text/plain")
    elif request.path.startswith("/api/"):
        response = HttpResponse(
            json.dumps({"detail": fault.message}), status=503, content_type="application/json"
        )
    else:
        # The page touches no database (no session, no user, no navigation), so that it can
        # be shown while the database cannot.
        html = render_to_string("503.html", {"message": fault.message, "retry": RETRY})
        response = HttpResponse(html, status=503)
    response["Cache-Control"] = "no-store"
    return response


def _note_exception(sender, request=None, **kwargs):
    # An error in another middleware (the session saved after the view) becomes Django's 500
    # before FaultsMiddleware sees a response: remember what it was, to answer 503 instead.
    fault = classify(sys.exc_info()[1])
    if request is not None and fault is not None:
        request.sendesk_fault = fault


got_request_exception.connect(_note_exception, dispatch_uid="sendesk.lib.faults.note_exception")


def _configured_sqlite_missing() -> bool:
    path = sqlite_path(connections["default"])
    return path is not None and file_identity(path) is None


class FaultsMiddleware:
    """Answers 503 with what is wrong when the database cannot serve a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        connection = connections["default"]
        if file_moved(connection):
            _close_moved(connection)
            return fault_response(request, GONE)
        if map_unsafe(connection):
            return fault_response(request, READ_ONLY)
        if connection.connection is None and _configured_sqlite_missing():
            return fault_response(request, GONE)
        response = self.get_response(request)
        fault = getattr(request, "sendesk_fault", None)
        if fault is not None and response.status_code == 500:
            response = fault_response(request, fault)
        # Checked again after the view and the session have written: a file removed between
        # the last statement and COMMIT took the write with it, so it is not acknowledged.
        if file_moved(connection):
            _close_moved(connection)
            return fault_response(request, GONE)
        return response

    def process_exception(self, request, exception):
        fault = classify(exception)
        if fault is None:
            return None
        return answer(request, fault)


def answer(request, fault: Fault) -> HttpResponse:
    """The 503 for a fault met while handling `request` (the middleware's, and the API's
    exception handler's)."""
    # Remembered for FaultsMiddleware: the session middleware, reading a session the fault
    # kept from loading, may then fail on this very response and make it Django's 500.
    request.sendesk_fault = fault
    # Nobody is signed in as far as the rest of this response goes: the middleware it passes
    # back through (no-store for signed-in people) would otherwise load the user from the
    # database that just failed, and fail again.
    # (Imported here: manage.py imports this module before the apps are loaded.)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    if fault is GONE:
        _close_moved(connections["default"])
    return fault_response(request, fault)


# --- /healthz -------------------------------------------------------------------------------

# Below this much free space where the SQLite file lives, a write may fail half-way through.
MIN_FREE_BYTES = 1 << 20


def _probe_write(connection) -> None:
    from django.db import transaction

    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # A new table takes a page: this fails when the file is read-only, when it
                # cannot grow (full), or when another writer holds it too long.
                cursor.execute("CREATE TABLE sendesk_healthz_probe (x INTEGER)")
            else:
                # A write the application itself must be allowed: refused in a read-only
                # transaction, on a standby, or for a role that may not write.
                cursor.execute("UPDATE django_session SET expire_date = expire_date WHERE false")
        transaction.set_rollback(True, using=connection.alias)


def database_problem(alias: str = "default") -> Fault | None:
    """What stops the database from being read and written, or None. Cheap (a read, and a
    write rolled back), and writes nothing that stays, so nothing is audited."""
    connection = connections[alias]
    if file_moved(connection):
        _close_moved(connection)
        return GONE
    if map_unsafe(connection):
        return READ_ONLY
    path = sqlite_path(connection)
    if connection.connection is None and path is not None and file_identity(path) is None:
        return GONE
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM django_migrations LIMIT 1")
            cursor.fetchone()
        _probe_write(connection)
    except DatabaseError as exc:
        fault = classify(exc)
        if fault is None:
            raise
        return fault
    if path is not None and shutil.disk_usage(os.path.dirname(path)).free < MIN_FREE_BYTES:
        return FULL
    return None


# --- Start-up -------------------------------------------------------------------------------


def startup_problem(settings_dict: dict) -> str | None:
    """One line saying what to fix when the SQLite database cannot be written, or None."""
    if settings_dict.get("ENGINE", "").rsplit(".", 1)[-1] != "sqlite3":
        return None
    path = str(settings_dict.get("NAME") or "")
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    path = os.path.abspath(path)
    directory = os.path.dirname(path)
    head = f"SENDesk: cannot write the database {path}:"
    if not os.path.isdir(directory):
        return f"{head} the directory {directory} does not exist. Create it or set DATABASE_URL."
    # SQLite in WAL mode makes its -wal and -shm files beside the database.
    if not os.access(directory, os.W_OK | os.X_OK):
        return (
            f"{head} the directory {directory} is not writable by this user. Give the user "
            "running SENDesk write access to it or set DATABASE_URL."
        )
    if os.path.exists(path) and not os.access(path, os.R_OK | os.W_OK):
        return (
            f"{head} the file is not writable by this user. Give the user running SENDesk "
            "read and write access to it or set DATABASE_URL."
        )
    return None


def startup_check(exit_code: int = 1) -> None:
    """Stops start-up with one line (not a traceback) when the database cannot be written."""
    from django.conf import settings

    problem = startup_problem(settings.DATABASES["default"])
    if problem:
        print(problem, file=sys.stderr)
        raise SystemExit(exit_code)


# What the person starting SENDesk can do about each fault met by a command.
_TO_FIX = {
    "unreachable": "Start the database server, or check DATABASE_URL.",
    "read_only": "Make the database writable for this user, or check DATABASE_URL.",
    "full": "Free space on the database's disk.",
    "gone": "Restore the database file, or check DATABASE_URL.",
    "busy": "Another process holds the database; try again when it is done.",
    "not_set_up": "Run manage.py migrate.",
}


def guarded_command(run, argv) -> None:
    """Runs a management command; a database fault ends it with one line, exit status 1."""
    try:
        run(argv)
    except DatabaseError as exc:
        fault = classify(exc)
        if fault is None:
            raise
        first = (str(exc).strip().splitlines() or [fault.kind])[0]
        print(f"SENDesk: the database failed ({first}). {_TO_FIX[fault.kind]}", file=sys.stderr)
        raise SystemExit(1) from None
