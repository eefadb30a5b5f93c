"""An appraisal's year: objectives agreed, the appraisee's own review, the line manager's
judgements against the band descriptors, sign-off by both; after that the stage is fixed
and a correction is an amendment that keeps what it said."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from sendesk.appraisal import services
from sendesk.appraisal.models import Judgement, Objective, Review, ReviewAmendment
from sendesk.audit.models import AuditEvent
from sendesk.lib.errors import ServiceError

from .conftest import text

AREAS = ["practice", "outcomes", "relationships", "development", "conduct"]


def objective(client, appraisal, **changes):
    data = {"text": "Lead phonics catch-up for two Year 3 groups", "success_criteria":
            "Both groups move up a phase", "area": "outcomes", "standards": "2.2 3.4"}  # fmt: skip
    data.update(changes)
    return client.post(f"/appraisal/{appraisal.pk}/objectives/new/", data)


def agree_start(team, appraisal, as_user):
    hana = as_user(team.hana)
    assert objective(hana, appraisal).status_code == 302
    r = hana.post(f"/appraisal/{appraisal.pk}/start/", {"held_on": "2026-09-15",
                  "summary": "Objectives agreed.", "cpd_plan": "Phonics training"})  # fmt: skip
    assert r.status_code == 302
    return hana


def test_objectives_agreed_and_signed_by_both_then_fixed(team, appraisal, as_user):
    hana = agree_start(team, appraisal, as_user)
    alice = as_user(team.alice)
    r = alice.post(f"/appraisal/{appraisal.pk}/start/", {"own_review": "Keen to lead phonics."})
    assert r.status_code == 302
    start = appraisal.reviews.get(stage="start")
    assert (start.own_review, start.summary) == ("Keen to lead phonics.", "Objectives agreed.")
    assert objective(alice, appraisal).status_code == 302  # the appraisee proposes one too
    assert alice.post(f"/appraisal/{appraisal.pk}/start/sign/").status_code == 302
    assert hana.post(f"/appraisal/{appraisal.pk}/start/sign/").status_code == 302
    start.refresh_from_db()
    assert start.signed_off and start.manager_signed_by == team.hana
    assert Objective.objects.get(text__startswith="Lead", added_by=team.hana).standards == (
        "2.2, 3.4"
    )
    page = text(alice.get(f"/appraisal/{appraisal.pk}/"))
    assert "Signed off by both: fixed" in page and "Add an objective" not in page

    # Fixed: no new objective, no edit; the edit page sends to the amendment.
    r = objective(hana, appraisal, text="Another")
    assert r.status_code == 409 and "correct it with an amendment" in text(r)
    assert appraisal.objectives.count() == 2
    r = hana.get(f"/appraisal/{appraisal.pk}/start/")
    assert r.status_code == 302 and r["Location"].endswith("/start/amend/")
    r = hana.get(f"/appraisal/{appraisal.pk}/objectives/new/")
    assert "signed off by both at the start of the year" in text(r)
    assert "Add the objective</button>" not in text(r)
    with pytest.raises(ServiceError) as refused:
        services.review_save(actor=team.hana, review=start, data={"summary": "Changed"})
    assert refused.value.status == 409
    start.refresh_from_db()
    assert start.summary == "Objectives agreed."


def test_a_correction_after_sign_off_is_an_amendment(team, appraisal, as_user):
    hana = agree_start(team, appraisal, as_user)
    alice = as_user(team.alice)
    alice.post(f"/appraisal/{appraisal.pk}/start/sign/")
    hana.post(f"/appraisal/{appraisal.pk}/start/sign/")
    r = hana.post(f"/appraisal/{appraisal.pk}/start/amend/", {"reason": "",
                  "held_on": "2026-09-15", "summary": "Objectives agreed in full."})  # fmt: skip
    assert r.status_code == 422 and "Say why it is corrected" in text(r)
    assert not ReviewAmendment.objects.exists()
    r = hana.post(f"/appraisal/{appraisal.pk}/start/amend/", {"reason": "Typo in the summary",
                  "held_on": "2026-09-15", "summary": "Objectives agreed in full.",
                  "cpd_plan": "Phonics training"})  # fmt: skip
    assert r.status_code == 302
    amendment = ReviewAmendment.objects.get()
    assert amendment.changes == {"summary": ["Objectives agreed.", "Objectives agreed in full."]}
    assert amendment.amended_by == team.hana
    start = appraisal.reviews.get(stage="start")
    assert start.summary == "Objectives agreed in full." and start.signed_off
    audit = AuditEvent.objects.filter(object_type="appraisal.review", action="amend").get()
    assert audit.before["summary"] == "Objectives agreed." and audit.pupil_id is None
    # The appraisee corrects only their own part: the manager's fields are not theirs.
    r = alice.post(f"/appraisal/{appraisal.pk}/start/amend/",
                   {"reason": "Mine", "summary": "Hijack"})  # fmt: skip
    assert r.status_code == 422
    start.refresh_from_db()
    assert start.summary == "Objectives agreed in full."
    # ... and their own, with a reason.
    better = {"reason": "Said it better", "own_review": "Keen to lead phonics groups."}
    r = alice.post(f"/appraisal/{appraisal.pk}/start/amend/", better)
    assert r.status_code == 302
    start.refresh_from_db()
    assert start.own_review == "Keen to lead phonics groups." and start.signed_off
    assert ReviewAmendment.objects.get(amended_by=team.alice).changes == {
        "own_review": ["", "Keen to lead phonics groups."]
    }
    page = text(alice.get(f"/appraisal/{appraisal.pk}/"))
    assert "Typo in the summary" in page and "was “Objectives agreed.”" in page
    # The database keeps amendments as they were written.
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE appraisal_reviewamendment SET reason = 'x'")


def test_a_change_after_one_signature_takes_it_off(team, appraisal, as_user):
    hana = agree_start(team, appraisal, as_user)
    alice = as_user(team.alice)
    alice.post(f"/appraisal/{appraisal.pk}/start/sign/")
    start = appraisal.reviews.get(stage="start")
    assert start.appraisee_signed_at is not None
    hana.post(f"/appraisal/{appraisal.pk}/start/", {"held_on": "2026-09-15",
              "summary": "Objectives agreed, one changed.", "cpd_plan": ""})  # fmt: skip
    start.refresh_from_db()
    assert start.appraisee_signed_at is None and not start.signed_off


def test_mid_year_judgements_against_the_descriptors(team, appraisal, as_user):
    hana = agree_start(team, appraisal, as_user)
    form = {"held_on": "2027-02-10", "summary": "Good progress.", "cpd_plan": "",
            "band_practice": "band2", "comment_practice": "Sessions well planned",
            "band_conduct": "band1"}  # fmt: skip
    page = text(hana.get(f"/appraisal/{appraisal.pk}/mid/"))
    assert "All aspects of teaching and support over time are good." in page
    assert "standards 1.1, 1.3, 1.4, 3.2, 3.6, 4.4" in page
    # The meeting has not happened yet on 18 November 2026.
    r = hana.post(f"/appraisal/{appraisal.pk}/mid/", form)
    assert r.status_code == 422 and "once it has been held" in text(r)
    assert 'value="Good progress."' in r.content.decode() or "Good progress." in text(r)
    form["held_on"] = "2026-11-14"  # a Saturday
    r = hana.post(f"/appraisal/{appraisal.pk}/mid/", form)
    assert r.status_code == 422 and "weekend" in text(r)
    form["held_on"] = "2026-11-17"
    form["band_outcomes"] = "band9"
    r = hana.post(f"/appraisal/{appraisal.pk}/mid/", form)
    assert r.status_code == 422 and not Judgement.objects.exists()
    del form["band_outcomes"]
    assert hana.post(f"/appraisal/{appraisal.pk}/mid/", form).status_code == 302
    mid = appraisal.reviews.get(stage="mid")
    assert dict(mid.judgements.values_list("area", "band")) == {
        "practice": "band2", "conduct": "band1"
    }  # fmt: skip
    assert mid.held_on == dt.date(2026, 11, 17)
    # The appraisee cannot write the judgements: only their own review is taken.
    as_user(team.alice).post(f"/appraisal/{appraisal.pk}/mid/",
                             {"own_review": "Mine", "band_practice": "band3"})  # fmt: skip
    mid.refresh_from_db()
    assert mid.own_review == "Mine"
    assert mid.judgements.get(area="practice").band == "band2"
    kinds = set(AuditEvent.objects.values_list("object_type", flat=True))
    assert {"appraisal.appraisal", "appraisal.objective", "appraisal.review",
            "appraisal.judgement"} <= kinds  # fmt: skip


def test_signing_needs_the_stage_complete(team, appraisal, as_user):
    hana = as_user(team.hana)
    r = hana.post(f"/appraisal/{appraisal.pk}/start/sign/", follow=True)
    body = text(r)
    assert "date of the meeting" in body and "at least one objective" in body
    end = appraisal.reviews.get(stage="end")
    end.held_on = dt.date(2026, 11, 17)
    end.save()
    with pytest.raises(ServiceError) as refused:
        services.review_sign(actor=team.hana, review=end)
    assert "every area" in str(refused.value)
    for area in AREAS:
        Judgement.objects.create(review=end, area=area, band="band2")
    services.review_sign(actor=team.hana, review=end)
    assert Review.objects.get(pk=end.pk).manager_signed_at is not None


def test_bad_objective(team, appraisal, as_user):
    r = objective(as_user(team.hana), appraisal, text="", area="nope", standards="5.1 2.1")
    assert r.status_code == 422
    body = text(r)
    assert "Write the objective." in body and "5.1: the Teaching Assistant Standards" in body
    assert 'value="5.1 2.1"' in r.content.decode()
    assert not Objective.objects.exists()
