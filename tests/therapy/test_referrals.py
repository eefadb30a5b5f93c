"""The SENCO or head refers a pupil to a therapist and ends the referral; the referral is
what puts the pupil in the therapist's scope, and ending it takes the pupil out."""

import datetime as dt

import pytest

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.therapy.models import Referral
from tests.world import TODAY

from .conftest import text

YESTERDAY = TODAY - dt.timedelta(days=1)


def referral_form(world, **changes):
    data = {
        "therapist": str(world.theo.pk),
        "discipline": "slt",
        "reason": "Word finding",
        "consent_by": "Mr Clark (father)",
        "consent_on": "2026-11-10",
        "start": TODAY.isoformat(),
        "shared_notes": "Cara is shy with new adults.",
    }
    data.update(changes)
    return data


def test_sam_refers_cara_to_theo_and_theo_then_sees_her(world, as_user):
    sam = as_user(world.senco)
    page = sam.get(f"/pupils/{world.cara.pk}/referrals/new/")
    assert page.status_code == 200
    assert "Theo Therapist" in text(page)
    r = sam.post(f"/pupils/{world.cara.pk}/referrals/new/", referral_form(world))
    assert r.status_code == 302
    referral = Referral.objects.get(pupil=world.cara)
    assert (referral.therapist, referral.discipline, referral.referred_by) == (
        world.theo, "slt", world.senco,
    )  # fmt: skip
    assert referral.consent_by == "Mr Clark (father)"
    assert referral.consent_on == dt.date(2026, 11, 10)
    assert AuditEvent.objects.filter(
        object_type="therapy.referral", action="create", pupil=world.cara
    ).exists()
    theo = as_user(world.theo)
    page = theo.get(f"/therapy/pupils/{world.cara.pk}/")
    assert page.status_code == 200
    assert "Cara is shy with new adults." in text(page)
    assert "Word finding" not in text(page)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"therapist": ""}, "Choose a therapist who works with this school."),
        ({"therapist": "alice"}, "Choose a therapist who works with this school."),
        ({"discipline": "magic"}, "Select a valid choice."),
        ({"discipline": ""}, "Choose speech and language therapy, OT or physiotherapy."),
        ({"consent_by": " "}, "Say who gave consent"),
        ({"consent_on": ""}, "Give the date consent was given."),
        ({"consent_on": "2026-12-01"}, "Consent can't be dated in the future."),
        ({"start": "2026-11-01"}, "A referral can't start before consent was given."),
        ({"start": "not a date"}, "Give the date as day, month and year."),
        ({"consent_by": "x" * 151}, "at most 150 characters"),
    ],
)
def test_bad_referrals_are_refused_and_kept(world, as_user, changes, message):
    if changes.get("therapist") == "alice":
        changes["therapist"] = str(world.alice.pk)
    r = as_user(world.senco).post(
        f"/pupils/{world.cara.pk}/referrals/new/", referral_form(world, **changes)
    )
    assert r.status_code == 422
    assert message in text(r)
    assert "Cara is shy with new adults." in text(r)
    assert not Referral.objects.filter(pupil=world.cara).exists()


def test_a_therapist_of_another_school_cannot_be_chosen(world, as_user):
    from sendesk.schools.models import StaffRole

    StaffRole.objects.create(user=world.theo, school=world.other, role="therapist")
    r = as_user(world.olga).post(f"/pupils/{world.olly.pk}/referrals/new/", referral_form(world))
    assert r.status_code == 302  # Theo works at both schools now
    StaffRole.objects.filter(user=world.theo, school=world.other).delete()
    r = as_user(world.olga).post(f"/pupils/{world.olly.pk}/referrals/new/", referral_form(world))
    assert r.status_code == 422


@pytest.mark.parametrize("person", ["alice", "tess", "hana", "dsl", "theo", "pat", "olga"])
def test_only_the_senco_and_head_refer(world, as_user, person):
    client = as_user(getattr(world, person))
    r = client.get(f"/pupils/{world.cara.pk}/referrals/new/")
    assert r.status_code == 404
    r = client.post(f"/pupils/{world.cara.pk}/referrals/new/", referral_form(world))
    assert r.status_code == 404
    assert not Referral.objects.filter(pupil=world.cara).exists()
    # Olga has her own school's list (below); nobody here may end Ben's referral.
    assert client.get("/referrals/").status_code == (200 if person == "olga" else 404)
    assert client.get(f"/referrals/{world.referral.pk}/end/").status_code == 404


def test_the_senco_sees_the_schools_referrals(world, as_user):
    r = as_user(world.head).get("/referrals/")
    assert r.status_code == 200
    body = text(r)
    assert "Ben Brown" in body and "Theo Therapist" in body and "Building sentences" in body
    assert "Mrs Brown" in body
    assert AccessEvent.objects.filter(actor=world.head, pupil=world.ben, what="referrals").exists()
    # Olga oversees another school: Ben's referral is not on her list, nor hers to end.
    assert "Ben Brown" not in text(as_user(world.olga).get("/referrals/"))
    assert as_user(world.olga).get(f"/referrals/{world.referral.pk}/end/").status_code == 404
    assert as_user(world.olga).get(f"/referrals/?school={world.school.pk}").status_code == 404


def test_ending_the_referral_removes_ben_from_theos_scope(world, as_user, api):
    theo = as_user(world.theo)
    assert theo.get(f"/therapy/pupils/{world.ben.pk}/").status_code == 200
    sam = as_user(world.senco)
    assert sam.get(f"/referrals/{world.referral.pk}/end/").status_code == 200
    r = sam.post(f"/referrals/{world.referral.pk}/end/", {"end": YESTERDAY.isoformat()})
    assert r.status_code == 302
    world.referral.refresh_from_db()
    assert world.referral.end == YESTERDAY
    assert AuditEvent.objects.filter(
        object_type="therapy.referral", action="update", object_id=str(world.referral.pk)
    ).exists()
    theo = as_user(world.theo)
    for path in (
        f"/therapy/pupils/{world.ben.pk}/",
        f"/therapy/pupils/{world.ben.pk}/programmes/new/",
        f"/therapy/programmes/{world.programme.pk}/review/",
    ):
        assert theo.get(path).status_code == 404, path
    theo.get("/therapy/")  # shows Sam's flash message, left in this test client's cookies
    assert "Ben" not in text(theo.get("/therapy/"))
    assert api.get(world.theo, "/therapy/pupils").json() == {"items": []}
    r = api.get(world.theo, f"/therapy/programmes/{world.programme.pk}")
    assert r.status_code == 404
    # The programme's provision goes on: the school decides whether TAs keep delivering it.
    world.talk.refresh_from_db()
    assert world.talk.end is None


def test_a_referral_can_end_later_and_not_before_it_began(world, as_user):
    sam = as_user(world.senco)
    r = sam.post(f"/referrals/{world.referral.pk}/end/", {"end": "2026-01-01"})
    assert r.status_code == 422
    assert "can't be before the referral began" in text(r)
    r = sam.post(f"/referrals/{world.referral.pk}/end/", {"end": ""})
    assert r.status_code == 422
    assert "Give the referral's last day." in text(r)
    r = sam.post(f"/referrals/{world.referral.pk}/end/", {"end": "2026-12-18"})
    assert r.status_code == 302
    # Until then Theo still works with Ben.
    assert as_user(world.theo).get(f"/therapy/pupils/{world.ben.pk}/").status_code == 200
