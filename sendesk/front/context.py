from django.urls import reverse

from sendesk.lib.registry import declared
from sendesk.schools.capabilities import capabilities, roles_of, schools_where


def nav_entries() -> list:
    """Every app's navigation entries (AppConfig.nav: place, URL name, label, roles), in
    place order. What each role finds in the bar; a person with several roles gets the
    union. Everything else is one tap away from these pages."""
    return sorted((entry for entries in declared("nav") for entry in entries), key=lambda e: e[0])


def nav(request):
    """The navigation bar for the person's roles. Reuses the per-request cache of roles;
    apps may add a role that is not a staff role (family: a parent, asked only of someone
    with no staff role, one query) and badges (safeguarding: the DSL's new concerns)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = {r for _, r in roles_of(user)}
    if not roles:
        for extra_roles in declared("nav_roles"):
            roles |= extra_roles(user)
    badges = {}
    for badges_of in declared("nav_badges"):
        badges.update(badges_of(user, roles))
    current = getattr(request.resolver_match, "url_name", None)
    items = [
        {
            "url": reverse(name),
            "label": label,
            "current": name == current,
            "badge": badges.get(name),
        }
        for _, name, label, who in nav_entries()
        if roles & who
    ]
    # What the person may do, as {capability: school ids}, so a page offers a link only to
    # those who can follow it (a link that leads to "not found" is a dead end):
    # {% if may.give_care %} for a page, {% if pupil.school_id in may.give_care %} for a pupil.
    may = {capability: schools_where(user, capability) for capability in capabilities()}
    return {"nav_roles": roles, "nav_items": items, "may": may}
