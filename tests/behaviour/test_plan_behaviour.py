"""The IBP's triggers, early signs, what to avoid and agreed strategies: writers edit,
everyone in scope reads."""

import pytest

from sendesk.audit.models import AuditEvent
from sendesk.behaviour import services
from sendesk.behaviour.models import BehaviourStrategy
from sendesk.lib.errors import ServiceError
from sendesk.plans.models import Plan

from .conftest import text


@pytest.mark.parametrize(
    ("person", "status", "can_write"),
    [("alice", 200, False), ("tess", 200, True), ("hana", 404, False), ("senco", 200, True),
     ("bob", 404, False), ("olga", 404, False), ("nobody", 404, False)],
)  # fmt: skip
def test_who_sees_and_who_edits(world, as_user, person, status, can_write):
    response = as_user(getattr(world, person)).get(f"/plans/{world.ibp.pk}/behaviour/")
    assert response.status_code == status
    if status == 200:
        body = text(response)
        assert "Sudden changes; noisy transitions after lunch" in body
        assert ("Add strategy" in body) is can_write


def test_not_an_ibp_is_404(world, as_user):
    assert as_user(world.senco).get(f"/plans/{world.plan.pk}/behaviour/").status_code == 404


def test_tess_edits_the_triggers(world, as_user):
    response = as_user(world.tess).post(
        f"/plans/{world.ibp.pk}/behaviour/",
        {"triggers": "Fire alarms", "early_signs": "Rocks", "avoid": "Crowded lines"},
    )
    assert response.status_code == 302
    world.ibp.behaviour.refresh_from_db()
    assert world.ibp.behaviour.triggers == "Fire alarms"
    event = AuditEvent.objects.get(object_type="behaviour.behaviourplan")
    assert event.before["triggers"] == "Sudden changes; noisy transitions after lunch"
    assert event.after["triggers"] == "Fire alarms"


def test_a_ta_can_not_post(world, as_user):
    response = as_user(world.alice).post(
        f"/plans/{world.ibp.pk}/behaviour/", {"triggers": "x", "early_signs": "", "avoid": ""}
    )
    assert response.status_code == 404
    world.ibp.behaviour.refresh_from_db()
    assert world.ibp.behaviour.triggers.startswith("Sudden changes")
    r = as_user(world.alice).post(f"/plans/{world.ibp.pk}/behaviour/strategies/", {"text": "x"})
    assert r.status_code == 404


def test_add_edit_and_remove_strategies(world, as_user):
    client = as_user(world.senco)
    url = f"/plans/{world.ibp.pk}/behaviour/strategies/"
    bad = client.post(url, {"text": "  "})
    assert bad.status_code == 422
    assert "Write the strategy" in text(bad)
    assert client.post(url, {"text": "Movement break every 20 minutes"}).status_code == 302
    new = BehaviourStrategy.objects.get(text="Movement break every 20 minutes")
    assert new.order == 3
    r = client.post(
        f"{url}{new.pk}/",
        {"action": "save", f"s{new.pk}-text": "Movement break", f"s{new.pk}-order": "1"},
    )
    assert r.status_code == 302
    new.refresh_from_db()
    assert (new.text, new.order) == ("Movement break", 1)
    assert client.post(f"{url}{new.pk}/", {"action": "remove"}).status_code == 302
    assert not BehaviourStrategy.objects.filter(pk=new.pk).exists()
    assert AuditEvent.objects.filter(
        object_type="behaviour.behaviourstrategy", action="delete"
    ).exists()


def test_a_strategy_with_reports_stays(world, as_user, incident):
    incident(strategies=[services.Use(world.calm_corner.pk, 3)])
    response = as_user(world.senco).post(
        f"/plans/{world.ibp.pk}/behaviour/strategies/{world.calm_corner.pk}/", {"action": "remove"}
    )
    assert response.status_code == 422
    assert "reported on this strategy 1 time" in text(response)
    assert BehaviourStrategy.objects.filter(pk=world.calm_corner.pk).exists()


def test_a_closed_plan_is_read_only(world, as_user):
    Plan.objects.filter(pk=world.ibp.pk).update(status="closed")
    client = as_user(world.senco)
    assert "Add strategy" not in text(client.get(f"/plans/{world.ibp.pk}/behaviour/"))
    r = client.post(f"/plans/{world.ibp.pk}/behaviour/strategies/", {"text": "More"})
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("typed", "words"),
    [("Calm\x00 corner", "can't be stored"), ("x" * 301, "300 characters or fewer")],
)
def test_a_strategy_keeps_the_input_rules(world, typed, words):
    # The forms refuse these first; the service refuses them too for any other caller.
    count = BehaviourStrategy.objects.count()
    with pytest.raises(ServiceError) as err:
        services.behaviour_strategy_add(actor=world.senco, plan=world.ibp, text=typed)
    assert words in err.value.errors["text"]
    assert BehaviourStrategy.objects.count() == count


@pytest.mark.parametrize("order", [True, 2.5, "2", 0, 100])
def test_a_strategy_order_is_a_whole_number_sent_as_one(world, order):
    strategy = world.calm_corner
    with pytest.raises(ServiceError) as err:
        services.behaviour_strategy_update(
            actor=world.senco, strategy=strategy, text=strategy.text, order=order
        )
    assert err.value.errors == {"order": "The order is a number from 1 to 99."}
    assert BehaviourStrategy.objects.get(pk=strategy.pk).order == strategy.order
