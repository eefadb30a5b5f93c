"""Writes to pupil records. Each validates, writes and audits in one transaction."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, snapshot
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import field_limits
from sendesk.schools import capabilities
from sendesk.schools.models import YearGroup

from .models import (
    Contact,
    NeedCode,
    Pupil,
    PupilNeed,
    SenStatus,
    SenStatusPeriod,
    Strategy,
    TimelineKind,
)
from .timeline import timeline_add
from .upn import upn_error

PUPIL_FIELDS = (
    "upn", "legal_first_name", "legal_last_name", "preferred_name", "date_of_birth",
    "year_group", "what_matters", "good_at", "how_to_support",
)  # fmt: skip


def _validate_pupil(school_id, data, *, instance=None):
    errors = field_limits(Pupil, data)
    upn = (data.get("upn") or "").strip().upper()
    if "upn" in data or instance is None:
        if error := upn_error(upn):
            errors["upn"] = error
        elif (
            Pupil.objects.filter(school_id=school_id, upn=upn)
            .exclude(pk=getattr(instance, "pk", None))
            .exists()
        ):
            errors["upn"] = "Another pupil at this school already has this UPN."
        data["upn"] = upn
    for name in ("legal_first_name", "legal_last_name"):
        if (name in data or instance is None) and not (data.get(name) or "").strip():
            errors[name] = "This is required."
    if "date_of_birth" in data or instance is None:
        dob = data.get("date_of_birth")
        if not isinstance(dob, dt.date):
            errors["date_of_birth"] = "Give the date of birth as a date."
        elif dob > timezone.localdate() or dob.year < timezone.localdate().year - 25:
            errors["date_of_birth"] = "This date of birth is not possible for a pupil."
    if "year_group" in data or instance is None:
        yg = data.get("year_group")
        if not isinstance(yg, YearGroup) or yg.school_id != school_id:
            errors["year_group"] = "Choose a year group of this school."
    return errors


@transaction.atomic
def pupil_create(
    *,
    actor,
    school_id: int,
    data: dict,
    sen_status: str = SenStatus.NONE,
    needs: list[str] = (),
    teaching_groups=(),
) -> Pupil:
    capabilities.require(actor, school_id, "write_pupils")
    data = dict(data)
    errors = _validate_pupil(school_id, data)
    errors.update(_validate_needs(needs))
    if sen_status not in SenStatus.values:
        errors["sen_status"] = "SEN status is N, K or E."
    if errors:
        raise ServiceError(errors)
    pupil = Pupil.objects.create(
        school_id=school_id,
        sen_status=sen_status,
        **{k: v for k, v in data.items() if k in PUPIL_FIELDS},
    )
    groups = [g for g in teaching_groups if g.school_id == school_id]
    pupil.teaching_groups.set(groups)
    SenStatusPeriod.objects.create(pupil=pupil, status=sen_status, start=timezone.localdate())
    PupilNeed.objects.bulk_create(
        PupilNeed(pupil=pupil, code=code, rank=i) for i, code in enumerate(needs, start=1)
    )
    record_change(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=pupil,
        school_id=school_id,
        pupil_id=pupil.pk,
        after={**snapshot(pupil), "needs": list(needs), "groups": [g.pk for g in groups]},
    )
    timeline_add(
        pupil=pupil, actor=actor, ref=pupil, kind=TimelineKind.PUPIL, title="Added to SENDesk"
    )
    return pupil


@transaction.atomic
def pupil_update(*, actor, pupil: Pupil, data: dict, teaching_groups=None) -> Pupil:
    capabilities.require(actor, pupil.school_id, "write_pupils")
    data = {k: v for k, v in data.items() if k in PUPIL_FIELDS}
    errors = _validate_pupil(pupil.school_id, data, instance=pupil)
    if errors:
        raise ServiceError(errors)
    before = snapshot(pupil)
    for key, value in data.items():
        setattr(pupil, key, value)
    pupil.save()
    after = snapshot(pupil)
    if teaching_groups is not None:
        before["groups"] = sorted(pupil.teaching_groups.values_list("pk", flat=True))
        pupil.teaching_groups.set([g for g in teaching_groups if g.school_id == pupil.school_id])
        after["groups"] = sorted(g.pk for g in teaching_groups if g.school_id == pupil.school_id)
    if before != after:
        record_change(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=pupil,
            school_id=pupil.school_id,
            pupil_id=pupil.pk,
            before=before,
            after=after,
        )
    return pupil


def _validate_needs(needs):
    errors = {}
    for code in needs:
        if code not in NeedCode.values:
            errors["needs"] = f"{code!r} is not a census need code ({', '.join(NeedCode.values)})."
    if len(set(needs)) != len(needs):
        errors["needs"] = "Each need appears once in the ranking."
    return errors


@transaction.atomic
def pupil_set_needs(*, actor, pupil: Pupil, needs: list[str]) -> None:
    """Replace the ranked needs: the first is the primary need."""
    capabilities.require(actor, pupil.school_id, "write_pupils")
    if errors := _validate_needs(needs):
        raise ServiceError(errors)
    before = list(pupil.needs.values_list("code", flat=True))
    if before == list(needs):
        return
    pupil.needs.all().delete()
    PupilNeed.objects.bulk_create(
        PupilNeed(pupil=pupil, code=code, rank=i) for i, code in enumerate(needs, start=1)
    )
    record_change(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=pupil,
        school_id=pupil.school_id,
        pupil_id=pupil.pk,
        before={"needs": before},
        after={"needs": list(needs)},
    )
    timeline_add(
        pupil=pupil,
        actor=actor,
        ref=pupil,
        kind=TimelineKind.NEEDS,
        title="Needs changed: " + (", ".join(needs) or "none"),
    )


@transaction.atomic
def pupil_set_sen_status(*, actor, pupil: Pupil, status: str, start: dt.date | None = None) -> None:
    """Change the census SEN status; the old period is closed the day before, so the
    history shows from-to for every status the pupil has had."""
    capabilities.require(actor, pupil.school_id, "write_pupils")
    start = start or timezone.localdate()
    if status not in SenStatus.values:
        raise ServiceError({"sen_status": "SEN status is N, K or E."})
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    if pupil.sen_status == status:
        return
    current = pupil.sen_history.filter(end__isnull=True).first()
    if current:
        if start <= current.start:
            raise ServiceError(
                {"start": f"The new status must start after {current.start:%-d %B %Y}."}
            )
        current.end = start - dt.timedelta(days=1)
        current.save(update_fields=["end"])
    SenStatusPeriod.objects.create(pupil=pupil, status=status, start=start)
    before = pupil.sen_status
    pupil.sen_status = status
    pupil.save(update_fields=["sen_status"])
    record_change(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=pupil,
        school_id=pupil.school_id,
        pupil_id=pupil.pk,
        before={"sen_status": before},
        after={"sen_status": status, "from": start.isoformat()},
    )
    timeline_add(
        pupil=pupil,
        actor=actor,
        ref=pupil,
        kind=TimelineKind.SEN_STATUS,
        title=f"SEN status changed to {SenStatus(status).label} from {start:%-d %b %Y}",
    )


@transaction.atomic
def strategy_add(*, actor, pupil: Pupil, text: str) -> Strategy:
    capabilities.require(actor, pupil.school_id, "write_plans")
    text = (text or "").strip()
    if not text:
        raise ServiceError({"text": "Write the strategy."})
    if len(text) > 300:
        raise ServiceError({"text": "Keep a strategy under 300 characters."})
    strategy = Strategy.objects.create(pupil=pupil, text=text, added_by=actor)
    record_change(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=strategy,
        school_id=pupil.school_id,
        pupil_id=pupil.pk,
        after=snapshot(strategy),
    )
    return strategy


@transaction.atomic
def contact_add(*, actor, pupil: Pupil, data: dict) -> Contact:
    capabilities.require(actor, pupil.school_id, "write_pupils")
    errors = field_limits(Contact, data)
    if not (data.get("name") or "").strip():
        errors["name"] = "This is required."
    if not (data.get("relationship") or "").strip():
        errors["relationship"] = "Say who they are to the pupil."
    if errors:
        raise ServiceError(errors)
    contact = Contact.objects.create(pupil=pupil, **data)
    record_change(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=contact,
        school_id=pupil.school_id,
        pupil_id=pupil.pk,
        after=snapshot(contact),
    )
    return contact


@transaction.atomic
def deployment_create(
    *,
    actor,
    school_id: int,
    staff,
    kind: str,
    start: dt.date,
    pupil: Pupil | None = None,
    teaching_group=None,
    end=None,
):
    """Deploy a staff member to a pupil (1:1, key adult) or a group. SENCO and head only."""
    from sendesk.schools.models import StaffRole

    from .models import Deployment

    capabilities.require(actor, school_id, "write_pupils")
    errors = {}
    if kind not in Deployment.Kind.values:
        errors["kind"] = "Choose 1:1, key adult or group support."
    elif kind == Deployment.Kind.GROUP and (teaching_group is None or pupil is not None):
        errors["teaching_group"] = "A group deployment names a class or group."
    elif kind != Deployment.Kind.GROUP and (pupil is None or teaching_group is not None):
        errors["pupil"] = "A 1:1 or key adult deployment names a pupil."
    if pupil is not None and pupil.school_id != school_id:
        errors["pupil"] = "Choose a pupil of this school."
    if teaching_group is not None and teaching_group.school_id != school_id:
        errors["teaching_group"] = "Choose a group of this school."
    if not StaffRole.objects.filter(user=staff, school_id=school_id).exists():
        errors["staff"] = "This person has no role at this school."
    if end and end < start:
        errors["end"] = "The end date can't be before the start."
    if errors:
        raise ServiceError(errors)
    deployment = Deployment.objects.create(
        school_id=school_id,
        staff=staff,
        kind=kind,
        start=start,
        end=end,
        pupil=pupil,
        teaching_group=teaching_group,
    )
    record_change(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=deployment,
        school_id=school_id,
        pupil_id=pupil.pk if pupil else None,
        after=snapshot(deployment),
    )
    return deployment


@transaction.atomic
def deployment_end(*, actor, deployment, end: dt.date):
    """End a deployment from a date (the last day it applies). Kept, not deleted: it says
    who could see a pupil when."""
    capabilities.require(actor, deployment.school_id, "write_pupils")
    if end < deployment.start:
        raise ServiceError({"end": "The end date can't be before the deployment started."})
    before = snapshot(deployment)
    deployment.end = end
    deployment.save(update_fields=["end"])
    record_change(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=deployment,
        school_id=deployment.school_id,
        pupil_id=deployment.pupil_id,
        before=before,
        after=snapshot(deployment),
    )
    return deployment
