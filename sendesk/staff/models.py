from django.conf import settings
from django.db import models
from django.db.models import Q


class TrainingQuerySet(models.QuerySet):
    def current_on(self, day):
        return self.filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=day), completed_on__lte=day
        )


class Training(models.Model):
    """A course a staff member completed, with its expiry. Actions that need training
    (positive handling, medication, moving and handling …) check for a current record."""

    class Kind(models.TextChoices):
        POSITIVE_HANDLING = "positive_handling", "Positive handling (e.g. Team Teach)"
        FIRST_AID = "first_aid", "First aid"
        SAFEGUARDING = "safeguarding", "Safeguarding"
        MEDICATION = "medication", "Medication administration"
        MOVING_HANDLING = "moving_handling", "Moving and handling"
        INTIMATE_CARE = "intimate_care", "Intimate care"
        # Specific procedures, each trained for separately.
        BUCCAL_MIDAZOLAM = "buccal_midazolam", "Buccal midazolam"
        AUTO_INJECTOR = "auto_injector", "Adrenaline auto-injector"
        GASTROSTOMY = "gastrostomy", "Gastrostomy feeding"
        STOMA_CATHETER = "stoma_catheter", "Stoma and catheter care"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    course = models.CharField(max_length=200, blank=True, help_text="'Team Teach level 2'")
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True, help_text="Empty if it does not expire.")

    objects = TrainingQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("completed_on")),
                name="training_dates",
            )
        ]
        indexes = [models.Index(fields=["user", "kind", "expires_on"], name="training_current_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.completed_on:%b %Y})"


def training_status(user_ids, kind, day) -> dict:
    """{user_id: 'current' | 'expired' | 'none'} for `kind` on `day`. One query."""
    status = dict.fromkeys(user_ids, "none")
    for user_id, expires in Training.objects.filter(
        user_id__in=list(user_ids), kind=kind, completed_on__lte=day
    ).values_list("user_id", "expires_on"):
        if expires is None or expires >= day:
            status[user_id] = "current"
        elif status[user_id] != "current":
            status[user_id] = "expired"
    return status


class CareGender(models.Model):
    """A staff member's sex as the school records it for one purpose only: checking an
    intimate care plan that asks for female (or male) staff. Optional (no row means "not
    recorded"), set by the SENCO or head of the school, never shown anywhere else, and the
    only personal detail about staff the care pages keep."""

    class Gender(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    gender = models.CharField(max_length=6, choices=Gender.choices)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="caregender_one_per_school"),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.get_gender_display()}"


def care_genders(school_id, user_ids) -> dict:
    """{user_id: 'female' | 'male'} for those of `user_ids` recorded at the school; the
    others are not recorded. One query."""
    return dict(
        CareGender.objects.filter(school_id=school_id, user_id__in=list(user_ids)).values_list(
            "user_id", "gender"
        )
    )
