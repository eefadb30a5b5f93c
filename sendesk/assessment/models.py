import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from sendesk.plans.models import Outcome
from sendesk.provision.models import Measure, Provision
from sendesk.pupils.models import Pupil
from sendesk.schools.models import School


class TimelineKind(models.TextChoices):
    """The timeline lines this app writes (AssessmentConfig.timeline_kinds)."""

    ASSESSMENT = "assessment", "Assessment"
    ENGAGEMENT = "engagement", "Engagement Model observation"
    ASSESSMENT_CORRECTED = "assessment_corrected", "Assessment corrected"


class Assessment(models.Model):
    """One score: a pupil's entry or exit score on an intervention's measure, or the result
    of a routine test (a spelling test, times tables, a phonics check). Evidence: changed
    only through an AssessmentAmendment (score, date, note), never deleted."""

    class Kind(models.TextChoices):
        ENTRY = "entry", "Entry score"
        EXIT = "exit", "Exit score"
        ROUTINE = "routine", "Routine test"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="assessments")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="assessments")
    provision = models.ForeignKey(
        Provision, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    score = models.DecimalField(max_digits=7, decimal_places=1)
    date = models.DateField()
    # A routine test's own name ("Spelling test, week 6"); optional.
    test_name = models.CharField(max_length=100, blank=True)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["date", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["entry", "exit", "routine"]), name="assessment_kind_known"
            ),
            # Entry and exit scores belong to an intervention; a routine test may not.
            models.CheckConstraint(
                condition=Q(kind="routine") | Q(provision__isnull=False),
                name="assessment_entry_exit_has_provision",
            ),
            # One entry and one exit score per pupil and intervention: a second is a
            # correction (an amendment), not another row.
            models.UniqueConstraint(
                fields=["pupil", "provision", "kind"],
                condition=Q(kind__in=["entry", "exit"]),
                name="assessment_one_entry_exit",
            ),
        ]
        indexes = [
            models.Index(fields=["pupil", "measure", "date"], name="assessment_trend_idx"),
            models.Index(fields=["provision", "kind"], name="assessment_provision_idx"),
        ]


class AssessmentAmendment(models.Model):
    """A correction to a saved score: who, when, why, and each old and new value."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="amendments")
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField()
    reason = models.CharField(max_length=300)
    changes = models.JSONField(help_text="{field: [old, new]}")

    class Meta:
        ordering = ["amended_at", "id"]


class EngagementArea(models.TextChoices):
    """The Engagement Model's five areas (Standards and Testing Agency, 2020)."""

    EXPLORATION = "exploration", "Exploration"
    REALISATION = "realisation", "Realisation"
    ANTICIPATION = "anticipation", "Anticipation"
    PERSISTENCE = "persistence", "Persistence"
    INITIATION = "initiation", "Initiation"


AREA_HINTS = {
    "exploration": "Is the pupil curious about a new activity or stimulus?",
    "realisation": "Does the pupil do something new with it, or show they understand?",
    "anticipation": "Does the pupil predict, expect or show they know what comes next?",
    "persistence": "Does the pupil keep trying, to find out more or to finish?",
    "initiation": "Does the pupil start something, or act to get what they want?",
}

# The scale a school uses until it chooses its own: how established an area is.
DEFAULT_SCALE = ["Fleeting", "Emerging", "Developing", "Established", "Generalised"]


class EngagementScale(models.Model):
    """The scale a school chose for how established each area is, lowest first."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="+")
    levels = models.JSONField(help_text="The level names, lowest first: 3 to 7 of them.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField()


class EngagementObservation(models.Model):
    """An Engagement Model observation: the activity, what was seen in each area and how
    established it is. Evidence: never edited in place, never deleted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(
        Pupil, on_delete=models.PROTECT, related_name="engagement_observations"
    )
    observed_at = models.DateTimeField()
    activity = models.CharField(max_length=200)
    # The scale's level names when it was recorded, so a later change of scale never
    # rewrites what an old observation said.
    scale = models.JSONField()
    outcomes = models.ManyToManyField(Outcome, blank=True, related_name="+")
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-observed_at"]
        indexes = [models.Index(fields=["pupil", "observed_at"], name="engagement_pupil_idx")]


class EngagementEntry(models.Model):
    """One area of an observation: the level (1 = the scale's lowest) and what was seen."""

    observation = models.ForeignKey(
        EngagementObservation, on_delete=models.PROTECT, related_name="entries"
    )
    area = models.CharField(max_length=20, choices=EngagementArea.choices)
    level = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["observation", "area"], name="engagement_area_once"),
            models.CheckConstraint(
                condition=Q(area__in=EngagementArea.values), name="engagement_area_known"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=7), name="engagement_level_range"
            ),
        ]
