"""Ending a deployment (SENCO, head). The deployment page itself reads provision beside
deployment, so it is front.deployment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from sendesk.lib.errors import ServiceError
from sendesk.schools import capabilities

from .forms import DeploymentEndForm
from .models import Deployment
from .services import deployment_end


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
