"""Staff records for the people of tests/world.py, as the head would have typed them:
- Hana Hlta (HLTA, H4, band 3) line-manages Alice and Bob (TAs, 31.67 h term time);
  Helen Head manages Hana, Tess and Sam. Tom has a record with no line manager.
- Alice's single central record is complete; Bob lacks right to work (the one gap a TA
  can have here); Tess (a teacher) lacks the prohibition check; Hana's DBS check has no
  barred-list check.
- Hana also works at Other School (a second role and record there), managed by nobody;
  Oscar Otherhead is the head there."""

import datetime as dt
from types import SimpleNamespace

import pytest

from sendesk.accounts.models import User
from sendesk.schools.models import Role, StaffRole
from sendesk.staff.models import CentralCheck, StaffMember, WorkingDay
from tests.api.conftest import api, wsgi_app  # noqa: F401  (the API as named people)
from tests.world import PASSWORD

START = dt.date(2024, 9, 3)
TA_DAY = (dt.time(8, 30), dt.time(15, 30))


def member(school, user, *, manager=None, post="ta", title="Teaching Assistant", **extra):
    values = {"hours_per_week": "31.67", "weeks_per_year": 38, "term_time_only": True,
              "inset_days": 2, "grade": "H3", "band": "band2", **extra}  # fmt: skip
    row = StaffMember.objects.create(
        school=school, user=user, post=post, job_title=title, line_manager=manager,
        started_on=START, **values,
    )  # fmt: skip
    WorkingDay.objects.bulk_create(
        WorkingDay(member=row, weekday=d, start=TA_DAY[0], end=TA_DAY[1]) for d in range(1, 6)
    )
    return row


def check(row, kind, by, **extra):
    return CentralCheck.objects.create(
        member=row, kind=kind, checked_on=dt.date(2024, 8, 1), checked_by=by,
        evidence=f"{kind} seen, HR file", **extra,
    )  # fmt: skip


DBS = {"certificate_number": "001234567890", "barred_list": True, "update_service": True}


@pytest.fixture
def hr(world):
    w = world
    alice = member(w.school, w.alice, manager=w.hana, nvq_level=3, gcse_english=True)
    bob = member(w.school, w.bob, manager=w.hana)
    hana = member(w.school, w.hana, manager=w.head, post="hlta", title="HLTA", grade="H4",
                  band="band3", hlta_status="achieved")  # fmt: skip
    tess = member(w.school, w.tess, manager=w.head, post="teacher", title="Class teacher",
                  hours_per_week="32.5", weeks_per_year=52, term_time_only=False, inset_days=0,
                  grade="MPS3", band="")  # fmt: skip
    tom = member(w.school, w.tom, post="teacher", title="Class teacher", grade="MPS1", band="")
    senco = member(w.school, w.senco, manager=w.head, post="senco", title="SENCO", band="")
    for kind in ("identity", "right_to_work"):
        check(alice, kind, w.head)
        check(tess, kind, w.head)
        check(hana, kind, w.head)
    check(alice, "dbs", w.head, **DBS)
    check(bob, "identity", w.head)
    check(bob, "dbs", w.head, **{**DBS, "certificate_number": "009876543210"})
    check(tess, "dbs", w.head, **{**DBS, "certificate_number": "005555555555"})
    check(tess, "qualifications", w.head)
    check(hana, "dbs", w.head, certificate_number="007777777777", barred_list=False)
    check(hana, "prohibition", w.head)
    check(hana, "qualifications", w.head)
    oscar = User.objects.create_user("oscar@other.example", PASSWORD, full_name="Oscar Otherhead")
    StaffRole.objects.create(user=oscar, school=w.other, role=Role.HEAD)
    StaffRole.objects.create(user=w.hana, school=w.other, role=Role.HLTA)
    hana_other = member(w.other, w.hana, post="hlta", title="HLTA (trust outreach)",
                        hours_per_week="6", grade="H4")  # fmt: skip
    return SimpleNamespace(
        alice=alice, bob=bob, hana=hana, tess=tess, tom=tom, senco=senco, oscar=oscar,
        hana_other=hana_other,
    )  # fmt: skip
