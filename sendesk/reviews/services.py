"""Writes about reviews: scheduling a meeting, the statutory steps done, the views gathered,
the record of the meeting and its decisions. Each validates, writes, adds the pupil's
timeline line and the audit rows in one transaction, and raises a ServiceError (a message
per field) before anything is written.

Who: the SENCO and head run every review (capability run_reviews); a teacher or HLTA who
writes plans runs the termly reviews of the pupils in their scope. Anyone on the staff who
sees the pupil adds their own view, the pupil's and (the SENCO) an agency's; a parent adds
theirs from the parent pages. Decisions go through plans' and provision's services, so
the targets and provision a review makes are those apps' ordinary records."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from sendesk import access
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_pupil_change, snapshot
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.ids import parse_uuid
from sendesk.plans import services as plans
from sendesk.plans.models import Plan, Target
from sendesk.provision import services as provision_services
from sendesk.provision.models import Provision
from sendesk.pupils.timeline import timeline_add

from . import prompts
from .models import (
    ReviewAttendee,
    ReviewDecision,
    ReviewMeeting,
    ReviewProgress,
    ReviewView,
    TimelineKind,
)
from .statutory import add_year

RELATED = ("pupil", "pupil__school", "pupil__year_group", "plan", "created_by")
STEPS = {
    "invitations": "invitations_sent_on",
    "papers": "papers_sent_on",
    "report": "report_sent_on",
}
STAFF_VIEW_KINDS = ("pupil", "teacher", "ta", "agency")
# How far ahead a meeting may be booked: beyond a year is a typing slip.
FURTHEST = dt.timedelta(days=400)


def may_run(user, school_id: int, kind: str) -> bool:
    """Whether `user` runs reviews of this kind at the school (scope asked separately)."""
    if access.can(user, school_id, "run_reviews"):
        return True
    return kind == ReviewMeeting.Kind.TERMLY and access.can(user, school_id, "write_plans")


def get_review(user, pk) -> ReviewMeeting:
    """A review whose pupil `user` may see; Http404 otherwise, as if it did not exist."""
    return access.get_scoped(user, ReviewMeeting.objects.select_related(*RELATED), pk)


def _require_runner(actor, review_or_plan, kind):
    if not may_run(actor, review_or_plan.pupil.school_id, kind):
        raise Http404


def _in_scope(actor, pupil):
    if not access.visible_pupils(actor).filter(pk=pupil.pk).exists():
        raise Http404


def _timeline(review, actor, title):
    timeline_add(pupil=review.pupil, actor=actor, ref=review, kind=TimelineKind.REVIEW,
                 title=title)  # fmt: skip


# --- Scheduling -------------------------------------------------------------------------


def _check_schedule(plan, kind, date, today, errors):
    if kind not in ReviewMeeting.Kind.values:
        errors["kind"] = "Choose a termly review or an annual review."
    elif kind == ReviewMeeting.Kind.ANNUAL and plan.kind != Plan.Kind.EHCP:
        errors["kind"] = "Only an EHC plan has an annual review: choose a termly review."
    if plan.status != Plan.Status.ACTIVE:
        errors["plan_id"] = "Only a plan in force is reviewed: make it active first."
    if not isinstance(date, dt.date):
        errors["date"] = "Give the day of the meeting."
    elif plan.start_date and date < plan.start_date:
        errors["date"] = (
            f"The meeting can't be before the plan started ({plan.start_date:%-d %B %Y})."
        )
    elif date > today + FURTHEST:
        errors["date"] = "Book the meeting within the next year."


@transaction.atomic
def review_schedule(*, actor, plan: Plan, kind: str, date) -> ReviewMeeting:
    pupil = plan.pupil
    _in_scope(actor, pupil)
    # An unknown kind is asked as the least one (termly), so that its message is shown.
    _require_runner(actor, plan, kind if kind in ReviewMeeting.Kind.values else "termly")
    errors = {}
    _check_schedule(plan, kind, date, timezone.localdate(), errors)
    if not errors and (
        ReviewMeeting.objects.filter(plan=plan, date=date)
        .exclude(status=ReviewMeeting.Status.CANCELLED)
        .exists()
    ):
        errors["date"] = "This plan already has a review on that day."
    if errors:
        raise ServiceError(errors)
    review = ReviewMeeting.objects.create(
        school_id=pupil.school_id, pupil=pupil, plan=plan, kind=kind, date=date,
        created_by=actor,
    )  # fmt: skip
    record_pupil_change(actor, AuditEvent.Action.CREATE, review, pupil, after=snapshot(review))
    _timeline(review, actor, f"{review.get_kind_display()} booked for {date:%-d %B %Y}")
    return review


# --- The statutory steps ----------------------------------------------------------------


@transaction.atomic
def review_step(*, actor, review: ReviewMeeting, step: str, on) -> ReviewMeeting:
    """Record the day a step was done: invitations sent, papers sent, report sent."""
    _require_runner(actor, review, review.kind)
    review = ReviewMeeting.objects.select_for_update().select_related(*RELATED).get(pk=review.pk)
    today = timezone.localdate()
    field = STEPS.get(step)
    if field is None:
        raise ServiceError({"step": "Choose invitations, papers or the report."})
    if review.status == ReviewMeeting.Status.CANCELLED:
        raise ServiceError({"step": "This review was cancelled."})
    if not isinstance(on, dt.date):
        raise ServiceError({"on": "Give the day it was done."})
    if on > today:
        raise ServiceError({"on": "That day has not come yet: record a step once it is done."})
    if step == "report":
        if review.kind != ReviewMeeting.Kind.ANNUAL:
            raise ServiceError(
                {"step": "Only an annual review has a report to the local authority."}
            )
        if review.status != ReviewMeeting.Status.HELD:
            raise ServiceError({"step": "Record the meeting before sending its report."})
        if on < review.date:
            raise ServiceError({"on": "The report is sent after the meeting."})
    before = snapshot(review)
    setattr(review, field, on)
    review.save(update_fields=[field])
    record_pupil_change(
        actor, AuditEvent.Action.UPDATE, review, review.pupil, before=before, after=snapshot(review)
    )
    return review


# --- Views ------------------------------------------------------------------------------


def _clean_answers(kind, answers, errors) -> dict:
    out = {}
    if not isinstance(answers, dict):
        errors["answers"] = "Answers must be given prompt by prompt."
        return out
    for key, _question, _hint, _picture in prompts.BY_KIND[kind]:
        value = inputs.text(answers.get(key), key, errors, limit=prompts.ANSWER_MAX)
        if key == "feel" and value and value not in prompts.FEELINGS:
            errors[key] = "Choose one of the faces."
        if value:
            out[key] = value
    if not out and not errors:
        errors["__all__"] = "Write at least one answer before saving."
    return out


def _save_view(actor, review, kind, author, answers) -> ReviewView:
    errors = {}
    if review.status != ReviewMeeting.Status.PLANNED:
        raise ServiceError(
            {"__all__": "The meeting has been held: its views are kept as they were."}
        )
    author = inputs.text(author, "author", errors, limit=120, required="Say whose view this is.")
    clean = _clean_answers(kind, answers, errors)
    if errors:
        raise ServiceError(errors)
    view = ReviewView.objects.filter(
        review=review, kind=kind, written_by=actor, author=author
    ).first()
    now = timezone.now()
    if view is None:
        view = ReviewView.objects.create(
            review=review, kind=kind, written_by=actor, author=author, answers=clean,
            written_at=now,
        )  # fmt: skip
        record_pupil_change(
            actor, AuditEvent.Action.CREATE, view, review.pupil, after=snapshot(view)
        )
        _timeline(review, actor, f"{view.get_kind_display()} added for the review")
        return view
    before = snapshot(view)
    view.answers, view.written_at = clean, now
    view.save(update_fields=["answers", "written_at"])
    record_pupil_change(
        actor, AuditEvent.Action.UPDATE, view, review.pupil, before=before, after=snapshot(view)
    )
    return view


@transaction.atomic
def view_save(*, actor, review: ReviewMeeting, kind: str, author: str, answers: dict):
    """A staff member's view (teacher, TA), the pupil's as they told it, or an agency's
    advice (SENCO). The parent's comes through parent_view_save."""
    if kind not in STAFF_VIEW_KINDS:
        raise ServiceError({"kind": "Choose the pupil's, teacher's, TA's or an agency's view."})
    _in_scope(actor, review.pupil)
    if kind == "agency" and not may_run(actor, review.pupil.school_id, review.kind):
        raise Http404
    if not access.can(actor, review.pupil.school_id, "school_staff"):
        raise Http404
    return _save_view(actor, review, kind, author, answers)


@transaction.atomic
def parent_view_save(*, actor, review: ReviewMeeting, answers: dict) -> ReviewView:
    """A parent's view of their own child's review, from the parent pages."""
    link = review.pupil.parent_links.filter(user=actor, active=True).first()
    if link is None:
        raise Http404
    author = f"{actor.full_name} ({link.relationship})"
    return _save_view(actor, review, ReviewView.Kind.PARENT, author, answers)


# --- The record of the meeting -----------------------------------------------------------


def _clean_attendees(rows, errors) -> list[tuple[str, str, bool]]:
    out = []
    for i, row in enumerate(rows or []):
        name = inputs.text(row.get("name"), f"attendees.{i}.name", errors, limit=120)
        role = inputs.text(row.get("role"), f"attendees.{i}.role", errors, limit=120)
        if name or role:
            if not name:
                errors[f"attendees.{i}.name"] = "Give the person's name."
            out.append((name, role, bool(row.get("attended", True))))
    if not out and not errors:
        errors["attendees"] = "Say who came to the meeting."
    return out


def _clean_progress(review, progress, errors) -> dict:
    """{target: text} for the plan's targets only."""
    targets = {str(t.pk): t for t in review.plan.targets.all()}
    out = {}
    for key, text in (progress or {}).items():
        target = targets.get(str(key))
        if target is None:
            errors["progress"] = "Write progress only against this plan's targets."
            continue
        value = inputs.text(text, f"progress.{key}", errors, limit=prompts.ANSWER_MAX)
        if value:
            out[target] = value
    return out


RECOMMENDATIONS = {
    "": "",
    "maintain": "Keep the EHC plan as it is",
    "amend": "Amend the EHC plan",
    "cease": "Stop the EHC plan (needs met without it)",
}


@transaction.atomic
def review_record(*, actor, review: ReviewMeeting, data: dict) -> ReviewMeeting:
    """The meeting was held: who came, progress on each target, a summary, the plan's next
    review date (set on the plan through plans' service). Kept as it was afterwards."""
    _require_runner(actor, review, review.kind)
    review = ReviewMeeting.objects.select_for_update().select_related(*RELATED).get(pk=review.pk)
    if review.status != ReviewMeeting.Status.PLANNED:
        raise ServiceError({"__all__": "This review is already recorded (or was cancelled)."})
    errors = {}
    today = timezone.localdate()
    if review.date > today:
        errors["__all__"] = "The meeting is on a later day: record it once it has been held."
    summary = inputs.text(data.get("summary"), "summary", errors, limit=10_000)
    recommendation = data.get("recommendation") or ""
    if recommendation not in RECOMMENDATIONS or (
        recommendation and review.kind != ReviewMeeting.Kind.ANNUAL
    ):
        errors["recommendation"] = "Choose keep, amend or stop the EHC plan."
    next_date = data.get("next_review_date")
    if not isinstance(next_date, dt.date):
        errors["next_review_date"] = "Give the date of the next review."
    elif next_date <= review.date:
        errors["next_review_date"] = "The next review is after this one."
    elif review.kind == ReviewMeeting.Kind.ANNUAL and next_date > add_year(review.date):
        errors["next_review_date"] = "The next annual review is within 12 months of this one."
    attendees = _clean_attendees(data.get("attendees"), errors)
    progress = _clean_progress(review, data.get("progress"), errors)
    if errors:
        raise ServiceError(errors)
    before = snapshot(review)
    review.summary = summary
    if recommendation:
        summary_line = RECOMMENDATIONS[recommendation]
        review.summary = f"Recommendation: {summary_line}.\n\n{summary}".strip()
    review.next_review_date = next_date
    review.status = ReviewMeeting.Status.HELD
    review.recorded_by, review.recorded_at = actor, timezone.now()
    review.save()
    ReviewAttendee.objects.bulk_create(
        ReviewAttendee(review=review, name=n, role=r, attended=a) for n, r, a in attendees
    )
    ReviewProgress.objects.bulk_create(
        ReviewProgress(review=review, target=t, text=text) for t, text in progress.items()
    )
    after = {
        **snapshot(review),
        "attendees": [list(a) for a in attendees],
        "progress": {str(t.pk): text for t, text in progress.items()},
    }
    record_pupil_change(actor, AuditEvent.Action.UPDATE, review, review.pupil, before=before,
                        after=after)  # fmt: skip
    if review.plan.status != Plan.Status.CLOSED:
        plans.plan_update(actor=actor, plan=review.plan, data={"review_date": next_date})
    _timeline(review, actor, f"{review.get_kind_display()} held; next review {next_date:%-d %B %Y}")
    return review


# --- Decisions ----------------------------------------------------------------------------


def _decision_subject(review, kind, target_id, provision_id):
    """The plan's target or the pupil's provision the decision is about (None for new)."""
    if kind in ReviewDecision.TARGET_KINDS:
        target = Target.objects.filter(pk=parse_uuid(target_id), plan=review.plan).first()
        if target is None:
            raise ServiceError({"target_id": "Choose one of this plan's targets."})
        if target.status != Target.Status.OPEN:
            raise ServiceError({"target_id": "This target is already closed."})
        return target, None
    if kind in ReviewDecision.PROVISION_KINDS:
        provision = Provision.objects.filter(
            pk=parse_uuid(provision_id), pupil=review.pupil
        ).first()
        if provision is None:
            raise ServiceError({"provision_id": "Choose one of the pupil's provisions."})
        if provision.end and provision.end < review.date:
            raise ServiceError({"provision_id": "This provision had already stopped."})
        return None, provision
    return None, None


def _new_target(actor, review, target, data):
    """A target added to the reviewed plan (a changed target keeps its outcome)."""
    text = data.get("text") or ""
    return plans.target_add(
        actor=actor,
        plan=review.plan,
        data={
            "text": text,
            "outcome": target.outcome if target is not None else data.get("outcome"),
            "success_criteria": data.get("success_criteria") or "",
            "target_date": data.get("target_date"),
        },
    )


def _provision_data(old: Provision, data: dict, start: dt.date, plan: Plan) -> dict:
    """A provision's fields from the decision form, the old provision's where not given."""
    ehcp = plan.kind == Plan.Kind.EHCP
    base = {"source": Provision.Source.EHCP_F if ehcp else Provision.Source.SEN_SUPPORT,
            "days": "12345", "plan": plan}  # fmt: skip
    if old is not None:
        base = {
            "title": old.title, "description": old.description, "kind": old.kind,
            "source": old.source, "days": old.days, "group_size": old.group_size,
            "staffing": old.staffing, "staffing_notes": old.staffing_notes,
            "cost_per_hour": old.cost_per_hour,
        }  # fmt: skip
    amount = {k: data.get(k) for k in ("sessions_per_week", "session_minutes", "hours_per_week")}
    given = {k: v for k, v in data.items() if v not in (None, "") and k in (
        "title", "kind", "source", "days")}  # fmt: skip
    if old is not None and len(old.days) == amount["sessions_per_week"]:
        given.pop("days", None)  # the same number of sessions: on the same days as before
    return {**base, **given, **amount, "start": start, "plan": plan}


def _apply(actor, review, kind, target, provision, data):
    """The records the decision makes or closes, through the plans and provision services.
    Returns (new target, new provision)."""
    on = max(review.date, timezone.localdate())
    if kind == "achieved":
        plans.target_update(actor=actor, target=target, data={"status": Target.Status.ACHIEVED})
    elif kind == "changed":
        # The old wording is kept as evidence (partly achieved); the new one carries on.
        new = _new_target(actor, review, target, data)
        plans.target_update(actor=actor, target=target, data={"status": Target.Status.PARTLY})
        return new, None
    elif kind == "new":
        return _new_target(actor, review, None, data), None
    elif kind == "provision_ended":
        provision_services.provision_end(actor=actor, provision=provision, end=on)
    elif kind in ("provision_changed", "provision_new"):
        new = provision_services.provision_create(
            actor=actor,
            pupil=review.pupil,
            data=_provision_data(provision, data, on, review.plan),
            targets=list(provision.targets.all()) if provision is not None else [],
        )
        if provision is not None:
            end = max(on - dt.timedelta(days=1), provision.start)
            provision_services.provision_end(actor=actor, provision=provision, end=end)
        return None, new
    return None, None


@transaction.atomic
def review_decide(*, actor, review: ReviewMeeting, kind: str, data: dict) -> ReviewDecision:
    """What the meeting decided about a target or a provision, or something new. Made on
    the day of the meeting or after, until the report has gone."""
    _require_runner(actor, review, review.kind)
    if not access.can(actor, review.pupil.school_id, "write_plans"):
        raise Http404
    review = ReviewMeeting.objects.select_for_update().select_related(*RELATED).get(pk=review.pk)
    if kind not in ReviewDecision.Kind.values:
        raise ServiceError({"kind": "Choose what was decided."})
    if review.status == ReviewMeeting.Status.CANCELLED or review.date > timezone.localdate():
        raise ServiceError({"__all__": "Decisions are made at the meeting: on its day or after."})
    if review.report_sent_on:
        raise ServiceError(
            {"__all__": "The report has gone to the local authority: no more decisions."}
        )
    errors = {}
    note = inputs.text(data.get("note"), "note", errors, limit=300)
    if errors:
        raise ServiceError(errors)
    target, provision = _decision_subject(
        review, kind, data.get("target_id"), data.get("provision_id")
    )
    taken = ReviewDecision.objects.filter(review=review)
    if target is not None and taken.filter(target=target).exists():
        raise ServiceError({"target_id": "A decision about this target is already recorded."})
    if provision is not None and taken.filter(provision=provision).exists():
        raise ServiceError({"provision_id": "A decision about this provision is already recorded."})
    try:
        with transaction.atomic():
            new_target, new_provision = _apply(actor, review, kind, target, provision, data)
            decision = ReviewDecision.objects.create(
                review=review, kind=kind, target=target, provision=provision,
                new_target=new_target, new_provision=new_provision, note=note,
                decided_by=actor, decided_at=timezone.now(),
            )  # fmt: skip
    except IntegrityError:
        raise ServiceError({"__all__": "That decision is already recorded."}) from None
    record_pupil_change(actor, AuditEvent.Action.CREATE, decision, review.pupil,
                        after=snapshot(decision))  # fmt: skip
    return decision
