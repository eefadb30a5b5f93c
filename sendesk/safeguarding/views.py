"""Safeguarding pages. Reporting is for every staff member; everything else is for the
DSL team of the pupil's school, and answers 404 to everyone else, exactly as for a concern
that does not exist. Every view of a concern, an inbox row or a chronology writes a
SafeguardingAccess row (never audit.AccessEvent: the SENCO and head read that)."""

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendesk import access
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors

from . import bodymap, selectors, services, transfer
from .forms import ActionForm, NoteForm, ReportForm, TriageForm

INBOX_PAGE_SIZE = 50
RECEIVED_KEY = "safeguarding_received_at"


# --- Reporting (any staff member) ----------------------------------------------------------


def _require_staff(user) -> None:
    """Reporting is for anyone holding a role at a school; for anyone else it does not exist."""
    if not access.schools_where(user, "report_concern"):
        raise Http404


def _chosen_pupil(user, pupil_id):
    if not pupil_id:
        return None
    try:
        return access.get_school_pupil(user, pupil_id)
    except Http404:
        return None


def _results(request, q, chosen):
    """Pupils matching `q` (names and year group only), the chosen one first. Their names
    are shown, so each is noted in the wall's own trail, not the shared one."""
    pupils = list(selectors.report_pupils(request.user, q)) if q else []
    if chosen is not None:
        pupils = [chosen] + [p for p in pupils if p.pk != chosen.pk]
    if pupils:
        services.access_record_many(actor=request.user, pupils=pupils, what="report: find pupil")
    return pupils


def _report_context(request, form, pupils, chosen):
    marks = form.marks
    return {
        "form": form,
        "pupils": pupils,
        "chosen": chosen,
        "q": form["q"].value() or "",
        "figures": bodymap.figures(_drawable(marks)),
        "marks": bodymap.listed(_drawable(marks)),
        "marks_json": form.marks_json(),
        "positions": bodymap.positions_for_script(),
        "head": bodymap.HEAD,
        "body_path": bodymap.BODY_PATH,
    }


def _drawable(marks):
    """Marks well-formed enough to draw; the service reports what is wrong with the rest."""
    return services.clean_body_map(marks)[0]


@login_required
@require_http_methods(["GET", "POST"])
def report(request):
    """GET: the form (?q= finds pupils, ?pupil= chooses one). POST: 'find' searches,
    'add_mark' / 'remove_mark' edit the body map without script, anything else reports."""
    _require_staff(request.user)
    if request.method == "GET":
        form = ReportForm(
            initial={
                "client_id": uuid.uuid4(),
                "q": request.GET.get("q", "")[:100],
                "occurred_at": timezone.localtime().replace(second=0, microsecond=0),
                "pupil": request.GET.get("pupil", ""),
            }
        )
        chosen = _chosen_pupil(request.user, request.GET.get("pupil"))
        pupils = _results(request, form.initial["q"].strip(), chosen)
        return render(
            request, "safeguarding/report.html", _report_context(request, form, pupils, chosen)
        )

    form = ReportForm(request.POST)
    valid = form.is_valid()
    data = form.cleaned_data
    chosen = _chosen_pupil(request.user, data.get("pupil"))
    status = 200
    if "find" in request.POST or "add_mark" in request.POST or "remove_mark" in request.POST:
        if "add_mark" in request.POST and "body_map" in data and not form.add_mark():
            status = 422
        if "remove_mark" in request.POST:
            form.remove_mark(request.POST["remove_mark"])
        pupils = _results(request, (data.get("q") or "").strip(), chosen)
        context = _report_context(request, form, pupils, chosen)
        return render(request, "safeguarding/report.html", context, status=status)

    if valid:
        try:
            concern, _ = services.concern_report(
                actor=request.user,
                client_id=data["client_id"],
                pupil_id=data["pupil"],
                occurred_at=data["occurred_at"],
                location=data["location"],
                concern=data["concern"],
                words_used=data["words_used"],
                body_map=form.marks,
                action_taken=data["action_taken"],
            )
        except ServiceError as error:
            apply_service_errors(form, error)
        except Http404:
            # A pupil of no school of the reporter's: the same words as for no such pupil,
            # and what was typed is kept.
            form.add_error("pupil", "Choose the pupil from the list.")
        else:
            request.session[RECEIVED_KEY] = timezone.localtime(concern.reported_at).isoformat()
            return redirect("safeguarding_report_done")
    pupils = _results(request, (data.get("q") or "").strip(), chosen)
    context = _report_context(request, form, pupils, chosen)
    return render(request, "safeguarding/report.html", context, status=422)


@login_required
@require_GET
def report_pupils(request):
    """The pupil search on the report form, as radio buttons (htmx swaps them in)."""
    _require_staff(request.user)
    q = request.GET.get("q", "")[:100].strip()
    chosen = _chosen_pupil(request.user, request.GET.get("pupil"))
    context = {"pupils": _results(request, q, chosen), "chosen": chosen, "q": q}
    return render(request, "safeguarding/report.html#pupil_results", context)


@login_required
@require_GET
def report_done(request):
    """All a reporter ever sees of their concern: that it arrived, and when."""
    _require_staff(request.user)
    raw = request.session.get(RECEIVED_KEY)
    received = None
    if raw:
        try:
            received = dt.datetime.fromisoformat(raw)
        except ValueError:
            received = None
    return render(request, "safeguarding/report_done.html", {"received": received})


# --- The DSL team -----------------------------------------------------------------------


def _require_dsl(user) -> None:
    if not selectors.dsl_schools(user):
        raise Http404


@login_required
@require_GET
def inbox(request):
    """Costs a constant number of queries: roles, the counts, the page count, one page of
    rows and one INSERT of access rows."""
    _require_dsl(request.user)
    closed = request.GET.get("show") == "closed"
    page = Paginator(selectors.inbox(request.user, closed=closed), INBOX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    services.access_record_many(actor=request.user, concerns=rows, what="inbox")
    context = {
        "page": page,
        "rows": rows,
        "closed": closed,
        "counts": selectors.counts(request.user),
    }
    return render(request, "safeguarding/inbox.html", context)


def _detail_context(request, concern, **forms):
    closed = concern.status == concern.Status.CLOSED
    return {
        "concern": concern,
        "pupil": concern.pupil,
        "actions": concern.action_list,
        "figures": bodymap.figures(concern.body_map),
        "marks": bodymap.listed(concern.body_map),
        "head": bodymap.HEAD,
        "body_path": bodymap.BODY_PATH,
        "triage_form": forms.get("triage_form")
        or TriageForm(prefix="triage", initial=_triage_initial(concern)),
        "action_form": forms.get("action_form") or ActionForm(prefix="action"),
        "close_form": forms.get("close_form") or NoteForm(prefix="close"),
        "reopen_form": forms.get("reopen_form") or NoteForm(prefix="reopen"),
        "is_closed": closed,
        # A refused form is shown again with its message even when the concern's state
        # would not offer it (e.g. reopening an open concern from a stale page).
        "show_triage": not closed or "triage_form" in forms,
        "show_close": not closed or "close_form" in forms,
        "show_reopen": closed or "reopen_form" in forms,
    }


def _triage_initial(concern):
    initial = {"status": concern.Status.OPEN}
    if concern.risk != concern.Risk.UNKNOWN:
        initial["risk"] = concern.risk
    return initial


def _render_detail(request, concern, status=200, **forms):
    services.access_record(
        actor=request.user, pupil_id=concern.pupil_id, concern=concern, what="concern"
    )
    context = _detail_context(request, concern, **forms)
    return render(request, "safeguarding/concern.html", context, status=status)


@login_required
@require_GET
def concern_detail(request, pk):
    concern = selectors.concern_detail(request.user, pk)
    return _render_detail(request, concern)


def _post(request, pk, *, form_cls, prefix, call, done):
    """One DSL form on the concern page: the service's refusal shows the page again with
    the form as typed (422); success returns to the page with a message."""
    concern = selectors.concern_detail(request.user, pk)
    form = form_cls(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            call(concern, form.cleaned_data)
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(reverse("safeguarding_concern", args=[concern.pk]) + "#actions")
    return _render_detail(request, concern, 422, **{f"{prefix}_form": form})


@login_required
@require_POST
def concern_triage(request, pk):
    return _post(
        request, pk, form_cls=TriageForm, prefix="triage", done="Triage saved.",
        call=lambda c, d: services.concern_triage(
            actor=request.user, concern=c, status=d["status"], risk=d["risk"], note=d["note"]
        ),
    )  # fmt: skip


@login_required
@require_POST
def concern_action(request, pk):
    return _post(
        request, pk, form_cls=ActionForm, prefix="action", done="Action added.",
        call=lambda c, d: services.concern_action_add(
            actor=request.user, concern=c, kind=d["kind"], note=d["note"]
        ),
    )  # fmt: skip


@login_required
@require_POST
def concern_close(request, pk):
    return _post(
        request, pk, form_cls=NoteForm, prefix="close", done="Concern closed.",
        call=lambda c, d: services.concern_close(actor=request.user, concern=c, note=d["note"]),
    )  # fmt: skip


@login_required
@require_POST
def concern_reopen(request, pk):
    return _post(
        request, pk, form_cls=NoteForm, prefix="reopen", done="Concern reopened.",
        call=lambda c, d: services.concern_reopen(actor=request.user, concern=c, note=d["note"]),
    )  # fmt: skip


@login_required
@require_GET
def chronology(request, pupil_id):
    """The pupil's safeguarding chronology. Two queries for the items however many there
    are, and one access row."""
    pupil = access.get_pupil_for_dsl(request.user, pupil_id)
    items = selectors.chronology(pupil)
    services.access_record(
        actor=request.user, pupil_id=pupil.pk, school_id=pupil.school_id, what="chronology"
    )
    context = {"pupil": pupil, "items": items}
    # Issue 12: whether the pupil's file went to their next school, and the form to say so.
    context.update(transfer.chronology_context(pupil))
    return render(request, "safeguarding/chronology.html", context)
