"""Reading consent: the agreed interface other apps call (allows, current), and the
history shown on the pupil and parent pages."""

import datetime as dt

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from .models import AGENCY_KINDS, Consent, Decision, Kind


def _about(rows, agency_id=None, ref: str = ""):
    """The rows of one question: an agency kind is asked about one agency; a medicine or
    a trip is answered by a consent about it or by the parent's general one (no ref),
    whichever is latest."""
    if agency_id is not None:
        rows = rows.filter(agency_id=getattr(agency_id, "pk", agency_id))
    if ref:
        rows = rows.filter(ref__in=[ref, ""])
    return rows


def current(pupil_id, kind: str, *, agency_id=None, ref: str = "") -> Consent | None:
    """The parent's latest decision of this kind for the pupil (about this agency, or this
    medicine or trip), or None when none has been recorded. One query."""
    pupil_id = getattr(pupil_id, "pk", pupil_id)
    return (
        _about(Consent.objects.filter(pupil_id=pupil_id, kind=kind), agency_id, ref)
        .select_related("given_by", "recorded_by")
        .order_by("-on", "-recorded_at", "-id")
        .first()
    )


def allows(
    pupil_id, kind: str, on: dt.date | None = None, *, agency_id=None, ref: str = ""
) -> bool:
    """Whether, on `on` (today by default), the latest decision then made is 'given'. No
    record at all is no consent. An agency kind needs `agency_id`. One query."""
    if kind in AGENCY_KINDS and agency_id is None:
        raise ValueError(f"A {kind} consent is about one agency: give agency_id.")
    pupil_id = getattr(pupil_id, "pk", pupil_id)
    on = on or timezone.localdate()
    latest = (
        _about(Consent.objects.filter(pupil_id=pupil_id, kind=kind, on__lte=on), agency_id, ref)
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


def pupils_sharing_with(agency_id, on: dt.date | None = None):
    """The ids of the pupils whose parents' latest decision about sharing with this agency,
    on `on` (today by default), is 'given': a subquery for the access layer's scope of the
    agency's professionals. Withdrawal takes effect the day it is recorded."""
    on = on or timezone.localdate()
    agency_id = getattr(agency_id, "pk", agency_id)
    latest = Consent.objects.filter(
        pupil_id=OuterRef("pupil_id"), kind=Kind.AGENCY, agency_id=agency_id, on__lte=on
    ).order_by("-on", "-recorded_at", "-id")
    return (
        Consent.objects.filter(kind=Kind.AGENCY, agency_id=agency_id, on__lte=on)
        .annotate(latest=Subquery(latest.values("decision")[:1]))
        .filter(latest=Decision.GIVEN)
        .values("pupil_id")
    )
