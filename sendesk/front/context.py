from django.urls import reverse

from sendesk.lib.registry import declared, merged
from sendesk.schools.capabilities import capabilities, roles_of, schools_where, trust_roles_of


def nav_entries() -> list:
    """Every app's navigation entries (AppConfig.nav: place, URL name, label, roles, and
    optionally a group), in place order. What each role finds in the bar; a person with
    several roles gets the union. Everything else is one tap away from these pages."""
    return sorted((entry for entries in declared("nav") for entry in entries), key=lambda e: e[0])


def _grouped(links: list) -> list:
    """The links, with those of one group (staff records, your account) folded into one
    entry where the group's first link would be: the bar stays short for a head or SENCO.
    A group the person has only one link of stays a plain link."""
    items, groups = [], {}
    for link in links:
        name = link.pop("group")
        if not name:
            items.append(link)
        elif name in groups:
            groups[name]["items"].append(link)
        else:
            groups[name] = {"group": name, "items": [link]}
            items.append(groups[name])
    for group in groups.values():
        group["current"] = any(link["current"] for link in group["items"])
    return [
        item["items"][0] if "group" in item and len(item["items"]) == 1 else item for item in items
    ]


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
    # Trust roles (issue 13) come with the school roles, in the same query: they add the
    # trust view's entry only, beside a parent's own (a trust SENCO may be a parent too).
    roles |= trust_roles_of(user)
    badges = {}
    for badges_of in declared("nav_badges"):
        badges.update(badges_of(user, roles))
    # What a badge counts, for screen readers (notifications: "notifications").
    badge_words = merged("nav_badge_words")
    current = getattr(request.resolver_match, "url_name", None)
    items = _grouped(
        [
            {
                "url": reverse(entry[1]),
                "label": entry[2],
                "current": entry[1] == current,
                "badge": badges.get(entry[1]),
                "badge_words": badge_words.get(entry[1], ""),
                "group": entry[4] if len(entry) > 4 else "",
            }
            for entry in nav_entries()
            if roles & entry[3]
        ]
    )
    # What the person may do, as {capability: school ids}, so a page offers a link only to
    # those who can follow it (a link that leads to "not found" is a dead end):
    # {% if may.give_care %} for a page, {% if pupil.school_id in may.give_care %} for a pupil.
    may = {capability: schools_where(user, capability) for capability in capabilities()}
    return {"nav_roles": roles, "nav_items": items, "may": may}
