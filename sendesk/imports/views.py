"""The imports pages: the head uploads a file and sees what it would do (created, changed,
left alone, and every problem with its file, row and field), then applies it; the CSV
templates; and the SENCO's list of SEN that a file says differently, to accept or keep."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors

from . import services
from .forms import UploadForm
from .models import ImportBatch
from .parsers.csvfiles import TEMPLATES, template_csv


@login_required
@require_http_methods(["GET", "POST"])
def imports(request):
    school_id = services.import_school(request.user)
    form, status = UploadForm(), 200
    if request.method == "POST":
        form, status = UploadForm(request.POST, request.FILES), 422
        if form.is_valid():
            try:
                batch = services.import_preview(
                    actor=request.user,
                    school_id=school_id,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                )
            except ServiceError as exc:
                apply_service_errors(form, exc)
                status = exc.status
            else:
                return redirect("import_detail", batch_id=batch.pk)
    batches = ImportBatch.objects.filter(school_id=school_id).defer("content", "changes")[:30]
    context = {"form": form, "batches": batches, "templates": TEMPLATES}
    return render(request, "imports/imports.html", context, status=status)


@login_required
def template(request, kind):
    services.import_school(request.user)
    if kind not in TEMPLATES:
        raise Http404
    filename, _columns = TEMPLATES[kind]
    # A byte order mark first, so that Excel opens it as UTF-8 (names with accents).
    response = HttpResponse("\ufeff" + template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _sections(batch):
    changes = batch.changes or []
    return {
        "created": [c for c in changes if c["action"] == "created"],
        "updated": [c for c in changes if c["action"] == "updated"],
        "sen": [c for c in changes if "SEN differs" in c["flags"]],
        "upn_needed": [c for c in changes if "UPN needed" in c["flags"]],
    }


@login_required
def batch(request, batch_id):
    found = services.get_batch(request.user, batch_id)
    context = {"batch": found, **_sections(found)}
    return render(request, "imports/batch.html", context)


@login_required
@require_POST
def apply(request, batch_id):
    try:
        done = services.import_apply(actor=request.user, batch_id=batch_id)
    except ServiceError as exc:
        found = services.get_batch(request.user, batch_id)
        context = {"batch": found, "refusal": exc.errors.get("__all__"), **_sections(found)}
        return render(request, "imports/batch.html", context, status=exc.status)
    messages.success(request, f"Imported {done.filename}.")
    return redirect("import_detail", batch_id=done.pk)


@login_required
def sen_differences(request):
    rows = list(services.open_differences(request.user))
    return render(request, "imports/sen.html", {"rows": rows, "labels": _status_labels()})


def _status_labels():
    from sendesk.pupils.models import SenStatus

    return dict(SenStatus.choices)


@login_required
@require_POST
def sen_decide(request, difference_id):
    accept = request.POST.get("decision") == "accept"
    if request.POST.get("decision") not in ("accept", "keep"):
        messages.error(request, "Choose whether to accept the file's SEN or keep SENDesk's.")
        return redirect("imports_sen")
    try:
        diff = services.sen_decide(actor=request.user, difference_id=difference_id, accept=accept)
    except ServiceError as exc:
        messages.error(request, " ".join(exc.errors.values()))
        return redirect("imports_sen")
    what = "the file's SEN accepted" if accept else "SENDesk's SEN kept"
    messages.success(request, f"{diff.pupil.name}: {what}.")
    return redirect("imports_sen")
