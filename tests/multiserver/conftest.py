"""Two app servers on one database, as a school runs them behind a load balancer.

`pair` (one for the folder): a FRESH database of the engine the suite runs on (PostgreSQL: a
new database sendesk_ms_<pid> on DATABASE_URL's server, a copy of the migrated test
database, dropped after; SQLite: a temp file in WAL mode, a copy likewise), seeded with the
shared world (tests/world.py, by tests/multiserver/seed.py), and two gunicorn servers, A and
B, started on it and stopped after. Each server listens on a socket bound here and handed
over (gunicorn's fd://), so a request sent before the server is ready waits in the socket's
queue instead of failing: nothing waits on a timer. The test process reads the database
through the connection alias "ms" (`pair.db`)."""

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import second_factor
from tests.world import PASSWORD, TODAY

from ..conftest import LONDON
from .gunicorn_conf import serve, stop

ROOT = Path(__file__).resolve().parents[2]
# 12:03 on the world's Wednesday: after Ben's 12:00 lunchtime dose is due.
FROZEN_AT = dt.datetime.combine(TODAY, dt.time(12, 3), LONDON)
ALIAS = "ms"
# Each server: one worker process with threads, as `make run` serves (there 2 × 4).
THREADS = 4


def _postgres(test_db_name):
    """A new database on DATABASE_URL's server, copied from the migrated test database."""
    url = urlsplit(os.environ["DATABASE_URL"])
    name = f"sendesk_ms_{os.getpid()}"
    admin = urlunsplit(url._replace(path="/postgres"))
    # A template may have no other connection while it is copied: close the test process's.
    connections.close_all()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{test_db_name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(url._replace(path=f"/{name}")), drop


def _sqlite(test_db_name, folder: Path):
    """A temp file copied (SQLite's backup) from the migrated test database; WAL mode, as
    settings' init_command sets on every connection."""
    path = folder / "ms.sqlite3"
    connections.close_all()
    with sqlite3.connect(test_db_name) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
    return f"sqlite:///{path}", lambda: None


class Pair:
    def __init__(self, a, b, env, folder, url):
        self.a, self.b, self.env, self.folder, self.url = a, b, env, folder, url

    @property
    def db(self) -> str:
        return ALIAS

    def worker(self, name: str) -> subprocess.Popen:
        """`manage.py db_worker --batch` (every task due, then exit) beside a server."""
        with open(self.folder / f"worker-{name}.log", "w") as out:
            return subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay",
                 "--no-reload", "--worker-id", f"ms-{name}"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip


# One pair for the whole folder: starting it (the copy, the seed, two servers) is most of
# what these tests cost. The tests use different people and records, so none sees another's.
@pytest.fixture(scope="package")
def pair(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("multiserver")
    with django_db_blocker.unblock():
        default = connections[DEFAULT_DB_ALIAS].settings_dict
        postgres = default["ENGINE"] == "django.db.backends.postgresql"
        url, drop = _postgres(default["NAME"]) if postgres else _sqlite(default["NAME"], folder)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "sendesk.settings",
            # One key for both servers: a session or reset link made by A is good on B.
            "SENDESK_SECRET_KEY": "multiserver-test-key-" + "x" * 40,
            "SENDESK_VAR_DIR": str(folder / "var"),
            "SENDESK_MS_FROZEN_AT": FROZEN_AT.isoformat(),
            "PYTHONPATH": str(ROOT),
        }
        env.pop("SENDESK_TEST_DB", None)
        servers, bases = [], []
        try:
            seeded = subprocess.run(
                [sys.executable, "-m", "tests.multiserver.seed"], cwd=ROOT, env=env,
                capture_output=True, text=True,
            )  # fmt: skip
            assert seeded.returncode == 0, seeded.stderr[-3000:]
            for name in ("a", "b"):
                # On PostgreSQL, B borrows its connections from psycopg's pool
                # (SENDESK_DB_POOL) and A keeps one per thread: both ways hold together.
                pool = {"SENDESK_DB_POOL": str(THREADS)} if postgres and name == "b" else {}
                base, server = serve({**env, **pool}, folder / f"server-{name}.log", THREADS)
                bases.append(base)
                servers.append(server)
            yield Pair(*bases, env, folder, url)
        finally:
            try:
                for server in servers:
                    stop(server)
            finally:
                drop()


def dj_url(url: str) -> dict:
    import dj_database_url

    parsed = dj_database_url.parse(url)
    return {key: parsed[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}


@pytest.fixture
def ms(pair, db):
    """The pair, with the test process reading the pair's database through the alias "ms".
    Asks for `db` so that pytest-django makes the test database the pair is copied from.
    The alias exists only inside the test."""
    default = connections[DEFAULT_DB_ALIAS].settings_dict
    cfg = {**settings.DATABASES[DEFAULT_DB_ALIAS], **dj_url(pair.url)}
    both = {DEFAULT_DB_ALIAS: {**default}, ALIAS: cfg}  # it insists on a default
    cfg = connections.configure_settings(both)[ALIAS]
    # Not in connections.settings: a connection made here is one Django's test case allows
    # (it forbids those to databases it knows of and does not wrap).
    connections[ALIAS] = load_backend(cfg["ENGINE"]).DatabaseWrapper(cfg, ALIAS)
    try:
        yield pair
    finally:
        connections[ALIAS].close()
        del connections[ALIAS]


def at_once(*calls):
    """Run the calls at the same moment in threads (a barrier lets them go together);
    their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def code_for(user) -> str:
    """A code the person's authenticator shows at the servers' frozen moment that the
    servers have not accepted yet (the device read from the pair's database)."""
    device = TOTPDevice.objects.using(ALIAS).get(user=user, confirmed=True)
    return second_factor.code_for(device, at=FROZEN_AT.timestamp())


class Browser(requests.Session):
    """A person's browser: cookies kept (the servers are both 127.0.0.1, so one jar is
    sent to either), Django's CSRF token sent back as the header a page's script sends."""

    def post(self, url, data=None, **kwargs):
        headers = kwargs.pop("headers", {}) or {}
        if token := self.cookies.get("csrftoken"):
            headers["X-CSRFToken"] = token
        return super().post(url, data=data, headers=headers, **kwargs)


def sign_in(base, email, *, user=None) -> Browser:
    """The sign-in form on `base`, and the second step with the authenticator's code when
    the person has one (`user`: their row, for the code)."""
    browser = Browser()
    browser.get(f"{base}/login/").raise_for_status()
    r = browser.post(f"{base}/login/", {"username": email, "password": PASSWORD})
    assert r.status_code == 200, r.text[:500]
    if user is not None and TOTPDevice.objects.using(ALIAS).filter(user=user).exists():
        assert "/login/second-step/" in r.url, r.url
        r = browser.post(r.url, {"code": code_for(user)})
        assert r.status_code == 200 and "/login/" not in r.url, r.url
    return browser


def api_token(base, email, *, user=None) -> str:
    body = {"email": email, "password": PASSWORD}
    if user is not None and TOTPDevice.objects.using(ALIAS).filter(user=user).exists():
        body["otp"] = code_for(user)
    r = requests.post(f"{base}/api/v1/auth/token", json=body)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def bearer(token) -> dict:
    return {"Authorization": f"Bearer {token}"}


def by_email(email):
    from sendesk.accounts.models import User

    return User.objects.using(ALIAS).get(email=email)


def people(*emails):
    return SimpleNamespace(**{e.split("@")[0]: by_email(e) for e in emails})
