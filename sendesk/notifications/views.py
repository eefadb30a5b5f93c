"""The person's notifications (newest first, mark read), their choices of what to hear of
and how, and, for the head, e-mails that could not be sent. Only ever the signed-in
person's own: there is no way to name someone else's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendesk.schools.capabilities import schools_where

from . import preferences, services
from .models import Email, How, Notification

PAGE = 50
ID_LIMIT = 2**63


@login_required
@require_GET
def notifications(request):
    rows = Notification.objects.filter(user=request.user).order_by("-created", "-id")
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    failed = Email.objects.none()
    heads_of = schools_where(request.user, "see_failed_email")
    if heads_of:
        failed = (
            Email.objects.filter(school_id__in=heads_of, status=Email.Status.FAILED)
            .select_related("user")
            .order_by("-created")[:50]
        )
    context = {
        "page": page,
        "unread": services.unread_count(request.user),
        "failed": list(failed),
        "sees_failed": bool(heads_of),
    }
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def mark_read(request):
    """One notification (id=…) or all of them; then back to the list, or on to what the
    notification is about (go=1: the link in the list marks it read on the way)."""
    ids = None
    if request.POST.get("all") != "1":
        try:
            ids = [int(request.POST.get("id", ""))]
        except ValueError:
            ids = []
        # An id no database row can hold (the column is a 64-bit integer) is one that
        # does not exist, not a query that fails.
        if not ids or not 1 <= ids[0] < ID_LIMIT:
            messages.error(request, "That notification was not found.")
            return redirect("notifications")
    services.mark_read(request.user, ids)
    if ids and request.POST.get("go") == "1":
        row = Notification.objects.filter(user=request.user, pk=ids[0]).first()
        if row and url_has_allowed_host_and_scheme(row.url, allowed_hosts=None):
            return redirect(row.url)
    if ids is None:
        messages.success(request, "All your notifications are marked as read.")
    return redirect("notifications")


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    errors = {}
    rows = preferences.choices_of(request.user)
    if request.method == "POST":
        # A kind not sent keeps its choice (the form always sends one per kind).
        wanted = {
            row["kind"]: request.POST[f"how-{row['kind']}"]
            for row in rows
            if f"how-{row['kind']}" in request.POST
        }
        errors = preferences.save_choices(request.user, wanted)
        if not errors:
            messages.success(request, "Your choices are saved.")
            return redirect("notification_settings")
        # Keep what was typed: show the choices as sent, with the error beside each.
        for row in rows:
            row["how"] = wanted.get(row["kind"], row["how"])
    for row in rows:
        row["error"] = errors.get(row["kind"], "")
    return render(
        request,
        "notifications/settings.html",
        {"rows": rows, "options": How.choices, "errors": errors},
        status=400 if errors else 200,
    )
