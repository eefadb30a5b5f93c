"""Reads of staff records (employment, contract, working pattern, qualifications) and the
single central record. What a person may see is decided by staff.access; these only read.
Other apps (the planner, timetables, appraisal) call the contract helpers here rather than
reading StaffMember and WorkingDay themselves.

Every function says what it costs in queries; none grows with the number of staff."""

import csv
import datetime as dt
import io
from decimal import Decimal

from django.db.models import Prefetch, Q

from sendesk.schools.calendar import minutes_between

from .access import roles_at
from .models import CentralCheck, StaffMember, WorkingDay

WEEKDAYS = {1: "Monday", 2: "Tuesday", 3: "Wednesday", 4: "Thursday", 5: "Friday"}


# --- contracts and patterns ---------------------------------------------------------------


def pattern_of(member: StaffMember) -> dict[int, tuple[dt.time, dt.time]]:
    """{ISO weekday: (start, end)} of the member's working pattern. No query when the
    pattern was prefetched (members() does), one otherwise."""
    return {day.weekday: (day.start, day.end) for day in member.pattern.all()}


def contract_minutes(member: StaffMember, weekday: int) -> int:
    """Minutes the member is contracted to be at school on that ISO weekday (0 when they
    do not work that day). As pattern_of for queries."""
    times = pattern_of(member).get(weekday)
    return minutes_between(*times) if times else 0


def pattern_minutes(member: StaffMember) -> int:
    """Minutes a week the pattern covers (breaks included). As pattern_of for queries."""
    return sum(minutes_between(start, end) for start, end in pattern_of(member).values())


def active_on(day: dt.date) -> Q:
    """StaffMember rows employed on `day` (started, not yet left)."""
    return Q(started_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gte=day))


def contracted_on(school_id: int, day: dt.date) -> dict[int, tuple[dt.time, dt.time]]:
    """{user_id: (start, end)} of everyone employed at the school on `day` whose pattern
    has that weekday: who may be deployed that day, and when. One query."""
    if day.isoweekday() > 5:
        return {}
    rows = WorkingDay.objects.filter(
        Q(member__left_on__isnull=True) | Q(member__left_on__gte=day),
        member__school_id=school_id,
        member__started_on__lte=day,
        weekday=day.isoweekday(),
    ).values_list("member__user_id", "start", "end")
    return {user_id: (start, end) for user_id, start, end in rows}


def members(queryset):
    """The StaffMembers of `queryset` with user, line manager and pattern loaded: two
    queries, however many."""
    return list(
        queryset.select_related("user", "line_manager", "school").prefetch_related(
            Prefetch("pattern", queryset=WorkingDay.objects.order_by("weekday"))
        )
    )


def own_records(user) -> list[StaffMember]:
    """The person's own records, one per school they work at. Two queries."""
    return members(StaffMember.objects.filter(user=user).order_by("school__name"))


def qualifications(member: StaffMember) -> list[str]:
    """The member's qualifications in words, for the record and the lists. No query."""
    out = []
    if member.nvq_level:
        out.append(f"NVQ level {member.nvq_level}")
    if member.gcse_english:
        out.append("GCSE English")
    if member.gcse_maths:
        out.append("GCSE maths")
    if member.hlta_status:
        out.append(member.get_hlta_status_display())
    if member.first_aid:
        out.append(member.get_first_aid_display())
    return out


def contract_words(member: StaffMember) -> str:
    """'31.67 h a week, 38 weeks + 2 INSET days, term time only, fixed term to 31 Aug 2027'."""
    hours = member.hours_per_week.normalize()
    weeks = member.weeks_per_year.normalize()
    parts = [f"{hours:f} h a week", f"{weeks:f} weeks a year"]
    if member.inset_days:
        parts[-1] += f" + {member.inset_days} INSET day{'s' if member.inset_days != 1 else ''}"
    if member.term_time_only:
        parts.append("term time only")
    if member.fixed_term_end:
        end = member.fixed_term_end
        parts.append(f"fixed term to {end.day} {end:%b %Y}")
    else:
        parts.append("permanent")
    return ", ".join(parts)


def decorate(rows: list[StaffMember]) -> list[StaffMember]:
    """Adds what the pages show (pattern by weekday, qualifications and contract in words)
    to loaded members. No query."""
    for member in rows:
        pattern = pattern_of(member)
        member.days = [(WEEKDAYS[d], pattern.get(d)) for d in WEEKDAYS]
        member.quals = qualifications(member)
        member.contract = contract_words(member)
        member.pattern_hours = Decimal(pattern_minutes(member)) / 60
    return rows


def api_rows(queryset) -> list[dict]:
    """GET /api/v1/staff items for the members of `queryset` (any schools). Two queries."""
    rows = list(queryset.select_related("user"))
    roles = roles_at((m.school_id, m.user_id) for m in rows)
    return [
        {
            "id": m.user_id,
            "member_id": m.pk,
            "school_id": m.school_id,
            "name": m.user.full_name or m.user.email,
            "roles": roles.get((m.school_id, m.user_id), []),
            "post": m.post,
            "job_title": m.job_title,
            "grade": m.grade,
            "band": m.band,
            "contract_hours": float(m.hours_per_week),
            "line_manager_id": m.line_manager_id,
        }
        for m in rows
    ]


# --- the single central record ------------------------------------------------------------

KIND_LABELS = dict(CentralCheck.Kind.choices)
TEACHING_POSTS = {StaffMember.Post.TEACHER, StaffMember.Post.SENCO, StaffMember.Post.LEADER}


def required_checks(member: StaffMember) -> list[str]:
    """The checks KCSIE asks of this member's post, in the record's order: identity, an
    enhanced DBS with barred list and right to work for everyone; prohibition from
    teaching for teaching work (teachers, the SENCO, leaders, HLTAs who teach classes);
    qualifications where the post needs them; section 128 for management posts; overseas
    checks for anyone who lived or worked abroad. No query."""
    kinds = CentralCheck.Kind
    post = member.post
    needed = {kinds.IDENTITY, kinds.DBS, kinds.RIGHT_TO_WORK}
    if post in TEACHING_POSTS or post == StaffMember.Post.HLTA:
        needed |= {kinds.PROHIBITION, kinds.QUALIFICATIONS}
    if post == StaffMember.Post.LEADER:
        needed.add(kinds.SECTION_128)
    if member.lived_overseas:
        needed.add(kinds.OVERSEAS)
    return [k for k in kinds.values if k in needed]


def gaps_of(member: StaffMember, held: dict[str, CentralCheck]) -> list[str]:
    """What the record lacks for this member, in words: each required check missing, and a
    DBS check without its certificate number or barred-list check. No query."""
    gaps = [
        f"{KIND_LABELS[kind]}: not recorded" for kind in required_checks(member) if kind not in held
    ]
    dbs = held.get(CentralCheck.Kind.DBS)
    if dbs is not None:
        if not dbs.certificate_number:
            gaps.append("Enhanced DBS: no certificate number")
        if not dbs.barred_list:
            gaps.append("Enhanced DBS: barred list not checked")
    return gaps


def scr_rows(school_id: int, day: dt.date | None = None) -> list:
    """The school's single central record: each member of staff employed (on `day`, when
    given; everyone with a record otherwise) with their checks by kind, which are
    required, and the gaps. Two queries."""
    queryset = StaffMember.objects.filter(school_id=school_id)
    if day is not None:
        queryset = queryset.filter(active_on(day))
    rows = list(
        queryset.select_related("user")
        .prefetch_related(
            Prefetch("checks", queryset=CentralCheck.objects.select_related("checked_by"))
        )
        .order_by("user__full_name", "pk")
    )
    for member in rows:
        held = {check.kind: check for check in member.checks.all()}
        required = set(required_checks(member))
        member.cells = [
            {
                "kind": kind,
                "label": label,
                "required": kind in required,
                "check": held.get(kind),
                "gap": kind in required and kind not in held,
            }
            for kind, label in KIND_LABELS.items()
        ]
        member.gaps = gaps_of(member, held)
    return rows


CSV_HEADER = [
    "Name", "Post", "Job title", "Started", "Left", "Check", "Required", "Checked on",
    "Checked by", "Evidence", "DBS certificate", "Barred list", "Update service", "Gaps",
]  # fmt: skip


def scr_csv(rows) -> str:
    """The single central record as CSV, one line per person per check (the shape
    inspectors' templates use), the person's gaps on each of their lines. No query."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for member in rows:
        gaps = "; ".join(member.gaps)
        for cell in member.cells:
            check = cell["check"]
            if check is None and not cell["required"]:
                continue
            is_dbs = cell["kind"] == CentralCheck.Kind.DBS
            writer.writerow(
                [
                    _safe(member.user.full_name or member.user.email),
                    member.get_post_display(),
                    _safe(member.job_title),
                    member.started_on.isoformat(),
                    member.left_on.isoformat() if member.left_on else "",
                    cell["label"],
                    "yes" if cell["required"] else "no",
                    check.checked_on.isoformat() if check else "MISSING",
                    _safe(check.checked_by.full_name) if check else "",
                    _safe(check.evidence) if check else "",
                    _safe(check.certificate_number) if check and is_dbs else "",
                    ("yes" if check.barred_list else "no") if check and is_dbs else "",
                    ("yes" if check.update_service else "no") if check and is_dbs else "",
                    _safe(gaps),
                ]
            )
    return out.getvalue()


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
