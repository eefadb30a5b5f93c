"""Behaviour pages: the IBP's triggers and strategies, incidents, restrictive
interventions and telling parents, how well strategies worked after a session, and the
analysis and export for the review meeting. Every read goes through the access layer and
writes an access row; every write goes through behaviour.services."""

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendesk import access
from sendesk.audit.pages import CORRECTION_SAVED, service_form_page
from sendesk.audit.services import record_access, record_access_many
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors, run_services
from sendesk.plans.models import Plan
from sendesk.provision.models import SessionPupil
from sendesk.pupils.amendments import Wording, changes_in_words
from sendesk.staff.models import Training, training_status
from sendesk.staff.selectors import school_staff

from . import charts, selectors, services
from .forms import (
    BehaviourPlanForm,
    IncidentAmendForm,
    IncidentForm,
    InterventionAmendForm,
    InterventionForm,
    NotificationForm,
    SessionStrategiesForm,
    StrategyEditForm,
    StrategyForm,
)
from .models import (
    Amendment,
    BehaviourStrategy,
    Incident,
    InterventionStaff,
    ParentNotification,
    RestrictiveIntervention,
    StrategyUse,
)

LIST_PAGE_SIZE = 50


def _posted(request):
    """The form data if this is a POST (even an empty one), else None: an unbound form."""
    return request.POST if request.method == "POST" else None


def _staff(school_id):
    return list(school_staff(school_id))


# --- The IBP: triggers, early signs, what to avoid, agreed strategies ------------------------


def _ibp(user, plan_id) -> Plan:
    plan = access.get_scoped(
        user,
        Plan.objects.filter(kind=Plan.Kind.IBP).select_related(
            "pupil", "pupil__school", "pupil__year_group", "behaviour"
        ),
        plan_id,
    )
    return plan


def _may_write_plan(user, plan) -> bool:
    return plan.status != Plan.Status.CLOSED and access.can(
        user, plan.pupil.school_id, "write_plans"
    )


def _render_plan_behaviour(request, plan, status=200, **forms):
    details = selectors.behaviour_details(plan)
    strategies = list(plan.behaviour_strategies.all())
    can_write = _may_write_plan(request.user, plan)
    edit_forms = forms.get("edit_forms", {})
    rows = []
    for n, s in enumerate(strategies, start=1):
        form = edit_forms.get(s.pk) or StrategyEditForm(
            initial={"text": s.text, "order": s.order}, prefix=f"s{s.pk}"
        )
        form.fields["text"].label = f"Strategy {n}"
        form.fields["text"].help_text = ""
        rows.append({"strategy": s, "form": form})
    initial = {
        "triggers": details.triggers if details else "",
        "early_signs": details.early_signs if details else "",
        "avoid": details.avoid if details else "",
    }
    context = {
        "plan": plan,
        "pupil": plan.pupil,
        "details": details,
        "rows": rows,
        "can_write": can_write,
        "details_form": forms.get("details_form") or BehaviourPlanForm(initial=initial),
        "add_form": forms.get("add_form") or StrategyForm(),
        "effectiveness": selectors.strategy_effectiveness(plan.pupil),
        "top_errors": forms.get("top_errors", []),
    }
    return render(request, "behaviour/plan_behaviour.html", context, status=status)


def _to_plan_behaviour(plan, anchor=""):
    return redirect(reverse("plan_behaviour", args=[plan.pk]) + anchor)


@login_required
@require_http_methods(["GET", "POST"])
def plan_behaviour(request, plan_id):
    plan = _ibp(request.user, plan_id)
    if request.method == "GET":
        record_access(actor=request.user, pupil=plan.pupil, what="behaviour plan")
        return _render_plan_behaviour(request, plan)
    if not _may_write_plan(request.user, plan):
        raise Http404
    form = BehaviourPlanForm(request.POST)
    if form.is_valid():
        try:
            services.behaviour_plan_save(actor=request.user, plan=plan, **form.cleaned_data)
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Behaviour plan saved.")
            return _to_plan_behaviour(plan)
    return _render_plan_behaviour(request, plan, 422, details_form=form)


@login_required
@require_POST
def plan_strategy_add(request, plan_id):
    plan = _ibp(request.user, plan_id)
    if not _may_write_plan(request.user, plan):
        raise Http404
    form = StrategyForm(request.POST)
    if form.is_valid():
        try:
            services.behaviour_strategy_add(
                actor=request.user, plan=plan, text=form.cleaned_data["text"]
            )
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Strategy added.")
            return _to_plan_behaviour(plan, "#strategies")
    return _render_plan_behaviour(request, plan, 422, add_form=form)


@login_required
@require_POST
def plan_strategy_change(request, plan_id, pk):
    plan = _ibp(request.user, plan_id)
    if not _may_write_plan(request.user, plan):
        raise Http404
    strategy = BehaviourStrategy.objects.filter(plan=plan, pk=pk).select_related("plan").first()
    if strategy is None:
        raise Http404
    strategy.plan = plan
    if request.POST.get("action") == "remove":
        try:
            services.behaviour_strategy_remove(actor=request.user, strategy=strategy)
        except ServiceError as error:
            return _render_plan_behaviour(
                request, plan, error.status, top_errors=list(error.errors.values())
            )
        messages.success(request, "Strategy taken off the plan.")
        return _to_plan_behaviour(plan, "#strategies")
    form = StrategyEditForm(request.POST, prefix=f"s{strategy.pk}")
    if form.is_valid():
        try:
            services.behaviour_strategy_update(
                actor=request.user,
                strategy=strategy,
                text=form.cleaned_data["text"],
                order=form.cleaned_data["order"],
            )
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Strategy saved.")
            return _to_plan_behaviour(plan, "#strategies")
    return _render_plan_behaviour(request, plan, 422, edit_forms={strategy.pk: form})


# --- Amendments, shown in words -----------------------------------------------------------------

FIELD_LABELS = {
    "kind": "Kind",
    "severity": "Severity",
    "occurred_at": "When",
    "started_at": "Started",
    "location": "Where",
    "lesson": "Lesson",
    "others_involved": "Other people involved",
    "staff_present": "Staff present",
    "antecedent": "What happened before",
    "behaviour": "What happened",
    "response": "How adults responded",
    "outcome": "Outcome",
    "injuries": "Injuries",
    "follow_up": "Follow-up",
    "duration_minutes": "Minutes",
    "before": "What happened before",
    "deescalation": "De-escalation tried",
    "holds": "Holds or kind of force used",
    "reason": "Why it was necessary",
    "injuries_pupil": "Injuries to the pupil",
    "injuries_staff": "Injuries to staff or others",
    "support_after": "Support given afterwards",
    "debrief": "Debrief",
    "debrief_on": "Debrief date",
    "notify_parent_by": "Parents to be told by",
}
VALUE_LABELS = {
    "kind": {**dict(Incident.Kind.choices), **dict(RestrictiveIntervention.Kind.choices)},
    "severity": {k: v for k, v in Incident.Severity.choices},
}


WORDING = Wording(labels=FIELD_LABELS, choices=VALUE_LABELS, people=("staff_present",))


def _amendments(record_type, record_id):
    """The corrections of one record with their changes in words. Two queries."""
    return changes_in_words(
        Amendment.objects.filter(record_type=record_type, record_id=record_id).select_related(
            "amended_by"
        ),
        WORDING,
    )


# --- Incidents -----------------------------------------------------------------------------


def _render_incident_form(request, pupil, form, status):
    context = {"pupil": pupil, "form": form, "draft_key": f"incident-{pupil.pk}"}
    return render(request, "behaviour/incident_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request, pupil_id):
    """The phone-friendly incident form, for those who work with the pupil."""
    pupil = access.get_pupil(request.user, pupil_id)
    if not services.incident_can_record(request.user, pupil):
        raise Http404
    form = IncidentForm(
        _posted(request),
        staff=_staff(pupil.school_id),
        strategies=services.agreed_strategies(pupil),
        actor=request.user,
    )
    if request.method == "GET":
        record_access(actor=request.user, pupil=pupil, what="incident form")
        return _render_incident_form(request, pupil, form, 200)
    status = 422
    if form.is_valid():
        try:
            incident, created = services.incident_record(
                actor=request.user, pupil_id=pupil.pk, **form.service_kwargs()
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
            status = error.status
        else:
            if created:
                messages.success(request, f"Recorded ✓ {incident.get_kind_display()}.")
            return redirect(reverse("incident_detail", args=[incident.pk]) + "?recorded=1")
    return _render_incident_form(request, pupil, form, status)


def _incident(user, pk) -> Incident:
    return access.get_scoped(
        user,
        Incident.objects.select_related("pupil", "pupil__year_group", "recorded_by"),
        pk,
    )


@login_required
@require_GET
def incident_detail(request, pk):
    incident = _incident(request.user, pk)
    record_access(actor=request.user, pupil=incident.pupil, what="incident")
    context = {
        "incident": incident,
        "pupil": incident.pupil,
        "staff_present": list(incident.staff_present.order_by("full_name")),
        "uses": list(incident.strategy_uses.select_related("strategy").order_by("strategy__order")),
        "interventions": list(incident.interventions.all()),
        "amendments": _amendments(Amendment.Record.INCIDENT, incident.pk),
        "may_amend": services.incident_can_amend(request.user, incident),
        "recorded": request.GET.get("recorded") == "1",
        "draft_key": f"incident-{incident.pupil_id}",
    }
    return render(request, "behaviour/incident_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def incident_amend(request, pk):
    incident = _incident(request.user, pk)
    if not services.incident_can_amend(request.user, incident):
        raise Http404
    form = IncidentAmendForm(_posted(request), incident=incident, staff=_staff(incident.school_id))
    return service_form_page(
        request, form=form, pupil=incident.pupil, what="incident",
        template="behaviour/incident_amend.html", context={"incident": incident},
        save=lambda f: services.incident_amend(
            actor=request.user, incident=incident, reason=f.cleaned_data["reason"],
            changes=f.changes(),
        ),
        done=CORRECTION_SAVED, done_url=reverse("incident_detail", args=[incident.pk]),
    )  # fmt: skip


# --- Restrictive interventions ---------------------------------------------------------------


def _render_ri_form(request, pupil, form, status):
    context = {"pupil": pupil, "form": form, "draft_key": f"ri-{pupil.pk}"}
    return render(request, "behaviour/ri_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def intervention_new(request, pupil_id):
    pupil = access.get_pupil(request.user, pupil_id)
    if not services.intervention_can_record(request.user, pupil):
        raise Http404
    staff = _staff(pupil.school_id)
    training = training_status(
        [u.pk for u in staff], Training.Kind.POSITIVE_HANDLING, timezone.localdate()
    )
    form = InterventionForm(_posted(request), staff=staff, training=training)
    if request.method == "GET":
        record_access(actor=request.user, pupil=pupil, what="restrictive intervention form")
        return _render_ri_form(request, pupil, form, 200)
    status = 422
    if form.is_valid():
        try:
            ri, created = services.intervention_record(
                actor=request.user, pupil_id=pupil.pk, **form.service_kwargs()
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
            status = error.status
        else:
            if created:
                messages.success(request, "Restrictive intervention recorded.")
            return redirect(reverse("intervention_detail", args=[ri.pk]) + "?recorded=1")
    return _render_ri_form(request, pupil, form, status)


def _intervention(user, pk) -> RestrictiveIntervention:
    qs = selectors.intervention_detail(selectors.with_notified(RestrictiveIntervention.objects))
    return access.get_scoped(user, qs, pk)


def _render_ri_detail(request, ri, *, form=None, status=200):
    user = request.user
    staff = list(ri.staff.all())
    may_notify = services.intervention_can_record(user, ri.pupil)
    context = {
        "ri": ri,
        "pupil": ri.pupil,
        "staff": staff,
        "untrained": [s for s in staff if s.training != InterventionStaff.Training.CURRENT],
        "notifications": [
            (n, services.notification_can_retract(user, n)) for n in ri.notifications.all()
        ],
        "amendments": _amendments(Amendment.Record.INTERVENTION, ri.pk),
        "may_amend": services.intervention_can_amend(user, ri),
        "may_notify": may_notify,
        "form": form
        or (NotificationForm(contacts=ri.pupil.contacts.all()) if may_notify else None),
        "recorded": request.GET.get("recorded") == "1",
        "draft_key": f"ri-{ri.pupil_id}",
        "now": timezone.now(),
    }
    return render(request, "behaviour/ri_detail.html", context, status=status)


@login_required
@require_GET
def intervention_detail(request, pk):
    ri = _intervention(request.user, pk)
    record_access(actor=request.user, pupil=ri.pupil, what="restrictive intervention")
    return _render_ri_detail(request, ri)


@login_required
@require_POST
def intervention_notify(request, pk):
    ri = _intervention(request.user, pk)
    if not services.intervention_can_record(request.user, ri.pupil):
        raise Http404
    form = NotificationForm(request.POST, contacts=ri.pupil.contacts.all())
    status = 422
    if form.is_valid():
        try:
            services.parent_notification_add(
                actor=request.user, intervention=ri, **form.service_kwargs()
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
            status = error.status
        else:
            messages.success(request, "Recorded that parents were told.")
            return redirect(reverse("intervention_detail", args=[ri.pk]) + "#notifications")
    record_access(actor=request.user, pupil=ri.pupil, what="restrictive intervention")
    return _render_ri_detail(request, ri, form=form, status=status)


@login_required
@require_POST
def intervention_notification_retract(request, pk, notification_id):
    ri = _intervention(request.user, pk)
    notification = get_object_or_404(ParentNotification, pk=notification_id, intervention=ri)
    if not services.notification_can_retract(request.user, notification):
        raise Http404
    try:
        services.parent_notification_retract(
            actor=request.user, notification=notification, reason=request.POST.get("reason", "")
        )
    except ServiceError as error:
        messages.error(request, " ".join(error.errors.values()))
    else:
        messages.success(request, "The record of parents being told was withdrawn.")
    return redirect(reverse("intervention_detail", args=[ri.pk]) + "#notifications")


@login_required
@require_http_methods(["GET", "POST"])
def intervention_amend(request, pk):
    ri = _intervention(request.user, pk)
    if not services.intervention_can_amend(request.user, ri):
        raise Http404
    form = InterventionAmendForm(_posted(request), intervention=ri)
    return service_form_page(
        request, form=form, pupil=ri.pupil, what="restrictive intervention",
        template="behaviour/ri_amend.html", context={"ri": ri},
        save=lambda f: services.intervention_amend(
            actor=request.user, intervention=ri, reason=f.cleaned_data["reason_for_change"],
            changes=f.changes(),
        ),
        done=CORRECTION_SAVED, done_url=reverse("intervention_detail", args=[ri.pk]),
    )  # fmt: skip


@login_required
@require_GET
def intervention_list(request):
    """The SENCO's and head's list: parents not told in time first. 404 for everyone else.
    A constant number of queries: count, one page, one INSERT of access rows."""
    schools = access.schools_where(request.user, "oversee")
    if not schools:
        raise Http404
    overdue_only = request.GET.get("overdue") in ("1", "true", "on")
    qs = selectors.interventions_overseen(schools, overdue_only=overdue_only)
    page = Paginator(qs.values(*selectors.RI_LINE), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = selectors.ri_lines(page.object_list)
    record_access_many(
        actor=request.user, pupils=[r.pupil for r in rows], what="restrictive interventions list"
    )
    context = {"page": page, "rows": rows, "overdue_only": overdue_only, "now": timezone.now()}
    return render(request, "behaviour/ri_list.html", context)


# --- After a session: how well the strategies worked ------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_strategies(request, pk):
    """For each pupil of the session the person may see, with an active IBP: how well each
    agreed strategy worked. Reported strategies are shown, not offered again."""
    records = list(
        access.scoped(request.user, SessionPupil.objects.filter(session_id=pk))
        .select_related("pupil", "session", "session__provision")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )
    if not records:
        raise Http404
    session = records[0].session
    may_record = access.can(request.user, session.school_id, "record_sessions")
    agreed, reported, parts = _strategies_to_report(records)
    form = SessionStrategiesForm(_posted(request), parts=parts if may_record else [])
    status = 200
    if request.method == "POST":
        if not may_record:
            raise Http404
        status = 422
        if _save_strategy_uses(request, form):
            messages.success(request, "Saved: how well the strategies worked.")
            return redirect("session_strategies", pk=pk)
    else:
        record_access_many(
            actor=request.user, pupils=[sp.pupil for sp in records], what="session strategies"
        )
    context = {
        "session": session,
        "pupils": [
            {
                "sp": sp,
                "reported": reported.get(sp.pk, []),
                "has_plan": bool(agreed.get(sp.pupil_id)),
                "fields": [form[f"sp{sp.pk}_s{s.pk}"] for s in todo] if may_record else [],
            }
            for sp, todo in parts
        ],
        "form": form,
        "may_record": may_record,
        "open_fields": bool(form.fields),
    }
    return render(request, "behaviour/session_strategies.html", context, status=status)


def _strategies_to_report(records):
    """The active IBP strategies of each pupil ({pupil_id: [strategy]}), what was already
    reported for each record ({session_pupil_id: [use]}), and per record the strategies
    still to report. Two queries."""
    agreed = {}
    for strategy in BehaviourStrategy.objects.filter(
        plan__pupil__in=[sp.pupil_id for sp in records],
        plan__kind=Plan.Kind.IBP,
        plan__status=Plan.Status.ACTIVE,
    ).select_related("plan"):
        agreed.setdefault(strategy.plan.pupil_id, []).append(strategy)
    reported = {}
    for use in StrategyUse.objects.filter(session_pupil__in=records).select_related(
        "strategy", "recorded_by"
    ):
        reported.setdefault(use.session_pupil_id, []).append(use)
    parts = []
    for sp in records:
        done = {u.strategy_id for u in reported.get(sp.pk, [])}
        parts.append((sp, [s for s in agreed.get(sp.pupil_id, []) if s.pk not in done]))
    return agreed, reported, parts


def _save_strategy_uses(request, form) -> bool:
    """Record what the form says, one service call per pupil; False with the errors on the
    form when nothing was given or a service refused."""
    if not form.is_valid():
        return False
    given = form.uses_by_pupil()
    if not given:
        form.add_error(None, "Say how well at least one strategy worked.")
        return False
    steps = [
        (lambda sp=sp, uses=uses: services.session_strategy_uses_record(
            actor=request.user, session_pupil=sp, uses=uses
        ))
        for sp, uses in given
    ]  # fmt: skip
    errors = run_services(*steps)
    for message in errors.values():
        form.add_error(None, message)
    return not errors


# --- Analysis, print and export for the review meeting -----------------------------------------


def _weeks(request) -> int:
    try:
        weeks = int(request.GET.get("weeks", selectors.DEFAULT_WEEKS))
    except (TypeError, ValueError):
        return selectors.DEFAULT_WEEKS
    return weeks if weeks in selectors.PERIOD_WEEKS else selectors.DEFAULT_WEEKS


def _charts(data, open_data=False):
    # Incidents beside observations count different things (a handful of concerns, dozens
    # of behaviours counted in an observation): each gets its own scale. Concerns beside
    # positive recognitions are both incidents and share one.
    def col(chart_id, title, breakdown, heading, separate=False):
        return {
            "title": title,
            "empty": breakdown.empty,
            "svg": charts.column_chart(
                chart_id=chart_id,
                title=title,
                labels=breakdown.labels,
                series=breakdown.series,
                label_heading=heading,
                open_data=open_data,
                separate_scales=separate,
            ),
        }

    def bar(chart_id, title, breakdown, heading, separate=False):
        return {
            "title": title,
            "empty": breakdown.empty,
            "svg": charts.bar_chart(
                chart_id=chart_id,
                title=title,
                labels=breakdown.labels,
                series=breakdown.series,
                label_heading=heading,
                open_data=open_data,
                separate_scales=separate,
            ),
        }

    return {
        "hour": col("chart-hour", "By hour of day", data.by_hour, "Hour", separate=True),
        "weekday": col(
            "chart-weekday", "By day of the week", data.by_weekday, "Day", separate=True
        ),
        "lesson": bar("chart-lesson", "By lesson", data.by_lesson, "Lesson", separate=True),
        "antecedent": bar(
            "chart-antecedent",
            "What happened before (most common)",
            data.by_antecedent,
            "Before",
            separate=True,
        ),
        "staff": bar("chart-staff", "Staff present", data.by_staff, "Staff member"),
        "trend": col("chart-trend", "Week by week", data.trend, "Week beginning"),
        "terms": col("chart-terms", "Restrictive interventions per term", data.per_term, "Term"),
    }


def _analysis_context(request, pupil, print_mode=False):
    weeks = _weeks(request)
    data = selectors.analysis(pupil, weeks=weeks)
    ibp = selectors.active_ibp(pupil)
    can_record_ri = services.intervention_can_record(request.user, pupil)
    return {
        "pupil": pupil,
        "data": data,
        "charts": _charts(data, open_data=print_mode),
        "print_mode": print_mode,
        "recent": selectors.recent_records(pupil),
        "ibp": ibp,
        "details": selectors.behaviour_details(ibp) if ibp else None,
        "weeks": weeks,
        "period_choices": selectors.PERIOD_WEEKS,
        # The links to the forms ask the forms' own rules about this pupil, not a
        # school-wide capability: nobody sees a link that leads to "not found".
        "can_record_incident": services.incident_can_record(request.user, pupil),
        "can_record_ri": can_record_ri,
        "recent_sessions": (
            selectors.recent_sessions(pupil) if not print_mode and ibp and can_record_ri else []
        ),
        "today": timezone.localdate(),
        "now": timezone.now(),
    }


@login_required
@require_GET
def behaviour_analysis(request, pupil_id):
    pupil = access.get_pupil(request.user, pupil_id)
    record_access(actor=request.user, pupil=pupil, what="behaviour analysis")
    return render(request, "behaviour/analysis.html", _analysis_context(request, pupil))


@login_required
@require_GET
def behaviour_print(request, pupil_id):
    pupil = access.get_pupil(request.user, pupil_id)
    record_access(actor=request.user, pupil=pupil, what="behaviour summary (print)")
    context = _analysis_context(request, pupil, print_mode=True)
    return render(request, "behaviour/analysis.html", context)


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _staff_cell(s) -> str:
    part, training = s.get_part_display().lower(), s.get_training_display().lower()
    return f"{s.user.full_name} ({part}, {training})"


def _local(value, fmt):
    return f"{timezone.localtime(value):{fmt}}" if value else ""


@login_required
@require_GET
def behaviour_export(request, pupil_id):
    """CSV for the review meeting: incidents, observation summaries, restrictive
    interventions and how well strategies worked, over the chosen period."""
    pupil = access.get_pupil(request.user, pupil_id)
    weeks = _weeks(request)
    today = timezone.localdate()
    since = today - dt.timedelta(weeks=weeks)
    incidents, observations, interventions = selectors.export_rows(pupil, since)
    strategies = selectors.strategy_effectiveness(pupil)
    record_access(actor=request.user, pupil=pupil, what="behaviour export", via="web")

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="behaviour-review-{today}.csv"'
    response["Cache-Control"] = "no-store"
    out = csv.writer(response)

    def row(*cells):
        out.writerow([_cell(c) for c in cells])

    row("Behaviour summary for the review meeting", pupil.name, pupil.year_group.name)
    row("From", since.isoformat(), "to", today.isoformat())
    row()
    row("Incidents")
    row(
        "Date", "Time", "Kind", "Severity", "Where", "Lesson", "What happened before",
        "What happened", "How adults responded", "Outcome", "Injuries", "Follow-up",
        "Other people involved", "Staff present", "Recorded by",
    )  # fmt: skip
    for i in incidents:
        row(
            _local(i.occurred_at, "%Y-%m-%d"), _local(i.occurred_at, "%H:%M"),
            i.get_kind_display(), i.get_severity_display() if i.severity else "", i.location,
            i.lesson, i.antecedent, i.behaviour, i.response, i.outcome, i.injuries, i.follow_up,
            i.others_involved, "; ".join(u.full_name for u in i.staff_present.all()),
            i.recorded_by.full_name,
        )  # fmt: skip
    row()
    row("Observations")
    row(
        "Date", "Start", "End", "Minutes", "Method", "Behaviour", "Lesson", "Activity",
        "Staff present", "Observer", "Events", "Rate per hour", "% on task",
        "Total duration (seconds)",
    )  # fmt: skip
    for o in observations:
        row(
            _local(o.started_at, "%Y-%m-%d"), _local(o.started_at, "%H:%M"),
            _local(o.ended_at, "%H:%M"), o.minutes, o.get_method_display(), o.behaviour,
            o.lesson, o.activity, o.staff_present, o.observer.full_name, o.event_count,
            "" if o.rate_per_hour is None else f"{o.rate_per_hour:.1f}",
            "" if o.on_task_pct is None else f"{o.on_task_pct:.0f}",
            "" if o.total_duration_seconds is None else o.total_duration_seconds,
        )  # fmt: skip
    row()
    row("Restrictive interventions")
    row(
        "Date", "Time", "Kind", "Minutes", "Where", "SEN status", "Staff (part, training)",
        "What happened before", "De-escalation tried", "Holds or force", "Why necessary",
        "Injuries to the pupil", "Injuries to staff or others", "Support afterwards",
        "Debrief", "Parents to be told by", "Parents told", "Overdue",
    )  # fmt: skip
    for r in interventions:
        staff = "; ".join(_staff_cell(s) for s in r.staff.all())
        row(
            _local(r.started_at, "%Y-%m-%d"), _local(r.started_at, "%H:%M"),
            r.get_kind_display(), r.duration_minutes, r.location,
            r.get_pupil_sen_status_display(), staff, r.before, r.deescalation, r.holds,
            r.reason, r.injuries_pupil, r.injuries_staff, r.support_after, r.debrief,
            _local(r.notify_parent_by, "%Y-%m-%d %H:%M"), "yes" if r.notified else "no",
            "yes" if r.overdue else "no",
        )  # fmt: skip
    row()
    row("How well strategies worked (1 didn't help, 2 helped a little, 3 worked well)")
    row("Strategy", "Reports", "Mean", "Didn't help", "Helped a little", "Worked well")
    for s in strategies:
        row(
            s.text, s.uses, "" if s.mean is None else f"{s.mean:.2f}",
            s.did_not_help, s.helped_a_little, s.worked_well,
        )  # fmt: skip
    return response
