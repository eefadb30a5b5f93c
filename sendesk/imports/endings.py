"""What a file's `tobedeleted` rows end, for staff and classes (a OneRoster delta, or a
full file that still lists them): planned with the rest of an import (sendesk.imports.engine)
and written in its transaction (sendesk.imports.services). Nothing is deleted that is
evidence: a member of staff who left keeps their account and roles with a last day, the
way the head ends an account on the staff pages (they cannot sign in from the day after);
a class that ended is kept, with nobody in it. Ended pupils are the leavers' business
(engine._noted_endings).

Which person: matched as the import matches staff (MIS id, then e-mail). What ends:
- a role the file ends (OneRoster 1.2 roles.csv) → that role here, if they keep another;
- the person (users.csv tobedeleted, StaffRow.role "") or their last role here → they left:
  their last day is yesterday, unless they work at another school of the trust too, when
  only their roles here go (their account is the other school's to end).
The school keeps at least one head: a file that would end the last is refused on that row."""

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from sendesk.audit.models import AuditEvent, SecurityEvent
from sendesk.audit.services import record_change, record_security
from sendesk.schools.models import Role, StaffRole, TeachingGroup
from sendesk.signin.accounts import set_last_day, set_roles

from .rows import GroupRow, Problem, StaffRow

UPDATED, UNCHANGED = "updated", "unchanged"


def unknown_class(row: GroupRow) -> Problem:
    """A delta's enrollment for a class neither SENDesk nor the file's classes.csv knows."""
    return Problem(row.at, "classSourcedId", f"No class with the id '{row.source_id}' in "
                   "SENDesk or in this file's classes.csv.")  # fmt: skip


def _known_pupil(ref: str, school) -> str | None:
    if (pk := school.ext_object("pupil", ref)) and pk in school.pupils:
        return pk
    pupil = school.by_upn.get(ref.upper())
    return str(pupil.pk) if pupil is not None else None


def _known_teacher(ref: str, school, users: dict) -> int | None:
    if (pk := school.ext_object("staff", ref)) and pk.isdigit():
        return int(pk)
    user = users.get(ref.lower())
    return user.pk if user is not None else None


def add_leavers(delta: dict, row: GroupRow, group, school, ctx: dict) -> None:
    """The people a delta's ended enrollments take out of a class they are in."""
    _by_id, _by_name, members, taught = school.groups()
    for ref in row.pupils_leaving:
        pk = _known_pupil(ref, school)
        if pk in members[group.pk] and pk not in delta["pupils_leaving"]:
            delta["pupils_leaving"].append(pk)
    for ref in row.teachers_leaving:
        pk = _known_teacher(ref, school, ctx["users"])
        if pk in taught[group.pk] and pk not in delta["teachers_leaving"]:
            delta["teachers_leaving"].append(pk)


def find_group(row: GroupRow, school):
    """The school's group the row names: by the MIS's id, then by name; None if neither."""
    by_id, by_name, _members, _taught = school.groups()
    if (pk := school.ext_object("group", row.source_id)) and pk in by_id:
        return by_id[pk]
    return by_name.get(row.name.lower()) if row.name else None


def plan_group_ending(row: GroupRow, school, plan) -> None:
    _by_id, _by_name, members, taught = school.groups()
    group = find_group(row, school)
    if group is None:
        return  # a class SENDesk never had: nothing to end
    pupils, teachers = sorted(members[group.pk]), sorted(taught[group.pk])
    if not (pupils or teachers):
        plan.item("group", UNCHANGED, group.name, row.at, flags=["ended"])
        return
    plan.group_endings.append((group, pupils, teachers))
    plan.item("group", UPDATED, group.name, row.at, changes=[
        f"class ended: {len(pupils)} pupils and {len(teachers)} teachers taken off it",
    ])  # fmt: skip


def _people(rows: list[StaffRow], school) -> dict:
    """{user pk: {"user", "row", "all", "roles"}} for the ended rows of people SENDesk
    knows; `roles` the ones ended, `all` when the person themselves ended."""
    users = school.users({r.email for r in rows if r.email})
    found = {}
    for row in rows:
        user = users.get(row.email) if row.email else None
        if user is None and (pk := school.ext_object("staff", row.source_id)):
            user = school.users_by_pk.get(pk)
        if user is None:
            continue
        entry = found.setdefault(user.pk, {"user": user, "row": row, "all": False, "roles": set()})
        entry["all"] = entry["all"] or not row.role
        entry["roles"].add(row.role)
    return found


def plan_staff_endings(rows: list[StaffRow], school, plan) -> None:
    ended = [r for r in rows if r.ended]
    if not ended:
        return
    people = _people(ended, school)
    if not people:
        return
    # Roles the same file gives them still (a teacher who becomes an aide) do not end.
    still = defaultdict(set)
    for row in rows:
        if not row.ended:
            still[row.source_id or row.email].add(row.role)
    elsewhere = set(
        StaffRole.objects.filter(user_id__in=list(people))
        .exclude(school_id=school.school_id)
        .values_list("user_id", flat=True)
    )
    heads = set(
        StaffRole.objects.filter(school_id=school.school_id, role=Role.HEAD).values_list(
            "user_id", flat=True
        )
    )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    for pk, entry in people.items():
        _plan_one(entry, still, pk in elsewhere, heads, yesterday, plan)


def _plan_one(entry, still, elsewhere, heads, yesterday, plan) -> None:
    user, row = entry["user"], entry["row"]
    held = set(user.held)
    ending = held if entry["all"] else entry["roles"] & held
    stays = still[row.source_id or row.email]
    ending -= stays
    label = f"{user.full_name} ({user.email})"
    # What they hold once the import is applied: the file's new roles are added first.
    remaining = (held | stays) - ending
    if Role.HEAD in ending and heads <= {user.pk}:
        plan.problems.append(Problem(row.at, "status", f"{user.full_name} is the school's only "
                                     "head or school admin in SENDesk: give the role to someone "
                                     "else before the file ends it."))  # fmt: skip
        return
    if not ending or (not remaining and not elsewhere and _left_by(user, yesterday)):
        plan.item("staff", UNCHANGED, label, row.at)
        return
    if remaining:
        what = {"do": "roles", "roles": sorted(remaining)}
        changes = [f"role {Role(r).label.lower()} ended" for r in sorted(ending)]
    elif elsewhere:
        what = {"do": "roles here", "roles": sorted(ending)}
        changes = ["no longer on the staff here (their other school keeps their account)"]
    else:
        what = {"do": "left", "leaves_on": yesterday}
        changes = [f"left: last day {yesterday:%-d %B %Y}, cannot sign in from today"]
    plan.staff_endings.append({"user": user, **what})
    plan.item("staff", UPDATED, label, row.at, changes=changes)


def _left_by(user, day: dt.date) -> bool:
    return user.leaves_on is not None and user.leaves_on <= day


def write_endings(plan, actor) -> None:
    """Inside the import's transaction: through the staff accounts' own services (their
    security trail, sessions ended) and the audit trail for the classes."""
    for entry in plan.staff_endings:
        user = entry["user"]
        if entry["do"] == "roles":
            set_roles(actor=actor, school_id=plan.school_id, person=user, roles=entry["roles"])
        elif entry["do"] == "left":
            set_last_day(actor=actor, school_id=plan.school_id, person=user,
                         leaves_on=entry["leaves_on"])  # fmt: skip
        else:
            StaffRole.objects.filter(user=user, school_id=plan.school_id).delete()
            record_security(
                SecurityEvent.Kind.ROLE_CHANGED, user=user, actor=actor, request=None,
                school=plan.school_id, added=[], removed=entry["roles"],
            )  # fmt: skip
    pupil_through = TeachingGroup.pupils.through
    teacher_through = TeachingGroup.teachers.through
    for group, pupils, teachers in plan.group_endings:
        pupil_through.objects.filter(teachinggroup=group).delete()
        teacher_through.objects.filter(teachinggroup=group).delete()
        record_change(
            actor=actor, action=AuditEvent.Action.UPDATE, obj=group, school_id=plan.school_id,
            after={"ended": True, "pupils_leaving": pupils,
                   "teachers_leaving": [str(t) for t in teachers]},
        )  # fmt: skip
