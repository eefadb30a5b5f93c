import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from sendesk.behaviour.models import Observation
from sendesk.plans.models import Target
from sendesk.provision.models import Session
from sendesk.pupils.amendments import AmendmentRow
from sendesk.pupils.models import Pupil
from sendesk.schools.models import School


class Kind(models.TextChoices):
    PHOTO = "photo", "Photo"
    VIDEO = "video", "Video"
    AUDIO = "audio", "Recording"
    # A photo or scan of a piece of work with nobody in it: not an image of the child, so
    # it needs no image consent (the form says so).
    WORK = "work", "Work sample"


# The kinds that are pictures of the child: stored only with the parent's photo consent.
NEEDS_CONSENT = {Kind.PHOTO, Kind.VIDEO}


class Evidence(models.Model):
    """A photo, video, recording or scanned piece of work about one pupil, attached to a
    session, an observation and/or targets. The file lives under settings.EVIDENCE_DIR,
    named by this row, and is read only through the access layer.

    Never deleted and never changed in place: a corrected caption or a withdrawal is an
    Amendment (who, when, why). Withdrawn evidence is hidden from the family and from the
    review pack; the SENCO can still open it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    content_type = models.CharField(max_length=40)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # Relative to settings.EVIDENCE_DIR; written by the server, never from the upload's name.
    path = models.CharField(max_length=120, unique=True)
    thumb_path = models.CharField(max_length=120, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    caption = models.CharField(max_length=300, blank=True)
    taken_on = models.DateField()
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    observation = models.ForeignKey(
        Observation, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    targets = models.ManyToManyField(Target, blank=True, related_name="evidence")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-taken_on", "-recorded_at"]
        indexes = [models.Index(fields=["pupil", "-taken_on"], name="evidence_pupil_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="evidence_kind_known"),
            models.CheckConstraint(condition=Q(size__gt=0), name="evidence_not_empty"),
            models.CheckConstraint(condition=~Q(path=""), name="evidence_has_file"),
            # A withdrawal says who, when and why, or it is not one.
            models.CheckConstraint(
                condition=(
                    Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True, withdrawn_reason="")
                )
                | (
                    Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False)
                    & ~Q(withdrawn_reason="")
                ),
                name="evidence_withdrawal_whole",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.taken_on}"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_picture(self) -> bool:
        return bool(self.thumb_path)

    @property
    def label(self) -> str:
        return self.caption or f"{self.get_kind_display()}, {self.taken_on:%-d %b %Y}"


class Amendment(AmendmentRow):
    """A correction of an evidence record: its caption changed, or the record withdrawn.
    The old and new values are kept in `changes`."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="amendments")

    class Meta(AmendmentRow.Meta):
        pass
