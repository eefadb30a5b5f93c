"""The training register (SENCO, head): each member of staff with their training and its
status, the expired and expiring-soon lists, adding a record (audited, no pupil); and a
person's own training."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.accounts.models import User
from sendesk.audit.models import AuditEvent
from sendesk.lib.errors import ServiceError
from sendesk.schools.models import StaffRole
from sendesk.staff.models import Training
from sendesk.staff.services import training_add
from tests.care.conftest import text


def section(body, heading_id):
    return body.split(f'id="{heading_id}"')[1].split("</section>")[0]


def test_register_lists_staff_and_their_training(world, as_user):
    Training.objects.create(
        user=world.hana,
        kind="first_aid",
        course="Paediatric first aid",
        completed_on=dt.date(2023, 12, 10),
        expires_on=dt.date(2026, 12, 9),
    )
    r = as_user(world.senco).get("/staff/training/")
    assert r.status_code == 200
    body = text(r)
    table = section(body, "h-staff")
    for name in ("Alice Assistant", "Bob Assistant", "Tess Teacher", "Hana Hlta", "Sam Senco"):
        assert name in table
    assert "Theo Therapist" not in table and "Olga Other" not in table
    assert "Team Teach level 2" in table and "Administering medicines" in table
    assert "Current to 31 Aug 2027" in table
    expired = section(body, "h-expired")
    assert "Bob Assistant" in expired and "Positive handling" in expired
    assert "Expired 28 Feb 2025" in expired
    expiring = section(body, "h-expiring")
    assert "Hana Hlta" in expiring and "Expires 9 Dec 2026" in expiring
    assert "Alice" not in expiring


def test_add_a_training_record(world, as_user):
    client = as_user(world.senco)
    page = client.get(f"/staff/training/new/?user={world.tess.pk}")
    assert page.status_code == 200
    assert f'<option value="{world.tess.pk}" selected>' in page.content.decode()
    r = client.post(
        "/staff/training/new/",
        {
            "user_id": str(world.tess.pk),
            "kind": "intimate_care",
            "course": "Intimate care",
            "completed_on": "2026-11-17",
            "expires_on": "2028-11-16",
        },
    )
    assert r.status_code == 302
    training = Training.objects.get(user=world.tess, kind="intimate_care")
    assert training.expires_on == dt.date(2028, 11, 16)
    audit = AuditEvent.objects.get(object_type="staff.training")
    assert (audit.actor, audit.school_id, audit.pupil_id, audit.action) == (
        world.senco,
        world.school.pk,
        None,
        "create",
    )
    # Tess can now log Ben's toileting.
    r = as_user(world.tess).post(
        f"/care/plans/{world.toileting.pk}/log/",
        {
            "client_id": "6c0d1d7e-1f1e-4a51-9a51-2d6f3c1b7e42",
            "date": "2026-11-18",
            "time": "09:30",
            "kind": "pad change",
            "second_staff": str(world.alice.pk),
        },
    )
    assert r.status_code == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"user_id": ""}, "Choose a member of this school's staff."),
        ({"user_id": "OLGA"}, "Choose a member of this school's staff."),
        ({"kind": "juggling"}, "Choose the kind of training."),
        ({"completed_on": "2026-11-19"}, "A course can't be recorded before it is completed."),
        ({"completed_on": ""}, "Give the date the course was completed."),
        ({"expires_on": "2026-01-01"}, "The expiry date can't be before the course was completed."),
        ({"course": "c" * 201}, "Ensure this value has at most 200 characters"),
    ],
)
def test_bad_records_refused(world, as_user, changes, message):
    data = {
        "user_id": str(world.tess.pk),
        "kind": "first_aid",
        "course": "First aid",
        "completed_on": "2026-11-01",
        "expires_on": "2029-10-31",
    }
    if changes.get("user_id") == "OLGA":
        changes = {"user_id": str(world.olga.pk)}
    data.update(changes)
    r = as_user(world.head).post("/staff/training/new/", data)
    assert r.status_code == 422
    assert message in text(r)
    assert not Training.objects.filter(user=world.tess).exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("who", ["alice", "tess", "hana", "dsl", "theo", "pat", "nobody"])
def test_register_is_for_senco_and_head(world, as_user, who):
    client = as_user(getattr(world, who))
    assert client.get("/staff/training/").status_code == 404
    assert client.get("/staff/training/new/").status_code == 404
    r = client.post(
        "/staff/training/new/",
        {"user_id": str(world.bob.pk), "kind": "first_aid", "completed_on": "2026-11-01"},
    )
    assert r.status_code == 404
    assert not Training.objects.filter(user=world.bob, kind="first_aid").exists()


def test_olga_cannot_add_training_for_test_primary_staff(world, as_user):
    client = as_user(world.olga)
    body = text(client.get("/staff/training/"))
    assert "Alice Assistant" not in body and "Olga Other" in body
    assert client.get(f"/staff/training/?school={world.school.pk}").status_code == 404
    data = {"user_id": str(world.alice.pk), "kind": "first_aid", "completed_on": "2026-11-01"}
    r = client.post("/staff/training/new/", data)
    assert r.status_code == 422
    assert not Training.objects.filter(user=world.alice, kind="first_aid").exists()


def test_my_training(world, as_user):
    r = as_user(world.alice).get("/staff/me/training/")
    assert r.status_code == 200
    body = text(r)
    assert "Intimate care" in body and "Medication administration" in body
    assert "Team Teach level 2" in body
    assert "Bob" not in body
    assert "Expired 28 Feb 2025" in text(as_user(world.bob).get("/staff/me/training/"))
    assert "No training is recorded for you." in text(as_user(world.tom).get("/staff/me/training/"))
    # Training records are for school staff: someone with no role there has none.
    assert as_user(world.nobody).get("/staff/me/training/").status_code == 404


def test_register_query_count_is_constant(world, as_user):
    client = as_user(world.senco)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/staff/training/").status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(6):
        person = User.objects.create_user(f"ta{i}@test.example", "x", full_name=f"TA {i}")
        StaffRole.objects.create(user=person, school=world.school, role="ta")
        Training.objects.create(
            user=person,
            kind="first_aid",
            completed_on=dt.date(2024, 1, 1),
            expires_on=dt.date(2026, 12, 1 + i),
        )
    assert queries() == few


def test_a_course_name_with_nul_is_refused_by_the_service(world):
    # The form refuses it first; the service refuses it for any other caller, never drops it.
    with pytest.raises(ServiceError) as err:
        training_add(
            actor=world.head, school_id=world.school.pk, user_id=world.tess.pk,
            kind="first_aid", course="First\x00aid", completed_on=dt.date(2026, 11, 1),
        )  # fmt: skip
    assert err.value.errors == {"course": "This holds a character that can't be stored: retype it."}
    assert not Training.objects.filter(user=world.tess, kind="first_aid").exists()


def test_register_is_searched_by_name_and_filtered_by_training(world, as_user):
    client = as_user(world.senco)
    table = section(text(client.get("/staff/training/?q=assist")), "h-staff")
    assert "Alice Assistant" in table and "Bob Assistant" in table and "Hana Hlta" not in table
    assert "2 people found." in table
    table = section(text(client.get("/staff/training/?kind=medication")), "h-staff")
    assert "Administering medicines" in table and "Team Teach level 2" not in table
    assert "Hana Hlta" in table and "No Medication administration recorded." in table
    # The warnings stay school-wide whatever is searched.
    body = text(client.get("/staff/training/?q=hana"))
    assert "Bob Assistant" in section(body, "h-expired")
    assert "Bob Assistant" not in section(body, "h-staff")
    assert "No one found." in section(text(client.get("/staff/training/?q=zzz")), "h-staff")
    assert client.get("/staff/training/?kind=nope&page=x&q=%00").status_code == 200


def test_register_is_paged_by_person(world, as_user):
    for i in range(30):
        person = User.objects.create_user(f"zz{i}@test.example", "x", full_name=f"Zed {i:02}")
        StaffRole.objects.create(user=person, school=world.school, role="ta")
    client = as_user(world.senco)
    first = section(text(client.get("/staff/training/")), "h-staff")
    assert "Alice Assistant" in first and "Page 1 of 2" in first and "Zed 29" not in first
    second = section(text(client.get("/staff/training/?page=2")), "h-staff")
    assert "Zed 29" in second and "Alice Assistant" not in second
