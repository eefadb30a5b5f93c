"""Parents' pages: their own children only (access.children_of / get_child), and only
what the school shares with families. Any other pupil answers exactly as a pupil that does
not exist. Every page writes an access row (what="parent view")."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sendesk import access
from sendesk.audit.services import record_access, record_access_many
from sendesk.evidence import selectors as evidence_selectors
from sendesk.homeschool import selectors as homeschool_selectors
from sendesk.medication import mar as mar_module

from . import selectors, words

WHAT = "parent view"


@login_required
@require_GET
def family_home(request):
    children = list(
        access.children_of(request.user)
        .select_related("school", "year_group")
        .order_by("legal_first_name", "legal_last_name")
    )
    if not children:
        raise Http404
    record_access_many(actor=request.user, pupils=children, what=WHAT)
    return render(request, "family/home.html", {"children": children})


@login_required
@require_GET
def family_child(request, pupil_id):
    child = access.get_child(request.user, pupil_id)
    today = timezone.localdate()
    context = {"child": child, "today": today, **selectors.child_page(child, today)}
    context["photos"] = evidence_selectors.for_parent(child, limit=12)
    context["has_diary"] = homeschool_selectors.has_diary(child)  # issue 11: a link to it
    record_access(actor=request.user, pupil=child, what=WHAT)
    return render(request, "family/child.html", context)


@login_required
@require_GET
def family_mar(request, pupil_id):
    """The month's medication administration record, read-only and printable: a day-by-day
    list on a phone, the month's grid on a wide screen and on paper. Nothing on it links
    to staff pages."""
    child = access.get_child(request.user, pupil_id)
    if not selectors.has_medicines(child):
        raise Http404
    today = timezone.localdate()
    month, problem = mar_module.parse_month(request.GET.get("month"), today)
    grid = None if problem else mar_module.mar_grid(child, month)
    record_access(actor=request.user, pupil=child, what=WHAT)
    context = {
        "child": child,
        "name": words.first_name(child),
        "mar": grid,
        "diary": selectors.mar_diary(grid, today) if grid else [],
        "staff_key": selectors.mar_staff(grid) if grid else [],
        "problem": problem,
        "month": month,
        "this_month": today.replace(day=1),
        "now": timezone.now(),
    }
    return render(request, "family/mar.html", context, status=400 if problem else 200)
