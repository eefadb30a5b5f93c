"""Consent pages: the pupil's consent on the staff side (history, and a paper form typed
in), and the parent's own page to give, refuse or withdraw it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sendesk import access
from sendesk.audit.services import record_access
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors

from . import selectors, services
from .forms import PaperForm, ParentForm
from .models import Decision, Kind


@login_required
@require_http_methods(["GET", "POST"])
def pupil_consent(request, pupil_id):
    pupil = access.get_pupil(request.user, pupil_id)
    may_record = access.can(request.user, pupil.school_id, "record_consent")
    status = 200
    form = PaperForm() if may_record else None
    if request.method == "POST":
        if not may_record:
            # Reading the page is not writing it: the same answer as a pupil out of scope.
            access.get_pupil_for(request.user, pupil_id, "record_consent")
        form = PaperForm(request.POST)
        status = 422
        if form.is_valid():
            try:
                services.paper_record(actor=request.user, pupil_id=pupil.pk, **form.cleaned_data)
            except ServiceError as exc:
                apply_service_errors(form, exc)
                status = exc.status
            else:
                return redirect("pupil_consent", pupil_id=pupil.pk)
    else:
        record_access(actor=request.user, pupil=pupil, what="consent")
    context = {
        "pupil": pupil,
        "kinds": selectors.summary(pupil.pk),
        "history": selectors.history(pupil.pk),
        "form": form,
    }
    return render(request, "consent/pupil.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def family_consent(request, pupil_id):
    child = access.get_child(request.user, pupil_id)
    status, problem = 200, None
    if request.method == "POST":
        form = ParentForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        try:
            services.parent_decide(
                actor=request.user,
                pupil_id=child.pk,
                kind=data.get("kind") or Kind.PHOTOS,
                decision=data.get("decision") or "",
            )
        except ServiceError as exc:
            problem, status = "; ".join(exc.errors.values()), exc.status
        else:
            return redirect("family_consent", pupil_id=child.pk)
    else:
        record_access(actor=request.user, pupil=child, what="parent view")
    context = {
        "child": child,
        "name": child.preferred_name or child.legal_first_name,
        "kinds": selectors.summary(child.pk),
        "history": selectors.history(child.pk),
        "problem": problem,
        "Decision": Decision,
    }
    return render(request, "consent/family.html", context, status=status)
