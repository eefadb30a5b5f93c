"""The census SEN check: the SEN figures the MIS will send on the next census day (pupils by
provision E/K/N, by primary and secondary need) and what looks wrong in them, pupil by pupil.

It only reads (the pages write the access rows of the pupils it names). Six queries
whatever the number of pupils: the school, its pupils, their needs, their EHC plans, their
SEN status history and the needs changes since the last census, each read once for the
whole school and joined here, so a school of 1,500 costs what one of 15 does.

What the MIS sent last time is not in SENDesk, so "changed since the last
census" is read from SENDesk's own history: the status from the SEN status periods (the
one that covered the census day), the needs from the audit trail (the `before` of the first
needs change after the census day, which every writer of needs records as
pupils.services.pupil_set_needs does)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from sendesk.access import on_roll
from sendesk.audit.models import AuditEvent
from sendesk.plans.models import Plan
from sendesk.pupils.models import NeedCode, Pupil, PupilNeed, SenStatus, SenStatusPeriod
from sendesk.schools.models import School

from .days import CensusDay, last_census, next_census

# The kinds of issue, in the order the page lists them, each with its heading and why it
# matters to the census (what the SENCO reads above the pupils it names).
KINDS = {
    "no_upn": (
        "No UPN in SENDesk",
        "The census names every pupil by their UPN. Add it from the MIS, so that the two "
        "records are known to be the same pupil.",
    ),
    "e_without_plan": (
        "Status E without an EHC plan on record",
        "The census will count these pupils as having an EHC plan, but SENDesk holds no "
        "active EHC plan for them. Record the plan, or correct the status.",
    ),
    "plan_without_e": (
        "An EHC plan on record, but the status is not E",
        "These pupils have an active EHC plan in SENDesk, but their status is K or N, so the "
        "census will not count the plan.",
    ),
    "no_need": (
        "On the SEN register with no need recorded",
        "The census asks for a primary need for every pupil with status K or E.",
    ),
    "nsa_with_plan": (
        "Status E with the need NSA",
        "NSA (SEN support but no specialist assessment) is only for pupils with status K: "
        "a pupil with an EHC plan has an assessed need.",
    ),
    "not_ranked": (
        "Needs not ranked 1, 2, 3…",
        "The census sends the need ranked 1 as the primary need and 2 as the secondary. "
        "Rank them again from 1 with no gaps.",
    ),
    "needs_without_sen": (
        "Needs recorded, but the status is N",
        "The census sends needs only for pupils with status K or E, so these will not be "
        "sent. Check the status.",
    ),
    "status_changed": (
        "SEN status changed since the last census",
        "Check that the MIS shows the same status before it sends the return.",
    ),
    "needs_changed": (
        "Needs changed since the last census",
        "Check that the MIS shows the same needs, in the same order, before it sends the return.",
    ),
    "new_on_register": (
        "New on the SEN register since the last census",
        "These pupils were added with status K or E after the last census day. Check that "
        "the MIS has them with the same status and needs.",
    ),
}
ON_REGISTER = (SenStatus.SUPPORT, SenStatus.EHCP)


@dataclass
class Issue:
    kind: str
    pupil_id: object
    pupil_name: str
    year_group: str
    sen_status: str
    message: str

    @property
    def heading(self) -> str:
        return KINDS[self.kind][0]


@dataclass
class NeedCount:
    code: str
    label: str
    primary_e: int = 0
    primary_k: int = 0
    secondary: int = 0

    @property
    def primary(self) -> int:
        return self.primary_e + self.primary_k


@dataclass
class SenCheck:
    school: School
    today: dt.date
    census: CensusDay
    last: CensusDay
    provision: dict = field(default_factory=dict)  # E/K/N -> pupils
    needs: list = field(default_factory=list)  # NeedCount, in the census's code order
    issues: list = field(default_factory=list)  # Issue, by kind then pupil

    @property
    def on_roll(self) -> int:
        return sum(self.provision.values())

    @property
    def on_register(self) -> int:
        return self.provision[SenStatus.SUPPORT] + self.provision[SenStatus.EHCP]

    @property
    def days_to_census(self) -> int:
        return (self.census.day - self.today).days

    def grouped(self) -> list[tuple[str, str, str, list]]:
        """(kind, heading, why, issues) for each kind with at least one issue."""
        by_kind = defaultdict(list)
        for issue in self.issues:
            by_kind[issue.kind].append(issue)
        return [(k, *KINDS[k], by_kind[k]) for k in KINDS if by_kind[k]]


@dataclass
class _Pupil:
    pk: object
    name: str
    year_group: str
    status: str
    upn: str = ""
    needs: list = field(default_factory=list)  # (rank, code), by rank
    plans: set = field(default_factory=set)  # statuses of their non-closed EHC plans
    periods: list = field(default_factory=list)  # (status, start, end)
    needs_at_census: list | None = None  # None: not changed since the census

    @property
    def codes(self) -> list[str]:
        return [code for _rank, code in self.needs]


def sen_check(school_id: int, today: dt.date | None = None) -> SenCheck:
    """The check of `school_id` for the next census day on or after `today`. The caller has
    already asked the access layer that the user oversees this school."""
    today = today or timezone.localdate()
    check = SenCheck(
        school=School.objects.get(pk=school_id),
        today=today,
        census=next_census(today),
        last=last_census(today),
    )
    pupils = _read(school_id, check.last.day, check.census.day)
    check.provision = {status: 0 for status in SenStatus.values}
    counts = {code: NeedCount(code, label) for code, label in NeedCode.choices}
    for p in pupils:
        check.provision[p.status] = check.provision.get(p.status, 0) + 1
        if p.status in ON_REGISTER:
            _count_needs(counts, p)
        check.issues.extend(_issues(p, check.last))
    check.needs = list(counts.values())
    order = list(KINDS)
    check.issues.sort(key=lambda i: (order.index(i.kind), i.pupil_name.lower()))
    return check


def _read(school_id: int, last: dt.date, census: dt.date) -> list[_Pupil]:
    """The school's pupils on roll on census day with everything the check asks of them, in
    five queries."""
    pupils = {
        row["pk"]: _Pupil(
            pk=row["pk"],
            name=f"{row['preferred_name'] or row['legal_first_name']} {row['legal_last_name']}",
            year_group=row["year_group__name"],
            status=row["sen_status"],
            upn=row["upn"],
        )
        # Leavers are not on the roll the MIS sends (issue 12): those gone by census day,
        # including a leaving recorded ahead of it.
        for row in Pupil.objects.filter(on_roll(None, census), school_id=school_id)
        .order_by("legal_last_name", "legal_first_name", "pk")
        .values(
            "pk",
            "upn",
            "preferred_name",
            "legal_first_name",
            "legal_last_name",
            "sen_status",
            "year_group__name",
        )  # fmt: skip
    }
    of_school = {"pupil__school_id": school_id, "pupil__in": list(pupils)}
    for pupil_id, rank, code in (
        PupilNeed.objects.filter(**of_school).order_by("rank").values_list("pupil", "rank", "code")
    ):
        pupils[pupil_id].needs.append((rank, code))
    for pupil_id, status in (
        Plan.objects.filter(**of_school, kind=Plan.Kind.EHCP)
        .exclude(status=Plan.Status.CLOSED)
        .values_list("pupil", "status")
    ):
        pupils[pupil_id].plans.add(status)
    for pupil_id, status, start, end in SenStatusPeriod.objects.filter(**of_school).values_list(
        "pupil", "status", "start", "end"
    ):
        pupils[pupil_id].periods.append((status, start, end))
    # The first needs change after the census day says what the needs were on it.
    after = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    for pupil_id, before in (
        AuditEvent.objects.filter(
            school_id=school_id,
            object_type=Pupil._meta.label_lower,
            at__gte=after,
            before__has_key="needs",
        )
        .order_by("at", "id")
        .values_list("pupil", "before")
    ):
        p = pupils.get(pupil_id)
        if p is not None and p.needs_at_census is None:
            p.needs_at_census = list(before["needs"])
    return list(pupils.values())


def _count_needs(counts: dict, p: _Pupil) -> None:
    """The first need by rank is what the census sends as primary, the second as
    secondary (a gap in the ranks is an issue of its own)."""
    codes = [code for code in p.codes if code in counts]
    if codes:
        if p.status == SenStatus.EHCP:
            counts[codes[0]].primary_e += 1
        else:
            counts[codes[0]].primary_k += 1
    if len(codes) > 1:
        counts[codes[1]].secondary += 1


# The status as the page says it: the census letter first, as the MIS shows it.
WORDS = {"E": "E (EHC plan)", "K": "K (SEN support)", "N": "N (no SEN)"}


def _status_word(status: str) -> str:
    return WORDS.get(status, status)


def _status_on(p: _Pupil, day: dt.date) -> str | None:
    """The status that covered `day` in the pupil's history; None if none did."""
    for status, start, end in p.periods:
        if start <= day and (end is None or end >= day):
            return status
    return None


def _issues(p: _Pupil, last: CensusDay) -> list[Issue]:
    found = [*_upn_issues(p), *_plan_issues(p), *_need_issues(p), *_change_issues(p, last)]
    return [Issue(kind, p.pk, p.name, p.year_group, p.status, message) for kind, message in found]


def _upn_issues(p: _Pupil):
    # An import may bring a pupil without a UPN (flagged "UPN needed" on the pupil page).
    if not (p.upn or "").strip():
        yield "no_upn", "No UPN is recorded."


def _plan_issues(p: _Pupil):
    active = Plan.Status.ACTIVE in p.plans
    if p.status == SenStatus.EHCP and not active:
        if p.plans:
            yield "e_without_plan", "E (EHC plan), but the EHC plan in SENDesk is a draft."
        else:
            yield "e_without_plan", "E (EHC plan), but no EHC plan is recorded in SENDesk."
    if active and p.status != SenStatus.EHCP:
        yield "plan_without_e", f"Has an active EHC plan, but is {_status_word(p.status)}."


def _need_issues(p: _Pupil):
    codes = ", ".join(p.codes)
    if p.status in ON_REGISTER and not p.needs:
        yield "no_need", f"{_status_word(p.status)}, but no need is recorded."
    if p.status == SenStatus.EHCP and "NSA" in p.codes:
        yield "nsa_with_plan", f"E (EHC plan) with the need NSA (needs: {codes})."
    ranks = [rank for rank, _code in p.needs]
    if ranks != list(range(1, len(ranks) + 1)):
        shown = ", ".join(f"{code} {rank}" for rank, code in p.needs)
        yield "not_ranked", f"Needs ranked {shown}: rank them from 1, with no gaps."
    if p.status == SenStatus.NONE and p.needs:
        yield "needs_without_sen", f"N (no SEN), but needs are recorded: {codes}."


def _change_issues(p: _Pupil, last: CensusDay):
    on = f"{last.day:%-d %B %Y}"
    then = _status_on(p, last.day)
    if then is None:
        # No status covered the census day: new since then, if their history starts after
        # it (a pupil without any history is not known to be new).
        if p.periods and p.status in ON_REGISTER and min(s for _, s, _ in p.periods) > last.day:
            yield "new_on_register", f"Added after the census of {on}, as {_status_word(p.status)}."
    elif then != p.status:
        yield (
            "status_changed",
            f"{_status_word(then)} at the census of {on}; {_status_word(p.status)} now.",
        )
    # Needs of a pupil now off the register are not sent: the status change says enough.
    changed = p.needs_at_census is not None and p.needs_at_census != p.codes
    if changed and p.status in ON_REGISTER:
        was = ", ".join(p.needs_at_census) or "none"
        yield (
            "needs_changed",
            f"Needs at the census of {on}: {was}. Now: {', '.join(p.codes) or 'none'}.",
        )
