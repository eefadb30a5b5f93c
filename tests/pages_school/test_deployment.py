import datetime as dt

import pytest

from sendesk import access
from sendesk.audit.models import AuditEvent
from sendesk.pupils.models import Deployment

from ..world import TODAY


def test_senco_sees_who_works_with_whom(world, as_user):
    response = as_user(world.senco).get("/deployment/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Alice Assistant" in text and "Ben Brown" in text and "Hana Hlta" in text


@pytest.mark.parametrize("person", ["alice", "bob", "tess", "hana", "dsl", "nobody"])
def test_only_senco_and_head_manage_deployment(world, as_user, person):
    client = as_user(getattr(world, person))
    assert client.get("/deployment/").status_code == 404
    deployment = Deployment.objects.get(staff=world.alice)
    assert client.post(f"/deployment/{deployment.pk}/end/").status_code == 404
    assert Deployment.objects.get(pk=deployment.pk).end is None


def test_another_schools_senco_sees_only_their_own(world, as_user):
    client = as_user(world.olga)
    response = client.get("/deployment/")
    assert response.status_code == 200 and "Alice Assistant" not in response.content.decode()
    deployment = Deployment.objects.get(staff=world.alice)
    assert client.post(f"/deployment/{deployment.pk}/end/").status_code == 404
    assert client.get(f"/deployment/?school={world.school.pk}").status_code == 404


def test_deploying_bob_to_dan_puts_dan_in_his_scope(world, as_user):
    w = world
    assert w.dan not in access.visible_pupils(w.bob)
    response = as_user(w.head).post(
        "/deployment/",
        {
            "staff": w.bob.pk,
            "kind": "one_to_one",
            "pupil": w.dan.pk,
            "start": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    assert Deployment.objects.filter(staff=w.bob, pupil=w.dan).exists()
    assert AuditEvent.objects.filter(
        object_type="pupils.deployment", pupil=w.dan, actor=w.head
    ).exists()
    del w.bob._sendesk_roles
    assert list(access.visible_pupils(w.bob)) == [w.dan]


def test_a_one_to_one_without_a_pupil_is_refused_and_the_form_kept(world, as_user):
    w = world
    response = as_user(w.senco).post(
        "/deployment/",
        {
            "staff": w.bob.pk,
            "kind": "one_to_one",
            "teaching_group": w.g3a.pk,
            "start": "2026-11-20",
        },
    )
    assert response.status_code == 422
    assert "A 1:1 or key adult deployment names a pupil." in response.content.decode()
    assert 'value="2026-11-20"' in response.content.decode()
    assert not Deployment.objects.filter(staff=w.bob).exists()


def test_ending_a_deployment_ends_the_scope_the_next_day(world, as_user):
    w = world
    deployment = Deployment.objects.get(staff=w.alice)
    response = as_user(w.senco).post(
        f"/deployment/{deployment.pk}/end/", {"end": TODAY.isoformat()}
    )
    assert response.status_code == 302
    deployment.refresh_from_db()
    assert deployment.end == TODAY
    assert w.ben in access.visible_pupils(w.alice, TODAY)
    assert w.ben not in access.visible_pupils(w.alice, TODAY + dt.timedelta(days=1))
