import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class SubjectAccessRequest(models.Model):
    """A person asked for everything the school holds about them (or their child), under
    the UK GDPR's right of access: one month to answer. The row is the log the DPO is asked
    for: who asked, about whom, when it was received, what was decided and when it went."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Being gathered"
        READY = "ready", "Ready to check"
        FAILED = "failed", "Could not be gathered"
        RELEASED = "released", "Released"

    class Safeguarding(models.TextChoices):
        # A pupil's safeguarding record goes only when the DSL decides it may.
        PENDING = "pending", "Waiting for the DSL's decision"
        INCLUDE = "include", "Included by the DSL's decision"
        EXCLUDE = "exclude", "Left out by the DSL's decision"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    # About a pupil or about a member of staff: exactly one of the two.
    pupil = models.ForeignKey(
        "pupils.Pupil", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    requester = models.CharField(
        max_length=200, help_text="Who asked, as they signed it, e.g. 'Mrs J Brown (mother)'."
    )
    received_on = models.DateField()
    deadline = models.DateField(help_text="One calendar month from the day it was received.")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    safeguarding = models.CharField(
        max_length=10, choices=Safeguarding.choices, default=Safeguarding.PENDING
    )
    safeguarding_reason = models.TextField(blank=True)
    safeguarding_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    safeguarding_at = models.DateTimeField(null=True, blank=True)
    # Words and names (one an item) removed from the download before release: other
    # people's data the requester has no right to.
    redactions = models.JSONField(default=list, blank=True)
    # Other people's names found in the last download that are not yet redacted.
    suggested = models.JSONField(default=list, blank=True)
    # Relative to settings.RECORDS_DIR; written by the server.
    pdf_name = models.CharField(max_length=100, blank=True)
    json_name = models.CharField(max_length=100, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pupil__isnull=False, staff__isnull=True)
                | Q(pupil__isnull=True, staff__isnull=False),
                name="sar_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("received_on")), name="sar_deadline_after"
            ),
        ]

    def __str__(self):
        return f"Subject access request {self.pk}"

    @property
    def about_pupil(self) -> bool:
        return self.pupil_id is not None

    def subject_name(self) -> str:
        if self.pupil_id is not None:
            p = self.pupil
            return f"{p.legal_first_name} {p.legal_last_name}"
        return self.staff.full_name or self.staff.email
