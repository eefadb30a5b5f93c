"""A new TA's induction: the SENCO starts it with a mentor; the mentor ticks the checklist
off (with HTMX, or a plain form without script); the new TA reads it; others 404."""

import datetime as dt

import pytest

from sendesk.appraisal.models import Induction, InductionItem
from sendesk.appraisal.standards import INDUCTION_ITEMS
from sendesk.audit.models import AuditEvent

from .conftest import text


@pytest.fixture
def induction(team, as_user):
    r = as_user(team.senco).post(
        "/staff/induction/new/",
        {"user_id": team.bob.pk, "mentor_id": team.alice.pk, "started_on": "2026-11-16"},
    )
    assert r.status_code == 302
    return Induction.objects.get()


def test_started_with_a_mentor_and_the_checklist(induction, team, as_user):
    assert (induction.user, induction.mentor, induction.started_on) == (
        team.bob, team.alice, dt.date(2026, 11, 16)
    )  # fmt: skip
    assert list(induction.items.values_list("text", flat=True)) == INDUCTION_ITEMS
    body = text(as_user(team.bob).get(f"/staff/induction/{induction.pk}/"))
    assert "mentor Alice Assistant" in body and f"0 of {len(INDUCTION_ITEMS)} done" in body
    assert "Mark done" not in body  # the new TA reads; the mentor ticks
    needs = text(as_user(team.senco).get("/staff/training/needs/"))
    assert "Bob Assistant" in needs and f"0 of {len(INDUCTION_ITEMS)} done" in needs


def test_the_mentor_ticks_items_off(induction, team, as_user):
    alice = as_user(team.alice)
    item = induction.items.first()
    r = alice.post(f"/staff/induction/{induction.pk}/", {"item": item.pk, "done": "1"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.done_on == dt.date(2026, 11, 18) and item.done_by == team.alice
    # With HTMX the answer is the one item, redrawn.
    second = induction.items.all()[1]
    r = alice.post(f"/staff/induction/{induction.pk}/", {"item": second.pk, "done": "1"},
                   HTTP_HX_REQUEST="true")  # fmt: skip
    assert r.status_code == 200 and text(r).strip().startswith(f'<li id="item-{second.pk}">')
    assert "Undo" in text(r)
    assert InductionItem.objects.filter(done_on__isnull=False).count() == 2
    assert AuditEvent.objects.filter(object_type="appraisal.inductionitem").count() == 2
    alice.post(f"/staff/induction/{induction.pk}/", {"item": second.pk, "done": "0"})
    assert InductionItem.objects.filter(done_on__isnull=False).count() == 1


@pytest.mark.parametrize("who", ["tess", "dsl", "pat", "olga"])
def test_others_get_not_found(induction, team, as_user, who):
    client = as_user(getattr(team, who))
    assert client.get(f"/staff/induction/{induction.pk}/").status_code == 404
    item = induction.items.first()
    r = client.post(f"/staff/induction/{induction.pk}/", {"item": item.pk, "done": "1"})
    assert r.status_code == 404
    assert not InductionItem.objects.filter(done_on__isnull=False).exists()


def test_the_new_ta_cannot_tick_their_own(induction, team, as_user):
    item = induction.items.first()
    r = as_user(team.bob).post(f"/staff/induction/{induction.pk}/", {"item": item.pk, "done": "1"})
    assert r.status_code == 404


def test_bad_input(team, as_user):
    senco = as_user(team.senco)
    same = {"user_id": team.bob.pk, "mentor_id": team.bob.pk, "started_on": "2026-11-16"}
    r = senco.post("/staff/induction/new/", same)
    assert r.status_code == 422 and "someone other than the new member" in text(r)
    r = senco.post("/staff/induction/new/", {**same, "mentor_id": team.alice.pk,
                                               "started_on": "soon"})  # fmt: skip
    assert r.status_code == 422 and "Give the date" in text(r)
    assert 'value="soon"' in r.content.decode()
    r = senco.post("/staff/induction/new/",
                   {"user_id": team.olga.pk, "mentor_id": team.alice.pk,
                    "started_on": "2026-11-16"})  # fmt: skip
    assert r.status_code == 422 and "Choose the new member of staff" in text(r)
    assert not Induction.objects.exists()
    assert as_user(team.alice).get("/staff/induction/new/").status_code == 404
