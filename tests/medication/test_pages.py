"""The medication pages as the named people: the TA's due list and Give form, a pupil's
medication page and MAR, with access rows and query counts that do not grow."""

import datetime as dt
import re
import uuid

import pytest

from sendesk.audit.models import AccessEvent
from sendesk.medication import services as med
from sendesk.medication.models import Administration, Medicine
from sendesk.pupils.models import TimelineEntry

from .conftest import at, count, text


def _give(w, medicine=None, when=None, actor=None, **kw):
    medicine = medicine or w.inhaler
    return med.administration_record(
        actor=actor or w.alice,
        client_id=uuid.uuid4(),
        medicine_id=medicine.pk,
        given_at=when or at(9, 30),
        outcome=kw.pop("outcome", "given"),
        dose=medicine.dose,
        **kw,
    )[0]


# --- Due now -------------------------------------------------------------------------------


def test_alice_sees_bens_medicines_due_today(world, as_user):
    w = world
    r = as_user(w.alice).get("/medication/")
    assert r.status_code == 200
    page = text(r)
    assert "Ben Brown" in page
    assert "Salbutamol" in page and "Can be given now" in page
    assert "Methylphenidate" in page and "Later today" in page
    assert "Controlled: witness needed" in page
    assert f"/medication/{w.inhaler.pk}/give/" in page
    assert "Stock, expiry and consent" not in page  # warnings are for the SENCO and office
    assert AccessEvent.objects.filter(actor=w.alice, pupil=w.ben, what="medication due").exists()


def test_after_a_dose_the_list_says_when_the_next_is_allowed(world, as_user):
    _give(world)
    page = text(as_user(world.alice).get("/medication/"))
    assert "Too soon: next allowed at 13:30" in page
    assert "Last given at 09:30 by Alice Assistant" in page


def test_scheduled_dose_states_through_the_day(world, as_user, now):
    w = world
    # Signed in afresh at each time: more than 30 minutes idle ends a session.
    now.move_to(at(11, 30))
    assert "Due within the hour" in text(as_user(w.alice).get("/medication/"))
    now.move_to(at(12, 30))
    assert "Due now" in text(as_user(w.alice).get("/medication/"))
    now.move_to(at(13, 1))
    client = as_user(w.alice)
    assert "Missed — over an hour late" in text(client.get("/medication/"))
    _give(w, w.lunch_med, when=at(13, 1), witness_id=w.bob.pk, due_at=at(12))
    page = text(client.get("/medication/"))
    assert "Given ✓</strong> by Alice Assistant at 13:01" in page
    assert "Missed" not in page


def test_nothing_is_due_at_the_weekend(world, as_user, now):
    now.move_to(at(12, 30, 3))  # Saturday
    page = text(as_user(world.alice).get("/medication/"))
    assert "Due now" not in page and "12:00" not in page
    assert "Salbutamol" in page  # as-needed medicines go on school trips and clubs too


def test_bob_and_olga_see_no_medicines_of_ben(world, as_user):
    for person in (world.bob, world.olga):
        page = text(as_user(person).get("/medication/"))
        assert "Ben Brown" not in page and "Salbutamol" not in page


def test_the_senco_sees_stock_and_expiry_warnings(world, as_user):
    Medicine.objects.filter(pk=world.inhaler.pk).update(stock=30)
    Medicine.objects.filter(pk=world.lunch_med.pk).update(expiry_date=dt.date(2026, 12, 1))
    page = text(as_user(world.senco).get("/medication/"))
    assert "Low stock: 30 left" in page
    assert "Expires on 1 Dec 2026" in page
    Medicine.objects.filter(pk=world.lunch_med.pk).update(expiry_date=dt.date(2026, 11, 1))
    assert "Expired on 1 Nov 2026" in text(as_user(world.senco).get("/medication/"))
    # Alice sees the expired medicine's dose card, not the school's warning list.
    assert "Stock, expiry and consent" not in text(as_user(world.alice).get("/medication/"))


def test_due_list_query_count_does_not_grow_with_doses_or_pupils(world, as_user, now):
    w = world
    client = as_user(w.senco)
    client.get("/medication/")
    _, few = count(lambda: client.get("/medication/"))
    # More doses and another pupil with medicines.
    _give(w, when=at(2))
    _give(w, when=at(6, 30))
    Medicine.objects.create(
        pupil=w.cara,
        name="Cetirizine",
        form="liquid",
        strength="5 mg/5 ml",
        dose="5 ml",
        route="oral",
        times=["09:00", "13:00"],
        storage="Office",
        expiry_date=dt.date(2027, 1, 1),
        stock=100,
        consent_by="Mr Clark",
        consent_on=dt.date(2026, 9, 1),
    )
    response, many = count(lambda: client.get("/medication/"))
    assert "Cetirizine" in text(response)
    assert many == few


# --- The Give form -------------------------------------------------------------------------


def test_give_form_is_prefilled(world, as_user):
    r = as_user(world.alice).get(f"/medication/{world.inhaler.pk}/give/")
    assert r.status_code == 200
    page = text(r)
    assert 'value="2 puffs"' in page
    assert 'value="10:00"' in page
    assert re.search(r'<input[^>]*name="outcome" value="given"[^>]*checked', page)
    assert "Two puffs of salbutamol every two minutes" in page  # the IHCP's emergency
    assert AccessEvent.objects.filter(actor=world.alice, what="medication give form").exists()


def test_give_form_for_a_slot_names_it(world, as_user, now):
    now.move_to(at(11, 50))
    due = at(12).isoformat()
    r = as_user(world.alice).get(f"/medication/{world.lunch_med.pk}/give/", {"due": due})
    page = text(r)
    assert "This is the <strong>12:00</strong> dose of today." in page
    assert f'name="due_at" value="{due}"' in page
    assert "A controlled drug: a second member of staff" in page
    assert f'<option value="{world.bob.pk}">Bob Assistant</option>' in page
    assert f'<option value="{world.alice.pk}">' not in page


def test_give_form_warns_the_untrained(world, as_user):
    page = text(as_user(world.tess).get(f"/medication/{world.inhaler.pk}/give/"))
    assert "You have no current training in medication administration" in page


def test_a_refused_page_keeps_what_was_typed(world, as_user):
    _give(world)
    r = as_user(world.alice).post(
        f"/medication/{world.inhaler.pk}/give/",
        {
            "client_id": str(uuid.uuid4()),
            "outcome": "given",
            "dose": "2 puffs",
            "date": "2026-11-18",
            "time": "10:00",
            "reactions": "Slight tremor after",
        },
    )
    assert r.status_code == 409
    page = text(r)
    assert "Too soon" in page and "Next dose allowed at <strong>13:30</strong>" in page
    assert "Slight tremor after" in page
    assert Administration.objects.count() == 1


def test_the_give_page_is_404_out_of_scope(world, as_user):
    for person in (world.bob, world.olga, world.theo, world.pat, world.hana):
        client = as_user(person)
        hidden = client.get(f"/medication/{world.inhaler.pk}/give/")
        ghost = client.get(f"/medication/{uuid.uuid4()}/give/")
        assert hidden.status_code == ghost.status_code == 404
        assert hidden.content == ghost.content


# --- A pupil's medication page -------------------------------------------------------------


def test_pupil_medication_page(world, as_user):
    w = world
    _give(w)
    r = as_user(w.alice).get(f"/pupils/{w.ben.pk}/medication/")
    assert r.status_code == 200
    page = text(r)
    for words in (
        "Asthma",
        "Mum (07700 900123)",
        "Salbutamol",
        "Methylphenidate",
        "Class 3A medical box",
        "Recent doses",
        "Medication record (MAR)",
    ):
        assert words in page
    assert "Add a medicine" not in page and "/edit/" not in page
    assert AccessEvent.objects.filter(actor=w.alice, pupil=w.ben, what="medication").exists()
    senco_page = text(as_user(w.senco).get(f"/pupils/{w.ben.pk}/medication/"))
    assert "Add a medicine" in senco_page
    assert f"/medicines/{w.inhaler.pk}/edit/" in senco_page
    assert f"/healthcare-plans/{w.ihcp.pk}/edit/" in senco_page


def test_pupil_medication_page_warns_of_low_stock_and_expiry(world, as_user):
    Medicine.objects.filter(pk=world.inhaler.pk).update(stock=4)
    page = text(as_user(world.alice).get(f"/pupils/{world.ben.pk}/medication/"))
    assert "Low stock: 4 left" in page


# --- The MAR -------------------------------------------------------------------------------


def test_mar_page_shows_the_month(world, as_user, now):
    w = world
    now.move_to(at(12, 4))
    _give(w, w.lunch_med, when=at(12, 4), witness_id=w.bob.pk, due_at=at(12))
    _give(w, when=at(9))
    r = as_user(w.alice).get(f"/pupils/{w.ben.pk}/mar/", {"month": "2026-11"})
    assert r.status_code == 200
    page = text(r)
    assert "Medication administration record" in page and "November 2026" in page
    assert "Methylphenidate 10 mg" in page and "1 tablet at 12:00" in page
    assert "18 Nov: Given by Alice Assistant at 12:04" in page
    assert "As-needed and emergency doses" in page and "Wed 18 Nov, 09:00" in page
    assert "css/care.css" in page and "Print" in page
    assert AccessEvent.objects.filter(actor=w.alice, what="medication record (MAR)").exists()


def test_mar_page_bad_month(world, as_user):
    r = as_user(world.alice).get(f"/pupils/{world.ben.pk}/mar/", {"month": "2026-99"})
    assert r.status_code == 400
    assert "Give the month as YYYY-MM" in text(r)


def test_mar_page_query_count_is_constant(world, as_user, now):
    w = world
    Medicine.objects.filter(pk=w.lunch_med.pk).update(created=at(8, 0, -16))
    client = as_user(w.alice)
    url = f"/pupils/{w.ben.pk}/mar/?month=2026-11"
    client.get(url)
    _, empty = count(lambda: client.get(url))
    # Doses on several days (recorded as the SENCO would correct them, straight in).
    for offset in (-14, -13, -9, -8, -7, -6, -2, -1):
        Administration.objects.create(
            school=w.school,
            pupil=w.ben,
            medicine=w.lunch_med,
            due_at=at(12, 0, offset),
            given_at=at(12, 5, offset),
            outcome="given",
            dose="1 tablet",
            given_by=w.alice,
            witness=w.bob,
            recorded_at=at(12, 6, offset),
        )
    _give(w, when=at(9))
    response, full = count(lambda: client.get(url))
    assert text(response).count("Given by Alice Assistant") == 8
    assert full == empty


def test_timeline_lines_for_doses(world, as_user, now):
    w = world
    _give(w)
    now.move_to(at(12, 10))
    _give(w, w.lunch_med, when=at(12, 10), outcome="refused", reason="Spat it out", due_at=at(12))
    titles = list(
        TimelineEntry.objects.filter(pupil=w.ben, kind="medication").values_list("title", flat=True)
    )
    assert titles == [
        "Methylphenidate refused (Alice Assistant)",
        "Salbutamol 2 puffs given (Alice Assistant)",
    ]
    page = text(as_user(w.tess).get(f"/pupils/{w.ben.pk}/timeline/"))
    assert "Salbutamol 2 puffs given (Alice Assistant)" in page


@pytest.mark.parametrize("person", ["bob", "olga", "theo", "pat", "hana", "nobody"])
def test_pupil_pages_are_404_out_of_scope(world, as_user, person):
    client = as_user(getattr(world, person))
    for path in ("/pupils/{}/medication/", "/pupils/{}/mar/"):
        hidden = client.get(path.format(world.ben.pk))
        ghost = client.get(path.format(uuid.uuid4()))
        assert hidden.status_code == ghost.status_code == 404
        assert hidden.content == ghost.content
