"""Care plans and the pupil's care page: the SENCO writes plans (intimate care, moving and
handling with equipment), staff in scope read them, nobody else learns they exist."""

import uuid

import pytest

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.care.models import CarePlan
from sendesk.pupils.models import TimelineEntry

from .conftest import log_form, page_queries, text


def plan_form(**changes):
    data = {
        "kind": "moving_handling",
        "title": "Hoisting",
        "routine": "Two staff; count down before lifting.",
        "staff_required": "2",
        "gender_preference": "any",
        "training": "",
        "transfers": "Wheelchair to changing bed",
        "sling_size": "Medium",
        "review_date": "2027-03-01",
        "consent_by": "Mrs Brown",
        "consent_on": "2026-09-02",
        "consent_document": "Medical file, form 2026-15",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_sam_writes_a_moving_and_handling_plan(world, as_user):
    client = as_user(world.senco)
    page = client.get(f"/pupils/{world.ben.pk}/care/plans/new/")
    assert page.status_code == 200
    assert "Ceiling hoist, hygiene room" in text(page)
    r = client.post(
        f"/pupils/{world.ben.pk}/care/plans/new/", plan_form(equipment=[str(world.hoist.pk)])
    )
    assert r.status_code == 302, text(r)[:2000]
    plan = CarePlan.objects.get(title="Hoisting")
    assert (plan.kind, plan.staff_required, plan.training, plan.sling_size) == (
        "moving_handling",
        2,
        "moving_handling",
        "Medium",
    )
    assert list(plan.equipment.all()) == [world.hoist]
    assert plan.has_consent and plan.consent_document == "Medical file, form 2026-15"
    audit = AuditEvent.objects.get(object_type="care.careplan")
    assert audit.after["equipment"] == [world.hoist.pk] and audit.pupil_id == world.ben.pk
    assert TimelineEntry.objects.filter(kind="care_plan", pupil=world.ben).exists()


def test_gastrostomy_plan_defaults_to_its_own_training(world, as_user):
    r = as_user(world.head).post(
        f"/pupils/{world.dan.pk}/care/plans/new/",
        plan_form(kind="gastrostomy", title="Lunch feed", transfers="", staff_required="1"),
    )
    assert r.status_code == 302
    assert CarePlan.objects.get(title="Lunch feed").training == "gastrostomy"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"transfers": ""}, "Say which transfers are done"),
        ({"training": "intimate_care"}, "Moving and handling needs moving and handling training"),
        ({"staff_required": "4"}, "Say how many staff the care needs: 1, 2 or 3."),
        ({"review_date": "2026-11-01"}, "The review date can't be in the past."),
        ({"consent_on": ""}, "Say when consent was given."),
        ({"consent_on": "2026-12-01"}, "Consent can't be dated in the future."),
        ({"kind": "bathing"}, "Choose the kind of care"),
        ({"equipment": ["99999"]}, "Select a valid choice"),
    ],
)
def test_bad_plans_refused_with_what_was_typed_kept(world, as_user, changes, message):
    r = as_user(world.senco).post(f"/pupils/{world.ben.pk}/care/plans/new/", plan_form(**changes))
    assert r.status_code == 422
    body = text(r)
    assert message in body
    assert "Two staff; count down before lifting." in body
    assert not CarePlan.objects.filter(title="Hoisting").exists()


def test_plan_without_consent_can_be_written_but_not_logged(world, as_user):
    client = as_user(world.senco)
    r = client.post(
        f"/pupils/{world.ben.pk}/care/plans/new/",
        plan_form(
            kind="dressing",
            title="Dressing after PE",
            consent_by="",
            consent_on="",
            staff_required="1",
            transfers="",
        ),
    )
    assert r.status_code == 302
    plan = CarePlan.objects.get(title="Dressing after PE")
    assert not plan.has_consent
    assert "No consent recorded" in text(client.get(f"/pupils/{world.ben.pk}/care/"))
    r = as_user(world.alice).post(f"/care/plans/{plan.pk}/log/", log_form(kind="dressing"))
    assert r.status_code == 409


@pytest.mark.parametrize("who", ["alice", "tess", "dsl"])
def test_only_senco_and_head_write_plans(world, as_user, who):
    client = as_user(getattr(world, who))
    assert client.get(f"/pupils/{world.ben.pk}/care/plans/new/").status_code == 404
    assert client.post(f"/pupils/{world.ben.pk}/care/plans/new/", plan_form()).status_code == 404
    assert client.get(f"/care/plans/{world.toileting.pk}/edit/").status_code == 404
    assert not CarePlan.objects.filter(title="Hoisting").exists()


def test_edit_plan_and_stop_using_it(world, as_user):
    client = as_user(world.senco)
    page = client.get(f"/care/plans/{world.toileting.pk}/edit/")
    assert page.status_code == 200
    data = plan_form(
        kind="toileting",
        title="Toileting support",
        routine="Prompt at break and lunch",
        transfers="",
        sling_size="",
        review_date="2027-01-15",
        consent_document="",
        gender_preference="female",
        active="on",
    )
    r = client.post(f"/care/plans/{world.toileting.pk}/edit/", data)
    assert r.status_code == 302, text(r)[:3000]
    world.toileting.refresh_from_db()
    assert world.toileting.gender_preference == "female"
    audit = AuditEvent.objects.get(object_type="care.careplan", action="update")
    assert audit.before["gender_preference"] == "any"
    assert audit.after["gender_preference"] == "female"
    data.pop("active")
    r = client.post(f"/care/plans/{world.toileting.pk}/edit/", data)
    assert r.status_code == 302
    world.toileting.refresh_from_db()
    assert world.toileting.active is False
    assert CarePlan.objects.filter(pk=world.toileting.pk).exists()  # never deleted
    r = as_user(world.alice).post(
        f"/care/plans/{world.toileting.pk}/log/", log_form(second_staff=str(world.tess.pk))
    )
    assert r.status_code == 409
    assert "no longer in use" in text(r)


def test_pupil_care_page(world, as_user, hoisting):
    as_user(world.alice).post(
        f"/care/plans/{world.toileting.pk}/log/", log_form(second_staff=str(world.tess.pk))
    )
    r = as_user(world.alice).get(f"/pupils/{world.ben.pk}/care/")
    assert r.status_code == 200
    body = text(r)
    assert "Toileting support" in body and "Hoisting to the changing bed" in body
    assert "Gender preference: Female staff only." in body
    assert f'href="/care/plans/{world.toileting.pk}/log/"' in body
    assert "pad change" in body and "Alice Assistant and Tess Teacher" in body
    assert "Ceiling hoist, hygiene room" in body and "Inspection due 20 Nov 2026" in body
    assert "Add a care plan" not in body  # Alice reads; the SENCO writes
    assert AccessEvent.objects.filter(actor=world.alice, what="care page").count() == 1
    assert "Add a care plan" in text(as_user(world.senco).get(f"/pupils/{world.ben.pk}/care/"))


@pytest.mark.parametrize("who", ["bob", "hana", "olga", "theo", "pat", "nobody"])
def test_pupil_care_page_out_of_scope(world, as_user, who):
    client = as_user(getattr(world, who))
    real = client.get(f"/pupils/{world.ben.pk}/care/")
    ghost = client.get(f"/pupils/{uuid.uuid4()}/care/")
    assert real.status_code == ghost.status_code == 404
    assert real.content == ghost.content


def test_pupil_care_page_query_count_is_constant(world, as_user, hoisting):
    client = as_user(world.alice)
    few = page_queries(client, f"/pupils/{world.ben.pk}/care/")
    for minute in range(10, 20):
        client.post(
            f"/care/plans/{world.toileting.pk}/log/",
            log_form(time=f"09:{minute}", second_staff=str(world.tess.pk)),
        )
    assert page_queries(client, f"/pupils/{world.ben.pk}/care/") == few
