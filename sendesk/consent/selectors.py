"""Reading consent: the agreed interface other apps call (allows, current), and the
history shown on the pupil and parent pages."""

import datetime as dt

from django.utils import timezone

from .models import Consent, Decision, Kind


def current(pupil_id, kind: str) -> Consent | None:
    """The parent's latest decision of this kind for the pupil, or None when none has been
    recorded. One query."""
    pupil_id = getattr(pupil_id, "pk", pupil_id)
    return (
        Consent.objects.filter(pupil_id=pupil_id, kind=kind)
        .select_related("given_by", "recorded_by")
        .order_by("-on", "-recorded_at", "-id")
        .first()
    )


def allows(pupil_id, kind: str, on: dt.date | None = None) -> bool:
    """Whether, on `on` (today by default), the latest decision then made is 'given'. No
    record at all is no consent. One query."""
    pupil_id = getattr(pupil_id, "pk", pupil_id)
    on = on or timezone.localdate()
    latest = (
        Consent.objects.filter(pupil_id=pupil_id, kind=kind, on__lte=on)
        .order_by("-on", "-recorded_at", "-id")
        .values_list("decision", flat=True)
        .first()
    )
    return latest == Decision.GIVEN


def history(pupil_id, kind: str | None = None) -> list[Consent]:
    """Every decision recorded for the pupil, latest first (of one kind, if given)."""
    rows = Consent.objects.filter(pupil_id=getattr(pupil_id, "pk", pupil_id))
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.select_related("given_by", "recorded_by"))


def summary(pupil_id) -> list[dict]:
    """Each kind of consent with the decision in force (None when nothing is recorded), for
    the pupil page and the parent page: one query for all kinds."""
    latest: dict[str, Consent] = {}
    for row in history(pupil_id):
        latest.setdefault(row.kind, row)
    return [{"kind": kind, "label": label, "current": latest.get(kind)} for kind, label in
            Kind.choices]  # fmt: skip
