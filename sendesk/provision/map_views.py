"""The provision map pages: the school's map (lines, per-pupil costs, totals against the
notional SEN budget, and the form that sets it), printable, and its two CSV files.

School-wide money, for the SENCO and the head (view_provision_map); for anyone else the
pages answer 404, as the other school-wide pages do."""

import csv
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from sendesk import access
from sendesk.audit.services import record_access_many
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors

from . import budget, costing
from .models import Provision

CAPABILITY = "view_provision_map"


class BudgetForm(forms.Form):
    # Text, not a number field: "£150,000" is how a head types it; the service reads it.
    notional_sen_budget = forms.CharField(
        label="Notional SEN budget (£)",
        required=False,
        max_length=30,
        help_text="This year's figure from the local authority, e.g. 150000. Leave it empty "
        "if you do not know it yet.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def _school(request) -> int:
    return access.pick_school(access.schools_where(request.user, CAPABILITY), _asked(request))


def _asked(request):
    return request.GET.get("school") or request.POST.get("school")


def _kind(request) -> str:
    kind = request.GET.get("kind", "")
    return kind if kind in Provision.Kind.values else ""


@login_required
@require_http_methods(["GET", "POST"])
def provision_map(request):
    school_id = _school(request)
    form, status = BudgetForm(request.POST or None), 200
    if request.method == "POST":
        try:
            budget.budget_set(
                actor=request.user,
                school_id=school_id,
                amount=request.POST.get("notional_sen_budget", ""),
            )
        except ServiceError as error:
            form.is_valid()
            apply_service_errors(form, error)
            status = 422
        else:
            messages.success(request, "Notional SEN budget saved.")
            return redirect(_url("provision_map", school_id, request))
    today = timezone.localdate()
    the_map = costing.provision_map(request.user, school_id, today, kind=_kind(request))
    if request.method == "GET":
        amount = the_map.school.notional_sen_budget
        form = BudgetForm(initial={"notional_sen_budget": "" if amount is None else amount})
    record_access_many(actor=request.user, pupils=[c.pupil for c in the_map.pupils],
                       what="provision map")  # fmt: skip
    context = {
        "map": the_map,
        "form": form,
        "kinds": Provision.Kind.choices,
        "several": len(access.schools_where(request.user, CAPABILITY)) > 1,
        "school_id": school_id,
        "csv_url": _url("provision_map_csv", school_id, request, kind=True),
        "pupils_csv_url": _url("provision_map_pupils_csv", school_id, request),
    }
    return render(request, "provision/map.html", context, status=status)


def _url(name, school_id, request, *, kind=False) -> str:
    query = [f"school={school_id}"] if _asked(request) else []
    if kind and _kind(request):
        query.append(f"kind={_kind(request)}")
    return reverse(name) + ("?" + "&".join(query) if query else "")


# --- CSV ---------------------------------------------------------------------------------

# A spreadsheet runs a cell that starts with one of these as a formula: a title typed as
# "=HYPERLINK(...)" must arrive as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """A cell for the CSV: text that a spreadsheet would read as a formula is prefixed with
    a quote; numbers (plain, two decimals for money) and empty cells as they are."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_START) else value
    return value


def _csv(filename: str, header, rows) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe(cell) for cell in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(the_map, what: str) -> str:
    school = slugify(the_map.school.name) or "school"
    return f"{what}-{school}-{timezone.localdate().isoformat()}.csv"


LINE_HEADER = [
    "Provision", "Kind", "Source", "Staffing", "Staff", "Hours a week", "Group size",
    "Cost per hour", "Pupils", "Pupil names", "Groups", "Cost a week", "Cost per pupil a week",
    "Cost this year", "Note",
]  # fmt: skip


def _line_row(line) -> list:
    return [
        line.title, line.kind_label, line.source_label, line.staffing_label,
        "; ".join(line.staff), costing.money(line.hours_per_week), line.group_size,
        line.cost_per_hour, len(line.rows), "; ".join(p.name for p in line.pupils),
        line.groups, line.cost_week, line.cost_per_pupil, line.cost_year,
        "" if line.costed else costing.NO_COST,
    ]  # fmt: skip


@login_required
@require_GET
def provision_map_csv(request):
    """One row per provision line (as the page's table), filtered by kind as the page is."""
    school_id = _school(request)
    the_map = costing.provision_map(
        request.user, school_id, timezone.localdate(), kind=_kind(request)
    )
    record_access_many(actor=request.user, pupils=[c.pupil for c in the_map.pupils],
                       what="provision map (CSV)")  # fmt: skip
    rows = [_line_row(line) for line in the_map.lines]
    return _csv(_filename(the_map, "provision-map"), LINE_HEADER, rows)


@login_required
@require_GET
def provision_map_pupils_csv(request):
    """One row per pupil: the cost of their provision this year, highest first."""
    school_id = _school(request)
    the_map = costing.provision_map(request.user, school_id, timezone.localdate())
    record_access_many(actor=request.user, pupils=[c.pupil for c in the_map.pupils],
                       what="provision map (CSV)")  # fmt: skip
    rows = [
        [c.pupil.name, c.pupil.year_group.name, c.pupil.get_sen_status_display(), c.provisions,
         c.cost_year, c.uncosted]
        for c in the_map.pupils
    ]  # fmt: skip
    header = ["Pupil", "Year group", "SEN status", "Provisions", "Cost this year",
              "Provisions with no cost set"]  # fmt: skip
    return _csv(_filename(the_map, "provision-map-pupils"), header, rows)
