"""The SENCO overview and its sub-pages: what is slipping across the school (provision
shortfalls, plans due for review, targets without recent evidence, restrictive
interventions to follow up) and the SEN register. They gather plans, provision, behaviour
and pupils, so they sit above them all. Only those who oversee a school (SENCO, head)."""

import uuid
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.timesince import timeuntil
from django.views.decorators.http import require_GET

from sendesk import access
from sendesk.audit.services import record_access_many
from sendesk.behaviour.selectors import interventions_overseen
from sendesk.lib.forms import small_int
from sendesk.lib.paths import Paths
from sendesk.plans.selectors import plans_due_for_review
from sendesk.provision.models import Provision
from sendesk.provision.selectors import SORTS, Shortfalls, StaleTargets, explain, label_missed
from sendesk.provision.templatetags.minutes import hours
from sendesk.pupils import selectors
from sendesk.therapy.selectors import overdue_referrals

from .selectors import why_short

# The overview is one screen of what is slipping: the worst of each list, with a link to
# its full page (which pages through the rest).
OVERVIEW_CAP = 10
FULL_LIST_SIZE = 50
# Each shortfall row is explained day by day; a SENCO acts on the worst first, so the
# full list shows them a page of 20 at a time (the page stays fast in a large school).
SHORTFALL_PAGE_SIZE = 20
STALE_WEEKS_CHOICES = (2, 3, 4, 6, 8)
STALE_WEEKS_DEFAULT = 3
SOURCES = dict(Provision.Source.choices)


# --- The SENCO overview -------------------------------------------------------------------


def _linked(rows, **links):
    """Sets `<attr>` on each row to the URL `links[attr] = (url name, row -> id)`, with
    one reverse() per list (lib.paths.Paths): a `{% url %}` per row costs more than the
    rest of the row (a page shows up to 50 rows of 2 links)."""
    paths = Paths()
    for attr, (name, id_of) in links.items():
        for row in rows:
            setattr(row, attr, paths(name, id_of(row)))
    return rows


@dataclass
class ShortfallRow:
    """One row of the shortfall table, every cell already in words: the template only
    prints them (a lookup, filter or condition per cell per row cost more than the rest
    of the page)."""

    pupil_id: uuid.UUID
    pupil_name: str
    year_group: str
    title: str
    how_much: str
    source: str
    week: str
    term: str
    short: str
    pct: int | None
    bar_class: str
    bar_width: int
    why: list  # safe HTML list items, or empty when `reasons` says it
    reasons: str
    pupil_url: str = ""
    # The "Delivered" and "Why short" cells as safe HTML (see _cells): each was a dozen
    # lookups and conditions per row in the template.
    delivered: str = ""
    why_cell: str = ""


def _cells(row: ShortfallRow) -> ShortfallRow:
    """Sets the row's bar and reasons cells, as pupils/_bar.html and pupils/_explained.html
    say them. Every value in them is a number or already safe HTML (why_short),
    but the reasons of a row that explain() did not explain, which are escaped."""
    if row.pct is None:
        row.delivered = mark_safe('<span class="muted">Nothing owed yet</span>')
    else:
        row.delivered = mark_safe(
            f'<div class="bar{row.bar_class}" role="img" aria-label="{row.pct}% of the '
            f'promised minutes delivered this term"><span class="w-{row.bar_width}">'
            f'</span></div><span class="nums">{row.pct}% delivered</span>'
        )
    if row.why:
        items = "".join(f"<li>{item}</li>" for item in row.why)
        row.why_cell = mark_safe(f'<ul class="why">{items}</ul>')
    elif row.reasons:
        row.why_cell = escape(row.reasons)
    else:
        row.why_cell = mark_safe('<span class="muted">None recorded</span>')
    return row


def _shortfall_rows(figures) -> list[ShortfallRow]:
    """The explained `figures` (with label_missed) as table rows, linked to their pupil."""
    rows = []
    for f in figures:
        p = f.provision
        pupil = p.pupil
        pct = f.delivered_pct
        explained = f.explained is not None and f.shortfall_term
        rows.append(
            _cells(
                ShortfallRow(
                    pupil_id=pupil.pk,
                    pupil_name=pupil.name,
                    year_group=pupil.year_group.name,
                    title=p.title,
                    how_much=p.how_much,
                    source=SOURCES.get(p.source, p.source),
                    week=f"{hours(f.delivered_week)} of {hours(f.promised_week)}",
                    term=f"{hours(f.delivered_term)} of {hours(f.promised_term)}",
                    short=f"{hours(f.shortfall_term)} short",
                    pct=pct,
                    bar_class=""
                    if pct is None or pct >= 95
                    else (" bad" if pct < 75 else " short"),
                    bar_width=min(pct or 0, 100),
                    why=why_short(f) if explained else [],
                    reasons=""
                    if explained
                    else ", ".join(f"{label} ({n})" for label, n in f.missed_reasons),
                )
            )
        )
    return _linked(rows, pupil_url=("pupil_detail", lambda row: row.pupil_id))


def _link_reviews(rows, today):
    """Links each plan and writes its review date and how soon it falls in words, once
    per row in Python: the date filters and the kind's display per row in the template
    cost more than the rest of the list."""
    for plan in rows:
        review = plan.review_date
        plan.review_text = dateformat.format(review, "j M Y")
        if review < today:
            plan.badge, plan.when = "bad", "overdue"
        elif review == today:
            plan.badge, plan.when = "warn", "today"
        else:
            plan.badge, plan.when = "warn", f"in {timeuntil(review, today)}"
        plan.kind_label = plan.get_kind_display()
        plan.pupil_name = plan.pupil.name
        plan.year_group = plan.pupil.year_group.name
    return _linked(
        rows,
        pupil_url=("pupil_detail", lambda plan: plan.pupil_id),
        url=("plan_detail", lambda plan: plan.pk),
    )


def _link_stale(rows):
    """Links each row and writes its last evidence date as the rows show it ("4 Nov
    2026"), once per row in Python rather than a date filter per row in the template."""
    _linked(
        rows,
        pupil_url=("pupil_detail", lambda t: t.pupil_id),
        target_url=("plan_detail", lambda t: t.plan_id),
    )
    for t in rows:
        t.target_url += f"#target-{t.pk}"
        d = t.latest_rating_date
        t.last_evidence = dateformat.format(d, "j M Y") if d else ""
    return rows


def _register_rows(register, totals) -> list[tuple]:
    """The SEN register table (pupils.selectors.register_summary) as rows of (kind, label,
    data label, [(column, href or "", count)] for E, K and all): the links to the pupil
    list are written once here rather than from four lookups per cell in the template."""
    base = reverse("pupil_list")

    def cells(counts, query):
        return [
            ("E", f"{base}?status=E" + (f"&{query}" if query else ""), counts.get("E", 0)),
            ("K", f"{base}?status=K" + (f"&{query}" if query else ""), counts.get("K", 0)),
            ("All", "", counts.get("all", 0)),
        ]

    rows = []
    for area, lines, counts in register:
        if area:
            rows.append(("area", area.label, "Area", cells(counts, f"area={area.value}&primary=1")))
        for code, label, cell in lines:
            name = label if code == "none" else f"{code} — {label}"
            rows.append(("sub", name, "Need", cells(cell, f"need={code}&primary=1")))
    rows.append(("area", "On the register", "Register", cells(totals, None)))
    return rows


def _pupils(ids, school_id):
    """Pupil references for the access log, which needs only their ids and school (every
    pupil of an overview page is of the school overseen): plain values, as building a
    Pupil for each cost a page of 20 rows half a millisecond."""
    return [SimpleNamespace(pk=pk, school_id=school_id) for pk in ids]


def _oversight(request) -> int:
    return access.oversight_school(request.user, request.GET.get("school"))


def _stale_weeks(request) -> int:
    return small_int(request.GET.get("weeks", ""), 1, 52) or STALE_WEEKS_DEFAULT


def _carried(request, **also) -> str:
    """The query string that carries the school asked for (a head of several schools)
    and `also` on to the overview's parts and lists: "" or "?school=2&weeks=4"."""
    query = {}
    school = request.GET.get("school")
    if school:
        query["school"] = school
    query.update(also)
    return f"?{urlencode(query)}" if query else ""


# The overview's three lists load as parts of the page (htmx, once it has loaded): each is
# worked out on its own request, so the page itself comes at once and the lists side by
# side (a browser asks for them in parallel). Without script, each place on the page links
# to its full list instead.
PARTS = {
    "shortfalls": ("overview_part_shortfalls", "overview_shortfalls"),
    "reviews": ("overview_part_reviews", "overview_reviews"),
    "stale": ("overview_part_stale_targets", "overview_stale_targets"),
}


@login_required
@require_GET
def overview(request):
    """The page: the SEN register and the parents-not-told alert, and a place for each
    list, which loads it (see PARTS)."""
    school_id = _oversight(request)
    today = timezone.localdate()
    weeks = _stale_weeks(request)
    register, totals = selectors.register_summary(school_id)
    # Parents not yet told after a restrictive intervention: a legal duty, so at the top.
    parents_not_told = interventions_overseen([school_id], overdue_only=True).count()
    # The register summary is counts only: no pupil is named, so none is recorded for it
    # (each part records the pupils it names).
    carried = {
        "shortfalls": _carried(request),
        "reviews": _carried(request),
        "stale": _carried(request, weeks=weeks),
    }
    context = {
        "today": today,
        "weeks": weeks,
        "parts": {
            key: (reverse(part) + carried[key], reverse(full) + carried[key])
            for key, (part, full) in PARTS.items()
        },
        "register": _register_rows(register, totals) if register else [],
        "parents_not_told": parents_not_told,
        # Referrals to an agency past their timescale (issue 11): a count, no pupil named.
        "referrals_overdue": overdue_referrals([school_id], today).count(),
    }
    return render(request, "pupils/overview.html", context)


def _full_list(request, key, **also):
    """A part asked for without htmx (a link followed, a bookmark): its full list."""
    return redirect(reverse(PARTS[key][1]) + _carried(request, **also))


def _part(request, name, context, shown, school_id):
    """The overview's section `name` (a partial of its template), the pupils it names (of
    `school_id`) recorded as seen on the overview."""
    record_access_many(actor=request.user, pupils=_pupils(shown, school_id), what="SENCO overview")
    return render(request, f"pupils/overview.html#{name}", context)


@login_required
@require_GET
def overview_part_shortfalls(request):
    """The overview's worst shortfalls (OVERVIEW_CAP) and how many there are."""
    school_id = _oversight(request)
    if not request.htmx:
        return _full_list(request, "shortfalls")
    ranked = Shortfalls(school_id, timezone.localdate())
    short = _shortfall_rows(label_missed(explain(ranked[:OVERVIEW_CAP], staffing=True)))
    full = reverse("overview_shortfalls")
    context = {
        "shortfalls": short,
        "shortfall_count": len(ranked),
        "full_url": full + _carried(request),
        "percent_url": full + _carried(request, sort="percent"),
    }
    return _part(request, "shortfalls", context, [row.pupil_id for row in short], school_id)


@login_required
@require_GET
def overview_part_reviews(request):
    """The overview's plans due for review, the first OVERVIEW_CAP, and how many."""
    school_id = _oversight(request)
    if not request.htmx:
        return _full_list(request, "reviews")
    today = timezone.localdate()
    # How many plans are due comes with the first rows, in the same query.
    reviews = _link_reviews(
        list(
            plans_due_for_review(school_id, today).annotate(total=Window(Count("pk")))[
                :OVERVIEW_CAP
            ]
        ),
        today,
    )
    context = {
        "reviews": reviews,
        "review_count": reviews[0].total if reviews else 0,
        "full_url": reverse("overview_reviews") + _carried(request),
    }
    return _part(request, "reviews", context, [plan.pupil_id for plan in reviews], school_id)


@login_required
@require_GET
def overview_part_stale_targets(request):
    """The overview's targets with no evidence for `weeks`, the first OVERVIEW_CAP, and
    how many."""
    school_id = _oversight(request)
    weeks = _stale_weeks(request)
    if not request.htmx:
        return _full_list(request, "stale", weeks=weeks)
    ranked = StaleTargets(school_id, timezone.localdate(), weeks)
    stale = _link_stale(ranked[:OVERVIEW_CAP])
    context = {
        "stale": stale,
        "stale_count": len(ranked),
        "weeks": weeks,
        "weeks_choices": sorted({*STALE_WEEKS_CHOICES, weeks}),
        "full_url": reverse("overview_stale_targets") + _carried(request, weeks=weeks),
        "school": request.GET.get("school", ""),
    }
    return _part(request, "stale", context, [target.pupil_id for target in stale], school_id)


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
    page.object_list = _shortfall_rows(label_missed(explain(page.object_list, staffing=True)))
    record_access_many(
        actor=request.user,
        pupils=_pupils((row.pupil_id for row in page.object_list), school_id),
        what="shortfalls",
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
    page.object_list = _link_reviews(list(page.object_list), today)
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
    page = Paginator(StaleTargets(school_id, today, weeks), FULL_LIST_SIZE).get_page(
        request.GET.get("page")
    )
    _link_stale(page.object_list)
    record_access_many(
        actor=request.user,
        pupils=_pupils((t.pupil_id for t in page.object_list), school_id),
        what="stale targets",
    )
    context = {
        "today": today,
        "page": page,
        "weeks": weeks,
        "weeks_choices": sorted({*STALE_WEEKS_CHOICES, weeks}),
    }
    return render(request, "pupils/overview_stale.html", context)
