"""Reads for the care pages and the API: a pupil's care plans, what care is due today for
the TA, the equipment register and what is due for inspection, and the care training that
has run out (for the SENCO's daily list, in front)."""

import datetime as dt

from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone

from sendesk import access
from sendesk.staff.models import Training
from sendesk.staff.selectors import training_register

from .models import CareEvent, CarePlan, Equipment
from .services import CARE_TRAINING_KINDS, EQUIPMENT_WARN_DAYS, RECENT_EVENTS


def equipment_register(school_id: int):
    """All of a school's equipment, next inspection first. One query."""
    return list(Equipment.objects.filter(school_id=school_id).select_related("pupil"))


def equipment_due(school_id: int, day: dt.date, within: int = EQUIPMENT_WARN_DAYS):
    """Equipment in service whose inspection is overdue or due within `within` days.
    One query (uses equipment_due_idx)."""
    return list(
        Equipment.objects.filter(
            school_id=school_id,
            in_service=True,
            next_inspection__lte=day + dt.timedelta(days=within),
        ).select_related("pupil")
    )


# --- Reads for the pages and the API ------------------------------------------------------------


def pupil_care_plans(pupil, *, active_only=False):
    """A pupil's care plans with their equipment. Two queries."""
    plans = CarePlan.objects.filter(pupil=pupil).prefetch_related(
        Prefetch("equipment", queryset=Equipment.objects.order_by("name"))
    )
    if active_only:
        plans = plans.filter(active=True)
    return list(plans.order_by("-active", "kind", "title"))


def pupil_care(pupil):
    """The pupil's care page: plans, recent events and the equipment they use. Four queries."""
    plans = pupil_care_plans(pupil)
    events = list(
        CareEvent.objects.filter(pupil=pupil)
        .select_related("by", "second_staff")
        .order_by("-occurred_at")[:RECENT_EVENTS]
    )
    # Every care plan of the pupil is at hand: no join, and no second object of each.
    by_pk = {plan.pk: plan for plan in plans}
    for event in events:
        if event.care_plan_id in by_pk:
            event.care_plan = by_pk[event.care_plan_id]
    on_plans = {e.pk for plan in plans for e in plan.equipment.all()}
    equipment = list(
        Equipment.objects.filter(Q(pupil=pupil) | Q(pk__in=on_plans)).order_by("next_inspection")
    )
    return {"plans": plans, "events": events, "equipment": equipment}


def care_due(user, day: dt.date):
    """The active care plans of the pupils `user` gives care to, each with when care was
    last logged and how many times today, and whether the user holds the training it
    needs. Three queries whatever the number of plans."""
    schools = access.schools_where(user, "give_care")
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    plans = list(
        CarePlan.objects.filter(
            active=True,
            pupil__in=access.visible_pupils(user, day),
            pupil__school_id__in=schools,
        )
        .select_related("pupil", "pupil__year_group")
        .annotate(
            last_event=Max("events__occurred_at"),
            today=Count("events", filter=Q(events__occurred_at__gte=start)),
        )
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "kind", "title")
    )
    kinds = {plan.training for plan in plans}
    trained = set(
        Training.objects.current_on(day)
        .filter(user=user, kind__in=kinds)
        .values_list("kind", flat=True)
        .distinct()
    ) if kinds else set()  # fmt: skip
    for plan in plans:
        plan.trained = plan.training in trained
    return plans


# --- The SENCO's daily list ---------------------------------------------------------------------


def training_warnings(school_id: int, day: dt.date):
    """Care and medication training of the school's staff that has expired (with no
    current record of the same kind) or expires within 30 days. Two queries."""
    register = training_register(school_id, day, kinds=CARE_TRAINING_KINDS)
    return register["expired"], register["expiring"]
