"""Plan and target pages. A plan page shows the plan with the provision that delivers it
and the evidence of progress on each target (both from provision), so it sits above both
apps. Reading a plan needs the pupil in scope; writing needs the write_plans capability
too (SENCO, HLTA, teachers, head). Both are asked of sendesk.access, and lacking either
looks like the record does not exist."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendesk import access
from sendesk.audit.services import record_access
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors, run_services
from sendesk.plans import services
from sendesk.plans.forms import (
    OutcomeForm,
    PlanActivateForm,
    PlanCloseForm,
    PlanForm,
    TargetForm,
)
from sendesk.plans.models import Plan, Target
from sendesk.provision import selectors
from sendesk.reviews import selectors as review_selectors

from . import selectors as front_selectors

PLAN_RELATED = ("pupil", "pupil__school", "pupil__year_group", "created_by")


def _plan(user, plan_id, *, write=False) -> Plan:
    plan = access.get_scoped(user, Plan.objects.select_related(*PLAN_RELATED), plan_id)
    if write:
        access.require(user, plan.pupil.school_id, "write_plans")
    record_access(actor=user, pupil=plan.pupil, what="plan")
    return plan


def _target(user, target_id) -> Target:
    target = access.get_scoped(
        user,
        Target.objects.select_related("outcome", *(f"plan__{r}" for r in PLAN_RELATED), "plan"),
        target_id,
        pupil_field="plan__pupil",
    )
    access.require(user, target.plan.pupil.school_id, "write_plans")
    record_access(actor=user, pupil=target.plan.pupil, what="plan target")
    return target


def _render_plan(request, plan, status=200, **forms):
    figures = selectors.plan_with_detail(plan, timezone.localdate())
    # Ratings over time beside each target, as on the pupil page.
    front_selectors.target_progress([plan], timezone.localdate())
    writable = plan.status != Plan.Status.CLOSED
    context = {
        "plan": plan,
        "pupil": plan.pupil,
        "figures": figures,
        "can_write": access.can(request.user, plan.pupil.school_id, "write_plans") and writable,
        "activate_form": forms.get("activate_form") or PlanActivateForm(),
        "close_form": forms.get("close_form") or PlanCloseForm(),
        "outcome_form": forms.get("outcome_form") or OutcomeForm(),
        # The plan's review meetings, with any statutory step overdue (reviews app).
        "review_rows": review_selectors.review_rows(request.user, timezone.localdate(), plan=plan),
    }
    return render(request, "plans/detail.html", context, status=status)


def _to_plan(plan, anchor=""):
    return redirect(reverse("plan_detail", args=[plan.pk]) + anchor)


@login_required
@require_GET
def plan_detail(request, plan_id):
    plan = _plan(request.user, plan_id)
    return _render_plan(request, plan)


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request, pupil_id):
    pupil = access.get_pupil_for(request.user, pupil_id, "write_plans")
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, pupil=pupil, data=form.cleaned_data)
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            return _to_plan(plan)
    status = 422 if request.method == "POST" else 200
    return render(request, "plans/plan_form.html", {"form": form, "pupil": pupil}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, plan_id):
    plan = _plan(request.user, plan_id, write=True)
    initial = {"title": plan.title, "start_date": plan.start_date, "review_date": plan.review_date}
    form = PlanForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, plan=plan, data=form.cleaned_data)
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            return _to_plan(plan)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "pupil": plan.pupil, "plan": plan}
    return render(request, "plans/plan_form.html", context, status=status)


@login_required
@require_POST
def plan_activate(request, plan_id):
    plan = _plan(request.user, plan_id, write=True)
    form = PlanActivateForm(request.POST)
    if form.is_valid():
        review_date = form.cleaned_data["review_date"]
        steps = []
        if review_date and review_date != plan.review_date:
            steps.append(
                lambda: services.plan_update(
                    actor=request.user, plan=plan, data={"review_date": review_date}
                )
            )
        steps.append(lambda: services.plan_activate(actor=request.user, plan=plan))
        errors = run_services(*steps)
        if not errors:
            return _to_plan(plan)
        plan.refresh_from_db()
        apply_service_errors(form, ServiceError(errors), {"status": None})
    return _render_plan(request, plan, status=422, activate_form=form)


@login_required
@require_POST
def plan_close(request, plan_id):
    plan = _plan(request.user, plan_id, write=True)
    form = PlanCloseForm(request.POST)
    if form.is_valid():
        try:
            services.plan_close(
                actor=request.user, plan=plan, on=form.cleaned_data["closed_on"] or None
            )
        except ServiceError as error:
            plan.refresh_from_db()
            apply_service_errors(form, error, {"status": None})
        else:
            return _to_plan(plan)
    return _render_plan(request, plan, status=422, close_form=form)


@login_required
@require_POST
def outcome_add(request, plan_id):
    plan = _plan(request.user, plan_id, write=True)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.outcome_add(actor=request.user, plan=plan, text=form.cleaned_data["text"])
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            return _to_plan(plan, "#outcomes")
    return _render_plan(request, plan, status=422, outcome_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def target_new(request, plan_id):
    plan = _plan(request.user, plan_id, write=True)
    form = TargetForm(request.POST or None, plan=plan, initial=_outcome_initial(request, plan))
    if request.method == "POST" and form.is_valid():
        try:
            target = services.target_add(actor=request.user, plan=plan, data=form.target_data())
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            return _to_plan(plan, f"#target-{target.pk}")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "plan": plan, "pupil": plan.pupil, "target": None}
    return render(request, "plans/target_form.html", context, status=status)


def _outcome_initial(request, plan):
    """'Add a target' under an outcome on the plan page preselects that outcome."""
    wanted = inputs.parse_id(request.GET.get("outcome", ""))
    return {"outcome": wanted} if wanted else {}


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, target_id):
    target = _target(request.user, target_id)
    plan = target.plan
    fields = ("text", "baseline", "success_criteria", "target_date", "status")
    initial = {f: getattr(target, f) for f in fields} | {"outcome": target.outcome_id}
    form = TargetForm(request.POST or None, plan=plan, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_update(actor=request.user, target=target, data=form.target_data())
        except ServiceError as error:
            target.refresh_from_db()
            apply_service_errors(form, error)
        else:
            return _to_plan(plan, f"#target-{target.pk}")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "plan": plan, "pupil": plan.pupil, "target": target}
    return render(request, "plans/target_form.html", context, status=status)
