"""A care plan that asks for female staff only: the log refuses anyone recorded as male,
asks the carer to confirm where the school has recorded nothing, and shows that it was
confirmed. The record is the SENCO's to set, optional, and used for this check only."""

import pytest

from sendesk.audit.models import AuditEvent
from sendesk.care.models import Amendment, CareEvent
from sendesk.lib.errors import ServiceError
from sendesk.staff.models import CareGender
from sendesk.staff.services import care_gender_set
from tests.conftest import FROZEN_AT as NOW

from .conftest import event_body, log_form, text


def url(plan):
    return f"/care/plans/{plan.pk}/log/"


@pytest.fixture
def female_only(world):
    world.toileting.gender_preference = "female"
    world.toileting.save()
    return world.toileting


def record(world, **people):
    """people: {name in world: 'female' | 'male'} set through the SENCO's page."""
    data = {f"g_{getattr(world, name).pk}": gender for name, gender in people.items()}
    return data


def test_senco_records_staff_sex_on_its_own_page(world, as_user):
    client = as_user(world.senco)
    page = client.get("/staff/care-gender/")
    assert page.status_code == 200
    body = text(page)
    assert "Used for that check and nothing else" in body
    assert "Alice Assistant" in body and "Olga Other" not in body
    r = client.post("/staff/care-gender/", record(world, alice="female", bob="male"))
    assert r.status_code == 302
    held = dict(CareGender.objects.values_list("user__email", "gender"))
    assert held == {"alice@test.example": "female", "bob@test.example": "male"}
    assert AuditEvent.objects.filter(object_type="staff.caregender", action="create").count() == 2
    # Clearing it deletes the row: "not recorded" keeps nothing.
    r = client.post("/staff/care-gender/", record(world, alice="", bob="male"))
    assert r.status_code == 302
    assert list(CareGender.objects.values_list("user__email", flat=True)) == ["bob@test.example"]
    assert AuditEvent.objects.filter(object_type="staff.caregender", action="delete").count() == 1


@pytest.mark.parametrize("who", ["alice", "tess", "dsl", "theo", "pat"])
def test_only_senco_and_head_see_the_page(world, as_user, who):
    client = as_user(getattr(world, who))
    assert client.get("/staff/care-gender/").status_code == 404
    r = client.post("/staff/care-gender/", {f"g_{world.alice.pk}": "male"})
    assert r.status_code == 404
    assert not CareGender.objects.exists()


def test_senco_cannot_record_staff_of_another_school(world, as_user):
    # The page offers this school's staff only: another school's person is not taken.
    r = as_user(world.senco).post("/staff/care-gender/", {f"g_{world.olga.pk}": "female"})
    assert r.status_code == 302
    assert not CareGender.objects.exists()
    with pytest.raises(ServiceError) as refused:
        care_gender_set(
            actor=world.senco, school_id=world.school.pk, values={world.olga.pk: "female"}
        )
    assert refused.value.errors == {"__all__": "Choose staff from this school's list."}
    assert not CareGender.objects.exists()


def test_a_man_on_a_female_only_plan_is_refused(world, as_user, female_only):
    CareGender.objects.create(
        school=world.school, user=world.alice, gender="female", set_by=world.senco,
        set_at=NOW,
    )  # fmt: skip
    CareGender.objects.create(
        school=world.school, user=world.bob, gender="male", set_by=world.senco, set_at=NOW
    )
    r = as_user(world.alice).post(url(female_only), log_form(second_staff=str(world.bob.pk)))
    assert r.status_code == 422
    body = text(r)
    assert "This plan asks for female staff only and Bob Assistant is recorded as male" in body
    assert 'value="Skin slightly red on the left side"' in body or "Skin slightly red" in body
    assert not CareEvent.objects.exists()


def test_recorded_women_log_without_being_asked(world, as_user, female_only):
    for person in (world.alice, world.tess):
        CareGender.objects.create(
            school=world.school, user=person, gender="female", set_by=world.senco,
            set_at=NOW,
        )  # fmt: skip
    r = as_user(world.alice).post(url(female_only), log_form(second_staff=str(world.tess.pk)))
    assert r.status_code == 302
    event = CareEvent.objects.get()
    assert event.gender_confirmed is False
    assert "Confirmed at logging" not in text(as_user(world.alice).get(r["Location"]))


def test_not_recorded_asks_the_carer_to_confirm(world, as_user, female_only):
    client = as_user(world.alice)
    form = client.get(url(female_only))
    assert "I confirm the care was given by female staff only" in text(form)
    r = client.post(url(female_only), log_form(second_staff=str(world.tess.pk)))
    assert r.status_code == 422
    body = text(r)
    assert "the school has not recorded this for you and Tess Teacher" in body
    assert not CareEvent.objects.exists()
    r = client.post(
        url(female_only), log_form(second_staff=str(world.tess.pk), gender_confirmed="on")
    )
    assert r.status_code == 302
    event = CareEvent.objects.get()
    assert event.gender_confirmed is True
    assert AuditEvent.objects.get(object_type="care.careevent").after["gender_confirmed"] is True
    assert "Confirmed at logging" in text(client.get(r["Location"]))


def test_no_preference_asks_nothing(world, as_user):
    client = as_user(world.alice)
    assert "I confirm the care was given" not in text(client.get(url(world.toileting)))
    r = client.post(url(world.toileting), log_form(second_staff=str(world.tess.pk)))
    assert r.status_code == 302
    assert CareEvent.objects.get().gender_confirmed is False


def test_the_api_keeps_the_same_rule(world, as_user, female_only, api):
    CareGender.objects.create(
        school=world.school, user=world.bob, gender="male", set_by=world.senco, set_at=NOW
    )
    r = api.post(world.alice, "/care/events", event_body(female_only, second_staff_id=world.bob.pk))
    assert r.status_code == 422
    assert "recorded as male" in r.json()["errors"]["second_staff_id"]
    r = api.post(
        world.alice, "/care/events", event_body(female_only, second_staff_id=world.tess.pk)
    )
    assert r.status_code == 422
    assert "gender_confirmed" in r.json()["errors"]
    r = api.post(
        world.alice,
        "/care/events",
        event_body(female_only, second_staff_id=world.tess.pk, gender_confirmed=True),
    )
    assert r.status_code == 201
    assert r.json()["gender_confirmed"] is True


def test_a_correction_may_not_name_a_man(world, as_user, female_only):
    r = as_user(world.alice).post(
        url(female_only), log_form(second_staff=str(world.tess.pk), gender_confirmed="on")
    )
    event = CareEvent.objects.get()
    CareGender.objects.create(
        school=world.school, user=world.bob, gender="male", set_by=world.senco, set_at=NOW
    )
    r = as_user(world.senco).post(
        f"/care/events/{event.pk}/amend/",
        {
            "date": event.occurred_at.date().isoformat(), "time": "09:40", "kind": "pad change",
            "second_staff": str(world.bob.pk), "observations": event.observations,
            "products_used": event.products_used, "note": "", "reason": "Wrong name",
        },
    )  # fmt: skip
    assert r.status_code == 422
    assert "Bob Assistant is recorded as male" in text(r)
    event.refresh_from_db()
    assert event.second_staff == world.tess


def amend_form(event, **changes):
    data = {
        "date": event.occurred_at.date().isoformat(), "time": "09:40", "kind": "pad change",
        "second_staff": str(event.second_staff_id or ""), "observations": event.observations,
        "products_used": event.products_used, "note": "", "reason": "Wrong name",
    }  # fmt: skip
    data.update(changes)
    return data


def test_a_correction_naming_someone_not_recorded_asks_to_confirm(world, as_user, female_only):
    """Alice (recorded female) logged with Hana (recorded female), so nothing was
    confirmed; the correction names Tess, for whom the school has recorded nothing: the
    same rule as a new log, and the confirmation is stored with the correction."""
    for person in (world.alice, world.hana):
        CareGender.objects.create(
            school=world.school, user=person, gender="female", set_by=world.senco, set_at=NOW
        )
    client = as_user(world.alice)
    r = client.post(url(female_only), log_form(second_staff=str(world.hana.pk)))
    assert r.status_code == 302
    event = CareEvent.objects.get()
    assert event.gender_confirmed is False
    page = as_user(world.senco).get(f"/care/events/{event.pk}/amend/")
    assert "I confirm the care was given by female staff only" in text(page)
    r = as_user(world.senco).post(
        f"/care/events/{event.pk}/amend/", amend_form(event, second_staff=str(world.tess.pk))
    )
    assert r.status_code == 422
    assert "the school has not recorded this for Tess Teacher" in text(r)
    event.refresh_from_db()
    assert (event.second_staff, event.gender_confirmed) == (world.hana, False)
    r = as_user(world.senco).post(
        f"/care/events/{event.pk}/amend/",
        amend_form(event, second_staff=str(world.tess.pk), gender_confirmed="on"),
    )
    assert r.status_code == 302
    event.refresh_from_db()
    assert (event.second_staff, event.gender_confirmed) == (world.tess, True)
    amendment = Amendment.objects.get(record_id=event.pk)
    assert amendment.changes["gender_confirmed"] == [False, True]
    detail = text(as_user(world.senco).get(f"/care/events/{event.pk}/"))
    assert "Staff sex confirmed here" in detail


def test_a_correction_naming_someone_recorded_needs_no_box(world, as_user, female_only):
    for person in (world.alice, world.hana, world.tess):
        CareGender.objects.create(
            school=world.school, user=person, gender="female", set_by=world.senco, set_at=NOW
        )
    as_user(world.alice).post(url(female_only), log_form(second_staff=str(world.hana.pk)))
    event = CareEvent.objects.get()
    r = as_user(world.senco).post(
        f"/care/events/{event.pk}/amend/", amend_form(event, second_staff=str(world.tess.pk))
    )
    assert r.status_code == 302
    event.refresh_from_db()
    assert (event.second_staff, event.gender_confirmed) == (world.tess, False)
