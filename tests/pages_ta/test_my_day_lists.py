"""My day's compact cards list each provision's own targets in force, in the plan's order,
with their success criteria, and each pupil's header their own strategies: the selector
reads them as plain values now, so these are checked as a TA reads them."""

import re

from sendesk.plans.models import Target
from sendesk.pupils.models import Strategy


def _card(body, provision):
    match = re.search(rf'<article[^>]*id="card-{provision.pk}".*?</article>', body, re.S)
    assert match, provision.title
    return match.group(0)


def test_each_card_lists_its_own_targets_in_force_in_order(world, as_user):
    w = world
    first = Target.objects.create(plan=w.plan, text="Says what went well", order=0)
    achieved = Target.objects.create(
        plan=w.plan, text="Names five feelings", status=Target.Status.ACHIEVED, order=0
    )
    w.talk.targets.add(first, achieved)
    body = as_user(w.alice).get("/my-day/").content.decode()
    talk, precision = _card(body, w.talk), _card(body, w.precision)
    assert "Targets it serves (2)" in talk and "Targets it serves (1)" in precision
    assert talk.index("Says what went well") < talk.index("Uses 4-word sentences")
    assert "We'll know when: 4 out of 5 times, 3 weeks running" in talk
    assert "Names five feelings" not in body  # achieved: no longer worked on
    assert "Reads 20 high-frequency words" in precision and "Reads 20" not in talk


def test_a_pupils_header_lists_their_own_strategies_only(world, as_user):
    w = world
    Strategy.objects.create(pupil=w.ben, text="Use his visual timetable")
    Strategy.objects.create(pupil=w.cara, text="Cara sits by the door")
    body = as_user(w.alice).get("/my-day/").content.decode()
    assert "Strategies that work (2)" in body
    assert body.index("Give a five-minute warning") < body.index("Use his visual timetable")
    assert "Cara sits by the door" not in body
