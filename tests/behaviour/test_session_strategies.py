"""After a session: which agreed strategies were used and how well they worked."""

import uuid

import pytest

from sendesk.behaviour.models import StrategyUse
from sendesk.provision.services import PupilRecord, session_record
from tests.world import TODAY

from .conftest import text


@pytest.fixture
def session(world):
    record, _ = session_record(
        actor=world.alice,
        client_id=uuid.uuid4(),
        provision_id=world.talk.pk,
        date=TODAY,
        minutes=30,
        delivered=True,
        pupils=[PupilRecord(pupil_id=world.ben.pk, attendance="present")],
    )
    return record


@pytest.mark.parametrize(
    ("person", "status"),
    [("alice", 200), ("tess", 200), ("senco", 200), ("dsl", 200), ("bob", 404), ("olga", 404),
     ("hana", 404)],
)  # fmt: skip
def test_who_sees_the_page(world, as_user, session, person, status):
    response = as_user(getattr(world, person)).get(f"/sessions/{session.pk}/strategies/")
    assert response.status_code == status


def test_alice_says_how_well_the_strategies_worked(world, as_user, session):
    client = as_user(world.alice)
    url = f"/sessions/{session.pk}/strategies/"
    sp = session.pupils.get()
    body = text(client.get(url))
    assert "Offer the calm corner with ear defenders" in body
    assert f'href="/sessions/{session.pk}/"' in body

    empty = client.post(url, {})
    assert empty.status_code == 422
    assert "Say how well at least one strategy worked" in text(empty)

    response = client.post(url, {f"sp{sp.pk}_s{world.calm_corner.pk}": "3"})
    assert response.status_code == 302
    use = StrategyUse.objects.get()
    assert (use.session_pupil, use.strategy, use.effectiveness, use.pupil) == (
        sp,
        world.calm_corner,
        3,
        world.ben,
    )
    body = text(client.get(url))
    # Reported once: shown, and not offered again.
    assert "Already reported" in body
    assert f"sp{sp.pk}_s{world.calm_corner.pk}" not in body
    assert f"sp{sp.pk}_s{world.first_then.pk}" in body
    again = client.post(url, {f"sp{sp.pk}_s{world.calm_corner.pk}": "1"})
    assert again.status_code == 422
    assert StrategyUse.objects.count() == 1


def test_the_behaviour_page_links_recent_sessions(world, as_user, session):
    body = text(as_user(world.alice).get(f"/pupils/{world.ben.pk}/behaviour/"))
    assert f'href="/sessions/{session.pk}/strategies/"' in body
    # The DSL records no sessions: no link offered.
    body = text(as_user(world.dsl).get(f"/pupils/{world.ben.pk}/behaviour/"))
    assert f"/sessions/{session.pk}/strategies/" not in body


def test_the_dsl_reads_but_does_not_record(world, as_user, session):
    sp = session.pupils.get()
    client = as_user(world.dsl)
    assert "Already reported" not in text(client.get(f"/sessions/{session.pk}/strategies/"))
    response = client.post(
        f"/sessions/{session.pk}/strategies/", {f"sp{sp.pk}_s{world.calm_corner.pk}": "3"}
    )
    assert response.status_code == 404
    assert not StrategyUse.objects.exists()


def test_the_senco_sees_which_strategies_work(world, as_user, session):
    sp = session.pupils.get()
    as_user(world.alice).post(
        f"/sessions/{session.pk}/strategies/",
        {f"sp{sp.pk}_s{world.calm_corner.pk}": "3", f"sp{sp.pk}_s{world.first_then.pk}": "1"},
    )
    body = text(as_user(world.senco).get(f"/plans/{world.ibp.pk}/behaviour/"))
    section = body[body.index('id="h-effect"') :]
    assert "3.0 of 3" in section and "1.0 of 3" in section
