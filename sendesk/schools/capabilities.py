"""What each role may do, beyond reading the pupils in its scope: capabilities asked per
school. Only the roles a person holds (one query per request) are needed, so this sits
low, beside the roles, and any app may ask it; sendesk.access builds pupil scope on it.

The base capabilities are here; each app declares the capabilities it adds in its
AppConfig (`capabilities()`), so a new module needs no edit here."""

from functools import cache

from django.db import connection
from django.http import Http404

from sendesk.lib.registry import merged

from .models import Role, StaffRole, TrustRole

# Whole-school reading and oversight.
BASE = {
    "oversee": {Role.SENCO, Role.HEAD},  # register, shortfalls, access log, deployment
    # Employed by the school (not a visiting therapist): own training record, and so on.
    "school_staff": set(Role) - {Role.THERAPIST},
}


@cache
def capabilities() -> dict[str, frozenset[str]]:
    """Every capability and the roles that hold it: the base ones and the apps'."""
    table = {name: frozenset(roles) for name, roles in BASE.items()}
    for name, roles in merged("capabilities").items():
        if name in table:
            raise ValueError(f"The capability {name!r} is declared twice.")
        unknown = set(roles) - set(Role.values)
        if unknown:
            raise ValueError(f"The capability {name!r} names unknown roles {unknown}.")
        table[name] = frozenset(roles)
    return table


def roles_of(user) -> list[tuple[int, str]]:
    """(school_id, role) pairs. Costs one query, once per request (cached on the user)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_sendesk_roles", None)
    if cached is None:
        _read_roles(user)
        cached = user._sendesk_roles
    return cached


def _read_roles(user) -> None:
    """Reads the person's school roles and trust roles (issue 13) in one query, kept on
    the user for the request. In SQL: most pages ask, and the ORM took longer to build the
    query than the database to answer it. Ordered by id, as signin.mfa.step_owed reads
    them too. The trust roles come in the same query (school id empty), so the navigation
    can offer the trust view at no cost; they are kept apart, as no school role."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {q('school_id')}, {q('role')}, 0, {q('id')} "
            f"FROM {q(StaffRole._meta.db_table)} WHERE {q('user_id')} = %s "
            f"UNION ALL SELECT NULL, {q('role')}, 1, {q('id')} "
            f"FROM {q(TrustRole._meta.db_table)} WHERE {q('user_id')} = %s "
            "ORDER BY 3, 4",
            [user.pk, user.pk],
        )
        rows = cursor.fetchall()
    user._sendesk_roles = [(school, role) for school, role, trust, _ in rows if not trust]
    user._sendesk_trust_roles = {role for _, role, trust, _ in rows if trust}


def trust_roles_of(user) -> set[str]:
    """The trust roles ("trust_senco", "trust_lead") the person holds at any trust: read
    with roles_of, so asking both costs one query a request. They open the trust view
    only (sendesk.trust), never a pupil (see TrustRole)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_sendesk_trust_roles", None)
    if cached is None:
        _read_roles(user)
        cached = user._sendesk_trust_roles
    return cached


def remember_roles(user, pairs, trust_roles: set[str] | None = None) -> None:
    """Keep `pairs` as the user's (school_id, role) pairs for this request, for a caller that
    read them with something else in the same query (signin.mfa.step_owed); and their trust
    roles when that caller knows them (None: read when asked)."""
    user._sendesk_roles = list(pairs)
    if trust_roles is not None:
        user._sendesk_trust_roles = set(trust_roles)


def schools_where(user, capability: str) -> set[int]:
    allowed = capabilities()[capability]
    return {school for school, role in roles_of(user) if role in allowed}


def can(user, school_id: int, capability: str) -> bool:
    return school_id in schools_where(user, capability)


def require(user, school_id: int, capability: str) -> None:
    if not can(user, school_id, capability):
        raise Http404


def pick_school(schools, school_id=None) -> int:
    """The school asked for (`school_id`, as sent) if it is one of `schools`, else the
    first of them when none is asked for; Http404 when it is not theirs or they have none."""
    if school_id is not None and school_id != "":
        try:
            school_id = int(school_id)
        except (TypeError, ValueError):
            raise Http404 from None
        if school_id not in schools:
            raise Http404
        return school_id
    if not schools:
        raise Http404
    return min(schools)


def oversight_school(user, school_id=None) -> int:
    """The school whose register / shortfalls / access logs `user` oversees (SENCO, head).
    Http404 for everyone else."""
    return pick_school(schools_where(user, "oversee"), school_id)
