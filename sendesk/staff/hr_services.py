"""Writes of staff records and the single central record (the head / school admin only).
Each validates everything first and says what is wrong per field, then writes with its
audit rows (no pupil) in one transaction. A changed record keeps its old values in the
audit trail (before and after), so nothing about a contract changes silently."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, snapshot
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.schools.calendar import minutes_between

from . import access
from .models import CentralCheck, StaffMember, WorkingDay
from .selectors import school_staff

MEMBER_TEXT = {"job_title": 120, "grade": 20}
EARLIEST, LATEST = dt.time(6, 0), dt.time(20, 0)


def _decimal(value, name, errors, lo, hi, words) -> Decimal | None:
    try:
        number = Decimal(str(value).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        number = None
    if number is None or not number.is_finite():
        errors[name] = f"Give the {words} as a number, like 31.67."
        return None
    if not lo < number <= hi:
        errors[name] = f"The {words} must be more than {lo} and at most {hi}."
        return None
    return number


def _chain_reaches(school_id: int, start_id: int, target_id: int) -> bool:
    """Whether following line managers up from `start_id` at the school reaches
    `target_id` (which would make a loop). One query."""
    up = dict(
        StaffMember.objects.filter(school_id=school_id, line_manager__isnull=False).values_list(
            "user_id", "line_manager_id"
        )
    )
    seen, current = set(), start_id
    while current is not None and current not in seen:
        if current == target_id:
            return True
        seen.add(current)
        current = up.get(current)
    return False


def _check_choices(data, errors) -> None:
    if data.get("post") not in StaffMember.Post.values:
        errors["post"] = "Choose the post."
    if data.get("band", "") not in ("", *StaffMember.Band.values):
        errors["band"] = "Choose a band, or none."
    if data.get("hlta_status", "") not in ("", *StaffMember.HltaStatus.values):
        errors["hlta_status"] = "Choose the HLTA status, or none."
    if data.get("first_aid", "") not in ("", *StaffMember.FirstAid.values):
        errors["first_aid"] = "Choose the first aid qualification, or none."
    nvq = data.get("nvq_level")
    if nvq not in (None, "") and not (inputs.whole(nvq) and 1 <= int(nvq) <= 8):
        errors["nvq_level"] = "Give the NVQ level as a whole number from 1 to 8, or leave it empty."


def _check_dates(data, errors) -> None:
    started, left, fixed = data.get("started_on"), data.get("left_on"), data.get("fixed_term_end")
    today = timezone.localdate()
    if not inputs.is_date(started):
        errors["started_on"] = "Give the date their employment started."
    elif started.year < 1950 or started > today + dt.timedelta(days=366):
        errors["started_on"] = "Check the start date: it is more than a year away or too long ago."
    for name, value, words in (("left_on", left, "left"), ("fixed_term_end", fixed, "end")):
        if value is None:
            continue
        if not inputs.is_date(value) or value.year > 9000:
            errors[name] = "Give the date as day, month and year."
        elif inputs.is_date(started) and value < started:
            errors[name] = f"The {words} date can't be before the start date."


def _check_contract(data, errors) -> dict:
    out = {
        "hours_per_week": _decimal(
            data.get("hours_per_week"), "hours_per_week", errors, 0, 60, "hours a week"
        ),
        "weeks_per_year": _decimal(
            data.get("weeks_per_year"), "weeks_per_year", errors, 0, 52, "weeks a year"
        ),
    }
    inset = data.get("inset_days") or 0
    if not inputs.whole(inset) or not 0 <= int(inset) <= 20:
        errors["inset_days"] = "Give the INSET days as a whole number from 0 to 20."
    else:
        out["inset_days"] = int(inset)
    return out


def _check_pattern(pattern, errors) -> dict[int, tuple]:
    """{weekday: (start, end)} checked: each day's end after its start, within the school's
    working hours (06:00 to 20:00); a day with neither time is a day off."""
    days = {}
    for weekday in range(1, 6):
        start, end = (pattern or {}).get(weekday, (None, None))
        if start is None and end is None:
            continue
        name = f"d{weekday}_start"
        if not isinstance(start, dt.time) or not isinstance(end, dt.time):
            errors[name] = "Give both the start and the end time, or neither for a day off."
        elif end <= start:
            errors[name] = "The end time must be after the start time."
        elif start < EARLIEST or end > LATEST:
            errors[name] = "Working times must be between 06:00 and 20:00."
        else:
            days[weekday] = (start, end)
    return days


def _check_manager(school_id, user_id, manager_id, errors) -> int | None:
    if manager_id in (None, ""):
        return None
    manager_id = inputs.parse_id(manager_id) or 0
    if manager_id == user_id:
        errors["line_manager_id"] = "Nobody can be their own line manager."
    elif not school_staff(school_id).filter(pk=manager_id).exists():
        errors["line_manager_id"] = "Choose a line manager from this school's staff."
    elif _chain_reaches(school_id, manager_id, user_id):
        errors["line_manager_id"] = (
            "That would make a loop: this person already manages them, directly or through others."
        )
    else:
        return manager_id
    return None


def member_save(*, actor, school_id: int, user_id, data: dict, pattern: dict, member=None):
    """Create (member None) or change the staff record of `user_id` at the school, with its
    weekly pattern {ISO weekday: (start, end)}. Head / school admin only (Http404
    otherwise). ServiceError with a message per field on bad input; nothing written."""
    if not access.can_see_scr(actor, school_id):
        raise Http404
    errors: dict[str, str] = {}
    user_id = member.user_id if member else inputs.parse_id(user_id) or 0
    if member is None:
        if not school_staff(school_id).filter(pk=user_id).exists():
            errors["user_id"] = "Choose a member of this school's staff."
        elif StaffMember.objects.filter(school_id=school_id, user_id=user_id).exists():
            errors["user_id"] = "They already have a staff record here: change that one."
    fields = {name: data.get(name, "") or "" for name in MEMBER_TEXT}
    inputs.text_fields(
        fields,
        MEMBER_TEXT,
        errors,
        limits=MEMBER_TEXT,
        required={"job_title": "Give the job title."},
    )
    _check_choices(data, errors)
    _check_dates(data, errors)
    fields.update(_check_contract(data, errors))
    days = _check_pattern(pattern, errors)
    manager_id = _check_manager(school_id, user_id, data.get("line_manager_id"), errors)
    hours = fields.get("hours_per_week")
    if days and hours and "hours_per_week" not in errors:
        covered = Decimal(sum(minutes_between(s, e) for s, e in days.values())) / 60
        if hours > covered:
            errors["hours_per_week"] = (
                f"The pattern covers {covered:.2f} h a week, less than the {hours} h contracted."
            )
    if errors:
        raise ServiceError(errors)
    values = {
        **fields,
        "post": data["post"],
        "band": data.get("band", "") or "",
        "hlta_status": data.get("hlta_status", "") or "",
        "first_aid": data.get("first_aid", "") or "",
        "nvq_level": int(data["nvq_level"]) if data.get("nvq_level") not in (None, "") else None,
        "gcse_english": bool(data.get("gcse_english")),
        "gcse_maths": bool(data.get("gcse_maths")),
        "lived_overseas": bool(data.get("lived_overseas")),
        "term_time_only": bool(data.get("term_time_only")),
        "started_on": data["started_on"],
        "left_on": data.get("left_on"),
        "fixed_term_end": data.get("fixed_term_end"),
        "line_manager_id": manager_id,
    }
    with transaction.atomic():
        return _write_member(actor, school_id, user_id, member, values, days)


def _pattern_snapshot(member) -> dict:
    return {
        str(d.weekday): [d.start.strftime("%H:%M"), d.end.strftime("%H:%M")]
        for d in member.pattern.order_by("weekday")
    }


def _write_member(actor, school_id, user_id, member, values, days):
    action = AuditEvent.Action.UPDATE if member else AuditEvent.Action.CREATE
    before = None
    if member is None:
        member = StaffMember(school_id=school_id, user_id=user_id)
    else:
        member = StaffMember.objects.select_for_update().get(pk=member.pk)
        before = {**snapshot(member), "pattern": _pattern_snapshot(member)}
    for name, value in values.items():
        setattr(member, name, value)
    member.save()
    WorkingDay.objects.filter(member=member).delete()
    WorkingDay.objects.bulk_create(
        WorkingDay(member=member, weekday=d, start=s, end=e) for d, (s, e) in sorted(days.items())
    )
    after = {**snapshot(member), "pattern": _pattern_snapshot(member)}
    if before != after:
        record_change(
            actor=actor, action=action, obj=member, school_id=school_id, before=before,
            after=after,
        )  # fmt: skip
    return member


def check_record(*, actor, member: StaffMember, kind, checked_on, evidence, **dbs) -> CentralCheck:
    """Record (or re-record) one check of the single central record for `member`: head /
    school admin only (Http404 otherwise). `dbs` takes certificate_number, barred_list and
    update_service for the DBS check. A re-check replaces the row; the audit trail keeps
    what it said before."""
    if not access.can_see_scr(actor, member.school_id):
        raise Http404
    errors: dict[str, str] = {}
    if kind not in CentralCheck.Kind.values:
        errors["kind"] = "Choose the check."
    today = timezone.localdate()
    if not inputs.is_date(checked_on):
        errors["checked_on"] = "Give the date the check was made."
    elif checked_on > today:
        errors["checked_on"] = "A check can't be recorded before it is made."
    elif checked_on.year < 1950:
        errors["checked_on"] = "Check the year of the date."
    evidence = inputs.text(
        evidence, "evidence", errors, limit=200, required="Say where the evidence is."
    )
    number = ""
    if kind == CentralCheck.Kind.DBS:
        number = (dbs.get("certificate_number") or "").strip()
        if number and not (number.isascii() and number.isdigit() and len(number) == 12):
            errors["certificate_number"] = "A DBS certificate number is 12 digits."
    if errors:
        raise ServiceError(errors)
    is_dbs = kind == CentralCheck.Kind.DBS
    with transaction.atomic():
        row = CentralCheck.objects.select_for_update().filter(member=member, kind=kind).first()
        before = snapshot(row) if row else None
        row = row or CentralCheck(member=member, kind=kind)
        row.checked_on, row.checked_by, row.evidence = checked_on, actor, evidence
        row.certificate_number = number
        row.barred_list = is_dbs and bool(dbs.get("barred_list"))
        row.update_service = is_dbs and bool(dbs.get("update_service"))
        row.save()
        record_change(
            actor=actor,
            action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
            obj=row,
            school_id=member.school_id,
            before=before,
            after=snapshot(row),
        )
    return row
