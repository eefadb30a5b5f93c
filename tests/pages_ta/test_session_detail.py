import uuid

from sendesk.audit.models import AccessEvent
from sendesk.provision.services import PupilRecord, session_amend, session_record
from tests.world import TODAY

from .helpers import text


def test_alice_reads_her_record(world, as_user, record):
    w = world
    session = record(
        w.alice, w.talk, response=4, note="Asked for help in four words.", flag_for_teacher=True,
        adaptations="Symbol card", target_progress=[(w.t1.pk, "developing")],
    )  # fmt: skip
    response = as_user(w.alice).get(f"/sessions/{session.pk}/")
    assert response.status_code == 200
    body = text(response)
    for expected in (
        "Talk Boost", "Wednesday 18 November 2026", "Delivered", "Alice Assistant",
        "18 Nov 2026, 10:00", "Present", "4 — engaged well", "Asked for help in four words.",
        "Symbol card", "Flagged for teacher", "Uses 4-word sentences to ask for help: ",
        "Developing", "None: this is the record as it was saved.",
    ):  # fmt: skip
        assert expected in body, expected
    assert f'href="/sessions/{session.pk}/amend/"' in body
    assert list(AccessEvent.objects.values_list("actor", "pupil", "what")) == [
        (w.alice.pk, w.ben.pk, "session record")
    ]


def test_missed_session_shows_its_reason(world, as_user, record):
    w = world
    session = record(w.alice, w.talk, delivered=False, missed_reason="trip")
    body = text(as_user(w.alice).get(f"/sessions/{session.pk}/"))
    assert "Missed" in body and "Trip or event" in body


def test_teacher_of_the_pupil_sees_it_others_get_the_same_404(world, as_user, record):
    w = world
    session = record(w.alice, w.talk)
    assert as_user(w.tess).get(f"/sessions/{session.pk}/").status_code == 200
    missing = as_user(w.tom).get(f"/sessions/{uuid.uuid4()}/")
    assert missing.status_code == 404
    for person in (w.tom, w.bob, w.olga, w.nobody):
        response = as_user(person).get(f"/sessions/{session.pk}/")
        assert response.status_code == 404
        # The 404 page carries the person's own navigation: compare with what they get for a
        # record that does not exist.
        assert response.content == as_user(person).get(f"/sessions/{uuid.uuid4()}/").content
    assert as_user(w.tom).get("/sessions/not-a-uuid/").content == missing.content
    assert not AccessEvent.objects.exclude(actor=w.tess).exists()


def test_a_group_session_shows_only_the_pupils_in_scope(world, as_user):
    w = world
    session, _ = session_record(
        actor=w.senco, date=TODAY, minutes=20, delivered=True,
        pupils=[
            PupilRecord(pupil_id=w.ben.pk, attendance="present", note="Ben led the game"),
            PupilRecord(pupil_id=w.dan.pk, attendance="refused", note="Dan stayed out"),
        ],
    )  # fmt: skip
    session_amend(
        actor=w.senco, session=session, reason="Dan joined in later",
        changes={}, pupil_changes={str(w.dan.pk): {"attendance": "partial"}},
    )  # fmt: skip
    body = text(as_user(w.alice).get(f"/sessions/{session.pk}/"))
    assert "Ad-hoc support" in body and "Ben led the game" in body
    assert "Dan" not in body
    assert "1 pupil" in body
    assert list(AccessEvent.objects.values_list("pupil", flat=True)) == [w.ben.pk]
    # Alice did not record it and does not write plans: no correction offered.
    assert "/amend/" not in body

    body = text(as_user(w.tess).get(f"/sessions/{session.pk}/"))
    assert "Ben led the game" in body and "Dan stayed out" in body
    assert "Dan Dale: attendance" in body and "Refused" in body and "Part of the session" in body


def test_amendment_history_shows_who_when_why_old_and_new(world, as_user, record, now):
    w = world
    session = record(w.alice, w.talk, response=3, target_progress=[(w.t1.pk, "emerging")])
    session_amend(
        actor=w.alice, session=session, reason="Typed 30, it was 25",
        changes={"minutes": 25},
        pupil_changes={str(w.ben.pk): {"response": 4, "ratings": {str(w.t1.pk): "developing"}}},
    )  # fmt: skip
    body = text(as_user(w.tess).get(f"/sessions/{session.pk}/"))
    assert "Alice Assistant</strong>, 18 Nov 2026, 10:00" in body
    assert "Why: Typed 30, it was 25" in body
    assert '<td data-label="What">Minutes</td><td data-label="Was">30</td>' in body
    assert '<td data-label="Changed to">25</td>' in body
    assert "Ben Brown: response" in body
    assert "Ben Brown: rating for “Uses 4-word sentences to ask for help”" in body
    assert '<td data-label="Was">Emerging</td><td data-label="Changed to">Developing</td>' in body
