"""The demo's agencies and external professionals (issue 11): the school's educational
psychology service with a psychologist who logs in as ep@, a CAMHS service, two pupils
referred to the psychologist (one whose parents agreed to sharing with the EP service, one
whose consent to share is missing, so the psychologist cannot see them) and a referral to
CAMHS past its timescale for the SENCO's overview. Seed data written directly, with the
rows the services would write. Called once from demo.oakfield.build_demo."""

import datetime as dt

from django.utils import timezone

from sendesk.accounts.models import User
from sendesk.agencies.models import Agency, AgencyMember
from sendesk.consent.models import Consent, Decision, Kind
from sendesk.demo.generator import SchoolDays
from sendesk.family.models import ParentLink
from sendesk.pupils.models import Pupil
from sendesk.pupils.timeline import timeline_add
from sendesk.schools.models import Role, StaffRole
from sendesk.therapy.models import Referral, Status, TimelineKind

EP_NAME = "Riverside Educational Psychology Service"
CAMHS_NAME = "North Riverside CAMHS"
PSYCHOLOGIST = "Sarah Okafor"
SHARED = (
    "{name} finds reading and spelling much harder than the rest of the class despite "
    "daily support. The school would like an assessment of working memory and "
    "phonological skills, and advice for the classroom."
)


def agency_of(school, kind, name, days):
    """The school's agency of `kind`, made if it has none: the consent demo may have made
    it already (it names the agencies parents agree to share with)."""
    agency = Agency.objects.filter(school=school, kind=kind).order_by("pk").first()
    return agency or Agency.objects.create(
        school=school, name=name, kind=kind, response_days=days, email=f"{kind}@agency.example"
    )


def _consent(pupil, kind, agency, on, senco):
    Consent.objects.create(
        pupil=pupil, school_id=pupil.school_id, kind=kind, decision=Decision.GIVEN,
        agency=agency, on=on, given_by_name="Parent (paper form)", recorded_by=senco,
        recorded_at=timezone.now(),
    )  # fmt: skip


def _refer(pupil, agency, sent_on, senco, *, professional=None, reason=""):
    referral = Referral.objects.create(
        pupil=pupil, agency=agency, therapist=professional, discipline=agency.kind,
        reason=reason, consent_by="Parent (paper form)",
        consent_on=Consent.objects.filter(pupil=pupil, agency=agency).latest("on").on,
        start=sent_on,
        sent_on=sent_on, response_days=agency.response_days,
        respond_by=sent_on + dt.timedelta(days=agency.response_days), status=Status.SENT,
        shared_notes=SHARED.format(name=pupil.preferred_name or pupil.legal_first_name),
        referred_by=senco,
    )  # fmt: skip
    at = timezone.make_aware(dt.datetime.combine(sent_on, dt.time(15, 30)))
    timeline_add(
        pupil=pupil, kind=TimelineKind.REFERRAL, actor=senco, ref=referral, occurred_at=at,
        title=f"Referred to {agency.name} on {sent_on:%-d %B %Y} "
        f"(response expected by {referral.respond_by:%-d %B %Y})",
    )  # fmt: skip
    return referral


def make_agencies(data) -> dict:
    """The agencies, ep@ and the referrals, for the generator's school `data`. Returns who
    was referred."""
    school, today, senco = data.school, data.today, data.staff["senco"]
    ep = agency_of(school, "ep", EP_NAME, 42)
    camhs = agency_of(school, "camhs", CAMHS_NAME, 28)
    domain = senco.email.split("@")[1]
    # The demo password, hashed once by the generator for every login (hashing is slow).
    psychologist = User.objects.create(
        email=f"ep@{domain}", full_name=PSYCHOLOGIST, password=senco.password
    )
    StaffRole.objects.create(user=psychologist, school=school, role=Role.THERAPIST)
    AgencyMember.objects.create(agency=ep, user=psychologist, job_title="Educational psychologist")
    # Not parent@'s child: that family refused sharing with the EP service (consent demo).
    family = ParentLink.objects.filter(pupil__school=school).values("pupil_id")
    seen, denied, late = (
        Pupil.objects.filter(school=school, sen_status="K")
        .exclude(pk__in=family)
        .order_by("legal_last_name", "legal_first_name")[:3]
    )
    # Every dated record on a school day, as the generator's (demo invariants).
    days = SchoolDays()
    sent = days.on_or_before(today - dt.timedelta(days=14))
    agreed = days.on_or_before(sent - dt.timedelta(days=3))
    for pupil in (seen, denied):
        _consent(pupil, Kind.REFERRAL, ep, agreed, senco)
    # Only `seen`'s parents agreed to sharing with the EP service: `denied` stays out of
    # the psychologist's sight until they do.
    _consent(seen, Kind.AGENCY, ep, agreed, senco)
    reason = "Persistent difficulty with reading and spelling; assessment and advice."
    for pupil in (seen, denied):
        _refer(pupil, ep, sent, senco, professional=psychologist, reason=reason)
    # A referral to CAMHS sent 40 days ago with a 28-day timescale and no answer yet.
    long_ago = days.on_or_before(today - dt.timedelta(days=40))
    _consent(late, Kind.REFERRAL, camhs, long_ago, senco)
    _refer(late, camhs, long_ago, senco, reason="Anxiety about coming into school.")
    return {"seen": seen, "denied": denied, "late": late}
