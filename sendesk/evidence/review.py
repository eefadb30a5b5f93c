"""The evidence section of a review meeting and its pack (issue 10's agreed interface:
sendesk.lib.registry.declared("review_sections")). Pictures go in as data: URIs of their
thumbnails, so the same template renders in the page and in the PDF with no file URL."""

import base64
import datetime as dt

from .models import Evidence
from .selectors import file_path

MOST = 24  # a pack shows a year's best few, not every photo


def _data_uri(evidence) -> str:
    try:
        data = file_path(evidence, thumb=True).read_bytes()
    except Exception:  # noqa: BLE001 (a missing thumbnail leaves the caption alone)
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")


def section(pupil, since: dt.date, until: dt.date, *, for_parent: bool = False) -> dict | None:
    """Photos, recordings and work samples taken between `since` and `until`, never a
    withdrawn one (withdrawn is hidden from the family, and a pack goes to them)."""
    rows = list(
        Evidence.objects.filter(
            pupil=pupil, taken_on__gte=since, taken_on__lte=until, withdrawn_at__isnull=True
        )
        .prefetch_related("targets")
        .order_by("taken_on", "recorded_at")[:MOST]
    )
    if not rows:
        return None
    items = [
        {
            "kind": e.get_kind_display(),
            "caption": e.label,
            "taken_on": e.taken_on,
            "targets": [t.text for t in e.targets.all()],
            "image": _data_uri(e) if e.is_picture else "",
        }
        for e in rows
    ]
    return {
        "key": "evidence",
        "title": "Photos, recordings and work samples",
        "order": 60,
        "template": "evidence/review_evidence.html",
        "context": {"items": items, "for_parent": for_parent},
    }
