"""The parent's read-only, printable medication record for the month (the MAR grid from
sendesk.medication.mar), at /family/children/<id>/mar/?month=YYYY-MM."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from sendesk.audit.models import AccessEvent
from sendesk.medication.models import Medicine
from sendesk.medication.services import administration_record
from tests.therapy.conftest import text


def test_the_child_page_links_to_this_months_record(world, as_user):
    body = text(as_user(world.pat).get(f"/family/children/{world.ben.pk}/"))
    assert f"/family/children/{world.ben.pk}/mar/?month=2026-11" in body


def test_pat_reads_bens_medication_record(world, as_user):
    administration_record(
        actor=world.alice, client_id=uuid.uuid4(), medicine_id=world.inhaler.pk,
        given_at=timezone.now() - dt.timedelta(minutes=30), outcome="given", dose="2 puffs",
        reactions="None seen",
    )  # fmt: skip
    r = as_user(world.pat).get(f"/family/children/{world.ben.pk}/mar/?month=2026-11")
    assert r.status_code == 200
    body = text(r)
    assert "Medication record" in body and "November 2026" in body
    assert "Salbutamol" in body and "None seen" in body
    assert "Methylphenidate" in body  # the lunchtime dose row
    assert "/medication/doses/" not in body  # no links into staff pages
    assert f"/pupils/{world.ben.pk}" not in body
    assert AccessEvent.objects.filter(
        actor=world.pat, pupil=world.ben, what="parent view", via="web"
    ).exists()


@pytest.mark.parametrize("month", ["2026-13", "soon", "2027-01"])
def test_a_bad_month_says_what_is_wrong(world, as_user, month):
    r = as_user(world.pat).get(f"/family/children/{world.ben.pk}/mar/?month={month}")
    assert r.status_code == 400
    assert "This month" in text(r)


def test_no_medicines_no_record(world, as_user):
    Medicine.objects.all().delete()
    body = text(as_user(world.pat).get(f"/family/children/{world.ben.pk}/"))
    assert "/mar/" not in body
    assert as_user(world.pat).get(f"/family/children/{world.ben.pk}/mar/").status_code == 404


@pytest.mark.parametrize("person", ["pat", "alice", "senco", "theo"])
def test_another_childs_record_looks_like_nothing(world, as_user, missing, person):
    user = getattr(world, person)
    pupil = world.ben if person != "pat" else world.cara
    r = as_user(user).get(f"/family/children/{pupil.pk}/mar/")
    assert (r.status_code, r.content) == missing(user, "/family/children/{}/mar/")
    assert r.status_code == 404
