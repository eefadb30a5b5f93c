"""Pupil pages: the pupil page gathers every domain (plans, provision, behaviour,
safeguarding) about a pupil, so it sits above all of them. Every pupil is fetched through
sendesk.access, every write goes through a service, and every
view of a pupil's records writes an access row."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendesk import access
from sendesk.audit.services import record_access, record_access_many
from sendesk.consent import selectors as consent_selectors
from sendesk.evidence import selectors as evidence_selectors
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors, run_services
from sendesk.provision.costing import pupil_cost
from sendesk.pupils import selectors, services
from sendesk.pupils.forms import PupilFilterForm, PupilForm, StrategyForm
from sendesk.safeguarding import selectors as safeguarding_selectors

from .leavers import leaving_panel
from .selectors import provision_weeks, pupil_page, strategy_lines, timeline_rows

PUPIL_INITIAL = (
    "upn", "legal_first_name", "legal_last_name", "preferred_name", "date_of_birth",
    "what_matters", "good_at", "how_to_support",
)  # fmt: skip


# --- The pupil list ---------------------------------------------------------------------


@login_required
@require_GET
def pupil_list(request):
    # The roll is for school staff: a parent or a visiting therapist gets "not found".
    if not access.schools_where(request.user, "school_staff"):
        raise Http404
    get = request.GET
    filters = {
        "q": inputs.search_text(get.get("q")),
        "need": get.get("need", ""),
        "area": get.get("area", ""),
        "status": get.get("status", ""),
        "year": get.get("year", ""),
    }
    primary_only = get.get("primary") in ("1", "on", "true")
    page = Paginator(
        selectors.pupil_search(
            access.visible_pupils(request.user), primary_only=primary_only, **filters
        ),
        selectors.LIST_PAGE_SIZE,
    ).get_page(get.get("page"))
    page.object_list = selectors.list_rows(page.object_list)
    record_access_many(actor=request.user, pupils=page.object_list, what="pupil list")
    form = PupilFilterForm(
        initial={**filters, "primary": primary_only},
        year_groups=selectors.year_groups_for(request.user),
    )
    context = {
        "page": page,
        "form": form,
        "filtered": any(filters.values()) or primary_only,
        "can_add": bool(access.schools_where(request.user, "write_pupils")),
    }
    template = "pupils/list.html#results" if request.htmx else "pupils/list.html"
    return render(request, template, context)


# --- The pupil page ----------------------------------------------------------------------


def _calendar_of(figures):
    """The school calendar the page's figures were counted with (None: it has none)."""
    return next((f.calendar for f in figures if f.calendar is not None), None)


def _detail_context(request, pupil, **forms):
    user = request.user
    data = pupil_page(pupil, day=timezone.localdate())
    # A leaver's record is read-only (issue 12): no button that would write is offered.
    open_ = not pupil.has_left
    return {
        "p": data,
        "pupil": pupil,
        "can_edit": open_ and access.can(user, pupil.school_id, "write_pupils"),
        "can_write_plans": open_ and access.can(user, pupil.school_id, "write_plans"),
        "can_oversee": access.can(user, pupil.school_id, "oversee"),
        "can_record": open_ and access.can(user, pupil.school_id, "record_sessions"),
        "leaving": leaving_panel(user, pupil),
        "strategy_form": forms.get("strategy_form") or StrategyForm(),
        "evidence": evidence_selectors.pupil_card(user, pupil),
        "consent": consent_selectors.summary(pupil.pk),
        # The cost of their provision this year: for the SENCO and head only (None otherwise).
        "provision_cost": pupil_cost(
            user, pupil, timezone.localdate(), calendar=_calendar_of(data.figures)
        ),
    }


@login_required
@require_GET
def pupil_detail(request, pupil_id):
    pupil = access.get_pupil(request.user, pupil_id)
    record_access(actor=request.user, pupil=pupil, what="pupil page")
    context = _detail_context(request, pupil)
    # The DSL sees the safeguarding chronology beside the timeline; None for anyone else.
    context["sg_panel"] = safeguarding_selectors.pupil_panel(request.user, pupil)
    return render(request, "pupils/detail.html", context)


@login_required
@require_GET
def pupil_timeline(request, pupil_id):
    pupil = access.get_pupil(request.user, pupil_id)
    record_access(actor=request.user, pupil=pupil, what="pupil timeline")
    try:
        entries, next_cursor = selectors.timeline_values(pupil, cursor=request.GET.get("cursor"))
    except selectors.BadCursor:
        return render(
            request,
            "pupils/timeline.html",
            {"pupil": pupil, "entries": [], "next_cursor": None, "bad_cursor": True},
            status=400,
        )
    context = {"pupil": pupil, "entries": timeline_rows(entries), "next_cursor": next_cursor}
    template = "pupils/timeline.html#timeline_items" if request.htmx else "pupils/timeline.html"
    return render(request, template, context)


@login_required
@require_GET
def pupil_provision_weeks(request, pupil_id, provision_id):
    """One provision's week-by-week chart: the pupil page's <details> loads it when opened
    (htmx), and its link opens it as a page of its own where no script runs."""
    pupil = access.get_pupil(request.user, pupil_id)
    found = provision_weeks(pupil, provision_id, day=timezone.localdate())
    if found is None:
        raise Http404
    record_access(actor=request.user, pupil=pupil, what="pupil page (weeks)")
    provision, weeks = found
    context = {"pupil": pupil, "provision": provision, "weeks": weeks}
    template = "pupils/weeks.html#week_bars" if request.htmx else "pupils/weeks.html"
    return render(request, template, context)


@login_required
@require_POST
def strategy_add(request, pupil_id):
    pupil = access.get_pupil(request.user, pupil_id)
    form = StrategyForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            services.strategy_add(actor=request.user, pupil=pupil, text=form.cleaned_data["text"])
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            saved = True
    if saved and not request.htmx:
        return redirect(reverse("pupil_detail", args=[pupil.pk]) + "#strategies")
    status = 200 if saved else 422
    if request.htmx:
        context = {
            "pupil": pupil,
            "p": {"strategies": strategy_lines(pupil)},
            "can_write_plans": access.can(request.user, pupil.school_id, "write_plans"),
            "strategy_form": StrategyForm() if saved else form,
            "saved": saved,
        }
        return render(request, "pupils/detail.html#strategies", context, status=status)
    record_access(actor=request.user, pupil=pupil, what="pupil page")
    context = _detail_context(request, pupil, strategy_form=form)
    return render(request, "pupils/detail.html", context, status=status)


# --- Create and edit (SENCO, head) ---------------------------------------------------------


def _write_school(user) -> int:
    """The school a new pupil joins: where the person may write pupil records."""
    return access.pick_school(access.schools_where(user, "write_pupils"))


def _contact_step(request, form, pupil_ref):
    """The parent or carer typed into the form, added once the pupil exists."""
    contact = form.contact_data()

    def step():
        pupil = pupil_ref()
        if contact is None or pupil is None:
            return
        try:
            services.contact_add(actor=request.user, pupil=pupil, data=contact)
        except ServiceError as error:
            raise ServiceError(
                {form.CONTACT_ERRORS.get(k, k): v for k, v in error.errors.items()}
            ) from error

    return step


@login_required
@require_http_methods(["GET", "POST"])
def pupil_new(request):
    school_id = _write_school(request.user)
    form = PupilForm(request.POST or None, school_id=school_id)
    if request.method == "POST" and form.is_valid():
        created = {}

        def create():
            created["pupil"] = services.pupil_create(
                actor=request.user,
                school_id=school_id,
                data=form.pupil_data(),
                sen_status=form.cleaned_data["sen_status"],
                needs=form.needs(),
                teaching_groups=form.cleaned_data["teaching_groups"],
            )

        errors = run_services(create, _contact_step(request, form, lambda: created.get("pupil")))
        if not errors:
            return redirect("pupil_detail", created["pupil"].pk)
        apply_service_errors(form, ServiceError(errors), form.ERROR_FIELDS)
    status = 422 if request.method == "POST" else 200
    return render(request, "pupils/form.html", {"form": form, "pupil": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def pupil_edit(request, pupil_id):
    pupil = access.get_pupil_for(request.user, pupil_id, "write_pupils")
    record_access(actor=request.user, pupil=pupil, what="pupil record (edit)")
    current_needs = list(pupil.needs.values_list("code", flat=True))
    initial = {
        **{f: getattr(pupil, f) for f in PUPIL_INITIAL},
        "year_group": pupil.year_group_id,
        "teaching_groups": list(pupil.teaching_groups.values_list("pk", flat=True)),
        "sen_status": pupil.sen_status,
        **{f"need_{i}": code for i, code in enumerate(current_needs, start=1)},
    }
    form = PupilForm(
        request.POST or None,
        initial=initial,
        school_id=pupil.school_id,
        pupil=pupil,
        need_slots=max(3, len(current_needs) + 1),
    )
    if request.method == "POST" and form.is_valid():
        new_status = form.cleaned_data["sen_status"]
        # pupil_update saves the whole row, so it runs before the status change, which
        # would otherwise be overwritten with the status read at the start.
        steps = [
            lambda: services.pupil_update(
                actor=request.user,
                pupil=pupil,
                data=form.pupil_data(),
                teaching_groups=form.cleaned_data["teaching_groups"],
            ),
            lambda: services.pupil_set_needs(actor=request.user, pupil=pupil, needs=form.needs()),
            _contact_step(request, form, lambda: pupil),
        ]
        if new_status != pupil.sen_status:
            steps.append(
                lambda: services.pupil_set_sen_status(
                    actor=request.user,
                    pupil=pupil,
                    status=new_status,
                    start=form.cleaned_data.get("sen_status_from"),
                )
            )
        errors = run_services(*steps)
        if not errors:
            return redirect("pupil_detail", pupil.pk)
        # The failed unit was rolled back; the in-memory pupil may hold typed values.
        pupil.refresh_from_db()
        apply_service_errors(form, ServiceError(errors), form.ERROR_FIELDS)
    context = {"form": form, "pupil": pupil, "contacts": list(pupil.contacts.all())}
    status = 422 if request.method == "POST" else 200
    return render(request, "pupils/form.html", context, status=status)


# --- Who has viewed and changed this pupil (SENCO, head) ------------------------------------


@login_required
@require_GET
def access_log(request, pupil_id):
    pupil = access.get_pupil_for(request.user, pupil_id, "oversee")
    record_access(actor=request.user, pupil=pupil, what="access log")
    views, changes = selectors.access_log(
        pupil, views_page=request.GET.get("views"), changes_page=request.GET.get("changes")
    )
    context = {"pupil": pupil, "views": views, "changes": changes}
    return render(request, "pupils/access_log.html", context)
