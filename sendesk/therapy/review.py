"""Therapy's review section (TherapyConfig.review_sections, gathered by reviews): what
external professionals advised and when they visited, between the two dates. Shown to
the school and in the pack that goes to the family: the professional wrote it for them."""

import datetime as dt

from .selectors import pupil_advice


def section(pupil, since: dt.date, until: dt.date, *, for_parent: bool = False) -> dict | None:
    rows = pupil_advice(pupil, since, until)
    if not rows:
        return None
    items = [
        {
            "what": f"Visit on {a.visited_on:%-d %B %Y}" if a.visited_on else a.get_kind_display(),
            "by": a.by.full_name,
            "agency": str(a.referral.agency or a.referral.get_discipline_display()),
            "on": a.at.date(),
            "who_came": a.who_came,
            "text": a.text,
            "files": list(a.files.all()),
        }
        for a in rows
    ]
    return {
        "key": "agency_advice",
        "title": "Advice from other professionals",
        "order": 55,
        "template": "therapy/review_advice.html",
        "context": {"items": items, "for_parent": for_parent},
    }
