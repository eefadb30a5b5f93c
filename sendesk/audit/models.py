from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """A change to pupil data: who, when, what, before and after. Written by the service
    that makes the change, in the same transaction, so there is no change without its row."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        AMEND = "amend", "Amended"

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(
        "pupils.Pupil", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["pupil", "-at"], name="audit_pupil_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=["create", "update", "delete", "amend"]),
                name="audit_action_known",
            )
        ]


class AccessEvent(models.Model):
    """Someone looked at a pupil's records. Answers 'who has viewed this pupil' and
    subject access requests."""

    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=100, help_text="The page or endpoint, e.g. 'pupil page'.")
    via = models.CharField(max_length=10, default="web", choices=[("web", "Web"), ("api", "API")])

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["pupil", "-at"], name="access_pupil_idx")]
