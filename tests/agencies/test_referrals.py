"""The SENCO refers a pupil to an agency (consent checked when it is sent), records the
agency's answer, and sees referrals past their timescale: on the overview, in the list,
in the API and as a notification from the daily check."""

import datetime as dt
import html

import pytest

from sendesk.audit.models import AuditEvent
from sendesk.consent.models import Decision, Kind
from sendesk.notifications.models import Notification
from sendesk.therapy import checks, services
from sendesk.therapy.models import Referral
from tests.api.conftest import Api
from tests.world import TODAY

from .conftest import decide, referral_data


def text(response) -> str:
    """The body as a reader sees it (entities decoded)."""
    return html.unescape(response.content.decode())


def form(ag, **changes):
    data = {
        "agency": str(ag.ep.pk),
        "professional": "",
        "reason": "Reading assessment",
        "sent_on": TODAY.isoformat(),
        "response_days": "",
        "shared_notes": "TYPED-NOTE-3391",
    }
    data.update(changes)
    return data


def test_sam_refers_ben_to_the_ep_service_with_the_agency_timescale(world, ag, as_user):
    decide(world, world.ben, Kind.REFERRAL, Decision.GIVEN, ag.ep)
    sam = as_user(world.senco)
    assert "Refer to an agency" in sam.get(f"/pupils/{world.ben.pk}/").content.decode()
    r = sam.post(f"/pupils/{world.ben.pk}/referrals/agency/new/", form(ag))
    assert r.status_code == 302
    referral = Referral.objects.get(pupil=world.ben, agency=ag.ep)
    assert referral.therapist is None
    assert (referral.sent_on, referral.response_days) == (TODAY, 42)
    assert referral.respond_by == TODAY + dt.timedelta(days=42)
    assert (referral.status, referral.consent_by) == ("sent", "Mrs Clark (mother)")
    assert AuditEvent.objects.filter(object_type="therapy.referral", pupil=world.ben,
                                     action="create").exists()  # fmt: skip


def test_a_referral_without_the_parents_consent_is_refused_in_plain_words(world, ag, as_user):
    r = as_user(world.senco).post(f"/pupils/{world.ben.pk}/referrals/agency/new/", form(ag))
    assert r.status_code == 422
    body = text(r)
    assert "have not given consent to a referral to County EP Service" in body
    assert "TYPED-NOTE-3391" in body  # what was typed is kept
    assert not Referral.objects.filter(pupil=world.ben, agency=ag.ep).exists()


def test_refused_consent_is_missing_consent(world, ag, as_user):
    decide(world, world.ben, Kind.REFERRAL, Decision.REFUSED, ag.ep)
    r = as_user(world.senco).post(f"/pupils/{world.ben.pk}/referrals/agency/new/", form(ag))
    assert r.status_code == 422


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"agency": ""}, "Choose one of the school's agencies."),
        ({"agency": "999999"}, "Choose one of the school's agencies."),
        ({"sent_on": "2026-12-01"}, "The referral can't be sent in the future."),
        ({"sent_on": ""}, "Give the date the referral was sent."),
        ({"response_days": "0"}, "from 1 to 365"),
        ({"response_days": "soon"}, "Give a whole number."),
        ({"reason": "  "}, "Say why the pupil is referred."),
        ({"professional": "carl"}, "Choose someone who works for that agency"),
    ],
)
def test_bad_referrals_are_refused_and_kept(world, ag, as_user, changes, field_message):
    decide(world, world.ben, Kind.REFERRAL, Decision.GIVEN, ag.ep)
    if changes.get("professional") == "carl":
        changes["professional"] = str(ag.carl.pk)
    r = as_user(world.senco).post(
        f"/pupils/{world.ben.pk}/referrals/agency/new/", form(ag, **changes)
    )
    assert r.status_code == 422
    assert field_message in text(r)
    assert not Referral.objects.filter(pupil=world.ben, agency=ag.ep).exists()


def test_only_those_who_write_pupils_refer(world, ag, as_user):
    for person in (world.alice, world.pat, ag.eve):
        r = as_user(person).get(f"/pupils/{world.ben.pk}/referrals/agency/new/")
        assert r.status_code == 404


def _overdue(world, ag):
    """Dan's referral sent 60 days ago with the EP service's 42 days: past its timescale."""
    decide(world, world.ben, Kind.REFERRAL, Decision.GIVEN, ag.ep, on=TODAY - dt.timedelta(60))
    return services.agency_referral_create(
        actor=world.senco, pupil=world.ben,
        data=referral_data(ag.ep, sent_on=TODAY - dt.timedelta(days=60)),
    )  # fmt: skip


def test_an_overdue_referral_shows_on_the_overview_and_the_list(world, ag, as_user):
    sam = as_user(world.senco)
    assert "Referrals past their timescale" not in sam.get("/overview/").content.decode()
    _overdue(world, ag)
    assert "Referrals past their timescale" in sam.get("/overview/").content.decode()
    listing = sam.get("/referrals/?overdue=1").content.decode()
    assert "Past its timescale" in listing and "Ben" in listing
    assert "Cara" not in listing  # sent a week ago: still in time


def test_an_answered_referral_is_no_longer_overdue(world, ag, as_user):
    referral = _overdue(world, ag)
    sam = as_user(world.senco)
    r = sam.post(f"/referrals/{referral.pk}/status/",
                 {"status": "accepted", "on": TODAY.isoformat()})  # fmt: skip
    assert r.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.responded_on) == ("accepted", TODAY)
    assert "Referrals past their timescale" not in sam.get("/overview/").content.decode()


def test_status_needs_a_choice_and_a_date(world, ag, as_user):
    r = as_user(world.senco).post(f"/referrals/{ag.cara_ref.pk}/status/",
                                  {"status": "", "on": ""})  # fmt: skip
    assert r.status_code == 422
    assert "Choose accepted, declined or closed." in text(r)
    r = as_user(world.alice).get(f"/referrals/{ag.cara_ref.pk}/status/")
    assert r.status_code == 404


def test_the_api_lists_overdue_referrals_for_the_senco_and_head_only(world, ag, client):
    late = _overdue(world, ag)
    api = Api(client)
    body = api.get(world.senco, "/referrals", overdue="true").json()
    assert [i["id"] for i in body["items"]] == [late.pk]
    item = body["items"][0]
    assert item["overdue"] is True and item["agency_name"] == "County EP Service"
    assert item["respond_by"] == (TODAY - dt.timedelta(days=18)).isoformat()
    every = api.get(world.head, "/referrals").json()
    assert every["count"] == Referral.objects.filter(pupil__school=world.school).count()
    for person in (world.alice, world.tess, ag.eve, world.pat):
        assert api.get(person, "/referrals").status_code == 404


def test_the_daily_check_tells_the_senco_once(world, ag):
    late = _overdue(world, ag)
    assert checks.referrals_overdue(TODAY) == 1
    assert checks.referrals_overdue(TODAY) == 1
    rows = Notification.objects.filter(kind="referral_overdue")
    assert {n.user_id for n in rows} == {world.senco.pk}
    assert rows.count() == 1
    note = rows.get()
    assert world.ben.legal_first_name not in note.title
    assert "County EP Service" in note.title and f"school={world.school.pk}" in note.url
    assert late.respond_by < TODAY


def test_nothing_overdue_nothing_told(world, ag):
    assert checks.referrals_overdue(TODAY) == 0
    assert not Notification.objects.filter(kind="referral_overdue").exists()
