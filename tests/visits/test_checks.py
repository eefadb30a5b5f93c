"""Each check of a trip fails alone on a small case; a good trip passes them all."""

import datetime as dt

from sendesk.care.models import CarePlan
from sendesk.medication.models import Medicine
from sendesk.pupils.models import Deployment
from sendesk.visits.models import TripRatios

from .conftest import TRIP_DAY, body, checks_of, failing, train

RULES = {
    "school_day", "staffing_ratio", "one_to_one", "first_aider", "medicines", "care_plans",
    "positive_handling", "staff_free", "care_gender", "trips_consent",
}  # fmt: skip


def test_a_good_trip_passes_every_check(trained, api):
    w = trained
    checks = checks_of(api.post(w.senco, "/trips", body(w)))
    assert set(checks) == RULES
    assert all(c["ok"] for c in checks.values()), checks
    assert "Bob Assistant" in checks["first_aider"]["detail"]
    assert "Salbutamol" in checks["medicines"]["detail"]


def test_a_saturday_is_not_a_school_day(trained, api):
    w = trained
    r = api.post(w.senco, "/trips", body(w, date="2026-11-21"))
    assert failing(r) == {"school_day"}
    assert "not a school day" in checks_of(r)["school_day"]["detail"]


def test_too_few_adults_for_the_pupils_ages(trained, api):
    w = trained
    TripRatios.objects.create(school=w.school, key_stage_2=1)
    pupils = [str(w.ben.pk), str(w.cara.pk), str(w.dan.pk)]
    r = api.post(w.senco, "/trips", body(w, pupil_ids=pupils))
    assert failing(r) == {"staffing_ratio"}
    detail = checks_of(r)["staffing_ratio"]["detail"]
    assert detail.startswith("3 adults needed")
    assert "1 pupil with 1:1 support" in detail
    assert "Add 1 more adult" in detail


def test_the_default_ratio_is_one_to_ten_in_key_stage_2(trained, api):
    w = trained
    pupils = [str(w.ben.pk), str(w.cara.pk), str(w.dan.pk)]
    r = api.post(w.senco, "/trips", body(w, pupil_ids=pupils))
    assert failing(r) == set()
    assert "2 pupils in key stage 2 at 1:10" in checks_of(r)["staffing_ratio"]["detail"]


def test_a_one_to_one_pupil_without_their_adult(trained, api):
    w = trained
    r = api.post(w.senco, "/trips", body(w, staff_ids=[w.hana.pk, w.bob.pk]))
    assert failing(r) == {"one_to_one"}
    assert "Ben Brown" in checks_of(r)["one_to_one"]["detail"]


def test_a_one_to_one_adult_deployed_after_the_trip_is_not_counted(trained, api):
    w = trained
    Deployment.objects.filter(pupil=w.ben).update(start=TRIP_DAY + dt.timedelta(days=1))
    r = api.post(w.senco, "/trips", body(w, staff_ids=[w.hana.pk, w.bob.pk]))
    assert "one_to_one" not in failing(r)


def test_no_first_aider(trained, api):
    w = trained
    r = api.post(w.senco, "/trips", body(w, staff_ids=[w.alice.pk, w.hana.pk]))
    assert failing(r) == {"first_aider"}


def test_a_first_aid_certificate_expired_by_the_day_does_not_count(trained, api):
    w = trained
    train(w.hana, "first_aid", expires=TRIP_DAY - dt.timedelta(days=1))
    r = api.post(w.senco, "/trips", body(w, staff_ids=[w.alice.pk, w.hana.pk]))
    assert failing(r) == {"first_aider"}


def test_a_medicine_needing_its_own_procedure_training(trained, api):
    w = trained
    Medicine.objects.create(
        pupil=w.ben, name="Buccolam", form="buccal", strength="5 mg", dose="5 mg",
        route="buccal", as_needed=True, emergency_use=True, emergency_dose="5 mg once",
        storage="Office", expiry_date=dt.date(2027, 6, 30), stock=4,
        training="buccal_midazolam", consent_by="Mrs Brown", consent_on=dt.date(2026, 9, 2),
    )  # fmt: skip
    r = api.post(w.senco, "/trips", body(w))
    assert failing(r) == {"medicines"}
    assert (
        "Buccolam needs an adult trained in buccal midazolam"
        in (checks_of(r)["medicines"]["detail"])
    )


def test_a_dose_due_after_the_trip_is_back_does_not_go(trained, api):
    w = trained
    Medicine.objects.filter(pk=w.inhaler.pk).update(active=False)
    # Nobody going is medication-trained; the only medicine left is due at 12:00.
    r = api.post(w.senco, "/trips", body(w, start="09:00", end="11:30"))
    assert failing(r) == set()
    assert checks_of(r)["medicines"]["detail"] == "No pupil going has medicines to take."


def test_intimate_care_needs_changing_facilities(trained, api):
    w = trained
    r = api.post(w.senco, "/trips", body(w, changing_facilities=False))
    assert failing(r) == {"care_plans"}
    assert "changing facilities" in checks_of(r)["care_plans"]["detail"]


def test_intimate_care_needs_its_number_of_trained_adults(trained, api):
    w = trained
    w.bob.training.filter(kind="intimate_care").delete()
    r = api.post(w.senco, "/trips", body(w))
    assert failing(r) == {"care_plans"}
    assert (
        "needs 2 adults trained in intimate care; 1 going" in (checks_of(r)["care_plans"]["detail"])
    )


def test_a_hoist_must_be_there(trained, api):
    w = trained
    plan = CarePlan.objects.create(
        pupil=w.ben, kind="moving_handling", title="Transfers", routine="Hoist to bench",
        training="intimate_care", review_date=dt.date(2027, 1, 15),
        consent_by="Mrs Brown", consent_on=dt.date(2026, 9, 2),
    )  # fmt: skip
    plan.equipment.add(w.hoist)
    assert failing(api.post(w.senco, "/trips", body(w))) == {"care_plans"}
    confirmed = body(w, hoist_available=True, date="2026-11-25")
    assert failing(api.post(w.senco, "/trips", confirmed)) == set()


def test_a_behaviour_plan_needs_positive_handling_training_current_on_the_day(trained, api):
    w = trained
    # Alice's positive handling runs to 9 January 2027; the trip is on the 12th.
    r = api.post(w.senco, "/trips", body(w, date="2027-01-12"))
    assert failing(r) == {"positive_handling"}
    assert "Ben Brown" in checks_of(r)["positive_handling"]["detail"]


def test_an_adult_already_on_another_trip_at_that_time(trained, api):
    w = trained
    first = api.post(
        w.senco, "/trips", body(w, pupil_ids=[str(w.cara.pk)], staff_ids=[w.bob.pk, w.hana.pk])
    )
    assert first.status_code == 201
    r = api.post(w.senco, "/trips", body(w))
    assert failing(r) == {"staff_free"}
    detail = checks_of(r)["staff_free"]["detail"]
    assert "Bob Assistant (to Science Museum, 09:30–14:30)" in detail
    assert "Hana" not in detail  # on the other trip, not on this one
    later = api.post(w.senco, "/trips", body(w, start="14:30", end="15:15"))
    assert "staff_free" not in failing(later)
