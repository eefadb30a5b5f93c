"""Absence is written by one service (deployment.setup.absence_mark), whether the SENCO
marks it on the absence page or the cover API re-plans the day: the same checks, the same
messages, the same rows and audit, from both."""

import datetime as dt

import pytest

from sendesk.audit.models import AuditEvent
from sendesk.deployment import services
from sendesk.deployment.models import StaffAbsence
from sendesk.schools.models import Role

from .school import TUE, WEEK, Small

SAT = WEEK + dt.timedelta(days=5)
FAR = TUE + dt.timedelta(days=400)


@pytest.fixture
def s(world):
    school = Small(world)
    school.ann = school.adult("Ann Able")
    school.bea = school.adult("Bea Bright")
    # A role at the school but no staff record: the planner plans nobody like this.
    school.rory = school._user("ta", "Rory Roleonly", Role.TA)
    school.provision(school.pupil("Eve"), "Eve's 1:1", hours=5)
    services.publish(actor=school.senco, plan=school.plan())
    return school


def _page(client, s, day, ids, reason="sickness"):
    return client.post(
        f"/deployment/absence/?school={s.school.pk}",
        {"date": day.isoformat(), "staff": ids, "reason": reason},
    )


def _api(api, s, day, ids):
    body = {"date": day.isoformat(), "absent_staff_ids": ids, "school_id": s.school.pk}
    return api.post(s.senco, "/deployment/cover", body)


@pytest.mark.parametrize(
    "day, who, message",
    [
        (SAT, "ann", "Saturday is the weekend: nobody is deployed then."),
        (FAR, "ann", "Check the year: absence is marked within a year of today."),
        (TUE, "rory", "These are not members of staff at this school: "),
    ],
)
def test_both_entry_points_refuse_alike(s, as_user, api, day, who, message):
    person = getattr(s, who)
    page = _page(as_user(s.senco), s, day, [person.pk])
    assert page.status_code == 422
    assert message in page.content.decode()
    assert "error-summary" in page.content.decode()
    r = _api(api, s, day, [person.pk])
    assert r.status_code == 422
    assert message in " ".join(r.json()["errors"].values())
    assert not StaffAbsence.objects.filter(school=s.school).exists()


def test_nobody_chosen_is_the_same_message_from_both(s, as_user, api):
    page = _page(as_user(s.senco), s, TUE, [])
    assert "Choose who is absent." in page.content.decode()
    r = _api(api, s, TUE, [])
    assert r.status_code == 422
    assert r.json()["errors"]["absent_staff_ids"] == "Choose who is absent."


def test_the_page_and_the_api_write_the_same_audited_absence(s, as_user, api):
    assert _page(as_user(s.senco), s, TUE, [s.ann.pk], reason="training").status_code == 200
    r = _api(api, s, TUE, [s.ann.pk, s.bea.pk])
    assert r.status_code == 200, r.content
    rows = {a.staff_id: a for a in StaffAbsence.objects.filter(school=s.school, date=TUE)}
    # The page's reason is kept; the API, which has no reason field, says "other".
    assert rows[s.ann.pk].reason == "training"
    assert (rows[s.bea.pk].reason, rows[s.bea.pk].note) == (
        "other", "Marked absent when cover was planned.",
    )  # fmt: skip
    trail = AuditEvent.objects.filter(object_type="deployment.staffabsence", action="create")
    assert sorted(int(e.object_id) for e in trail) == sorted(a.pk for a in rows.values())
    assert {e.actor_id for e in trail} == {s.senco.pk}
