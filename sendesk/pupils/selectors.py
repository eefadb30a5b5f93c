"""Reads about pupils that pages and the API share."""

import base64
import binascii
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.utils.dateparse import parse_datetime

from sendesk import access
from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.lib.forms import small_int
from sendesk.plans.models import Plan, Target
from sendesk.plans.selectors import group_targets, label_missed, targets_with_latest_rating
from sendesk.provision.selectors import explain, reconcile
from sendesk.schools.models import YearGroup

from .models import NEED_AREA, Area, NeedCode, Pupil, PupilNeed, SenStatus, TimelineEntry

PAGE_SIZE = 25


class BadCursor(ValueError):
    """A timeline cursor this product did not hand out."""


def _encode_cursor(at, pk) -> str:
    # Opaque and URL-safe: a raw ISO time holds a '+' that an unencoded query string turns
    # into a space.
    return base64.urlsafe_b64encode(f"{at.isoformat()}~{pk}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at_text, _, id_text = raw.rpartition("~")
        at = parse_datetime(at_text)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor from None
    if at is None or not id_text.isascii() or not id_text.isdigit():
        raise BadCursor
    return at, int(id_text)


def timeline_page(pupil, *, cursor: str | None = None, size: int = PAGE_SIZE):
    """One page of the pupil's timeline, newest first, and the opaque cursor for the next
    page (None on the last). Keyset paging on the (pupil, -occurred_at, -id) index, so page
    400 costs what page 1 costs: one query. Raises BadCursor for a cursor it did not give."""
    qs = TimelineEntry.objects.filter(pupil=pupil).select_related("actor")
    if cursor:
        at, pk = _decode_cursor(cursor)
        qs = qs.filter(Q(occurred_at__lt=at) | Q(occurred_at=at, id__lt=pk))
    entries = list(qs.order_by("-occurred_at", "-id")[: size + 1])
    next_cursor = None
    if len(entries) > size:
        entries = entries[:size]
        next_cursor = _encode_cursor(entries[-1].occurred_at, entries[-1].id)
    return entries, next_cursor


# --- Pages: the pupil list, the pupil page, the access log, the SEN register ----------------

LIST_PAGE_SIZE = 25
NEED_RANK_LABELS = ("Primary need", "Secondary need", "Third need", "Fourth need", "Fifth need")


def pupil_search(
    user,
    *,
    q: str = "",
    need: str = "",
    area: str = "",
    status: str = "",
    year: str = "",
    primary_only: bool = False,
):
    """The pupils in `user`'s scope matching the filters, in name order. Unknown filter
    values match nobody rather than being ignored, so a mistyped link never shows more than
    asked for. One query for the page, one for the count, one for the needs."""
    qs = access.visible_pupils(user).select_related("year_group", "school")
    for word in q.split():
        qs = qs.filter(
            Q(legal_first_name__icontains=word)
            | Q(legal_last_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(upn__iexact=word)
        )
    # Needs are matched with EXISTS, not a join, so a pupil with two needs in one area
    # appears once.
    needs = PupilNeed.objects.filter(pupil=OuterRef("pk"))
    if primary_only:
        needs = needs.filter(rank=1)
    if need == "none":
        qs = qs.filter(~Exists(PupilNeed.objects.filter(pupil=OuterRef("pk"))))
    elif need:
        qs = qs.filter(Exists(needs.filter(code=need))) if need in NeedCode.values else qs.none()
    if area:
        codes = [code for code, a in NEED_AREA.items() if a == area]
        qs = qs.filter(Exists(needs.filter(code__in=codes))) if codes else qs.none()
    if status:
        qs = qs.filter(sen_status=status) if status in SenStatus.values else qs.none()
    if year:
        year_id = small_int(year, 1, 2**31 - 1)
        qs = qs.filter(year_group_id=year_id) if year_id else qs.none()
    return qs.prefetch_related("needs").order_by("legal_last_name", "legal_first_name", "pk")


def year_groups_for(user):
    """Year groups of the schools where `user` holds a role, for the list's filter."""
    schools = {school for school, _ in access.roles_of(user)}
    return YearGroup.objects.filter(school_id__in=schools).select_related("school")


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
    timeline: list
    next_cursor: str | None


def pupil_page(pupil: Pupil, *, day: dt.date) -> PupilPage:
    """Everything the pupil page shows. At most sixteen queries, however many
    needs, targets, ratings, provisions, sessions or timeline entries the pupil has."""
    plans = list(pupil.plans.order_by("-created"))
    active = [p for p in plans if p.status == Plan.Status.ACTIVE]
    prefetch_related_objects(
        active,
        "outcomes",
        Prefetch("targets", queryset=targets_with_latest_rating(Target.objects.all())),
    )
    for plan in active:
        group_targets(plan)
    provisions = list(
        pupil.provisions.filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("plan")
        .prefetch_related("targets")
        .order_by("start", "title")
    )
    timeline, next_cursor = timeline_page(pupil)
    return PupilPage(
        pupil=pupil,
        groups=list(pupil.teaching_groups.all()),
        sen_history=list(pupil.sen_history.all()),
        needs=list(pupil.needs.all()),
        strategies=list(pupil.strategies.select_related("added_by")),
        contacts=list(pupil.contacts.all()),
        plans=active,
        other_plans=sorted(
            (p for p in plans if p.status != Plan.Status.ACTIVE),
            key=lambda p: p.status != Plan.Status.DRAFT,
        ),
        figures=label_missed(explain(reconcile(provisions, day), weeks=True)) if provisions else [],
        timeline=timeline,
        next_cursor=next_cursor,
    )


@dataclass
class Change:
    event: AuditEvent
    what: str
    fields: list  # (name, before, after)


AUDIT_NAMES = {
    "pupils.pupil": "Pupil record",
    "pupils.strategy": "Strategy",
    "pupils.contact": "Contact",
    "pupils.deployment": "Deployment",
    "plans.plan": "Plan",
    "plans.outcome": "Outcome",
    "plans.target": "Target",
    "provision.provision": "Provision",
    "provision.session": "Session record",
}


def _changed_fields(before, after):
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    keys = list(dict.fromkeys([*before, *after]))
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def access_log(pupil: Pupil, *, views_page=1, changes_page=1, size: int = LIST_PAGE_SIZE):
    """Who viewed the pupil (AccessEvent) and what was changed (AuditEvent), newest first,
    each paged on its own. Four queries: a count and a page for each."""
    views = Paginator(
        AccessEvent.objects.filter(pupil=pupil).select_related("actor").order_by("-at", "-id"), size
    ).get_page(views_page)
    changes = Paginator(
        AuditEvent.objects.filter(pupil=pupil).select_related("actor").order_by("-at", "-id"), size
    ).get_page(changes_page)
    changes.object_list = [
        Change(event=e, what=audit_label(e.object_type), fields=_changed_fields(e.before, e.after))
        for e in changes.object_list
    ]
    return views, changes


def audit_label(object_type: str) -> str:
    return AUDIT_NAMES.get(object_type, object_type)


def register_summary(school_id: int):
    """The SEN register by primary need and status: one aggregate query.
    Returns (rows, totals): rows are (area, [(code, label, {status: n, 'all': n})], area
    counts) for areas with anyone on the register; code None is 'no need recorded'."""
    primary = PupilNeed.objects.filter(pupil=OuterRef("pk"), rank=1).values("code")[:1]
    counts = (
        Pupil.objects.filter(school_id=school_id)
        .on_register()
        .annotate(primary=Subquery(primary))
        .values("sen_status", "primary")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cells = defaultdict(lambda: defaultdict(int))
    for row in counts:
        cell = cells[row["primary"]]
        cell[row["sen_status"]] += row["n"]
        cell["all"] += row["n"]
    totals = defaultdict(int)
    rows = []
    for area in Area:
        codes = [c for c in NeedCode if NEED_AREA[c] == area and c.value in cells]
        if not codes:
            continue
        area_counts = defaultdict(int)
        lines = []
        for code in codes:
            cell = cells[code.value]
            lines.append((code.value, code.label, dict(cell)))
            for key, n in cell.items():
                area_counts[key] += n
                totals[key] += n
        rows.append((area, lines, dict(area_counts)))
    if None in cells:
        cell = cells[None]
        rows.append((None, [("none", "No need recorded", dict(cell))], dict(cell)))
        for key, n in cell.items():
            totals[key] += n
    return rows, dict(totals)
