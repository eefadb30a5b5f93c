"""The SENCO's deployment page: who supports which pupil or group, from when to when."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors
from sendesk.schools import capabilities

from .forms import DeploymentEndForm, DeploymentForm
from .models import Deployment
from .services import deployment_create, deployment_end


@login_required
@require_http_methods(["GET", "POST"])
def deployment(request):
    """Who works with whom (SENCO, head): this is what puts a pupil in a TA's scope."""
    school_id = capabilities.oversight_school(request.user, request.GET.get("school"))
    form = DeploymentForm(school_id, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                deployment_create(actor=request.user, school_id=school_id, **form.cleaned_data)
                return redirect("deployment")
            except ServiceError as err:
                apply_service_errors(form, err)
        status = 422
    today = timezone.localdate()
    deployments = (
        Deployment.objects.filter(school_id=school_id)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .select_related("staff", "pupil", "teaching_group")
        .order_by("staff__full_name", "start")
    )
    return render(
        request,
        "schools/deployment.html",
        {"form": form, "deployments": deployments, "today": today},
        status=status,
    )


@login_required
@require_POST
def deployment_stop(request, pk: int):
    # Any school the person oversees: the form does not say which.
    found = get_object_or_404(
        Deployment, pk=pk, school_id__in=capabilities.schools_where(request.user, "oversee")
    )
    form = DeploymentEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("deployment")
    try:
        deployment_end(
            actor=request.user,
            deployment=found,
            end=form.cleaned_data["end"] or timezone.localdate(),
        )
    except ServiceError as err:
        messages.error(request, " ".join(err.errors.values()))
    return redirect("deployment")
