from django.urls import reverse

# What each role finds in the navigation bar, in order; a person with several roles gets
# the union. Everything else is one tap away from these pages.
NAV = [
    ("my_day", "My day", {"ta", "hlta"}),
    ("medication_due", "Medicines", {"ta", "hlta"}),
    ("care_due", "Care", {"ta", "hlta"}),
    ("teacher_feed", "Feed", {"teacher"}),
    ("overview", "Overview", {"senco", "head"}),
    ("care_today", "Today's care", {"senco", "head"}),
    ("deployment", "Deployment", {"senco", "head"}),
    ("safeguarding_inbox", "Safeguarding", {"dsl"}),
    ("pupil_list", "Pupils", {"ta", "hlta", "teacher", "senco", "head", "dsl"}),
    ("therapy_home", "Therapy", {"therapist"}),
    ("family_home", "My children", {"parent"}),
    ("safeguarding_report", "Report a concern", {"ta", "hlta", "teacher", "senco", "head", "dsl"}),
]


def nav(request):
    """The navigation bar for the person's roles. Reuses the access layer's per-request
    cache of roles; a DSL also gets the count of concerns not yet triaged (one query, DSLs
    only) so a new concern shows on every page; someone with no staff role is asked (one
    query) whether they are a parent."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from sendesk.access import roles_of, schools_where

    roles = {r for _, r in roles_of(user)}
    if not roles:
        from sendesk.family.models import ParentLink

        if ParentLink.objects.filter(user=user, active=True).exists():
            roles = {"parent"}
    badges = {}
    if "dsl" in roles:
        from sendesk.safeguarding.models import Concern

        new = Concern.objects.filter(
            school_id__in=schools_where(user, "safeguarding"), status=Concern.Status.NEW
        ).count()
        if new:
            badges["safeguarding_inbox"] = new
    current = getattr(request.resolver_match, "url_name", None)
    items = [
        {
            "url": reverse(name),
            "label": label,
            "current": name == current,
            "badge": badges.get(name),
        }
        for name, label, who in NAV
        if roles & who
    ]
    # What the person may do, as {capability: school ids}, so a page offers a link only to
    # those who can follow it (a link that leads to "not found" is a dead end):
    # {% if may.give_care %} for a page, {% if pupil.school_id in may.give_care %} for a pupil.
    from sendesk.access import CAPABILITIES

    may = {capability: schools_where(user, capability) for capability in CAPABILITIES}
    return {"nav_roles": roles, "nav_items": items, "may": may}
