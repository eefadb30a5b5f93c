def nav(request):
    """The roles the person holds, for the navigation bar. Reuses the access layer's
    per-request cache, so it costs no extra query on a page that already checked access.
    A DSL also gets the count of concerns not yet triaged (one query, DSLs only), so a new
    concern shows on every page they open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from sendesk.access import roles_of, schools_where

    roles = {r for _, r in roles_of(user)}
    context = {"nav_roles": roles}
    if "dsl" in roles:
        from sendesk.safeguarding.models import Concern

        context["nav_new_concerns"] = Concern.objects.filter(
            school_id__in=schools_where(user, "safeguarding"), status=Concern.Status.NEW
        ).count()
    return context
