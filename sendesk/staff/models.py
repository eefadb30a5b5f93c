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
