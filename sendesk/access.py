"""The one access layer. Every page and every API endpoint gets pupil data through these
functions; none re-implements a check.

Rules (README, "Who sees what"):
- TA / HLTA: the pupils they are deployed to today, 1:1 / key adult or through a group.
- HLTA who line-manages TAs (staff.StaffMember.line_manager): also the pupils those TAs
  are deployed to today, to read (issue 9: a line manager sees the pupils their team supports).
- Teacher: the pupils in the teaching groups they teach (and any they are deployed to).
- SENCO, head, DSL: every pupil of their school.
- Nothing at a school where the person holds no role.
- Therapists (the therapy app, therapy.selectors.referred_pupils) and parents
  (children_of) see pupils only through their own pages.
- An agency's professionals (issue 11) are therapists with an agencies.AgencyMember: the
  same referred_pupils, which also asks the parents' current consent to share with the
  referral's agency (consent.selectors.pupils_sharing_with). It lives with the referrals
  because consent sits above this module in the layers; it answers with this module's 404.

- The offline pack (offline.selectors, issue 13) is built on today's scope and the next
  school day's: a TA's device holds the plan, medicines, care plans, emergency steps and
  profiles of the pupils she is deployed to on the next school day too, so the tablet is
  ready before the network is gone (decided: the issue asks for the next school day's
  pupils). Online, such a pupil is still out of her scope until that day.
- A record made offline is judged by its sender's scope on the record's own day
  (scope_on), at most 7 days back: a deployment that has ended since does not refuse it.
- A trust role (trust SENCO, trust lead; issue 13) opens the trust view of its own trusts
  (get_trust) and gives no pupil scope: a pupil the view names links to their page only
  where the person also holds a school role, through the rules above.

Out of scope and nonexistent give the same Http404, so nobody learns that a record exists.
"""

import contextlib
import contextvars
import uuid
from functools import cache

from django.db import connection
from django.db.models import F, Func, IntegerField, Q
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In
from django.http import Http404
from django.utils import timezone

from sendesk.lib.errors import ServiceError
from sendesk.pupils.models import Deployment, Pupil
from sendesk.schools.capabilities import (  # noqa: F401 (re-exported: see below)
    can,
    oversight_school,
    pick_school,
    require,
    roles_of,
    schools_where,
    trust_roles_of,
)
from sendesk.schools.models import Role, TeachingGroup, TrustRole
from sendesk.staff.models import StaffMember

# What each role may do (can, require, schools_where, oversight_school, roles_of) is
# decided by sendesk.schools.capabilities from the roles alone, so it sits below pupils for
# any app to ask; it is re-exported here so that pages keep asking one module.

WHOLE_SCHOOL = {Role.SENCO, Role.HEAD, Role.DSL}

# The day scope is asked on when a caller gives none (scope_on); unset: today.
_scope_day: contextvars.ContextVar = contextvars.ContextVar("scope_day", default=None)


@contextlib.contextmanager
def scope_on(day):
    """Within it, scope asked with no day (pupil_scope, visible_pupils, deployed_pupils,
    team_pupils, on_roll, and so every get_scoped) is the scope on `day`: a record made
    offline is judged by its sender's scope on the record's own day, not on the day it
    arrives (the offline outbox, which bounds how far back `day` may be)."""
    token = _scope_day.set(day)
    try:
        yield
    finally:
        _scope_day.reset(token)


def _day(day):
    return day or _scope_day.get() or timezone.localdate()


def visible_pupils(user, day=None):
    """The pupils `user` may see, as a QuerySet (no query until evaluated; the scope is
    one WHERE clause, so lists stay one query). The rules are pupil_scope's: one place."""
    scope = pupil_scope(user, None, day)
    return Pupil.objects.none() if scope is None else Pupil.objects.filter(scope)


def who_sees(user_ids, pupil, day=None) -> list[int]:
    """Of `user_ids`, the active people who have `pupil` in scope on `day` (today by
    default), in id order: whom a notice naming the child may reach. Scope is asked
    person by person (one query each, plus one for the people): the rules live only in
    pupil_scope, and those asked are a handful (a child's adults, a record's author)."""
    from sendesk.accounts.models import User

    people = User.objects.filter(pk__in={i for i in user_ids if i}, is_active=True).order_by("pk")
    return [u.pk for u in people if visible_pupils(u, day).filter(pk=pupil.pk).exists()]


def pupil_scope(user, pupil_field: str | None = "pupil", day=None) -> Q | None:
    """The pupils `user` may see (the rules in this module's docstring), as a condition on
    each record's own pupil at `pupil_field`, or on Pupil rows themselves with None
    (visible_pupils). Built only from the roles the user holds; its subqueries are plain
    SQL (their tables named from the models) whose rows are bounded by the user's own
    deployments and groups, never by the school's size. None: the user sees no pupil.

    Why not correlated EXISTS built with the ORM: building and compiling that query tree
    cost about 2 ms of Python per request on the large bench school, for SQL that takes
    0.05 ms."""
    roles = roles_of(user)
    # Staff of the school only: a visiting therapist sees pupils through referrals
    # (therapy.selectors.referred_pupils), never through a deployment or the roll.
    member_of = schools_where(user, "school_staff")
    if not member_of:
        return None
    whole = {school for school, role in roles if role in WHOLE_SCHOOL}
    teaches = {school for school, role in roles if role == Role.TEACHER}
    if pupil_field is None:
        school_id, ids = F("school"), "pk__in"
    else:
        school_id, ids = _NotAnIndex(F(f"{pupil_field}__school")), f"{pupil_field}__in"

    def school_in(schools):
        return Q(In(school_id, sorted(schools)))

    if member_of <= whole:
        # Whole-school reading wherever they work (a SENCO, a head): nothing else to ask.
        return school_in(member_of)
    scope = Q(**{ids: deployed_pupils(user, day)})
    # An HLTA reads the pupils of the TAs they line-manage, at the schools where they are
    # an HLTA (line-managing as a teacher elsewhere gives nothing).
    hlta = {school for school, role in roles if role == Role.HLTA}
    if hlta:
        scope |= school_in(hlta) & Q(**{ids: team_pupils(user, day)})
    if teaches:
        taught = RawSQL(_scope_sql(connection.vendor)["taught"], (user.pk,))
        scope |= school_in(teaches) & Q(**{ids: taught})
    # A pupil who has left is no longer anyone's to support or teach (issue 12): only the
    # whole-school roles still read their record.
    scope &= on_roll(pupil_field, day)
    if whole:
        scope |= school_in(whole)
    return scope & school_in(member_of)


def on_roll(pupil_field: str | None = "pupil", day=None) -> Q:
    """The pupils who have not left by `day` (today by default), as a condition on the
    records' pupil at `pupil_field` (None: on Pupil rows): for the lists of who is
    supported, taught, planned for or counted, which leave leavers out."""
    name = "left_on" if pupil_field is None else f"{pupil_field}__left_on"
    day = _day(day)
    return Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gt": day})


def deployed_pupils(user, day=None) -> RawSQL:
    """The ids of the pupils `user` is deployed to on `day` (1:1, key adult, or through a
    group they support), as a subquery: where My day starts. It names pupils, it does not
    vouch for them: ask pupil_scope as well."""
    day = connection.ops.adapt_datefield_value(_day(day))
    return RawSQL(_scope_sql(connection.vendor)["deployed"], (user.pk, day, day) * 2)


def team_pupils(user, day=None) -> RawSQL:
    """The ids of the pupils deployed on `day` to the people `user` line-manages (at the
    school of each deployment, while employed), as a subquery: an HLTA's team."""
    day = connection.ops.adapt_datefield_value(_day(day))
    return RawSQL(_scope_sql(connection.vendor)["team"], (user.pk, day, day) * 2)


class _NotAnIndex(Func):
    """`+column`: the same value, but SQLite does not start a query from an index on it. A
    school's pupils are many; started from them, a page of a teacher's records read every
    pupil of the school (2 ms on the large bench school) instead of their own pupils' rows
    through the (pupil, date) index. PostgreSQL reads it as the column."""

    template = "+%(expressions)s"
    arity = 1
    output_field = IntegerField()


@cache
def _scope_sql(vendor: str) -> dict[str, str]:
    """The pupils a staff member is deployed to on a day (directly, or through a group they
    support) and the pupils of the groups they teach: visible_pupils' three EXISTS, as
    uncorrelated subqueries. Written once per process and database vendor."""
    q = connection.ops.quote_name
    deployments = q(Deployment._meta.db_table)
    col = {name: f"d.{q(Deployment._meta.get_field(name).column)}" for name in
           ("staff", "start", "end", "pupil", "teaching_group", "kind")}  # fmt: skip
    groups = Pupil._meta.get_field("teaching_groups")
    teachers = TeachingGroup._meta.get_field("teachers")
    pupil_groups = q(groups.m2m_db_table())
    pupil_col, group_col = q(groups.m2m_column_name()), q(groups.m2m_reverse_name())
    active = (
        f"{col['staff']} = %s AND {col['start']} <= %s "
        f"AND ({col['end']} IS NULL OR {col['end']} >= %s)"
    )
    deployed = (
        f"SELECT {col['pupil']} FROM {deployments} d "
        f"WHERE {active} AND {col['pupil']} IS NOT NULL "
        f"UNION ALL SELECT tp.{pupil_col} FROM {deployments} d "
        f"INNER JOIN {pupil_groups} tp ON tp.{group_col} = {col['teaching_group']} "
        f"WHERE {active} AND {col['kind']} = '{Deployment.Kind.GROUP.value}'"
    )
    # The same, for the deployments of the people the user line-manages at that school.
    member = {name: q(StaffMember._meta.get_field(name).column)
              for name in ("user", "line_manager", "school", "left_on")}  # fmt: skip
    managed = (
        f"{col['staff']} IN (SELECT sm.{member['user']} FROM "
        f"{q(StaffMember._meta.db_table)} sm WHERE sm.{member['line_manager']} = %s "
        f"AND sm.{member['school']} = d.{q(Deployment._meta.get_field('school').column)} "
        f"AND sm.{member['left_on']} IS NULL)"
    )
    team = deployed.replace(f"{col['staff']} = %s", managed)
    taught = (
        f"SELECT tp.{pupil_col} FROM {q(teachers.m2m_db_table())} tt "
        f"INNER JOIN {pupil_groups} tp ON tp.{group_col} = tt.{q(teachers.m2m_column_name())} "
        f"WHERE tt.{q(teachers.m2m_reverse_name())} = %s"
    )
    return {"deployed": deployed, "taught": taught, "team": team}


def _as_uuid(value):
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Http404 from None


def get_pupil(user, pupil_id) -> Pupil:
    """The pupil, if `user` may see it; Http404 otherwise, whether it exists or not."""
    try:
        return (
            visible_pupils(user).select_related("school", "year_group").get(pk=_as_uuid(pupil_id))
        )
    except Pupil.DoesNotExist:
        raise Http404 from None


def get_pupil_for(user, pupil_id, capability: str) -> Pupil:
    """As get_pupil, and the user must hold `capability` at the pupil's school. Lacking it
    looks the same as the pupil not existing."""
    pupil = get_pupil(user, pupil_id)
    if not can(user, pupil.school_id, capability):
        raise Http404
    return pupil


def scoped(user, queryset, pupil_field: str = "pupil"):
    """Narrow any queryset of pupil records to the pupils `user` may see."""
    return queryset.filter(**{f"{pupil_field}__in": visible_pupils(user)})


def get_scoped(user, queryset, pk, pupil_field: str = "pupil"):
    """One record through its pupil's scope; Http404 if absent or out of scope."""
    if queryset.model._meta.pk.get_internal_type() == "UUIDField":
        pk = _as_uuid(pk)
    # The scope asked of the record's own pupil: the database checks one pupil instead of
    # building the whole school's visible list to fetch one row (measured on the large
    # bench school: 1.3 ms for the IN list), and Python builds only the user's own rules.
    in_scope = pupil_scope(user, pupil_field)
    if in_scope is None:
        raise Http404
    try:
        record = queryset.filter(in_scope).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    # Stamped so that a service handed this object by the page need not check it again
    # (checked_for): one access check per save, not one in the view and one in the service.
    record._scope_checked_for = (user.pk, pupil_field)
    return record


def checked_for(record, user, pupil_field: str = "pupil") -> bool:
    """Whether `record` came from get_scoped for `user` (through `pupil_field`). Anything
    else (an object built or fetched elsewhere) is not, and its caller must check it."""
    return getattr(record, "_scope_checked_for", None) == (user.pk, pupil_field)


def get_school_pupil(user, pupil_id) -> Pupil:
    """A pupil of any school where `user` holds a role, whether or not the pupil is in
    their scope: for reporting a safeguarding concern only, which any staff member may do
    about any pupil of their school. Callers show no records through it."""
    try:
        return Pupil.objects.select_related("school", "year_group").get(
            pk=_as_uuid(pupil_id), school_id__in=schools_where(user, "report_concern")
        )
    except Pupil.DoesNotExist:
        raise Http404 from None


def get_safeguarding(user, queryset, pk):
    """A safeguarding record (a concern, or anything with a school_id) for the DSL team of
    its school; Http404 for everyone else, exactly as if it did not exist."""
    try:
        return queryset.get(pk=_as_uuid(pk), school_id__in=schools_where(user, "safeguarding"))
    except queryset.model.DoesNotExist:
        raise Http404 from None


def get_pupil_for_dsl(user, pupil_id) -> Pupil:
    """A pupil whose safeguarding chronology `user` may read (DSL at the pupil's school)."""
    try:
        return Pupil.objects.select_related("school", "year_group").get(
            pk=_as_uuid(pupil_id), school_id__in=schools_where(user, "safeguarding")
        )
    except Pupil.DoesNotExist:
        raise Http404 from None


def children_of(user):
    """A parent's own children (active links). Parents hold no staff role."""
    if not user.is_authenticated:
        return Pupil.objects.none()
    return Pupil.objects.filter(parent_links__user=user, parent_links__active=True)


def get_child(user, pupil_id) -> Pupil:
    try:
        return children_of(user).select_related("school", "year_group").get(pk=_as_uuid(pupil_id))
    except Pupil.DoesNotExist:
        raise Http404 from None


def trusts_of(user) -> dict[int, list[str]]:
    """Trust id -> the person's trust roles there (issue 13). No query for someone with no
    trust role (read with their school roles: capabilities.trust_roles_of)."""
    if not trust_roles_of(user):
        return {}
    found = {}
    for trust_id, role in TrustRole.objects.filter(user=user).values_list("trust_id", "role"):
        found.setdefault(trust_id, []).append(role)
    return found


def get_trust(user, trust_id=None) -> tuple[int, dict]:
    """(the trust asked for, or the person's first; all their trusts and roles), for the
    trust view (sendesk.trust). Http404 for someone with no trust role, or a trust that is
    not theirs: not found, as for a pupil out of scope."""
    trusts = trusts_of(user)
    if trust_id not in (None, ""):
        try:
            trust_id = int(trust_id)
        except (TypeError, ValueError):
            raise Http404 from None
        if trust_id not in trusts:
            raise Http404
        return trust_id, trusts
    if not trusts:
        raise Http404
    return min(trusts), trusts


def stored_under(actor, model, client_id, *, pupils_of=None):
    """The record of `model` stored under `client_id`, if any. The same device sending
    again gets it back; a client_id already used for a pupil outside the actor's scope is a
    conflict (409) that says nothing of the record. `pupils_of(record)` gives the record's
    pupil ids; by default its `pupil_id`. Costs one or two queries."""
    record = model.objects.filter(client_id=client_id).first()
    if record is None:
        return None
    pupil_ids = pupils_of(record) if pupils_of else [record.pupil_id]
    if not visible_pupils(actor).filter(pk__in=pupil_ids).exists():
        raise ServiceError({"client_id": "This client_id is already used by another record."}, 409)
    return record
