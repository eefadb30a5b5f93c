"""The demo's consents (issue 11), seed data written directly with the rows the consent
services write:
- each medicine's consent, from its medicine form, as the data migration writes it for a
  school already running (kind medication, ref "medicine:<id>");
- parent@'s child: photos given (if the evidence demo has not already), sharing with the
  speech and language therapy service given and sharing with the educational psychology
  service refused, both online by the parent a week ago;
- a general consent to trips for every pupil on the demo trip, from September's paper
  form, so the trip is ready to go.
Agencies are found by kind, or made (the agencies demo does the same, with the same EP
name), so whichever runs first makes them. Called once from demo.oakfield.build_demo."""

import datetime as dt

from django.utils import timezone

from sendesk.agencies.models import Agency
from sendesk.consent.models import Consent, Decision, Kind
from sendesk.demo.generator import SchoolDays
from sendesk.family.models import ParentLink
from sendesk.medication.models import Medicine
from sendesk.visits.models import Trip

EP_NAME = "Riverside Educational Psychology Service"
SLT_NAME = "Riverside Children's Speech and Language Therapy"


def agency_of(school, kind, name, days):
    agency = Agency.objects.filter(school=school, kind=kind).order_by("pk").first()
    return agency or Agency.objects.create(
        school=school, name=name, kind=kind, response_days=days, email=f"{kind}@agency.example"
    )


def _row(pupil, kind, decision, on, recorder, *, parent=None, name="", agency=None, ref="",
         note=""):  # fmt: skip
    at = timezone.make_aware(dt.datetime.combine(on, dt.time(16, 30)))
    return Consent(
        pupil=pupil, school_id=pupil.school_id, kind=kind, decision=decision, on=on,
        given_by=parent, given_by_name="" if parent else name, agency=agency, ref=ref,
        note=note, recorded_by=parent or recorder, recorded_at=at,
    )  # fmt: skip


def make_consent(data) -> int:
    """data: the generator's SchoolData for the demo school. Returns how many rows."""
    school, today, senco = data.school, data.today, data.staff["senco"]
    days = SchoolDays()
    rows = []
    for m in Medicine.objects.filter(pupil__school=school).exclude(consent_by="").exclude(
        consent_on=None
    ).select_related("pupil"):  # fmt: skip
        rows.append(
            _row(m.pupil, Kind.MEDICATION, Decision.GIVEN, m.consent_on, senco,
                 name=m.consent_by, ref=f"medicine:{m.pk}", note=m.consent_document)
        )  # fmt: skip
    link = (
        ParentLink.objects.filter(
            pupil__school=school, active=True, user__email__startswith="parent@"
        )
        .select_related("pupil", "user")
        .first()
    )
    if link is not None:
        child, parent = link.pupil, link.user
        week_ago = days.on_or_before(today - dt.timedelta(days=7))
        slt = agency_of(school, "slt", SLT_NAME, 56)
        ep = agency_of(school, "ep", EP_NAME, 42)
        if not Consent.objects.filter(pupil=child, kind=Kind.PHOTOS).exists():
            rows.append(_row(child, Kind.PHOTOS, Decision.GIVEN, week_ago, senco, parent=parent))
        rows.append(_row(child, Kind.AGENCY, Decision.GIVEN, week_ago, senco, parent=parent,
                         agency=slt))  # fmt: skip
        rows.append(_row(child, Kind.AGENCY, Decision.REFUSED, week_ago, senco, parent=parent,
                         agency=ep))  # fmt: skip
    september = days.on_or_before(dt.date(today.year if today.month >= 9 else today.year - 1,
                                          9, 10))  # fmt: skip
    going = {p for trip in Trip.objects.filter(school=school) for p in trip.pupils.all()}
    for pupil in sorted(going, key=lambda p: p.upn):
        rows.append(
            _row(pupil, Kind.TRIPS, Decision.GIVEN, min(september, today), senco,
                 name="Parent (paper form)", note="Trips form, office consent file")
        )  # fmt: skip
    Consent.objects.bulk_create(rows)
    return len(rows)
