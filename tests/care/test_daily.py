"""The SENCO's daily list /care/today/: refused, not-given and missed doses, equipment due,
care and medication training expired or expiring, low stock and near-expiry medicines,
care plans without consent. SENCO and head only; a constant number of queries."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from sendesk.audit.models import AccessEvent
from sendesk.medication.models import Administration, Medicine
from sendesk.staff.models import Training
from tests.world import TODAY

from .conftest import page_queries, text

LONDON = ZoneInfo("Europe/London")


def at(hour, minute=0, day=TODAY):
    return dt.datetime.combine(day, dt.time(hour, minute), LONDON)


def section(body, heading_id):
    return body.split(f'id="{heading_id}"')[1].split("</section>")[0]


def record(world, medicine, outcome, *, due_at=None, given_at, reason=""):
    return Administration.objects.create(
        school=world.school,
        pupil=medicine.pupil,
        medicine=medicine,
        due_at=due_at,
        given_at=given_at,
        outcome=outcome,
        dose=medicine.dose,
        reason=reason,
        given_by=world.alice,
        recorded_at=given_at,
    )


def test_lunch_dose_not_missed_before_one_oclock(world, as_user):
    body = text(as_user(world.senco).get("/care/today/"))
    assert "Methylphenidate" not in section(body, "h-doses")
    assert "None so far today." in body


def test_missed_lunch_dose_shows_after_an_hour(world, as_user, now):
    now.move_to(at(13, 1))
    body = text(as_user(world.senco).get("/care/today/"))
    doses = section(body, "h-doses")
    assert "Ben Brown" in doses and "Methylphenidate" in doses and "Missed: no record" in doses


def test_recorded_lunch_dose_is_not_missed(world, as_user, now):
    record(world, world.lunch_med, "given", due_at=at(12), given_at=at(12, 5))
    now.move_to(at(14))
    body = text(as_user(world.senco).get("/care/today/"))
    assert "Methylphenidate" not in section(body, "h-doses")


def test_refused_and_not_given_doses(world, as_user, now):
    record(
        world, world.lunch_med, "refused", due_at=at(12), given_at=at(12, 5), reason="Spat it out"
    )
    record(world, world.inhaler, "not_given", given_at=at(9, 30), reason="Inhaler was empty")
    record(
        world,
        world.inhaler,
        "refused",
        given_at=at(9, 0, TODAY - dt.timedelta(days=1)),
        reason="Yesterday's",
    )
    now.move_to(at(14))
    body = text(as_user(world.senco).get("/care/today/"))
    doses = section(body, "h-doses")
    assert "Refused" in doses and "Spat it out" in doses
    assert "Not given" in doses and "Inhaler was empty" in doses
    assert "Yesterday's" not in doses
    assert "Missed: no record" not in doses  # the refusal answers the 12:00 dose


def test_no_missed_doses_on_a_closure_day(world, as_user, now):
    from sendesk.schools.models import Closure

    Closure.objects.create(
        school=world.school, kind="inset", name="Training day", start=TODAY, end=TODAY
    )
    now.move_to(at(14))
    body = text(as_user(world.senco).get("/care/today/"))
    assert "Missed: no record" not in section(body, "h-doses")


def test_stock_expiry_equipment_training_and_consent(world, as_user):
    Medicine.objects.filter(pk=world.inhaler.pk).update(stock=30)
    Medicine.objects.filter(pk=world.lunch_med.pk).update(expiry_date=dt.date(2026, 12, 1))
    Training.objects.create(
        user=world.tess,
        kind="first_aid",
        course="Paediatric first aid",
        completed_on=dt.date(2023, 12, 1),
        expires_on=dt.date(2026, 12, 1),
    )
    Training.objects.create(
        user=world.hana,
        kind="medication",
        course="Medicines",
        completed_on=dt.date(2024, 1, 1),
        expires_on=dt.date(2026, 1, 1),
    )
    # Bob's refresher makes his expired record history, not a warning.
    Training.objects.create(
        user=world.bob,
        kind="moving_handling",
        completed_on=dt.date(2024, 1, 1),
        expires_on=dt.date(2025, 1, 1),
    )
    Training.objects.create(
        user=world.bob,
        kind="moving_handling",
        completed_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2028, 1, 1),
    )
    world.toileting.consent_on = None
    world.toileting.save()
    r = as_user(world.senco).get("/care/today/")
    assert r.status_code == 200
    body = text(r)
    meds = section(body, "h-meds")
    assert "Salbutamol" in meds and "Low stock: 30 left" in meds
    assert "Methylphenidate" in meds and "Expires 1 Dec 2026" in meds
    assert "Ceiling hoist, hygiene room" in section(body, "h-equipment")
    assert "due 20 Nov 2026" in section(body, "h-equipment")
    training = section(body, "h-training")
    expired, expiring = training.split("Expires within 30 days")
    assert "Hana Hlta" in expired and "Medication administration" in expired
    assert "Tess Teacher" in expiring and "First aid" in expiring
    assert "Bob Assistant" not in training  # his refresher is current
    assert "positive handling" not in training.lower()  # not care or medication training
    assert "Toileting support" in section(body, "h-consent")
    seen = set(AccessEvent.objects.filter(actor=world.senco).values_list("pupil", flat=True))
    assert seen == {world.ben.pk}


def test_observations_logged_today(world, as_user):
    as_user(world.alice).post(
        f"/care/plans/{world.toileting.pk}/log/",
        {
            "client_id": "6c0d1d7e-1f1e-4a51-9a51-2d6f3c1b7e42",
            "date": "2026-11-18",
            "time": "09:30",
            "kind": "pad change",
            "second_staff": str(world.tess.pk),
            "observations": "Red patch, told the SENCO",
        },
    )
    body = text(as_user(world.head).get("/care/today/"))
    assert "Red patch, told the SENCO" in section(body, "h-obs")


@pytest.mark.parametrize("who", ["alice", "bob", "tess", "hana", "dsl", "theo", "pat", "nobody"])
def test_daily_list_is_for_senco_and_head(world, as_user, who):
    assert as_user(getattr(world, who)).get("/care/today/").status_code == 404


def test_olga_sees_her_school_only(world, as_user, now):
    now.move_to(at(14))
    body = text(as_user(world.olga).get("/care/today/"))
    assert "Ben Brown" not in body and "Ceiling hoist" not in body
    assert as_user(world.olga).get(f"/care/today/?school={world.school.pk}").status_code == 404


def test_query_count_is_constant(world, as_user, now):
    from sendesk.care.models import CarePlan, Equipment

    now.move_to(at(14))
    client = as_user(world.senco)
    Medicine.objects.filter(pk=world.inhaler.pk).update(stock=30)
    few = page_queries(client, "/care/today/")
    for pupil in (world.cara, world.dan):
        for i in range(3):
            medicine = Medicine.objects.create(
                pupil=pupil,
                name=f"Medicine {i}",
                form="tablet",
                strength="5 mg",
                dose="1 tablet",
                route="oral",
                times=["09:00", "12:00"],
                storage="Office",
                expiry_date=dt.date(2026, 12, 1),
                stock=3,
                consent_by="Parent",
                consent_on=dt.date(2026, 9, 1),
            )
            record(world, medicine, "refused", due_at=at(9), given_at=at(9, 5), reason="No")
        CarePlan.objects.create(
            pupil=pupil,
            kind="dressing",
            title="Dressing",
            routine="After PE",
            review_date=dt.date(2027, 1, 1),
        )
    for i in range(4):
        Equipment.objects.create(
            school=world.school,
            kind="sling",
            name=f"Sling {i}",
            last_inspected=dt.date(2026, 5, 1),
            next_inspection=dt.date(2026, 11, 1),
        )
        Training.objects.create(
            user=world.bob,
            kind="first_aid",
            completed_on=dt.date(2023, 1, 1),
            expires_on=dt.date(2026, 11, 30 - i),
        )
    assert page_queries(client, "/care/today/") == few


def test_a_dose_due_before_the_medicine_was_added_is_not_missed(world, as_user, now):
    Medicine.objects.filter(pk=world.lunch_med.pk).update(created=at(12, 30))
    now.move_to(at(14))
    assert "Missed: no record" not in section(
        text(as_user(world.senco).get("/care/today/")), "h-doses"
    )


def test_less_than_a_dose_left_is_listed_even_under_a_low_warning_line(world, as_user):
    # The warning line is the SENCO's choice; less than one dose left is always a problem
    # (rules.stock_state), on the daily list as on the pupil's page.
    Medicine.objects.filter(pk=world.inhaler.pk).update(stock=1, low_stock_at=0)
    body = text(as_user(world.senco).get("/care/today/"))
    assert 'Salbutamol 100 micrograms per puff <span class="badge warn">Low stock: 1 left' in body
    page = text(as_user(world.senco).get(f"/pupils/{world.ben.pk}/medication/"))
    assert "Out of stock (1 left)" in page
