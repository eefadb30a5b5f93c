"""Reading evidence: for staff through the access layer, for a parent their own child's
(withdrawn ones left out), and the files themselves."""

from pathlib import Path

from django.conf import settings
from django.http import Http404

from sendesk import access
from sendesk.lib.ids import parse_uuid

from .models import Evidence

CARD_ITEMS = 6


def _listed(queryset):
    return queryset.select_related("recorded_by", "withdrawn_by").prefetch_related("targets")


def for_pupil(pupil, *, session_id=None) -> list[Evidence]:
    """A pupil's evidence, newest first, withdrawn included (the page marks it). The caller
    has the pupil from the access layer. Two queries."""
    rows = Evidence.objects.filter(pupil=pupil)
    if session_id:
        rows = rows.filter(session_id=session_id)
    return list(_listed(rows))


def pupil_card(user, pupil) -> dict:
    """What the pupil page shows: the latest pictures, how many there are, and whether
    this person may add some. Two queries."""
    rows = list(
        Evidence.objects.filter(pupil=pupil, withdrawn_at__isnull=True).order_by(
            "-taken_on", "-recorded_at"
        )[: CARD_ITEMS + 1]
    )
    return {
        "items": rows[:CARD_ITEMS],
        "more": len(rows) > CARD_ITEMS,
        "may_add": access.can(user, pupil.school_id, "record_sessions"),
    }


def for_session(user, session_id) -> dict:
    """A session's pictures and recordings, by pupil, for the session page: never withdrawn
    ones, and only pupils this person may see (the page's other pupils are the caller's
    business, but the rows are filtered here too). One query."""
    rows = access.scoped(
        user, Evidence.objects.filter(session_id=session_id, withdrawn_at__isnull=True)
    ).order_by("taken_on", "recorded_at")
    by_pupil: dict = {}
    for evidence in rows:
        by_pupil.setdefault(evidence.pupil_id, []).append(evidence)
    return by_pupil


def for_parent(child, limit: int | None = None) -> list[Evidence]:
    """What a parent sees of their child's evidence: never anything withdrawn."""
    rows = Evidence.objects.filter(pupil=child, withdrawn_at__isnull=True)
    return list(rows[:limit] if limit else rows)


def staff_item(user, pk) -> Evidence:
    """One evidence record for a member of staff: 404 out of scope, and for a withdrawn
    one, 404 unless they oversee the school (the SENCO keeps it; others no longer see it)."""
    evidence = access.get_scoped(user, _listed(Evidence.objects), pk)
    if evidence.withdrawn and not access.can(user, evidence.school_id, "oversee"):
        raise Http404
    return evidence


def parent_item(user, pupil_id, pk) -> Evidence:
    child = access.get_child(user, pupil_id)
    key = parse_uuid(pk)
    found = Evidence.objects.filter(pk=key, pupil=child, withdrawn_at__isnull=True)
    evidence = found.first() if key else None
    if evidence is None:
        raise Http404
    return evidence


def file_path(evidence: Evidence, *, thumb: bool = False) -> Path:
    name = evidence.thumb_path if thumb else evidence.path
    if not name:
        raise Http404
    path = Path(settings.EVIDENCE_DIR) / name
    if not path.is_file():
        raise Http404
    return path
