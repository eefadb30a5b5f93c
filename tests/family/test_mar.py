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

from .conftest import said


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


def _diary(body: str) -> str:
    return body[body.index("Day by day, newest first") :]


def test_the_record_reads_day_by_day_with_names_not_initials(world, as_user):
    """The lunchtime medicine has been on record since 1 November: Monday's dose was
    refused, Tuesday's has no record, today's is due at 12:00; the inhaler was given at
    09:30 this morning."""
    Medicine.objects.filter(pk=world.lunch_med.pk).update(
        created=timezone.make_aware(dt.datetime(2026, 11, 1, 8, 0))
    )
    administration_record(
        actor=world.alice, client_id=uuid.uuid4(), medicine_id=world.lunch_med.pk,
        due_at=timezone.make_aware(dt.datetime(2026, 11, 16, 12, 0)),
        given_at=timezone.make_aware(dt.datetime(2026, 11, 16, 12, 5)), outcome="refused",
        dose="1 tablet", reason="Said his tummy hurt",
    )  # fmt: skip
    administration_record(
        actor=world.alice, client_id=uuid.uuid4(), medicine_id=world.inhaler.pk,
        given_at=timezone.make_aware(dt.datetime(2026, 11, 18, 9, 30)), outcome="given",
        dose="2 puffs", reactions="None seen",
    )  # fmt: skip
    r = as_user(world.pat).get(f"/family/children/{world.ben.pk}/mar/?month=2026-11")
    assert r.status_code == 200
    diary = _diary(said(r))
    entries = [
        "Wednesday 18 November "
        "Methylphenidate 10 mg at 12:00: due later today. "
        "Salbutamol 100 micrograms per puff, when needed: given at 09:30 by Alice Assistant "
        "(2 puffs). Any reaction: None seen.",
        "Tuesday 17 November "
        "Methylphenidate 10 mg at 12:00: no record. The school has not recorded giving this "
        "dose.",
        "Monday 16 November "
        "Methylphenidate 10 mg at 12:00: Ben refused it (Said his tummy hurt). Recorded at "
        "12:05 by Alice Assistant.",
        "Saturday 14 and Sunday 15 November "
        "School closed (weekend or holiday): no medicine was due at school.",
        "Friday 13 November Methylphenidate 10 mg at 12:00: no record.",
    ]
    for entry in entries:
        assert entry in diary, entry
    positions = [diary.index(entry) for entry in entries]
    assert positions == sorted(positions)  # newest first
    assert "Thursday 19 November" not in diary  # days to come are not listed
    assert "Sunday 1 November School closed" in diary


def test_the_key_explains_every_square(world, as_user):
    administration_record(
        actor=world.alice, client_id=uuid.uuid4(), medicine_id=world.lunch_med.pk,
        due_at=timezone.make_aware(dt.datetime(2026, 11, 16, 12, 0)),
        given_at=timezone.make_aware(dt.datetime(2026, 11, 16, 12, 5)), outcome="not_given",
        dose="1 tablet", reason="None left in the box",
    )  # fmt: skip
    body = said(as_user(world.pat).get(f"/family/children/{world.ben.pk}/mar/?month=2026-11"))
    key = body[body.index("What each square means") : body.index("Doses at set times")]
    for meaning in (
        "✓ Given. The letters under the tick are the initials of who gave it.",
        "R Ben refused it.",
        "N Not given (the reason is in the day-by-day list below).",
        "✗ No record: the dose was due and the school has not recorded giving it.",
        "… Due later: the time has not come yet.",
        "Blank: nothing was due at school. Shaded columns are weekends and days the school "
        "was closed.",
    ):
        assert meaning in key, meaning
    # Every square of the grid is one of these, and says so to a screen reader.
    grid = body[body.index("Doses at set times") : body.index("When needed")]
    assert "16 Nov: Not given at 12:05 by Alice Assistant" in grid
    assert "14 Nov: school closed, nothing due" in grid
    assert "16 Nov: nothing due" not in grid
    assert "18 Nov: due later" in grid and "19 Nov: due later" in grid
    assert "17 Nov: nothing due" in grid  # before the medicine was on record
    diary = _diary(body)
    assert "Methylphenidate 10 mg at 12:00: not given (None left in the box)." in diary
    assert "Tuesday 17 November Methylphenidate 10 mg at 12:00: nothing due (it had not " in diary


def test_the_key_names_who_gave_each_dose(world, as_user):
    Medicine.objects.filter(pk=world.lunch_med.pk).update(
        created=timezone.make_aware(dt.datetime(2026, 11, 1, 8, 0)), controlled=False
    )
    administration_record(
        actor=world.alice, client_id=uuid.uuid4(), medicine_id=world.lunch_med.pk,
        due_at=timezone.make_aware(dt.datetime(2026, 11, 17, 12, 0)),
        given_at=timezone.make_aware(dt.datetime(2026, 11, 17, 12, 2)), outcome="given",
        dose="1 tablet",
    )  # fmt: skip
    body = said(as_user(world.pat).get(f"/family/children/{world.ben.pk}/mar/?month=2026-11"))
    assert "initials of who gave it: AA is Alice Assistant." in body
    assert (
        "Tuesday 17 November Methylphenidate 10 mg at 12:00: given at 12:02 by Alice Assistant "
        "(1 tablet)." in _diary(body)
    )


def test_half_term_is_one_entry(world, as_user):
    body = said(as_user(world.pat).get(f"/family/children/{world.ben.pk}/mar/?month=2026-10"))
    diary = _diary(body)
    assert (
        "Saturday 24 to Saturday 31 October "
        "School closed (weekend or holiday): no medicine was due at school." in diary
    )
    assert "Friday 23 October" in diary and "Thursday 1 October" in diary
