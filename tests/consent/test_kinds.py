"""Issue 11: consent for sharing with a named agency, a referral, medicines and trips, on the
parent pages (plain English, each with date and who) and typed in from paper by staff.
Withdrawal counts at once."""

import datetime as dt

from sendesk.consent import selectors
from sendesk.consent.models import Consent
from tests.world import TODAY


def _page(client, pupil):
    return client.get(f"/family/children/{pupil.pk}/consent/")


def test_the_parent_page_asks_every_question_in_plain_english(world, as_user, agencies):
    page = _page(as_user(world.pat), world.ben)
    assert page.status_code == 200
    for words in (
        b"Photos and video",
        b"Sharing information with County EP Service",
        b"Sharing information with NHS Speech Team",
        b"Medicines at school",
        b"Trips and visits",
        b"may go on school trips",
    ):
        assert words in page.content, words
    # Another school's agency is not asked about.
    assert b"Other EP" not in page.content


def test_sharing_is_given_per_agency_and_withdrawn_at_once(world, as_user, agencies):
    pat = as_user(world.pat)
    url = f"/family/children/{world.ben.pk}/consent/"
    ep, slt = agencies["ep"], agencies["slt"]
    r = pat.post(url, {"kind": "agency", "agency_id": slt.pk, "decision": "given"})
    assert r.status_code == 302
    r = pat.post(url, {"kind": "agency", "agency_id": ep.pk, "decision": "refused"})
    assert r.status_code == 302
    assert selectors.allows(world.ben, "agency", agency_id=slt)
    assert not selectors.allows(world.ben, "agency", agency_id=ep)
    sharing = selectors.pupils_sharing_with(slt.pk)
    assert list(sharing.values_list("pupil_id", flat=True)) == [world.ben.pk]
    assert not selectors.pupils_sharing_with(ep.pk).exists()
    row = selectors.current(world.ben, "agency", agency_id=slt)
    assert (row.given_by, row.on, row.agency) == (world.pat, TODAY, slt)

    pat.post(url, {"kind": "agency", "agency_id": slt.pk, "decision": "withdrawn"})
    # At once: the same day, the professionals' scope no longer holds Ben.
    assert not selectors.allows(world.ben, "agency", agency_id=slt)
    assert not selectors.pupils_sharing_with(slt.pk).exists()
    page = _page(pat, world.ben)
    assert b"You withdrew your consent" in page.content
    assert b"You have said no" in page.content  # the EP refusal


def test_an_agency_of_another_school_or_none_is_refused_plainly(world, as_user, agencies):
    pat = as_user(world.pat)
    url = f"/family/children/{world.ben.pk}/consent/"
    r = pat.post(url, {"kind": "agency", "agency_id": agencies["other"].pk, "decision": "given"})
    assert r.status_code == 422 and b"Choose the agency the consent is about" in r.content
    r = pat.post(url, {"kind": "agency", "decision": "given"})
    assert r.status_code == 422 and b"Choose the agency" in r.content
    r = pat.post(url, {"kind": "photos", "agency_id": agencies["ep"].pk, "decision": "given"})
    assert r.status_code == 422 and b"Only sharing and referral consents" in r.content
    assert not Consent.objects.filter(pupil=world.ben, given_by=world.pat).exists()


def test_the_senco_types_in_a_referral_form_naming_the_agency(world, as_user, agencies):
    senco = as_user(world.senco)
    url = f"/pupils/{world.cara.pk}/consent/"
    form = {"kind": "referral", "decision": "given", "on": TODAY.isoformat(),
            "given_by_name": "Mo Clark"}  # fmt: skip
    missing = senco.post(url, form)
    assert missing.status_code == 422 and b"Choose the agency" in missing.content
    assert b"Mo Clark" in missing.content  # what was typed is kept
    r = senco.post(url, {**form, "agency_id": agencies["ep"].pk})
    assert r.status_code == 302
    assert selectors.allows(world.cara, "referral", agency_id=agencies["ep"])
    # A referral is not consent to share: that is its own question.
    assert not selectors.allows(world.cara, "agency", agency_id=agencies["ep"])
    page = senco.get(url)
    assert b"A referral to County EP Service" in page.content


def test_a_paper_form_dated_later_than_today_counts_from_its_date(world, as_user):
    senco = as_user(world.senco)
    past = TODAY - dt.timedelta(days=10)
    senco.post(
        f"/pupils/{world.dan.pk}/consent/",
        {"kind": "trips", "decision": "given", "on": past.isoformat(), "given_by_name": "Di Dale"},
    )
    assert selectors.allows(world.dan, "trips", on=TODAY)
    assert not selectors.allows(world.dan, "trips", on=past - dt.timedelta(days=1))


def test_a_medicine_consent_and_the_general_withdrawal(world, as_user):
    """A consent about one medicine is answered by it or the parent's general answer,
    whichever is latest: a general withdrawal stops every medicine at once."""
    ref = f"medicine:{world.inhaler.pk}"
    assert selectors.allows(world.ben, "medication", ref=ref)
    pat = as_user(world.pat)
    url = f"/family/children/{world.ben.pk}/consent/"
    r = pat.post(url, {"kind": "medication", "decision": "withdrawn", "ref": ref})
    assert r.status_code == 302
    assert not selectors.allows(world.ben, "medication", ref=ref)
    assert selectors.allows(world.ben, "medication", ref=f"medicine:{world.lunch_med.pk}")
    pat.post(url, {"kind": "medication", "decision": "refused"})
    assert not selectors.allows(world.ben, "medication", ref=f"medicine:{world.lunch_med.pk}")
    bad = pat.post(url, {"kind": "photos", "decision": "given", "ref": "trip:5"})
    assert bad.status_code == 422 and b"be about one medicine or trip" in bad.content
