"""Which notifications a person wants, and how: their own choice per kind, or the default
for their roles. Defaults (issue 11 left them to us):
- no staff role (parents, visiting professionals without one): an e-mail at once, since
  they do not open SENDesk every day;
- SENCO, head and DSL: the kinds an app marks urgent (`notification_urgent`, e.g. parents
  not yet told of a restraint) by e-mail at once, the rest in one e-mail a day;
- everyone else (TAs, teachers, therapists): in SENDesk only, a badge on every page."""

from django.db import transaction

from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_changes
from sendesk.lib.registry import declared
from sendesk.schools.models import StaffRole

from .models import How, Preference
from .services import kinds

LEADERS = {"senco", "head", "dsl"}


def urgent_kinds() -> set:
    return set().union(*declared("notification_urgent"))


def default_how(kind: str, roles: set) -> str:
    if not roles:
        return How.EMAIL
    if roles & LEADERS:
        return How.EMAIL if kind in urgent_kinds() else How.DIGEST
    return How.APP


def how_for(user_ids, kind_names) -> dict:
    """{(user_id, kind): how} for every pair: two queries whatever the number of people."""
    roles: dict = {u: set() for u in user_ids}
    for user_id, role in StaffRole.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "role"
    ):
        roles[user_id].add(role)
    chosen = {
        (p.user_id, p.kind): p.how
        for p in Preference.objects.filter(user_id__in=user_ids, kind__in=kind_names)
    }
    return {
        (u, k): chosen.get((u, k)) or default_how(k, roles[u]) for u in user_ids for k in kind_names
    }


def choices_of(user) -> list[dict]:
    """Every kind with the person's choice (or default), for the settings page."""
    table = kinds()
    current = how_for({user.pk}, set(table))
    return [
        {"kind": kind, "label": label, "how": current[(user.pk, kind)]}
        for kind, label in sorted(table.items(), key=lambda item: item[1])
    ]


def save_choices(user, wanted: dict) -> dict:
    """Save {kind: how}; returns {kind: message} for what it refused (nothing saved then)."""
    table = kinds()
    errors = {
        kind: "Choose one of the options."
        for kind, how in wanted.items()
        if kind not in table or how not in How.values
    }
    if errors:
        return errors
    with transaction.atomic():
        before = {
            p.kind: p.how
            for p in Preference.objects.select_for_update().filter(user=user, kind__in=wanted)
        }
        changed = []
        for kind, how in wanted.items():
            if before.get(kind) == how:
                continue
            row, _ = Preference.objects.update_or_create(user=user, kind=kind,
                                                         defaults={"how": how})  # fmt: skip
            changed.append((row.pk, {"kind": kind, "how": how, "was": before.get(kind)}))
        # Every write audits. A choice is the person's own, not a school's, but the trail is
        # kept per school: it goes on the trail of each school the person belongs to (as
        # staff, or as a parent of a child there). Someone with none has no trail to join.
        rows = [
            (school_id, None, pk, values)
            for school_id in _schools_of(user)
            for pk, values in changed
        ]
        if rows:
            record_changes(actor=user, action=AuditEvent.Action.UPDATE,
                           object_type="notifications.preference", rows=rows)  # fmt: skip
    return {}


def _schools_of(user) -> list[int]:
    staff = set(StaffRole.objects.filter(user=user).values_list("school_id", flat=True))
    # Through the user's reverse relation: the family app sits above this one.
    family = set(user.children_links.filter(active=True).values_list("pupil__school_id", flat=True))
    return sorted(staff | family)
