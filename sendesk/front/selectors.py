"""Reads for the pages that span domains: the pupil page gathers the pupil's record, plans,
provision and timeline; the SENCO's daily care list gathers care and medication."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

from sendesk.audit.services import record_access_many
from sendesk.care.models import CareEvent, CarePlan
from sendesk.care.selectors import equipment_due, training_warnings
from sendesk.lib.paths import Paths
from sendesk.medication.selectors import medicines_to_check, missed_and_refused
from sendesk.plans.models import Plan, Target
from sendesk.provision import progress
from sendesk.provision.models import Provision
from sendesk.provision.selectors import (
    explain,
    group_targets,
    reconcile,
    targets_with_latest_rating,
)
from sendesk.provision.templatetags.minutes import hours
from sendesk.pupils.models import (
    NEED_AREA,
    Contact,
    NeedCode,
    Pupil,
    PupilNeed,
    SenStatus,
    SenStatusPeriod,
    Strategy,
    timeline_links,
)
from sendesk.pupils.selectors import timeline_values
from sendesk.reviews import charts

# The pupil page shows the newest timeline entries; "Show older" loads the rest a page
# (pupils.selectors.PAGE_SIZE) at a time. Each line costs the page about 0.06 ms.
TIMELINE_FIRST = 10
SEN_STATUSES = dict(SenStatus.choices)
NEEDS = dict(NeedCode.choices)


@dataclass
class PupilPage:
    pupil: Pupil
    groups: list
    sen_history: list
    needs: list
    strategies: list
    contacts: list
    plans: list  # active, with outcomes and targets (and each target's latest rating)
    other_plans: list  # drafts and closed, for the list of links
    figures: list  # provision.selectors.Figures, one per current or future provision
    provision_rows: list  # ProvisionRow, one per figure: what its table row shows
    timeline: list
    next_cursor: str | None


@dataclass
class ProvisionRow:
    """One provision's row of the pupil page as text, worked out once in Python: the
    template then looks up a few strings per row instead of running filters, properties,
    display methods and {% url %} for each (the rows were the page's largest cost)."""

    title: str
    kinds: str  # "Small-group intervention · EHC plan section F"
    targets: str
    how_much: str
    pattern: str  # days, group and staffing
    dates: str
    week: tuple  # (delivered, promised, short or "") in hours and minutes
    term: tuple
    pct: int | None  # share of the term's promised minutes delivered
    bar: str  # " bad", " short" or ""
    bar_width: int | None
    why: list  # why_short(): safe HTML list items
    has_weeks: bool  # a week of the term owes or holds minutes: the chart has a row
    weeks_url: str
    end_url: str  # "" once the provision has an end date
    cells: str = ""  # provision_cells(): the row's first three cells as safe HTML


@dataclass
class WeekRow:
    label: str
    delivered: str
    promised: str
    short: str
    bar: str
    width: int


def _bar_class(pct, short_cut=95) -> str:
    if pct is None:
        return ""
    return " bad" if pct < 75 else " short" if pct < short_cut else ""


def week_rows(f) -> list:
    """The WeekRows of one provision's figures (explain()ed with weeks=True)."""
    rows = []
    for w in f.weeks:
        pct = w.pct
        bar = " bad" if pct is not None and pct < 75 else " short" if w.short else ""
        rows.append(
            WeekRow(
                label=f"Week of {w.monday.day} {w.monday:%b}",
                delivered=hours(w.delivered),
                promised=hours(w.promised),
                short=hours(w.short) if w.short else "",
                bar=bar,
                width=100 if pct is None else pct,
            )
        )
    return rows


def provision_row(f, targets: dict, paths: Paths) -> ProvisionRow:
    p = f.provision
    pattern = ", ".join(p.day_names)
    if p.group_size > 1:
        pattern += f" · group of {p.group_size}"
    pattern += f" · {p.get_staffing_display()}"
    dates = f"From {p.start.day} {p.start:%b %Y}"
    if p.end:
        dates += f" to {p.end.day} {p.end:%b %Y}"
    pct = f.delivered_pct
    explained = f.explained
    return ProvisionRow(
        title=p.title,
        kinds=f"{p.get_kind_display()} · {p.get_source_display()}",
        targets="; ".join(targets.get(p.pk, ())),
        how_much=p.how_much,
        pattern=pattern,
        dates=dates,
        week=(
            hours(f.delivered_week),
            hours(f.promised_week),
            hours(f.shortfall_week) if f.shortfall_week else "",
        ),
        term=(
            hours(f.delivered_term),
            hours(f.promised_term),
            hours(f.shortfall_term) if f.shortfall_term else "",
        ),
        pct=pct,
        bar=_bar_class(pct),
        bar_width=None if pct is None else min(pct, 100),
        why=why_short(f) if explained else [],
        has_weeks=bool(f.promised_term or f.delivered_term),
        weeks_url=reverse("pupil_provision_weeks", args=[p.pupil_id, p.pk]),
        end_url="" if p.end else paths("provision_end", p.pk),
    )


def provision_cells(r: ProvisionRow):
    """The first three cells of a provision's row on the pupil page (the same words as
    pupils/_figure.html; the actions cell the template adds for those who write plans),
    written once here: the template's lookups, conditions and loops for them were a
    quarter of the page's drawing. Every value is escaped; the reasons (why_short) are
    safe HTML already. The week-by-week chart loads when its <details> opens; without
    script, its link opens the chart as a page (pupils/weeks.html)."""
    e = {k: escape(v) for k, v in (("title", r.title), ("kinds", r.kinds), ("how", r.how_much),
                                    ("pattern", r.pattern), ("dates", r.dates))}  # fmt: skip
    week, term = [escape(v) for v in r.week], [escape(v) for v in r.term]
    targets = f'<br><span class="muted">For: {escape(r.targets)}</span>' if r.targets else ""
    week_short = f' <span class="badge warn">{week[2]} short</span>' if r.week[2] else ""
    term_short = f' <span class="badge bad">{term[2]} short</span>' if r.term[2] else ""
    if r.bar_width is None:
        bar = '<span class="muted">Nothing owed yet</span>'
    else:
        bar = (
            f'<div class="bar{escape(r.bar)}" role="img" aria-label="{r.pct}% of the promised '
            f'minutes delivered this term"><span class="w-{r.bar_width}"></span></div>'
            f'<span class="nums">{r.pct}% delivered</span>'
        )
    why = ""
    if r.term[2]:
        items = "".join(f"<li>{conditional_escape(item)}</li>" for item in r.why)
        why = f'<span>Why short this term:</span><ul class="why">\n  {items}\n</ul>'
    weeks = ""
    if r.has_weeks:
        url = escape(r.weeks_url)
        weeks = (
            f'\n<details class="weeks" hx-get="{url}" hx-trigger="toggle once" '
            'hx-target="find .week-body">\n'
            f'  <summary>Week by week this term<span class="visually-hidden">: {e["title"]}'
            "</span></summary>\n  \n"
            f'  <div class="week-body"><a href="{url}">Show each week of this term'
            f'<span class="visually-hidden">: {e["title"]}</span></a></div>\n</details>'
        )
    return mark_safe(  # noqa: S308 (each value above is escaped)
        f'<td data-label="Provision"><div class="cell"><strong>{e["title"]}</strong><br>'
        f'<span class="muted">{e["kinds"]}</span>\n          {targets}</div></td>\n'
        f'        <td data-label="How much"><div class="cell">{e["how"]}<br>'
        f'<span class="muted">{e["pattern"]}</span>\n          <br>'
        f'<span class="muted">{e["dates"]}</span></div></td>\n'
        '        <td data-label="Delivered"><div class="cell"><div class="figure">\n'
        f'  <span class="nums">This week: <strong>{week[0]}</strong> of {week[1]}{week_short}'
        "</span>\n"
        f'  <span class="nums">This term: <strong>{term[0]}</strong> of {term[1]}{term_short}'
        "</span>\n"
        f"  {bar}\n  {why}\n</div>{weeks}</div></td>"
    )


def why_short(f) -> list:
    """The reasons a provision is short this term, as safe HTML list items (see
    provision.selectors.Explained): the same words on the overview, the shortfall list and
    the pupil page, the staffing gap included when explain() was asked for it. Written
    with f-strings (format_html escaped each number and phrase again, the larger part of
    a shortfall row's cost); only a reason's label is text from outside: escaped."""
    why = f.explained
    items = []
    for label, minutes, n in f.missed_explained:
        sessions = f' <span class="muted">({n} session{"" if n == 1 else "s"})</span>' if n else ""
        items.append(
            mark_safe(
                f'Missed, {escape(label.lower())}: <span class="nums">{hours(minutes)}</span>'
                f"{sessions}"
            )
        )
    if why.short:
        items.append(
            mark_safe(
                "Delivered short (part, refused or fewer minutes): "
                f'<span class="nums">{hours(why.short)}</span>'
            )
        )
    if why.not_recorded:
        gap = ""
        if why.no_adult:
            how = (
                "on any of those days"
                if why.no_adult == why.not_recorded
                else f'for <span class="nums">{hours(why.no_adult)}</span> of it'
            )
            gap = (
                f'<br><strong class="gap">No adult deployed 1:1</strong> {how}: '
                "a staffing gap to fill"
            )
        items.append(
            mark_safe(
                f'No session recorded: <span class="nums">{hours(why.not_recorded)}</span>{gap}'
            )
        )
    return items


def timeline_rows(entries) -> list:
    """pupils.selectors.timeline_values' entries as the timeline's <li> lines, written once
    here (every typed value escaped): the time in the school's time, the title (a link as
    TimelineEntry.link gives it), who and the body. A template loop of lookups, two date
    filters and a property per line cost the pupil page a sixth of its drawing."""
    links = timeline_links()
    paths = Paths()
    rows = []
    for e in entries:
        local = timezone.localtime(e["occurred_at"])
        name = links.get(e["ref_type"])
        title = escape(e["title"])
        if name and e["ref_id"]:
            title = f'<a href="{escape(paths(name, e["ref_id"]))}">{title}</a>'
        by = e["actor__full_name"]  # None when no one is named: the line has no "— name".
        by = f' <span class="muted">— {escape(by)}</span>' if by is not None else ""
        body = f'<p class="body">{escape(e["body"])}</p>' if e["body"] else ""
        when = f"{local:%a} {local.day} {local:%b %Y, %H:%M}"
        rows.append(
            mark_safe(  # noqa: S308 (each value above is escaped)
                f'<li>\n      <time datetime="{local.isoformat()}">{when}</time>\n'
                f'      <span class="title">{title}</span>{by}\n      {body}\n    </li>'
            )
        )
    return rows


def strategy_lines(pupil) -> list:
    """The pupil's strategies as their list shows them: the words and who added them (None
    when no one is named). One query, no model built."""
    return [
        SimpleNamespace(text=text, by=by)
        for text, by in Strategy.objects.filter(pupil_id=pupil.pk).values_list(
            "text", "added_by__full_name"
        )
    ]


def target_progress(plans, day: dt.date) -> None:
    """Each target of the active plans gets `progress`: its ratings week by week as a
    chart, with the same figures in words, over the plan's life (a year at most). One query
    for every target of every plan."""
    spans = {
        t.pk: (progress.window(plan.start_date, day), day)
        for plan in plans
        for t in plan.targets.all()
    }
    if not spans:
        return
    weeks = progress.weekly(list(spans), min(since for since, _ in spans.values()), day)
    for plan in plans:
        for t in plan.targets.all():
            since, until = spans[t.pk]
            rows = [w for w in weeks.get(t.pk, []) if w[0] >= since - dt.timedelta(days=6)]
            found = progress.summary(rows)
            t.progress = found and dict(
                found,
                chart=charts.steps_chart(
                    [(monday, mean) for monday, mean, _ in rows],
                    progress.LEVEL_LABELS,
                    since,
                    until,
                    f"Ratings for “{t.text}”, week by week",
                ),
            )


def pupil_page(pupil: Pupil, *, day: dt.date) -> PupilPage:
    """Everything the pupil page shows. At most sixteen queries, however many
    needs, targets, ratings, provisions, sessions or timeline entries the pupil has (the
    weeks of each provision load apart: provision_weeks)."""
    plans = list(pupil.plans.order_by("-created"))
    active = [p for p in plans if p.status == Plan.Status.ACTIVE]
    prefetch_related_objects(
        active,
        "outcomes",
        Prefetch("targets", queryset=targets_with_latest_rating(Target.objects.all())),
    )
    for plan in active:
        group_targets(plan)
    target_progress(active, day)
    provisions = list(
        pupil.provisions.filter(Q(end__isnull=True) | Q(end__gte=day)).order_by("start", "title")
    )
    timeline, next_cursor = timeline_values(pupil, size=TIMELINE_FIRST)
    # The week-by-week chart loads when its row is opened (provision_weeks). A pupil has
    # a few provisions: one query of their session records gives reconcile() its sums and
    # explain() its ledger (two aggregates and a records query before).
    figures = explain(reconcile(provisions, day, records=True), staffing=True) if provisions else []
    # Only the targets' words are shown beside each provision: one flat query, no Target
    # objects built.
    targets = defaultdict(list)
    for provision_id, text in (
        Provision.targets.through.objects.filter(provision__in=[p.pk for p in provisions])
        .order_by("target__order", "target__text")
        .values_list("provision_id", "target__text")
    ):
        targets[provision_id].append(text)
    # The pupil's short lists as plain values of what the page shows: a query through a
    # related manager, building its models, cost twice what values_list() does here.
    pk = pupil.pk
    paths = Paths()
    return PupilPage(
        pupil=pupil,
        groups=list(
            Pupil.teaching_groups.through.objects.filter(pupil_id=pk)
            .order_by("teachinggroup__name")
            .values_list("teachinggroup__name", flat=True)
        ),
        sen_history=[
            SimpleNamespace(label=SEN_STATUSES.get(status, status), start=start, end=end)
            for status, start, end in SenStatusPeriod.objects.filter(pupil_id=pk).values_list(
                "status", "start", "end"
            )
        ],
        needs=[
            SimpleNamespace(
                code=code,
                label=NEEDS.get(code, code),
                area=NEED_AREA[code].label,
                rank=rank,
            )
            for code, rank in PupilNeed.objects.filter(pupil_id=pk).values_list("code", "rank")
        ],
        strategies=strategy_lines(pupil),
        contacts=list(
            Contact.objects.filter(pupil_id=pk).values(
                "name", "relationship", "parental_responsibility", "phone", "email"
            )
        ),
        plans=active,
        other_plans=sorted(
            (p for p in plans if p.status != Plan.Status.ACTIVE),
            key=lambda p: p.status != Plan.Status.DRAFT,
        ),
        figures=figures,
        provision_rows=_with_cells([provision_row(f, targets, paths) for f in figures]),
        timeline=timeline_rows(timeline),
        next_cursor=next_cursor,
    )


def _with_cells(rows: list) -> list:
    for r in rows:
        r.cells = provision_cells(r)
    return rows


def provision_weeks(pupil: Pupil, provision_id, *, day: dt.date):
    """One of the pupil's current provisions and the WeekRows of its term so far, for the
    chart the pupil page opens on demand; None if the pupil has no such provision (ended
    ones are not on the page either). Four queries of reconcile(records=True), which
    leaves explain() none."""
    provision = (
        pupil.provisions.filter(Q(end__isnull=True) | Q(end__gte=day), pk=provision_id)
        .defer("description")
        .first()
    )
    if provision is None:
        return None
    provision.pupil = pupil  # reconcile() asks for its school
    (figure,) = explain(reconcile([provision], day, records=True), weeks=True)
    return provision, week_rows(figure)


def daily_list(user, school_id: int):
    """What the SENCO must act on today: doses and medicines (medication), care plans
    without consent, care observations and equipment (care), and training (staff). A
    fixed number of queries, whatever the size of the school; writes one access row per
    pupil named."""
    now = timezone.now()
    day = timezone.localdate()
    doses = missed_and_refused(school_id, now, day)
    medicines = medicines_to_check(school_id, day)
    expired, expiring = training_warnings(school_id, day)
    no_consent = list(
        CarePlan.objects.filter(pupil__school_id=school_id, active=True)
        .filter(Q(consent_by="") | Q(consent_on__isnull=True))
        .select_related("pupil")
    )
    concerns = list(
        CareEvent.objects.filter(
            school_id=school_id,
            occurred_at__gte=timezone.make_aware(dt.datetime.combine(day, dt.time.min)),
        )
        .exclude(observations="")
        .select_related("pupil", "care_plan", "by")
        .order_by("occurred_at")
    )
    data = {
        "day": day,
        "doses": doses,
        "equipment": equipment_due(school_id, day),
        "training_expired": expired,
        "training_expiring": expiring,
        "training_count": len(expired) + len(expiring),
        "medicines": medicines,
        "no_consent": no_consent,
        "observations": concerns,
    }
    pupils = [d["pupil"] for d in doses if d["pupil"] is not None]
    pupils += [m.pupil for m in medicines] + [p.pupil for p in no_consent]
    pupils += [e.pupil for e in concerns]
    pupils += [e.pupil for e in data["equipment"] if e.pupil is not None]
    if pupils:
        record_access_many(actor=user, pupils=pupils, what="care daily list")
    return data
