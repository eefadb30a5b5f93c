"""Reading consent: the agreed interface other apps call (allows, current), and the
history shown on the pupil and parent pages."""

import datetime as dt

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from sendesk.agencies.models import Agency

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


def current(
    pupil_id, kind: str, *, agency_id=None, ref: str = "", on: dt.date | None = None
) -> Consent | None:
    """The parent's latest decision of this kind for the pupil (about this agency, or this
    medicine or trip), or None when none has been recorded; with `on`, the decision in
    force on that day (made on or before it). One query."""
    pupil_id = getattr(pupil_id, "pk", pupil_id)
    rows = Consent.objects.filter(pupil_id=pupil_id, kind=kind)
    if on is not None:
        rows = rows.filter(on__lte=on)
    return (
        _about(rows, agency_id, ref)
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


def in_force(kind: str, asked, on: dt.date | None = None) -> dict[tuple, Consent]:
    """For `asked`, (pupil_id, ref) pairs, the decision in force on `on` (today by
    default) as allows() finds it for each: the latest of the ref's own decisions and the
    parent's general ones. Pairs with no decision are left out. For lists (a school's
    medicines): one query for them all, with who gave each."""
    asked = list(asked)
    if not asked:
        return {}
    on = on or timezone.localdate()
    rows = (
        Consent.objects.filter(
            kind=kind,
            on__lte=on,
            pupil_id__in={p for p, _ in asked},
            ref__in={r for _, r in asked} | {""},
        )
        .select_related("given_by")
        .order_by("-on", "-recorded_at", "-id")
    )
    refs_of: dict = {}
    for p, r in asked:
        refs_of.setdefault(p, []).append(r)
    answer: dict[tuple, Consent] = {}
    for row in rows:
        # Latest first: the first row about the ref (or a general one) decides.
        for r in refs_of.get(row.pupil_id, ()):
            if row.ref in (r, ""):
                answer.setdefault((row.pupil_id, r), row)
    return answer


def given_refs(kind: str, asked, on: dt.date | None = None) -> set[tuple]:
    """Of `asked`, (pupil_id, ref) pairs, those whose consent in force on `on` is given."""
    return {
        pair for pair, row in in_force(kind, asked, on).items() if row.decision == Decision.GIVEN
    }


def history(pupil_id, kind: str | None = None) -> list[Consent]:
    """Every decision recorded for the pupil, latest first (of one kind, if given)."""
    rows = Consent.objects.filter(pupil_id=getattr(pupil_id, "pk", pupil_id))
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.select_related("given_by", "recorded_by", "agency"))


def summary(pupil_id) -> list[dict]:
    """Each kind of consent with the decision in force (None when nothing is recorded), for
    the pupil page and the parent page: one query for all kinds."""
    latest: dict[str, Consent] = {}
    for row in history(pupil_id):
        if not row.ref:
            latest.setdefault(row.kind, row)
    # The general answers only (the pupil page's card): sharing and referrals name an
    # agency each, listed by questions().
    return [{"kind": kind, "label": label, "current": latest.get(kind)} for kind, label in
            Kind.choices if kind not in AGENCY_KINDS]  # fmt: skip


def questions(pupil) -> list[dict]:
    """Every consent question about the pupil with the decision in force (None when nothing
    is recorded): photos, medicines and trips in general, sharing with each agency of the
    school in use (and any other agency something was recorded about), a referral to an
    agency where one was recorded, and each medicine or trip answered on its own. For the
    pupil page, the parent page and the API: two queries."""
    latest: dict[tuple, Consent] = {}
    for row in history(pupil.pk):
        latest.setdefault((row.kind, row.agency_id, row.ref), row)
    agencies = {a.pk: a for a in Agency.objects.filter(school_id=pupil.school_id, active=True)}
    for row in latest.values():
        if row.agency_id and row.agency_id not in agencies:
            agencies[row.agency_id] = row.agency
    out = []
    for kind, label in Kind.choices:
        if kind not in AGENCY_KINDS:
            out.append(_question(kind, label, None, "", latest.get((kind, None, ""))))
            continue
        for agency in sorted(agencies.values(), key=lambda a: a.name):
            row = latest.get((kind, agency.pk, ""))
            if kind == Kind.AGENCY or row is not None:
                words = "Sharing information with" if kind == Kind.AGENCY else "A referral to"
                out.append(_question(kind, f"{words} {agency.name}", agency, "", row))
    for (kind, _agency, ref), row in latest.items():
        if ref:
            what = "one medicine" if kind == Kind.MEDICATION else "one trip"
            out.append(_question(kind, f"{Kind(kind).label} ({what})", None, ref, row))
    return out


def _question(kind, label, agency, ref, row) -> dict:
    return {
        "kind": kind,
        "label": label,
        "agency": agency,
        "ref": ref,
        "key": f"{kind}-{agency.pk if agency else ''}-{ref}",
        "current": row,
    }


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


def pupils_sharing_with_any(agency_ids, on: dt.date | None = None):
    """As pupils_sharing_with, for any of `agency_ids` (ids, or a subquery of them): the
    pupils whose parents' latest decision about sharing with at least one of them is
    'given' on `on`. For a professional's referral that names no agency."""
    on = on or timezone.localdate()
    latest = Consent.objects.filter(
        pupil_id=OuterRef("pupil_id"), kind=Kind.AGENCY, agency_id=OuterRef("agency_id"),
        on__lte=on,
    ).order_by("-on", "-recorded_at", "-id")  # fmt: skip
    return (
        Consent.objects.filter(kind=Kind.AGENCY, agency_id__in=agency_ids, on__lte=on)
        .annotate(latest=Subquery(latest.values("decision")[:1]))
        .filter(latest=Decision.GIVEN)
        .values("pupil_id")
    )
