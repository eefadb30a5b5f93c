"""Restrictive interventions: recording (training status, SEN status, deadline), telling
parents, the overdue list for the SENCO and head, corrections. Pages and API."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.behaviour.models import (
    Amendment,
    InterventionStaff,
    ParentNotification,
    RestrictiveIntervention,
)
from sendesk.pupils.models import TimelineEntry

from .conftest import at, text


def form_data(world, **changes):
    data = {
        "client_id": str(uuid.uuid4()),
        "kind": "restraint",
        "date": "2026-11-18",
        "time": "09:05",
        "duration_minutes": "3",
        "location": "Playground",
        "before": "Climbed the fence and threw stones",
        "deescalation": "Called his name calmly, offered the calm corner",
        "holds": "Team Teach friendly escort",
        "reason": "Stones were hitting younger pupils",
        "injuries_pupil": "",
        "injuries_staff": "Graze to Bob's hand",
        "support_after": "Quiet time with Alice",
        "debrief": "",
        "debrief_on": "",
        f"part_{world.alice.pk}": "lead",
        f"part_{world.bob.pk}": "support",
    }
    data.update(changes)
    return data


def api_body(world, **changes):
    data = {
        "client_id": str(uuid.uuid4()),
        "pupil_id": str(world.ben.pk),
        "kind": "seclusion",
        "started_at": "2026-11-17T11:30:00",
        "duration_minutes": 10,
        "location": "Calm room",
        "before": "Hit out at peers during a fire drill",
        "deescalation": "Ear defenders offered, moved away from the alarm",
        "holds": "Door held closed, adult watching through the window",
        "reason": "Risk to other pupils in the line",
        "staff": [{"user_id": world.alice.pk, "part": "lead"}],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("person", "pupil", "status"),
    [("alice", "ben", 200), ("alice", "cara", 404), ("tess", "ben", 200), ("senco", "cara", 200),
     ("head", "ben", 200), ("dsl", "ben", 404), ("bob", "ben", 404), ("olga", "ben", 404),
     ("nobody", "ben", 404)],
)  # fmt: skip
def test_who_may_open_the_form(world, as_user, person, pupil, status):
    url = f"/pupils/{getattr(world, pupil).pk}/restrictive-interventions/new/"
    assert as_user(getattr(world, person)).get(url).status_code == status


def test_the_form_shows_each_persons_training(world, as_user):
    body = text(as_user(world.alice).get(f"/pupils/{world.ben.pk}/restrictive-interventions/new/"))
    assert "Education, Health and Care plan" in body or "EHC" in body
    assert 'data-draft="ri-' in body
    alice = body.index(f'for="id_part_{world.alice.pk}"')
    bob = body.index(f'for="id_part_{world.bob.pk}"')
    hana = body.index(f'for="id_part_{world.hana.pk}"')
    assert "positive handling: trained" in body[alice : alice + 600]
    assert "positive handling: training expired" in body[bob : bob + 600]
    assert "positive handling: not trained" in body[hana : hana + 600]


def test_recorded_with_bob_untrained_shows_the_warning(world, as_user):
    client = as_user(world.alice)
    response = client.post(
        f"/pupils/{world.ben.pk}/restrictive-interventions/new/", form_data(world)
    )
    ri = RestrictiveIntervention.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/restrictive-interventions/{ri.pk}/?recorded=1"
    assert ri.pupil_sen_status == "E"  # from Ben's record
    assert ri.recorded_by == world.alice
    # End of the day after, 23:59 school time.
    assert timezone.localtime(ri.notify_parent_by) == timezone.make_aware(
        dt.datetime(2026, 11, 19, 23, 59)
    )
    staff = {s.user: (s.part, s.training) for s in ri.staff.all()}
    assert staff == {world.alice: ("lead", "current"), world.bob: ("support", "expired")}
    assert TimelineEntry.objects.filter(pupil=world.ben, kind="restrictive_intervention").exists()
    assert AuditEvent.objects.filter(
        object_type="behaviour.restrictiveintervention", action="create"
    ).exists()

    body = text(client.get(response["Location"]))
    assert "Warning: not everyone involved was trained in positive handling" in body
    assert "Bob Assistant (supported): training expired" in " ".join(body.split()).replace(
        "<strong>", ""
    ).replace("</strong>", "")
    assert "Not yet told" in body
    assert 'data-draft-clear="ri-' in body


def test_no_warning_when_everyone_is_trained(world, as_user, intervention):
    ri = intervention()
    body = text(as_user(world.senco).get(f"/restrictive-interventions/{ri.pk}/"))
    assert "Warning: not everyone involved" not in body


def test_someone_with_no_training_at_all(world, intervention):
    ri = intervention(staff=[(world.hana.pk, "lead")], pupil=world.cara, actor=world.hana)
    assert ri.staff.get().training == InterventionStaff.Training.NONE
    assert ri.pupil_sen_status == "K"


def test_bad_input_keeps_what_was_typed(world, as_user):
    data = form_data(
        world,
        holds="",
        duration_minutes="0",
        **{f"part_{world.alice.pk}": "", f"part_{world.bob.pk}": ""},
    )
    response = as_user(world.alice).post(
        f"/pupils/{world.ben.pk}/restrictive-interventions/new/", data
    )
    body = text(response)
    assert response.status_code == 422
    assert "Say which holds or what kind of force was used" in body
    assert "whole minutes from 1 to 600" in body
    assert "Name the staff involved" in body
    assert "Climbed the fence and threw stones" in body
    assert not RestrictiveIntervention.objects.exists()


def test_same_form_twice_is_one_record(world, as_user):
    client = as_user(world.alice)
    data = form_data(world)
    url = f"/pupils/{world.ben.pk}/restrictive-interventions/new/"
    assert client.post(url, data).status_code == client.post(url, data).status_code == 302
    assert RestrictiveIntervention.objects.count() == 1
    assert InterventionStaff.objects.count() == 2


@pytest.mark.parametrize(
    ("person", "status"),
    [("alice", 200), ("tess", 200), ("senco", 200), ("head", 200), ("dsl", 200), ("bob", 404),
     ("tom", 404), ("olga", 404), ("nobody", 404)],
)  # fmt: skip
def test_who_sees_the_record(world, as_user, intervention, person, status):
    ri = intervention()
    assert (
        as_user(getattr(world, person)).get(f"/restrictive-interventions/{ri.pk}/").status_code
        == status
    )


# --- Parents told, and the overdue list -----------------------------------------------------


def test_overdue_list_for_senco_and_head(world, as_user, intervention):
    late = intervention(started_at=at(-2, 11, 0), location="Hall")  # due 17 Nov 23:59
    due = intervention(started_at=at(-1, 14, 0), location="Library")  # due 19 Nov 23:59
    for person in (world.senco, world.head):
        response = as_user(person).get("/restrictive-interventions/?overdue=1")
        body = text(response)
        assert response.status_code == 200
        assert f"/restrictive-interventions/{late.pk}/" in body
        assert f"/restrictive-interventions/{due.pk}/" not in body
        everything = text(as_user(person).get("/restrictive-interventions/"))
        # Overdue first, then newest first.
        assert everything.index(str(late.pk)) < everything.index(str(due.pk))
        assert "Overdue" in everything
    assert AccessEvent.objects.filter(
        actor=world.senco, what="restrictive interventions list"
    ).exists()


@pytest.mark.parametrize("person", ["alice", "tess", "dsl", "bob", "nobody"])
def test_overdue_list_is_404_for_everyone_else(world, as_user, intervention, person):
    intervention(started_at=at(-2))
    assert (
        as_user(getattr(world, person)).get("/restrictive-interventions/?overdue=1").status_code
        == 404
    )


def test_olga_sees_only_her_schools(world, as_user, intervention):
    intervention(started_at=at(-2))
    body = text(as_user(world.olga).get("/restrictive-interventions/"))
    assert "Ben Brown" not in body
    assert "No restrictive interventions recorded" in body


def test_telling_parents_clears_overdue(world, as_user, intervention):
    late = intervention(started_at=at(-2, 11, 0))
    client = as_user(world.alice)
    response = client.post(
        f"/restrictive-interventions/{late.pk}/notifications/",
        {"date": "2026-11-18", "time": "09:30", "method": "phone", "contact_name": "Mrs Brown",
         "note": "Told her what happened and why"},
    )  # fmt: skip
    assert response.status_code == 302
    notification = ParentNotification.objects.get()
    assert (notification.notified_by, notification.method, notification.contact_name) == (
        world.alice,
        "phone",
        "Mrs Brown",
    )
    assert TimelineEntry.objects.filter(pupil=world.ben, kind="parent_notified").exists()
    body = text(as_user(world.senco).get("/restrictive-interventions/?overdue=1"))
    assert str(late.pk) not in body
    detail = text(client.get(f"/restrictive-interventions/{late.pk}/"))
    assert "Parents told" in detail and "Mrs Brown" in detail and "Phone call" in detail


def test_notification_bad_input(world, as_user, intervention):
    ri = intervention(started_at=at(-1, 13, 0))
    response = as_user(world.alice).post(
        f"/restrictive-interventions/{ri.pk}/notifications/",
        {"date": "2026-11-16", "time": "09:30", "method": "pigeon", "contact_name": " "},
    )
    body = text(response)
    assert response.status_code == 422
    assert "before the intervention happened" in body
    assert "in person, phone call, e-mail or letter" in body
    assert "Say who was told" in body
    assert not ParentNotification.objects.exists()


def test_the_dsl_may_read_but_not_record_parents_told(world, as_user, intervention):
    ri = intervention()
    response = as_user(world.dsl).post(
        f"/restrictive-interventions/{ri.pk}/notifications/",
        {"date": "2026-11-18", "time": "09:30", "method": "phone", "contact_name": "Mrs Brown"},
    )
    assert response.status_code == 404
    assert not ParentNotification.objects.exists()


# --- Corrections ----------------------------------------------------------------------------


def test_adding_the_debrief_is_a_correction_that_keeps_the_original(world, as_user, intervention):
    ri = intervention(started_at=at(-1, 13, 5))
    client = as_user(world.senco)
    form = client.get(f"/restrictive-interventions/{ri.pk}/amend/")
    assert form.status_code == 200
    data = {
        "reason_for_change": "Debrief held this morning",
        "kind": "restraint",
        "date": "2026-11-17",
        "time": "13:00",
        "duration_minutes": "4",
        "location": ri.location,
        "before": ri.before,
        "deescalation": ri.deescalation,
        "holds": ri.holds,
        "reason": ri.reason,
        "injuries_pupil": "",
        "injuries_staff": "",
        "support_after": "",
        "debrief": "Ben drew what happened; agreed a signal card",
        "debrief_on": "2026-11-18",
    }
    response = client.post(f"/restrictive-interventions/{ri.pk}/amend/", data)
    assert response.status_code == 302, text(response)[:3000]
    ri.refresh_from_db()
    assert ri.debrief == "Ben drew what happened; agreed a signal card"
    amendment = Amendment.objects.get(record_type="intervention")
    assert amendment.changes["debrief"] == ["", "Ben drew what happened; agreed a signal card"]
    assert amendment.changes["debrief_on"] == [None, "2026-11-18"]
    assert "started_at" in amendment.changes and amendment.changes["started_at"][0].startswith(
        "2026-11-17T13:05"
    )
    assert amendment.reason == "Debrief held this morning"
    assert TimelineEntry.objects.filter(kind="corrected", pupil=world.ben).exists()
    body = text(client.get(f"/restrictive-interventions/{ri.pk}/"))
    assert "Debrief held this morning" in body and "17 Nov 2026, 13:05" in body


def test_a_correction_without_a_reason(world, as_user, intervention):
    ri = intervention()
    response = as_user(world.senco).post(
        f"/restrictive-interventions/{ri.pk}/amend/",
        {"reason_for_change": "", "kind": "seclusion", "date": "2026-11-17", "time": "13:05",
         "duration_minutes": "4", "location": ri.location, "before": ri.before,
         "deescalation": ri.deescalation, "holds": ri.holds, "reason": ri.reason},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Say why the record is being corrected" in text(response)
    assert not Amendment.objects.exists()


@pytest.mark.parametrize(("person", "status"), [("alice", 404), ("tess", 200), ("dsl", 404)])
def test_who_may_correct(world, as_user, intervention, person, status):
    ri = intervention()  # recorded by Sam
    assert (
        as_user(getattr(world, person))
        .get(f"/restrictive-interventions/{ri.pk}/amend/")
        .status_code
        == status
    )


# --- The API --------------------------------------------------------------------------------


def test_api_record_then_same_client_id(world, api):
    data = api_body(world, staff=[{"user_id": world.bob.pk, "part": "lead"}])
    first = api.post(world.alice, "/restrictive-interventions", data)
    assert first.status_code == 201, first.content
    out = first.json()
    assert out["pupil_sen_status"] == "E"
    assert out["staff"] == [
        {"user_id": world.bob.pk, "name": "Bob Assistant", "part": "lead", "training": "expired"}
    ]
    assert "Bob Assistant (training expired)" in out["training_warning"]
    assert out["notified"] is False and out["overdue"] is False
    assert out["notify_parent_by"].startswith("2026-11-18T23:59")
    again = api.post(world.alice, "/restrictive-interventions", data)
    assert again.status_code == 200 and again.json() == out
    assert RestrictiveIntervention.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "tickle"}, "kind"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 601}, "duration_minutes"),
        ({"holds": " "}, "holds"),
        ({"staff": []}, "staff"),
        ({"staff": [{"user_id": 1, "part": "boss"}]}, "staff.0.part"),
        ({"started_at": "2026-11-20T09:00:00"}, "started_at"),
        ({"debrief_on": "2026-11-10"}, "debrief_on"),
        ({"incident_id": str(uuid.uuid4())}, "incident_id"),
        ({"location": None}, "location"),
    ],
)
def test_api_bad_input(world, api, changes, field):
    response = api.post(world.alice, "/restrictive-interventions", api_body(world, **changes))
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert not RestrictiveIntervention.objects.exists()
    assert not InterventionStaff.objects.exists()


@pytest.mark.parametrize(
    ("person", "status"),
    [("alice", 201), ("senco", 201), ("dsl", 404), ("bob", 404), ("olga", 404)],
)
def test_api_who_may_record(world, api, person, status):
    response = api.post(getattr(world, person), "/restrictive-interventions", api_body(world))
    assert response.status_code == status


def test_api_overdue_list_and_notification(world, api, intervention):
    late = intervention(started_at=at(-2, 11, 0))
    intervention(started_at=at(-1, 14, 0))
    for person in (world.senco, world.head):
        response = api.get(person, "/restrictive-interventions", overdue_parent_notification="true")
        assert response.status_code == 200
        out = response.json()
        assert out["count"] == 1
        [item] = out["items"]
        assert item["id"] == str(late.pk)
        assert item["pupil"] == {"id": str(world.ben.pk), "name": "Ben Brown"}
        assert (item["kind"], item["notified"], item["overdue"]) == ("restraint", False, True)
        assert item["notify_parent_by"].startswith("2026-11-17T23:59")
    everything = api.get(world.senco, "/restrictive-interventions").json()
    assert everything["count"] == 2 and everything["items"][0]["id"] == str(late.pk)
    assert AccessEvent.objects.filter(actor=world.senco, via="api").exists()
    for person in (world.alice, world.tess, world.dsl, world.nobody):
        assert api.get(person, "/restrictive-interventions").status_code == 404
    # Olga is a SENCO, of another school: her list holds nothing of Test Primary's.
    assert api.get(world.olga, "/restrictive-interventions").json() == {"items": [], "count": 0}

    told = api.post(
        world.alice,
        f"/restrictive-interventions/{late.pk}/parent-notifications",
        {"notified_at": "2026-11-18T08:45:00", "method": "in_person", "contact_name": "Mr Brown"},
    )
    assert told.status_code == 201, told.content
    assert told.json()["notified_by"] == "Alice Assistant"
    again = api.post(
        world.senco,
        f"/restrictive-interventions/{late.pk}/parent-notifications",
        {"notified_at": "2026-11-18T09:00:00", "method": "letter", "contact_name": "Mr Brown"},
    )
    assert again.status_code == 201  # more than one is allowed
    after = api.get(world.senco, "/restrictive-interventions", overdue_parent_notification="true")
    assert after.json() == {"items": [], "count": 0}


def test_api_notification_lookups(world, api, intervention):
    ri = intervention()
    body = {"notified_at": "2026-11-18T08:45:00", "method": "phone", "contact_name": "Mr Brown"}
    for person in (world.bob, world.olga, world.dsl):
        r = api.post(person, f"/restrictive-interventions/{ri.pk}/parent-notifications", body)
        assert r.status_code == 404
    r = api.post(
        world.alice, f"/restrictive-interventions/{uuid.uuid4()}/parent-notifications", body
    )
    assert r.status_code == 404
    r = api.post(world.alice, "/restrictive-interventions/not-an-id/parent-notifications", body)
    assert r.status_code == 404
    bad = api.post(
        world.alice,
        f"/restrictive-interventions/{ri.pk}/parent-notifications",
        {**body, "method": "smoke signal", "contact_name": ""},
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"method", "contact_name"}
    assert not ParentNotification.objects.exists()
