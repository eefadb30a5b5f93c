"""Reads for the pages that span domains: the pupil page gathers the pupil's record, plans,
provision and timeline; the SENCO's daily care list gathers care and medication."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils import timezone

from sendesk.audit.services import record_access_many
from sendesk.care.models import CareEvent, CarePlan
from sendesk.care.selectors import equipment_due, training_warnings
from sendesk.medication.selectors import medicines_to_check, missed_and_refused
from sendesk.plans.models import Plan, Target
from sendesk.provision.selectors import (
    explain,
    group_targets,
    label_missed,
    reconcile,
    targets_with_latest_rating,
)
from sendesk.pupils.models import Pupil
from sendesk.pupils.selectors import timeline_page


@dataclass
class PupilPage:
    pupil: Pupil
    groups: list
    sen_history: list
    needs: list
    strategies: list
    contacts: list
    plans: list  # active, with outcomes and targets (and each target's latest rating)
    other_plans: list  # drafts and closed, for the list of links
    figures: list  # provision.selectors.Figures, one per current or future provision
    timeline: list
    next_cursor: str | None


def pupil_page(pupil: Pupil, *, day: dt.date) -> PupilPage:
    """Everything the pupil page shows. At most sixteen queries, however many
    needs, targets, ratings, provisions, sessions or timeline entries the pupil has."""
    plans = list(pupil.plans.order_by("-created"))
    active = [p for p in plans if p.status == Plan.Status.ACTIVE]
    prefetch_related_objects(
        active,
        "outcomes",
        Prefetch("targets", queryset=targets_with_latest_rating(Target.objects.all())),
    )
    for plan in active:
        group_targets(plan)
    provisions = list(
        pupil.provisions.filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("plan")
        .prefetch_related("targets")
        .order_by("start", "title")
    )
    timeline, next_cursor = timeline_page(pupil)
    return PupilPage(
        pupil=pupil,
        groups=list(pupil.teaching_groups.all()),
        sen_history=list(pupil.sen_history.all()),
        needs=list(pupil.needs.all()),
        strategies=list(pupil.strategies.select_related("added_by")),
        contacts=list(pupil.contacts.all()),
        plans=active,
        other_plans=sorted(
            (p for p in plans if p.status != Plan.Status.ACTIVE),
            key=lambda p: p.status != Plan.Status.DRAFT,
        ),
        figures=label_missed(explain(reconcile(provisions, day), weeks=True)) if provisions else [],
        timeline=timeline,
        next_cursor=next_cursor,
    )


def daily_list(user, school_id: int):
    """What the SENCO must act on today: doses and medicines (medication), care plans
    without consent, care observations and equipment (care), and training (staff). A
    fixed number of queries, whatever the size of the school; writes one access row per
    pupil named."""
    now = timezone.now()
    day = timezone.localdate()
    doses = missed_and_refused(school_id, now, day)
    medicines = medicines_to_check(school_id, day)
    expired, expiring = training_warnings(school_id, day)
    no_consent = list(
        CarePlan.objects.filter(pupil__school_id=school_id, active=True)
        .filter(Q(consent_by="") | Q(consent_on__isnull=True))
        .select_related("pupil")
    )
    concerns = list(
        CareEvent.objects.filter(
            school_id=school_id,
            occurred_at__gte=timezone.make_aware(dt.datetime.combine(day, dt.time.min)),
        )
        .exclude(observations="")
        .select_related("pupil", "care_plan", "by")
        .order_by("occurred_at")
    )
    data = {
        "day": day,
        "doses": doses,
        "equipment": equipment_due(school_id, day),
        "training_expired": expired,
        "training_expiring": expiring,
        "training_count": len(expired) + len(expiring),
        "medicines": medicines,
        "no_consent": no_consent,
        "observations": concerns,
    }
    pupils = [d["pupil"] for d in doses if d["pupil"] is not None]
    pupils += [m.pupil for m in medicines] + [p.pupil for p in no_consent]
    pupils += [e.pupil for e in concerns]
    pupils += [e.pupil for e in data["equipment"] if e.pupil is not None]
    if pupils:
        record_access_many(actor=user, pupils=pupils, what="care daily list")
    return data
