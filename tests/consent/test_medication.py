"""Issue 11: the consent a medicine needs lives in the consent app. The medicine form's
'consent given by / on' is recorded there as a paper form about that medicine; the dose
rules read it at the moment of giving; a parent's withdrawal stops the next dose at once."""

import datetime as dt
import uuid

from sendesk.consent import selectors
from sendesk.medication.models import Administration, Medicine
from tests.medication.test_senco_pages import MEDICINE
from tests.world import TODAY


def test_the_medicine_form_records_the_consent_in_the_consent_app(world, as_user):
    senco = as_user(world.senco)
    no_consent = {**MEDICINE, "name": "Melatonin", "consent_by": "", "consent_on": ""}
    assert senco.post(f"/pupils/{world.dan.pk}/medicines/new/", no_consent).status_code == 302
    bare = Medicine.objects.get(name="Melatonin")
    assert not bare.has_consent
    assert not selectors.current(world.dan, "medication", ref=bare.consent_ref)

    r = senco.post(f"/pupils/{world.dan.pk}/medicines/new/", MEDICINE)
    assert r.status_code == 302
    m = Medicine.objects.get(name="Midazolam")
    row = selectors.current(world.dan, "medication", ref=m.consent_ref)
    assert (row.decision, row.given_by_name, row.on, row.recorded_by) == (
        "given", "Mr Dale", dt.date(2026, 11, 10), world.senco,
    )  # fmt: skip
    assert m.has_consent and selectors.allows(world.dan, "medication", ref=m.consent_ref)
    assert selectors.allows(world.dan, "medication", ref=bare.consent_ref) is False
    page = senco.get(f"/pupils/{world.dan.pk}/consent/")
    assert b"Medicines at school (one medicine)" in page.content and b"Mr Dale" in page.content


def test_a_parent_withdraws_and_the_next_dose_is_refused(world, as_user):
    pat = as_user(world.pat)
    r = pat.post(
        f"/family/children/{world.ben.pk}/consent/",
        {"kind": "medication", "decision": "withdrawn"},
    )
    # Withdrawn in general: every medicine the parent had agreed to, at once.
    assert r.status_code == 302
    alice = as_user(world.alice)
    assert b"No consent" in alice.get("/medication/").content
    give = alice.post(
        f"/medication/{world.inhaler.pk}/give/",
        {"client_id": str(uuid.uuid4()), "outcome": "given", "dose": "2 puffs",
         "date": TODAY.isoformat(), "time": "10:00"},
    )  # fmt: skip
    assert give.status_code == 409
    assert b"withdrew consent for medicines" in give.content
    assert not Administration.objects.filter(medicine=world.inhaler).exists()


def test_the_senco_daily_list_names_a_medicine_without_consent(world, as_user):
    senco = as_user(world.senco)
    daily = senco.get("/care/today/")
    assert daily.status_code == 200 and b"No parent's consent in force" not in daily.content
    as_user(world.pat).post(
        f"/family/children/{world.ben.pk}/consent/",
        {"kind": "medication", "decision": "withdrawn", "ref": f"medicine:{world.inhaler.pk}"},
    )
    daily = as_user(world.senco).get("/care/today/")
    assert daily.status_code == 200
    assert b"No parent's consent in force" in daily.content
    assert b"Salbutamol" in daily.content
