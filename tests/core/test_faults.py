"""Faults answered honestly (issue 8, part 7): with the database read-only, full, unreachable,
or its file removed under the running server, pages and the API answer 503 with what is
wrong in plain words, nothing is acknowledged that a restart would not find, /healthz says
so, and start-up with a database that cannot be written prints one line.

Read-only runs in the shared test database on both backends (a read-only connection:
SQLite's query_only, PostgreSQL's read-only transaction). The faults that would harm the
shared database (a full file, a removed file) run on SQLite in a copy of it, a file of the
test's own (`spare`); on PostgreSQL the same tests meet the fault PostgreSQL gives: a
disk_full error from the server, and a server that does not answer."""

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.utils.html import escape

from sendesk.lib import faults
from sendesk.provision.models import Session, SessionPupil
from tests.pages_ta.helpers import quick_form
from tests.world import PASSWORD, TODAY, build_world

ROOT = Path(__file__).resolve().parents[2]
SQLITE = connection.vendor == "sqlite"
LONG_NOTE = "Worked through the visual timetable step by step. " * 78  # 3,978 characters


def api_session(world, **changes):
    """A delivered session as a device posts it to /api/v1/sessions."""
    body = {
        "client_id": str(uuid.uuid4()),
        "provision_id": str(world.talk.pk),
        "date": str(TODAY),
        "start_time": "09:15",
        "minutes": 30,
        "delivered": True,
        "missed_reason": "",
        "pupils": [
            {
                "pupil_id": str(world.ben.pk),
                "attendance": "present",
                "response": 4,
                "note": "Asked for help with a 4-word sentence twice.",
                "adaptations": "Visual prompt card",
                "flag_for_teacher": False,
                "target_progress": [],
            }
        ],
    }
    body.update(changes)
    return body


def token(client, person):
    r = client.post(
        "/api/v1/auth/token",
        json.dumps({"email": person.email, "password": PASSWORD}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    return r.json()["token"]


def post_api(client, tok, path, body):
    return client.post(
        f"/api/v1{path}",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {tok}",
    )


def assert_page_503(response, fault):
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "<h1>SENDesk cannot serve this page just now</h1>" in body
    assert escape(fault.message) in body
    assert "Traceback" not in body and "Error" not in body


def assert_api_503(response, fault):
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": fault.message}


# --- Read-only: both backends, in the shared test database --------------------------------


@contextmanager
def read_only():
    """The connection may read but not write, as with a read-only file, mount or role. In a
    savepoint rolled back at the end, so PostgreSQL's aborted statements and its read-only
    setting go with it."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                if SQLITE:
                    cursor.execute("PRAGMA query_only = ON")
                else:
                    cursor.execute("SET transaction_read_only = on")
            try:
                yield
            finally:
                transaction.set_rollback(True)
    finally:
        if SQLITE:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA query_only = OFF")


def test_read_only_pages_say_so_with_503(world, client):
    client.force_login(world.alice)
    before = Session.objects.count()
    with read_only():
        saved = client.post(f"/sessions/record/{world.talk.pk}/", quick_form())
    assert_page_503(saved, faults.READ_ONLY)
    assert Session.objects.count() == before
    client.logout()
    with read_only():
        signed_in = client.post("/login/", {"username": world.senco.email, "password": PASSWORD})
    assert_page_503(signed_in, faults.READ_ONLY)
    # Once the database is writable again, the same save goes through.
    client.force_login(world.alice)
    again = client.post(f"/sessions/record/{world.talk.pk}/", quick_form())
    assert again.status_code == 302
    assert Session.objects.count() == before + 1


def test_read_only_api_says_so_with_503_json(world, client):
    tok = token(client, world.alice)
    before = Session.objects.count()
    # One request a read-only spell: on PostgreSQL a failed statement ends the test's
    # transaction, as it ends a request's.
    with read_only():
        saved = post_api(client, tok, "/sessions", api_session(world))
    with read_only():
        new_token = client.post(
            "/api/v1/auth/token",
            json.dumps({"email": world.alice.email, "password": PASSWORD}),
            content_type="application/json",
        )
    assert_api_503(saved, faults.READ_ONLY)
    assert_api_503(new_token, faults.READ_ONLY)
    assert Session.objects.count() == before


def test_healthz_ok_when_the_database_reads_and_writes(db, client):
    r = client.get("/healthz")
    assert (r.status_code, r.content, r["Content-Type"]) == (200, b"ok", "text/plain")
    if SQLITE:
        # Memory-mapped I/O off: through a map, a read of a truncated file or a disk error
        # is a SIGBUS that kills the worker; with read() it is an error and a 503.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA mmap_size")
            assert cursor.fetchone() == (0,)


def test_healthz_503_when_the_database_cannot_be_written(db, client):
    with read_only():
        r = client.get("/healthz")
    assert r.status_code == 503
    assert r.content.decode() == faults.READ_ONLY.message
    # The probe left nothing behind.
    assert "sendesk_healthz_probe" not in connection.introspection.table_names()


def test_every_operation_documents_503(client, db):
    document = client.get("/api/v1/openapi.json").json()
    operations = [op for item in document["paths"].values() for op in item.values()]
    assert len(operations) > 20
    for operation in operations:
        assert "503" in operation["responses"], operation["operationId"]
        schema = operation["responses"]["503"]["content"]["application/json"]["schema"]
        assert schema["required"] == ["detail"]


# --- Faults that would harm the shared database: a file of the test's own on SQLite -------


@pytest.fixture
def spare(transactional_db, tmp_path, now):
    """On SQLite, the (migrated, empty) test database copied to a file of this test's own,
    serving every request in its place, with the test school built in it. On PostgreSQL,
    the shared test database, with the school committed and flushed after (a transactional
    test)."""
    assert not connection.in_atomic_block
    original = connection.settings_dict["NAME"]
    path = tmp_path / "spare.sqlite3"
    if SQLITE:
        connection.close()
        source, copy = sqlite3.connect(original), sqlite3.connect(path)
        source.backup(copy)
        source.close()
        copy.close()
        connection.settings_dict["NAME"] = str(path)
    try:
        yield SimpleNamespace(path=path, world=build_world())
    finally:
        if SQLITE:
            connection.close()
            connection.settings_dict["NAME"] = original


def rows_in(path):
    """Sessions in the file at `path`, read as a restarted server would."""
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT count(*) FROM provision_session").fetchone()[0]
    finally:
        db.close()


@contextmanager
def disk_full():
    """SQLite: the file may not grow by one page (PRAGMA max_page_count at its size, after a
    VACUUM so no free page is left). PostgreSQL: the server answers disk_full (SQLSTATE
    53100) to a write of a session, as it does when its disk is full."""
    with connection.cursor() as cursor:
        if SQLITE:
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA page_count")
            [pages] = cursor.fetchone()
            cursor.execute(f"PRAGMA max_page_count = {pages}")
        else:
            cursor.execute(
                "CREATE FUNCTION sendesk_test_disk_full() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' "
                "USING ERRCODE = 'disk_full'; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER sendesk_test_disk_full BEFORE INSERT ON provision_sessionpupil "
                "FOR EACH ROW EXECUTE FUNCTION sendesk_test_disk_full()"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if SQLITE:
                cursor.execute("PRAGMA max_page_count = 1073741823")
            else:
                cursor.execute("DROP TRIGGER sendesk_test_disk_full ON provision_sessionpupil")
                cursor.execute("DROP FUNCTION sendesk_test_disk_full()")


def test_full_database_answers_503_on_pages_and_api(spare, client):
    w = spare.world
    tok = token(client, w.alice)
    client.force_login(w.alice)
    big = {"note": LONG_NOTE, "adaptations": "Visual prompt card. " * 95}
    api_body = api_session(w)
    api_body["pupils"][0].update(big)
    with disk_full():
        page = client.post(f"/sessions/record/{w.talk.pk}/", quick_form(**big))
        api = post_api(client, tok, "/sessions", api_body)
        health = client.get("/healthz")
    assert_page_503(page, faults.FULL)
    assert_api_503(api, faults.FULL)
    if SQLITE:
        # PostgreSQL's full disk shows at a real write only; the probe writes nothing.
        assert (health.status_code, health.content.decode()) == (503, faults.FULL.message)
    assert Session.objects.count() == SessionPupil.objects.count() == 0
    # With room again, the same session is saved.
    assert post_api(client, tok, "/sessions", api_body).status_code == 201
    assert client.get("/healthz").content == b"ok"


def test_removed_database_file_acknowledges_no_save(spare, client):
    """The issue's probe: with the file removed under the running server, 8 of 8 saves were
    acknowledged and none existed after restart. Now all 8 answer 503, and no empty file is
    made at the path either."""
    w = spare.world
    tok = token(client, w.alice)
    client.force_login(w.alice)
    assert client.get("/my-day/").status_code == 200  # the connection is open on the file
    if SQLITE:
        os.remove(spare.path)
        gone = faults.GONE
    else:
        # A file cannot be removed under PostgreSQL: the server going away is its nearest.
        connection.close()
        connection.settings_dict["PORT"], port = "1", connection.settings_dict["PORT"]
        gone = faults.UNREACHABLE
    try:
        answers = [
            post_api(client, tok, "/sessions", api_session(w))
            if i % 2
            else client.post(f"/sessions/record/{w.talk.pk}/", quick_form())
            for i in range(8)
        ]
        health = client.get("/healthz")
    finally:
        if not SQLITE:
            connection.close()
            connection.settings_dict["PORT"] = port
    for i, answer in enumerate(answers):
        (assert_api_503 if i % 2 else assert_page_503)(answer, gone)
    assert (health.status_code, health.content.decode()) == (503, gone.message)
    if SQLITE:
        assert not spare.path.exists()  # nothing made an empty database in its place
    else:
        assert Session.objects.count() == 0


@contextmanager
def made_read_only(path):
    """SQLite: the file and its WAL index made read-only under the running server, as a
    read-only remount does: immutable (root writes any file whatever its mode), or mode
    0444 for another user. PostgreSQL: the database made read-only for new sessions."""
    if SQLITE:
        files = [str(p) for p in (path, f"{path}-wal", f"{path}-shm") if os.path.exists(p)]
        if os.geteuid() == 0:
            subprocess.run(["chattr", "+i", *files], check=True)
        else:
            for name in files:
                os.chmod(name, 0o444)
    else:
        name = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        connection.close()
    try:
        yield
    finally:
        if SQLITE:
            if os.geteuid() == 0:
                subprocess.run(["chattr", "-i", *files], check=True)
            else:
                for name in files:
                    os.chmod(name, 0o644)
        else:
            with connection.cursor() as cursor:
                cursor.execute("SET default_transaction_read_only = off")
                cursor.execute(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
            connection.close()


def test_database_made_read_only_under_the_running_server(spare, client):
    """The issue's probe: workers died (SIGBUS) or answered HTML 500s. On SQLite, a process
    that mapped the file's WAL index for writing must not touch it once the file is
    read-only (a write through the map is a SIGBUS): every request answers 503 until the
    file is writable again, and this test's own process is the worker that stays up."""
    w = spare.world
    tok = token(client, w.alice)
    client.force_login(w.alice)
    assert client.get("/my-day/").status_code == 200
    with made_read_only(spare.path):
        answers = [
            post_api(client, tok, "/sessions", api_session(w))
            if i % 2
            else client.post(f"/sessions/record/{w.talk.pk}/", quick_form())
            for i in range(8)
        ]
        health = client.get("/healthz")
        reading = client.get(f"/api/v1/pupils/{w.ben.pk}", HTTP_AUTHORIZATION=f"Bearer {tok}")
    for i, answer in enumerate(answers):
        (assert_api_503 if i % 2 else assert_page_503)(answer, faults.READ_ONLY)
    assert (health.status_code, health.content.decode()) == (503, faults.READ_ONLY.message)
    # Reading a pupil's record writes its access trail: no trail, no record.
    assert_api_503(reading, faults.READ_ONLY)
    assert Session.objects.count() == 0
    # Writable again: the same worker saves.
    assert post_api(client, tok, "/sessions", api_session(w)).status_code == 201
    assert client.get("/healthz").content == b"ok"


def test_file_replaced_during_a_save_is_not_acknowledged(spare, client):
    """The file replaced (yesterday's copy restored) between the session's first row and the
    end of the request: the save is not acknowledged, and the file a restart reads has no
    session. On PostgreSQL the database turns read-only at that moment: the same 503 and no
    half-saved session."""
    w = spare.world
    client.force_login(w.alice)
    backup = spare.path.with_suffix(".backup")
    if SQLITE:
        source, copy = sqlite3.connect(spare.path), sqlite3.connect(backup)
        source.backup(copy)
        source.close()
        copy.close()

    def fault_after_insert(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith('INSERT INTO "provision_session"'):
            if SQLITE:
                os.replace(backup, spare.path)
            else:
                with context["connection"].cursor() as cursor:
                    cursor.execute("SET transaction_read_only = on")
        return result

    with connection.execute_wrapper(fault_after_insert):
        answer = client.post(f"/sessions/record/{w.talk.pk}/", quick_form())
    assert_page_503(answer, faults.GONE if SQLITE else faults.READ_ONLY)
    assert (rows_in(spare.path) if SQLITE else Session.objects.count()) == 0
    # The next request opens the file now at the path, and saves there.
    assert client.post(f"/sessions/record/{w.talk.pk}/", quick_form()).status_code == 302
    assert (rows_in(spare.path) if SQLITE else Session.objects.count()) == 1


# --- Start-up ---------------------------------------------------------------------------


def start(args, env, **kwargs):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, "SENDESK_DEBUG": "0", **env},
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


def test_start_up_with_a_missing_directory_says_what_to_fix(tmp_path):
    db = tmp_path / "nowhere" / "sendesk.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{db}", "SENDESK_VAR_DIR": str(tmp_path / "var")}
    line = (
        f"SENDesk: cannot write the database {db}: the directory {db.parent} does not "
        "exist. Create it or set DATABASE_URL."
    )
    command = start(["manage.py", "migrate", "--no-input"], env)
    assert command.returncode == 1
    assert command.stderr.strip() == line
    assert command.stdout == ""
    # gunicorn imports sendesk.wsgi: the same line, and "worker failed to boot" (3), which
    # stops gunicorn instead of starting the worker again and again.
    server = start(["-c", "import sendesk.wsgi"], env)
    assert (server.returncode, server.stderr.strip()) == (3, line)
    assert not db.parent.exists()


def test_start_up_with_an_unwritable_database_says_what_to_fix(tmp_path):
    db = tmp_path / "sendesk.sqlite3"
    sqlite3.connect(db).close()
    db.chmod(0o444)
    # root writes a file whatever its mode; an immutable file not even root may write.
    immutable = os.geteuid() == 0
    if immutable:
        subprocess.run(["chattr", "+i", str(db)], check=True)
    env = {"DATABASE_URL": f"sqlite:///{db}", "SENDESK_VAR_DIR": str(tmp_path / "var")}
    try:
        command = start(["manage.py", "migrate", "--no-input"], env)
        server = start(["-c", "import sendesk.wsgi"], env)
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(db)], check=True)
    line = (
        f"SENDesk: cannot write the database {db}: the file is not writable by this user. "
        "Give the user running SENDesk read and write access to it or set DATABASE_URL."
    )
    assert (command.returncode, command.stderr.strip(), command.stdout) == (1, line, "")
    assert (server.returncode, server.stderr.strip()) == (3, line)


def test_a_command_that_cannot_reach_postgresql_says_what_to_fix(tmp_path):
    # Port 1: nothing listens there, as when PostgreSQL is stopped.
    env = {
        "DATABASE_URL": "postgres://sendesk@127.0.0.1:1/sendesk",
        "SENDESK_VAR_DIR": str(tmp_path / "var"),
    }
    command = start(["manage.py", "migrate", "--no-input"], env)
    assert command.returncode == 1
    [line] = command.stderr.strip().splitlines()
    assert line.startswith("SENDesk: the database failed (connection failed:")
    assert line.endswith("Start the database server, or check DATABASE_URL.")


def test_a_pool_with_no_free_connection_is_busy_not_a_crash():
    """SENDESK_DB_POOL (issue 13): every pooled connection in use past the pool's timeout
    is the busy fault (503 in words), as Django hands it on: its OperationalError caused
    by psycopg_pool's PoolTimeout, which carries no SQLSTATE."""
    from django.db import OperationalError
    from psycopg_pool import PoolTimeout

    try:
        try:
            raise PoolTimeout("couldn't get a connection after 10.00 sec")
        except PoolTimeout as timeout:
            raise OperationalError(str(timeout)) from timeout
    except OperationalError as wrapped:
        assert faults.classify(wrapped) is faults.BUSY
