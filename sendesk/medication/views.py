"""Medication pages: the TA's "due now" list and the Give form, a pupil's medication and
MAR, and the SENCO's healthcare plans and medicines. Every read goes through the access
layer and writes an access row; every write goes through medication.services."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sendesk import access
from sendesk.audit.pages import service_form_page
from sendesk.audit.services import record_access, record_access_many
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors
from sendesk.lib.paths import Paths
from sendesk.pupils.amendments import Wording, changes_in_words
from sendesk.staff.models import Training, training_status
from sendesk.staff.selectors import school_staff

from . import mar as mar_module
from . import selectors
from . import services as med
from .forms import (
    DoseAmendForm,
    DoseForm,
    EmergencyForm,
    HealthcarePlanForm,
    MedicineForm,
    StockForm,
    StopForm,
)
from .models import Administration, HealthcarePlan, Medicine


def _posted(request):
    return request.POST if request.method == "POST" else None


# --- Due now and giving a dose -----------------------------------------------------------


@login_required
@require_GET
def medication_due(request):
    """The TA's list: for the pupils in their scope, the doses due today and the
    as-needed medicines with whether one may be given now. School staff only."""
    if not access.roles_of(request.user) or not (
        access.schools_where(request.user, "give_care")
        or access.schools_where(request.user, "oversee")
    ):
        raise Http404
    now = timezone.now()
    groups = selectors.due_now(request.user, now)
    warnings = selectors.school_warnings(request.user)
    shown = [g.pupil for g in groups] + [m.pupil for m, _, _ in warnings]
    record_access_many(actor=request.user, pupils=shown, what="medication due")
    context = {
        "groups": groups,
        "warnings": warnings,
        "now": now,
        "may_give": bool(access.schools_where(request.user, "give_care")),
    }
    return render(request, "care/medication_due.html", context)


def _medicine_for(user, medicine_id, capability) -> Medicine:
    medicine = access.get_scoped(
        user,
        Medicine.objects.select_related(
            "pupil", "pupil__school", "pupil__year_group", "healthcare_plan"
        ),
        medicine_id,
    )
    access.require(user, medicine.pupil.school_id, capability)
    return medicine


def _due_from(raw, medicine):
    """The scheduled slot named in ?due=, if it is one of today's for this medicine."""
    if not raw:
        return None
    try:
        due = dt.datetime.fromisoformat(raw)
    except ValueError:
        return None
    if timezone.is_naive(due):
        due = timezone.make_aware(due)
    local = timezone.localtime(due)
    if local.date() != timezone.localdate() or f"{local:%H:%M}" not in medicine.times:
        return None
    return med.slot_at(local.date(), f"{local:%H:%M}")


# Refusals after which the child may still need help now: the plan's emergency steps show.
NEXT_STEP_RULES = ("too_soon", "max_per_24h")


def _render_give(request, medicine, form, status, refusal=None, due=None):
    pupil = medicine.pupil
    state = selectors.dose_form_context(medicine)
    group = state["group"]
    prn = next((a for a in group.as_needed if a.medicine.pk == medicine.pk), None)
    slot = None
    if due is not None:
        slot = next((s for s in group.slots if s.due_at == due), None)
    trained = (
        training_status([request.user.pk], medicine.training, timezone.localdate())[request.user.pk]
        == "current"
    )
    context = {
        "medicine": medicine,
        "pupil": pupil,
        "form": form,
        "refusal": refusal,
        "refusal_when": (
            med.when_words(refusal.next_allowed_at)
            if refusal is not None and refusal.next_allowed_at
            else ""
        ),
        "prn": prn,
        "slot": slot,
        "trained": trained,
        "training_label": Training.Kind(medicine.training).label,
        "plan": medicine.healthcare_plan if medicine.healthcare_plan_id else None,
        # Refused because a dose was given too recently: show what to do next instead.
        "next_step": refusal is not None and refusal.rule in NEXT_STEP_RULES,
    }
    return render(request, "care/medication_give.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def dose_give(request, medicine_id):
    """GET: the Give form with the dose filled in. POST: record it; a refusal comes back
    as 403/409/422 with the rule in words and everything as typed."""
    medicine = _medicine_for(request.user, medicine_id, "give_care")
    staff = list(school_staff(medicine.pupil.school_id))
    if request.method == "GET":
        due = _due_from(request.GET.get("due"), medicine)
        form = DoseForm(
            initial=DoseForm.initial_for(medicine, due),
            medicine=medicine,
            staff=staff,
            actor=request.user,
        )
        record_access(actor=request.user, pupil=medicine.pupil, what="medication give form")
        return _render_give(request, medicine, form, 200, due=due)

    form = DoseForm(request.POST, medicine=medicine, staff=staff, actor=request.user)
    status, refusal = 422, None
    if form.is_valid():
        try:
            record, created = med.administration_record(
                actor=request.user, medicine=medicine, **form.service_kwargs()
            )
        except ServiceError as exc:
            status = exc.status
            if isinstance(exc, med.DoseRefused) and exc.status != 422:
                refusal = exc
            else:
                apply_service_errors(form, exc.errors)
        else:
            prn = next((a for a in selectors.dose_form_context(medicine)["group"].as_needed), None)
            next_at = prn.next_allowed_at if prn is not None else None
            messages.success(request, _recorded_words(record, medicine, created, next_at))
            return redirect(reverse("medication_due") + f"#pupil-{medicine.pupil_id}")
    due = form.cleaned_data.get("due_at_value") if hasattr(form, "cleaned_data") else None
    return _render_give(request, medicine, form, status, refusal=refusal, due=due)


@login_required
@require_http_methods(["GET", "POST"])
def dose_emergency(request, medicine_id):
    """An emergency dose (or a run of puffs) of a medicine the plan says to give in an
    emergency: the plan's emergency steps beside the form; the routine interval does not
    refuse it. The SENCO and the parents are e-mailed."""
    medicine = _medicine_for(request.user, medicine_id, "give_care")
    staff = list(school_staff(medicine.pupil.school_id))
    if request.method == "GET":
        form = EmergencyForm(
            initial=EmergencyForm.initial_for(), medicine=medicine, staff=staff, actor=request.user
        )
        record_access(actor=request.user, pupil=medicine.pupil, what="medication emergency form")
        return _render_emergency(request, medicine, form, 200)
    form = EmergencyForm(request.POST, medicine=medicine, staff=staff, actor=request.user)
    status = 422
    if form.is_valid():
        try:
            record, created = med.emergency_record(
                actor=request.user, medicine=medicine, **form.service_kwargs()
            )
        except ServiceError as exc:
            apply_service_errors(form, exc.errors)
            status = exc.status
        else:
            words = f"Emergency recorded: {record.dose} of {medicine.name} at " + (
                f"{timezone.localtime(record.given_at):%H:%M}. The SENCO and "
                f"{medicine.pupil.name}'s parents are being e-mailed."
            )
            messages.success(request, words if created else "Already recorded. " + words)
            return redirect("dose_detail", pk=record.pk)
    return _render_emergency(request, medicine, form, status)


def _render_emergency(request, medicine, form, status):
    context = {
        "medicine": medicine,
        "pupil": medicine.pupil,
        "form": form,
        "plan": medicine.healthcare_plan if medicine.healthcare_plan_id else None,
    }
    return render(request, "care/medication_emergency.html", context, status=status)


def _recorded_words(record, medicine, created, next_at) -> str:
    when = timezone.localtime(record.given_at)
    who = medicine.pupil.name
    if record.outcome == Administration.Outcome.GIVEN:
        words = f"{medicine.name} {record.dose} given to {who} at {when:%H:%M}."
    else:
        words = f"{medicine.name} {record.get_outcome_display().lower()} for {who} at {when:%H:%M}."
    if not created:
        words = "Already recorded: " + words
    if next_at is not None:
        words += f" Next dose allowed from {med.when_words(next_at)}."
    return words


# --- A pupil's medication and MAR --------------------------------------------------------


@login_required
@require_GET
def pupil_medication(request, pupil_id):
    pupil = access.get_pupil(request.user, pupil_id)
    data = selectors.pupil_medication(pupil)
    record_access(actor=request.user, pupil=pupil, what="medication")
    # Each recent dose's link and time once in Python, not a {% url %} and a date filter
    # per line.
    paths = Paths()
    for dose in data["recent"]:
        local = timezone.localtime(dose.given_at)
        dose.url = paths("dose_detail", dose.pk)
        dose.when = f"{local:%a} {local.day} {local:%b, %H:%M}"
    today = timezone.localdate()
    warnings = [
        (m, level, words)
        for m in data["medicines"]
        for level, words in selectors.medicine_warnings(m, today)
    ]
    context = {
        **data,
        "pupil": pupil,
        "warnings": warnings,
        "can_write": access.can(request.user, pupil.school_id, "write_care"),
        "can_give": access.can(request.user, pupil.school_id, "give_care"),
        "today": today,
    }
    return render(request, "care/medication_pupil.html", context)


@login_required
@require_GET
def pupil_mar(request, pupil_id):
    pupil = access.get_pupil(request.user, pupil_id)
    today = timezone.localdate()
    month, problem = mar_module.parse_month(request.GET.get("month"), today)
    grid = None if problem else mar_module.for_page(mar_module.mar_grid(pupil, month))
    record_access(actor=request.user, pupil=pupil, what="medication record (MAR)")
    context = {
        "pupil": pupil,
        "mar": grid,
        "problem": problem,
        "month": month,
        "this_month": today.replace(day=1),
        "now": timezone.now(),
    }
    return render(request, "care/mar.html", context, status=400 if problem else 200)


# --- Dose records and corrections ----------------------------------------------------------


def _dose_for(user, pk) -> Administration:
    return access.get_scoped(
        user,
        Administration.objects.select_related(
            "medicine", "pupil", "pupil__year_group", "given_by", "witness"
        ),
        pk,
    )


AMEND_LABELS = {
    "outcome": "What happened",
    "dose": "Dose",
    "reason": "Why refused or not given",
    "reactions": "Reactions",
    "given_at": "Time",
    "stock": "Stock",
    "flags": "Emergency - check",
}
OUTCOMES = dict(Administration.Outcome.choices)


WORDING = Wording(labels=AMEND_LABELS, choices={"outcome": OUTCOMES})


@login_required
@require_GET
def dose_detail(request, pk):
    record = _dose_for(request.user, pk)
    record_access(actor=request.user, pupil=record.pupil, what="medication dose")
    context = {
        "record": record,
        "pupil": record.pupil,
        "amendments": changes_in_words(selectors.amendments_of(record), WORDING),
        "can_amend": med.administration_can_amend(request.user, record),
    }
    return render(request, "care/medication_dose.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def dose_amend(request, pk):
    record = _dose_for(request.user, pk)
    if not med.administration_can_amend(request.user, record):
        raise Http404
    return service_form_page(
        request, form=DoseAmendForm(_posted(request), record=record), pupil=record.pupil,
        what="medication dose (correct)", template="care/medication_amend.html",
        context={"record": record},
        save=lambda f: med.administration_amend(
            actor=request.user, record=record,
            reason=f.cleaned_data.get("reason_for_change") or "", changes=f.changes(),
        ),
        done="Dose record corrected.", done_url=reverse("dose_detail", args=[record.pk]),
    )  # fmt: skip


# --- Healthcare plans (SENCO, head) ------------------------------------------------------


def _pupil_medication_url(pupil):
    return reverse("pupil_medication", args=[pupil.pk])


@login_required
@require_http_methods(["GET", "POST"])
def ihcp_new(request, pupil_id):
    pupil = access.get_pupil_for(request.user, pupil_id, "write_care")
    form = HealthcarePlanForm(_posted(request), ehc_plans=med.ehc_plans_of(pupil))
    return service_form_page(
        request, form=form, pupil=pupil, what="healthcare plan (new)",
        template="care/ihcp_form.html", context={"plan": None},
        save=lambda f: med.healthcare_plan_create(
            actor=request.user, pupil=pupil, data=f.data_for_service()
        ),
        done="Healthcare plan saved.", done_url=_pupil_medication_url(pupil),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def ihcp_edit(request, pk):
    plan = access.get_scoped(
        request.user, HealthcarePlan.objects.select_related("pupil", "pupil__year_group"), pk
    )
    pupil = plan.pupil
    access.require(request.user, pupil.school_id, "write_care")
    initial = {name: getattr(plan, name) for name in med.IHCP_FIELDS}
    initial["ehc_plan"] = str(plan.ehc_plan_id) if plan.ehc_plan_id else ""
    form = HealthcarePlanForm(
        _posted(request), initial=initial, ehc_plans=med.ehc_plans_of(pupil), editing=True
    )
    return service_form_page(
        request, form=form, pupil=pupil, what="healthcare plan (edit)",
        template="care/ihcp_form.html", context={"plan": plan},
        save=lambda f: med.healthcare_plan_update(
            actor=request.user, plan=plan, data=f.data_for_service()
        ),
        done="Healthcare plan saved.", done_url=_pupil_medication_url(pupil),
    )  # fmt: skip


# --- Medicines (SENCO, head) -------------------------------------------------------------


def _plans_of(pupil):
    return list(HealthcarePlan.objects.filter(pupil=pupil, active=True))


@login_required
@require_http_methods(["GET", "POST"])
def medicine_new(request, pupil_id):
    pupil = access.get_pupil_for(request.user, pupil_id, "write_care")
    form = MedicineForm(
        _posted(request),
        initial={"dose_units": 1, "low_stock_at": 10, "training": Training.Kind.MEDICATION},
        healthcare_plans=_plans_of(pupil),
    )
    return service_form_page(
        request, form=form, pupil=pupil, what="medicine (new)",
        template="care/medication_form.html", context={"medicine": None},
        save=lambda f: med.medicine_create(
            actor=request.user, pupil=pupil, data=f.data_for_service()
        ),
        done="Medicine added.", done_url=_pupil_medication_url(pupil),
    )  # fmt: skip


def _medicine_form_page(request, medicine, form, *, template, what, save, done):
    """The SENCO's pages about one medicine (edit, stock, stop)."""
    return service_form_page(
        request, form=form, pupil=medicine.pupil, what=what, template=template,
        context={"medicine": medicine}, save=save, done=done,
        done_url=_pupil_medication_url(medicine.pupil),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def medicine_edit(request, pk):
    medicine = _medicine_for(request.user, pk, "write_care")
    form = MedicineForm(
        _posted(request),
        initial=MedicineForm.initial_from(medicine),
        healthcare_plans=_plans_of(medicine.pupil),
        editing=True,
    )
    return _medicine_form_page(
        request, medicine, form, template="care/medication_form.html", what="medicine (edit)",
        save=lambda f: med.medicine_update(
            actor=request.user, medicine=medicine, data=f.data_for_service()
        ),
        done="Medicine saved.",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def medicine_stock(request, pk):
    medicine = _medicine_for(request.user, pk, "write_care")
    return _medicine_form_page(
        request, medicine, StockForm(_posted(request)), template="care/medication_stock.html",
        what="medicine stock",
        save=lambda f: med.medicine_stock_receive(
            actor=request.user, medicine=medicine, quantity=f.cleaned_data.get("quantity"),
            expiry_date=f.cleaned_data.get("expiry_date"), note=f.cleaned_data.get("note") or "",
        ),
        done="Delivery recorded: stock updated.",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def medicine_stop(request, pk):
    medicine = _medicine_for(request.user, pk, "write_care")
    return _medicine_form_page(
        request, medicine, StopForm(_posted(request)), template="care/medication_stop.html",
        what="medicine (stop)",
        save=lambda f: med.medicine_stop(
            actor=request.user, medicine=medicine, reason=f.cleaned_data.get("reason") or ""
        ),
        done=f"{medicine.name} stopped.",
    )  # fmt: skip
