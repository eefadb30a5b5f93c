"""The SENCO's deployment page: who supports which pupil or group, and which promise of
1:1 adult time has nobody deployed to give it. It reads provision (the promises) beside
deployment (pupils), so it sits in front; ending a deployment stays in pupils.

Its cost must not grow with the school: the list is searched and paged, its rows are
values() with their words worked out here rather than looked up in the template, and the
form's long selects are joined in one pass (pupils.forms.ListSelect)."""

import datetime as dt
import uuid

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, Min, OuterRef, Q, Subquery
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors
from sendesk.lib.paths import Paths
from sendesk.provision.models import Provision
from sendesk.pupils.forms import DeploymentForm
from sendesk.pupils.models import Deployment
from sendesk.pupils.services import deployment_create
from sendesk.schools import capabilities

PAGE_SIZE = 25  # as the pupil list: one screenful; the search finds the rest
KIND_LABELS = dict(Deployment.Kind.choices)


def _day(value: dt.date | None) -> str:
    # The "j M Y" of the templates, without a template filter call per cell.
    return f"{value.day} {value:%b %Y}" if value else ""


def _current(today: dt.date) -> Q:
    return Q(end__isnull=True) | Q(end__gte=today)


def unstaffed_one_to_one(school_id: int, today: dt.date) -> list[dict]:
    """Promises of 1:1 adult hours running today (a 1:1 provision counted in hours a
    week, not in sessions) whose pupil has no 1:1 adult deployed today: nobody is there to
    give them, so every day of it would later show as "not recorded". With the first
    planned 1:1 deployment, if one is on the way. One query."""
    one_to_one = Deployment.objects.filter(
        pupil_id=OuterRef("pupil_id"), kind=Deployment.Kind.ONE_TO_ONE
    )
    rows = (
        Provision.objects.current_on(today)
        .adult_hours()
        .filter(pupil__school_id=school_id)
        .annotate(
            staffed=Exists(one_to_one.filter(_current(today), start__lte=today)),
            # Planned: a standing deployment to come, not a later day of this week's plan.
            planned=Subquery(
                one_to_one.filter(start__gt=today, made_by_plan__isnull=True)
                .order_by()
                .values("pupil_id")
                .annotate(first=Min("start"))
                .values("first")[:1]
            ),
        )
        .filter(staffed=False)
        .values(
            "pk",
            "title",
            "weekly_minutes",
            "pupil_id",
            "pupil__preferred_name",
            "pupil__legal_first_name",
            "pupil__legal_last_name",
            "planned",
        )
        .order_by("-weekly_minutes", "pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )
    gaps = []
    for row in rows:
        hours = row["weekly_minutes"] / 60
        gaps.append(
            {
                "name": f"{row['pupil__preferred_name'] or row['pupil__legal_first_name']} "
                f"{row['pupil__legal_last_name']}",
                "title": row["title"],
                "hours": f"{hours:g} hour{'' if hours == 1 else 's'}",
                "pupil_url": reverse("pupil_detail", args=[row["pupil_id"]]),
                "fix_url": f"{reverse('deployment')}?for={row['pupil_id']}#add",
                "planned": _day(row["planned"]),
            }
        )
    return gaps


def deployment_rows(school_id: int, today: dt.date, q: str = "", kind: str = ""):
    """Current and planned deployments, by adult then start; each word of `q` finds an
    adult, a pupil or a class by part of the name. A queryset of values() for the pager
    (a count and one page: two queries, whatever the school's size); _display words it."""
    # The standing deployments: the published plan's day-by-day rows are its own page's.
    rows = Deployment.objects.standing().filter(_current(today), school_id=school_id)
    if kind in KIND_LABELS:
        rows = rows.filter(kind=kind)
    for word in q.split()[:5]:
        rows = rows.filter(
            Q(staff__full_name__icontains=word)
            | Q(pupil__preferred_name__icontains=word)
            | Q(pupil__legal_first_name__icontains=word)
            | Q(pupil__legal_last_name__icontains=word)
            | Q(teaching_group__name__icontains=word)
        )
    return rows.values(
        "pk",
        "kind",
        "start",
        "end",
        "pupil_id",
        "staff__full_name",
        "staff__email",
        "pupil__preferred_name",
        "pupil__legal_first_name",
        "pupil__legal_last_name",
        "teaching_group__name",
    ).order_by("staff__full_name", "start", "pk")


def _display(row: dict, paths: Paths) -> dict:
    pupil = row["pupil_id"]
    return {
        "pk": row["pk"],
        "staff": row["staff__full_name"] or row["staff__email"],
        "kind": KIND_LABELS.get(row["kind"], row["kind"]),
        "with": (
            f"{row['pupil__preferred_name'] or row['pupil__legal_first_name']} "
            f"{row['pupil__legal_last_name']}"
            if pupil
            else row["teaching_group__name"]
        ),
        "url": paths("pupil_detail", pupil) if pupil else "",
        "start": _day(row["start"]),
        "until": _day(row["end"]) or "open",
        "end_url": paths("deployment_end", row["pk"]),
    }


def _initial(get) -> dict:
    """A gap's "deploy an adult" link (?for=<pupil>) opens the form as a 1:1 for that
    pupil. An id that is not one simply chooses nothing."""
    try:
        return {"pupil": str(uuid.UUID(get.get("for", ""))), "kind": Deployment.Kind.ONE_TO_ONE}
    except ValueError:
        return {}


@login_required
@require_http_methods(["GET", "POST"])
def deployment(request):
    """Who works with whom (SENCO, head): this is what puts a pupil in a TA's scope."""
    get = request.GET
    school_id = capabilities.oversight_school(request.user, get.get("school"))
    form = DeploymentForm(school_id, request.POST or None, initial=_initial(get))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                deployment_create(actor=request.user, school_id=school_id, **form.cleaned_data)
                return redirect("deployment")
            except ServiceError as err:
                apply_service_errors(form, err)
        status = 422
    today = timezone.localdate()
    q = inputs.search_text(get.get("q"))
    kind = get.get("kind", "") if get.get("kind") in KIND_LABELS else ""
    page = Paginator(deployment_rows(school_id, today, q=q, kind=kind), PAGE_SIZE).get_page(
        get.get("page")
    )
    paths = Paths()  # one reverse() per link kind, not two per row
    page.object_list = [_display(row, paths) for row in page.object_list]
    context = {
        "form": form,
        "gaps": unstaffed_one_to_one(school_id, today),
        "page": page,
        "q": q,
        "kind": kind,
        "kinds": list(KIND_LABELS.items()),
        "filtered": bool(q or kind),
        "today": today.isoformat(),
    }
    return render(request, "schools/deployment.html", context, status=status)
