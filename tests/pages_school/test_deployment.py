import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk import access
from sendesk.accounts.models import User
from sendesk.audit.models import AuditEvent
from sendesk.provision.models import Provision
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


def _promise_hours(pupil, hours=15, **extra):
    """A promise of 1:1 adult hours (counted in hours a week, not sessions)."""
    return Provision.objects.create(
        pupil=pupil,
        title="In-class 1:1 support",
        kind="one_to_one",
        source="ehcp_f",
        weekly_minutes=hours * 60,
        days="12345",
        start=dt.date(2026, 9, 3),
        **extra,
    )


def test_an_unstaffed_one_to_one_promise_is_named_at_the_top_with_a_way_to_fix_it(world, as_user):
    w = world
    _promise_hours(w.dan, 15)
    _promise_hours(w.ben, 10)  # Ben has Alice 1:1: not a gap
    text = as_user(w.senco).get("/deployment/").content.decode()
    attention = text[text.index('id="h-attention"') : text.index('id="h-current"')]
    assert "No adult deployed for" in attention and "Dan Dale" in attention
    assert "15 hours a week" in attention
    assert "Ben Brown" not in attention
    assert f'href="/deployment/?for={w.dan.pk}#add"' in attention
    # The link opens the form as a 1:1 for Dan.
    form = as_user(w.senco).get(f"/deployment/?for={w.dan.pk}").content.decode()
    assert f'<option value="{w.dan.pk}" selected>Dan Dale</option>' in form
    assert '<option value="one_to_one" selected>' in form


def test_a_gap_goes_once_an_adult_is_deployed_and_says_when_one_is_planned(world, as_user):
    w = world
    _promise_hours(w.dan, 5)
    later = TODAY + dt.timedelta(days=12)
    Deployment.objects.create(
        school=w.school, staff=w.bob, kind="one_to_one", pupil=w.dan, start=later
    )
    text = as_user(w.senco).get("/deployment/").content.decode()
    assert "5 hours a week" in text and "An adult is deployed from 30 Nov 2026." in text
    Deployment.objects.create(
        school=w.school, staff=w.hana, kind="one_to_one", pupil=w.dan, start=TODAY
    )
    text = as_user(w.senco).get("/deployment/").content.decode()
    assert "No adult deployed for" not in text
    assert "Every promise of 1:1 hours has an adult deployed today." in text


def test_a_key_adult_or_an_ended_promise_is_not_one_to_one_cover(world, as_user):
    w = world
    _promise_hours(w.dan, 5)
    _promise_hours(w.cara, 10, end=TODAY - dt.timedelta(days=1))
    Deployment.objects.create(
        school=w.school, staff=w.bob, kind="key_adult", pupil=w.dan, start=TODAY
    )
    text = as_user(w.senco).get("/deployment/").content.decode()
    assert "Dan Dale</a>: 5 hours a week" in text
    assert "Cara Clark</a>:" not in text
    # Another school's SENCO sees none of it.
    assert "Dan Dale" not in as_user(w.olga).get("/deployment/").content.decode()


def test_the_list_is_searched_by_adult_pupil_or_class_and_by_kind(world, as_user):
    client = as_user(world.senco)

    def listed(query):
        text = client.get(f"/deployment/{query}").content.decode()
        return text[text.index('id="h-current"') : text.index('id="add"')]

    assert "Alice Assistant" in listed("?q=ben") and "Hana Hlta" not in listed("?q=ben")
    assert "Hana Hlta" in listed("?q=4b") and "Alice Assistant" not in listed("?q=4b")
    assert "Hana Hlta" in listed("?q=hana") and "1 deployment matches" in listed("?q=hana")
    assert "Alice Assistant" not in listed("?kind=group") and "Hana Hlta" in listed("?kind=group")
    assert "No deployment matches" in listed("?q=zzz")
    # Nonsense in the query string is ignored, never a 500.
    assert client.get("/deployment/?kind=nope&page=x&for=nope&q=%00").status_code == 200


def test_the_list_is_paged_and_its_query_count_does_not_grow(world, as_user):
    w = world
    client = as_user(w.senco)
    client.get("/deployment/")
    with CaptureQueriesContext(connection) as few:
        client.get("/deployment/")
    staff = [
        User.objects.create_user(f"extra{i}@test.example", "x", full_name=f"Extra {i:03}")
        for i in range(30)
    ]
    for person in staff:
        Deployment.objects.create(
            school=w.school, staff=person, kind="group", teaching_group=w.g3a, start=TODAY
        )
        _promise_hours(w.dan, 1)
    with CaptureQueriesContext(connection) as many:
        text = client.get("/deployment/").content.decode()
    assert len(many) == len(few)
    assert "32 deployments." in text and "Page 1 of 2" in text
    assert "Extra 029" in client.get("/deployment/?page=2").content.decode()
