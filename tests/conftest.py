import datetime as dt
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
