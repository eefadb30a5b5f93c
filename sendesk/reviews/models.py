"""Review meetings of a pupil's plan: termly for SEN support, annual for an EHC plan (with
the statutory timeline of reviews.statutory), the views gathered before the meeting, who
came, the progress recorded against each outcome and target, and what was decided.

A decision is applied through plans' and provision's services (reviews.services), so the
targets and provision it creates or closes are ordinary records of those apps, linked here.
A held review is the record of a meeting: it is not edited afterwards (services refuse)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from sendesk.plans.models import Outcome, Plan, Target
from sendesk.provision.models import Provision
from sendesk.pupils.models import Pupil
from sendesk.schools.models import School


class TimelineKind(models.TextChoices):
    """The timeline lines reviews write (ReviewsConfig.timeline_kinds)."""

    REVIEW = "review", "Review"


class ReviewMeeting(models.Model):
    class Kind(models.TextChoices):
        TERMLY = "termly", "Termly review"
        ANNUAL = "annual", "Annual review"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The school, copied from the pupil, so the SENCO's list of steps due reads one table.
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="review_meetings")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="review_meetings")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    date = models.DateField(help_text="The day of the meeting.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    # The statutory steps, each the day it was done (None: not yet).
    invitations_sent_on = models.DateField(null=True, blank=True)
    papers_sent_on = models.DateField(null=True, blank=True)
    report_sent_on = models.DateField(
        null=True, blank=True, help_text="The day the report went to the local authority."
    )
    # The record of the meeting.
    summary = models.TextField(blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["termly", "annual"]), name="review_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "held", "cancelled"]),
                name="review_status_known",
            ),
            # A report goes to the local authority after the meeting, never before.
            models.CheckConstraint(
                condition=Q(report_sent_on__isnull=True) | Q(report_sent_on__gte=F("date")),
                name="review_report_after_meeting",
            ),
            models.CheckConstraint(
                condition=Q(next_review_date__isnull=True) | Q(next_review_date__gt=F("date")),
                name="review_next_after_this",
            ),
            # A held review has its record: who wrote it and when.
            models.CheckConstraint(
                condition=~Q(status="held") | Q(recorded_at__isnull=False),
                name="review_held_is_recorded",
            ),
            # One meeting a day per plan: a second one is the same meeting typed twice.
            models.UniqueConstraint(
                fields=["plan", "date"],
                condition=~Q(status="cancelled"),
                name="review_one_per_plan_day",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status", "date"], name="review_school_due_idx"),
            models.Index(fields=["pupil", "-date"], name="review_pupil_idx"),
        ]


class ReviewView(models.Model):
    """A view gathered for the review: the pupil's (in their words, with pictures), the
    parent's (from the parent pages), the teacher's, the TA's, or an agency's advice.
    One per author and kind: written again, it replaces the words (audited) until the
    meeting is held; then it is kept as it was."""

    class Kind(models.TextChoices):
        PUPIL = "pupil", "The pupil's view"
        PARENT = "parent", "The parent's view"
        TEACHER = "teacher", "The teacher's view"
        TA = "ta", "The teaching assistant's view"
        AGENCY = "agency", "Advice from an agency"

    review = models.ForeignKey(ReviewMeeting, on_delete=models.PROTECT, related_name="views")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Who wrote it down (the parent themselves, or the adult who sat with the pupil).
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Whose view it is, as the pack names them: "Ben", "Mrs Brown (Mother)", "Educational
    # psychologist, Dr Khan".
    author = models.CharField(max_length=120)
    # {prompt key: answer}; the prompts are reviews.prompts' for the kind. A pupil's
    # picture answers are a feeling key (reviews.prompts.FEELINGS).
    answers = models.JSONField(default=dict)
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "written_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["pupil", "parent", "teacher", "ta", "agency"]),
                name="reviewview_kind_known",
            ),
            models.UniqueConstraint(
                fields=["review", "kind", "written_by", "author"], name="reviewview_one_each"
            ),
        ]


class ReviewAttendee(models.Model):
    review = models.ForeignKey(ReviewMeeting, on_delete=models.PROTECT, related_name="attendees")
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=120, help_text="'Parent', 'Class teacher', 'EP', …")
    attended = models.BooleanField(default=True, help_text="False: sent apologies or advice.")

    class Meta:
        ordering = ["-attended", "pk"]


class ReviewProgress(models.Model):
    """What the meeting said about progress on one target (or outcome)."""

    review = models.ForeignKey(ReviewMeeting, on_delete=models.PROTECT, related_name="progress")
    outcome = models.ForeignKey(Outcome, null=True, blank=True, on_delete=models.PROTECT)
    target = models.ForeignKey(Target, null=True, blank=True, on_delete=models.PROTECT)
    text = models.TextField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__isnull=True) ^ Q(target__isnull=True),
                name="reviewprogress_one_subject",
            ),
            models.UniqueConstraint(fields=["review", "target"], name="reviewprogress_target"),
            models.UniqueConstraint(fields=["review", "outcome"], name="reviewprogress_outcome"),
        ]


class ReviewDecision(models.Model):
    """What the meeting decided, and the records it made or closed through the plans and
    provision services (target/provision: the record decided about; new_target /
    new_provision: the record the decision made)."""

    class Kind(models.TextChoices):
        ACHIEVED = "achieved", "Target achieved"
        CONTINUED = "continued", "Target continued"
        CHANGED = "changed", "Target changed"
        NEW = "new", "New target"
        PROVISION_CHANGED = "provision_changed", "Provision changed"
        PROVISION_ENDED = "provision_ended", "Provision stopped"
        PROVISION_NEW = "provision_new", "New provision"

    TARGET_KINDS = ("achieved", "continued", "changed")
    PROVISION_KINDS = ("provision_changed", "provision_ended")

    review = models.ForeignKey(ReviewMeeting, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    target = models.ForeignKey(
        Target, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provision = models.ForeignKey(
        Provision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    new_target = models.ForeignKey(
        Target, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    new_provision = models.ForeignKey(
        Provision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["achieved", "continued", "changed"], target__isnull=False)
                | Q(kind__in=["provision_changed", "provision_ended"], provision__isnull=False)
                | Q(kind="new", new_target__isnull=False)
                | Q(kind="provision_new", new_provision__isnull=False),
                name="reviewdecision_has_subject",
            ),
            # One decision about each target and each provision at a meeting.
            models.UniqueConstraint(fields=["review", "target"], name="reviewdecision_target"),
            models.UniqueConstraint(
                fields=["review", "provision"], name="reviewdecision_provision"
            ),
        ]
