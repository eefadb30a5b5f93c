"""The CPD log: the person and the register's keepers add to it; the line manager reads it;
nobody else sees it."""

import datetime as dt
from decimal import Decimal

from sendesk.appraisal.models import CpdEntry
from sendesk.audit.models import AuditEvent

from .conftest import text

ENTRY = {"what": "Observed a colleague's Lego therapy", "done_on": "2026-11-12",
         "hours": "1.5", "reflection": "Try shorter turns."}  # fmt: skip


def test_the_person_adds_to_their_log(team, as_user):
    alice = as_user(team.alice)
    assert "Your training and CPD" in text(alice.get("/cpd/"))
    r = alice.post(f"/cpd/{team.alice.pk}/new/", ENTRY)
    assert r.status_code == 302
    entry = CpdEntry.objects.get()
    assert (entry.user, entry.hours, entry.done_on) == (
        team.alice, Decimal("1.5"), dt.date(2026, 11, 12)
    )  # fmt: skip
    assert AuditEvent.objects.filter(object_type="appraisal.cpdentry", actor=team.alice).exists()
    assert "Lego therapy" in text(as_user(team.hana).get(f"/cpd/{team.alice.pk}/"))
    assert "Lego therapy" in text(as_user(team.senco).get(f"/cpd/{team.alice.pk}/"))


def test_bad_input_keeps_what_was_typed(team, as_user):
    r = as_user(team.alice).post(f"/cpd/{team.alice.pk}/new/",
                                 {**ENTRY, "hours": "lots", "done_on": "2027-01-01"})  # fmt: skip
    assert r.status_code == 422
    body = text(r)
    assert "Give the hours as a number" in body and 'class="error-summary"' in body
    assert "Observed a colleague" in body
    r = as_user(team.alice).post(f"/cpd/{team.alice.pk}/new/", {**ENTRY, "hours": "0"})
    assert r.status_code == 422 and "between 0.25 and 200" in text(r)
    r = as_user(team.alice).post(f"/cpd/{team.alice.pk}/new/", {**ENTRY, "done_on": "2027-01-01"})
    assert r.status_code == 422 and "in the future" in text(r)
    assert not CpdEntry.objects.exists()


def test_who_may_not(team, as_user):
    # The line manager reads but does not write; others neither.
    assert as_user(team.hana).post(f"/cpd/{team.alice.pk}/new/", ENTRY).status_code == 404
    for who in ("bob", "tess", "dsl", "pat", "olga"):
        client = as_user(getattr(team, who))
        assert client.get(f"/cpd/{team.alice.pk}/").status_code == 404
        assert client.post(f"/cpd/{team.alice.pk}/new/", ENTRY).status_code == 404
    assert as_user(team.pat).get("/cpd/").status_code == 404
    assert not CpdEntry.objects.exists()
