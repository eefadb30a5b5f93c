def nav(request):
    """The roles the person holds, for the navigation bar. Reuses the access layer's
    per-request cache, so it costs no extra query on a page that already checked access."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from sendesk.access import roles_of

    roles = roles_of(user)
    return {"nav_roles": {r for _, r in roles}}
