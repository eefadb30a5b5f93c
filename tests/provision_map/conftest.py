"""A group for the provision map's tests, with numbers worked out by hand.

"Phonics catch-up": a group of 4 (Ben, Cara, Dan and Eve, all of Test Primary) at £18 an
hour, 2 × 30 min a week (Monday and Thursday), from Monday 7 September to Friday 18
December 2026. The world's calendar gives it 14 Mondays and 14 Thursdays (15 weeks less
half term, 26-30 October): 28 sessions × 30 min = 14 hours × £18 = £252 for the group, so
£63 each; a week: 1 hour × £18 = £18, a pupil's share £4.50.

The world's own: Ben's "Talk Boost" (1:1, 5 × 30 min, £18/h, from 3 September, no end)
runs every school day of the year: the autumn term from Thursday 3 September to 18
December less half term (72 days) and the spring term from Tuesday 5 January to 26 March
(59 days) - the world has no summer term - so 131 days × 30 min = 65.5 hours × £18 =
£1,179.00. His "Precision teaching" has no cost per hour: listed, flagged, not counted.
Total: £1,179 + £252 = £1,431.00."""

import datetime as dt
from types import SimpleNamespace

import pytest

from sendesk.provision.models import Provision
from sendesk.pupils.models import Pupil
from sendesk.pupils.upn import make_upn

GROUP_START, GROUP_END = dt.date(2026, 9, 7), dt.date(2026, 12, 18)


def group_provision(pupil, **changes):
    fields = dict(
        pupil=pupil, title="Phonics catch-up", kind="group", source="sen_support",
        sessions_per_week=2, session_minutes=30, weekly_minutes=60, days="14", group_size=4,
        staffing="ta", start=GROUP_START, end=GROUP_END, cost_per_hour=18,
    )  # fmt: skip
    fields.update(changes)
    return Provision.objects.create(**fields)


def add_pupil(world, serial, first, last, status="K"):
    return Pupil.objects.create(
        school=world.school, upn=make_upn("123", "4567", 2019, serial),
        legal_first_name=first, legal_last_name=last, date_of_birth=dt.date(2018, 4, 4),
        year_group=world.y4, sen_status=status,
    )  # fmt: skip


@pytest.fixture
def phonics(world):
    eve = add_pupil(world, 40, "Eve", "Evans")
    members = [world.ben, world.cara, world.dan, eve]
    rows = [group_provision(p, source="ehcp_f" if p == world.ben else "sen_support")
            for p in members]  # fmt: skip
    return SimpleNamespace(eve=eve, pupils=members, rows=rows)
