"""Reads about medicines that other pages share: the SENCO's daily list (front) asks what
went wrong with today's doses and which medicines need restocking or replacing."""

import datetime as dt

from django.db.models import F, Q
from django.utils import timezone

from sendesk.schools.calendar import Calendar

from .models import Administration, Medicine
from .services import MISSED_AFTER

# Medicines expiring within this many days are on the daily list.
MEDICINE_EXPIRY_WARN_DAYS = 30


def missed_and_refused(school_id: int, now: dt.datetime, day: dt.date):
    """Today's doses refused or not given, and scheduled doses more than an hour past with
    no record. Three queries (medicines, administrations, the calendar's two)."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    medicines = list(
        Medicine.objects.filter(pupil__school_id=school_id, active=True).select_related("pupil")
    )
    by_id = {m.pk: m for m in medicines}
    records = list(
        Administration.objects.filter(school_id=school_id)
        .filter(Q(given_at__gte=start, given_at__lt=end) | Q(due_at__gte=start, due_at__lt=end))
        .select_related("given_by")
    )
    answered = {
        (a.medicine_id, timezone.localtime(a.due_at).strftime("%H:%M"))
        for a in records
        if a.due_at is not None
    }
    problems = [
        {
            "pupil": by_id[a.medicine_id].pupil if a.medicine_id in by_id else None,
            "medicine": by_id.get(a.medicine_id),
            "when": a.due_at or a.given_at,
            "what": a.get_outcome_display(),
            "reason": a.reason,
            "by": a.given_by,
        }
        for a in records
        if a.outcome != Administration.Outcome.GIVEN and a.medicine_id in by_id
    ]
    if not Calendar.load(school_id, day, day).is_school_day(day):
        return sorted(problems, key=lambda p: p["when"])
    for medicine in medicines:
        for slot in medicine.times or ():
            try:
                due = timezone.make_aware(
                    dt.datetime.combine(day, dt.datetime.strptime(slot, "%H:%M").time())
                )
            except (TypeError, ValueError):
                continue
            # A dose due before the medicine was added to the school's records is not missed.
            if due < medicine.created:
                continue
            # The same rule as the MAR: missed once more than an hour past.
            if now > due + MISSED_AFTER and (medicine.pk, slot) not in answered:
                problems.append(
                    {
                        "pupil": medicine.pupil,
                        "medicine": medicine,
                        "when": due,
                        "what": "Missed: no record",
                        "reason": "",
                        "by": None,
                    }
                )
    return sorted(problems, key=lambda p: p["when"])


def medicines_to_check(school_id: int, day: dt.date) -> list:
    """Active medicines low on stock, or expired or expiring within
    MEDICINE_EXPIRY_WARN_DAYS, soonest expiry first, each marked low / expired /
    near_expiry. One query."""
    expiry_line = day + dt.timedelta(days=MEDICINE_EXPIRY_WARN_DAYS)
    medicines = list(
        Medicine.objects.filter(pupil__school_id=school_id, active=True)
        .filter(Q(stock__lte=F("low_stock_at")) | Q(expiry_date__lte=expiry_line))
        .select_related("pupil")
        .order_by("expiry_date", "name")
    )
    for medicine in medicines:
        medicine.low = medicine.stock <= medicine.low_stock_at
        medicine.expired = medicine.expiry_date < day
        medicine.near_expiry = not medicine.expired and medicine.expiry_date <= expiry_line
    return medicines
