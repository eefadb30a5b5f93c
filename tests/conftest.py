import datetime as dt
import os
import shutil
from zoneinfo import ZoneInfo

import pytest
import time_machine

from .world import TODAY, build_world

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def now():
    """Freeze time at 10:00 on the world's 'today' (tick=False: time stands still)."""
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10, 0), LONDON), tick=False) as t:
        yield t


@pytest.fixture
def world(db, now):
    return build_world()


@pytest.fixture
def as_user(client):
    """as_user(person) -> the Django test client logged in as that person."""

    def login(user):
        client.force_login(user)
        return client

    return login


# --- Browser tests: Playwright driving Debian's chromium ---------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are ordinary synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

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
