"""A care plan asking for staff of one sex: the trip needs as many adults of that sex
going as the plan's number of staff, each trained for its care (intimate care), as the
school records staff sex for the purpose (CareGender, as the deployment planner reads it).
Otherwise the check fails naming the pupil (as the reader may see them) and what is
missing, in plain words."""

import html

from django.utils import timezone

from sendesk.care.models import CarePlan
from sendesk.staff.models import CareGender, Training

from .conftest import body, checks_of, failing


def _sex(w, user, gender):
    CareGender.objects.create(
        school=w.school, user=user, gender=gender, set_by=w.senco, set_at=timezone.now()
    )


def _female_staff_only(w):
    """Ben's toileting plan (two trained adults) now asks for female staff."""
    CarePlan.objects.filter(pk=w.toileting.pk).update(gender_preference="female")


def test_no_preference_passes(trained, api):
    w = trained
    check = checks_of(api.post(w.senco, "/trips", body(w)))["care_gender"]
    assert check["ok"]
    assert check["detail"] == "No pupil going has a care plan asking for staff of one sex."


def test_too_few_adults_of_the_sex_asked_for_names_the_pupil_and_what_is_missing(trained, api):
    w = trained
    _female_staff_only(w)
    _sex(w, w.alice, "female")
    _sex(w, w.bob, "male")
    r = api.post(w.senco, "/trips", body(w))
    assert failing(r) == {"care_gender"}
    assert checks_of(r)["care_gender"]["detail"] == (
        "Ben Brown's toileting support asks for female staff: 2 female adults trained in "
        "intimate care needed, 1 going. Add 1 more female adult trained in intimate care."
    )
    # Hana, female and trained in intimate care, makes two.
    _sex(w, w.hana, "female")
    r = api.post(w.senco, "/trips", body(w, staff_ids=[w.alice.pk, w.bob.pk, w.hana.pk]))
    check = checks_of(r)["care_gender"]
    assert check["ok"], check
    assert "Alice Assistant and Hana Hlta" in check["detail"]


def test_an_adult_of_that_sex_untrained_does_not_count(trained, api):
    w = trained
    _female_staff_only(w)
    _sex(w, w.alice, "female")
    _sex(w, w.hana, "female")
    Training.objects.filter(user=w.hana, kind="intimate_care").delete()
    r = api.post(w.senco, "/trips", body(w, staff_ids=[w.alice.pk, w.bob.pk, w.hana.pk]))
    assert "care_gender" in failing(r)
    assert "1 going" in checks_of(r)["care_gender"]["detail"]


def test_an_adult_whose_sex_is_not_recorded_is_named_and_not_counted(trained, api):
    w = trained
    _female_staff_only(w)
    _sex(w, w.alice, "female")
    r = api.post(w.senco, "/trips", body(w))
    detail = checks_of(r)["care_gender"]["detail"]
    assert "1 going" in detail
    assert "(Bob Assistant: sex not recorded on the staff record, so not counted)" in detail


def test_a_pupil_the_reader_may_not_see_is_not_named(trained, api, as_user):
    """Tess's trip deploys nobody: Bob, going, may not see Ben, so the check does not name
    him on the trip page, while it still says what is missing."""
    w = trained
    _female_staff_only(w)
    _sex(w, w.alice, "female")
    _sex(w, w.bob, "male")
    r = api.post(w.tess, "/trips", body(w))
    assert "care_gender" in failing(r)
    page = html.unescape(as_user(w.bob).get(f"/trips/{r.json()['id']}/").content.decode())
    assert (
        "a pupil you are not deployed to's care plan asks for female staff: 2 female adults "
        "trained in intimate care needed, 1 going."
    ) in page
    assert "Ben Brown" not in page
    assert "Ben Brown's toileting support asks for female staff" in html.unescape(
        as_user(w.tess).get(f"/trips/{r.json()['id']}/").content.decode()
    )
