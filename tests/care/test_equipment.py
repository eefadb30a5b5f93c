"""The equipment register: inspection dates, the warning list (the hoist is due on
20 November 2026, two days from 'today'), recording an inspection, adding equipment and
taking it out of service. SENCO and head only; audited."""

import datetime as dt

import pytest

from sendesk.audit.models import AuditEvent
from sendesk.care.models import Equipment
from sendesk.care.services import add_months

from .conftest import page_queries, text


def test_register_warns_about_the_hoist(world, as_user):
    r = as_user(world.senco).get("/equipment/")
    assert r.status_code == 200
    body = text(r)
    warning = body.split('id="h-due"')[1].split("</section>")[0]
    assert "Ceiling hoist, hygiene room" in warning and "Due 20 Nov 2026" in warning


def test_nothing_due_after_inspection(world, as_user):
    client = as_user(world.senco)
    r = client.post(f"/equipment/{world.hoist.pk}/inspect/", {"inspected_on": "2026-11-18"})
    assert r.status_code == 302
    world.hoist.refresh_from_db()
    assert world.hoist.last_inspected == dt.date(2026, 11, 18)
    assert world.hoist.next_inspection == dt.date(2027, 5, 18)  # six months on
    audit = AuditEvent.objects.get(object_type="care.equipment")
    assert audit.before["next_inspection"] == "2026-11-20"
    assert audit.after["next_inspection"] == "2027-05-18"
    assert (audit.actor, audit.school_id, audit.pupil_id) == (world.senco, world.school.pk, None)
    body = text(client.get("/equipment/"))
    assert "Nothing due in the next 14 days." in body


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2026-11-19", "An inspection can't be recorded for the future."),
        ("2026-05-01", "An inspection on 20 May 2026 is already recorded"),
        ("", "Give the date of the inspection."),
        ("18/11/2026x", "Give the date as day, month and year."),
    ],
)
def test_bad_inspection_dates(world, as_user, day, message):
    r = as_user(world.senco).post(f"/equipment/{world.hoist.pk}/inspect/", {"inspected_on": day})
    assert r.status_code == 422
    assert message in text(r)
    world.hoist.refresh_from_db()
    assert world.hoist.next_inspection == dt.date(2026, 11, 20)
    assert not AuditEvent.objects.exists()


def test_add_equipment_with_default_intervals(world, as_user):
    client = as_user(world.head)
    r = client.post(
        "/equipment/new/",
        {
            "kind": "sling",
            "name": "Ben's sling",
            "serial": "S-1",
            "location": "Hygiene room",
            "last_inspected": "2026-10-01",
            "inspection_months": "",
            "pupil": str(world.ben.pk),
        },
    )
    assert r.status_code == 302
    sling = Equipment.objects.get(name="Ben's sling")
    assert (sling.inspection_months, sling.next_inspection, sling.pupil) == (
        6,
        dt.date(2027, 4, 1),
        world.ben,
    )
    r = client.post(
        "/equipment/new/",
        {"kind": "wheelchair", "name": "Spare wheelchair", "last_inspected": "2026-08-31"},
    )
    assert r.status_code == 302
    chair = Equipment.objects.get(name="Spare wheelchair")
    assert (chair.inspection_months, chair.next_inspection) == (12, dt.date(2027, 8, 31))
    assert AuditEvent.objects.filter(object_type="care.equipment", action="create").count() == 2


def test_add_equipment_bad_input(world, as_user):
    r = as_user(world.senco).post(
        "/equipment/new/",
        {
            "kind": "",
            "name": "",
            "last_inspected": "2026-12-01",
            "inspection_months": "30",
            "pupil": str(world.olly.pk),
        },
    )
    assert r.status_code == 422
    body = text(r)
    assert "Choose a pupil of this school." in body
    r = as_user(world.senco).post(
        "/equipment/new/",
        {"kind": "", "name": "", "last_inspected": "2026-12-01", "inspection_months": "30"},
    )
    body = text(r)
    assert r.status_code == 422
    for message in (
        "Choose the kind of equipment.",
        "Name it so staff can find it.",
        "The last inspection can't be in the future.",
        "Inspections are every 1 to 24 months.",
    ):
        assert message in body
    assert Equipment.objects.count() == 1


def test_take_out_of_service(world, as_user):
    client = as_user(world.senco)
    r = client.post(f"/equipment/{world.hoist.pk}/out-of-service/", {"reason": ""})
    assert r.status_code == 422 and "Say why it is out of service." in text(r)
    r = client.post(
        f"/equipment/{world.hoist.pk}/out-of-service/", {"reason": "Failed inspection: strap"}
    )
    assert r.status_code == 302
    world.hoist.refresh_from_db()
    assert world.hoist.in_service is False
    audit = AuditEvent.objects.get(object_type="care.equipment")
    assert audit.after["reason"] == "Failed inspection: strap"
    body = text(client.get("/equipment/"))
    assert "Out of service" in body and "Nothing due in the next 14 days." in body


@pytest.mark.parametrize("who", ["alice", "tess", "dsl", "theo", "pat", "olga", "nobody"])
def test_register_for_senco_and_head_of_the_school_only(world, as_user, who):
    client = as_user(getattr(world, who))
    if who == "olga":
        # Olga runs her own school's register, which does not hold Test Primary's hoist.
        assert "Ceiling hoist" not in text(client.get("/equipment/"))
    else:
        assert client.get("/equipment/").status_code == 404
        assert client.get("/equipment/new/").status_code == 404
    assert client.get(f"/equipment/{world.hoist.pk}/").status_code == 404
    r = client.post(f"/equipment/{world.hoist.pk}/inspect/", {"inspected_on": "2026-11-18"})
    assert r.status_code == 404
    r = client.post(f"/equipment/{world.hoist.pk}/out-of-service/", {"reason": "x"})
    assert r.status_code == 404
    world.hoist.refresh_from_db()
    assert world.hoist.in_service and world.hoist.next_inspection == dt.date(2026, 11, 20)


def test_register_query_count_is_constant(world, as_user):
    client = as_user(world.senco)
    world.hoist.pupil = world.ben  # a pupil named: one access row insert, however many
    world.hoist.save()
    few = page_queries(client, "/equipment/")
    for i in range(8):
        Equipment.objects.create(
            school=world.school,
            kind="sling",
            name=f"Sling {i}",
            pupil=world.ben if i % 2 else None,
            last_inspected=dt.date(2026, 6, 1),
            next_inspection=dt.date(2026, 12, 1),
        )
    assert page_queries(client, "/equipment/") == few


def test_add_months():
    assert add_months(dt.date(2026, 5, 20), 6) == dt.date(2026, 11, 20)
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 11, 18), 14) == dt.date(2028, 1, 18)


@pytest.mark.parametrize("pk", ["0", "99999", str(2**40)])
def test_unknown_equipment_is_404(world, as_user, pk):
    assert as_user(world.senco).get(f"/equipment/{pk}/").status_code == 404
