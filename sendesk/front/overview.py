"""The SENCO overview and its sub-pages: what is slipping across the school (provision
shortfalls, plans due for review, targets without recent evidence, restrictive
interventions to follow up) and the SEN register. They gather plans, provision, behaviour
and pupils, so they sit above them all. Only those who oversee a school (SENCO, head)."""

import uuid

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from sendesk import access
from sendesk.audit.services import record_access_many
from sendesk.behaviour.selectors import interventions_overseen
from sendesk.lib.forms import small_int
from sendesk.plans.selectors import plans_due_for_review
from sendesk.provision.selectors import SORTS, Shortfalls, explain, label_missed, stale_targets
from sendesk.pupils import selectors

OVERVIEW_CAP = 20
FULL_LIST_SIZE = 50
# Each shortfall row is explained day by day; a SENCO acts on the worst first, so the
# full list shows them a page of 20 at a time (the page stays fast in a large school).
SHORTFALL_PAGE_SIZE = 20
STALE_WEEKS_CHOICES = (2, 3, 4, 6, 8)
STALE_WEEKS_DEFAULT = 3


# --- The SENCO overview -------------------------------------------------------------------


def _linked(rows, **links):
    """Sets `<attr>` on each row to the URL `links[attr] = (url name, row -> id)`: one
    reverse() per list, the id put in per row, as a `{% url %}` per row costs more than
    the rest of the row (the overview shows 60 rows of 2 links)."""
    zero = str(uuid.UUID(int=0))
    for attr, (name, id_of) in links.items():
        url = reverse(name, args=[zero])
        for row in rows:
            setattr(row, attr, url.replace(zero, str(id_of(row)), 1))
    return rows


def _link_shortfalls(rows):
    return _linked(rows, pupil_url=("pupil_detail", lambda f: f.provision.pupil_id))


def _link_reviews(rows):
    return _linked(
        rows,
        pupil_url=("pupil_detail", lambda plan: plan.pupil_id),
        url=("plan_detail", lambda plan: plan.pk),
    )


def _link_stale(rows):
    return _linked(
        rows,
        pupil_url=("pupil_detail", lambda t: t.plan.pupil_id),
        plan_url=("plan_detail", lambda t: t.plan_id),
    )


def _oversight(request) -> int:
    return access.oversight_school(request.user, request.GET.get("school"))


def _stale_weeks(request) -> int:
    return small_int(request.GET.get("weeks", ""), 1, 52) or STALE_WEEKS_DEFAULT


@login_required
@require_GET
def overview(request):
    school_id = _oversight(request)
    today = timezone.localdate()
    weeks = _stale_weeks(request)
    ranked = Shortfalls(school_id, today)
    short = _link_shortfalls(label_missed(explain(ranked[:OVERVIEW_CAP], staffing=True)))
    reviews = _link_reviews(list(plans_due_for_review(school_id, today)[: OVERVIEW_CAP + 1]))
    stale = _link_stale(list(stale_targets(school_id, today, weeks)[: OVERVIEW_CAP + 1]))
    rows, totals = selectors.register_summary(school_id)
    # Parents not yet told after a restrictive intervention: a legal duty, so at the top.
    parents_not_told = interventions_overseen([school_id], overdue_only=True).count()
    shown = [f.provision.pupil for f in short]
    shown += [plan.pupil for plan in reviews[:OVERVIEW_CAP]]
    shown += [target.plan.pupil for target in stale[:OVERVIEW_CAP]]
    # The register summary is counts only: no pupil is named, so none is recorded for it.
    record_access_many(actor=request.user, pupils=shown, what="SENCO overview")
    context = {
        "today": today,
        "shortfalls": short,
        "shortfall_count": len(ranked),
        "reviews": reviews[:OVERVIEW_CAP],
        "more_reviews": len(reviews) > OVERVIEW_CAP,
        "stale": stale[:OVERVIEW_CAP],
        "more_stale": len(stale) > OVERVIEW_CAP,
        "weeks": weeks,
        "weeks_choices": sorted({*STALE_WEEKS_CHOICES, weeks}),
        "register": rows,
        "register_totals": totals,
        "parents_not_told": parents_not_told,
    }
    return render(request, "pupils/overview.html", context)


@login_required
@require_GET
def overview_shortfalls(request):
    school_id = _oversight(request)
    today = timezone.localdate()
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "minutes"
    # Only the page's rows are built and explained (Shortfalls builds a slice on demand).
    page = Paginator(Shortfalls(school_id, today, sort), SHORTFALL_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _link_shortfalls(label_missed(explain(page.object_list, staffing=True)))
    record_access_many(
        actor=request.user, pupils=[f.provision.pupil for f in page.object_list], what="shortfalls"
    )
    context = {"today": today, "page": page, "sort": sort, "sorts": SORTS}
    return render(request, "pupils/overview_shortfalls.html", context)


@login_required
@require_GET
def overview_reviews(request):
    school_id = _oversight(request)
    today = timezone.localdate()
    page = Paginator(plans_due_for_review(school_id, today), FULL_LIST_SIZE).get_page(
        request.GET.get("page")
    )
    _link_reviews(page.object_list)
    record_access_many(
        actor=request.user, pupils=[p.pupil for p in page.object_list], what="plans due for review"
    )
    return render(request, "pupils/overview_reviews.html", {"today": today, "page": page})


@login_required
@require_GET
def overview_stale_targets(request):
    school_id = _oversight(request)
    today = timezone.localdate()
    weeks = _stale_weeks(request)
    page = Paginator(stale_targets(school_id, today, weeks), FULL_LIST_SIZE).get_page(
        request.GET.get("page")
    )
    _link_stale(page.object_list)
    record_access_many(
        actor=request.user, pupils=[t.plan.pupil for t in page.object_list], what="stale targets"
    )
    context = {
        "today": today,
        "page": page,
        "weeks": weeks,
        "weeks_choices": sorted({*STALE_WEEKS_CHOICES, weeks}),
    }
    return render(request, "pupils/overview_stale.html", context)
