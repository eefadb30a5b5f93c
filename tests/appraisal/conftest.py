"""Line management for the test school, built per test (the hr helper's demo makes the real
contracts): Hana (HLTA) line-manages Alice and Bob; Alice's appraisal for 2026/27 is open."""

import datetime as dt
import html

import pytest
from django.test import Client

from sendesk.appraisal import services
from sendesk.staff.models import StaffMember
from tests.second_factor import verified_login

YEAR = 2026  # the test world's school year (today is 18 November 2026)


def member(world, user, post, manager=None, **extra):
    return StaffMember.objects.create(
        school=world.school,
        user=user,
        post=post,
        job_title=dict(StaffMember.Post.choices)[post],
        line_manager=manager,
        hours_per_week=30,
        started_on=extra.pop("started_on", dt.date(2024, 9, 2)),
        **extra,
    )


@pytest.fixture
def team(world):
    member(world, world.alice, "ta", world.hana)
    member(world, world.bob, "ta", world.hana)
    member(world, world.hana, "hlta", world.head)
    member(world, world.tess, "teacher", world.head)
    return world


@pytest.fixture
def appraisal(team):
    return services.appraisal_start(
        actor=team.hana, school_id=team.school.pk, appraisee_id=team.alice.pk, year=YEAR
    )


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def as_user(_client_handler):
    """as_user(person) -> a client signed in as that person, a new client each call, so a
    test can speak as the appraisee and the line manager in turn."""

    def login(user):
        client = Client()
        client.handler = _client_handler
        return verified_login(client, user)

    return login
