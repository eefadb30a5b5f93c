import datetime as dt
import io
import os
import pickle
import shutil
import time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import Client, TransactionTestCase
from django.test.client import ClientHandler
from django.test.utils import override_settings

from sendesk.lib.migrations import disposal_permit

from .second_factor import verified_login
from .world import TODAY, build_world

LONDON = ZoneInfo("Europe/London")
FROZEN_AT = dt.datetime.combine(TODAY, dt.time(10, 0), LONDON)


@pytest.fixture(scope="session", autouse=True)
def _fast_hasher():
    # Once for the session, not per test: the shared world below hashes its passwords before
    # any test's `settings` fixture exists, and a per-test override fires setting_changed
    # (which resets the hasher caches) around every one of ~1,500 tests.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def now():
    """Freeze time at 10:00 on the world's 'today' (tick=False: time stands still)."""
    with time_machine.travel(FROZEN_AT, tick=False) as t:
        yield t


# --- The flush after a transactional test --------------------------------------------------
#
# Evidence and trail tables refuse DELETE and TRUNCATE at the database except under a
# disposal permit of the same transaction (sendesk/lib/migrations.py). Django empties the
# tables after each transactional test (live_server, threads) with exactly those; it does so
# here under a permit for that flush only, taken and used in one transaction, so the
# triggers stay whole for everything a test does (tests/core/test_trail_guards.py).


@pytest.fixture(scope="session", autouse=True)
def _flush_under_a_disposal_permit():
    original = TransactionTestCase._fixture_teardown

    def teardown(self):
        tables = connections[DEFAULT_DB_ALIAS].introspection.django_table_names(
            only_existing=True, include_views=False
        )
        with disposal_permit(tables, why="test suite: flush after a transactional test"):
            original(self)

    TransactionTestCase._fixture_teardown = teardown
    yield
    TransactionTestCase._fixture_teardown = original


# --- Shared data, built once a module and rolled back after every test ------------------
#
# Building the school is most of what a test costs (~300 queries; seeding the demo school
# takes seconds), so each module builds it once, in an outer transaction that is never
# committed, and every test runs inside it in its own savepoint (pytest-django's ordinary
# `db` transaction, nested) which is rolled back: each test sees the same unmodified data
# and may write to it freely. A test gets its own copy of the objects the builder returned
# (unpickled; Django's setUpTestData deep-copies instead, several times slower), so changed
# attributes and per-object caches (the access layer caches roles on the user) do not leak
# from one test to the next.
#
# One shared layer is open at a time, and only while tests that ask for it run: a test that
# uses the database without it sees the database it always saw, and a transactional test
# (live_server, threads) must commit for real, which it cannot do inside a transaction that
# is rolled back; those build their data per test, as before. The layer is closed at the end
# of each module, so it never wraps another module's own module-scoped transaction, and it
# is not opened inside someone else's (the test then builds its own, as before).


def _seed_demo():
    """Oakfield Primary as `make run` seeds it: the command's output and how long it took."""
    out = io.StringIO()
    started = time.perf_counter()
    with override_settings(DEMO_MODE=True):  # as `make run` turns it on
        call_command("seed_demo", stdout=out)
    return SimpleNamespace(output=out.getvalue(), seconds=time.perf_counter() - started)


# fixture name -> what builds its data (at the frozen 'now').
SHARED = {"world": build_world, "seeded": _seed_demo}
_LAYER = pytest.StashKey()


class _SharedLayer:
    def __init__(self, blocker):
        self.blocker = blocker
        self.name = self.atomic = self.pristine = None

    def open(self, name):
        if self.name == name:
            return
        self.close()
        with self.blocker.unblock():
            if connections[DEFAULT_DB_ALIAS].in_atomic_block:
                return  # inside another fixture's transaction: get() builds per test
            atomic = transaction.atomic(using=DEFAULT_DB_ALIAS)
            # Marked as Django's TestCase marks its own outer atomic, so that a durable
            # atomic block in the code under test is still allowed inside a test.
            atomic._from_testcase = True
            atomic.__enter__()
            self.atomic, self.name = atomic, name
            with time_machine.travel(FROZEN_AT, tick=False):
                self.pristine = pickle.dumps(SHARED[name]())
            # Check the deferred foreign keys now, once: otherwise PostgreSQL keeps them
            # pending, and every test's constraint check (TestCase does one before it rolls
            # back) checks all the shared rows again (~0.4 s a test for the demo school).
            connections[DEFAULT_DB_ALIAS].check_constraints()

    def close(self):
        if self.atomic is None:
            return
        atomic = self.atomic
        self.name = self.atomic = self.pristine = None
        with self.blocker.unblock():
            if connections[DEFAULT_DB_ALIAS].atomic_blocks[-1] is not atomic:
                raise RuntimeError(
                    "A transaction opened inside the shared test data is still open; open "
                    "it in a module-scoped fixture (or per test) so that it nests properly."
                )
            transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
            atomic.__exit__(None, None, None)

    def get(self, name):
        """A fresh copy of the shared `name`, or (for a test that cannot share) a new build."""
        if self.name == name:
            return pickle.loads(self.pristine)
        return SHARED[name]()


def _commits(request):
    """Whether pytest-django runs this test as a TransactionTestCase (real commits)."""
    # pytest-django's own reading of the marker, and the fixtures that make a test
    # transactional (reset_sequences implies transaction).
    from pytest_django.fixtures import validate_django_db

    marker = request.node.get_closest_marker("django_db")
    spec = validate_django_db(marker) if marker else None
    names = set(request.fixturenames)
    return bool(
        names & {"transactional_db", "django_db_reset_sequences", "live_server"}
        or (spec and (spec.transaction or spec.reset_sequences))
    )


@pytest.fixture(scope="session")
def _shared_layer(request, django_db_setup, django_db_blocker):
    layer = request.config.stash[_LAYER] = _SharedLayer(django_db_blocker)
    yield layer
    layer.close()


@pytest.fixture(scope="module", autouse=True)
def _shared_layer_per_module(request):
    # Autouse, so set up before the module's other module-scoped fixtures and torn down after
    # them. Without a database dependency: a module that does not use it does not make one.
    yield
    layer = request.config.stash.get(_LAYER, None)
    if layer is not None:
        layer.close()


@pytest.fixture
def _shared(request, _shared_layer):
    """Open the layer this test shares (if it can share exactly one), close it otherwise."""
    wanted = [name for name in SHARED if name in request.fixturenames]
    if len(wanted) == 1 and not _commits(request):
        _shared_layer.open(wanted[0])
    else:
        _shared_layer.close()
    return _shared_layer


# pytest-django (pinned) sets up every test's database through this one fixture, whether
# the test asks for `db` or `transactional_db` or carries the django_db mark; the shared layer
# is opened or closed first, so that the test's own transaction starts inside it or without it.
@pytest.fixture
def _django_db_helper(_shared, _django_db_helper):
    return _django_db_helper


@pytest.fixture
def world(db, now, _shared):
    return _shared.get("world")


@pytest.fixture(scope="session")
def _client_handler():
    handler = ClientHandler(enforce_csrf_checks=False)

    def rebuild(**kwargs):
        # Middleware reads some settings when it is built: after a test changes one with the
        # `settings` fixture (or puts it back), the next request builds the stack afresh.
        handler._middleware_chain = None

    setting_changed.connect(rebuild, weak=False)
    yield handler
    setting_changed.disconnect(rebuild)


@pytest.fixture
def client(_client_handler):
    """pytest-django's `client`: a new one per test (no cookies), sharing one request handler.
    Building the middleware stack makes WhiteNoise scan every static file through the finders,
    which was the largest cost of a test after the world; a server builds it once too."""
    client = Client()
    client.handler = _client_handler
    return client


@pytest.fixture
def as_user(client):
    """as_user(person) -> the Django test client logged in as that person, with the second
    factor done for those who use one (tests/second_factor.py)."""

    def login(user):
        return verified_login(client, user)

    return login


# --- Browser tests: Playwright driving Debian's chromium ---------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are ordinary synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    # The same patience for assertions as for actions (page.set_default_timeout below): a
    # save on a busy CI machine can take longer than expect()'s own 5 s default.
    expect.set_options(timeout=10_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A phone-sized page (iPhone SE size, touch)."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def live_world(transactional_db, now, live_server, settings):
    # Time is frozen in the server, not in Chromium: a cookie whose expiry is computed from
    # the frozen clock would already be stale to the browser. A browser-session cookie is not.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    return build_world()


def pytest_collection_modifyitems(items):
    # Anything that drives the browser is a browser test (`make test-fast` leaves them out).
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
