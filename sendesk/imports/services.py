"""Imports as the head (or school admin) runs them: upload a file and see the preview;
apply it, all or nothing; and the SENCO's decision on SEN a file says differently. Each
validates, writes and audits in one transaction."""

import hashlib
import io
import logging
import os
import uuid

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from sendesk import access
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, record_changes, snapshot
from sendesk.lib.errors import ServiceError
from sendesk.pupils.leavers import pupil_leave
from sendesk.pupils.models import (
    Contact,
    Pupil,
    PupilLeaving,
    PupilNeed,
    SenStatusPeriod,
    TimelineEntry,
)
from sendesk.pupils.services import pupil_set_needs, pupil_set_sen_status
from sendesk.schools import capabilities
from sendesk.schools.models import School, TeachingGroup, Term, YearGroup
from sendesk.signin.accounts import invite, set_roles

from . import endings, engine
from .models import ExternalId, ImportBatch, Kind, SenDifference
from .parsers import PARSERS

logger = logging.getLogger(__name__)

IMPORT = "import_roll"
DECIDE = "write_pupils"  # the SENCO's (and head's) own capability over pupil records


def import_school(actor, school_id=None) -> int:
    """The school whose roll `actor` imports (head / school admin); Http404 otherwise."""
    return capabilities.pick_school(capabilities.schools_where(actor, IMPORT), school_id)


def get_batch(actor, batch_id) -> ImportBatch:
    """An import of a school the actor imports for; the same 404 as one that does not exist."""
    schools = capabilities.schools_where(actor, IMPORT)
    try:
        pk = uuid.UUID(str(batch_id))
    except ValueError:
        raise Http404 from None
    batch = ImportBatch.objects.filter(pk=pk, school_id__in=schools).first()
    if batch is None:
        raise Http404
    return batch


def _check_upload(kind, upload) -> dict:
    errors = {}
    if kind not in Kind.values:
        errors["kind"] = "Choose what kind of file this is."
    elif kind not in PARSERS:
        errors["kind"] = f"SENDesk cannot read a {Kind(kind).label} yet."
    if upload is None:
        errors["file"] = "Choose the file to import."
    elif not upload.size:
        errors["file"] = "This file is empty: choose it again."
    elif upload.size > settings.IMPORTS_MAX_BYTES:
        limit = settings.IMPORTS_MAX_BYTES // (1024 * 1024)
        raise ServiceError({"file": f"This file is too large: SENDesk takes files up to "
                            f"{limit} MB."}, 413)  # fmt: skip
    return errors


def _parse(kind: str, data: bytes, filename: str):
    try:
        return PARSERS[kind](io.BytesIO(data), filename)
    except ServiceError:
        raise
    except Exception:
        # A file no parser could make sense of (not a zip, not XML, …) is bad input, not
        # a fault of ours: say so in words, and keep the details for whoever looks later.
        logger.warning("Import of %s as %s could not be read", filename, kind, exc_info=True)
        raise ServiceError(
            {"file": f"SENDesk could not read this file as a {Kind(kind).label}. Check that "
             "it is the right file and the right kind."}
        ) from None  # fmt: skip


def import_preview(*, actor, kind: str, upload, school_id=None) -> ImportBatch:
    """Read the file and keep it, with what applying it would do and every problem; writes
    nothing else."""
    school_id = import_school(actor, school_id)
    if errors := _check_upload(kind, upload):
        raise ServiceError(errors)
    upload.seek(0)
    data = upload.read()
    filename = os.path.basename(getattr(upload, "name", "") or "upload")[:255]
    parsed = _parse(kind, data, filename)
    plan, notes = engine.plan_import(school_id, parsed)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            school_id=school_id, kind=kind, filename=filename, content=data, size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor,
            uploaded_at=timezone.now(), counts=plan.counts, errors=_errors(plan),
            changes=plan.items, notes=notes,
        )  # fmt: skip
        record_change(
            actor=actor, action=AuditEvent.Action.CREATE, obj=batch, school_id=school_id,
            after=snapshot(batch, exclude=("content", "changes", "errors", "notes")),
        )  # fmt: skip
    return batch


def _errors(plan) -> list[dict]:
    return [
        {"file": p.at.file, "row": p.at.row, "field": p.field, "message": p.message}
        for p in plan.problems
    ]


def import_apply(*, actor, batch_id) -> ImportBatch:
    """Apply a previewed file: read again against the records as they are now, and written
    whole or not at all. A file with any problem is refused (409) and nothing is written."""
    batch = get_batch(actor, batch_id)
    with transaction.atomic():
        # The school first, then the batch: two files applied at once at one school (two
        # office staff, a double press) take turns, so the second is planned against what
        # the first wrote and never makes the same pupils twice (PostgreSQL; SQLite has
        # one writer at a time anyway).
        School.objects.select_for_update().filter(pk=batch.school_id).first()
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == ImportBatch.Status.APPLIED:
            raise ServiceError({"__all__": "This file was imported already."}, 409)
        plan = None
        if batch.status == ImportBatch.Status.PREVIEWED and not batch.errors:
            parsed = _parse(batch.kind, bytes(batch.content), batch.filename)
            plan, notes = engine.plan_import(batch.school_id, parsed)
        if plan is None or plan.problems:
            _refuse(actor, batch, plan)
        else:
            _write(plan, actor, batch)
            batch.status = ImportBatch.Status.APPLIED
            batch.applied_by, batch.applied_at = actor, timezone.now()
            batch.counts, batch.changes, batch.notes = plan.counts, plan.items, notes
            batch.save(update_fields=["status", "applied_by", "applied_at", "counts",
                                      "changes", "notes"])  # fmt: skip
            record_change(
                actor=actor, action=AuditEvent.Action.UPDATE, obj=batch,
                school_id=batch.school_id, before={"status": "previewed"},
                after={"status": "applied", "counts": batch.counts},
            )  # fmt: skip
    if batch.status == ImportBatch.Status.REFUSED:
        raise ServiceError(
            {"__all__": "Nothing was imported: the file has errors (listed below). Correct "
             "them in the file and upload it again."}, 409,
        )  # fmt: skip
    return batch


def _refuse(actor, batch, plan) -> None:
    before = batch.status
    batch.status = ImportBatch.Status.REFUSED
    fields = ["status"]
    if plan is not None:
        batch.errors, batch.counts = _errors(plan), plan.counts
        fields += ["errors", "counts"]
    batch.save(update_fields=fields)
    record_change(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=batch, school_id=batch.school_id,
        before={"status": before}, after={"status": "refused", "errors": len(batch.errors)},
    )  # fmt: skip


# --- Writing a plan -------------------------------------------------------------------------


def _write(plan: engine.Plan, actor, batch) -> None:
    school_id = plan.school_id
    years = _years(plan, school_id)
    refs = _write_pupils(plan, actor, batch, years)
    # Known pupils a later file (classes, contacts) names by the MIS id this file links.
    refs.update({sid: obj for of, sid, obj in plan.links if of == "pupil"})
    _write_pupil_updates(plan, actor, years)
    _write_sen_differences(plan, actor, batch)
    _write_leavings(plan, actor)
    refs.update(_write_staff(plan, actor))
    _write_groups(plan, actor, refs)
    _write_terms_and_contacts(plan, actor, refs)
    endings.write_endings(plan, actor)
    # One link per MIS id (a person on two rows, one per role, names theirs twice).
    links = {(of, sid): obj for of, sid, obj in plan.links}
    ExternalId.objects.bulk_create(
        ExternalId(school_id=school_id, of=of, source_id=sid, object_id=obj, first_batch=batch)
        for (of, sid), obj in links.items()
    )


def _write_leavings(plan, actor) -> None:
    """The pupils the file says left, recorded as leavers on the day the import is applied
    (the file gives no date; the SENCO can undo and record it again with the right one)."""
    for pupil, _row in plan.leavings:
        pupil_leave(
            actor=actor, pupil=pupil,
            data={"left_on": timezone.localdate(), "reason": PupilLeaving.Reason.OTHER},
        )  # fmt: skip


def _years(plan, school_id) -> dict:
    YearGroup.objects.bulk_create(
        YearGroup(school_id=school_id, name=engine.year_name(n), ordinal=n)
        for n in sorted(plan.new_years)
    )
    return {y.ordinal: y for y in YearGroup.objects.filter(school_id=school_id)}


def _write_pupils(plan, actor, batch, years) -> dict:
    """The new pupils, their SEN history, needs and timeline line; {upn or MIS id: pk}."""
    today = timezone.localdate()
    pupils, periods, needs, lines, audit, refs = [], [], [], [], [], {}
    for row in plan.new_pupils:
        pupil = engine.new_pupil(row, plan.school_id, years)
        period, ranked, line = engine.pupil_extras(pupil, row, actor, today, batch.filename)
        pupils.append(pupil)
        periods.append(period)
        needs.extend(ranked)
        lines.append(line)
        audit.append((plan.school_id, pupil.pk, pupil.pk,
                      {**snapshot(pupil), "needs": [n.code for n in ranked],
                       "import": str(batch.pk)}))  # fmt: skip
        for key in (row.upn, row.source_id):
            if key:
                refs[key] = str(pupil.pk)
        if row.source_id:
            plan.links.append(("pupil", row.source_id, str(pupil.pk)))
    Pupil.objects.bulk_create(pupils, batch_size=500)
    SenStatusPeriod.objects.bulk_create(periods, batch_size=500)
    PupilNeed.objects.bulk_create(needs, batch_size=500)
    TimelineEntry.objects.bulk_create(lines, batch_size=500)
    if audit:
        record_changes(actor=actor, action=AuditEvent.Action.CREATE, object_type="pupils.pupil",
                       rows=audit)  # fmt: skip
    return refs


def _write_pupil_updates(plan, actor, years) -> None:
    for pupil, changes in plan.pupil_updates:
        before = {k: snapshot(pupil)[k if k != "year_group" else "year_group_id"] for k in changes}
        for name, value in changes.items():
            if name == "year_group" and isinstance(value, int):
                value = years[value]
            setattr(pupil, name, value)
        pupil.save(update_fields=list(changes))
        after = {k: snapshot(pupil)[k if k != "year_group" else "year_group_id"] for k in changes}
        record_change(actor=actor, action=AuditEvent.Action.UPDATE, obj=pupil,
                      school_id=pupil.school_id, pupil_id=pupil.pk, before=before,
                      after=after)  # fmt: skip


def _write_sen_differences(plan, actor, batch) -> None:
    if not plan.sen_differences:
        return
    pupils = [p.pk for p, _, _ in plan.sen_differences]
    SenDifference.objects.filter(pupil_id__in=pupils, decision=SenDifference.Decision.OPEN).update(
        decision=SenDifference.Decision.SUPERSEDED, decided_at=timezone.now()
    )
    made = SenDifference.objects.bulk_create(
        SenDifference(
            school_id=plan.school_id, pupil=pupil, batch=batch, file_status=row.sen_status or "",
            file_needs=engine._needs_of(row), ours_status=pupil.sen_status,
            ours_needs=ours,
        )
        for pupil, row, ours in plan.sen_differences
    )  # fmt: skip
    record_changes(
        actor=actor, action=AuditEvent.Action.CREATE, object_type="imports.sendifference",
        rows=[(plan.school_id, d.pupil_id, d.pk or "", {"file_status": d.file_status,
               "file_needs": d.file_needs, "batch": str(batch.pk)}) for d in made],
    )  # fmt: skip


def _write_staff(plan, actor) -> dict:
    """Invites the new people (an e-mail each, once committed) and adds roles the file
    gives known people here; {e-mail: user pk} for the classes."""
    refs = {}
    for email, entry in plan.staff.items():
        user, roles = entry["user"], entry["roles"]
        if user is None or not entry["held"]:
            user = invite(actor=actor, school_id=plan.school_id, full_name=entry["row"].full_name,
                          email=email, roles=roles)["user"]  # fmt: skip
        elif set(roles) - entry["held"]:
            set_roles(actor=actor, school_id=plan.school_id, person=user,
                      roles=sorted(entry["held"] | set(roles)))  # fmt: skip
        refs[email] = user.pk
        row = entry["row"]
        if row.source_id and entry["user"] is None:
            plan.links.append(("staff", row.source_id, str(user.pk)))
    return refs


def _ref_id(ref, refs):
    return refs.get(ref, ref) if isinstance(ref, str) else ref


def _write_groups(plan, actor, refs) -> None:
    pupil_through = TeachingGroup.pupils.through
    teacher_through = TeachingGroup.teachers.through
    for row, pupils, teachers in plan.new_groups:
        group = TeachingGroup.objects.create(school_id=plan.school_id, name=row.name)
        pupil_through.objects.bulk_create(
            pupil_through(teachinggroup=group, pupil_id=_ref_id(p, refs)) for p in set(pupils)
        )
        teacher_through.objects.bulk_create(
            teacher_through(teachinggroup=group, user_id=_ref_id(t, refs)) for t in set(teachers)
        )
        if row.source_id:
            plan.links.append(("group", row.source_id, str(group.pk)))
        record_change(actor=actor, action=AuditEvent.Action.CREATE, obj=group,
                      school_id=plan.school_id, after={**snapshot(group), "pupils": len(pupils),
                                                       "teachers": len(teachers)})  # fmt: skip
    for group, _row, delta in plan.group_changes:
        pupil_through.objects.bulk_create(
            pupil_through(teachinggroup=group, pupil_id=_ref_id(p, refs))
            for p in delta["pupils_joining"]
        )
        teacher_through.objects.bulk_create(
            teacher_through(teachinggroup=group, user_id=_ref_id(t, refs))
            for t in delta["teachers_joining"]
        )
        pupil_through.objects.filter(
            teachinggroup=group, pupil_id__in=delta["pupils_leaving"]
        ).delete()
        teacher_through.objects.filter(
            teachinggroup=group, user_id__in=delta["teachers_leaving"]
        ).delete()
        record_change(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=group,
            school_id=plan.school_id,
            after={k: [str(_ref_id(x, refs)) for x in v] for k, v in delta.items()},
        )


def _write_terms_and_contacts(plan, actor, refs) -> None:
    for row in plan.new_terms:
        term = Term.objects.create(school_id=plan.school_id, name=row.name, start=row.start,
                                   end=row.end)  # fmt: skip
        if row.source_id:
            plan.links.append(("term", row.source_id, str(term.pk)))
        record_change(actor=actor, action=AuditEvent.Action.CREATE, obj=term,
                      school_id=plan.school_id, after=snapshot(term))  # fmt: skip
    for term, changes in plan.term_updates:
        before = {k: str(getattr(term, k)) for k in changes}
        for k, v in changes.items():
            setattr(term, k, v)
        term.save(update_fields=list(changes))
        record_change(actor=actor, action=AuditEvent.Action.UPDATE, obj=term,
                      school_id=plan.school_id, before=before,
                      after={k: str(v) for k, v in changes.items()})  # fmt: skip
    for row, ref in plan.new_contacts:
        pupil_id = refs.get(ref, ref)
        contact = Contact.objects.create(
            pupil_id=pupil_id, name=row.name.strip(),
            relationship=row.relationship or "Parent or carer",
            parental_responsibility=row.parental_responsibility, phone=row.phone,
            email=row.email,
        )  # fmt: skip
        record_change(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=contact,
            school_id=plan.school_id,
            pupil_id=pupil_id,
            after=snapshot(contact),
        )
    for contact, changes in plan.contact_updates:
        before = {k: getattr(contact, k) for k in changes}
        for k, v in changes.items():
            setattr(contact, k, v)
        contact.save(update_fields=list(changes))
        record_change(actor=actor, action=AuditEvent.Action.UPDATE, obj=contact,
                      school_id=plan.school_id, pupil_id=contact.pupil_id, before=before,
                      after=changes)  # fmt: skip


# --- The SENCO's decisions ------------------------------------------------------------------


def open_differences(actor, school_id=None):
    """The school's SEN differences still to decide, for pupils the actor may see."""
    school_id = capabilities.pick_school(capabilities.schools_where(actor, DECIDE), school_id)
    return access.scoped(
        actor,
        SenDifference.objects.filter(school_id=school_id, decision=SenDifference.Decision.OPEN)
        .select_related("pupil", "batch")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name"),
    )


def sen_decide(*, actor, difference_id, accept: bool) -> SenDifference:
    """Accept the file's SEN for the pupil (written through the pupils services, so the SEN
    history and timeline say it) or keep SENDesk's. Either is recorded."""
    schools = capabilities.schools_where(actor, DECIDE)
    try:
        found = SenDifference.objects.filter(pk=int(difference_id), school_id__in=schools).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise Http404
    pupil = access.get_pupil_for(actor, found.pupil_id, DECIDE)
    with transaction.atomic():
        diff = SenDifference.objects.select_for_update().get(pk=found.pk)
        if diff.decision != SenDifference.Decision.OPEN:
            raise ServiceError({"__all__": "This difference was decided already."}, 409)
        if accept:
            if diff.file_status and diff.file_status != pupil.sen_status:
                pupil_set_sen_status(actor=actor, pupil=pupil, status=diff.file_status)
            ours = list(pupil.needs.values_list("code", flat=True))
            # No needs in the file is not "no needs": the pupil's recorded needs stand.
            if diff.file_needs and diff.file_needs != ours:
                pupil_set_needs(actor=actor, pupil=pupil, needs=diff.file_needs)
        diff.decision = SenDifference.Decision.ACCEPTED if accept else SenDifference.Decision.KEPT
        diff.decided_by, diff.decided_at = actor, timezone.now()
        diff.save(update_fields=["decision", "decided_by", "decided_at"])
        record_change(actor=actor, action=AuditEvent.Action.UPDATE, obj=diff,
                      school_id=diff.school_id, pupil_id=diff.pupil_id,
                      before={"decision": "open"}, after={"decision": diff.decision})  # fmt: skip
    return diff
