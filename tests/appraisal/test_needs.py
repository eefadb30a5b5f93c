"""Required training: by post (set by the head or SENCO) and by the pupils an adult
supports (their medicines, care plans and behaviour plan); the SENCO's page of who lacks
what and whose training runs out soon, in a number of queries that does not grow with the
school."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.accounts.models import User
from sendesk.appraisal.models import RequiredTraining
from sendesk.appraisal.needs import needs_page, required_for
from sendesk.audit.models import AuditEvent
from sendesk.medication.models import Medicine
from sendesk.pupils.models import Deployment
from sendesk.schools.models import Role, StaffRole
from sendesk.staff.models import Training

from .conftest import member, text

TODAY = dt.date(2026, 11, 18)


def midazolam(pupil):
    return Medicine.objects.create(
        pupil=pupil, name="Buccal midazolam", form="buccal", strength="10 mg in 1 ml",
        dose="0.5 ml", route="buccal", as_needed=True, storage="Office", stock=4,
        expiry_date=dt.date(2027, 6, 30), training="buccal_midazolam",
    )  # fmt: skip


def lacking(school_id):
    return {(r.name, r.kind): r for r in needs_page(school_id, TODAY)["lacking"]}


def test_a_pupils_plans_require_training_of_the_adults_who_support_them(team):
    school = team.school.pk
    # Alice (1:1 with Ben) holds what Ben's inhaler, lunchtime medicine, toileting plan
    # and behaviour plan need: nothing lacking.
    need = required_for(school, TODAY)[team.alice.pk]
    assert set(need) == {"medication", "intimate_care", "positive_handling"}
    assert need["medication"] == [
        "Ben Brown's medicine: Methylphenidate", "Ben Brown's medicine: Salbutamol"
    ]  # fmt: skip
    assert "Ben Brown's behaviour plan" in need["positive_handling"]
    assert not lacking(school)
    # A buccal midazolam plan: every adult deployed to Ben needs that procedure's training.
    midazolam(team.ben)
    gaps = lacking(school)
    assert set(gaps) == {("Alice Assistant", "buccal_midazolam")}
    assert gaps["Alice Assistant", "buccal_midazolam"].why == [
        "Ben Brown's medicine: Buccal midazolam"
    ]
    # Bob becomes Ben's key adult: he lacks all of it (his positive handling has expired).
    Deployment.objects.create(school=team.school, staff=team.bob, kind="key_adult",
                              pupil=team.ben, start=TODAY)  # fmt: skip
    gaps = lacking(school)
    assert {kind for name, kind in gaps if name == "Bob Assistant"} == {
        "buccal_midazolam", "medication", "intimate_care", "positive_handling"
    }  # fmt: skip
    assert gaps["Bob Assistant", "positive_handling"].state == "expired"
    # Training brings them off the list; group support (Hana, 4B) never puts them on it.
    Training.objects.create(user=team.alice, kind="buccal_midazolam",
                            completed_on=TODAY, expires_on=dt.date(2027, 11, 17))  # fmt: skip
    assert ("Alice Assistant", "buccal_midazolam") not in lacking(school)
    assert all(name != "Hana Hlta" for name, _ in lacking(school))


def test_an_ended_deployment_or_plan_requires_nothing(team):
    midazolam(team.ben).__class__.objects.filter(name="Buccal midazolam").update(active=False)
    assert not lacking(team.school.pk)
    Deployment.objects.filter(staff=team.alice).update(end=TODAY - dt.timedelta(days=1))
    assert team.alice.pk not in required_for(team.school.pk, TODAY)


def test_required_by_post(team, as_user):
    senco = as_user(team.senco)
    r = senco.post("/staff/training/required/", {"post": "ta", "kind": "safeguarding"})
    assert r.status_code == 302
    rule = RequiredTraining.objects.get()
    assert (rule.post, rule.kind, rule.set_by) == ("ta", "safeguarding", team.senco)
    assert AuditEvent.objects.filter(object_type="appraisal.requiredtraining").count() == 1
    gaps = lacking(team.school.pk)
    assert gaps["Alice Assistant", "safeguarding"].why == ["every teaching assistant"]
    assert ("Bob Assistant", "safeguarding") in gaps
    assert ("Hana Hlta", "safeguarding") not in gaps  # an HLTA is another post
    page = text(senco.get("/staff/training/needs/"))
    assert "Alice Assistant" in page and "every teaching assistant" in page
    # Twice is refused, with the form's message; bad values too.
    r = senco.post("/staff/training/required/", {"post": "ta", "kind": "safeguarding"})
    assert r.status_code == 422 and "already requires" in text(r)
    r = senco.post("/staff/training/required/", {"post": "pilot", "kind": "flying"})
    assert r.status_code == 422 and "Choose the post" in text(r)
    assert RequiredTraining.objects.count() == 1
    r = senco.post(f"/staff/training/required/{rule.pk}/remove/")
    assert r.status_code == 302 and not RequiredTraining.objects.exists()
    assert AuditEvent.objects.filter(object_type="appraisal.requiredtraining",
                                     action="delete").exists()  # fmt: skip


def test_expiring_soon(team, as_user):
    Training.objects.create(user=team.hana, kind="first_aid", completed_on=dt.date(2023, 12, 10),
                            expires_on=dt.date(2026, 12, 9))  # fmt: skip
    Training.objects.filter(user=team.alice, kind="medication").update(
        expires_on=dt.date(2026, 12, 1)
    )
    page = needs_page(team.school.pk, TODAY)
    soon = [(r.name, r.kind) for r in page["expiring"]]
    assert soon == [("Alice Assistant", "medication"), ("Hana Hlta", "first_aid")]
    assert page["expiring"][0].why == [
        "Ben Brown's medicine: Methylphenidate", "Ben Brown's medicine: Salbutamol"
    ]  # fmt: skip
    body = text(as_user(team.head).get("/staff/training/needs/"))
    assert "Expires 1 Dec 2026" in body and "Expires 9 Dec 2026" in body


@pytest.mark.parametrize("who", ["alice", "hana", "tess", "dsl", "pat"])
def test_only_senco_and_head_see_the_page(team, as_user, who):
    client = as_user(getattr(team, who))
    assert client.get("/staff/training/needs/").status_code == 404
    r = client.post("/staff/training/required/", {"post": "ta", "kind": "safeguarding"})
    assert r.status_code == 404 and not RequiredTraining.objects.exists()


def test_another_schools_senco_sees_only_their_own(team, as_user):
    Training.objects.filter(user=team.alice).update(expires_on=dt.date(2026, 11, 20))
    olga = as_user(team.olga)
    r = olga.get("/staff/training/needs/")
    assert r.status_code == 200 and "Alice Assistant" not in text(r)
    assert olga.get(f"/staff/training/needs/?school={team.school.pk}").status_code == 404


def _grow(team, n):
    """n more TAs, each 1:1 with a pupil who has a midazolam plan, with training records."""
    from sendesk.pupils.models import Pupil

    for i in range(n):
        user = User.objects.create_user(f"extra{i}@test.example", "x", full_name=f"Extra {i}")
        StaffRole.objects.create(user=user, school=team.school, role=Role.TA)
        member(team, user, "ta")
        pupil = Pupil.objects.create(school=team.school, upn=f"X{i:012d}",
                                     legal_first_name="P", legal_last_name=f"{i}",
                                     date_of_birth=dt.date(2018, 1, 1),
                                     year_group=team.ben.year_group)  # fmt: skip
        Deployment.objects.create(school=team.school, staff=user, kind="one_to_one",
                                  pupil=pupil, start=TODAY)  # fmt: skip
        midazolam(pupil)
        Training.objects.create(user=user, kind="first_aid", completed_on=dt.date(2025, 1, 1),
                                expires_on=dt.date(2026, 12, 1))  # fmt: skip


def test_query_count_does_not_grow_with_the_school(team, as_user):
    RequiredTraining.objects.create(school=team.school, post="ta", kind="safeguarding",
                                    set_by=team.senco, set_at=team.alice.date_joined)  # fmt: skip
    senco = as_user(team.senco)
    senco.get("/staff/training/needs/")

    def count():
        with CaptureQueriesContext(connection) as queries:
            r = senco.get("/staff/training/needs/")
        assert r.status_code == 200
        return len(queries), text(r)

    small, _ = count()
    _grow(team, 6)
    large, body = count()
    assert "Extra 5" in body and "Buccal midazolam" in body
    assert large == small, (small, large)
