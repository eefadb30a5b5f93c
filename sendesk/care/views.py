"""Care pages: the TA's list of care to give with a Log button each, the quick log, a care
record and its corrections, the pupil's care page, care plans (SENCO, head) and the
equipment register. (The SENCO's daily list spans medication too: front.care_today.)
Every read goes through the access layer and writes an access row; every write goes
through care.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendesk import access
from sendesk.audit.pages import CORRECTION_SAVED, service_form_page
from sendesk.audit.services import record_access, record_access_many
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors
from sendesk.lib.paths import Paths
from sendesk.pupils.amendments import Wording, changes_in_words
from sendesk.pupils.models import Pupil
from sendesk.staff.models import Training, training_status

from . import selectors
from . import services as care
from .forms import (
    CareEventAmendForm,
    CareLogForm,
    CarePlanForm,
    EquipmentForm,
    InspectionForm,
    OutOfServiceForm,
)
from .models import Amendment, CareEvent, CarePlan, Equipment


def _posted(request):
    """The form data if this is a POST (even an empty one), else None: an unbound form."""
    return request.POST if request.method == "POST" else None


# --- The TA's list: care to give ---------------------------------------------------------------


@login_required
@require_GET
def care_due(request):
    """The care plans of the pupils the person gives care to, each with a Log button."""
    if not access.schools_where(request.user, "give_care"):
        raise Http404
    day = timezone.localdate()
    plans = selectors.care_due(request.user, day)
    record_access_many(actor=request.user, pupils=[p.pupil for p in plans], what="care list")
    return render(request, "care/care_due.html", {"plans": plans, "day": day})


# --- The quick log -----------------------------------------------------------------------------


def _plan(user, pk) -> CarePlan:
    return access.get_scoped(
        user,
        CarePlan.objects.select_related("pupil", "pupil__school", "pupil__year_group"),
        pk,
    )


def _log_context(request, plan, form):
    day = timezone.localdate()
    equipment = list(plan.equipment.order_by("name"))
    for item in equipment:
        item.overdue = item.next_inspection < day
    status = training_status([request.user.pk], plan.training, day)[request.user.pk]
    return {
        "plan": plan,
        "pupil": plan.pupil,
        "form": form,
        "equipment": equipment,
        "training_state": status,
        "training_label": Training.Kind(plan.training).label,
        "may_log": plan.active and plan.has_consent,
    }


@login_required
@require_http_methods(["GET", "POST"])
def care_log(request, pk):
    """Log one care event against a plan: phone-first, big targets, the plan's gender
    preference and staffing rule at the top."""
    plan = _plan(request.user, pk)
    if not care.care_event_can_log(request.user, plan):
        raise Http404
    staff = list(care.care_staff(plan.pupil.school_id))
    form = CareLogForm(
        _posted(request),
        staff=staff,
        recorder_id=request.user.pk,
        suggestions=care.EVENT_SUGGESTIONS.get(plan.kind, []),
        gender_rule=care.GENDER_WORDS.get(plan.gender_preference, ""),
    )
    if request.method == "GET":
        record_access(actor=request.user, pupil=plan.pupil, what="care log form")
        return render(request, "care/care_log.html", _log_context(request, plan, form))
    status = 422
    if form.is_valid():
        try:
            event, created = care.care_event_record(
                actor=request.user, care_plan_id=plan.pk, care_plan=plan, **form.service_kwargs()
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
            status = error.status
        else:
            if created:
                messages.success(request, f"Logged ✓ {event.kind} for {plan.pupil.name}.")
            return redirect("care_event_detail", pk=event.pk)
    return render(request, "care/care_log.html", _log_context(request, plan, form), status=status)


# --- One care record and its corrections --------------------------------------------------------


def _event(user, pk) -> CareEvent:
    return access.get_scoped(
        user,
        CareEvent.objects.select_related(
            "pupil", "pupil__year_group", "care_plan", "by", "second_staff"
        ),
        pk,
    )


FIELD_LABELS = {
    "kind": "What was done",
    "occurred_at": "When",
    "second_staff_id": "Second member of staff",
    "observations": "Observations",
    "products_used": "Products used",
    "note": "Note",
    "gender_confirmed": "Staff sex confirmed here",
}


WORDING = Wording(labels=FIELD_LABELS, people=("second_staff_id",), nobody="nobody")


def _amendments(event):
    """The corrections of a care record, with names for people. Two queries."""
    return changes_in_words(
        Amendment.objects.filter(
            record_type=Amendment.Record.CARE_EVENT, record_id=event.pk
        ).select_related("amended_by"),
        WORDING,
    )


@login_required
@require_GET
def care_event_detail(request, pk):
    event = _event(request.user, pk)
    record_access(actor=request.user, pupil=event.pupil, what="care record")
    context = {
        "event": event,
        "pupil": event.pupil,
        "amendments": _amendments(event),
        "may_amend": care.care_event_can_amend(request.user, event),
    }
    return render(request, "care/care_event.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def care_event_amend(request, pk):
    event = _event(request.user, pk)
    if not care.care_event_can_amend(request.user, event):
        raise Http404
    staff = list(care.care_staff(event.school_id))
    form = CareEventAmendForm(_posted(request), event=event, staff=staff)
    return service_form_page(
        request, form=form, pupil=event.pupil, what="care record",
        template="care/care_event_amend.html", context={"event": event},
        save=lambda f: care.care_event_amend(
            actor=request.user, event=event, reason=f.cleaned_data["reason"], changes=f.changes()
        ),
        done=CORRECTION_SAVED, done_url=reverse("care_event_detail", args=[event.pk]),
    )  # fmt: skip


# --- The pupil's care page ----------------------------------------------------------------------


@login_required
@require_GET
def pupil_care(request, pupil_id):
    pupil = access.get_pupil(request.user, pupil_id)
    record_access(actor=request.user, pupil=pupil, what="care page")
    data = selectors.pupil_care(pupil)
    day = timezone.localdate()
    # Each recent event's link and time once in Python, not a {% url %} and a date filter
    # per line.
    paths = Paths()
    for event in data["events"]:
        local = timezone.localtime(event.occurred_at)
        event.url = paths("care_event_detail", event.pk)
        event.when = f"{local:%a} {local.day} {local:%b %H:%M}"
    for item in data["equipment"]:
        item.overdue = item.next_inspection < day
        item.due_soon = not item.overdue and (item.next_inspection - day).days <= 14
    context = {
        "pupil": pupil,
        **data,
        "can_log": access.can(request.user, pupil.school_id, "give_care"),
        "can_write": care.care_plan_can_write(request.user, pupil),
    }
    return render(request, "care/care_pupil.html", context)


# --- Care plans (SENCO, head) --------------------------------------------------------------------


def _plan_equipment_choices(pupil):
    return list(
        Equipment.objects.filter(
            Q(pupil__isnull=True) | Q(pupil=pupil), school_id=pupil.school_id, in_service=True
        ).order_by("name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def care_plan_new(request, pupil_id):
    pupil = access.get_pupil(request.user, pupil_id)
    if not care.care_plan_can_write(request.user, pupil):
        raise Http404
    form = CarePlanForm(_posted(request), equipment=_plan_equipment_choices(pupil))
    return service_form_page(
        request, form=form, pupil=pupil, what="care plan form",
        template="care/care_plan_form.html", context={"plan": None},
        save=lambda f: care.care_plan_create(
            actor=request.user, pupil=pupil, data=f.plan_data(), equipment_ids=f.equipment_ids()
        ),
        done=f"Care plan saved: {_typed_title(request)}.",
        done_url=reverse("pupil_care", args=[pupil.pk]),
    )  # fmt: skip


def _typed_title(request) -> str:
    """The plan's title as saved (the service strips the spaces), for the done message."""
    return " ".join(request.POST.get("title", "").split())


@login_required
@require_http_methods(["GET", "POST"])
def care_plan_edit(request, pk):
    plan = _plan(request.user, pk)
    pupil = plan.pupil
    if not care.care_plan_can_write(request.user, pupil):
        raise Http404
    choices = _plan_equipment_choices(pupil)
    choices += [e for e in plan.equipment.all() if e not in choices]
    form = CarePlanForm(_posted(request), equipment=choices, plan=plan)
    return service_form_page(
        request, form=form, pupil=pupil, what="care plan form",
        template="care/care_plan_form.html", context={"plan": plan},
        save=lambda f: care.care_plan_update(
            actor=request.user, plan=plan, data=f.plan_data(), equipment_ids=f.equipment_ids()
        ),
        done=f"Care plan updated: {_typed_title(request) or plan.title}.",
        done_url=reverse("pupil_care", args=[pupil.pk]),
    )  # fmt: skip


# --- The SENCO's daily list ----------------------------------------------------------------------


# --- The equipment register (SENCO, head) -------------------------------------------------------


def _care_school(user, raw=None) -> int:
    return access.pick_school(care.equipment_schools(user), raw or None)


def _with_due(items, day):
    for item in items:
        item.overdue = item.next_inspection < day
        item.due_soon = not item.overdue and (item.next_inspection - day).days <= (
            care.EQUIPMENT_WARN_DAYS
        )
    return items


@login_required
@require_GET
def equipment_list(request):
    school_id = _care_school(request.user, request.GET.get("school"))
    day = timezone.localdate()
    items = _with_due(selectors.equipment_register(school_id), day)
    warnings = [i for i in items if i.in_service and (i.overdue or i.due_soon)]
    record_access_many(
        actor=request.user,
        pupils=[i.pupil for i in items if i.pupil is not None],
        what="equipment register",
    )
    context = {"items": items, "warnings": warnings, "day": day}
    return render(request, "care/equipment.html", context)


def _school_pupils(school_id):
    return list(
        Pupil.objects.filter(school_id=school_id).order_by("legal_last_name", "legal_first_name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def equipment_new(request):
    school_id = _care_school(request.user, request.GET.get("school"))
    form = EquipmentForm(_posted(request), pupils=_school_pupils(school_id))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                equipment = care.equipment_create(
                    actor=request.user, school_id=school_id, data=form.equipment_data()
                )
            except ServiceError as error:
                apply_service_errors(form, error.errors)
                status = error.status
            else:
                messages.success(
                    request,
                    f"Added {equipment.name}: next inspection "
                    f"{equipment.next_inspection:%-d %B %Y}.",
                )
                return redirect("equipment_list")
    return render(request, "care/equipment_form.html", {"form": form}, status=status)


def _render_equipment(request, equipment, status=200, **forms):
    day = timezone.localdate()
    _with_due([equipment], day)
    if equipment.pupil is not None:
        record_access(actor=request.user, pupil=equipment.pupil, what="equipment")
    context = {
        "item": equipment,
        "plans": list(equipment.care_plans.select_related("pupil").filter(active=True)),
        "inspect_form": forms.get("inspect_form") or InspectionForm(),
        "retire_form": forms.get("retire_form") or OutOfServiceForm(),
    }
    return render(request, "care/equipment_detail.html", context, status=status)


@login_required
@require_GET
def equipment_detail(request, pk):
    return _render_equipment(request, care.get_equipment(request.user, pk))


@login_required
@require_POST
def equipment_inspect(request, pk):
    equipment = care.get_equipment(request.user, pk)
    form = InspectionForm(request.POST)
    if form.is_valid():
        try:
            equipment = care.equipment_inspect(
                actor=request.user,
                equipment=equipment,
                inspected_on=form.cleaned_data["inspected_on"],
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            messages.success(
                request,
                f"Inspection recorded. Next inspection: {equipment.next_inspection:%-d %B %Y}.",
            )
            return redirect(reverse("equipment_detail", args=[equipment.pk]))
    return _render_equipment(request, equipment, 422, inspect_form=form)


@login_required
@require_POST
def equipment_out_of_service(request, pk):
    equipment = care.get_equipment(request.user, pk)
    form = OutOfServiceForm(request.POST)
    if form.is_valid():
        try:
            equipment = care.equipment_out_of_service(
                actor=request.user, equipment=equipment, reason=form.cleaned_data["reason"]
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            messages.success(request, f"{equipment.name} is out of service.")
            return redirect(reverse("equipment_detail", args=[equipment.pk]))
    return _render_equipment(request, equipment, 422, retire_form=form)
