"""The one audited disposal path, and the decisions around it: legal holds, the DSL's
safeguarding review, the school's care setting (issue 12 §5).

`dispose()` is the only code that deletes pupil records. In one transaction it:
1. checks the reader may (the head or DPO of the pupil's school: "retention"), that no
   legal hold is active, that the kind is due today (retention.due), and for safeguarding
   that the DSL's latest review decided to dispose of it;
2. gathers the rows (gather()): the pupil's rows of every table claimed by the kind, then
   every row that points at one of them, and so on (a plan's targets, a concern's
   actions, the links of many-to-many tables), plus the audit rows about those records;
   for the whole record, the pupil's row and everything pointing at it. If that reaches
   rows of another kind, or of another pupil, it refuses: those are not due;
3. takes `disposal_permit()` for exactly those tables, deletes (trail rows through
   audit.chain.remove_rows, which records the chain's gaps so verify() still proves the
   rest), writes the DisposalLog and an audit row naming it; once committed, removes the
   files of the rows that went (evidence photos, attachments, reports, subject access
   downloads: AppConfig `retention_files`).
Nothing else deletes: the evidence triggers refuse any DELETE without the permit."""

import datetime as dt
import uuid
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from sendesk import access
from sendesk.audit import chain
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, snapshot
from sendesk.lib.errors import ServiceError
from sendesk.lib.migrations import disposal_permit
from sendesk.lib.registry import declared
from sendesk.pupils.leavers import leaver_writes_allowed
from sendesk.pupils.models import Pupil

from . import retention
from .models import DisposalLog, LegalHold, RetentionSetting, SafeguardingReview

DISPOSE = "retention"  # head, DPO: see what is due, hold, confirm a disposal
REVIEW = "retention_review"  # DSL: review a safeguarding record that is due
CHUNK = 500
MAX_REASON = 2000


def _as_uuid(value):
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Http404 from None


def pupil_for(user, pupil_id, capability=DISPOSE, lock=False) -> Pupil:
    """A pupil of a school where `user` holds `capability`; 404 otherwise."""
    pupils = Pupil.objects.filter(
        pk=_as_uuid(pupil_id), school_id__in=access.schools_where(user, capability)
    )
    pupil = (pupils.select_for_update() if lock else pupils).first()
    if pupil is None:
        raise Http404
    return pupil


# --- What goes -------------------------------------------------------------------------


def _references() -> dict:
    """{model: [(model pointing at it, its foreign key)]}, many-to-many links included."""
    table: dict = {}
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.concrete_fields:
            if isinstance(f, models.ForeignKey):
                table.setdefault(f.related_model, []).append((model, f))
    return table


def _chunks(values):
    values = sorted(values, key=str)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _of_pupil(model, pupil) -> Q:
    q = Q(pk__in=[])
    for name in retention.pupil_fields(model):
        q |= Q(**{name: pupil.pk})
    return q


class Gathered:
    """The rows a disposal removes: {model: {pk, ...}}, in the order found (parents first)."""

    def __init__(self):
        self.rows: dict = {}
        self.queue: list = []

    def add(self, model, pks) -> None:
        have = self.rows.setdefault(model, set())
        new = set(pks) - have
        if new:
            have |= new
            self.queue.append((model, new))

    def counts(self) -> dict[str, int]:
        return {m._meta.db_table: len(p) for m, p in self.rows.items() if p}


def gather(pupil, kinds, whole: bool) -> Gathered:
    """The rows disposing of `kinds` (and the pupil, when `whole`) removes; see the
    module's docstring. Raises ServiceError (409) when it reaches rows that are not due."""
    claimed = retention.claims()
    owner = retention.kind_of()
    found = Gathered()
    if whole:
        found.add(Pupil, [pupil.pk])
    for kind in kinds:
        for model in claimed[kind]:
            found.add(model, model._base_manager.filter(_of_pupil(model, pupil)).values_list(
                "pk", flat=True))  # fmt: skip
    references = _references()
    while found.queue:
        model, pks = found.queue.pop(0)
        for source, fk in references.get(model, ()):
            for part in _chunks(pks):
                found.add(source, source._base_manager.filter(**{f"{fk.attname}__in": part})
                          .values_list("pk", flat=True))  # fmt: skip
        if model is not AuditEvent and not whole:
            # The audit rows about these records go with them (as long as what they describe).
            found.add(AuditEvent, AuditEvent.objects.filter(
                pupil_id=pupil.pk, object_type=model._meta.label_lower
            ).values_list("pk", flat=True))  # fmt: skip
    _refuse_what_is_not_due(found, pupil, set(kinds) | ({retention.TRAIL} if whole else set()),
                            owner)  # fmt: skip
    return found


def _refuse_what_is_not_due(found, pupil, kinds, owner) -> None:
    for model, pks in found.rows.items():
        if not pks:
            continue
        kind = owner.get(model)
        if kind is not None and kind not in kinds and model is not AuditEvent:
            raise ServiceError(
                f"{len(pks)} {model._meta.verbose_name_plural} ({retention.KINDS[kind]}) "
                f"depend on these records and are not due: dispose of them together.",
                status=409,
            )
        if model is Pupil or not retention.pupil_fields(model):
            continue
        for part in _chunks(pks):
            if model._base_manager.filter(pk__in=part).exclude(_of_pupil(model, pupil)).exists():
                raise ServiceError(
                    f"Records of another pupil ({model._meta.verbose_name_plural}) depend on "
                    f"these: they cannot be disposed of with this pupil's.",
                    status=409,
                )


def _files(found: Gathered) -> list[Path]:
    """The files on disk of the rows gathered (AppConfig `retention_files`: {model label:
    (the setting naming their folder, [the fields holding their relative names])}), each
    checked to lie inside its folder."""
    paths = []
    for part in declared("retention_files"):
        for label, (setting, fields) in part.items():
            model = apps.get_model(label)
            pks = found.rows.get(model)
            if not pks:
                continue
            root = Path(getattr(settings, setting)).resolve()
            for chunk in _chunks(pks):
                for names in model._base_manager.filter(pk__in=chunk).values_list(*fields):
                    for name in filter(None, names):
                        path = (root / name).resolve()
                        if path.is_relative_to(root):
                            paths.append(path)
    return paths


def _remove_files(paths) -> None:
    # After the commit: a disposal rolled back keeps its files.
    for path in paths:
        path.unlink(missing_ok=True)


def _delete(found: Gathered, disposal: str) -> dict[str, int]:
    """Delete what was gathered, children first, trails through their chains' gaps.
    The caller holds the disposal permit for these tables."""
    q = connection.ops.quote_name
    counts = {}
    for model, pks in reversed(list(found.rows.items())):
        if not pks:
            continue
        table = model._meta.db_table
        if issubclass(model, chain.ChainedRow):
            counts[table] = chain.remove_rows(model, pks, disposal=disposal)
            continue
        with connection.cursor() as cursor:
            for part in _chunks(pks):
                cursor.execute(
                    f"DELETE FROM {q(table)} WHERE {q(model._meta.pk.column)} IN "
                    f"({', '.join(['%s'] * len(part))})",
                    [model._meta.pk.get_db_prep_value(pk, connection) for pk in part],
                )
        counts[table] = len(pks)
    return dict(sorted(counts.items()))


def preview(actor, pupil_id, kind: str, today: dt.date | None = None):
    """(the due item, counts by table) of what dispose() would remove; nothing written."""
    pupil = pupil_for(actor, pupil_id)
    item = _due_or_refuse(pupil, kind, today or timezone.localdate())
    found = gather(pupil, item.kinds if kind == retention.EVERYTHING else [kind],
                   kind == retention.EVERYTHING)  # fmt: skip
    return item, found.counts()


def _due_or_refuse(pupil, kind, today) -> retention.Due:
    if kind not in retention.DISPOSABLE:
        raise ServiceError({"kind": "Choose a kind of record to dispose of."})
    item = retention.due_item(pupil, kind, today)
    if item is None:
        raise ServiceError(
            f"{pupil.name}'s {retention.DISPOSABLE[kind].lower()} is not due for disposal.",
            status=409,
        )
    if item.hold is not None:
        raise ServiceError(
            f"{pupil.name}'s records are on legal hold ({item.hold.reason}): nothing may be "
            f"disposed of until the hold is lifted.",
            status=409,
        )
    if item.state != "ready":
        raise ServiceError(
            "The DSL has not reviewed this safeguarding record: it is disposed of only when "
            "the DSL decides so.",
            status=409,
        )
    return item


def _dsl_decision(pupil, kinds) -> str:
    if retention.SAFEGUARDING not in kinds:
        return ""
    review = SafeguardingReview.objects.filter(pupil=pupil).select_related("decided_by").first()
    if review is None:
        return ""
    return (
        f"{review.get_decision_display()}: {review.decided_by.full_name}, "
        f"{timezone.localtime(review.decided_at):%d %B %Y}: {review.reason}"
    )


def dispose(*, actor, pupil_id, kind: str, today: dt.date | None = None) -> DisposalLog:
    """Dispose of one kind of a pupil's records, or the whole record (kind "all"); see the
    module's docstring. Returns the DisposalLog."""
    with transaction.atomic(), leaver_writes_allowed():
        pupil = pupil_for(actor, pupil_id, lock=True)
        item = _due_or_refuse(pupil, kind, today or timezone.localdate())
        whole = kind == retention.EVERYTHING
        kinds = item.kinds if whole else [kind]
        found = gather(pupil, kinds, whole)
        log = DisposalLog(
            school_id=pupil.school_id, pupil_ref=str(pupil.pk),
            pupil_name=f"{pupil.legal_first_name} {pupil.legal_last_name}", upn=pupil.upn,
            date_of_birth=pupil.date_of_birth, kinds=kinds, whole_record=whole,
            rule=item.rule if not whole else "; ".join(
                f"{retention.KINDS[k]}: {retention.rules(pupil.school_id)[k][1]}" for k in kinds
            ),
            due_on=item.due_on, decided_by=actor, decided_at=timezone.now(),
            dsl_decision=_dsl_decision(pupil, kinds),
        )  # fmt: skip
        tables = [m._meta.db_table for m, pks in found.rows.items() if pks]
        why = f"Retention disposal {log.pk}: {', '.join(kinds)}{' and the pupil' if whole else ''}"
        files = _files(found)
        with disposal_permit(tables, why=why):
            log.counts = _delete(found, str(log.pk))
        transaction.on_commit(lambda: _remove_files(files))
        log.save(force_insert=True)
        record_change(
            actor=actor, action=AuditEvent.Action.DELETE, obj=log, school_id=pupil.school_id,
            pupil_id=None if whole else pupil.pk,
            # The log names the pupil; the trail row only points at it.
            after={"kinds": kinds, "whole_record": whole, "counts": log.counts},
        )  # fmt: skip
    return log


# --- Legal holds, the DSL's review, the school's setting --------------------------------


def _reason(text, field="reason") -> str:
    text = (text or "").strip()
    if not text:
        raise ServiceError({field: "Give the reason."})
    if len(text) > MAX_REASON:
        raise ServiceError({field: f"Keep the reason under {MAX_REASON} characters."})
    return text


def place_hold(*, actor, pupil_id, reason: str) -> LegalHold:
    with transaction.atomic(), leaver_writes_allowed():
        pupil = pupil_for(actor, pupil_id, lock=True)
        reason = _reason(reason)
        if LegalHold.objects.filter(pupil=pupil, lifted_at__isnull=True).exists():
            raise ServiceError(f"{pupil.name}'s records are already on legal hold.", status=409)
        hold = LegalHold.objects.create(school_id=pupil.school_id, pupil=pupil, reason=reason,
                                        placed_by=actor, placed_at=timezone.now())  # fmt: skip
        record_change(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=hold,
            school_id=pupil.school_id,
            pupil_id=pupil.pk,
            after=snapshot(hold),
        )
    return hold


def lift_hold(*, actor, hold_id, reason: str) -> LegalHold:
    with transaction.atomic(), leaver_writes_allowed():
        hold = (
            LegalHold.objects.select_for_update()
            .filter(pk=hold_id, lifted_at__isnull=True,
                    school_id__in=access.schools_where(actor, DISPOSE))
            .first()
        )  # fmt: skip
        if hold is None:
            raise Http404
        before = snapshot(hold)
        hold.lift_reason = _reason(reason)
        hold.lifted_by, hold.lifted_at = actor, timezone.now()
        hold.save(update_fields=["lift_reason", "lifted_by", "lifted_at"])
        record_change(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=hold,
            school_id=hold.school_id,
            pupil_id=hold.pupil_id,
            before=before,
            after=snapshot(hold),
        )
    return hold


def review_safeguarding(*, actor, pupil_id, decision: str, reason: str, keep_until=None,
                        today: dt.date | None = None) -> SafeguardingReview:  # fmt: skip
    """The DSL's decision on a safeguarding record that is due: dispose of it (the head or
    DPO confirms), or keep it until `keep_until` (after today) for `reason`."""
    today = today or timezone.localdate()
    with transaction.atomic(), leaver_writes_allowed():
        pupil = pupil_for(actor, pupil_id, capability=REVIEW, lock=True)
        item = retention.due_item(pupil, retention.SAFEGUARDING, today)
        if item is None:
            raise ServiceError("This safeguarding record is not due for review.", status=409)
        if decision not in SafeguardingReview.Decision.values:
            raise ServiceError({"decision": "Choose: dispose of it, or keep it longer."})
        reason = _reason(reason)
        if decision == SafeguardingReview.Decision.KEEP:
            if keep_until is None or keep_until <= today:
                raise ServiceError({"keep_until": "Give a date after today to keep it until."})
        else:
            keep_until = None
        review = SafeguardingReview.objects.create(
            school_id=pupil.school_id, pupil=pupil, decision=decision, keep_until=keep_until,
            reason=reason, decided_by=actor, decided_at=timezone.now(),
        )  # fmt: skip
        record_change(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=review,
            school_id=pupil.school_id,
            pupil_id=pupil.pk,
            after=snapshot(review),
        )
    return review


def set_care_years(*, actor, school_id, years) -> RetentionSetting:
    """The head's setting for medication and care records (years after birth)."""
    if school_id not in access.schools_where(actor, "retention_settings"):
        raise Http404
    try:
        years = int(years)
    except (TypeError, ValueError):
        raise ServiceError({"care_years": "Give a whole number of years."}) from None
    if not 1 <= years <= 100:
        raise ServiceError({"care_years": "Give a number of years from 1 to 100."})
    with transaction.atomic():
        setting = RetentionSetting.objects.select_for_update().filter(school_id=school_id).first()
        before = snapshot(setting) if setting else None
        setting = setting or RetentionSetting(school_id=school_id)
        setting.care_years, setting.changed_by, setting.changed_at = years, actor, timezone.now()
        setting.save()
        record_change(actor=actor, action=AuditEvent.Action.UPDATE if before else
                      AuditEvent.Action.CREATE, obj=setting, school_id=school_id, before=before,
                      after=snapshot(setting))  # fmt: skip
    return setting
