"""SENDESK_DB_POOL, read strictly as every setting is: PostgreSQL's pool, refused for SQLite
(there is nothing to pool) and for anything but a whole number, with a line saying why.
That the pool works is shown by the other tests here on PostgreSQL: server B runs with it."""

import os
import subprocess
import sys

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
