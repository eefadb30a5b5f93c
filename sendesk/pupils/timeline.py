"""The one way to add a line to a pupil's timeline. Called by services inside their
transaction. Never by safeguarding code: concerns stay behind the wall."""

from django.utils import timezone
from django.utils.text import Truncator

from .models import TimelineEntry, timeline_kinds

TITLE_MAX = TimelineEntry._meta.get_field("title").max_length


def timeline_add(*, pupil, kind, title, body="", actor=None, ref=None, occurred_at=None):
    """`ref` is the record the line is about (its model name and pk are kept for links).
    `kind` is one its app declares (AppConfig.timeline_kinds): the column holds no other."""
    if kind not in timeline_kinds():
        # A programming error, not bad input: no person chooses the kind.
        raise ValueError(f"{kind!r} is not a timeline kind any app declares.")
    return TimelineEntry.objects.create(
        pupil_id=getattr(pupil, "pk", pupil),
        occurred_at=occurred_at or timezone.now(),
        kind=kind,
        title=Truncator(title).chars(TITLE_MAX),
        body=body,
        actor=actor,
        ref_type=ref._meta.model_name if ref is not None else "",
        ref_id=str(ref.pk) if ref is not None else "",
    )
