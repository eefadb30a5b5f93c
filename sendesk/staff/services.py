"""Writes for staff training records. Each is validated first, then written with its audit
row (no pupil: pupil_id None) in one transaction. Records are added, not edited: a refresher
is a new record, so the history of who was trained when stays."""

import datetime as dt
import decimal

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, snapshot
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.schools import capabilities

from .models import CareGender, Training
from .selectors import school_staff


def training_can_manage(user, school_id: int) -> bool:
    return capabilities.can(user, school_id, "oversee")


def training_add(
    *,
    actor,
    school_id: int,
    user_id,
    kind,
    course="",
    completed_on,
    expires_on=None,
    provider="",
    hours=None,
) -> Training:
    """Record a course a member of the school's staff completed (SENCO, head)."""
    if not training_can_manage(actor, school_id):
        raise Http404
    errors: dict[str, str] = {}
    user_id = inputs.parse_id(user_id)
    person = school_staff(school_id).filter(pk=user_id).first() if user_id else None
    if person is None:
        errors["user_id"] = "Choose a member of this school's staff."
    if kind not in Training.Kind.values:
        errors["kind"] = "Choose the kind of training."
    course = inputs.text(course, "course", errors, limit=200)
    provider = inputs.text(provider, "provider", errors, limit=150)
    hours = _hours(hours, errors)
    today = timezone.localdate()
    if not inputs.is_date(completed_on):
        errors["completed_on"] = "Give the date the course was completed."
    elif completed_on > today:
        errors["completed_on"] = "A course can't be recorded before it is completed."
    elif completed_on < today - dt.timedelta(days=365 * 20):
        errors["completed_on"] = "Check the year: that is more than 20 years ago."
    if expires_on is not None:
        if not inputs.is_date(expires_on):
            errors["expires_on"] = "Give the expiry date as day, month and year."
        elif inputs.is_date(completed_on) and expires_on < completed_on:
            errors["expires_on"] = "The expiry date can't be before the course was completed."
        elif expires_on.year > 9000:
            errors["expires_on"] = "Check the year of the expiry date."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        training = Training.objects.create(
            user=person,
            kind=kind,
            course=course,
            completed_on=completed_on,
            expires_on=expires_on,
            provider=provider,
            hours=hours,
        )
        record_change(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=training,
            school_id=school_id,
            pupil_id=None,
            after=snapshot(training),
        )
    return training


def _hours(value, errors):
    """Hours of training (optional): more than 0, at most 500, to the quarter hour or so."""
    if value is None or value == "":
        return None
    try:
        value = decimal.Decimal(str(value))
    except (decimal.InvalidOperation, ValueError):
        errors["hours"] = "Give the hours as a number, e.g. 6 or 1.5."
        return None
    if not value.is_finite() or not 0 < value <= 500 or value != round(value, 2):
        errors["hours"] = "Give between 0.25 and 500 hours, to two decimal places at most."
        return None
    return value


def care_gender_set(*, actor, school_id: int, values: dict) -> int:
    """Record (or clear) staff members' sex for intimate care plans that ask for female or
    male staff (SENCO, head). `values` is {user_id: 'female' | 'male' | ''}; '' clears it.
    Only this school's staff; each change is audited. Returns how many changed."""
    if not training_can_manage(actor, school_id):
        raise Http404
    wanted = _care_genders_wanted(school_id, values)
    held = {
        row.user_id: row
        for row in CareGender.objects.filter(school_id=school_id, user_id__in=list(wanted))
    }
    changed = 0
    with transaction.atomic():
        for user_id, gender in wanted.items():
            row = held.get(user_id)
            if (row.gender if row else "") != gender:
                _care_gender_write(actor, school_id, user_id, row, gender)
                changed += 1
    return changed


def _care_genders_wanted(school_id, values) -> dict:
    """{user_id: gender} as asked, every user one of the school's staff; ServiceError
    otherwise."""
    wanted = {}
    for raw, gender in values.items():
        pk = inputs.parse_id(raw)
        if pk is None:
            raise ServiceError({"__all__": "Choose staff from this school's list."})
        wanted[pk] = gender
    ids = list(wanted)
    staff = set(school_staff(school_id).filter(pk__in=ids).values_list("pk", flat=True))
    errors = {}
    for user_id, gender in wanted.items():
        if user_id not in staff:
            errors["__all__"] = "Choose staff from this school's list."
        elif gender not in ("", *CareGender.Gender.values):
            errors[f"g_{user_id}"] = "Choose female, male or not recorded."
    if errors:
        raise ServiceError(errors)
    return wanted


def _care_gender_write(actor, school_id, user_id, row, gender) -> None:
    before = snapshot(row) if row else None
    if not gender:
        obj, after = row, None
        row.delete()
        obj.pk = before["id"]
    elif row is None:
        obj = CareGender.objects.create(
            school_id=school_id, user_id=user_id, gender=gender, set_by=actor,
            set_at=timezone.now(),
        )  # fmt: skip
        after = snapshot(obj)
    else:
        row.gender, row.set_by, row.set_at = gender, actor, timezone.now()
        row.save(update_fields=["gender", "set_by", "set_at"])
        obj, after = row, snapshot(row)
    action = AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE
    if not gender:
        action = AuditEvent.Action.DELETE
    record_change(
        actor=actor, action=action, obj=obj, school_id=school_id, pupil_id=None,
        before=before, after=after,
    )  # fmt: skip
