"""The subject access pages: the list of requests with their deadlines, opening one, a
request with its redaction step, release and downloads (head, DPO), and the DSL's decision
about the safeguarding record. A request or subject the reader may not handle is a 404,
exactly as one that does not exist."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendesk import access
from sendesk.audit.services import record_access
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors
from sendesk.pupils.models import Pupil

from . import services
from .forms import DecisionForm, OpenForm, RedactForm
from .models import SubjectAccessRequest as Sar


def _posted(request):
    return request.POST if request.method == "POST" else None


@login_required
@require_GET
def sar_list(request):
    opens = access.schools_where(request.user, services.OPEN)
    decides = access.schools_where(request.user, services.DECIDE)
    if not opens | decides:
        raise Http404
    today = timezone.localdate()
    rows = [
        {"sar": sar, "days_left": (sar.deadline - today).days,
         "days_late": (today - sar.deadline).days, "may_open": sar.school_id in opens,
         "may_decide": sar.school_id in decides}
        for sar in services.visible_requests(request.user).order_by("deadline", "opened_at")
    ]  # fmt: skip
    context = {
        "open_rows": [r for r in rows if r["sar"].status != Sar.Status.RELEASED],
        "released": [r for r in rows if r["sar"].status == Sar.Status.RELEASED],
        "may_open": bool(opens),
    }
    return render(request, "records/sar_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def sar_new(request):
    school_id = access.pick_school(
        access.schools_where(request.user, services.OPEN), request.GET.get("school")
    )
    pupils = (
        Pupil.objects.filter(school_id=school_id)
        .select_related("year_group")
        .order_by("legal_last_name", "legal_first_name", "pk")
    )
    form = OpenForm(
        _posted(request), pupils=pupils, staff=list(services.subject_staff_of(school_id))
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                sar = services.sar_open(
                    actor=request.user, pupil_id=data["pupil"], staff_id=data["staff"],
                    requester=data["requester"], received_on=data["received_on"],
                )  # fmt: skip
            except ServiceError as error:
                apply_service_errors(form, error.errors)
                status = error.status
            else:
                messages.success(
                    request,
                    f"Request opened: due by {sar.deadline:%-d %B %Y}. The download is being "
                    "gathered.",
                )
                return redirect("sar_detail", sar.pk)
    return render(request, "records/sar_new.html", {"form": form}, status=status)


def _detail(request, sar, redact_form=None, status=200):
    if redact_form is None:
        redact_form = RedactForm(initial={"terms": "\n".join(sar.redactions)})
    context = {
        "sar": sar,
        "form": redact_form,
        "days_left": (sar.deadline - timezone.localdate()).days,
        "may_decide": access.can(request.user, sar.school_id, services.DECIDE),
        "ready": sar.status in (Sar.Status.READY, Sar.Status.RELEASED) and bool(sar.pdf_name),
    }
    return render(request, "records/sar_detail.html", context, status=status)


@login_required
@require_GET
def sar_detail(request, pk):
    return _detail(request, services.get_request(request.user, pk))


@login_required
@require_POST
def sar_redact(request, pk):
    sar = services.get_request(request.user, pk)
    form = RedactForm(request.POST)
    if form.is_valid():
        try:
            services.sar_redact(actor=request.user, sar=sar, terms=form.cleaned_terms())
        except ServiceError as error:
            apply_service_errors(form, error.errors)
            return _detail(request, sar, form, error.status)
        messages.success(request, "Saved. The download is being gathered again without them.")
        return redirect("sar_detail", sar.pk)
    return _detail(request, sar, form, 422)


@login_required
@require_POST
def sar_release(request, pk):
    sar = services.get_request(request.user, pk)
    try:
        services.sar_release(actor=request.user, sar=sar)
    except ServiceError as error:
        messages.error(request, error.errors["__all__"])
        return redirect("sar_detail", sar.pk)
    messages.success(request, "Recorded as released to the requester.")
    return redirect("sar_detail", sar.pk)


@login_required
@require_http_methods(["GET", "POST"])
def sar_decide(request, pk):
    sar = services.get_request(request.user, pk, services.DECIDE)
    initial = {}
    if sar.safeguarding != Sar.Safeguarding.PENDING:
        initial = {
            "include": "yes" if sar.safeguarding == Sar.Safeguarding.INCLUDE else "no",
            "reason": sar.safeguarding_reason,
        }
    form = DecisionForm(_posted(request), initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.sar_decide_safeguarding(
                    actor=request.user, sar=sar, include=data["include"], reason=data["reason"]
                )
            except ServiceError as error:
                apply_service_errors(form, error.errors)
                status = error.status
            else:
                messages.success(request, "Your decision is recorded.")
                return redirect("sar_list")
    return render(request, "records/sar_decide.html", {"sar": sar, "form": form}, status=status)


FILES = {"pdf": ("pdf_name", "application/pdf"), "json": ("json_name", "application/json")}


def download_response(sar: Sar, kind: str, actor, via: str = "web") -> FileResponse:
    """The request's PDF or JSON, logged in the pupil's access trail. The caller has
    checked the reader may have it (services.get_request)."""
    attr, content_type = FILES[kind]
    name = getattr(sar, attr)
    if sar.status not in (Sar.Status.READY, Sar.Status.RELEASED) or not name:
        raise Http404
    path = Path(settings.RECORDS_DIR) / name
    if not path.is_file():
        raise Http404
    if sar.pupil_id is not None:
        record_access(actor=actor, pupil=sar.pupil, what="subject access download", via=via)
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        content_type=content_type,
        as_attachment=True,
        filename=f"subject-access-{sar.received_on:%Y-%m-%d}-{str(sar.pk)[:8]}.{kind}",
    )
    return response


@login_required
@require_GET
def sar_download(request, pk, kind):
    if kind not in FILES:
        raise Http404
    sar = services.get_request(request.user, pk)
    return download_response(sar, kind, request.user)
