"""The import engine: what a parsed file (sendesk.imports.rows.Parsed) would do to a
school's records — the plan — and doing it.

Planning only reads (a handful of queries whatever the file's size) and finds every
problem with its file, row and field. Applying runs the plan again against the records as
they are then, inside the caller's transaction, and writes only when it has no problem: all
or nothing. The same file twice plans nothing the second time (idempotent): people are
matched by the MIS's own id (ExternalId) first, then the UPN (pupils) or e-mail (staff),
then, for a pupil with no UPN, name and date of birth. Values a file leaves empty are "not
said", never "clear it". SENDesk owns plans, provision, evidence and SEN: an import never
touches the first three, gives a new pupil the file's SEN, and lists a known pupil's
differing SEN for the SENCO (SenDifference) instead of replacing it."""

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from sendesk.accounts.models import User
from sendesk.pupils.models import (
    NeedCode,
    Pupil,
    PupilNeed,
    SenStatus,
    SenStatusPeriod,
    TimelineEntry,
    TimelineKind,
)
from sendesk.pupils.upn import upn_error
from sendesk.schools.models import Role, StaffRole, TeachingGroup, Term, YearGroup

from . import endings
from .models import ExternalId, SenDifference
from .rows import At, ContactRow, GroupRow, Parsed, Problem, PupilRow, StaffRow, TermRow

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
LABELS = {
    "legal_first_name": "first name", "legal_last_name": "last name",
    "preferred_name": "preferred name", "date_of_birth": "date of birth",
    "year_group": "year group", "upn": "UPN",
}  # fmt: skip


def year_name(ordinal: int) -> str:
    return "Reception" if ordinal == 0 else f"Year {ordinal}"


@dataclass
class Plan:
    school_id: int
    problems: list[Problem] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)  # what the preview page lists
    new_years: set[int] = field(default_factory=set)
    new_pupils: list[PupilRow] = field(default_factory=list)
    pupil_updates: list[tuple[Pupil, dict]] = field(default_factory=list)
    # (pupil, row, SENDesk's ranked needs now)
    sen_differences: list[tuple[Pupil, PupilRow, list]] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (of, source id, obj id)
    staff: dict = field(default_factory=dict)  # email -> {"row", "user", "held", "roles"}
    new_groups: list[tuple[GroupRow, list, list]] = field(default_factory=list)
    group_changes: list[tuple[TeachingGroup, GroupRow, dict]] = field(default_factory=list)
    new_terms: list[TermRow] = field(default_factory=list)
    term_updates: list[tuple[Term, dict]] = field(default_factory=list)
    new_contacts: list[tuple[ContactRow, object]] = field(default_factory=list)
    contact_updates: list[tuple[object, dict]] = field(default_factory=list)
    # What a file's `tobedeleted` rows end (sendesk.imports.endings).
    staff_endings: list[dict] = field(default_factory=list)
    group_endings: list[tuple[TeachingGroup, list, list]] = field(default_factory=list)
    # Pupils a row says left (OneRoster `tobedeleted`): recorded as leavers when applied.
    leavings: list[tuple[Pupil, PupilRow]] = field(default_factory=list)

    def item(self, what, action, name, at: At, changes=(), flags=()):
        self.items.append({
            "what": what, "action": action, "name": name, "file": at.file, "row": at.row,
            "changes": list(changes), "flags": list(flags),
        })  # fmt: skip

    @property
    def counts(self) -> dict:
        counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0, "errors": len(self.problems)}
        for item in self.items:
            counts[item["action"]] += 1
        return counts

    def sen_items(self) -> list[dict]:
        return [i for i in self.items if "SEN differs" in i["flags"]]


def _needs_of(row: PupilRow) -> list[str]:
    return [n.code for n in sorted(row.needs, key=lambda n: n.rank)]


class _School:
    """What the plan compares a file with: the school's records, read in a few queries."""

    def __init__(self, school_id: int):
        self.school_id = school_id
        pupils = list(Pupil.objects.filter(school_id=school_id))
        self.pupils = {str(p.pk): p for p in pupils}
        self.by_upn = {p.upn: p for p in pupils if p.upn}
        self.by_name_dob = {
            (p.legal_first_name.lower(), p.legal_last_name.lower(), p.date_of_birth): p
            for p in pupils
            if not p.upn
        }
        self.needs = defaultdict(list)
        for pupil_id, code in (
            PupilNeed.objects.filter(pupil__school_id=school_id)
            .order_by("pupil_id", "rank")
            .values_list("pupil_id", "code")
        ):
            self.needs[str(pupil_id)].append(code)
        self.ext = {
            (of, sid): obj
            for of, sid, obj in ExternalId.objects.filter(school_id=school_id).values_list(
                "of", "source_id", "object_id"
            )
        }
        self.years = {y.ordinal: y for y in YearGroup.objects.filter(school_id=school_id)}
        # The differences a later file must not raise again: one still open, or one the
        # SENCO decided to keep SENDesk's for (the same file values).
        self.decided = defaultdict(list)
        for pupil_id, status, needs in SenDifference.objects.filter(
            school_id=school_id,
            decision__in=[SenDifference.Decision.OPEN, SenDifference.Decision.KEPT],
        ).values_list("pupil_id", "file_status", "file_needs"):
            self.decided[str(pupil_id)].append((status, needs))
        self._groups = None
        self._users = None

    def has_left(self, ref) -> bool:
        """Whether `ref` (a pupil id from _resolve_pupil) is a leaver: their record is kept
        read-only, so a file adds nothing to it (no contact, no class)."""
        pupil = self.pupils.get(ref)
        return pupil is not None and pupil.has_left

    def ext_object(self, of: str, source_id: str):
        return self.ext.get((of, source_id)) if source_id else None

    def groups(self):
        if self._groups is None:
            groups = list(TeachingGroup.objects.filter(school_id=self.school_id))
            pupils = TeachingGroup.pupils.through.objects.filter(teachinggroup__in=groups)
            teachers = TeachingGroup.teachers.through.objects.filter(teachinggroup__in=groups)
            members, taught = defaultdict(set), defaultdict(set)
            for gid, pid in pupils.values_list("teachinggroup_id", "pupil_id"):
                members[gid].add(str(pid))
            for gid, uid in teachers.values_list("teachinggroup_id", "user_id"):
                taught[gid].add(uid)
            self._groups = (
                {str(g.pk): g for g in groups},
                {g.name.lower(): g for g in groups},
                members,
                taught,
            )
        return self._groups

    def users(self, emails=()):
        """{email: user} for these addresses and for the staff the MIS ids name, each with
        `held` (their roles here). Two queries, on the first call; plan_import asks once
        with every address the file names."""
        if self._users is None:
            ids = [int(o) for (of, _), o in self.ext.items() if of == "staff" and o.isdigit()]
            found = list(User.objects.filter(Q(email__in=list(emails)) | Q(pk__in=ids)))
            held = defaultdict(set)
            for uid, role in StaffRole.objects.filter(
                school_id=self.school_id, user__in=found
            ).values_list("user_id", "role"):
                held[uid].add(role)
            for u in found:
                u.held = held[u.pk]
            self._users = {u.email: u for u in found}
            self.users_by_pk = {str(u.pk): u for u in found}
        return self._users


# --- Pupils ---------------------------------------------------------------------------------


def _check_pupil(row: PupilRow, plan: Plan) -> bool:
    """Adds the row's own problems to the plan; True when it has none."""
    before = len(plan.problems)

    def problem(name, message):
        plan.problems.append(Problem(row.at, name, message))

    for name, value, limit in (
        ("first_name", row.first_name, 100), ("last_name", row.last_name, 100),
        ("preferred_name", row.preferred_name, 100),
    ):  # fmt: skip
        if name != "preferred_name" and not value.strip():
            problem(name, f"The pupil's {name.replace('_', ' ')} is missing.")
        elif len(value) > limit:
            problem(name, f"Keep this to {limit} characters or fewer (it has {len(value)}).")
    if row.upn and (error := upn_error(row.upn)):
        problem("upn", f"{row.upn} is not a valid UPN. {error}")
    today = timezone.localdate()
    if row.date_of_birth is None:
        pass  # enough for a pupil SENDesk knows; a new one needs it (_plan_pupil)
    elif not isinstance(row.date_of_birth, dt.date):
        problem("date_of_birth", "The date of birth is missing.")
    elif row.date_of_birth > today or row.date_of_birth.year < today.year - 25:
        problem("date_of_birth", f"{row.date_of_birth:%-d %B %Y} is not a possible date of "
                "birth for a pupil.")  # fmt: skip
    if row.sen_status is not None and row.sen_status not in SenStatus.values:
        problem("sen_status", f"'{row.sen_status}' is not an SEN status: write N, K or E.")
    codes = _needs_of(row)
    for code in codes:
        if code not in NeedCode.values:
            problem("needs", f"'{code}' is not a census need code ({', '.join(NeedCode.values)}).")
    if len(set(codes)) != len(codes) or len({n.rank for n in row.needs}) != len(codes):
        problem("needs", "Each need appears once, ranked 1 (primary) and 2 (secondary).")
    return len(plan.problems) == before


def _match_pupil(row: PupilRow, school: _School) -> Pupil | None:
    if (pk := school.ext_object("pupil", row.source_id)) and pk in school.pupils:
        return school.pupils[pk]
    if row.upn and (pupil := school.by_upn.get(row.upn)) is not None:
        return pupil
    # A pupil imported without a UPN is found again by name and date of birth, also when
    # a later file brings the UPN (which then fills the gap).
    key = (row.first_name.strip().lower(), row.last_name.strip().lower(), row.date_of_birth)
    return school.by_name_dob.get(key)


def _pupil_changes(row: PupilRow, pupil: Pupil, school: _School, plan: Plan) -> dict:
    wanted = {
        "legal_first_name": row.first_name.strip(),
        "legal_last_name": row.last_name.strip(),
        "preferred_name": row.preferred_name.strip(),
        "date_of_birth": row.date_of_birth,
        "upn": row.upn,
    }
    if row.nc_year is not None:
        year = school.years.get(row.nc_year)
        if year is None:
            plan.new_years.add(row.nc_year)
        wanted["year_group"] = year or row.nc_year
    changes = {}
    for name, value in wanted.items():
        if value in ("", None):
            continue  # not said by the file: SENDesk's value stands
        ours = pupil.year_group_id if name == "year_group" else getattr(pupil, name)
        theirs = value.pk if isinstance(value, YearGroup) else value
        if name == "year_group" and isinstance(value, int):
            theirs = None  # a year group still to be made: certainly a change
        if ours != theirs:
            changes[name] = value
    if "upn" in changes and (other := school.by_upn.get(row.upn)) and other.pk != pupil.pk:
        plan.problems.append(
            Problem(row.at, "upn", f"{row.upn} belongs to {other.name} in SENDesk already.")
        )
    if {"legal_first_name", "date_of_birth"} <= changes.keys():
        # A new first name AND a new date of birth is another child under this pupil's UPN
        # or id (a typing slip in the MIS), not a correction: renaming the pupil would hang
        # one child's plans and evidence on another. Said on the row; nothing is written.
        born = date_format(pupil.date_of_birth, "j M Y")
        said = (
            f"In SENDesk this pupil is {pupil.name}, born {born}; this row names another "
            "child (first name and date of birth both differ). Check the UPN or MIS id."
        )
        plan.problems.append(Problem(row.at, "upn", said))
    return changes


def _sen_differs(row: PupilRow, pupil: Pupil, school: _School) -> bool:
    file_needs = _needs_of(row)
    ours = school.needs[str(pupil.pk)]
    # Needs the file leaves empty are not said (as every empty cell is): a status alone
    # never offers to take a pupil's recorded needs away.
    differs = (row.sen_status is not None and row.sen_status != pupil.sen_status) or (
        bool(row.needs) and file_needs != ours
    )
    if not differs:
        return False
    said = (row.sen_status or "", file_needs)
    return said not in [(s, n) for s, n in school.decided[str(pupil.pk)]]


def _plan_pupil(row: PupilRow, school: _School, plan: Plan, seen: dict) -> None:
    if not _check_pupil(row, plan):
        return
    for key, label in ((row.upn, "UPN"), (row.source_id, "MIS id")):
        if key and (first := seen.get((label, key))):
            plan.problems.append(Problem(row.at, "upn" if label == "UPN" else "source_id",
                                         f"This {label} is also on row {first.row}."))  # fmt: skip
            return
        if key:
            seen[(label, key)] = row.at
    name = f"{row.preferred_name or row.first_name} {row.last_name}".strip()
    flags = ["UPN needed"] if not row.upn else []
    pupil = _match_pupil(row, school)
    if _left_alone(pupil, name, row, plan):
        return
    if pupil is None:
        if row.nc_year is None:
            plan.problems.append(Problem(row.at, "year", f"{name} is new to SENDesk: give "
                                         "their year group."))  # fmt: skip
            return
        if row.date_of_birth is None:
            plan.problems.append(Problem(row.at, "date_of_birth", f"{name} is new to SENDesk "
                                         "and the file gives no date of birth: SENDesk needs "
                                         "it to add them."))  # fmt: skip
            return
        if row.nc_year not in school.years:
            plan.new_years.add(row.nc_year)
        plan.new_pupils.append(row)
        plan.item("pupil", CREATED, name, row.at, flags=flags)
        return
    changes = _pupil_changes(row, pupil, school, plan)
    if row.source_id and not school.ext_object("pupil", row.source_id):
        plan.links.append(("pupil", row.source_id, str(pupil.pk)))
    if _sen_differs(row, pupil, school):
        plan.sen_differences.append((pupil, row, school.needs[str(pupil.pk)]))
        flags.append("SEN differs")
    if changes:
        plan.pupil_updates.append((pupil, changes))
    plan.item("pupil", UPDATED if changes else UNCHANGED, name, row.at,
              changes=[LABELS[c] for c in changes], flags=flags)  # fmt: skip


# --- Staff ----------------------------------------------------------------------------------


def _check_staff(row: StaffRow, plan: Plan) -> bool:
    """Adds the row's own problems to the plan; True when it has none."""
    before = len(plan.problems)
    try:
        validate_email(row.email)
    except ValidationError:
        plan.problems.append(Problem(row.at, "email", f"'{row.email}' is not an e-mail "
                                     "address, like name@school.example."))  # fmt: skip
    if not row.full_name.strip() or len(row.full_name) > 150:
        plan.problems.append(Problem(row.at, "full_name", "Give their name (150 characters "
                                     "at most)."))  # fmt: skip
    if row.role not in Role.values or row.role == Role.THERAPIST:
        plan.problems.append(Problem(row.at, "role", f"'{row.role}' is not a staff role."))
    return len(plan.problems) == before


def _plan_staff(rows: list[StaffRow], school: _School, plan: Plan) -> None:
    """One entry per person (a person on two rows, one per role, is one person)."""
    if not rows:
        return
    users = school.users({r.email for r in rows})
    by_source = {obj: sid for (of, sid), obj in school.ext.items() if of == "staff"}
    for row in rows:
        if not _check_staff(row, plan):
            continue
        user = users.get(row.email)
        if user is None and (pk := school.ext_object("staff", row.source_id)):
            user = school.users_by_pk.get(pk)
        entry = plan.staff.setdefault(
            row.email, {"row": row, "user": user, "roles": [], "held": getattr(user, "held", set())}
        )
        if row.role not in entry["roles"]:
            entry["roles"].append(row.role)
        if user is not None and row.source_id and str(user.pk) not in by_source:
            plan.links.append(("staff", row.source_id, str(user.pk)))
    for email, entry in plan.staff.items():
        row, user = entry["row"], entry["user"]
        label = f"{row.full_name} ({email})"
        added = [Role(r).label.lower() for r in entry["roles"] if r not in entry["held"]]
        if user is None:
            plan.item("staff", CREATED, label, row.at, changes=added, flags=["invited by e-mail"])
        elif added:
            plan.item("staff", UPDATED, label, row.at, changes=[f"role {r} added" for r in added])
        else:
            plan.item("staff", UNCHANGED, label, row.at)


# --- Classes and who is in them -------------------------------------------------------------


def _file_pupil_keys(parsed: Parsed) -> set[str]:
    keys = set()
    for row in parsed.pupils:
        keys.update(k for k in (row.upn, row.source_id) if k)
    return keys


def _resolve_pupil(ref: str, school: _School, in_file: set[str]):
    """A pupil id (existing), the ref itself (a pupil of this file, made on apply), or None."""
    if (pk := school.ext_object("pupil", ref)) and pk in school.pupils:
        return pk
    if (pupil := school.by_upn.get(ref.upper())) is not None:
        return str(pupil.pk)
    if ref in in_file or ref.upper() in in_file:
        return ref if ref in in_file else ref.upper()
    return None


def _resolve_teacher(ref: str, school: _School, users: dict, in_file: dict):
    """A user's pk, the e-mail of someone this file invites (made on apply), or None.
    `in_file`: the file's staff, by e-mail and by MIS id -> e-mail."""
    if (pk := school.ext_object("staff", ref)) and pk.isdigit():
        return int(pk)
    email = in_file.get(ref) or ref.lower()
    if (user := users.get(email)) is not None:
        return user.pk
    return email if email in in_file else None


def _plan_group(row: GroupRow, school: _School, plan: Plan, ctx: dict) -> None:
    _by_id, _by_name, members, taught = school.groups()
    if len(row.name) > 60:
        plan.problems.append(Problem(row.at, "class", "Keep a class name to 60 characters."))
        return
    pupils, teachers, before = [], [], len(plan.problems)
    for ref in row.pupil_refs:
        if (got := _resolve_pupil(ref, school, ctx["pupils"])) is None:
            plan.problems.append(Problem(row.at, "pupils", f"No pupil with the UPN or id "
                                         f"'{ref}' in SENDesk or in this file."))  # fmt: skip
        elif not school.has_left(got):  # a leaver joins no class: their record is read-only
            pupils.append(got)
    for ref in row.teacher_refs:
        if (got := _resolve_teacher(ref, school, ctx["users"], ctx["staff"])) is None:
            plan.problems.append(Problem(row.at, "teachers", f"No member of staff with the "
                                         f"e-mail '{ref}': import the staff first."))  # fmt: skip
        teachers.append(got)
    if len(plan.problems) != before:
        return
    group = endings.find_group(row, school)
    if group is None and not row.name:
        plan.problems.append(endings.unknown_class(row))
        return
    if group is None:
        plan.new_groups.append((row, pupils, teachers))
        plan.item("group", CREATED, row.name, row.at,
                  changes=[f"{len(pupils)} pupils", f"{len(teachers)} teachers"])  # fmt: skip
        return
    if row.source_id and not school.ext_object("group", row.source_id):
        plan.links.append(("group", row.source_id, str(group.pk)))
    delta = _membership_delta(group, pupils, teachers, members, taught, plan_delta=ctx["delta"])
    endings.add_leavers(delta, row, group, school, ctx)
    name = row.name or group.name  # a delta may name the class only by its id
    if any(delta.values()):
        plan.group_changes.append((group, row, delta))
        words = [f"{len(v)} {k.replace('_', ' ')}" for k, v in delta.items() if v]
        plan.item("group", UPDATED, name, row.at, changes=words)
    else:
        plan.item("group", UNCHANGED, name, row.at)


def _membership_delta(group, pupils, teachers, members, taught, *, plan_delta) -> dict:
    """Who joins and who leaves. A full file says who is in the class now; a delta file
    only who joins (leaving is its own row, `ended`)."""
    now_pupils, now_teachers = members[group.pk], taught[group.pk]
    return {
        "pupils_joining": [p for p in pupils if p not in now_pupils],
        "pupils_leaving": [] if plan_delta else sorted(now_pupils - set(pupils)),
        "teachers_joining": [t for t in teachers if t not in now_teachers],
        "teachers_leaving": [] if plan_delta else sorted(now_teachers - set(teachers)),
    }


# --- Terms and contacts ---------------------------------------------------------------------


def _plan_term(row: TermRow, school: _School, plan: Plan, terms: dict) -> None:
    if row.end < row.start or not row.name.strip() or len(row.name) > 40:
        plan.problems.append(Problem(row.at, "end" if row.end < row.start else "name",
                                     "A term needs a name (40 characters at most) and an end "
                                     "on or after its start."))  # fmt: skip
        return
    term = None
    if pk := school.ext_object("term", row.source_id):
        term = terms["id"].get(pk)
    term = term or terms["start"].get(row.start)
    if term is None:
        plan.new_terms.append(row)
        plan.item("term", CREATED, row.name, row.at)
        return
    changes = {k: v for k, v in (("name", row.name), ("end", row.end)) if getattr(term, k) != v}
    if row.source_id and not school.ext_object("term", row.source_id):
        plan.links.append(("term", row.source_id, str(term.pk)))
    if changes:
        plan.term_updates.append((term, changes))
    plan.item("term", UPDATED if changes else UNCHANGED, row.name, row.at, changes=list(changes))


def _plan_contact(row: ContactRow, school: _School, plan: Plan, ctx: dict) -> None:
    from sendesk.pupils.models import Contact

    ref = _resolve_pupil(row.pupil_ref, school, ctx["pupils"])
    if ref is None:
        plan.problems.append(Problem(row.at, "pupil", f"No pupil '{row.pupil_ref}' in SENDesk "
                                     "or in this file for this contact."))  # fmt: skip
        return
    if school.has_left(ref):
        plan.item(
            "contact", UNCHANGED, row.name, row.at, flags=["Pupil has left: record kept read-only"]
        )
        return
    limits = (("name", 150), ("relationship", 60), ("phone", 30), ("email", 254))
    for name, limit in limits:
        if len(getattr(row, name)) > limit:
            plan.problems.append(Problem(row.at, name, f"Keep this to {limit} characters."))
            return
    if not row.name.strip():
        plan.problems.append(Problem(row.at, "name", "The contact's name is missing."))
        return
    if ctx.get("contacts") is None:
        ctx["contacts"] = {
            (str(c.pupil_id), c.name.lower()): c
            for c in Contact.objects.filter(pupil__school_id=school.school_id)
        }
    contact = ctx["contacts"].get((ref, row.name.strip().lower()))
    if contact is None:
        plan.new_contacts.append((row, ref))
        plan.item("contact", CREATED, row.name, row.at)
        return
    said = {"relationship": row.relationship, "phone": row.phone, "email": row.email}
    changes = {k: v for k, v in said.items() if v and getattr(contact, k) != v}
    if changes:
        plan.contact_updates.append((contact, changes))
    plan.item("contact", UPDATED if changes else UNCHANGED, row.name, row.at,
              changes=list(changes))  # fmt: skip


def _left_alone(pupil, name, row: PupilRow, plan: Plan) -> bool:
    """A pupil who has left keeps their record read-only (issue 12): a file still listing
    them changes nothing of it, and the preview says why."""
    if pupil is None or not pupil.has_left:
        return False
    plan.item("pupil", UNCHANGED, name, row.at, flags=["Has left: record kept read-only"])
    return True


def _plan_leaving(row: PupilRow, school: _School, plan: Plan) -> None:
    """A row saying the pupil left (OneRoster `tobedeleted`): the pupil becomes a leaver
    when the import is applied (their record then read-only, kept). Unknown to SENDesk, or
    already a leaver: nothing to do."""
    pupil = _match_pupil(row, school)
    if pupil is None:
        return
    name = pupil.name
    if pupil.left_on is not None:
        plan.item("pupil", UNCHANGED, name, row.at, flags=["Leaving already recorded"])
        return
    plan.leavings.append((pupil, row))
    plan.item("pupil", UPDATED, name, row.at, changes=["Left the school"], flags=["Leaving"])


def _noted_endings(parsed: Parsed, plan: Plan) -> list[str]:
    """Rows that say someone left. A pupil's become leavings in the plan (_plan_leaving);
    staff and classes are ended by the import itself (sendesk.imports.endings)."""
    if not plan.leavings:
        return []
    return [f"{len(plan.leavings)} pupil(s) left: applying this records them as leavers "
            "(their records kept, read-only)."]  # fmt: skip


def plan_import(school_id: int, parsed: Parsed) -> tuple[Plan, list[str]]:
    """The plan for `parsed` at this school, and notes to show beside it. Reads only."""
    plan = Plan(school_id=school_id, problems=list(parsed.problems))
    school = _School(school_id)
    seen: dict = {}
    for row in parsed.pupils:
        if row.ended:
            _plan_leaving(row, school, plan)
        else:
            _plan_pupil(row, school, plan, seen)
    emails = {r.email for r in parsed.staff}
    for group in parsed.groups:
        emails.update(r.lower() for r in group.teacher_refs)
    users = school.users(emails) if emails else {}
    _plan_staff([r for r in parsed.staff if not r.ended], school, plan)
    endings.plan_staff_endings(parsed.staff, school, plan)
    ctx = {
        "pupils": _file_pupil_keys(parsed),
        "staff": {
            **{r.email: r.email for r in parsed.staff},
            **{r.source_id: r.email for r in parsed.staff if r.source_id},
        },
        "users": users,
        "delta": parsed.delta,
    }
    for group in parsed.groups:
        if not group.ended:
            _plan_group(group, school, plan, ctx)
        else:
            endings.plan_group_ending(group, school, plan)
    if parsed.terms:
        terms = list(Term.objects.filter(school_id=school_id))
        by = {"id": {str(t.pk): t for t in terms}, "start": {t.start: t for t in terms}}
        for term in parsed.terms:
            _plan_term(term, school, plan, by)
    for contact in parsed.contacts:
        _plan_contact(contact, school, plan, ctx)
    plan.problems.sort(key=lambda p: (p.at.file, p.at.row))
    return plan, [*parsed.notes, *_noted_endings(parsed, plan)]


def new_pupil(row: PupilRow, school_id: int, years: dict) -> Pupil:
    return Pupil(
        id=uuid.uuid4(), school_id=school_id, upn=row.upn,
        legal_first_name=row.first_name.strip(), legal_last_name=row.last_name.strip(),
        preferred_name=row.preferred_name.strip(), date_of_birth=row.date_of_birth,
        year_group=years[row.nc_year], sen_status=row.sen_status or SenStatus.NONE,
    )  # fmt: skip


def pupil_extras(pupil: Pupil, row: PupilRow, actor, today, filename):
    """The SEN history, ranked needs and timeline line of a new pupil."""
    period = SenStatusPeriod(
        pupil=pupil, status=pupil.sen_status, start=min(row.sen_start or today, today)
    )
    needs = [PupilNeed(pupil=pupil, code=code, rank=i) for i, code in
             enumerate(_needs_of(row), start=1)]  # fmt: skip
    line = TimelineEntry(
        pupil=pupil, occurred_at=timezone.now(), kind=TimelineKind.PUPIL,
        title=f"Added to SENDesk from {filename}"[:200], actor=actor, ref_type="pupil",
        ref_id=str(pupil.pk),
    )  # fmt: skip
    return period, needs, line
