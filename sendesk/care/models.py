"""Care: intimate and personal care, moving and handling, and the equipment it needs.
Care events are evidence: corrections are Amendments (one table for care events and,
from the medication app, doses), nothing is deleted. Consent is shared with medication."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from sendesk.pupils.models import Pupil
from sendesk.schools.models import School
from sendesk.staff.models import Training


class Consent(models.Model):
    """Written parental consent: who gave it, when, and where the signed form is."""

    consent_by = models.CharField("Consent given by", max_length=150, blank=True)
    consent_on = models.DateField("Consent given on", null=True, blank=True)
    consent_document = models.CharField(
        "Consent form reference",
        max_length=200,
        blank=True,
        help_text="Where the signed form is kept, e.g. 'Medical file, form 2026-14'.",
    )

    class Meta:
        abstract = True

    @property
    def has_consent(self) -> bool:
        return bool(self.consent_by and self.consent_on)


class CarePlan(Consent):
    """Intimate and personal care, or moving and handling, for one pupil."""

    class Kind(models.TextChoices):
        TOILETING = "toileting", "Toileting and continence"
        STOMA = "stoma", "Stoma care"
        CATHETER = "catheter", "Catheter care"
        MENSTRUAL = "menstrual", "Menstrual care"
        DRESSING = "dressing", "Dressing"
        FEEDING = "feeding", "Eating and drinking"
        GASTROSTOMY = "gastrostomy", "Gastrostomy feeding"
        MOVING_HANDLING = "moving_handling", "Moving and handling"

    class Gender(models.TextChoices):
        ANY = "any", "No preference"
        FEMALE = "female", "Female staff"
        MALE = "male", "Male staff"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="care_plans")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=150)
    routine = models.TextField(help_text="What is done, how, and the pupil's preferences.")
    staff_required = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    gender_preference = models.CharField(max_length=10, choices=Gender.choices, default=Gender.ANY)
    # Moving and handling
    transfers = models.TextField(blank=True, help_text="Which transfers, and how.")
    equipment = models.ManyToManyField("Equipment", blank=True, related_name="care_plans")
    sling_size = models.CharField(max_length=20, blank=True)
    training = models.CharField(
        max_length=30, choices=Training.Kind.choices, default=Training.Kind.INTIMATE_CARE
    )
    review_date = models.DateField()
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(staff_required__gte=1, staff_required__lte=3), name="careplan_staff"
            ),
        ]

    def __str__(self):
        return self.title


class CareEvent(models.Model):
    """One care event: a change, a feed, a transfer. Refused at recording when it breaks the
    plan's staffing rule."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="care_events")
    care_plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(
        max_length=30, help_text="What was done: 'pad change', 'hoist transfer'."
    )
    occurred_at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    second_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    observations = models.TextField(blank=True, help_text="Skin condition, anything unusual.")
    products_used = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    # The plan asks for female (or male) staff and the school had not recorded the sex of
    # someone named: the person logging confirmed the plan's rule was kept. Shown on the
    # record so the SENCO can see where the staff record is missing.
    gender_confirmed = models.BooleanField(
        "Staff sex confirmed at logging",
        default=False,
        help_text="Not on the staff record: the person logging confirmed the plan's rule.",
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(second_staff__isnull=True) | ~Q(second_staff=models.F("by")),
                name="careevent_two_people",
            ),
        ]
        indexes = [models.Index(fields=["pupil", "-occurred_at"], name="careevent_pupil_idx")]

    def __str__(self):
        return f"{self.kind} {self.occurred_at:%d %b %H:%M}"


class Equipment(models.Model):
    """Moving-and-handling equipment and its statutory inspections (LOLER: lifting
    equipment such as hoists and slings every six months)."""

    class Kind(models.TextChoices):
        HOIST = "hoist", "Hoist"
        SLING = "sling", "Sling"
        STANDING_FRAME = "standing_frame", "Standing frame"
        WHEELCHAIR = "wheelchair", "Wheelchair"
        CHANGING_BED = "changing_bed", "Changing bed"
        OTHER = "other", "Other"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="equipment")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=150)
    serial = models.CharField(max_length=60, blank=True)
    location = models.CharField(max_length=100, blank=True)
    pupil = models.ForeignKey(
        Pupil, null=True, blank=True, on_delete=models.PROTECT, related_name="equipment",
        help_text="For equipment that belongs to one pupil (a personal sling).",
    )  # fmt: skip
    last_inspected = models.DateField()
    inspection_months = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    next_inspection = models.DateField(help_text="Set from the last inspection by the service.")
    in_service = models.BooleanField(default=True)

    class Meta:
        ordering = ["next_inspection"]
        verbose_name_plural = "equipment"
        indexes = [models.Index(fields=["school", "next_inspection"], name="equipment_due_idx")]

    def __str__(self):
        return self.name


class Amendment(models.Model):
    """A correction to an administration or a care event: who, when, why, old and new."""

    class Record(models.TextChoices):
        ADMINISTRATION = "administration", "Medicine record"
        CARE_EVENT = "care_event", "Care record"

    record_type = models.CharField(max_length=20, choices=Record.choices)
    record_id = models.UUIDField()
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField()
    reason = models.CharField(max_length=300)
    changes = models.JSONField()

    class Meta:
        ordering = ["amended_at", "id"]
        indexes = [models.Index(fields=["record_type", "record_id"], name="care_amend_idx")]
