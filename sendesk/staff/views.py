"""Training pages: the SENCO's and head's register of the school's staff with their
training and what expires soon, adding a record, and a person's own training. Reads go
through staff.selectors, writes through staff.services; the register is for those who
oversee the school (404 for everyone else)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors
from sendesk.schools import capabilities

from . import selectors, services
from .forms import CareGenderForm, TrainingForm
from .models import care_genders


@login_required
@require_GET
def training_register(request):
    get = request.GET
    school_id = capabilities.oversight_school(request.user, get.get("school") or None)
    day = timezone.localdate()
    q = inputs.search_text(get.get("q"))
    kind = get.get("kind", "") if get.get("kind") in selectors.KIND_LABELS else ""
    data = selectors.register_page(school_id, day, q=q, kind=kind)
    # Paged by person, so a large school's register opens on one screenful of people.
    page = Paginator(data["people"], selectors.REGISTER_PAGE_SIZE).get_page(get.get("page"))
    context = {
        **data,
        "page": page,
        "day": day,
        "warn_days": selectors.WARN_DAYS,
        "q": q,
        "kind": kind,
        "kind_label": selectors.KIND_LABELS.get(kind, ""),
        "kinds": list(selectors.KIND_LABELS.items()),
        "filtered": bool(q or kind),
        "new_url": reverse("training_new"),
    }
    return render(request, "staff/training_register.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def training_new(request):
    school_id = capabilities.oversight_school(request.user, request.GET.get("school") or None)
    staff = list(selectors.school_staff(school_id))
    initial = {"user_id": request.GET.get("user", "")}
    form = TrainingForm(
        request.POST if request.method == "POST" else None, staff=staff, initial=initial
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                training = services.training_add(
                    actor=request.user, school_id=school_id, **form.cleaned_data
                )
            except ServiceError as error:
                apply_service_errors(form, error.errors)
                status = error.status
            else:
                messages.success(
                    request,
                    f"Recorded: {training.user.full_name}, {training.get_kind_display()}.",
                )
                return redirect("training_register")
    return render(request, "staff/training_form.html", {"form": form}, status=status)


@login_required
@require_GET
def my_training(request):
    if not capabilities.schools_where(request.user, "school_staff"):
        raise Http404
    day = timezone.localdate()
    rows = selectors.my_training(request.user, day)
    return render(request, "staff/my_training.html", {"rows": rows, "day": day})


@login_required
@require_http_methods(["GET", "POST"])
def care_gender(request):
    """The SENCO's or head's list of staff with their sex as recorded for intimate care
    plans that ask for female or male staff: optional, used for that check only."""
    school_id = capabilities.oversight_school(request.user, request.GET.get("school") or None)
    staff = list(selectors.school_staff(school_id))
    held = care_genders(school_id, [p.pk for p in staff])
    form = CareGenderForm(
        request.POST if request.method == "POST" else None, staff=staff, held=held
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                changed = services.care_gender_set(
                    actor=request.user, school_id=school_id, values=form.values()
                )
            except ServiceError as error:
                apply_service_errors(form, error.errors)
                status = error.status
            else:
                messages.success(request, f"Saved: {changed} change{'s' if changed != 1 else ''}.")
                return redirect("care_gender")
    return render(request, "staff/care_gender.html", {"form": form}, status=status)
