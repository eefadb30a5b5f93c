"""Corrections change only what the person changed, and wording staff reported against
stays as it was."""

import datetime as dt

from django.utils import timezone

from sendesk.behaviour.models import Amendment, BehaviourStrategy, StrategyUse
from sendesk.safeguarding.models import Concern
from sendesk.schools.models import StaffRole

from .test_incident_pages import amend_data


def test_a_correction_keeps_departed_staff_and_the_recorded_seconds(world, as_user, incident):
    w = world
    record = incident(
        occurred_at=timezone.make_aware(dt.datetime(2026, 11, 17, 13, 20, 37)),
        staff_present=[w.bob.pk, w.tess.pk],
    )
    StaffRole.objects.filter(user=w.bob).delete()  # Bob has left the school
    response = as_user(w.alice).post(
        f"/incidents/{record.pk}/amend/",
        amend_data(record, staff_present=[str(w.bob.pk), str(w.tess.pk)]),
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert set(amendment.changes) == {"location"}
    record.refresh_from_db()
    assert record.occurred_at.second == 37
    assert set(record.staff_present.values_list("pk", flat=True)) == {w.bob.pk, w.tess.pk}


def test_wording_of_a_strategy_staff_reported_on_is_kept(world, as_user, incident):
    w = world
    record = incident()
    StrategyUse.objects.create(
        strategy=w.calm_corner, pupil=w.ben, incident=record, effectiveness=3,
        recorded_by=w.alice, recorded_at=timezone.now(),
    )  # fmt: skip
    pk = w.calm_corner.pk
    response = as_user(w.senco).post(
        f"/plans/{w.ibp.pk}/behaviour/strategies/{pk}/",
        {f"s{pk}-text": "Shout loudly", f"s{pk}-order": "1", "action": "save"},
    )
    assert response.status_code == 422
    assert BehaviourStrategy.objects.get(pk=w.calm_corner.pk).text.startswith("Offer the calm")


def test_the_dsl_sees_new_concerns_on_every_page(world, as_user):
    Concern.objects.create(
        school=world.school, pupil=world.dan, reported_by=world.alice,
        reported_at=timezone.now(), occurred_at=timezone.now(), concern="x",
        retain_until=dt.date(2043, 1, 1),
    )  # fmt: skip
    body = as_user(world.dsl).get("/pupils/").content.decode()
    assert "1 new" in body
    assert "1 new" not in as_user(world.senco).get("/pupils/").content.decode()


def test_the_record_an_incident_link_follows_what_each_person_may_open(world, as_user):
    """Everyone who can open Ben's behaviour page sees "Record an incident" exactly when
    the form opens for them: no link to "not found", and none missing."""
    w = world
    link = f'href="/pupils/{w.ben.pk}/incidents/new/"'
    shown, hidden = [], []
    people = (w.senco, w.head, w.dsl, w.tess, w.tom, w.alice, w.bob, w.hana, w.olga, w.theo)
    for person in people:
        client = as_user(person)
        page = client.get(f"/pupils/{w.ben.pk}/behaviour/")
        if page.status_code == 404:
            assert link not in page.content.decode()
            continue
        assert page.status_code == 200
        form = client.get(f"/pupils/{w.ben.pk}/incidents/new/")
        (shown if link in page.content.decode() else hidden).append(person.email)
        assert form.status_code == (200 if link in page.content.decode() else 404), person.email
    assert shown and hidden  # both sides of the rule are exercised
