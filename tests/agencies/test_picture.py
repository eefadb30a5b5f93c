"""What a family's consent to share with an agency covers — the child's needs and
progress — is what the agency's professional reads on the pupil's therapy page: the
ranked needs, the one-page profile, the strategies and the targets being worked on. Never
the school's notes about the child or anything behind the safeguarding wall."""

import datetime as dt
import html

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.plans.models import Plan, Target
from sendesk.pupils.models import Strategy
from tests.world import TODAY

PAGE = "/therapy/pupils/{}/"


def _plan(world, pupil, targets):
    plan = Plan.objects.create(
        pupil=pupil,
        kind=Plan.Kind.IEP,
        title="Cara's SEN support plan",
        status=Plan.Status.ACTIVE,
        start_date=TODAY - dt.timedelta(days=60),
    )
    for n in range(targets):
        Target.objects.create(plan=plan, text=f"TARGET-MARK-{n}: reads {n + 3} tricky words")
    return plan


def _get(client, pupil):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(PAGE.format(pupil.pk))
    return response, len(ctx.captured_queries)


def test_eve_reads_needs_profile_strategies_and_targets(world, ag, as_user):
    _plan(world, world.cara, 2)
    Strategy.objects.create(pupil=world.cara, text="STRATEGY-MARK: one instruction at a time",
                            added_by=world.senco)  # fmt: skip
    r = as_user(ag.eve).get(PAGE.format(world.cara.pk))
    page = html.unescape(r.content.decode())
    assert r.status_code == 200
    assert "Specific learning difficulty (primary need)" in page
    assert "Cara likes trains and quiet spaces." in page  # the one-page profile
    assert "STRATEGY-MARK: one instruction at a time" in page
    assert "TARGET-MARK-0: reads 3 tricky words" in page and "Not rated yet." in page


def test_eve_never_reads_a_behaviour_plans_targets(world, ag, as_user):
    ibp = Plan.objects.create(pupil=world.cara, kind=Plan.Kind.IBP, title="Behaviour plan",
                              status=Plan.Status.ACTIVE)  # fmt: skip
    Target.objects.create(plan=ibp, text="IBP-MARK: stays in the room at carpet time")
    page = as_user(ag.eve).get(PAGE.format(world.cara.pk)).content.decode()
    assert "IBP-MARK" not in page


def test_a_therapists_own_referral_shows_only_the_notes_written_for_them(world, as_user):
    # Theo's referral (SLT, a therapist of the school, not an agency) shares its notes only.
    page = html.unescape(as_user(world.theo).get(PAGE.format(world.ben.pk)).content.decode())
    assert "Targets being worked on" not in page


def test_the_page_costs_the_same_for_two_targets_or_twenty(world, ag, as_user):
    plan = _plan(world, world.cara, 2)
    eve = as_user(ag.eve)
    _, few = _get(eve, world.cara)
    for n in range(2, 20):
        Target.objects.create(plan=plan, text=f"Another target {n}")
    _, many = _get(eve, world.cara)
    assert many == few
