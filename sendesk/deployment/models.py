"""Deployment: the school day's duty posts and class timetable, staff absence, and the
weekly plan that puts an adult with each promised hour (made by the planner, adjusted by
hand through pins, published by the SENCO)."""

import math

from django.conf import settings
from django.db import models
from django.db.models import Q

from sendesk.provision.models import Provision
from sendesk.pupils.models import Pupil
from sendesk.schools.models import Period, School, TeachingGroup


class DutyPost(models.Model):
    """A place that needs adults at break or lunch: the playground, the dining hall."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="duty_posts")
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="dutypost_unique_name")
        ]

    def __str__(self):
        return self.name


class DutyNeed(models.Model):
    """How many adults a duty post needs in one period (a break or lunch of one weekday)."""

    post = models.ForeignKey(DutyPost, on_delete=models.CASCADE, related_name="needs")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="duty_needs")
    adults = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "period"], name="dutyneed_unique"),
            models.CheckConstraint(condition=Q(adults__gte=1), name="dutyneed_adults"),
        ]


class GroupLesson(models.Model):
    """Where a teaching group is, and what it does, in one lesson period: 1:1 in-class
    support follows the pupil's class here."""

    teaching_group = models.ForeignKey(
        TeachingGroup, on_delete=models.CASCADE, related_name="lessons"
    )
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="group_lessons")
    subject = models.CharField(max_length=60, help_text="'Maths', 'PE'")
    room = models.CharField(max_length=60, blank=True, help_text="'Class 3A', 'Hall'")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["teaching_group", "period"], name="grouplesson_unique")
        ]


class StaffAbsence(models.Model):
    """A member of staff away for a day (or part of one). A teacher's absence leaves their
    class needing cover supervision. The planner re-plans the day around it."""

    class Reason(models.TextChoices):
        SICKNESS = "sickness", "Sickness"
        TRAINING = "training", "Training or course"
        APPOINTMENT = "appointment", "Appointment"
        TRIP = "trip", "On an educational visit"
        OTHER = "other", "Other"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff_absences")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    reason = models.CharField(max_length=12, choices=Reason.choices)
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "date"], name="staffabsence_one_per_day")
        ]


class Plan(models.Model):
    """One run of the planner for a school week (or a re-plan of one day of it). Kept, so
    that plans can be compared; one plan per week is published and drives My day and the
    deployment scope."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="deployment_plans")
    week_start = models.DateField(help_text="The Monday of the week.")
    # A day's re-plan (absence and cover) starts from the published plan and changes one day.
    day = models.DateField(null=True, blank=True)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    optimal = models.BooleanField(default=False)
    objective = models.BigIntegerField(null=True, blank=True)
    bound = models.BigIntegerField(null=True, blank=True)
    solve_seconds = models.FloatField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One published plan per school week: what My day and the scope follow.
            models.UniqueConstraint(
                fields=["school", "week_start"],
                condition=Q(status="published"),
                name="plan_one_published_per_week",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="plan_published_when",
            ),
        ]

    @property
    def gap(self) -> float | None:
        """At most how far (a fraction) the plan falls below the best possible: the bound
        is the week's (see solver), so 0.001 means no plan could be more than 0.1 % better."""
        if self.bound is None or self.objective is None:
            return None
        return round(max(0, self.bound - self.objective) / max(1, abs(self.bound)), 5)

    @property
    def gap_words(self) -> str:
        """The gap for the page: "0.2 %", or "0.1 %" when smaller (never "0.0 %")."""
        return f"{max(0.1, math.ceil((self.gap or 0) * 1000) / 10):.1f} %"


class Assignment(models.Model):
    """One adult in one place for one stretch of one day of a plan."""

    class Kind(models.TextChoices):
        SUPPORT = "support", "1:1 support"
        GROUP = "group", "Group or intervention"
        DUTY = "duty", "Break or lunch duty"
        COVER = "cover", "Cover supervision"
        BREAK = "break", "Own break"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="assignments")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    period = models.ForeignKey(Period, null=True, blank=True, on_delete=models.PROTECT)
    start = models.TimeField()
    end = models.TimeField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    provision = models.ForeignKey(
        Provision, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    pupils = models.ManyToManyField(Pupil, blank=True, related_name="+")
    duty_post = models.ForeignKey(DutyPost, null=True, blank=True, on_delete=models.PROTECT)
    teaching_group = models.ForeignKey(
        TeachingGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set by hand by the SENCO or a line manager: the planner keeps it as it is.
    pinned = models.BooleanField(default=False)

    class Meta:
        ordering = ["date", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="assignment_times"),
            models.CheckConstraint(
                condition=~Q(kind="duty") | Q(duty_post__isnull=False),
                name="assignment_duty_has_post",
            ),
        ]
        indexes = [models.Index(fields=["plan", "staff", "date"], name="assignment_staff_idx")]


class Unmet(models.Model):
    """Promised minutes a plan could not staff, with the rule that stopped it, so nothing is
    dropped silently."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="unmet")
    # Empty for a scheduled medicine dose with no trained adult, a duty post or a cover.
    provision = models.ForeignKey(
        Provision, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Empty for a duty post or a class's cover left without adults: nobody's provision,
    # but listed all the same, never dropped.
    pupil = models.ForeignKey(
        Pupil, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    date = models.DateField(null=True, blank=True)
    minutes = models.PositiveIntegerField()
    rule = models.CharField(max_length=30, help_text="Machine name of the rule: 'medication'.")
    reason = models.CharField(max_length=300, help_text="Plain words: who, what, when.")

    class Meta:
        ordering = ["date"]


class PlannerSettings(models.Model):
    """A school's settings for the deployment planner. No row: the defaults."""

    DEFAULT_MAX_ADULTS = 4

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="+")
    max_adults_per_pupil = models.PositiveSmallIntegerField(
        default=DEFAULT_MAX_ADULTS,
        help_text="The most adults who support one pupil in a week (continuity).",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(max_adults_per_pupil__gte=1), name="plannersettings_max_adults"
            )
        ]
