"""An agency's professional sees only the pupils referred to them (or, naming nobody, to
their agency) and covered by the parents' current consent to share with that agency, only
until the referral ends. Out of scope answers exactly as a pupil that does not exist."""

import datetime as dt

import pytest

from sendesk.consent.models import Decision, Kind
from sendesk.therapy import services
from sendesk.therapy.models import Status
from tests.api.conftest import Api
from tests.world import TODAY

from .conftest import decide, referral_data

PAGE = "/therapy/pupils/{}/"


def test_eve_sees_cara_referred_with_consent_and_what_the_school_shares(world, ag, as_user):
    eve = as_user(ag.eve)
    r = eve.get(PAGE.format(world.cara.pk))
    assert r.status_code == 200
    assert "SHARED-MARK-7781" in r.content.decode()
    home = eve.get("/therapy/").content.decode()
    assert "Cara" in home
    assert "Dan" not in home  # referred, but no consent to share with the EP service


@pytest.mark.parametrize("who", ["dan_without_consent", "ben_not_referred"])
def test_without_consent_or_referral_eve_gets_the_404_of_a_stranger(
    world, ag, as_user, missing, who
):
    pupil = world.dan if who == "dan_without_consent" else world.ben
    status, body = missing(ag.eve, PAGE)
    r = as_user(ag.eve).get(PAGE.format(pupil.pk))
    assert (r.status_code, r.content) == (status, body) == (404, body)


def test_the_api_lists_only_the_pupil_shared_with_consent(world, ag, client):
    body = Api(client).get(ag.eve, "/therapy/pupils").json()
    assert [p["name"] for p in body["items"]] == [world.cara.name]


def test_withdrawal_of_consent_takes_effect_at_once(world, ag, as_user, missing):
    eve = as_user(ag.eve)
    assert eve.get(PAGE.format(world.cara.pk)).status_code == 200
    decide(world, world.cara, Kind.AGENCY, Decision.WITHDRAWN, ag.ep, on=TODAY)
    status, body = missing(ag.eve, PAGE)
    r = eve.get(PAGE.format(world.cara.pk))
    assert (r.status_code, r.content) == (404, body)
    assert "Cara" not in eve.get("/therapy/").content.decode()


def test_consent_to_another_agency_does_not_open_the_referral(world, ag, as_user):
    decide(world, world.dan, Kind.AGENCY, Decision.GIVEN, ag.camhs)
    assert as_user(ag.eve).get(PAGE.format(world.dan.pk)).status_code == 404


@pytest.mark.parametrize("end", ["ended", "declined", "closed"])
def test_a_referral_that_ended_or_was_declined_opens_nothing(world, ag, as_user, end):
    if end == "ended":
        services.referral_end(actor=world.senco, referral=ag.cara_ref,
                              end=TODAY - dt.timedelta(days=1))  # fmt: skip
    else:
        services.referral_status(actor=world.senco, referral=ag.cara_ref, status=end, on=TODAY)
    assert as_user(ag.eve).get(PAGE.format(world.cara.pk)).status_code == 404


def test_accepted_keeps_access(world, ag, as_user):
    services.referral_status(
        actor=world.senco, referral=ag.cara_ref, status=Status.ACCEPTED, on=TODAY
    )
    assert as_user(ag.eve).get(PAGE.format(world.cara.pk)).status_code == 200


def test_a_referral_naming_nobody_is_seen_by_the_agency_members_only(world, ag, as_user):
    decide(world, world.ben, Kind.REFERRAL, Decision.GIVEN, ag.camhs)
    decide(world, world.ben, Kind.AGENCY, Decision.GIVEN, ag.camhs)
    services.agency_referral_create(actor=world.senco, pupil=world.ben,
                                    data=referral_data(ag.camhs))  # fmt: skip
    assert as_user(ag.carl).get(PAGE.format(world.ben.pk)).status_code == 200
    assert as_user(ag.eve).get(PAGE.format(world.ben.pk)).status_code == 404


def test_staff_and_parents_do_not_reach_the_professional_pages(world, ag, as_user):
    for person in (world.alice, world.pat, world.theo):
        assert as_user(person).get(PAGE.format(world.cara.pk)).status_code == 404
