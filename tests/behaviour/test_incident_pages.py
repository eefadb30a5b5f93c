"""Recording an incident on the phone form, its record, and corrections, as named people."""

import uuid

import pytest

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.behaviour.models import Amendment, Incident, StrategyUse
from sendesk.pupils.models import TimelineEntry

from .conftest import text


def form_data(world, **changes):
    data = {
        "client_id": str(uuid.uuid4()),
        "kind": "concern",
        "date": "2026-11-18",
        "time": "09:40",
        "severity": "2",
        "location": "Classroom 3A",
        "lesson": "Phonics",
        "antecedent": "Noisy carpet time",
        "behaviour": "Covered ears, then ran out of the room",
        "response": "Followed at a distance, offered the calm corner",
        "outcome": "Back in class after ten minutes",
        "injuries": "",
        "follow_up": "Tell Tess at lunch",
        "others_involved": "J.K.",
        "staff_present": [str(world.alice.pk), str(world.tess.pk)],
        f"strategy_{world.calm_corner.pk}": "3",
        f"strategy_{world.first_then.pk}": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    ("person", "pupil", "status"),
    [
        ("alice", "ben", 200),
        ("alice", "cara", 404),
        ("tess", "ben", 200),
        ("hana", "cara", 200),
        ("dee", "ben", 404),  # the DSL reads records; those who work with Ben write them
        ("bob", "ben", 404),
        ("olga", "ben", 404),
        ("nobody", "ben", 404),
    ],
)
def test_who_may_open_the_incident_form(world, as_user, person, pupil, status):
    people = {"dee": world.dsl}
    user = people.get(person) or getattr(world, person)
    response = as_user(user).get(f"/pupils/{getattr(world, pupil).pk}/incidents/new/")
    assert response.status_code == status


def test_out_of_scope_looks_like_missing(world, as_user):
    client = as_user(world.alice)
    cara = client.get(f"/pupils/{world.cara.pk}/incidents/new/")
    missing = client.get(f"/pupils/{uuid.uuid4()}/incidents/new/")
    assert cara.status_code == missing.status_code == 404
    assert cara.content == missing.content


def test_the_form_is_phone_ready(world, as_user):
    response = as_user(world.alice).get(f"/pupils/{world.ben.pk}/incidents/new/")
    body = text(response)
    assert 'data-draft="incident-' in body
    assert 'name="viewport"' in body
    # The agreed strategies of Ben's IBP, each with the three effectiveness chips.
    assert "Offer the calm corner with ear defenders" in body
    assert "First/then board for the next task" in body
    assert "Didn't help" in body and "Helped a little" in body and "Worked well" in body
    # Staff of the school to choose from, Alice ticked; nobody from another school.
    assert "Tess Teacher" in body and "Olga Other" not in body
    assert AccessEvent.objects.filter(actor=world.alice, pupil=world.ben).exists()


def test_alice_records_an_incident_with_strategies(world, as_user):
    data = form_data(world)
    response = as_user(world.alice).post(f"/pupils/{world.ben.pk}/incidents/new/", data)
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{incident.pk}/?recorded=1"
    assert str(incident.client_id) == data["client_id"]
    assert (incident.pupil, incident.kind, incident.severity) == (world.ben, "concern", 2)
    assert incident.recorded_by == world.alice
    assert set(incident.staff_present.all()) == {world.alice, world.tess}
    [use] = StrategyUse.objects.all()
    assert (use.strategy, use.effectiveness, use.incident) == (world.calm_corner, 3, incident)
    entry = TimelineEntry.objects.get(pupil=world.ben, kind="incident")
    assert entry.ref_id == str(incident.pk)
    assert AuditEvent.objects.filter(
        pupil=world.ben, action="create", object_type="behaviour.incident"
    ).exists()

    detail = as_user(world.alice).get(response["Location"])
    body = text(detail)
    assert detail.status_code == 200
    assert 'data-draft-clear="incident-' in body
    assert "Covered ears, then ran out of the room" in body
    assert "Offer the calm corner with ear defenders: Worked well" in " ".join(
        body.split()
    ).replace("</strong>", "").replace("<strong>", "")


def test_sending_the_same_form_twice_stores_one_incident(world, as_user):
    client = as_user(world.alice)
    data = form_data(world)
    first = client.post(f"/pupils/{world.ben.pk}/incidents/new/", data)
    again = client.post(f"/pupils/{world.ben.pk}/incidents/new/", data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Incident.objects.count() == 1
    assert StrategyUse.objects.count() == 1
    assert TimelineEntry.objects.filter(kind="incident").count() == 1


def test_a_positive_recognition(world, as_user):
    data = form_data(
        world, kind="positive", behaviour="Helped a younger pupil find their coat", severity="2"
    )
    response = as_user(world.tess).post(f"/pupils/{world.ben.pk}/incidents/new/", data)
    assert response.status_code == 302
    incident = Incident.objects.get()
    # Chips left over from the concern half are dropped for a recognition.
    assert (incident.kind, incident.severity) == ("positive", None)
    assert TimelineEntry.objects.filter(pupil=world.ben, kind="positive").count() == 1


def test_bad_input_comes_back_with_what_was_typed(world, as_user):
    data = form_data(world, behaviour="  ", date="2026-11-30", lesson="x" * 101)
    response = as_user(world.alice).post(f"/pupils/{world.ben.pk}/incidents/new/", data)
    assert response.status_code == 422
    body = text(response)
    assert "Not saved" in body
    assert "Ensure this value has at most 100 characters" in body
    assert "Noisy carpet time" in body and data["client_id"] in body
    assert not Incident.objects.exists()

    data = form_data(world, behaviour="", date="2026-11-30")
    response = as_user(world.alice).post(f"/pupils/{world.ben.pk}/incidents/new/", data)
    body = text(response)
    assert response.status_code == 422
    assert "Say what the pupil did" in body
    assert "hasn't happened yet" in body
    assert 'aria-invalid="true"' in body
    assert "Followed at a distance, offered the calm corner" in body
    assert not Incident.objects.exists() and not StrategyUse.objects.exists()


def test_a_strategy_of_another_plan_is_refused(world, as_user):
    data = form_data(world, **{"strategy_999999": "3"})
    response = as_user(world.alice).post(f"/pupils/{world.ben.pk}/incidents/new/", data)
    # The form offers only the agreed strategies: an unknown one is ignored, not stored.
    assert response.status_code == 302
    assert StrategyUse.objects.count() == 1


def test_staff_from_another_school_are_refused(world, as_user):
    data = form_data(world, staff_present=[str(world.olga.pk)])
    response = as_user(world.alice).post(f"/pupils/{world.ben.pk}/incidents/new/", data)
    assert response.status_code == 422
    assert "Select a valid choice" in text(response)
    assert not Incident.objects.exists()


def test_posting_for_an_out_of_scope_pupil_is_404(world, as_user):
    response = as_user(world.alice).post(
        f"/pupils/{world.cara.pk}/incidents/new/", form_data(world)
    )
    assert response.status_code == 404
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("person", "status"),
    [("alice", 200), ("tess", 200), ("senco", 200), ("dsl", 200), ("bob", 404), ("olga", 404),
     ("tom", 404), ("nobody", 404)],
)  # fmt: skip
def test_who_sees_an_incident(world, as_user, incident, person, status):
    record = incident()
    response = as_user(getattr(world, person)).get(f"/incidents/{record.pk}/")
    assert response.status_code == status


def test_timeline_shows_incidents_to_those_in_scope(world, as_user, incident):
    incident(behaviour="Threw a pencil at the whiteboard")
    for person in (world.alice, world.tess, world.senco):
        body = text(as_user(person).get(f"/pupils/{world.ben.pk}/"))
        assert "Behaviour incident in Classroom" in body
        assert "Threw a pencil at the whiteboard" in body
    assert as_user(world.bob).get(f"/pupils/{world.ben.pk}/").status_code == 404


def amend_data(record, **changes):
    data = {
        "reason": "Wrong room",
        "kind": record.kind,
        "date": "2026-11-17",
        "time": "13:20",
        "severity": "",
        "location": "Library",
        "lesson": record.lesson,
        "antecedent": record.antecedent,
        "behaviour": record.behaviour,
        "response": "",
        "outcome": "",
        "injuries": "",
        "follow_up": "",
        "others_involved": "",
        "staff_present": [],
    }
    data.update(changes)
    return data


def test_the_recorder_corrects_and_the_old_values_stay(world, as_user, incident):
    record = incident()
    client = as_user(world.alice)
    assert client.get(f"/incidents/{record.pk}/amend/").status_code == 200
    response = client.post(
        f"/incidents/{record.pk}/amend/",
        amend_data(record, staff_present=[str(world.tess.pk)]),
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.location == "Library"
    assert list(record.staff_present.all()) == [world.tess]
    amendment = Amendment.objects.get()
    assert amendment.record_type == "incident" and amendment.record_id == record.pk
    assert amendment.changes["location"] == ["Classroom", "Library"]
    assert amendment.changes["staff_present"] == [[], [world.tess.pk]]
    assert amendment.amended_by == world.alice and amendment.reason == "Wrong room"
    assert TimelineEntry.objects.filter(pupil=world.ben, kind="corrected").count() == 1
    assert AuditEvent.objects.filter(action="amend", object_type="behaviour.incident").exists()

    body = text(client.get(f"/incidents/{record.pk}/"))
    assert "Wrong room" in body and "Classroom" in body and "Library" in body
    assert "Tess Teacher" in body


def test_a_correction_needs_a_reason_and_a_change(world, as_user, incident):
    record = incident()
    client = as_user(world.alice)
    response = client.post(f"/incidents/{record.pk}/amend/", amend_data(record, reason=""))
    assert response.status_code == 422
    assert "Say why the record is being corrected" in text(response)
    response = client.post(
        f"/incidents/{record.pk}/amend/", amend_data(record, location="Classroom")
    )
    assert response.status_code == 422
    assert "Nothing was changed" in text(response)
    assert not Amendment.objects.exists()


@pytest.mark.parametrize(
    ("person", "status"), [("tess", 200), ("senco", 200), ("dsl", 404), ("bob", 404)]
)
def test_who_may_correct_someone_elses_incident(world, as_user, incident, person, status):
    record = incident()
    response = as_user(getattr(world, person)).get(f"/incidents/{record.pk}/amend/")
    assert response.status_code == status
