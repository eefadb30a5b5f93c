"""Issue 11: the medicine page (staff side) says what the parent decided about medicines,
when and by whom, read from the consent app: given, or plainly why the medicine cannot be
given — consent withdrawn (with the day and who), refused, or none recorded. A withdrawal
showed "None recorded" before, as if the parent had never answered."""

import html
import re

from django.utils import timezone
from django.utils.html import strip_tags

from sendesk.consent.models import Consent, Decision
from sendesk.medication.models import Medicine
from tests.medication.test_senco_pages import MEDICINE
from tests.world import TODAY


def _consent_line(page, medicine) -> str:
    """The words of the Consent line on the medicine's card."""
    text = page.content.decode()
    card = text[text.index(f'id="med-{medicine.pk}"') :]
    consent = re.search(r"<dt>Consent</dt><dd>(.*?)</dd>", card, re.S).group(1)
    return " ".join(html.unescape(strip_tags(consent)).split())


def test_given_consent_names_the_day_and_who(world, as_user):
    page = as_user(world.alice).get(f"/pupils/{world.ben.pk}/medication/")
    assert page.status_code == 200
    assert _consent_line(page, world.inhaler) == "Given on 2 Sep 2026 by Mrs Brown"


def test_after_a_parent_withdraws_the_page_says_withdrawn_when_and_by_whom(world, as_user):
    pat = as_user(world.pat)
    r = pat.post(
        f"/family/children/{world.ben.pk}/consent/",
        {"kind": "medication", "decision": "withdrawn"},
    )
    assert r.status_code == 302
    page = as_user(world.alice).get(f"/pupils/{world.ben.pk}/medication/")
    line = _consent_line(page, world.inhaler)
    assert line == (
        f"Withdrawn on {TODAY:%-d %b %Y} by Pat Parent: Salbutamol can't be given because "
        "consent was withdrawn"
    )
    assert "None recorded" not in page.content.decode()
    # The warning at the top says the same, not "no consent recorded".
    assert "No parental consent recorded" not in page.content.decode()
    assert page.content.decode().count("because consent was withdrawn") >= 2


def test_no_consent_at_all_is_none_recorded(world, as_user):
    senco = as_user(world.senco)
    bare = {**MEDICINE, "name": "Melatonin", "consent_by": "", "consent_on": ""}
    assert senco.post(f"/pupils/{world.dan.pk}/medicines/new/", bare).status_code == 302
    melatonin = Medicine.objects.get(name="Melatonin")
    page = senco.get(f"/pupils/{world.dan.pk}/medication/")
    assert _consent_line(page, melatonin) == (
        "None recorded: Melatonin can't be given until a parent's consent is recorded"
    )


def test_a_paper_refusal_after_consent_says_refused(world, as_user, now):
    Consent.objects.create(
        pupil=world.ben, school_id=world.ben.school_id, kind="medication",
        decision=Decision.REFUSED, ref=f"medicine:{world.inhaler.pk}", on=TODAY,
        given_by_name="Mrs Brown", recorded_by=world.senco, recorded_at=timezone.now(),
    )  # fmt: skip
    page = as_user(world.senco).get(f"/pupils/{world.ben.pk}/medication/")
    assert _consent_line(page, world.inhaler) == (
        f"Refused on {TODAY:%-d %b %Y} by Mrs Brown: Salbutamol can't be given"
    )
