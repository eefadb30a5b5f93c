"""Writes for appraisal, CPD, certificates, required training and induction. Each checks
who may do it (Http404 for anyone who may not even see the record), validates everything
(ServiceError with a message per field, before anything is written), then writes with its
audit rows in one transaction. No pupil data: audit rows have no pupil."""

import datetime as dt
import decimal
import hashlib

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, snapshot
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.schools import capabilities
from sendesk.staff.models import StaffMember, Training
from sendesk.staff.selectors import school_staff

from . import rules
from .models import (
    AmendmentConfirmation,
    Appraisal,
    Certificate,
    CpdEntry,
    Induction,
    InductionItem,
    Judgement,
    Objective,
    RequiredTraining,
    Review,
    ReviewAmendment,
)
from .standards import ALL_STANDARDS, AREAS, BANDS, INDUCTION_ITEMS

CREATE, UPDATE, DELETE, AMEND = (
    AuditEvent.Action.CREATE,
    AuditEvent.Action.UPDATE,
    AuditEvent.Action.DELETE,
    AuditEvent.Action.AMEND,
)
AREA_KEYS = [key for key, _ in AREAS]
BAND_KEYS = [key for key, _ in BANDS]
# The appraisee writes their own review; the line manager everything else of a stage.
APPRAISEE_FIELDS = ("own_review",)
MANAGER_FIELDS = ("held_on", "summary", "cpd_plan")
TEXT_LIMIT = 5000


def _audit(actor, action, obj, school_id, before=None, after=None, exclude=()):
    record_change(
        actor=actor, action=action, obj=obj, school_id=school_id, pupil_id=None,
        before=before, after=after if after is not None else snapshot(obj, exclude),
    )  # fmt: skip


def school_year(day: dt.date) -> int:
    """The year the school year holding `day` began (it runs September to August)."""
    return day.year if day.month >= 9 else day.year - 1


def _staff_id(school_id, raw, errors, key, message):
    pk = inputs.parse_id(raw)
    if pk is not None and school_staff(school_id).filter(pk=pk).exists():
        return pk
    errors[key] = message
    return None


# --- Appraisal ------------------------------------------------------------------------


def appraisal_start(*, actor, school_id: int, appraisee_id, year) -> Appraisal:
    """Open a person's appraisal for a school year, with its three stages (the line
    manager or the head/admin)."""
    errors: dict[str, str] = {}
    person = _staff_id(
        school_id, appraisee_id, errors, "appraisee_id", "Choose a member of this school's staff."
    )
    if person is not None:
        if person == actor.pk:
            errors["appraisee_id"] = "Your own appraisal is opened by your line manager."
        elif not (
            capabilities.can(actor, school_id, rules.APPRAISE_ALL)
            or rules.is_line_manager(actor, school_id, person)
        ):
            errors["appraisee_id"] = "You can open appraisals only for the people you manage."
    this_year = school_year(timezone.localdate())
    if not inputs.whole(year) or year not in (this_year - 1, this_year, this_year + 1):
        errors["year"] = "Choose last, this or next school year."
    if (
        not errors
        and Appraisal.objects.filter(school_id=school_id, appraisee_id=person, year=year).exists()
    ):
        errors["appraisee_id"] = "This person already has an appraisal for that year."
    if errors:
        raise ServiceError(errors)
    now = timezone.now()
    with transaction.atomic():
        appraisal = Appraisal.objects.create(
            school_id=school_id, appraisee_id=person, year=year, started_by=actor, started_at=now
        )
        _audit(actor, CREATE, appraisal, school_id)
        Review.objects.bulk_create(
            Review(appraisal=appraisal, stage=stage, updated_at=now) for stage in Review.Stage
        )
    return appraisal


def _role_in(actor, appraisal) -> str:
    """'appraisee' or 'manager'; Http404 for anyone else (who cannot see it either)."""
    if actor.pk == appraisal.appraisee_id:
        return "appraisee"
    if rules.may_manage(actor, appraisal):
        return "manager"
    raise Http404


def _locked(review) -> None:
    if review.signed_off:
        raise ServiceError(
            {"__all__": f"The {review.get_stage_display().lower()} is signed off by both and "
             "fixed: correct it with an amendment, which keeps what it said."},
            status=409,
        )  # fmt: skip


def _fresh(review) -> Review:
    """Inside the transaction: lock the appraisal's row, then read the stage again. Every
    write to an appraisal (edit, sign, amend, re-confirm) takes this lock first, so a
    sign-off and an edit cannot interleave: what "signed off" says here is what the write
    sees, not what the page saw when it was loaded."""
    list(Appraisal.objects.select_for_update().filter(pk=review.appraisal_id).values("pk"))
    fresh = Review.objects.get(pk=review.pk)
    fresh.appraisal = review.appraisal
    return fresh


def _unsign(review) -> list[str]:
    """A change to a stage that one of them had signed: the signature no longer covers
    what it says, so it is taken off (they sign again)."""
    if review.appraisee_signed_at or review.manager_signed_at:
        review.appraisee_signed_at = review.manager_signed_at = review.manager_signed_by = None
        return ["appraisee_signed_at", "manager_signed_at", "manager_signed_by"]
    return []


def objective_add(*, actor, appraisal, text, success_criteria="", area, standards=""):
    """Add an objective while the start of the year is not yet signed off by both."""
    _role_in(actor, appraisal)
    start = appraisal.reviews.get(stage=Review.Stage.START)
    _locked(start)
    errors: dict[str, str] = {}
    text, success_criteria, area, standards = _objective_values(
        text, success_criteria, area, standards, errors
    )
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        start = _fresh(start)
        _locked(start)
        objective = Objective.objects.create(
            appraisal=appraisal, text=text, success_criteria=success_criteria, area=area,
            standards=standards, added_by=actor, added_at=timezone.now(),
        )  # fmt: skip
        _audit(actor, CREATE, objective, appraisal.school_id)
        changed = _unsign(start)
        if changed:
            start.updated_at = timezone.now()
            start.save(update_fields=[*changed, "updated_at"])
    return objective


def _objective_values(text, success_criteria, area, standards, errors) -> tuple:
    text = inputs.text(text, "text", errors, limit=300, required="Write the objective.")
    success_criteria = inputs.text(success_criteria, "success_criteria", errors, limit=2000)
    if area not in AREA_KEYS:
        errors["area"] = "Choose the area of the standards it belongs to."
    return text, success_criteria, area, _standards(standards, errors)


def _standards(raw, errors) -> str:
    """'2.1, 3.4' from what was typed ('2.1 3.4', '2.1,3.4'): each one of 1.1 to 4.6."""
    raw = inputs.text(raw, "standards", errors, limit=80)
    found = [part for part in raw.replace(",", " ").replace(";", " ").split() if part]
    unknown = [part for part in found if part not in ALL_STANDARDS]
    if unknown:
        errors["standards"] = (
            f"{', '.join(unknown[:3])}: the Teaching Assistant Standards run from 1.1 to 4.6."
        )
    return ", ".join(dict.fromkeys(found))


def _review_values(role, review, data, errors) -> dict:
    """The stage's fields this person may write, checked: {field: value}."""
    values = {}
    if role == "appraisee":
        values["own_review"] = inputs.text(
            data.get("own_review"), "own_review", errors, limit=TEXT_LIMIT
        )
        return values
    held_on = data.get("held_on")
    if held_on is not None:
        year = review.appraisal.year
        if not inputs.is_date(held_on):
            errors["held_on"] = "Give the date of the meeting as day, month and year."
        elif held_on > timezone.localdate():
            errors["held_on"] = "Record the meeting once it has been held."
        elif not dt.date(year, 8, 1) <= held_on <= dt.date(year + 1, 8, 31):
            errors["held_on"] = f"The meeting falls outside the {review.appraisal.year_label} year."
        elif held_on.isoweekday() > 5:
            errors["held_on"] = "That is a weekend: give the school day it was held."
    values["held_on"] = held_on
    for name in ("summary", "cpd_plan"):
        values[name] = inputs.text(data.get(name), name, errors, limit=TEXT_LIMIT)
    return values


def _judgements(data, errors) -> dict:
    """{area: (band, comment)} for the areas given a band; '' leaves an area unjudged."""
    found = {}
    for area in AREA_KEYS:
        band = data.get(f"band_{area}") or ""
        comment = inputs.text(data.get(f"comment_{area}"), f"comment_{area}", errors, limit=2000)
        if band and band not in BAND_KEYS:
            errors[f"band_{area}"] = "Choose a band from the descriptors."
        elif comment and not band:
            errors[f"band_{area}"] = "Choose the band this comment explains."
        elif band:
            found[area] = (band, comment)
    return found


def review_save(*, actor, review, data: dict) -> Review:
    """Save one stage: the appraisee's own review, or the line manager's date of the
    meeting, summary, CPD plan and a judgement per area (`band_<area>`, `comment_<area>`).
    A signature already given is taken off when anything changes."""
    appraisal = review.appraisal
    role = _role_in(actor, appraisal)
    _locked(review)
    errors: dict[str, str] = {}
    values = _review_values(role, review, data, errors)
    judgements = _judgements(data, errors) if role == "manager" else None
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        review = _fresh(review)
        _locked(review)
        before = snapshot(review)
        changed = [name for name, value in values.items() if getattr(review, name) != value]
        for name in changed:
            setattr(review, name, values[name])
        if judgements is not None and _write_judgements(actor, review, judgements):
            changed.append("judgements")
        if changed:
            fields = [n for n in changed if n != "judgements"] + _unsign(review)
            review.updated_at = timezone.now()
            review.save(update_fields=[*fields, "updated_at"])
            _audit(actor, UPDATE, review, appraisal.school_id, before=before)
    return review


def _write_judgements(actor, review, wanted) -> bool:
    held = {j.area: j for j in review.judgements.all()}
    changed = False
    for area in AREA_KEYS:
        row, want = held.get(area), wanted.get(area)
        if row and not want:
            before = snapshot(row)
            row.delete()
            row.pk = before["id"]
            _audit(actor, DELETE, row, review.appraisal.school_id, before=before, after={})
        elif want and not row:
            row = Judgement.objects.create(review=review, area=area, band=want[0], comment=want[1])
            _audit(actor, CREATE, row, review.appraisal.school_id)
        elif want and (row.band, row.comment) != want:
            before = snapshot(row)
            row.band, row.comment = want
            row.save(update_fields=["band", "comment"])
            _audit(actor, UPDATE, row, review.appraisal.school_id, before=before)
        else:
            continue
        changed = True
    return changed


def review_sign(*, actor, review) -> Review:
    """Sign a stage, as the appraisee or as the line manager. The stage needs its meeting
    date (and, at the start, an objective; at the end, a judgement in every area). Once
    both have signed it is fixed."""
    appraisal = review.appraisal
    role = _role_in(actor, appraisal)
    with transaction.atomic():
        review = _fresh(review)
        _locked(review)
        _check_signable(role, review)
        before = snapshot(review)
        now = timezone.now()
        if role == "appraisee":
            review.appraisee_signed_at = now
            fields = ["appraisee_signed_at"]
        else:
            review.manager_signed_at, review.manager_signed_by = now, actor
            fields = ["manager_signed_at", "manager_signed_by"]
        review.save(update_fields=fields)
        _audit(actor, UPDATE, review, appraisal.school_id, before=before)
    return review


def _check_signable(role, review) -> None:
    appraisal = review.appraisal
    errors = {}
    if review.held_on is None:
        errors["held_on"] = "The line manager records the date of the meeting before signing."
    if review.stage == Review.Stage.START and not appraisal.objectives.exists():
        errors["__all__"] = "Agree at least one objective before signing the start of the year."
    if review.stage == Review.Stage.END and review.judgements.count() < len(AREA_KEYS):
        errors["__all__"] = "Judge every area against the band descriptors before signing."
    if role == "appraisee" and review.appraisee_signed_at:
        errors["__all__"] = "You have already signed this stage."
    if role == "manager" and review.manager_signed_at:
        errors["__all__"] = "This stage is already signed for the line manager."
    if errors:
        raise ServiceError(errors)


def review_amend(*, actor, review, reason, data: dict) -> ReviewAmendment:
    """Correct a stage both have signed: each person their own part (the line manager also
    the judgement per area, `band_<area>` and `comment_<area>`), with a reason. The old
    values stay in the amendment (and the audit rows); the other party is asked to
    re-confirm their sign-off (review_confirm)."""
    appraisal = review.appraisal
    role = _role_in(actor, appraisal)
    errors: dict[str, str] = {}
    reason = inputs.text(reason, "reason", errors, limit=300, required="Say why it is corrected.")
    offered = {k: v for k, v in data.items() if k in (*APPRAISEE_FIELDS, *MANAGER_FIELDS)}
    values = _review_values(role, review, offered, errors)
    values = {k: v for k, v in values.items() if k in offered}
    judged = any(k.startswith("band_") for k in data)
    wanted = _judgements(data, errors) if role == "manager" and judged else None
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        review = _fresh(review)
        if not review.signed_off:
            raise ServiceError({"__all__": "This stage is not signed off yet: change it directly."})
        before = snapshot(review)
        changes = {k: [inputs.plain(getattr(review, k)), inputs.plain(v)]
                   for k, v in values.items() if getattr(review, k) != v}  # fmt: skip
        if wanted is not None:
            changes.update(_amend_judgements(actor, review, wanted))
        if not changes:
            raise ServiceError({"__all__": "Nothing is different from what was signed."})
        for name in values:
            if name in changes:
                setattr(review, name, values[name])
        review.updated_at = timezone.now()
        review.save(update_fields=[*(k for k in values if k in changes), "updated_at"])
        return _amendment(actor, review, reason, changes, review, before)


def _amendment(actor, review, reason, changes, obj, before) -> ReviewAmendment:
    """The amendment row of `review` and the audit row of what it changed (`obj`, whose
    values before are `before`), in the caller's transaction."""
    amendment = ReviewAmendment.objects.create(
        review=review, amended_by=actor, amended_at=timezone.now(), reason=reason,
        changes=changes,
    )  # fmt: skip
    _audit(actor, AMEND, obj, review.appraisal.school_id, before=before)
    return amendment


def judgement_words(band: str, comment: str) -> str:
    """A judgement as the amendment keeps it: "Band 2: comment"."""
    if not band:
        return ""
    label = dict(BANDS)[band]
    return f"{label}: {comment}" if comment else label


def _amend_judgements(actor, review, wanted) -> dict:
    """Write the judgements of a signed-off stage that differ, auditing each as an
    amendment, and return {"judgement:<area>": [old, new]}. A judgement both signed can be
    changed but not taken away: the stage stays complete."""
    held = {j.area: j for j in review.judgements.all()}
    changes = {}
    for area in AREA_KEYS:
        row, want = held.get(area), wanted.get(area)
        if row and not want:
            raise ServiceError({f"band_{area}": "A signed-off judgement can be changed, not "
                                "removed: choose the band it should be."})  # fmt: skip
        if want is None or (row and (row.band, row.comment) == want):
            continue
        old = judgement_words(row.band, row.comment) if row else ""
        if row:
            before = snapshot(row)
            row.band, row.comment = want
            row.save(update_fields=["band", "comment"])
            _audit(actor, AMEND, row, review.appraisal.school_id, before=before)
        else:
            row = Judgement.objects.create(review=review, area=area, band=want[0], comment=want[1])
            _audit(actor, CREATE, row, review.appraisal.school_id)
        changes[f"judgement:{area}"] = [old, judgement_words(*want)]
    return changes


OBJECTIVE_FIELDS = ("text", "success_criteria", "area", "standards")


def objective_amend(*, actor, objective, reason, text, success_criteria="", area,
                    standards="") -> ReviewAmendment:  # fmt: skip
    """Correct an objective agreed and signed off at the start of the year (the line
    manager or head, with a reason). The amendment belongs to the start of the year, which
    the objectives were signed with; the appraisee is asked to re-confirm."""
    appraisal = objective.appraisal
    if _role_in(actor, appraisal) != "manager":
        raise ServiceError(
            {"__all__": "Objectives are corrected by the line manager: ask them, giving why."},
            status=403,
        )
    errors: dict[str, str] = {}
    reason = inputs.text(reason, "reason", errors, limit=300, required="Say why it is corrected.")
    values = _objective_values(text, success_criteria, area, standards, errors)
    wanted = dict(zip(OBJECTIVE_FIELDS, values, strict=True))
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        start = _fresh(appraisal.reviews.get(stage=Review.Stage.START))
        if not start.signed_off:
            raise ServiceError({"__all__": "The objectives are not signed off yet: agree them "
                                "at the start-of-year meeting."})  # fmt: skip
        objective = Objective.objects.get(pk=objective.pk)
        areas = dict(AREAS)
        changes = {}
        for name, value in wanted.items():
            old = getattr(objective, name)
            if old != value:
                shown = (areas[old], areas[value]) if name == "area" else (old, value)
                changes[f"objective:{objective.pk}:{name}"] = list(shown)
        if not changes:
            raise ServiceError({"__all__": "Nothing is different from what was signed."})
        before = snapshot(objective)
        for name, value in wanted.items():
            setattr(objective, name, value)
        objective.save(update_fields=list(OBJECTIVE_FIELDS))
        return _amendment(actor, start, reason, changes, objective, before)


def confirms(amendment, appraisee_id) -> str:
    """Whose sign-off an amendment asks to be given again: the appraisee's when the line
    manager's side made it, the line manager's side when the appraisee did."""
    return "manager" if amendment.amended_by_id == appraisee_id else "appraisee"


def review_confirm(*, actor, review) -> list[AmendmentConfirmation]:
    """Give one's sign-off again after the other party amended a signed-off stage: every
    amendment of theirs not yet re-confirmed is."""
    appraisal = review.appraisal
    role = _role_in(actor, appraisal)
    with transaction.atomic():
        review = _fresh(review)
        waiting = [
            a for a in review.amendments.filter(confirmation__isnull=True)
            if confirms(a, appraisal.appraisee_id) == role
        ]  # fmt: skip
        if not waiting:
            raise ServiceError({"__all__": "Nothing here is waiting for your re-confirmation."})
        now = timezone.now()
        done = []
        for amendment in waiting:
            row = AmendmentConfirmation.objects.create(
                amendment=amendment, confirmed_by=actor, confirmed_at=now
            )
            _audit(actor, CREATE, row, appraisal.school_id)
            done.append(row)
    return done


# --- Certificates ---------------------------------------------------------------------

CERTIFICATE_MAX = 5 * 1024 * 1024
# What a certificate may be, told by its first bytes (not by the name or the browser's
# word for it): a PDF, or a photo or scan of the paper one.
SIGNATURES = {b"%PDF-": "application/pdf", b"\x89PNG\r\n\x1a\n": "image/png",
              b"\xff\xd8\xff": "image/jpeg"}  # fmt: skip


def _sniff(head: bytes) -> str:
    for magic, content_type in SIGNATURES.items():
        if head.startswith(magic):
            return content_type
    return ""


def certificate_upload(*, actor, training, upload) -> Certificate:
    """Keep the certificate of a training record (the person, or the SENCO/head who keeps
    the register); a new one replaces the old, which the audit row remembers."""
    if not rules.may_keep_training(actor, training.user_id):
        raise Http404
    errors = {}
    data = b""
    if upload is None:
        errors["file"] = "Choose the certificate file."
    elif upload.size > CERTIFICATE_MAX:
        errors["file"] = "The file is larger than 5 MB: scan it at a lower resolution or as a PDF."
    else:
        data = upload.read()
        if not data:
            errors["file"] = "The file is empty."
    content_type = _sniff(data[:8]) if data else ""
    if data and not content_type:
        errors["file"] = "Upload a PDF, PNG or JPEG file."
    if errors:
        raise ServiceError(errors)
    name = (
        inputs.search_text(getattr(upload, "name", ""), limit=150).replace("/", "_")
        or "certificate"
    )
    school_id = _school_for_audit(actor, training.user_id)
    with transaction.atomic():
        old = Certificate.objects.filter(training=training).first()
        before = snapshot(old, exclude=("data",)) if old else None
        cert = old or Certificate(training=training)
        cert.name, cert.content_type, cert.size = name, content_type, len(data)
        cert.sha256, cert.data = hashlib.sha256(data).hexdigest(), data
        cert.uploaded_by, cert.uploaded_at = actor, timezone.now()
        cert.save()
        _audit(actor, UPDATE if old else CREATE, cert, school_id, before=before,
               exclude=("data",))  # fmt: skip
    return cert


def _school_for_audit(actor, person_id) -> int:
    """The school whose trail records a change to a person's own training or CPD: one
    where the actor works that the person does too, else the actor's first."""
    return rules.school_of(actor, person_id)


# --- CPD log --------------------------------------------------------------------------


def _hours(raw, errors, key="hours", required=True):
    if raw in (None, ""):
        if required:
            errors[key] = "Give the hours, e.g. 1.5."
        return None
    try:
        value = decimal.Decimal(str(raw))
    except (decimal.InvalidOperation, ValueError):
        errors[key] = "Give the hours as a number, e.g. 1.5."
        return None
    if not value.is_finite() or value <= 0 or value > 200:
        errors[key] = "Give between 0.25 and 200 hours."
        return None
    if value != value.quantize(decimal.Decimal("0.01")):
        errors[key] = "Give the hours to two decimal places at most."
        return None
    return value


def _past_date(value, key, errors, what):
    if not inputs.is_date(value):
        errors[key] = f"Give the date {what} as day, month and year."
    elif value > timezone.localdate():
        errors[key] = "That date is in the future: record it once it has happened."
    elif value < timezone.localdate() - dt.timedelta(days=365 * 20):
        errors[key] = "Check the year: that is more than 20 years ago."


def cpd_add(*, actor, user_id, what, done_on, hours, reflection="") -> CpdEntry:
    """Add a line to a person's CPD log (the person, or the SENCO/head)."""
    user_id = inputs.parse_id(user_id)
    if user_id is None or not rules.may_keep_training(actor, user_id):
        raise Http404
    errors: dict[str, str] = {}
    what = inputs.text(what, "what", errors, limit=200, required="Say what the CPD was.")
    _past_date(done_on, "done_on", errors, "it was done")
    hours = _hours(hours, errors)
    reflection = inputs.text(reflection, "reflection", errors, limit=TEXT_LIMIT)
    if errors:
        raise ServiceError(errors)
    school_id = _school_for_audit(actor, user_id)
    with transaction.atomic():
        entry = CpdEntry.objects.create(
            school_id=school_id, user_id=user_id, what=what, done_on=done_on, hours=hours,
            reflection=reflection, recorded_by=actor, recorded_at=timezone.now(),
        )  # fmt: skip
        _audit(actor, CREATE, entry, school_id)
    return entry


# --- Required training per post ----------------------------------------------------------


def required_add(*, actor, school_id: int, post, kind) -> RequiredTraining:
    capabilities.require(actor, school_id, "oversee")
    errors = {}
    if post not in StaffMember.Post.values:
        errors["post"] = "Choose the post."
    if kind not in Training.Kind.values:
        errors["kind"] = "Choose the training."
    if (
        not errors
        and RequiredTraining.objects.filter(school_id=school_id, post=post, kind=kind).exists()
    ):
        errors["kind"] = "That post already requires that training."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        rule = RequiredTraining.objects.create(
            school_id=school_id, post=post, kind=kind, set_by=actor, set_at=timezone.now()
        )
        _audit(actor, CREATE, rule, school_id)
    return rule


def required_remove(*, actor, school_id: int, rule_id) -> None:
    capabilities.require(actor, school_id, "oversee")
    rule = RequiredTraining.objects.filter(school_id=school_id, pk=rules._pk(rule_id)).first()
    if rule is None:
        raise Http404
    with transaction.atomic():
        before = snapshot(rule)
        rule.delete()
        rule.pk = before["id"]
        _audit(actor, DELETE, rule, school_id, before=before, after={})


# --- Induction ------------------------------------------------------------------------


def induction_start(*, actor, school_id: int, user_id, mentor_id, started_on) -> Induction:
    """Start a new member of staff's induction with a mentor and the checklist (SENCO,
    head)."""
    capabilities.require(actor, school_id, "oversee")
    errors: dict[str, str] = {}
    person = _staff_id(school_id, user_id, errors, "user_id", "Choose the new member of staff.")
    mentor = _staff_id(school_id, mentor_id, errors, "mentor_id", "Choose a mentor from the staff.")
    if person and person == mentor:
        errors["mentor_id"] = "A mentor is someone other than the new member of staff."
    if not inputs.is_date(started_on):
        errors["started_on"] = "Give the date they started as day, month and year."
    elif abs((started_on - timezone.localdate()).days) > 366:
        errors["started_on"] = "Give a start date within a year of today."
    if person and Induction.objects.filter(school_id=school_id, user_id=person).exists():
        errors["user_id"] = "This person already has an induction here."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        induction = Induction.objects.create(
            school_id=school_id, user_id=person, mentor_id=mentor, started_on=started_on,
            created_by=actor, created_at=timezone.now(),
        )  # fmt: skip
        _audit(actor, CREATE, induction, school_id)
        InductionItem.objects.bulk_create(
            InductionItem(induction=induction, text=text, order=n)
            for n, text in enumerate(INDUCTION_ITEMS, start=1)
        )
    return induction


def may_tick(actor, induction) -> bool:
    return actor.pk == induction.mentor_id or capabilities.can(
        actor, induction.school_id, "oversee"
    )


def induction_tick(*, actor, item, done: bool) -> InductionItem:
    """Tick an item off (or untick one ticked by mistake): the mentor, SENCO or head."""
    induction = item.induction
    if not may_tick(actor, induction):
        raise Http404
    if bool(item.done_on) == done:
        return item
    with transaction.atomic():
        before = snapshot(item)
        if done:
            item.done_on, item.done_by = timezone.localdate(), actor
        else:
            item.done_on = item.done_by = None
        item.save(update_fields=["done_on", "done_by"])
        _audit(actor, UPDATE, item, induction.school_id, before=before)
    return item
