"""After both have signed a stage, nothing of it is edited silently: the line manager (or
head) amends a judgement or an objective, the appraisee their own review, each with a
reason; the original stays on the page beside the amendment, the other party is told on
their appraisal list and page and gives their sign-off again; until they do the stage says
so. Every write re-reads "signed off" under a lock on the appraisal row, so a sign-off
between loading a page and posting it cannot be overwritten."""

import datetime as dt
import re

import pytest
from django.db import IntegrityError, connection, transaction

from sendesk.appraisal import services
from sendesk.appraisal.models import (
    AmendmentConfirmation,
    Judgement,
    Objective,
    Review,
    ReviewAmendment,
)
from sendesk.audit.models import AuditEvent
from sendesk.lib.errors import ServiceError

from .conftest import text

MID = {"held_on": "2026-11-17", "summary": "Good progress.", "cpd_plan": "Makaton level 1",
       "band_practice": "band2", "comment_practice": "Sessions well planned",
       "band_conduct": "band1"}  # fmt: skip


def signed_mid(team, appraisal, as_user):
    """The mid-year review written and judged by Hana, signed by Alice and Hana."""
    hana, alice = as_user(team.hana), as_user(team.alice)
    assert hana.post(f"/appraisal/{appraisal.pk}/mid/", MID).status_code == 302
    assert alice.post(f"/appraisal/{appraisal.pk}/mid/sign/").status_code == 302
    assert hana.post(f"/appraisal/{appraisal.pk}/mid/sign/").status_code == 302
    assert appraisal.reviews.get(stage="mid").signed_off
    return hana, alice


def signed_start(team, appraisal, as_user):
    hana, alice = as_user(team.hana), as_user(team.alice)
    r = hana.post(f"/appraisal/{appraisal.pk}/objectives/new/", {
        "text": "Lead phonics catch-up for two Year 3 groups", "area": "outcomes",
        "success_criteria": "Both groups move up a phase", "standards": "2.2"})  # fmt: skip
    assert r.status_code == 302
    r = hana.post(f"/appraisal/{appraisal.pk}/start/", {"held_on": "2026-09-15",
                  "summary": "Objectives agreed.", "cpd_plan": ""})  # fmt: skip
    assert r.status_code == 302
    assert alice.post(f"/appraisal/{appraisal.pk}/start/sign/").status_code == 302
    assert hana.post(f"/appraisal/{appraisal.pk}/start/sign/").status_code == 302
    return hana, alice, appraisal.objectives.get()


def test_a_judgement_amended_after_sign_off_keeps_the_original_and_asks_again(
    team, appraisal, as_user
):
    hana, alice = signed_mid(team, appraisal, as_user)
    mid = appraisal.reviews.get(stage="mid")
    # The amend page offers the judgements as they were signed.
    page = hana.get(f"/appraisal/{appraisal.pk}/mid/amend/")
    assert page.status_code == 200
    checked = [tag for tag in re.findall(r"<input[^>]*>", page.content.decode())
               if 'name="band_practice"' in tag and "checked" in tag]  # fmt: skip
    assert len(checked) == 1 and 'value="band2"' in checked[0]
    changed = {**MID, "band_practice": "band3", "comment_practice": "Leads the phonics group",
               "reason": "Band agreed with the SENCO after the meeting"}  # fmt: skip
    r = hana.post(f"/appraisal/{appraisal.pk}/mid/amend/", changed)
    assert r.status_code == 302
    assert mid.judgements.get(area="practice").band == "band3"
    assert mid.judgements.get(area="conduct").band == "band1"  # untouched
    amendment = ReviewAmendment.objects.get()
    assert amendment.changes == {"judgement:practice": [
        "Band 2 (post induction): Sessions well planned",
        "Band 3 (HLTA): Leads the phonics group"]}  # fmt: skip
    assert (amendment.amended_by, amendment.reason) == (
        team.hana, "Band agreed with the SENCO after the meeting")  # fmt: skip
    audit = AuditEvent.objects.get(object_type="appraisal.judgement", action="amend")
    assert audit.before["band"] == "band2" and audit.after["band"] == "band3"
    assert audit.actor_id == team.hana.pk and audit.pupil_id is None
    mid.refresh_from_db()
    assert mid.signed_off  # still fixed: a correction is not a new draft

    # Both see the amendment and the original; the stage waits for Alice.
    for client in (hana, alice):
        body = text(client.get(f"/appraisal/{appraisal.pk}/"))
        assert "Amended after sign-off" in body
        assert ("Judgement, Professional practice: was “Band 2 (post induction): Sessions well "
                "planned”, now “Band 3 (HLTA): Leads the phonics group”") in body  # fmt: skip
        assert "not yet re-confirmed by Alice Assistant" in body
    assert "Re-confirm my sign-off" in text(alice.get(f"/appraisal/{appraisal.pk}/"))
    assert "Re-confirm my sign-off" not in text(hana.get(f"/appraisal/{appraisal.pk}/"))
    # Alice is told on her list of appraisals; Hana, who made it, is not asked.
    assert "re-confirm your sign-off" in text(alice.get("/appraisal/"))
    assert "re-confirm your sign-off" not in text(hana.get("/appraisal/"))

    # Hana cannot re-confirm her own amendment for Alice.
    r = hana.post(f"/appraisal/{appraisal.pk}/mid/confirm/", follow=True)
    assert "Nothing here is waiting for your re-confirmation" in text(r)
    assert not AmendmentConfirmation.objects.exists()
    assert alice.post(f"/appraisal/{appraisal.pk}/mid/confirm/").status_code == 302
    confirmation = AmendmentConfirmation.objects.get()
    assert (confirmation.amendment, confirmation.confirmed_by) == (amendment, team.alice)
    assert AuditEvent.objects.filter(object_type="appraisal.amendmentconfirmation",
                                     actor=team.alice, action="create").exists()  # fmt: skip
    body = text(alice.get(f"/appraisal/{appraisal.pk}/"))
    assert "Re-confirmed by Alice Assistant" in body and "not yet re-confirmed" not in body
    assert "Re-confirm my sign-off" not in body
    assert "re-confirm your sign-off" not in text(alice.get("/appraisal/"))
    # The database keeps the re-confirmation as written.
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM appraisal_amendmentconfirmation")


def test_an_amendment_needs_a_reason_and_keeps_what_was_typed(team, appraisal, as_user):
    hana, _ = signed_mid(team, appraisal, as_user)
    r = hana.post(f"/appraisal/{appraisal.pk}/mid/amend/",
                  {**MID, "band_practice": "band3", "comment_practice": "Typed, kept"})  # fmt: skip
    assert r.status_code == 422
    body = r.content.decode()
    assert "Say why it is corrected" in text(r) and 'class="error-summary"' in body
    assert "Typed, kept" in body
    assert not ReviewAmendment.objects.exists()
    assert Judgement.objects.get(area="practice").band == "band2"
    # A judgement both signed is changed, never taken away.
    r = hana.post(f"/appraisal/{appraisal.pk}/mid/amend/",
                  {**MID, "band_conduct": "", "reason": "Not judged after all"})  # fmt: skip
    assert r.status_code == 422 and "can be changed, not removed" in text(r)
    assert Judgement.objects.filter(area="conduct").exists()
    # Nothing different: nothing recorded.
    r = hana.post(f"/appraisal/{appraisal.pk}/mid/amend/", {**MID, "reason": "Checking"})
    assert r.status_code == 422 and "Nothing is different" in text(r)
    assert not ReviewAmendment.objects.exists()
    # The appraisee cannot amend the judgements: only their own review is taken from her.
    r = as_user(team.alice).post(f"/appraisal/{appraisal.pk}/mid/amend/",
                                 {"reason": "Mine", "band_practice": "band3"})  # fmt: skip
    assert r.status_code == 422
    assert Judgement.objects.get(area="practice").band == "band2"


def test_the_appraisee_amends_her_own_review_and_the_line_manager_reconfirms(
    team, appraisal, as_user
):
    hana, alice = signed_mid(team, appraisal, as_user)
    mine = {"reason": "Forgot the Makaton course", "own_review": "Makaton done."}
    r = alice.post(f"/appraisal/{appraisal.pk}/mid/amend/", mine)
    assert r.status_code == 302
    assert "re-confirm your sign-off" in text(hana.get("/appraisal/"))
    assert "re-confirm your sign-off" not in text(alice.get("/appraisal/"))
    body = text(hana.get(f"/appraisal/{appraisal.pk}/"))
    assert "not yet re-confirmed by the line manager" in body and "Re-confirm my sign-off" in body
    assert "Own review: was “(empty)”, now “Makaton done.”" in body
    # The head holds the line manager's side too, and may give it.
    head = as_user(team.head)
    assert "re-confirm your sign-off" in text(head.get("/appraisal/"))
    assert head.post(f"/appraisal/{appraisal.pk}/mid/confirm/").status_code == 302
    assert AmendmentConfirmation.objects.get().confirmed_by == team.head
    assert "re-confirm your sign-off" not in text(hana.get("/appraisal/"))


def test_an_objective_amended_after_sign_off(team, appraisal, as_user):
    hana, alice, objective = signed_start(team, appraisal, as_user)
    url = f"/appraisal/{appraisal.pk}/objectives/{objective.pk}/amend/"
    assert "Correct this objective (amend)" in text(hana.get(f"/appraisal/{appraisal.pk}/"))
    assert "Correct this objective" not in text(alice.get(f"/appraisal/{appraisal.pk}/"))
    form = {"text": "Lead phonics catch-up for three Year 3 groups", "area": "outcomes",
            "success_criteria": "Both groups move up a phase", "standards": "2.2, 3.4"}  # fmt: skip
    r = hana.post(url, form)
    assert r.status_code == 422 and "Say why it is corrected" in text(r)
    assert "three Year 3 groups" in r.content.decode()  # what was typed stays
    objective.refresh_from_db()
    assert objective.text.startswith("Lead phonics catch-up for two")
    r = hana.post(url, {**form, "reason": "A third group was added in October"})
    assert r.status_code == 302
    objective.refresh_from_db()
    assert (objective.text, objective.standards) == (
        "Lead phonics catch-up for three Year 3 groups", "2.2, 3.4")  # fmt: skip
    amendment = ReviewAmendment.objects.get()
    assert amendment.review == appraisal.reviews.get(stage="start")
    assert amendment.changes == {
        f"objective:{objective.pk}:text": ["Lead phonics catch-up for two Year 3 groups",
                                           "Lead phonics catch-up for three Year 3 groups"],
        f"objective:{objective.pk}:standards": ["2.2", "2.2, 3.4"],
    }  # fmt: skip
    audit = AuditEvent.objects.get(object_type="appraisal.objective", action="amend")
    assert audit.before["text"] == "Lead phonics catch-up for two Year 3 groups"
    body = text(alice.get(f"/appraisal/{appraisal.pk}/"))
    assert ("Objective 1, wording: was “Lead phonics catch-up for two Year 3 groups”, now "
            "“Lead phonics catch-up for three Year 3 groups”") in body  # fmt: skip
    assert "not yet re-confirmed by Alice Assistant" in body and "Re-confirm my sign-off" in body
    # The appraisee does not amend objectives: she is told who does, and nothing changes.
    r = alice.get(url)
    assert r.status_code == 403 and "corrected by the line manager" in text(r)
    r = alice.post(url, {**form, "text": "Mine now", "reason": "Because"})
    assert r.status_code == 403
    objective.refresh_from_db()
    assert objective.text != "Mine now" and ReviewAmendment.objects.count() == 1


def test_objective_amendment_waits_for_the_sign_off(team, appraisal, as_user):
    hana = as_user(team.hana)
    objective = services.objective_add(actor=team.hana, appraisal=appraisal, text="Phonics",
                                       area="outcomes")  # fmt: skip
    r = hana.post(f"/appraisal/{appraisal.pk}/objectives/{objective.pk}/amend/",
                  {"text": "Phonics+", "area": "outcomes", "reason": "Clearer"})  # fmt: skip
    assert r.status_code == 422 and "not signed off yet" in text(r)
    assert Objective.objects.get().text == "Phonics" and not ReviewAmendment.objects.exists()


@pytest.mark.parametrize("who", ["senco", "bob", "tess", "dsl", "pat", "olga", "theo"])
def test_amendments_are_not_found_for_anyone_else(team, appraisal, as_user, who):
    hana, alice = signed_mid(team, appraisal, as_user)
    objective = services.objective_add(actor=team.hana, appraisal=appraisal, text="Phonics",
                                       area="outcomes")  # fmt: skip
    hana.post(f"/appraisal/{appraisal.pk}/mid/amend/",
              {**MID, "band_practice": "band3", "reason": "Agreed"})  # fmt: skip
    client = as_user(getattr(team, who))
    urls = [f"/appraisal/{{}}/objectives/{objective.pk}/amend/", "/appraisal/{}/mid/amend/"]
    for url in urls:
        missing = client.get(url.format(appraisal.pk + 999))
        r = client.get(url.format(appraisal.pk))
        assert r.status_code == missing.status_code == 404 and r.content == missing.content
    r = client.post(f"/appraisal/{appraisal.pk}/mid/confirm/")
    assert r.status_code == 404
    r = client.post(f"/appraisal/{appraisal.pk}/mid/amend/",
                    {**MID, "band_practice": "not_yet", "reason": "x"})  # fmt: skip
    assert r.status_code == 404
    assert not AmendmentConfirmation.objects.exists()
    assert ReviewAmendment.objects.count() == 1
    assert Judgement.objects.get(area="practice").band == "band3"
    assert "re-confirm" not in text(client.get("/appraisal/"))


def test_a_sign_off_between_loading_and_posting_is_not_overwritten(team, appraisal, as_user):
    hana, alice = as_user(team.hana), as_user(team.alice)
    hana.post(f"/appraisal/{appraisal.pk}/mid/", MID)
    # Hana opens the form; meanwhile both sign.
    assert hana.get(f"/appraisal/{appraisal.pk}/mid/").status_code == 200
    stale = Review.objects.select_related("appraisal").get(appraisal=appraisal, stage="mid")
    alice.post(f"/appraisal/{appraisal.pk}/mid/sign/")
    hana.post(f"/appraisal/{appraisal.pk}/mid/sign/")
    # Her post does not change the signed stage: she is sent to amend it.
    r = hana.post(f"/appraisal/{appraisal.pk}/mid/", {**MID, "summary": "Rewritten"})
    assert r.status_code == 302 and r["Location"].endswith("/mid/amend/")
    # The service itself, given the stage as the page had read it (not yet signed), checks
    # again inside its transaction and refuses.
    assert not stale.signed_off
    with pytest.raises(ServiceError) as refused:
        services.review_save(actor=team.hana, review=stale, data={
            "held_on": dt.date(2026, 11, 17), "summary": "Rewritten", "cpd_plan": ""})  # fmt: skip
    assert refused.value.status == 409
    mid = Review.objects.get(pk=stale.pk)
    assert mid.summary == "Good progress." and mid.signed_off
    assert not ReviewAmendment.objects.exists()
    # Signing again from the stale page is refused the same way.
    with pytest.raises(ServiceError) as refused:
        services.review_sign(actor=team.alice, review=stale)
    assert refused.value.status == 409
