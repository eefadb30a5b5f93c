"""The demo school's staff records, as the issue's demo asks: every adult has a contract
and a working pattern in the school day; hlta@ line-manages ta1@-ta4@; a term-time 31.67 h
contract, a 30 h fixed term ending next summer, a 36 h term time + 5 days; the single
central record filled but for one gap; every date a school day before today."""

import datetime as dt
from decimal import Decimal

import pytest

from sendesk.demo.generator import SCHOOL_DAYS
from sendesk.demo.oakfield import demo_school
from sendesk.schools.models import Role, StaffRole
from sendesk.staff import records
from sendesk.staff.models import CentralCheck, StaffMember
from tests.world import TODAY

DOMAIN = "oakfield.example"


@pytest.fixture
def seeded(db, now, _shared):
    return _shared.get("seeded")


@pytest.fixture
def staff(seeded):
    school = demo_school()
    rows = records.members(StaffMember.objects.filter(school=school))
    return school, {m.user.email.split("@")[0]: m for m in rows}


def test_every_adult_has_a_record_and_a_pattern_in_the_school_day(staff):
    school, by_key = staff
    # Not employed by the school: the therapist, and the data protection officer (issue 12:
    # a service the school buys in, as most do).
    # Nor the trust SENCO (issue 13), SENCO here too, whom the trust employs centrally.
    adults = set(
        StaffRole.objects.filter(school=school).exclude(role__in=[Role.THERAPIST, Role.DPO])
        .exclude(user__trust_roles__isnull=False)
        .values_list("user__email", flat=True)
    )  # fmt: skip
    assert {f"{key}@{DOMAIN}" for key in by_key} == adults
    for key, member in by_key.items():
        pattern = records.pattern_of(member)
        assert pattern, key
        assert all(dt.time(8, 0) <= s < e <= dt.time(16, 30) for s, e in pattern.values()), key
        hours = Decimal(records.pattern_minutes(member)) / 60
        assert member.hours_per_week <= hours, key
    for key in ("ta1", "ta4", "ta7"):
        assert records.pattern_of(by_key[key])[1] == (dt.time(8, 30), dt.time(15, 30))


def test_line_management(staff):
    _, by_key = staff
    hlta = by_key["hlta"].user
    team = sorted(k for k, m in by_key.items() if m.line_manager_id == hlta.pk)
    assert team == ["ta1", "ta2", "ta3", "ta4"]
    assert by_key["ta5"].line_manager == by_key["senco"].user
    head = by_key["head"].user
    for key in ("teacher1", "senco", "hlta"):
        assert by_key[key].line_manager == head
    assert by_key["hlta"].band == "band3" and by_key["hlta"].grade == "H4"


def test_the_contracts_of_the_seeds(staff):
    _, by_key = staff
    ta1, ta2, ta3 = by_key["ta1"], by_key["ta2"], by_key["ta3"]
    assert (ta1.hours_per_week, ta1.weeks_per_year, ta1.term_time_only, ta1.inset_days) == (
        Decimal("31.67"), Decimal("38"), True, 2,
    )  # fmt: skip
    assert ta2.hours_per_week == 30 and ta2.fixed_term_end is not None
    assert TODAY < ta2.fixed_term_end <= dt.date(TODAY.year + 1, 8, 31)
    assert ta2.fixed_term_end.month == 7
    assert (ta3.hours_per_week, ta3.term_time_only, ta3.inset_days) == (Decimal("36"), True, 5)
    assert {m.band for k, m in by_key.items() if k.startswith("ta")} <= {"band1", "band2"}
    assert all(m.started_on <= TODAY and SCHOOL_DAYS.is_school_day(m.started_on)
               for m in by_key.values())  # fmt: skip


def test_the_central_record_has_exactly_one_gap(staff):
    school, by_key = staff
    rows = records.scr_rows(school.pk)
    gaps = [(r.user.email, g) for r in rows for g in r.gaps]
    assert gaps == [(f"ta4@{DOMAIN}", "Right to work in the UK: not recorded")]
    for check in CentralCheck.objects.filter(member__school=school):
        assert check.checked_on < TODAY and SCHOOL_DAYS.is_school_day(check.checked_on)
        assert check.checked_on <= check.member.started_on
