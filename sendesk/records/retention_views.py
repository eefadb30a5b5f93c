"""The retention pages: what is due and why (the rule, the date it fell due), legal holds,
the head's or DPO's confirmation of a disposal, the DSL's review of a safeguarding record,
the disposal log and the school's setting for care records. Who may not is a 404, as for
a page that does not exist; the services (records.disposal) check again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendesk import access
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors
from sendesk.pupils.models import Pupil

from . import disposal, retention
from .forms import CareYearsForm, ConfirmForm, HoldForm, LiftForm, ReviewForm
from .models import DisposalLog, LegalHold


def _posted(request):
    return request.POST if request.method == "POST" else None


def _schools(user):
    disposes = access.schools_where(user, disposal.DISPOSE)
    reviews = access.schools_where(user, disposal.REVIEW)
    if not disposes | reviews:
        raise Http404
    return disposes, reviews


def _hold_form(user, disposes, data=None):
    pupils = Pupil.objects.filter(school_id__in=disposes).order_by(
        "legal_last_name", "legal_first_name", "pk"
    )
    return HoldForm(data, pupils=pupils)


def _list(request, disposes, reviews, hold_form=None, status=200):
    today = timezone.localdate()
    items = [
        item
        for item in retention.due(disposes | reviews, today)
        # The DSL sees the safeguarding records only; the head and DPO everything.
        if item.pupil.school_id in disposes
        or (item.kind == retention.SAFEGUARDING and item.pupil.school_id in reviews)
    ]
    context = {
        "items": items,
        "may_dispose": disposes,
        "may_review": reviews,
        "holds": LegalHold.objects.filter(school_id__in=disposes, lifted_at__isnull=True)
        .select_related("pupil", "placed_by")
        .order_by("-placed_at"),
        "hold_form": hold_form if hold_form is not None else _hold_form(request.user, disposes)
        if disposes else None,
        "lift_form": LiftForm(),
        "may_set": access.schools_where(request.user, "retention_settings"),
        "today": today,
    }  # fmt: skip
    return render(request, "records/retention_due.html", context, status=status)


@login_required
@require_GET
def retention_due(request):
    disposes, reviews = _schools(request.user)
    return _list(request, disposes, reviews)


@login_required
@require_POST
def retention_hold(request):
    disposes, reviews = _schools(request.user)
    if not disposes:
        raise Http404
    form = _hold_form(request.user, disposes, request.POST)
    status = 422
    if form.is_valid():
        try:
            hold = disposal.place_hold(actor=request.user, pupil_id=form.cleaned_data["pupil"],
                                       reason=form.cleaned_data["reason"])  # fmt: skip
        except ServiceError as error:
            apply_service_errors(form, error.errors)
            status = error.status
        else:
            messages.success(request, f"{hold.pupil.name}'s records are on legal hold.")
            return redirect("retention_due")
    return _list(request, disposes, reviews, hold_form=form, status=status)


@login_required
@require_POST
def retention_lift(request, pk):
    form = LiftForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        hold = disposal.lift_hold(actor=request.user, hold_id=pk, reason=reason)
    except ServiceError as error:
        messages.error(request, error.errors.get("reason") or next(iter(error.errors.values())))
    else:
        messages.success(request, f"The legal hold on {hold.pupil.name}'s records is lifted.")
    return redirect("retention_due")


@login_required
@require_http_methods(["GET", "POST"])
def retention_confirm(request, pupil_id, kind):
    if kind not in retention.DISPOSABLE:
        raise Http404
    pupil = disposal.pupil_for(request.user, pupil_id)
    try:
        item, counts = disposal.preview(request.user, pupil.pk, kind)
    except ServiceError as error:
        messages.error(request, next(iter(error.errors.values())))
        return redirect("retention_due")
    form = ConfirmForm(_posted(request))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                log = disposal.dispose(actor=request.user, pupil_id=pupil.pk, kind=kind)
            except ServiceError as error:
                apply_service_errors(form, error.errors)
                status = error.status
            else:
                messages.success(
                    request, f"Disposed of: {log.pupil_name}, {item.label.lower()}. "
                    f"It is in the disposal log."
                )  # fmt: skip
                return redirect("retention_due")
    context = {"pupil": pupil, "item": item, "counts": counts, "form": form,
               "total": sum(counts.values())}  # fmt: skip
    return render(request, "records/retention_confirm.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def retention_review(request, pupil_id):
    pupil = disposal.pupil_for(request.user, pupil_id, capability=disposal.REVIEW)
    item = retention.due_item(pupil, retention.SAFEGUARDING, timezone.localdate())
    if item is None:
        raise Http404
    form = ReviewForm(_posted(request))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                disposal.review_safeguarding(
                    actor=request.user, pupil_id=pupil.pk, decision=data["decision"],
                    reason=data["reason"], keep_until=data["keep_until"],
                )  # fmt: skip
            except ServiceError as error:
                apply_service_errors(form, error.errors)
                status = error.status
            else:
                messages.success(request, "Your decision is recorded.")
                return redirect("retention_due")
    context = {"pupil": pupil, "item": item, "form": form}
    return render(request, "records/retention_review.html", context, status=status)


@login_required
@require_GET
def retention_log(request):
    disposes = access.schools_where(request.user, disposal.DISPOSE)
    if not disposes:
        raise Http404
    logs = DisposalLog.objects.filter(school_id__in=disposes).select_related("decided_by")
    return render(request, "records/retention_log.html", {"logs": logs})


@login_required
@require_http_methods(["GET", "POST"])
def retention_settings(request):
    school_id = access.pick_school(
        access.schools_where(request.user, "retention_settings"), request.GET.get("school")
    )
    form = CareYearsForm(_posted(request), initial={"care_years": retention.care_years(school_id)})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                disposal.set_care_years(actor=request.user, school_id=school_id,
                                        years=form.cleaned_data["care_years"])  # fmt: skip
            except ServiceError as error:
                apply_service_errors(form, error.errors)
                status = error.status
            else:
                messages.success(request, "The retention setting is saved.")
                return redirect("retention_due")
    context = {"form": form, "rules": retention.rules(school_id)}
    return render(request, "records/retention_settings.html", context, status=status)
