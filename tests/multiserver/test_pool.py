"""SENDESK_DB_POOL, read strictly as every setting is: PostgreSQL's pool, refused for SQLite
(there is nothing to pool) and for anything but a whole number, with a line saying why.
That the pool works is shown by the other tests here on PostgreSQL: server B runs with it
(its log says so: test_server_b_borrows_from_the_pool)."""

import os
import subprocess
import sys

import requests

from .conftest import ROOT

SETUP = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'sendesk.settings'; " + (
    "django.setup(); from django.conf import settings; "
    "print(settings.DATABASES['default'].get('OPTIONS', {}).get('pool'))"
)


def _start(tmp_path, **env):
    env = {**os.environ, "SENDESK_VAR_DIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, "-c", SETUP], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_a_pool_is_for_postgresql_and_a_number(tmp_path):
    sqlite = _start(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3", SENDESK_DB_POOL="4")
    assert sqlite.returncode != 0
    assert "SENDESK_DB_POOL pools PostgreSQL connections" in sqlite.stderr
    pg = {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}  # not connected to at start-up
    assert _start(tmp_path, **pg, SENDESK_DB_POOL="four").returncode != 0
    on = _start(tmp_path, **pg, SENDESK_DB_POOL="4")
    assert on.stdout.split() == ["{'min_size':", "2,", "'max_size':", "4,", "'timeout':", "10}"]
    assert _start(tmp_path, **pg, SENDESK_DB_POOL="0").stdout.strip() == "None"


def test_server_b_borrows_from_the_pool(pair):
    # Each server has answered (so its worker is up), then says in its log how it holds its
    # connections: on PostgreSQL B from the pool of THREADS, A one per thread; on SQLite
    # both one per thread.
    for base in (pair.a, pair.b):
        assert requests.get(f"{base}/login/", timeout=60).status_code == 200
    logs = {name: (pair.folder / f"server-{name}.log").read_text() for name in ("a", "b")}
    postgres = pair.url.startswith("postgres")
    b = "a pool of at most 4" if postgres else "one per thread"
    assert f"database connections: {b}" in logs["b"], logs["b"][-2000:]
    assert "database connections: one per thread" in logs["a"], logs["a"][-2000:]
