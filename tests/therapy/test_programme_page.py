"""The therapist sees their referred pupils' programmes and the sessions TAs record for
them, and nothing else about the pupil."""

import uuid

from sendesk.audit.models import AccessEvent
from sendesk.therapy.models import Referral
from tests.world import TODAY

from .conftest import NOTE, queries, text


def test_theo_sees_bens_programme_and_the_sessions_alice_recorded(world, as_user, record):
    record(
        world.alice, world.talk, response=4, note=f"{NOTE} used 4 words twice",
        target_progress=[(world.t1.pk, "emerging")],
    )  # fmt: skip
    r = as_user(world.theo).get(f"/therapy/pupils/{world.ben.pk}/")
    assert r.status_code == 200
    body = text(r)
    for shown in (
        "Ben Brown",
        "Building sentences",
        "Uses 4-word sentences",
        "Barrier games with train pictures",
        "Ben likes trains; use them in activities.",  # the referral's shared notes
        NOTE,
        "Emerging",
        "4 — engaged well",
        "Delivered by Alice Assistant",
        "30 min</strong> of 1 h 30 min",  # this week: Mon-Wed of 5 × 30 min, one session given
    ):
        assert shown in body, shown
    # Nothing else about Ben: his other provision, strategies, profile, behaviour plan.
    for hidden in (
        "Precision teaching",
        "five-minute warning",
        "likes trains and quiet spaces",
        "Sudden changes",
        "Expressive language",  # the referral's reason is the school's, not shared
    ):
        assert hidden not in body, hidden
    assert AccessEvent.objects.filter(
        actor=world.theo, pupil=world.ben, what="therapy programme", via="web"
    ).exists()


def test_missed_sessions_show_their_reason(world, as_user, record):
    record(world.alice, world.talk, delivered=False, missed_reason="staff_absent")
    body = text(as_user(world.theo).get(f"/therapy/pupils/{world.ben.pk}/"))
    assert "Missed: staff absent" in body
    assert "Staff absent (1)" in body


def test_home_lists_referred_pupils_with_sessions_since_review(world, as_user, record):
    record(world.alice, world.talk)
    r = as_user(world.theo).get("/therapy/")
    assert r.status_code == 200
    body = text(r)
    assert "Ben Brown" in body and "Building sentences" in body
    assert "1 session record since the programme began" in body
    assert "Cara" not in body and "Dan Dale" not in body
    assert AccessEvent.objects.filter(
        actor=world.theo, pupil=world.ben, what="therapy programme"
    ).exists()
    assert not AccessEvent.objects.filter(actor=world.theo).exclude(pupil=world.ben).exists()


def test_home_counts_only_sessions_after_the_last_review(world, as_user, record, now):
    import datetime as dt

    record(world.alice, world.talk, day=TODAY - dt.timedelta(days=1))
    client = as_user(world.theo)
    r = client.post(
        f"/therapy/programmes/{world.programme.pk}/review/",
        {"note": "Good start", "title": "Building sentences",
         "goals": "Uses 4-word sentences", "activities": "Barrier games with train pictures"},
    )  # fmt: skip
    assert r.status_code == 302
    assert "0 session records since your last review" in text(client.get("/therapy/"))
    now.shift(dt.timedelta(hours=1))
    record(world.alice, world.talk)
    client = as_user(world.theo)  # an hour idle ended the session: signed in again
    assert "1 session record since your last review" in text(client.get("/therapy/"))


def test_cara_is_not_theos(world, as_user, missing):
    r = as_user(world.theo).get(f"/therapy/pupils/{world.cara.pk}/")
    assert (r.status_code, r.content) == missing(world.theo, "/therapy/pupils/{}/")
    assert r.status_code == 404
    assert not AccessEvent.objects.filter(pupil=world.cara).exists()
    r = as_user(world.theo).get(f"/therapy/pupils/{world.cara.pk}/programmes/new/")
    assert r.status_code == 404


def test_the_ordinary_pupil_pages_are_404_to_a_therapist(world, as_user, record):
    session = record(world.alice, world.talk)
    client = as_user(world.theo)
    ben = world.ben.pk
    for path in (
        f"/pupils/{ben}/",
        f"/pupils/{ben}/timeline/",
        f"/pupils/{ben}/behaviour/",
        f"/pupils/{ben}/behaviour/print/",
        f"/pupils/{ben}/chronology/",
        f"/pupils/{ben}/access-log/",
        f"/pupils/{ben}/observe/",
        f"/pupils/{ben}/incidents/new/",
        f"/pupils/{ben}/provision/new/",
        f"/pupils/{ben}/referrals/new/",
        f"/plans/{world.plan.pk}/",
        f"/plans/{world.ibp.pk}/behaviour/",
        f"/sessions/{session.pk}/",
        f"/sessions/record/{world.talk.pk}/",
        "/referrals/",
        "/family/",
        f"/family/children/{ben}/",
    ):
        assert client.get(path).status_code == 404, path
    assert "Ben" not in text(client.get("/pupils/"))
    assert not AccessEvent.objects.filter(actor=world.theo).exists()


def test_a_therapist_cannot_record_a_session(world, as_user):
    r = as_user(world.theo).post(
        f"/sessions/record/{world.talk.pk}/",
        {"client_id": str(uuid.uuid4()), "date": TODAY.isoformat(), "outcome": "delivered",
         "minutes": "30", "attendance": "present"},
    )  # fmt: skip
    assert r.status_code == 404


def test_staff_and_parents_cannot_use_therapist_pages(world, as_user, missing):
    for person in (world.alice, world.senco, world.head, world.tess, world.pat, world.nobody):
        for template in (
            "/therapy/pupils/{}/",
            "/therapy/pupils/{}/programmes/new/",
            "/therapy/programmes/{}/review/",
            "/therapy/programmes/{}/end/",
        ):
            target = world.programme.pk if "programmes/{}" in template else world.ben.pk
            r = as_user(person).get(template.format(target))
            assert (r.status_code, r.content) == missing(person, template), (person, template)
            assert r.status_code == 404
        assert as_user(person).get("/therapy/").status_code == 404
    assert not AccessEvent.objects.filter(what="therapy programme").exists()


def test_another_therapists_programme_is_404(world, as_user):
    from sendesk.accounts.models import User
    from sendesk.schools.models import StaffRole

    olivia = User.objects.create_user("ot@test.example", "x-password-1", full_name="Olivia Ot")
    StaffRole.objects.create(user=olivia, school=world.school, role="therapist")
    Referral.objects.create(
        pupil=world.ben, therapist=olivia, discipline="ot", consent_by="Mrs Brown",
        consent_on=TODAY, start=TODAY, referred_by=world.senco,
    )  # fmt: skip
    client = as_user(olivia)
    assert client.get(f"/therapy/pupils/{world.ben.pk}/").status_code == 200
    body = text(client.get(f"/therapy/pupils/{world.ben.pk}/"))
    assert "Building sentences" not in body  # Theo's programme
    assert "Ben likes trains" not in body  # Theo's referral's notes
    assert client.get(f"/therapy/programmes/{world.programme.pk}/review/").status_code == 404


def test_home_query_count_does_not_grow_with_pupils(world, as_user, new_programme):
    client = as_user(world.theo)
    client.get("/therapy/")
    one = queries(lambda: client.get("/therapy/"))
    for pupil in (world.cara, world.dan):
        referral = Referral.objects.create(
            pupil=pupil, therapist=world.theo, discipline="slt", consent_by="Parent",
            consent_on=TODAY, start=TODAY, referred_by=world.senco,
        )  # fmt: skip
        new_programme(referral=referral)
        new_programme(referral=referral, title="Second programme")
    body = text(client.get("/therapy/"))
    assert "Cara Clark" in body and "Dan Dale" in body
    assert queries(lambda: client.get("/therapy/")) == one


def test_a_session_row_escapes_what_the_ta_typed(world, as_user, record):
    # Each row is written in Python (therapy.selectors._session_row), not by the template.
    record(world.alice, world.talk, note='Said "<b>train</b>" & smiled')
    raw = as_user(world.theo).get(f"/therapy/pupils/{world.ben.pk}/").content.decode()
    assert "<b>train</b>" not in raw
    assert "Said &quot;&lt;b&gt;train&lt;/b&gt;&quot; &amp; smiled" in raw
    assert '<td data-label="Session">Delivered by Alice Assistant</td>' in raw
    assert '<td data-label="Response">—</td>' in raw and '<td data-label="Progress"><span>—' in raw
