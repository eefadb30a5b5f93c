"""Who sees which HR record: the one place that decides it, for the pages and the API.

Three levels of a staff record, per school (a person with roles at two schools of a
trust has a record at each, and each school's head sees only that school's):
- FULL: the head / school admin, for everyone at their school: the whole record, the
  edit form, and the single central record (identity, DBS, right to work ...).
- WORKING: a line manager for the people they manage, and the SENCO for every team:
  post, grade, contract, pattern, qualifications, line manager. Never identity documents
  or DBS numbers: those are in the single central record, which only FULL sees.
- OWN: the person, for their own record (the working record).
Everyone else: nothing, and a record out of scope answers 404 exactly as one that does
not exist."""

from django.db.models import Q
from django.http import Http404

from sendesk.lib import inputs
from sendesk.schools import capabilities
from sendesk.schools.models import StaffRole

from .models import StaffMember

FULL, WORKING, OWN = "full", "working", "own"

# The capabilities this app adds (StaffConfig.capabilities): the head keeps the staff
# records and the single central record; the SENCO reads every team's working record.
MANAGE_STAFF = "manage_staff"
READ_TEAMS = "read_staff_teams"


def managed_schools(user) -> set[int]:
    """Schools whose staff records (and single central record) `user` keeps. No query
    beyond the per-request roles."""
    return capabilities.schools_where(user, MANAGE_STAFF)


def can_see_scr(user, school_id: int) -> bool:
    """The single central record: the head / school admin of that school, nobody else."""
    return capabilities.can(user, school_id, MANAGE_STAFF)


def scr_school(user, school_id=None) -> int:
    """The school whose single central record `user` may read (the one asked for, or their
    first); Http404 for everyone else."""
    return capabilities.pick_school(managed_schools(user), school_id)


def managed_members(user):
    """The staff records `user` line-manages now: current staff, at schools where `user`
    still works. The one rule for "their line manager" (appraisals, training, the team
    pages, the planner's hand changes). No query until evaluated."""
    if not user.is_authenticated:
        return StaffMember.objects.none()
    return StaffMember.objects.filter(
        line_manager=user,
        left_on__isnull=True,
        school_id__in=sorted(capabilities.schools_where(user, "school_staff")),
    )


def manages(user, school_id: int, person_id) -> bool:
    """Whether `user` is the line manager of `person_id` at the school now. One query."""
    return managed_members(user).filter(school_id=school_id, user_id=person_id).exists()


def line_managed(user, school_id: int) -> set[int]:
    """Ids of the users `user` line-manages at the school (current staff). One query."""
    return set(managed_members(user).filter(school_id=school_id).values_list("user_id", flat=True))


def level_for(user, member: StaffMember) -> str | None:
    """FULL, WORKING, OWN or None (out of scope) for `user` looking at `member`. No query
    beyond the per-request roles."""
    school_id = member.school_id
    if capabilities.can(user, school_id, MANAGE_STAFF):
        return FULL
    if capabilities.can(user, school_id, READ_TEAMS):
        return WORKING
    if member.line_manager_id == user.pk and member.left_on is None:
        return WORKING
    if member.user_id == user.pk:
        return OWN
    return None


def visible_members(user, school_id: int):
    """(queryset of the StaffMembers `user` may list at the school as a team, the level
    they see them at): everyone, FULL for the head / school admin and WORKING for the
    SENCO; otherwise the current people they line-manage, WORKING (their own record, OWN,
    is member_for's or own_records'). The query is not run here."""
    base = StaffMember.objects.filter(school_id=school_id)
    if capabilities.can(user, school_id, MANAGE_STAFF):
        return base, FULL
    if capabilities.can(user, school_id, READ_TEAMS):
        return base, WORKING
    return base.filter(line_manager=user, left_on__isnull=True), WORKING


def visible_q(user) -> Q:
    """StaffMember rows `user` may see at any of their schools (FULL, WORKING or OWN), as
    one filter: everyone at schools where they keep or read the records, their own team,
    and themself. No query beyond the per-request roles."""
    staff_schools = capabilities.schools_where(user, "school_staff")
    whole = capabilities.schools_where(user, MANAGE_STAFF) | capabilities.schools_where(
        user, READ_TEAMS
    )
    return Q(school_id__in=whole) | Q(
        Q(line_manager=user, left_on__isnull=True) | Q(user=user),
        school_id__in=staff_schools,
    )


def member_for(user, member_id) -> tuple[StaffMember, str]:
    """The StaffMember with that id and the level `user` sees it at; Http404 when it does
    not exist or is out of scope (the same answer). One query."""
    member_id = inputs.parse_id(member_id)
    if member_id is None:
        raise Http404
    member = (
        StaffMember.objects.select_related("user", "line_manager", "school")
        .filter(pk=member_id, school_id__in=capabilities.schools_where(user, "school_staff"))
        .first()
    )
    if member is None:
        raise Http404
    level = level_for(user, member)
    if level is None:
        raise Http404
    return member, level


def roles_at(pairs) -> dict[tuple[int, int], list[str]]:
    """{(school_id, user_id): [role, ...]} for those (school_id, user_id) pairs, sorted.
    One query."""
    pairs = set(pairs)
    out: dict[tuple[int, int], list[str]] = {pair: [] for pair in pairs}
    rows = StaffRole.objects.filter(
        school_id__in={s for s, _ in pairs}, user_id__in={u for _, u in pairs}
    ).order_by("role")
    for school_id, user_id, role in rows.values_list("school_id", "user_id", "role"):
        if (school_id, user_id) in out:
            out[(school_id, user_id)].append(role)
    return out
