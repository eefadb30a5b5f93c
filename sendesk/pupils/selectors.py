"""Reads about pupils that pages and the API share."""

import base64
import binascii
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace

from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    Subquery,
)
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.lib.forms import small_int
from sendesk.lib.paths import Paths
from sendesk.lib.registry import merged
from sendesk.schools.capabilities import roles_of
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


def _before(entries, at, pk):
    """The entries before the cursor: (occurred_at, id) < (at, pk), written so that the
    leading `occurred_at <= at` bounds the index range. With only the OR, SQLite scanned the
    pupil's whole index from the newest entry, so each page cost more the further back it
    was (0.87 ms against 0.05 ms on the last of 400 pages)."""
    return entries.filter(Q(occurred_at__lte=at), Q(occurred_at__lt=at) | Q(id__lt=pk))


def _keyset_page(qs, cursor, size):
    if cursor:
        qs = _before(qs, *_decode_cursor(cursor))
    entries = list(qs.order_by("-occurred_at", "-id")[: size + 1])
    next_cursor = None
    if len(entries) > size:
        entries = entries[:size]
        last = entries[-1]
        if isinstance(last, dict):
            next_cursor = _encode_cursor(last["occurred_at"], last["id"])
        else:
            next_cursor = _encode_cursor(last.occurred_at, last.id)
    return entries, next_cursor


def timeline_page(pupil, *, cursor: str | None = None, size: int = PAGE_SIZE):
    """One page of the pupil's timeline, newest first, and the opaque cursor for the next
    page (None on the last). Keyset paging on the (pupil, -occurred_at, -id) index, so page
    400 costs what page 1 costs: one query. Raises BadCursor for a cursor it did not give."""
    qs = TimelineEntry.objects.filter(pupil=pupil).select_related("actor")
    return _keyset_page(qs, cursor, size)


TIMELINE_LINE = ("id", "occurred_at", "title", "body", "ref_type", "ref_id", "actor__full_name")


def timeline_values(pupil, *, cursor: str | None = None, size: int = PAGE_SIZE):
    """As timeline_page, for the pages: each entry a dict of only what its line shows
    (TIMELINE_LINE), with no TimelineEntry or User built. One query."""
    qs = TimelineEntry.objects.filter(pupil=pupil).values(*TIMELINE_LINE)
    return _keyset_page(qs, cursor, size)


# --- Pages: the pupil list, the pupil page, the access log, the SEN register ----------------

LIST_PAGE_SIZE = 25
NEED_RANK_LABELS = ("Primary need", "Secondary need", "Third need", "Fourth need", "Fifth need")


def pupil_search(
    pupils,
    *,
    q: str = "",
    need: str = "",
    area: str = "",
    status: str = "",
    year: str = "",
    primary_only: bool = False,
):
    """The pupils of `pupils` (the person's scope, from sendesk.access) matching the
    filters, in name order. Unknown filter values match nobody rather than being ignored,
    so a mistyped link never shows more than asked for. values() of what the list shows:
    one query for the page and one for the count (list_rows adds the needs)."""
    qs = pupils
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
    return qs.order_by("legal_last_name", "legal_first_name", "pk").values(
        "pk", "upn", "legal_first_name", "legal_last_name", "preferred_name",
        "year_group__name", "sen_status", "school_id",
    )  # fmt: skip


STATUS_BADGE = {SenStatus.EHCP: "badge flag", SenStatus.SUPPORT: "badge warn"}
NEED_LABELS = dict(NeedCode.choices)
STATUS_LABELS = dict(SenStatus.choices)


def list_rows(rows) -> list[SimpleNamespace]:
    """A page of pupil_search's rows as the list shows them, with each pupil's needs in
    rank order (one query): names, links and badges worked out here, so the template
    looks up a few plain values per row instead of walking model instances."""
    rows = list(rows)
    needs = defaultdict(list)
    for pupil_id, code in (
        PupilNeed.objects.filter(pupil_id__in=[r["pk"] for r in rows])
        .order_by("pupil_id", "rank")
        .values_list("pupil_id", "code")
    ):
        needs[pupil_id].append((code, NEED_LABELS.get(code, code)))
    paths = Paths()
    return [
        SimpleNamespace(
            pk=r["pk"],
            school_id=r["school_id"],  # the access trail's chain (audit.record_access_many)
            url=paths("pupil_detail", r["pk"]),
            name=f"{r['legal_last_name']}, {r['preferred_name'] or r['legal_first_name']}",
            upn=r["upn"],
            year=r["year_group__name"],
            badge=STATUS_BADGE.get(r["sen_status"], "badge"),
            status=STATUS_LABELS.get(r["sen_status"], r["sen_status"]),
            needs=needs[r["pk"]],
        )
        for r in rows
    ]


def year_groups_for(user):
    """Year groups of the schools where `user` holds a role, for the list's filter."""
    schools = {school for school, _ in roles_of(user)}
    return YearGroup.objects.filter(school_id__in=schools).select_related("school")


@dataclass
class Change:
    event: AuditEvent
    what: str
    fields: list  # (name, before, after)


@cache
def audit_names() -> dict:
    """What each kind of audited record is called, in words: every app's
    AppConfig.audit_names ('app.model' -> name)."""
    return merged("audit_names")


_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _local(value):
    """A time the trail stored as ISO text, in the school's local time. The trail holds
    both kinds: audit.snapshot() writes UTC, lib.inputs.plain() local time. Shown as
    stored, an evening change after 23:00 in summer would read as the day before, and one
    instant written both ways would look like a change."""
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        parsed = parse_datetime(value)
        if parsed is not None and timezone.is_aware(parsed):
            return timezone.localtime(parsed).isoformat()
    return value


def _changed_fields(before, after):
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    keys = list(dict.fromkeys([*before, *after]))
    pairs = ((k, _local(before.get(k)), _local(after.get(k))) for k in keys)
    return [(k, old, new) for k, old, new in pairs if old != new]


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
    return audit_names().get(object_type, object_type)


def register_summary(school_id: int):
    """The SEN register by primary need and status: one aggregate query.
    Returns (rows, totals): rows are (area, [(code, label, {status: n, 'all': n})], area
    counts) for areas with anyone on the register; code None is 'no need recorded'."""
    primary = PupilNeed.objects.filter(pupil=OuterRef("pk"), rank=1).values("code")[:1]
    counts = (
        Pupil.objects.filter(school_id=school_id)
        .on_register()
        .on_roll()
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
