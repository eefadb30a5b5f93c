"""The transfer pack (issue 12): what the next school's SENCO needs on the first day, as
one PDF: the pupil, their needs and SEN status, the one-page profile, strategies that work,
the current plan with its targets, the provision and how much of it was delivered, the
latest review, and the care and medication plans. Built with WeasyPrint from a template
and the review pack's stylesheet; nothing is fetched from elsewhere (url_fetcher refuses).

Never safeguarding: nothing here reads the safeguarding app's concerns or chronology (the
DSL transfers the child-protection file separately, and records that they did:
sendesk.safeguarding, SafeguardingTransfer). Only whether the DSL has recorded it, and
when, is read for the SENCO's list of leavers.

Also the SENCO's list of leavers (leaver_rows) and the download's one checked, logged and
audited response (pack_response), shared by the page and the API."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.db.models import Count, Prefetch, Q, Sum
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from sendesk import access
from sendesk.audit.services import record_access
from sendesk.care.models import CarePlan
from sendesk.medication.models import HealthcarePlan, Medicine
from sendesk.plans.models import Plan
from sendesk.provision.models import Provision, SessionPupil
from sendesk.provision.selectors import reconcile
from sendesk.pupils import leavers
from sendesk.pupils.models import Pupil, PupilLeaving
from sendesk.reviews.models import ReviewMeeting
from sendesk.safeguarding.models import SafeguardingTransfer

WHAT = "Transfer pack for the next school"
STYLESHEET = "css/review-pack.css"


@dataclass
class LeaverRow:
    pupil: Pupil
    leaving: PupilLeaving | None
    # Only whether the DSL has recorded sending the safeguarding file, and when: nothing
    # of what it held, nor to whom (that stays behind the wall).
    safeguarding_sent_on: dt.date | None


def leaver_rows(schools) -> list[LeaverRow]:
    """The leavers (and pupils about to leave) of `schools`, latest leaving first. Three
    queries, however many leavers."""
    pupils = list(
        Pupil.objects.filter(school_id__in=schools, left_on__isnull=False)
        .select_related("year_group")
        .prefetch_related(
            Prefetch(
                "leavings",
                queryset=PupilLeaving.objects.filter(undone_at__isnull=True),
                to_attr="current_leavings",
            )
        )
        .order_by("-left_on", "legal_last_name", "legal_first_name")
    )
    sent = dict(
        SafeguardingTransfer.objects.filter(pupil__in=[p.pk for p in pupils])
        .order_by("pupil_id", "transferred_on")
        .values_list("pupil_id", "transferred_on")
    )
    return [LeaverRow(p, next(iter(p.current_leavings), None), sent.get(p.pk)) for p in pupils]


def safeguarding_sent_on(pupil) -> dt.date | None:
    """When the DSL recorded sending the pupil's safeguarding file (None: not recorded)."""
    return (
        SafeguardingTransfer.objects.filter(pupil=pupil)
        .order_by("-transferred_on")
        .values_list("transferred_on", flat=True)
        .first()
    )


def _plan(pupil) -> Plan | None:
    """The plan in force (an EHC plan first), else the latest one."""
    plans = list(pupil.plans.exclude(status=Plan.Status.DRAFT).prefetch_related("targets"))
    kinds = [Plan.Kind.EHCP, Plan.Kind.IEP, Plan.Kind.IBP, Plan.Kind.PSP, Plan.Kind.PROFILE]
    active = sorted(
        (p for p in plans if p.status == Plan.Status.ACTIVE), key=lambda p: kinds.index(p.kind)
    )
    if active:
        return active[0]
    return max(plans, key=lambda p: p.created, default=None)


def _provision(pupil, day):
    """The provision in force on `day`, with this term's promised and delivered minutes
    and, since it started, the sessions and minutes delivered."""
    provisions = list(
        Provision.objects.filter(pupil=pupil, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("pupil")
        .order_by("start", "title")
    )
    totals = {
        row["provision_id"]: row
        for row in SessionPupil.objects.filter(provision__in=[p.pk for p in provisions])
        .values("provision_id")
        .annotate(given=Sum("minutes"), sessions=Count("id", filter=Q(minutes__gt=0)))
    }
    figures = reconcile(provisions, day) if provisions else []
    for f in figures:
        total = totals.get(f.provision.pk, {})
        f.delivered_total = total.get("given") or 0
        f.sessions_total = total.get("sessions") or 0
    return figures


def pack_context(pupil, today=None) -> dict:
    today = today or timezone.localdate()
    leaving = leavers.current_leaving(pupil)
    # The figures as they stood on the last day at school, for a leaver.
    day = min(today, leaving.left_on) if leaving else today
    plan = _plan(pupil)
    return {
        "pupil": pupil,
        "leaving": leaving,
        "day": day,
        "needs": list(pupil.needs.all()),
        "strategies": list(pupil.strategies.all()),
        "plan": plan,
        "targets": sorted(plan.targets.all(), key=lambda t: (t.order, t.text)) if plan else [],
        "figures": _provision(pupil, day),
        "review": ReviewMeeting.objects.filter(pupil=pupil, status=ReviewMeeting.Status.HELD)
        .order_by("-date")
        .first(),
        "care_plans": list(CarePlan.objects.filter(pupil=pupil, active=True)),
        "healthcare_plans": list(HealthcarePlan.objects.filter(pupil=pupil, active=True)),
        "medicines": list(Medicine.objects.filter(pupil=pupil, active=True)),
        "made_at": timezone.localtime(),
    }


def pack_html(pupil, today=None) -> str:
    return render_to_string("records/transfer_pack.html", pack_context(pupil, today))


def pack_pdf(pupil, today=None) -> bytes:
    from weasyprint import CSS, HTML  # loads Pango: only when a pack is built
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    html = HTML(string=pack_html(pupil, today), url_fetcher=fetcher, base_url=".")
    return html.write_pdf(stylesheets=[CSS(filename=finders.find(STYLESHEET))])


def filename(pupil) -> str:
    who = f"{pupil.legal_last_name}-{pupil.legal_first_name}".lower().replace(" ", "-")
    safe = "".join(c for c in who if c.isascii() and (c.isalnum() or c == "-"))
    return f"transfer-{safe or 'pupil'}-{timezone.localdate():%Y-%m-%d}.pdf"


def pack_response(user, pupil_id, via: str) -> HttpResponse:
    """The PDF for the SENCO or head (anyone else, or a pupil out of scope: 404), logged
    as a view and kept as a disclosure to the next school (audited)."""
    pupil = access.get_pupil_for(user, pupil_id, "record_leaving")
    body = pack_pdf(pupil)
    record_access(actor=user, pupil=pupil, what=WHAT, via=via)
    leavers.record_disclosure(actor=user, pupil=pupil, what=WHAT, via=via)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(pupil)}"'
    return response
