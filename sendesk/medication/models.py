"""Medication: individual healthcare plans, medicines, and every dose given, refused or not
given. Administrations are evidence: corrections are care Amendments, nothing is deleted
(DfE, "Supporting pupils at school with medical conditions").

These models moved here from the care app; their tables keep the care_ names they were
created with (db_table), so moving them copied no data and the evidence triggers on
care_administration still stand."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property

from sendesk.care.models import Consent
from sendesk.consent import selectors as consent_selectors
from sendesk.plans.models import Plan
from sendesk.pupils.models import Pupil
from sendesk.schools.models import School
from sendesk.staff.models import Training


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
        db_table = "care_healthcareplan"
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
    # An emergency (an asthma attack, a seizure, anaphylaxis): the plan's emergency dose is
    # given as the plan says, not by the routine interval and daily maximum, and recorded
    # as an emergency that the SENCO and the parents are told of.
    emergency_use = models.BooleanField(
        "May be given in an emergency",
        default=False,
        help_text="The healthcare plan says to give it in an emergency, e.g. an asthma attack.",
    )
    emergency_dose = models.CharField(
        "Emergency dose",
        max_length=200,
        blank=True,
        help_text="As the plan says: '1 puff every 30 to 60 seconds, up to 10 puffs'.",
    )
    emergency_limit = models.PositiveSmallIntegerField(
        "Most units in one emergency",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Puffs or doses in one emergency before 999 must be called, e.g. 10.",
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
        db_table = "care_medicine"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(as_needed=True) | ~Q(times=[]), name="medicine_has_schedule"
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.strength}"

    # Issue 11: the parent's consent to a medicine lives in the consent app (kind
    # medication, ref "medicine:<id>", or the parent's general answer), where a parent can
    # withdraw it; consent_by/consent_on/consent_document stay as the paper form's copy,
    # typed on the medicine form, and are read by no rule.
    @property
    def consent_ref(self) -> str:
        return f"medicine:{self.pk}"

    @staticmethod
    def load_consent(medicines) -> None:
        """Answer has_consent for a list of medicines in one query (lists, not one each)."""
        medicines = list(medicines)
        given = consent_selectors.given_refs(
            "medication", [(m.pupil_id, m.consent_ref) for m in medicines]
        )
        for m in medicines:
            m.__dict__["has_consent"] = (m.pupil_id, m.consent_ref) in given

    @cached_property
    def has_consent(self) -> bool:
        """Whether the parent's decision in force today is 'given'. One query, once."""
        return consent_selectors.allows(self.pupil_id, "medication", ref=self.consent_ref)


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
    # An emergency dose (Medicine.emergency_use): given as the plan's emergency steps say,
    # outside the routine interval; `units` is how many puffs or doses in the run.
    emergency = models.BooleanField(default=False)
    units = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Emergency: puffs or doses given in the run."
    )
    what_happened = models.TextField(blank=True, help_text="Emergency: what happened, in order.")
    called_999 = models.BooleanField("999 called", default=False)
    parent_called = models.BooleanField("Parent or carer called", default=False)
    # Where the dose was given when it was not at school (an educational visit: the trip's
    # destination); empty means at school. Shown on the MAR beside the dose.
    place = models.CharField(
        "Where given", max_length=200, blank=True, help_text="Empty when given at school."
    )
    # A dose actually given is always recorded: what an emergency broke (past the plan's
    # limit without 999, no witness for a controlled drug, expired, no consent...) is
    # flagged for the SENCO to check, never a reason to lose the record. Each flag is
    # {"rule": code, "words": plain English}.
    flags = models.JSONField(default=list, blank=True)
    # When the SENCO and the parents were e-mailed about an emergency dose; empty until
    # the mail server took the messages (the task retries).
    notified_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    # Issue 13: given on a device without the network, so no rule could stop it. Every
    # rule is checked when it arrives (synced_at); what it broke is kept here in words and
    # raised to the SENCO and the giver: the dose was given, so it is never refused.
    # Empty for an offline dose that broke nothing (confirmed on arrival).
    given_offline = models.BooleanField(default=False)
    offline_problem = models.TextField(
        blank=True, help_text="Given offline: the rules it broke, found when it arrived."
    )
    synced_at = models.DateTimeField(
        null=True, blank=True, help_text="Given offline: when it reached the server."
    )

    class Meta:
        db_table = "care_administration"
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
            # An emergency dose is given, answers no scheduled slot, says how much and what
            # happened.
            models.CheckConstraint(
                condition=Q(emergency=False)
                | Q(outcome="given", due_at__isnull=True, units__gte=1, what_happened__gt=""),
                name="administration_emergency",
            ),
        ]
        indexes = [
            # Dose-window checks: the latest doses of a medicine.
            models.Index(fields=["medicine", "-given_at"], name="admin_medicine_idx"),
            models.Index(fields=["pupil", "-given_at"], name="admin_pupil_idx"),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} {self.given_at:%d %b %H:%M}"
