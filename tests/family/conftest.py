import datetime as dt
import re

import pytest

from sendesk.provision.models import Provision
from tests.therapy.conftest import (  # noqa: F401 (fixtures)
    api,
    missing,
    new_programme,
    record,
    text,
)

# Staff words that must never reach a parent's page.
JARGON = ("section F", "0 of 0", "clash (", " min ", "Staff absent (", "×", "Pupil absent")


def school_days(first: dt.date, last: dt.date, weekdays="12345"):
    """Weekdays from first to last in the test world's calendar (no closures in November)."""
    day = first
    while day <= last:
        if str(day.isoweekday()) in weekdays:
            yield day
        day += dt.timedelta(days=1)


def starts(provision, day):
    Provision.objects.filter(pk=provision.pk).update(start=day)


def said(response) -> str:
    """The page as words: tags gone, runs of white space one space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text(response)))


@pytest.fixture
def child_page(world, as_user):
    def get(child=None):
        r = as_user(world.pat).get(f"/family/children/{(child or world.ben).pk}/")
        assert r.status_code == 200
        body = said(r)
        for word in JARGON:
            assert word not in body, word
        return body

    return get
