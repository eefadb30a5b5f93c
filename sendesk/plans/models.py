import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from sendesk.pupils.models import Pupil


class TimelineKind(models.TextChoices):
    """The timeline lines plans write (PlansConfig.timeline_kinds)."""

    PLAN = "plan", "Plan"
    TARGET = "target", "Target"


class PlanQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Plan.Status.ACTIVE)


class Plan(models.Model):
    class Kind(models.TextChoices):
        IEP = "iep", "Individual education plan"
        IBP = "ibp", "Individual behaviour plan"
        PSP = "psp", "Pastoral support plan"
        EHCP = "ehcp", "EHC plan"
        PROFILE = "profile", "Pupil profile"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="plans")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    start_date = models.DateField(null=True, blank=True)
    review_date = models.DateField(
        null=True, blank=True, help_text="When the plan is next reviewed."
    )
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            # One plan of each kind in force at a time; older ones are closed, not edited.
            models.UniqueConstraint(
                fields=["pupil", "kind"],
                condition=Q(status="active"),
                name="plan_one_active_per_kind",
            ),
        ]
        indexes = [
            # SENCO overview: "plans due for review", active plans by review date.
            models.Index(fields=["status", "review_date"], name="plan_review_idx"),
        ]

    def __str__(self):
        return self.title


class Outcome(models.Model):
    """An outcome (EHC plan section E): what the pupil will achieve by the end of a phase."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["order", "id"]


class TargetQuerySet(models.QuerySet):
    def in_force(self):
        """Targets being worked on: open, on a plan that is active."""
        return self.filter(plan__status=Plan.Status.ACTIVE, status=Target.Status.OPEN)


class Target(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Working towards"
        ACHIEVED = "achieved", "Achieved"
        PARTLY = "partly", "Partly achieved"
        NOT_ACHIEVED = "not_achieved", "Not achieved"
        DROPPED = "dropped", "Discontinued"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    outcome = models.ForeignKey(
        Outcome, null=True, blank=True, on_delete=models.SET_NULL, related_name="targets"
    )
    text = models.CharField(
        max_length=300, help_text="The SMART target, as the pupil's adults say it."
    )
    baseline = models.TextField(blank=True, help_text="Where the pupil is now.")
    success_criteria = models.TextField(blank=True, help_text="How we will know it is achieved.")
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    order = models.PositiveSmallIntegerField(default=1)

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["order", "text"]

    def __str__(self):
        return self.text
