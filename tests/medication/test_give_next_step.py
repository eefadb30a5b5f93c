"""Refused as too soon, the Give page opens the healthcare plan's emergency steps beside
the refusal; other refusals do not; "why refused or not given" shows only for those."""

import uuid

from sendesk.medication.models import Administration, HealthcarePlan

from .conftest import at, text
from .test_pages import _give


def _post(client, w, **changes):
    data = {
        "client_id": str(uuid.uuid4()),
        "outcome": "given",
        "dose": "2 puffs",
        "date": "2026-11-18",
        "time": "10:00",
        "reactions": "",
    }
    data.update(changes)
    return client.post(f"/medication/{w.inhaler.pk}/give/", data)


def test_too_soon_opens_the_emergency_steps_beside_the_refusal(world, as_user):
    w = world
    _give(w, when=at(9, 30))
    r = _post(as_user(w.alice), w, reactions="Still wheezing")
    assert r.status_code == 409
    page = text(r)
    assert '<div class="refusal-pair with-next-step">' in page
    assert "Too soon" in page
    assert '<section class="card next-step" aria-labelledby="h-next-step">' in page
    assert "If Ben is still unwell" in page
    plan = HealthcarePlan.objects.get(pk=w.inhaler.healthcare_plan_id)
    assert plan.emergency in page and plan.who_to_call in page
    # Open, not folded away: the folded summary is not drawn as well.
    assert '<details class="ihcp-summary">' not in page
    assert "Still wheezing" in page
    assert Administration.objects.count() == 1


def test_too_soon_without_a_plan_says_what_to_do(world, as_user):
    w = world
    w.inhaler.healthcare_plan = None
    w.inhaler.save(update_fields=["healthcare_plan"])
    _give(w, when=at(9, 30))
    page = text(_post(as_user(w.alice), w))
    assert "This medicine has no healthcare plan linked. Get a first aider now" in page


def test_a_refusal_for_another_rule_shows_no_next_step(world, as_user):
    w = world
    r = _post(as_user(w.tess), w)  # Tess has no training in giving medicines
    assert r.status_code in (403, 409)
    page = text(r)
    assert "Not saved" in page
    assert "next-step" not in page and "is still unwell" not in page
    assert '<details class="ihcp-summary">' in page


def test_the_form_before_any_refusal_keeps_the_plan_folded(world, as_user):
    page = text(as_user(world.alice).get(f"/medication/{world.inhaler.pk}/give/"))
    assert '<details class="ihcp-summary">' in page and "next-step" not in page
    # The reason sits in the block that only shows for refused or not given.
    block = page.split('<div class="if-not-given">', 1)[1].split("</div>", 1)[0]
    assert "Why refused or not given" in block


def test_the_reason_rule_is_unchanged_on_the_server(world, as_user):
    w = world
    r = _post(as_user(w.alice), w, outcome="refused", reason="")
    assert r.status_code == 422
    assert Administration.objects.count() == 0
