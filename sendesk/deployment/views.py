"""The deployment pages: the school day's set-up, weekly timetables (an adult's, a pupil's),
the plans (run, read, compare, pin and move by hand, publish) and absence with its cover.

Set-up, plans and absence are for those who oversee the school (SENCO, head): 404 for
everyone else. A timetable is for its person, their line manager and the SENCO and head.
Pupils come through sendesk.access; writes go through setup.py and the planner's services.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendesk import access
from sendesk.audit.services import record_access_many
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors, run_services, small_int
from sendesk.schools import capabilities
from sendesk.schools.calendar import week_start
from sendesk.staff.selectors import school_staff as staff_school_staff

from . import selectors, services, setup
from . import timetable as tt
from .forms import AbsenceForm, DutyPostForm, MaxAdultsForm, MoveForm, PeriodForm, RunForm
from .models import Assignment, Plan

WHAT = "timetable"  # the access trail's word for a timetable naming a pupil


def _school(request) -> int:
    return capabilities.oversight_school(request.user, request.GET.get("school") or None)


# --- The school day ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def school_day(request):
    """The periods of each weekday; add one, remove one, or copy Monday to the week."""
    school_id = _school(request)
    form = PeriodForm(request.POST if request.POST.get("action") == "add" else None)
    status, problem = 200, ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                status = 422
                if form.is_valid():
                    period = setup.period_add(
                        actor=request.user, school_id=school_id, **form.cleaned_data
                    )
                    day = selectors.WEEKDAYS[period.weekday]
                    messages.success(request, f"Added {period.name} on {day}.")
                    return redirect("school_day")
            elif action == "remove":
                setup.period_remove(
                    actor=request.user, school_id=school_id,
                    period_id=inputs.parse_id(request.POST.get("period")),
                )  # fmt: skip
                messages.success(request, "Period removed.")
                return redirect("school_day")
            elif action == "copy":
                count = setup.copy_monday(actor=request.user, school_id=school_id)
                messages.success(request, f"Monday copied to Tuesday–Friday ({count} periods).")
                return redirect("school_day")
            else:
                status, problem = 400, "Choose what to do: add, remove or copy."
        except ServiceError as error:
            status = error.status
            if action == "add":
                apply_service_errors(form, error.errors)
            else:
                problem = " ".join(error.errors.values())
    context = {"days": selectors.school_day(school_id), "form": form, "problem": problem}
    return render(request, "deployment/school_day.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def duty_posts(request):
    """Duty posts and how many adults each needs at each break and lunch."""
    school_id = _school(request)
    form = DutyPostForm(request.POST if request.POST.get("action") == "add" else None)
    status, problem = 200, ""
    periods = list(selectors.free_periods(school_id))
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                status = 422
                if form.is_valid():
                    post = setup.duty_post_add(actor=request.user, school_id=school_id,
                                               **form.cleaned_data)  # fmt: skip
                    messages.success(request, f"Added the duty post {post.name}.")
                    return redirect("duty_posts")
            elif action == "needs":
                needs, bad = {}, False
                for period in periods:
                    raw = request.POST.get(f"p{period.pk}", "").strip()
                    value = small_int(raw or "0", 0, 20)
                    bad = bad or value is None
                    needs[period.pk] = 0 if value is None else value
                if bad:
                    raise ServiceError("Give each need as a number of adults from 0 to 20.")
                setup.duty_needs_set(actor=request.user, school_id=school_id,
                                     post_id=inputs.parse_id(request.POST.get("post")),
                                     adults_by_period=needs)  # fmt: skip
                messages.success(request, "Duty needs saved.")
                return redirect("duty_posts")
            else:
                status, problem = 400, "Choose what to do."
        except ServiceError as error:
            status = error.status
            if action == "add":
                apply_service_errors(form, error.errors)
            else:
                problem = " ".join(error.errors.values())
    posts = [
        {"post": row["post"], "rows": [
            {"period": p, "day": selectors.WEEKDAYS[p.weekday], "adults": row["needs"].get(p.pk)}
            for p in periods
        ]}
        for row in selectors.duty_posts(school_id)
    ]  # fmt: skip
    context = {
        "posts": posts,
        "periods": periods,
        "form": form,
        "problem": problem,
        "weekdays": selectors.WEEKDAYS,
    }
    return render(request, "deployment/duty_posts.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def class_lessons(request):
    """Where one class is each lesson of the week: subject and room per lesson period."""
    school_id = _school(request)
    groups = list(selectors.groups(school_id))
    wanted = request.POST.get("group") or request.GET.get("group")
    group = next((g for g in groups if str(g.pk) == wanted), groups[0] if groups else None)
    periods = list(selectors.lesson_periods(school_id))
    status, errors = 200, {}
    typed = {}
    if request.method == "POST" and group is not None:
        typed = {
            p.pk: (request.POST.get(f"s{p.pk}", ""), request.POST.get(f"r{p.pk}", ""))
            for p in periods
        }
        try:
            changed = setup.group_lessons_set(
                actor=request.user, school_id=school_id, group_id=group.pk, lessons=typed
            )
        except ServiceError as error:
            status, errors = error.status, error.errors
        else:
            messages.success(request, f"{group.name}: {changed} lesson(s) saved.")
            return redirect(f"{reverse('class_lessons')}?group={group.pk}")
    held = selectors.group_lessons(group) if group is not None else {}
    rows = []
    for p in periods:
        lesson = held.get(p.pk)
        subject, room = typed.get(p.pk, (lesson.subject, lesson.room) if lesson else ("", ""))
        error = errors.get(f"s{p.pk}") or errors.get(f"r{p.pk}")
        rows.append({"period": p, "day": selectors.WEEKDAYS[p.weekday], "subject": subject,
                     "room": room, "error": error})  # fmt: skip
    context = {"groups": groups, "group": group, "rows": rows, "errors": errors}
    return render(request, "deployment/class_lessons.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def planner_settings(request):
    """The school's limit of adults one pupil sees in a week, which the planner keeps."""
    school_id = _school(request)
    if request.method == "GET":
        form = MaxAdultsForm(initial={"max_adults_per_pupil": selectors.max_adults(school_id)})
        return render(request, "deployment/planner_settings.html", {"form": form})
    form = MaxAdultsForm(request.POST)
    typed = form.data.get("max_adults_per_pupil", "").strip()
    # A whole number goes to the service as one; anything else as typed, so that every bad
    # value gets the service's own message.
    value = inputs.whole_number(typed, 0, 10**6)
    errors = run_services(
        lambda: services.set_max_adults(
            actor=request.user, school_id=school_id, value=typed if value is None else value
        )
    )
    if not errors:
        messages.success(request, f"Saved: at most {value} adults a pupil a week.")
        return redirect("planner_settings")
    form.is_valid()
    apply_service_errors(form, errors)
    return render(request, "deployment/planner_settings.html", {"form": form}, status=422)


# --- Timetables -------------------------------------------------------------------------


def _week(request) -> tuple[dt.date | None, str]:
    try:
        return tt.parse_week(request.GET.get("week"), timezone.localdate()), ""
    except tt.WeekError as error:
        return None, str(error)


def _week_nav(monday: dt.date) -> dict:
    return {
        "label": tt.week_label(monday),
        "prev": tt.week_label(monday - dt.timedelta(days=7)),
        "next": tt.week_label(monday + dt.timedelta(days=7)),
        "monday": monday,
    }


@login_required
@require_GET
def staff_timetable(request, staff_id=None):
    """An adult's week: their own (no id), or someone's they may read."""
    staff_id = request.user.pk if staff_id is None else staff_id
    schools = selectors.timetable_schools(request.user, staff_id)
    if not schools:
        raise Http404
    person = staff_school_staff(min(schools)).filter(pk=staff_id).first()
    if person is None:
        raise Http404
    monday, problem = _week(request)
    days = []
    if monday is not None:
        items = tt.staff_week(request.user, staff_id, schools, monday)
        record_access_many(actor=request.user, pupils=tt.named_pupils(items), what=WHAT)
        days = tt.by_day(items, monday)
    context = {
        "person": person,
        "own": staff_id == request.user.pk,
        "days": days,
        "problem": problem,
        "week": _week_nav(monday) if monday else None,
    }
    return render(request, "deployment/staff_timetable.html", context,
                  status=400 if problem else 200)  # fmt: skip


@login_required
@require_GET
def pupil_timetable(request, pupil_id):
    """Who supports the pupil when in the week: through the access layer (404 out of scope)."""
    pupil = access.get_pupil(request.user, pupil_id)
    monday, problem = _week(request)
    days = []
    if monday is not None:
        days = tt.by_day(tt.pupil_week(pupil, monday), monday)
        record_access_many(actor=request.user, pupils=[pupil], what=WHAT)
    context = {
        "pupil": pupil,
        "days": days,
        "problem": problem,
        "week": _week_nav(monday) if monday else None,
    }
    return render(request, "deployment/pupil_timetable.html", context,
                  status=400 if problem else 200)  # fmt: skip


# --- Plans ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plans(request):
    """The school's plans, newest week first, and running the planner for a week."""
    school_id = _school(request)
    form = RunForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            day = form.cleaned_data["week_start"]
            if day is None:
                form.add_error("week_start", "Give a day of the week to plan.")
            else:
                try:
                    plan = services.plan_week(
                        actor=request.user, school_id=school_id, week_start=week_start(day)
                    )
                except ServiceError as error:
                    apply_service_errors(form, error.errors)
                    status = error.status
                else:
                    messages.success(request, "The plan is ready: check it, then publish it.")
                    return redirect("deployment_plan", plan.pk)
    context = {"plans": selectors.plans(school_id), "form": form}
    return render(request, "deployment/plans.html", context, status=status)


def _plan(request, plan_id) -> tuple[int, Plan]:
    school_id = _school(request)
    try:
        return school_id, selectors.get_plan(school_id, plan_id)
    except Plan.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def plan_detail(request, plan_id):
    """One plan by adult and day, with what it leaves unmet and why."""
    school_id, plan = _plan(request, plan_id)
    days = selectors.plan_days(plan)
    day = _chosen_day(request.GET.get("day"), days)
    grid = selectors.plan_grid(plan, day)
    context = {
        "plan": plan,
        "day": day,
        **grid,
        "totals": selectors.plan_totals(plan),
        "others": [p for p in selectors.plans(school_id) if p.pk != plan.pk
                   and p.week_start == plan.week_start],
    }  # fmt: skip
    return render(request, "deployment/plan_detail.html", context)


def _chosen_day(raw, days: list) -> dt.date:
    """The day of the plan the page shows: the one asked for (?day=YYYY-MM-DD) when it is
    one of the plan's days, else today when it is, else the first. One day at a time keeps
    a large school's plan (sixty adults, a thousand assignments) quick to read and send."""
    try:
        wanted = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        wanted = None
    today = timezone.localdate()
    for candidate in (wanted, today):
        if candidate in days:
            return candidate
    return days[0]


@login_required
@require_GET
def plan_compare(request):
    """Two plans side by side: what changed, minutes met and unmet. With none chosen, the
    choice of two."""
    school_id = _school(request)
    raw_a, raw_b = request.GET.get("a"), request.GET.get("b")
    choices = list(selectors.plans(school_id))
    if not raw_a and not raw_b:
        return render(request, "deployment/plan_compare.html", {"choices": choices})
    a, b = inputs.parse_id(raw_a), inputs.parse_id(raw_b)
    if a is None or b is None:
        context = {"choices": choices, "problem": "Choose two plans to compare."}
        return render(request, "deployment/plan_compare.html", context, status=400)
    try:
        first, second = selectors.get_plan(school_id, a), selectors.get_plan(school_id, b)
    except Plan.DoesNotExist:
        raise Http404 from None
    context = {"a": first, "b": second, "choices": choices, **selectors.compare(first, second)}
    return render(request, "deployment/plan_compare.html", context)


@login_required
@require_POST
def plan_publish(request, pk):
    _, plan = _plan(request, pk)
    try:
        services.publish(actor=request.user, plan=plan)
    except ServiceError as error:
        messages.error(request, " ".join(error.errors.values()))
    else:
        messages.success(request, "Published: My day and the timetables now follow this plan.")
    return redirect("deployment_plan", plan.pk)


def _assignment(request, assignment_id) -> Assignment:
    """An assignment the person may change by hand: any of the school's for the SENCO and
    head, their own team's in the published plan for a line manager."""
    assignment = (
        Assignment.objects.select_related("plan", "staff", "provision")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        raise Http404
    school_id = assignment.plan.school_id
    if capabilities.can(request.user, school_id, "oversee"):
        return assignment
    if assignment.plan.status == Plan.Status.PUBLISHED and services.may_change(
        request.user, assignment
    ):
        return assignment
    raise Http404


def _back(request, assignment) -> str:
    wanted = request.POST.get("next", "")
    if wanted in (reverse("team"),):
        return wanted
    return reverse("deployment_plan", args=[assignment.plan_id])


@login_required
@require_POST
def assignment_pin(request, pk):
    """Pin an assignment (the planner keeps it as it is), or unpin it."""
    assignment = _assignment(request, pk)
    try:
        services.pin(actor=request.user, assignment=assignment,
                       pinned=request.POST.get("pinned") != "0")  # fmt: skip
    except ServiceError as error:
        messages.error(request, " ".join(error.errors.values()))
    else:
        messages.success(request, "Saved.")
    return redirect(_back(request, assignment))


@login_required
@require_http_methods(["GET", "POST"])
def assignment_move(request, pk):
    """GET: the choice of adult for one assignment (one page, so that a plan's grid does
    not carry a list of every adult for every assignment). POST: give it to them (it is
    pinned there)."""
    assignment = _assignment(request, pk)
    staff = list(staff_school_staff(assignment.plan.school_id))
    if request.method == "GET":
        form = MoveForm(staff=staff, initial={"staff": assignment.staff_id})
        context = {"a": assignment, "form": form}
        return render(request, "deployment/assignment_move.html", context)
    form = MoveForm(request.POST, staff=staff)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(_back(request, assignment))
    target = form.cleaned_data["staff"]
    if not services.may_change(request.user, assignment, target):
        # A line manager allocates their own team's work, among their team.
        messages.error(request, "Choose someone in your team.")
        return redirect(_back(request, assignment))
    try:
        services.move(actor=request.user, assignment=assignment, staff_id=target)
    except ServiceError as error:
        messages.error(request, " ".join(error.errors.values()))
    else:
        messages.success(request, "Moved and pinned.")
    return redirect(_back(request, assignment))


# --- Absence and cover ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def absence(request):
    """Mark staff absent for a day: the planner re-plans that day with the fewest changes
    and says who covers whom and what stays uncovered."""
    school_id = _school(request)
    staff = list(staff_school_staff(school_id))
    form = AbsenceForm(request.POST or None, staff=staff)
    status, result = 200, None
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                result = _replan(request.user, school_id, form.cleaned_data)
            except ServiceError as error:
                apply_service_errors(form, error.errors, aliases={"absent_staff_ids": "staff"})
                status = error.status
            else:
                status = 200
    context = {
        "form": form,
        "result": result,
        "absences": selectors.absences(school_id, timezone.localdate()),
    }
    return render(request, "deployment/absence.html", context, status=status)


@transaction.atomic
def _replan(actor, school_id, data) -> dict:
    # The absence and its re-plan together: a refused re-plan leaves no absence behind.
    day, ids = data["date"], data["staff"]
    setup.absence_mark(actor=actor, school_id=school_id, day=day, staff_ids=ids,
                       reason=data["reason"])  # fmt: skip
    plan, changes, uncovered = services.replan_day(
        actor=actor, school_id=school_id, day=day, absent_staff_ids=ids
    )
    return {"plan": plan, "changes": changes, "uncovered": uncovered, "day": day}
