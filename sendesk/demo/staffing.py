"""The demo school's staff records: every adult's post, grade and band, contract and
weekly working pattern, qualifications, line manager, and a single central record that is
complete but for ONE gap (the last TA of the HLTA's team has no right-to-work check), so
that the head's page has something to show.

Contracts follow the seeds' job descriptions: TAs 08:30-15:30, most term time only at
31.67 h for 38 weeks plus 2 INSET days; ta2 a 30 h fixed term ending next summer; ta3 36 h
term time plus 5 days; a part-time TA three days a week. hlta@ line-manages ta1-ta4, the
SENCO the other TAs, the head the teachers, the SENCO, the DSL and the HLTA.

Called once per school by the generator, right after the staff exist; a few bulk inserts
whatever the number of staff. Every date is a school day before today."""

import datetime as dt
import random
from decimal import Decimal

from sendesk.staff.models import CentralCheck, StaffMember, WorkingDay

Post, Band = StaffMember.Post, StaffMember.Band
Kind = CentralCheck.Kind
T = dt.time


def _summer_end(builder) -> dt.date:
    """The last day of the summer term ending next (the fixed-term contract's end)."""
    from .generator import academic_year, academic_year_of

    year = academic_year_of(builder.today)
    while True:
        terms, _ = academic_year(year)
        end = terms[-1][2]
        if end > builder.today:
            return end
        year += 1


def _started(builder, rng, years_back: float) -> dt.date:
    back = dt.timedelta(days=int(365 * years_back) + rng.randrange(0, 60))
    return builder.school_day_before(builder.today - back)


def _ta_contract(key: str, index: int, summer_end) -> dict:
    """ta<n>@'s contract and pattern: the seeds' variants on the first three, a part-timer
    on the fifth, the usual term-time contract for the rest."""
    day = {d: (T(8, 30), T(15, 30)) for d in range(1, 6)}
    base = {"hours_per_week": Decimal("31.67"), "weeks_per_year": Decimal("38"),
            "term_time_only": True, "inset_days": 2}  # fmt: skip
    if index == 2:
        day = {d: (T(8, 45), T(15, 15)) for d in range(1, 6)}
        base = {"hours_per_week": Decimal("30"), "weeks_per_year": Decimal("52"),
                "term_time_only": False, "inset_days": 0, "fixed_term_end": summer_end}  # fmt: skip
    elif index == 3:
        day = {d: (T(8, 15), T(15, 45)) for d in range(1, 6)}
        base = {"hours_per_week": Decimal("36"), "weeks_per_year": Decimal("39"),
                "term_time_only": True, "inset_days": 5}  # fmt: skip
    elif index == 5:
        day = {d: (T(8, 30), T(15, 30)) for d in (1, 2, 3)}
        base = {**base, "hours_per_week": Decimal("19")}
    return {"pattern": day, **base}


def _plan(builder, rng) -> list[tuple[str, dict]]:
    """(staff key, the record's values) for every adult of the school."""
    summer_end = _summer_end(builder)
    full_time = {d: (T(8, 0), T(16, 30)) for d in range(1, 6)}
    year_round = {"hours_per_week": Decimal("32.5"), "weeks_per_year": Decimal("52")}
    plan = []
    for key, role in builder.roles.items():
        record = {"pattern": full_time, **year_round, "gcse_english": True, "gcse_maths": True}
        if key == "head":
            record.update(post=Post.LEADER, job_title="Headteacher", grade="L14", years=9)
        elif key == "senco":
            record.update(post=Post.SENCO, job_title="SENCO", grade="UPS3", years=6)
        elif key == "dsl":
            record.update(post=Post.LEADER, job_title="Deputy head and DSL", grade="L6", years=7)
        elif role == "teacher":
            n = int(key.removeprefix("teacher"))
            record.update(post=Post.TEACHER, job_title="Class teacher", grade=f"MPS{1 + n % 6}",
                          years=1 + n % 8, lived_overseas=n == 2)  # fmt: skip
        elif role == "hlta":
            record.update(
                post=Post.HLTA, job_title="Higher Level Teaching Assistant", grade="H4",
                band=Band.HLTA, nvq_level=4, hlta_status="achieved", first_aid="paediatric",
                years=8, **_ta_contract(key, 1, summer_end),
            )  # fmt: skip
        else:
            n = int(key.removeprefix("ta"))
            new = n in (2, 6)  # the fixed-term TA and one other are in their first year
            record.update(
                post=Post.TA, job_title="Teaching Assistant (SEN)",
                grade="H2" if new else "H3", band=Band.INDUCTION if new else Band.BAND_2,
                nvq_level=2 if new else 3, gcse_maths=n != 6,
                first_aid="paediatric" if n % 2 else "", years=0.2 if new else 2 + n % 5,
                **_ta_contract(key, n, summer_end),
            )  # fmt: skip
        plan.append((key, record))
    return plan


def make_staffing(builder) -> dict:
    """Staff records, patterns and the single central record for the builder's school.
    Returns counts for the generator's summary."""
    rng = random.Random(f"{builder.seed}:{builder.index}:staffing")
    staff, roles = builder.staff, builder.roles
    rows, patterns = [], []
    for key, record in _plan(builder, rng):
        pattern = record.pop("pattern")
        years = record.pop("years")
        manager = _line_manager(key, roles[key], staff)
        member = StaffMember(
            school=builder.school, user=staff[key], line_manager=manager,
            started_on=_started(builder, rng, years), **record,
        )  # fmt: skip
        rows.append(member)
        patterns.append(pattern)
    members = StaffMember.objects.bulk_create(rows)
    WorkingDay.objects.bulk_create(
        WorkingDay(member=m, weekday=d, start=s, end=e)
        for m, pattern in zip(members, patterns, strict=True)
        for d, (s, e) in sorted(pattern.items())
    )
    checks = _central_record(builder, rng, members)
    return {"staff_records": len(members), "central_checks": checks}


def _line_manager(key: str, role: str, staff: dict):
    if role == "ta":
        n = int(key.removeprefix("ta"))
        return staff.get("hlta") if n <= 4 and "hlta" in staff else staff["senco"]
    if key == "head":
        return None
    return staff.get("head")


def _the_gap(builder, members):
    """The one check left out: right to work of the HLTA's last TA (ta4@, or the last TA
    at a small school)."""
    tas = [m for m in members if m.post == Post.TA]
    hlta = builder.staff.get("hlta")
    managed = [m for m in tas if hlta and m.line_manager_id == hlta.pk]
    chosen = (managed or tas or members)[-1]
    return chosen.pk, Kind.RIGHT_TO_WORK


def _central_record(builder, rng, members) -> int:
    from sendesk.staff.records import required_checks

    head = builder.staff["head"]
    # The head's own checks were made by someone else (the DSL, standing in for the chair).
    other = builder.staff.get("dsl") or builder.staff["senco"]
    gap = _the_gap(builder, members)
    evidence = {
        Kind.IDENTITY: "Passport seen; copy in HR file",
        Kind.DBS: "Enhanced certificate with children's barred list seen",
        Kind.PROHIBITION: "Teacher services check: no prohibition",
        Kind.RIGHT_TO_WORK: "Passport seen (UK citizen); copy in HR file",
        Kind.OVERSEAS: "Certificate of good conduct and letter of professional standing",
        Kind.QUALIFICATIONS: "Certificates seen; copies in HR file",
        Kind.SECTION_128: "Teacher services check: no section 128 direction",
    }
    rows = []
    for member in members:
        # The checks are made before the first day at work, on school days.
        checker = other if member.user_id == head.pk else head
        before_start = builder.school_day_before(member.started_on - dt.timedelta(days=10))
        for kind in required_checks(member):
            if (member.pk, kind) == gap:
                continue
            day = builder.school_day_before(before_start - dt.timedelta(days=rng.randrange(0, 14)))
            dbs = kind == Kind.DBS
            rows.append(
                CentralCheck(
                    member=member, kind=kind, checked_on=day, checked_by=checker,
                    evidence=f"{evidence[kind]} (ref. HR-{member.pk:04d}-{kind[:3].upper()})",
                    certificate_number=f"{rng.randrange(10**11, 10**12):012d}" if dbs else "",
                    barred_list=dbs, update_service=dbs and rng.random() < 0.6,
                )
            )  # fmt: skip
    CentralCheck.objects.bulk_create(rows)
    return len(rows)
