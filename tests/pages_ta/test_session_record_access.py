"""One access check per save: the page fetches the provision through the access layer and
the service trusts that object; any other object is checked again, so the service stays
safe whoever calls it."""

import pytest
from django.http import Http404

from sendesk import access
from sendesk.provision.models import Provision, Session
from sendesk.provision.services import PupilRecord, session_record
from tests.world import TODAY

from .helpers import HTMX, quick_form


def test_http_save_runs_one_access_check(world, as_user, django_assert_num_queries):
    w = world
    client = as_user(w.alice)
    data = quick_form(**{f"rating_{w.t1.pk}": "emerging"})
    # Was 19: the service fetched the provision through the access layer a second time and
    # asked the database again whether its pupil was in scope; then 17, then 13. Now:
    # session, user, roles; the provision in scope (no strategies: the swapped card has no
    # pupil header); the rated target, to check whose it is; savepoint, session, pupil
    # record, rating, timeline line, audit row, release. No client_id lookup before the
    # insert (the unique client_id says when the form was sent before), and the card shows
    # what was written, not read back.
    # Then 14: the second-factor gate asks whether Alice has set one up and whether her
    # school's policy asks her to.
    # Then 15: the audit chain's head, read to link the audit row.
    # Now 13: the gate reads the device, the policy and the roles (which the page no
    # longer reads itself) in one query (mfa.step_owed).
    with django_assert_num_queries(13):
        response = client.post(f"/sessions/record/{w.talk.pk}/", data, **HTMX)
    assert response.status_code == 200
    assert Session.objects.get().provision == w.talk


def _record(actor, provision):
    return session_record(
        actor=actor,
        provision=provision,
        date=TODAY,
        minutes=30,
        delivered=True,
        pupils=[PupilRecord(pupil_id=provision.pupil_id, attendance="present")],
    )


def test_an_object_not_from_the_access_layer_is_checked_again(world):
    w = world
    # Bob is deployed to nobody: Ben's provision, fetched without the access layer, is
    # out of his scope and the service says so as if it did not exist.
    with pytest.raises(Http404):
        _record(w.bob, Provision.objects.get(pk=w.talk.pk))
    # Checked for Alice, it is not vouched for Bob.
    with pytest.raises(Http404):
        _record(w.bob, access.get_scoped(w.alice, Provision.objects.all(), w.talk.pk))
    assert not Session.objects.exists()

    session, created = _record(w.alice, Provision.objects.get(pk=w.talk.pk))
    assert created and session.provision == w.talk
