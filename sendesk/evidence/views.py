"""Evidence pages: adding a photo, video or recording (from a session on a phone, or the
pupil page), a pupil's evidence, one item with its corrections, and the files, which are
only ever answered through the access layer (staff) or the parent's own child."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sendesk import access
from sendesk.audit.services import record_access
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors
from sendesk.plans.models import Target
from sendesk.pupils.amendments import Wording, changes_in_words

from . import selectors, services
from .forms import AddForm, AmendForm

WORDING = Wording(labels={"caption": "Caption", "withdrawn": "Withdrawn"})


def _targets(pupil):
    return list(Target.objects.in_force().filter(plan__pupil=pupil).order_by("order", "text"))


@login_required
@require_http_methods(["GET", "POST"])
def evidence_add(request, pupil_id):
    pupil = access.get_pupil_for(request.user, pupil_id, "record_sessions")
    targets = _targets(pupil)
    status = 200
    if request.method == "GET":
        initial = {"session": request.GET.get("session", ""),
                   "observation": request.GET.get("observation", "")}  # fmt: skip
        form = AddForm(initial=initial, targets=targets)
        record_access(actor=request.user, pupil=pupil, what="add evidence")
    else:
        form = AddForm(request.POST, request.FILES, targets=targets)
        form.is_valid()
        data = form.cleaned_data
        try:
            evidence = services.evidence_add(
                actor=request.user,
                pupil_id=pupil.pk,
                upload=request.FILES.get("file"),
                caption=data.get("caption", ""),
                kind=data.get("kind") or None,
                session_id=data.get("session") or None,
                observation_id=data.get("observation") or None,
                target_ids=data.get("targets") or (),
            )
        except ServiceError as exc:
            apply_service_errors(form, exc)
            status = exc.status
        else:
            return redirect(reverse("evidence_detail", args=[evidence.pk]) + "?added=1")
    context = {"pupil": pupil, "form": form, "name": services.first_name(pupil)}
    return render(request, "evidence/add.html", context, status=status)


@login_required
@require_GET
def pupil_evidence(request, pupil_id):
    pupil = access.get_pupil(request.user, pupil_id)
    record_access(actor=request.user, pupil=pupil, what="evidence")
    items = selectors.for_pupil(pupil)
    oversee = access.can(request.user, pupil.school_id, "oversee")
    context = {
        "pupil": pupil,
        "items": [e for e in items if oversee or not e.withdrawn],
        "may_add": access.can(request.user, pupil.school_id, "record_sessions"),
    }
    return render(request, "evidence/pupil.html", context)


@login_required
@require_GET
def evidence_detail(request, pk):
    evidence = selectors.staff_item(request.user, pk)
    record_access(actor=request.user, pupil=evidence.pupil, what="evidence")
    context = {
        "e": evidence,
        "pupil": evidence.pupil,
        "added": "added" in request.GET,
        "may_amend": services.may_amend(request.user, evidence),
        "amendments": changes_in_words(evidence.amendments.select_related("amended_by"), WORDING),
    }
    return render(request, "evidence/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_amend(request, pk):
    evidence = selectors.staff_item(request.user, pk)
    if not services.may_amend(request.user, evidence):
        raise Http404
    status = 200
    if request.method == "GET":
        form = AmendForm(initial={"caption": evidence.caption})
    else:
        form = AmendForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        try:
            services.evidence_amend(
                actor=request.user,
                evidence=evidence,
                reason=data.get("reason", ""),
                # Left out of the post: unchanged (the page always sends it, filled in).
                caption=data.get("caption", "") if "caption" in request.POST else None,
                withdraw=data.get("withdraw", False),
            )
        except ServiceError as exc:
            apply_service_errors(form, exc)
            status = exc.status
        else:
            return redirect("evidence_detail", pk=evidence.pk)
    context = {"e": evidence, "pupil": evidence.pupil, "form": form}
    return render(request, "evidence/amend.html", context, status=status)


def file_response(evidence, *, thumb=False) -> FileResponse:
    """The stored bytes with the type they were stored as. nosniff: a browser never reads
    them as anything else; private: no shared cache keeps a pupil's picture."""
    path = selectors.file_path(evidence, thumb=thumb)
    content_type = "image/jpeg" if thumb else evidence.content_type
    ext = path.suffix
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        content_type=content_type,
        as_attachment=False,
        filename=f"evidence-{evidence.taken_on:%Y-%m-%d}{ext}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=600"
    return response


@login_required
@require_GET
def evidence_file(request, pk):
    evidence = selectors.staff_item(request.user, pk)
    record_access(actor=request.user, pupil=evidence.pupil, what="evidence file")
    return file_response(evidence)


@login_required
@require_GET
def evidence_thumb(request, pk):
    # Shown in lists whose page already wrote the access row: none per thumbnail.
    return file_response(selectors.staff_item(request.user, pk), thumb=True)


@login_required
@require_GET
def family_evidence_file(request, pupil_id, pk):
    evidence = selectors.parent_item(request.user, pupil_id, pk)
    record_access(actor=request.user, pupil=evidence.pupil, what="parent view")
    return file_response(evidence)


@login_required
@require_GET
def family_evidence_thumb(request, pupil_id, pk):
    return file_response(selectors.parent_item(request.user, pupil_id, pk), thumb=True)
