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


class RetentionSetting(models.Model):
    """A school's own retention choices. Medication and care records have no national
    period: the school sets one (years after the pupil's date of birth); until the head
    does, DEFAULT_CARE_YEARS (25, as the IRMS toolkit's medical records in school)."""

    DEFAULT_CARE_YEARS = 25

    school = models.OneToOneField(
        "schools.School", on_delete=models.PROTECT, related_name="+", primary_key=True
    )
    care_years = models.PositiveSmallIntegerField(default=DEFAULT_CARE_YEARS)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(care_years__gte=1, care_years__lte=100), name="retention_care_years"
            )
        ]


class LegalHold(models.Model):
    """A pupil's records must not be disposed of (a claim, an inquiry, a court's order):
    who placed it, when and why; lifted with a reason, never deleted while the pupil is
    there. While one is active the disposal service refuses that pupil."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")  # fmt: skip
    placed_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(lifted_at__isnull=True), name="one_active_hold"
            )
        ]


class SafeguardingReview(models.Model):
    """The DSL's decision when a pupil's safeguarding record reaches its date: dispose of
    it (the head or DPO then confirms the disposal), or keep it until a later date with a
    reason. Never automatic: the safeguarding record is listed as due only for review."""

    class Decision(models.TextChoices):
        DISPOSE = "dispose", "Dispose of it"
        KEEP = "keep", "Keep it longer"

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    keep_until = models.DateField(null=True, blank=True)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="dispose", keep_until__isnull=True)
                | Q(decision="keep", keep_until__isnull=False),
                name="review_keep_has_date",
            )
        ]


class DisposalLog(models.Model):
    """What a retention disposal removed, when, by whose decision and under which rule:
    the one record left of a disposed pupil's file. It names the pupil by the minimum a
    DPO needs to answer "did you hold this child's records, and what became of them?"
    (a later subject access request, a claim, the next school asking): legal name, UPN and
    date of birth, which together identify a child without keeping anything about them,
    and the pupil's id, so a record restored from an older backup can be found and
    disposed of again. Counts per table say how much went; nothing of the content is kept.
    Never updated or deleted (the database refuses: lib.migrations.evidence)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    pupil_ref = models.CharField(max_length=64, help_text="The disposed pupil's id.")
    pupil_name = models.CharField(max_length=201)
    upn = models.CharField(max_length=13, blank=True)
    date_of_birth = models.DateField()
    kinds = models.JSONField(help_text="The kinds of record disposed of.")
    whole_record = models.BooleanField(help_text="The pupil went too: nothing is left.")
    rule = models.TextField(help_text="The retention rule(s) that made them due.")
    due_on = models.DateField()
    counts = models.JSONField(help_text="Rows removed, by table.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    decided_at = models.DateTimeField()
    # For safeguarding: the DSL's review that decided it (copied: the review went with it).
    dsl_decision = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self):
        return f"Disposal {self.pk}"
