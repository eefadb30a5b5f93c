"""The demo school's appraisal, CPD and training needs (issue 9): ta1's appraisal under way
with objectives and a mid-year review on school days, seen by the HLTA who line-manages
ta1–ta4; ta1's CPD and certificates; required training; an induction for the newest TA;
and ta2 lacking the medication training their pupil needs."""

import datetime as dt

import pytest
from django.conf import settings

from sendesk.accounts.models import User
from sendesk.appraisal.models import Appraisal, Certificate, CpdEntry, Induction
from sendesk.appraisal.needs import needs_page
from sendesk.demo.appraisal import make_appraisal_demo
from sendesk.demo.generator import SCHOOL_DAYS, generate
from sendesk.schools.models import School
from sendesk.staff.models import StaffMember
from tests.world import TODAY

from .conftest import text

DOMAIN = "oakfield.example"


@pytest.fixture
def seeded(db, now, _shared):
    return _shared.get("seeded")


@pytest.fixture
def school(seeded):
    return School.objects.get(name="Oakfield Primary")


def login(key):
    return User.objects.get(email=f"{key}@{DOMAIN}")


def test_ta1s_appraisal_under_way(school, client):
    appraisal = Appraisal.objects.get(school=school, appraisee=login("ta1"))
    assert appraisal.year == 2026
    reviews = {r.stage: r for r in appraisal.reviews.all()}
    assert reviews["start"].signed_off and reviews["mid"].signed_off
    assert not reviews["end"].held_on and not reviews["end"].signed_off
    for review in (reviews["start"], reviews["mid"]):
        assert SCHOOL_DAYS.is_school_day(review.held_on) and review.held_on <= TODAY
    assert reviews["start"].held_on < reviews["mid"].held_on
    assert appraisal.objectives.count() == 3 and reviews["mid"].judgements.count() == 3
    for key in ("ta1", "ta2", "ta3", "ta4"):
        assert StaffMember.objects.get(school=school, user=login(key)).line_manager == login("hlta")
    client.post("/login/", {"username": f"hlta@{DOMAIN}", "password": settings.DEMO_PASSWORD})
    page = text(client.get(f"/appraisal/{appraisal.pk}/"))
    assert "Mid-year review" in page and "Band 2 (post induction)" in page
    assert "Talk Boost" in page


def test_cpd_certificates_and_needs(school, client):
    ta1 = login("ta1")
    entries = CpdEntry.objects.filter(user=ta1)
    assert entries.count() == 3
    assert all(SCHOOL_DAYS.is_school_day(e.done_on) and e.done_on <= TODAY for e in entries)
    assert Certificate.objects.filter(training__user=ta1).count() == 2
    page = needs_page(school.pk, TODAY)
    lacking = {(r.user_id, r.kind): r for r in page["lacking"]}
    ta2 = login("ta2")
    assert (ta2.pk, "medication") in lacking
    assert any("medicine" in why for why in lacking[ta2.pk, "medication"].why)
    induction = Induction.objects.get(school=school)
    assert induction.mentor == login("hlta") and induction.user != ta1
    assert induction.items.filter(done_on__isnull=False).count() == 4
    assert all(SCHOOL_DAYS.is_school_day(i.done_on) and i.done_on <= TODAY
               for i in induction.items.filter(done_on__isnull=False))  # fmt: skip
    client.post("/login/", {"username": f"ta1@{DOMAIN}", "password": settings.DEMO_PASSWORD})
    cert = Certificate.objects.filter(training__user=ta1).first()
    r = client.get(f"/staff/training/{cert.training_id}/certificate/file/")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")


@pytest.mark.parametrize("today", [dt.date(2027, 9, 6), dt.date(2027, 8, 10),
                                   dt.date(2027, 1, 4)])  # fmt: skip
def test_on_any_day_of_the_year_the_dates_are_school_days(db, today):
    data = generate(seed=3, pupils=40, today=today, weeks_of_history=2)
    make_appraisal_demo(data.schools[0])
    last = SCHOOL_DAYS.on_or_before(today)
    appraisal = Appraisal.objects.get()
    for review in appraisal.reviews.exclude(held_on=None):
        assert SCHOOL_DAYS.is_school_day(review.held_on) and review.held_on <= last
    assert appraisal.reviews.exclude(held_on=None).count() == 2
    for entry in CpdEntry.objects.all():
        assert SCHOOL_DAYS.is_school_day(entry.done_on) and entry.done_on <= last
