"""Behaviour: the IBP's triggers and agreed strategies, how well each strategy worked,
systematic observations, incidents (concerns and positive recognitions), and restrictive
interventions recorded to the 2025 regulations. Incidents, observations and restrictive
interventions are evidence: corrections are Amendments, nothing is deleted."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from sendesk.plans.models import Plan
from sendesk.pupils.models import Pupil, SenStatus
from sendesk.schools.models import School


class BehaviourPlan(models.Model):
    """What an IBP adds to a plan: what sets the pupil off, the early signs, what to avoid.
    The agreed strategies are BehaviourStrategy rows."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="behaviour")
    triggers = models.TextField(blank=True, help_text="What tends to lead to difficult moments.")
    early_signs = models.TextField(blank=True, help_text="What adults notice first.")
    avoid = models.TextField("What to avoid", blank=True)

    def __str__(self):
        return f"Behaviour plan: {self.plan}"


class BehaviourStrategy(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="behaviour_strategies")
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "behaviour strategies"

    def __str__(self):
        return self.text


class Effectiveness(models.IntegerChoices):
    DID_NOT_HELP = 1, "Didn't help"
    HELPED_A_LITTLE = 2, "Helped a little"
    WORKED_WELL = 3, "Worked well"


class ObservationMethod(models.TextChoices):
    ABC = "abc", "ABC (antecedent, behaviour, consequence)"
    FREQUENCY = "frequency", "Frequency count per interval"
    DURATION = "duration", "Duration recording"
    INTERVAL = "interval", "Interval sampling (on / off task)"


class Observation(models.Model):
    """A systematic observation made during a lesson, saved with its setting and a summary
    computed when it is saved (rate per hour, % on task, total duration)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="observations")
    method = models.CharField(max_length=12, choices=ObservationMethod.choices)
    behaviour = models.CharField(
        max_length=200,
        blank=True,
        help_text="The behaviour counted or timed ('calls out'); 'on task' for sampling.",
    )
    lesson = models.CharField(max_length=100, blank=True)
    activity = models.CharField(max_length=200, blank=True)
    staff_present = models.CharField(max_length=300, blank=True)
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    interval_seconds = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(5), MaxValueValidator(3600)]
    )
    notes = models.TextField(blank=True)
    # Summary, computed by the service from the entries when the observation is saved.
    event_count = models.PositiveIntegerField(default=0)
    rate_per_hour = models.FloatField(null=True, blank=True)
    total_duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    on_task_pct = models.FloatField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gte=models.F("started_at")), name="obs_times"
            ),
        ]
        indexes = [models.Index(fields=["pupil", "-started_at"], name="obs_pupil_idx")]

    def __str__(self):
        return f"{self.get_method_display()} {self.started_at:%d %b %H:%M}"

    @property
    def minutes(self):
        return round((self.ended_at - self.started_at).total_seconds() / 60)


class ObservationEntry(models.Model):
    observation = models.ForeignKey(Observation, on_delete=models.PROTECT, related_name="entries")
    seq = models.PositiveIntegerField(
        help_text="Order within the observation; the interval number."
    )
    at = models.DateTimeField()
    antecedent = models.TextField(blank=True)
    behaviour = models.TextField(blank=True)
    consequence = models.TextField(blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    on_task = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["observation", "seq"], name="obsentry_seq")]


class Incident(models.Model):
    class Kind(models.TextChoices):
        CONCERN = "concern", "Behaviour concern"
        POSITIVE = "positive", "Positive recognition"

    class Severity(models.IntegerChoices):
        LOW = 1, "Low"
        MEDIUM = 2, "Medium"
        HIGH = 3, "High"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="incidents")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CONCERN)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, null=True, blank=True)
    occurred_at = models.DateTimeField()
    location = models.CharField(max_length=100, blank=True)
    lesson = models.CharField(max_length=100, blank=True)
    others_involved = models.CharField(
        max_length=300,
        blank=True,
        help_text="Other people involved. Name other pupils by initials: this is this "
        "pupil's record.",
    )
    staff_present = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    antecedent = models.TextField("What happened before", blank=True)
    behaviour = models.TextField(help_text="What the pupil did (or, for a recognition, achieved).")
    response = models.TextField("How adults responded", blank=True)
    outcome = models.TextField(blank=True)
    injuries = models.TextField(blank=True, help_text="Injuries to anyone; empty if none.")
    follow_up = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["pupil", "-occurred_at"], name="incident_pupil_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_at:%d %b %H:%M}"


class StrategyUse(models.Model):
    """A TA's word on how well an agreed strategy worked, after an incident, a session or
    an observation. The SENCO sees, per pupil, which strategies work."""

    strategy = models.ForeignKey(BehaviourStrategy, on_delete=models.PROTECT, related_name="uses")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="strategy_uses"
    )
    session_pupil = models.ForeignKey(
        "provision.SessionPupil", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    observation = models.ForeignKey(
        Observation, null=True, blank=True, on_delete=models.PROTECT, related_name="strategy_uses"
    )
    effectiveness = models.PositiveSmallIntegerField(choices=Effectiveness.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(incident__isnull=False) | Q(session_pupil__isnull=False)
                | Q(observation__isnull=False),
                name="strategyuse_has_source",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["pupil", "strategy"], name="strategyuse_pupil_idx")]


class RestrictiveIntervention(models.Model):
    """A significant use of force, restraint or seclusion (Schools (Recording and Reporting
    of Seclusion and Restraint) Regulations 2025). Parents must be told: see
    ParentNotification; one not told by `notify_parent_by` is overdue."""

    class Kind(models.TextChoices):
        REASONABLE_FORCE = "reasonable_force", "Reasonable force"
        RESTRAINT = "restraint", "Restraint"
        SECLUSION = "seclusion", "Seclusion"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(
        Pupil, on_delete=models.PROTECT, related_name="restrictive_interventions"
    )
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="interventions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    pupil_sen_status = models.CharField(
        max_length=1, choices=SenStatus.choices,
        help_text="The pupil's SEN status at the time, filled in from the record.",
    )  # fmt: skip
    started_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    location = models.CharField(max_length=100)
    before = models.TextField("What happened before")
    deescalation = models.TextField("De-escalation tried")
    holds = models.TextField("Holds or kind of force used")
    reason = models.TextField("Why it was necessary")
    injuries_pupil = models.TextField("Injuries to the pupil", blank=True)
    injuries_staff = models.TextField("Injuries to staff or others", blank=True)
    support_after = models.TextField("Support given afterwards", blank=True)
    debrief = models.TextField(blank=True)
    debrief_on = models.DateField(null=True, blank=True)
    notify_parent_by = models.DateTimeField(
        help_text="Parents are told as soon as practicable: by the end of the next day at "
        "the latest."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="ri_duration_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["pupil", "-started_at"], name="ri_pupil_idx"),
            # The SENCO's list of parents not yet told, by deadline.
            models.Index(fields=["school", "notify_parent_by"], name="ri_notify_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_at:%d %b %Y %H:%M}"


class InterventionStaff(models.Model):
    class Part(models.TextChoices):
        LEAD = "lead", "Led the intervention"
        SUPPORT = "support", "Supported"
        WITNESS = "witness", "Witnessed"

    intervention = models.ForeignKey(
        RestrictiveIntervention, on_delete=models.PROTECT, related_name="staff"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    part = models.CharField(max_length=10, choices=Part.choices)

    class Training(models.TextChoices):
        CURRENT = "current", "Trained"
        EXPIRED = "expired", "Training expired"
        NONE = "none", "Not trained"

    training = models.CharField(
        max_length=10,
        choices=Training.choices,
        help_text="Positive-handling training status on the day, from the training records.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["intervention", "user"], name="ristaff_unique")
        ]


class ParentNotification(models.Model):
    class Method(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "Phone call"
        EMAIL = "email", "E-mail"
        LETTER = "letter", "Letter"

    intervention = models.ForeignKey(
        RestrictiveIntervention, on_delete=models.PROTECT, related_name="notifications"
    )
    notified_at = models.DateTimeField()
    method = models.CharField(max_length=10, choices=Method.choices)
    contact_name = models.CharField(max_length=150, help_text="Who was told.")
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["notified_at"]


class NotificationRetraction(models.Model):
    """A record of parents being told, withdrawn: entered against the wrong intervention,
    or it did not happen. The notification stays as it was written; once withdrawn it no
    longer counts, so the intervention shows as not told (and overdue) again."""

    notification = models.OneToOneField(
        ParentNotification, on_delete=models.PROTECT, related_name="retraction"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.CharField(max_length=300)


class Amendment(models.Model):
    """A correction to an incident, observation or restrictive intervention: who, when,
    why, and each field's old and new value (the first amendment's old values are the
    original record)."""

    class Record(models.TextChoices):
        INCIDENT = "incident", "Incident"
        OBSERVATION = "observation", "Observation"
        INTERVENTION = "intervention", "Restrictive intervention"

    record_type = models.CharField(max_length=20, choices=Record.choices)
    record_id = models.UUIDField()
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField()
    reason = models.CharField(max_length=300)
    changes = models.JSONField(help_text="{field: [old, new]}")

    class Meta:
        ordering = ["amended_at", "id"]
        indexes = [models.Index(fields=["record_type", "record_id"], name="amendment_record_idx")]
