"""Photo consent: a parent gives and withdraws it on the parent pages; staff type in a paper
form on the pupil's page; the history is kept (rows are added, never changed), and the
decision in force is the one evidence checks."""

import datetime as dt

from sendesk.audit.models import AuditEvent
from sendesk.consent import selectors
from sendesk.consent.models import Consent
from tests.world import TODAY


def test_parent_gives_then_withdraws_consent(world, as_user):
    pat = as_user(world.pat)
    page = pat.get(f"/family/children/{world.ben.pk}/consent/")
    assert page.status_code == 200 and b"You have not been asked yet" in page.content
    assert not selectors.allows(world.ben, "photos")

    r = pat.post(
        f"/family/children/{world.ben.pk}/consent/", {"kind": "photos", "decision": "given"}
    )
    assert r.status_code == 302
    given = selectors.current(world.ben.pk, "photos")
    assert (given.decision, given.given_by, given.on) == ("given", world.pat, TODAY)
    assert selectors.allows(world.ben.pk, "photos")
    assert b"You have said yes" in pat.get(f"/family/children/{world.ben.pk}/consent/").content

    pat.post(
        f"/family/children/{world.ben.pk}/consent/", {"kind": "photos", "decision": "withdrawn"}
    )
    assert not selectors.allows(world.ben.pk, "photos")
    assert [c.decision for c in selectors.history(world.ben.pk, "photos")] == ["withdrawn", "given"]
    assert AuditEvent.objects.filter(object_type="consent.consent", action="create").count() == 2


def test_nothing_to_withdraw_is_said_plainly(world, as_user):
    r = as_user(world.pat).post(
        f"/family/children/{world.ben.pk}/consent/", {"kind": "photos", "decision": "withdrawn"}
    )
    assert r.status_code == 422 and b"There is no consent to withdraw" in r.content
    assert not Consent.objects.filter(kind="photos").exists()


def test_a_parent_cannot_decide_for_another_child(world, as_user):
    pat = as_user(world.pat)
    assert pat.get(f"/family/children/{world.cara.pk}/consent/").status_code == 404
    r = pat.post(
        f"/family/children/{world.cara.pk}/consent/", {"kind": "photos", "decision": "given"}
    )
    assert r.status_code == 404
    assert not Consent.objects.filter(kind="photos").exists()


def test_the_senco_records_a_paper_form(world, as_user):
    senco = as_user(world.senco)
    url = f"/pupils/{world.cara.pk}/consent/"
    bad = senco.post(url, {"kind": "photos", "decision": "given", "on": "", "given_by_name": ""})
    assert bad.status_code == 422
    assert b"Say who signed the form" in bad.content
    assert b"Give the date on the form" in bad.content
    future = senco.post(
        url,
        {"kind": "photos", "decision": "given", "on": "2027-01-01", "given_by_name": "Mo Clark"},
    )
    assert future.status_code == 422 and b"Mo Clark" in future.content  # kept as typed
    r = senco.post(
        url,
        {"kind": "photos", "decision": "given", "on": (TODAY - dt.timedelta(days=3)).isoformat(),
         "given_by_name": "Mo Clark", "note": "Form in the office file"},
    )  # fmt: skip
    assert r.status_code == 302
    c = selectors.current(world.cara.pk, "photos")
    assert (c.given_by_name, c.given_by, c.recorded_by) == ("Mo Clark", None, world.senco)
    assert selectors.allows(world.cara.pk, "photos")
    # Before the form's date, there was no consent.
    assert not selectors.allows(world.cara.pk, "photos", on=TODAY - dt.timedelta(days=4))
    page = senco.get(url)
    assert b"Mo Clark" in page.content and b"paper form" in page.content


def test_a_ta_reads_consent_but_records_no_form(world, as_user):
    alice = as_user(world.alice)
    assert alice.get(f"/pupils/{world.ben.pk}/consent/").status_code == 200
    assert (
        b"Record a paper consent form" not in alice.get(f"/pupils/{world.ben.pk}/consent/").content
    )
    r = alice.post(
        f"/pupils/{world.ben.pk}/consent/",
        {"kind": "photos", "decision": "given", "on": TODAY.isoformat(), "given_by_name": "X"},
    )
    assert r.status_code == 404
    # Out of scope: Bob does not work with Ben.
    assert as_user(world.bob).get(f"/pupils/{world.ben.pk}/consent/").status_code == 404
    assert not Consent.objects.filter(kind="photos").exists()


def test_the_pupil_page_shows_consent_and_photos(world, as_user):
    page = as_user(world.alice).get(f"/pupils/{world.ben.pk}/")
    assert b"Photos and recordings" in page.content
    assert f"/pupils/{world.ben.pk}/evidence/new/".encode() in page.content
    assert b"not asked yet" in page.content
