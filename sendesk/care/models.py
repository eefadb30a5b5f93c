"""Care and health: individual healthcare plans, medicines and every dose given, refused or
not given, intimate and personal care, moving and handling, and the equipment it needs.
Administrations and care events are evidence: corrections are Amendments, nothing is
deleted (DfE, "Supporting pupils at school with medical conditions")."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from sendesk.plans.models import Plan
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


class HealthcarePlan(Consent):
    """An individual healthcare plan (IHCP)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="healthcare_plans")
    ehc_plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The EHC plan this healthcare plan belongs to, where there is one.",
    )  # fmt: skip
    conditions = models.TextField(help_text="The medical condition(s), in plain words.")
    triggers = models.TextField(blank=True)
    signs = models.TextField("Signs and symptoms", blank=True)
    daily_care = models.TextField("Daily care needs", blank=True)
    emergency = models.TextField("What to do in an emergency")
    who_to_call = models.TextField("Who to call", help_text="Names, roles and numbers, in order.")
    review_date = models.DateField()
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Healthcare plan: {self.conditions[:60]}"


class Medicine(Consent):
    """A medicine the school holds and gives for one pupil."""

    class Form(models.TextChoices):
        TABLET = "tablet", "Tablet or capsule"
        LIQUID = "liquid", "Liquid"
        INHALER = "inhaler", "Inhaler"
        INJECTION = "injection", "Injection / auto-injector"
        BUCCAL = "buccal", "Buccal (inside the cheek)"
        CREAM = "cream", "Cream or ointment"
        DROPS = "drops", "Drops"
        OTHER = "other", "Other"

    class Route(models.TextChoices):
        ORAL = "oral", "By mouth"
        INHALED = "inhaled", "Inhaled"
        BUCCAL = "buccal", "Buccal"
        TOPICAL = "topical", "On the skin"
        INJECTION = "injection", "Injection"
        EYE_EAR = "eye_ear", "Eye or ear"
        GASTROSTOMY = "gastrostomy", "Through a gastrostomy"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="medicines")
    healthcare_plan = models.ForeignKey(
        HealthcarePlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="medicines"
    )
    name = models.CharField(max_length=150)
    form = models.CharField(max_length=12, choices=Form.choices)
    strength = models.CharField(max_length=60, help_text="'100 micrograms per puff'")
    dose = models.CharField(max_length=60, help_text="As the label says: '2 puffs', '5 ml'.")
    dose_units = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="How many stock units one dose uses (puffs, tablets, doses).",
    )
    route = models.CharField(max_length=12, choices=Route.choices)
    # Schedule: fixed times, "as needed", or both.
    times = models.JSONField(
        default=list, blank=True, help_text="Fixed times of day, 'HH:MM', e.g. ['12:15']."
    )
    as_needed = models.BooleanField("As needed (PRN)", default=False)
    as_needed_when = models.CharField(
        max_length=200, blank=True, help_text="When to give it: 'wheeze, cough or tight chest'."
    )
    min_interval_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="The least time between two doses."
    )
    max_per_24h = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The most doses in any 24 hours."
    )
    storage = models.CharField("Where it is kept", max_length=150)
    expiry_date = models.DateField()
    stock = models.PositiveIntegerField(help_text="Units held now (puffs, tablets, doses).")
    low_stock_at = models.PositiveIntegerField(default=10, help_text="Warn at or below this.")
    controlled = models.BooleanField(
        "Controlled drug", default=False, help_text="A second adult witnesses every dose."
    )
    training = models.CharField(
        max_length=30,
        choices=Training.Kind.choices,
        default=Training.Kind.MEDICATION,
        help_text="The training a person needs, current on the day, to give it.",
    )
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(as_needed=True) | ~Q(times=[]), name="medicine_has_schedule"
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.strength}"


class Administration(models.Model):
    """One dose given, refused or not given. `due_at` names the scheduled dose it answers
    (null for an as-needed dose); a scheduled dose is answered once: a unique constraint,
    so two people recording it at once cannot both succeed."""

    class Outcome(models.TextChoices):
        GIVEN = "given", "Given"
        REFUSED = "refused", "Refused"
        NOT_GIVEN = "not_given", "Not given"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="administrations")
    medicine = models.ForeignKey(Medicine, on_delete=models.PROTECT, related_name="administrations")
    due_at = models.DateTimeField(null=True, blank=True)
    given_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    dose = models.CharField(max_length=60)
    reason = models.CharField(max_length=300, blank=True, help_text="Why refused or not given.")
    reactions = models.TextField(blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["medicine", "due_at"],
                condition=Q(due_at__isnull=False),
                name="administration_one_per_due_dose",
            ),
            models.CheckConstraint(
                condition=Q(outcome="given") | ~Q(reason=""), name="administration_reason"
            ),
        ]
        indexes = [
            # Dose-window checks: the latest doses of a medicine.
            models.Index(fields=["medicine", "-given_at"], name="admin_medicine_idx"),
            models.Index(fields=["pupil", "-given_at"], name="admin_pupil_idx"),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} {self.given_at:%d %b %H:%M}"


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
