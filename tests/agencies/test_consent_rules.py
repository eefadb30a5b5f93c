"""Review of issue 11 (A1-A4, B1, advice filing): an agency's professional reaches a pupil
only through a referral to their agency, while they still work there and while the
parents' consents stand; withdrawing the referral consent closes the referral; a closed
or declined referral never reopens."""

import datetime as dt
import html

from django.utils import timezone

from sendesk.agencies.models import AgencyMember
from sendesk.audit.models import AuditEvent
from sendesk.consent.models import Consent, Decision, Kind
from sendesk.notifications.models import Notification
from sendesk.pupils.models import TimelineEntry
from sendesk.therapy import services
from sendesk.therapy.models import Advice, Referral, Status
from tests.api.conftest import Api
from tests.world import TODAY

from .conftest import WEEK_AGO, decide, referral_data

PAGE = "/therapy/pupils/{}/"
DAYS_AGO_3 = TODAY - dt.timedelta(days=3)


def text(response) -> str:
    return html.unescape(response.content.decode())


def therapist_form(world, therapist, **changes):
    return {
        "therapist": str(therapist.pk), "discipline": "slt", "reason": "Word finding",
        "consent_by": "Mr Dale (father)", "consent_on": WEEK_AGO.isoformat(),
        "start": TODAY.isoformat(), "shared_notes": "", **changes,
    }  # fmt: skip


# --- A1: agency people are never referred through the therapist form ---------------------


def test_the_therapist_referral_form_neither_offers_nor_accepts_an_agency_professional(
    world, ag, as_user
):
    sam = as_user(world.senco)
    url = f"/pupils/{world.dan.pk}/referrals/new/"
    page = text(sam.get(url))
    assert world.theo.full_name in page
    assert ag.eve.full_name not in page and ag.carl.full_name not in page
    r = sam.post(url, therapist_form(world, ag.eve))
    assert r.status_code == 422
    assert "Choose a therapist who works with this school." in text(r)
    assert not Referral.objects.filter(pupil=world.dan, agency__isnull=True).exists()
    # Theo, who is no agency's, is still referred this way.
    assert sam.post(url, therapist_form(world, world.theo)).status_code == 302
    assert as_user(ag.eve).get(PAGE.format(world.dan.pk)).status_code == 404


def test_an_agency_professional_given_a_referral_without_an_agency_still_needs_consent(
    world, ag, as_user
):
    # Made before Eve joined the EP service, say: the issue-9 referral names no agency.
    Referral.objects.create(
        pupil=world.ben, therapist=ag.eve, discipline="slt", consent_by="Pat Parent",
        consent_on=WEEK_AGO, start=WEEK_AGO, referred_by=world.senco, status=Status.ACCEPTED,
    )  # fmt: skip
    eve = as_user(ag.eve)
    assert eve.get(PAGE.format(world.ben.pk)).status_code == 404
    decide(world, world.ben, Kind.AGENCY, Decision.GIVEN, ag.camhs)  # another agency's
    assert eve.get(PAGE.format(world.ben.pk)).status_code == 404
    decide(world, world.ben, Kind.AGENCY, Decision.GIVEN, ag.ep)
    assert eve.get(PAGE.format(world.ben.pk)).status_code == 200
    decide(world, world.ben, Kind.AGENCY, Decision.WITHDRAWN, ag.ep, on=TODAY)
    assert eve.get(PAGE.format(world.ben.pk)).status_code == 404


# --- A2: leaving the agency ends access ---------------------------------------------------


def test_a_professional_who_left_the_agency_loses_the_referrals_naming_them(
    world, ag, as_user, client
):
    eve = as_user(ag.eve)
    assert eve.get(PAGE.format(world.cara.pk)).status_code == 200
    AgencyMember.objects.filter(user=ag.eve).update(active=False)
    assert eve.get(PAGE.format(world.cara.pk)).status_code == 404
    assert eve.get(f"/therapy/pupils/{world.cara.pk}/advice/new/").status_code == 404
    assert "Cara" not in text(eve.get("/therapy/"))
    assert Api(client).get(ag.eve, "/therapy/pupils").json()["items"] == []


# --- A3: withdrawing the referral consent closes the referral ----------------------------


def _withdraw_on_paper(as_user, world, pupil, agency):
    return as_user(world.senco).post(f"/pupils/{pupil.pk}/consent/", {
        "kind": "referral", "decision": "withdrawn", "agency_id": agency.pk,
        "on": TODAY.isoformat(), "given_by_name": "Mrs Clark (mother)",
    })  # fmt: skip


def test_withdrawn_referral_consent_closes_that_agencys_referral_at_once(world, ag, as_user):
    eve = as_user(ag.eve)
    assert eve.get(PAGE.format(world.cara.pk)).status_code == 200
    assert _withdraw_on_paper(as_user, world, world.cara, ag.ep).status_code == 302
    ref = Referral.objects.get(pk=ag.cara_ref.pk)
    assert (ref.status, ref.end) == (Status.CLOSED, TODAY)
    assert eve.get(PAGE.format(world.cara.pk)).status_code == 404
    assert AuditEvent.objects.filter(object_type="therapy.referral", object_id=str(ref.pk),
                                     action="update").exists()  # fmt: skip
    line = TimelineEntry.objects.get(pupil=world.cara, kind="referral", title__contains="closed")
    assert "withdrawn consent" in line.title
    told = Notification.objects.filter(kind="referral_consent_withdrawn")
    assert list(told.values_list("user_id", flat=True)) == [world.senco.pk]
    assert "Cara" not in told.get().title  # the title names no pupil
    # Dan's referral to the same agency is another child's: untouched.
    assert Referral.objects.get(pk=ag.dan_ref.pk).status == Status.SENT
    # The list shows it as over, not in force.
    page = text(as_user(world.senco).get(f"/referrals/?school={world.school.pk}"))
    in_force = page.split('id="current"')[1].split('id="other"')[0]
    assert "Cara" not in in_force


def test_a_parent_withdrawing_online_reads_what_happens_and_it_happens(world, ag, as_user):
    decide(world, world.ben, Kind.REFERRAL, Decision.GIVEN, ag.ep)
    decide(world, world.ben, Kind.AGENCY, Decision.GIVEN, ag.ep)
    ben_ref = services.agency_referral_create(
        actor=world.senco, pupil=world.ben, data=referral_data(ag.ep, professional=ag.eve)
    )
    pat = as_user(world.pat)
    url = f"/family/children/{world.ben.pk}/consent/"
    page = text(pat.get(url))
    assert "the referral to County EP Service is closed straight away" in page
    r = pat.post(url, {"kind": "referral", "agency_id": ag.ep.pk, "decision": "withdrawn"})
    assert r.status_code == 302
    assert Referral.objects.get(pk=ben_ref.pk).status == Status.CLOSED
    assert as_user(ag.eve).get(PAGE.format(world.ben.pk)).status_code == 404
    assert Notification.objects.filter(kind="referral_consent_withdrawn",
                                       user=world.senco).exists()  # fmt: skip


def test_a_withdrawn_sharing_consent_closes_no_referral(world, ag, as_user):
    decide(world, world.cara, Kind.AGENCY, Decision.GIVEN, ag.ep)
    as_user(world.senco).post(f"/pupils/{world.cara.pk}/consent/", {
        "kind": "agency", "decision": "withdrawn", "agency_id": ag.ep.pk,
        "on": TODAY.isoformat(), "given_by_name": "Mrs Clark (mother)",
    })  # fmt: skip
    assert Referral.objects.get(pk=ag.cara_ref.pk).status == Status.SENT
    assert not Notification.objects.filter(kind="referral_consent_withdrawn").exists()


# --- A4: consent on the day it was sent and today ------------------------------------------


def _agency_form(ag, **changes):
    return {"agency": str(ag.ep.pk), "professional": "", "reason": "Reading assessment",
            "sent_on": DAYS_AGO_3.isoformat(), "response_days": "", "shared_notes": "",
            **changes}  # fmt: skip


def test_a_backdated_referral_after_the_withdrawal_is_refused(world, ag, as_user):
    decide(world, world.ben, Kind.REFERRAL, Decision.GIVEN, ag.ep)
    decide(world, world.ben, Kind.REFERRAL, Decision.WITHDRAWN, ag.ep, on=TODAY)
    r = as_user(world.senco).post(f"/pupils/{world.ben.pk}/referrals/agency/new/", _agency_form(ag))
    assert r.status_code == 422
    assert "have not given consent to a referral to County EP Service" in text(r)
    assert not Referral.objects.filter(pupil=world.ben, agency=ag.ep).exists()


def test_the_referral_records_the_decision_in_force_on_the_day_it_was_sent(world, ag, as_user):
    decide(world, world.ben, Kind.REFERRAL, Decision.GIVEN, ag.ep)  # Mrs Clark, a week ago
    Consent.objects.create(
        pupil=world.ben, school_id=world.school.pk, kind=Kind.REFERRAL, decision=Decision.GIVEN,
        agency=ag.ep, on=TODAY, given_by_name="Mr Clark (father)", recorded_by=world.senco,
        recorded_at=timezone.now(),
    )  # fmt: skip
    r = as_user(world.senco).post(f"/pupils/{world.ben.pk}/referrals/agency/new/", _agency_form(ag))
    assert r.status_code == 302
    referral = Referral.objects.get(pupil=world.ben, agency=ag.ep)
    assert (referral.consent_by, referral.consent_on) == ("Mrs Clark (mother)", WEEK_AGO)


# --- B1: a closed or declined referral never moves again, and ends ------------------------


def test_a_closed_referral_is_not_reopened_and_ends(world, ag, as_user):
    sam = as_user(world.senco)
    url = f"/referrals/{ag.cara_ref.pk}/status/"
    assert sam.post(url, {"status": "closed", "on": TODAY.isoformat()}).status_code == 302
    ref = Referral.objects.get(pk=ag.cara_ref.pk)
    assert (ref.status, ref.end) == (Status.CLOSED, TODAY)
    for status in ("accepted", "declined"):
        r = sam.post(url, {"status": status, "on": TODAY.isoformat()})
        assert r.status_code == 422
        assert "was closed and can't be changed" in text(r)
    assert Referral.objects.get(pk=ag.cara_ref.pk).status == Status.CLOSED
    assert as_user(ag.eve).get(PAGE.format(world.cara.pk)).status_code == 404


def test_a_declined_referral_is_not_accepted_later(world, ag, as_user):
    sam = as_user(world.senco)
    url = f"/referrals/{ag.cara_ref.pk}/status/"
    assert sam.post(url, {"status": "declined", "on": TODAY.isoformat()}).status_code == 302
    r = sam.post(url, {"status": "accepted", "on": TODAY.isoformat()})
    assert r.status_code == 422 and "was declined and can't be changed" in text(r)
    assert as_user(ag.eve).get(PAGE.format(world.cara.pk)).status_code == 404


# --- Advice is filed under the referral the professional chooses -------------------------


def test_with_two_referrals_in_force_the_professional_chooses_which_the_advice_answers(
    world, ag, as_user
):
    second = services.agency_referral_create(
        actor=world.senco, pupil=world.cara,
        data=referral_data(ag.ep, professional=ag.eve, sent_on=TODAY, reason="Second"),
    )  # fmt: skip
    eve = as_user(ag.eve)
    url = f"/therapy/pupils/{world.cara.pk}/advice/new/"
    assert "Which referral it answers" in text(eve.get(url))
    typed = {"kind": "advice", "text": "ADVICE-TYPED-1"}
    r = eve.post(url, typed)
    assert r.status_code == 422
    assert "Choose which referral the advice answers." in text(r)
    assert "ADVICE-TYPED-1" in text(r)
    # The older one, which the page used to file everything under the newer of.
    assert eve.post(url, {**typed, "referral": str(ag.cara_ref.pk)}).status_code == 302
    assert Advice.objects.get(pupil=world.cara).referral_id == ag.cara_ref.pk
    assert not Advice.objects.filter(referral=second).exists()
    # Another pupil's referral is no choice.
    r = eve.post(url, {**typed, "referral": str(ag.dan_ref.pk)})
    assert r.status_code == 422 and Advice.objects.count() == 1


def test_with_one_referral_nothing_is_asked(world, ag, as_user):
    page = text(as_user(ag.eve).get(f"/therapy/pupils/{world.cara.pk}/advice/new/"))
    assert "Which referral it answers" not in page
