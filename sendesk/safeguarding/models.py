"""Safeguarding (child protection). Behind a wall: only the DSL team of the pupil's school
reads these records. They keep their own access and change trails (SafeguardingAccess,
SafeguardingAudit) instead of the shared audit tables, because the SENCO and head read
those ("who has viewed this pupil") and must not learn that a concern exists. Nothing here
writes to the pupil timeline. Kept to the pupil's date of birth + 25 years (IRMS), then
reviewed: a separate retention class from SEN records (date of birth + 31 years)."""

import uuid

from django.conf import settings
from django.db import models

from sendesk.audit.models import ChainedRow, fill_school_from_pupil
from sendesk.pupils.models import Pupil
from sendesk.schools.models import School

RETENTION_YEARS = 25


class Concern(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New: not yet triaged"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Risk(models.TextChoices):
        UNKNOWN = "unknown", "Not yet assessed"
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High: immediate risk of harm"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Unique per reporter (below), not globally: a clash with someone else's id must not
    # reveal that a concern exists.
    client_id = models.UUIDField(default=uuid.uuid4)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField()
    occurred_at = models.DateTimeField(help_text="When it happened or was noticed.")
    location = models.CharField(max_length=150, blank=True)
    concern = models.TextField(help_text="What you saw, heard or were told: facts, not opinions.")
    words_used = models.TextField(
        blank=True, help_text="Who said what, in their own words, as exactly as you can."
    )
    body_map = models.JSONField(
        default=list, blank=True,
        help_text="Marks and injuries: [{side: front|back, x: 0-100, y: 0-100, note}].",
    )  # fmt: skip
    action_taken = models.TextField(blank=True, help_text="Anything the reporter already did.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.UNKNOWN)
    retain_until = models.DateField(help_text="Date of birth + 25 years, then reviewed.")

    class Meta:
        ordering = ["-reported_at"]
        constraints = [
            models.UniqueConstraint(fields=["reported_by", "client_id"], name="concern_client_id"),
        ]
        indexes = [
            models.Index(fields=["school", "status", "-reported_at"], name="concern_inbox_idx"),
            models.Index(fields=["pupil", "-occurred_at"], name="concern_pupil_idx"),
        ]

    def __str__(self):
        # Neutral: this may be shown where the wall does not reach (an admin's delete page).
        return "Protected record"


class ConcernAction(models.Model):
    """What the DSL team did: triage, referral, early help, police, monitoring, notes,
    closing. Append-only: the chronology is made of these and the concerns."""

    class Kind(models.TextChoices):
        TRIAGE = "triage", "Triaged"
        REFERRAL_CSC = "referral_csc", "Referral to children's social care"
        EARLY_HELP = "early_help", "Early help"
        POLICE = "police", "Police"
        MONITOR = "monitor", "Monitor"
        NOTE = "note", "Note"
        CLOSE = "close", "Closed"
        REOPEN = "reopen", "Reopened"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class SafeguardingAccess(ChainedRow):
    """Someone on the DSL team (or a panel of the pupil page) showed a protected record.
    A hash chain per school, like audit.AccessEvent (sendesk.audit.chain)."""

    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    # The pupil's school: the row's chain.
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    what = models.CharField(max_length=100)
    via = models.CharField(max_length=10, default="web")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["pupil", "-at"], name="sgaccess_pupil_idx")]
        constraints = [
            models.UniqueConstraint(fields=["school", "seq"], name="sgaccess_chain_position")
        ]

    @classmethod
    def fill_chain(cls, objs) -> None:
        fill_school_from_pupil(objs)


class SafeguardingAudit(ChainedRow):
    """A change to a concern: a hash chain per school (sendesk.audit.chain)."""

    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Empty for a row about the pupil's file as a whole (issue 12: its transfer to the next
    # school, SafeguardingTransfer), which is about no one concern.
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The concern's school: the row's chain.
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "seq"], name="sgaudit_chain_position")
        ]

    @classmethod
    def fill_chain(cls, objs) -> None:
        for obj in objs:
            if obj.school_id is None:
                obj.school_id = obj.concern.school_id


class SafeguardingTransfer(models.Model):
    """The DSL sent the pupil's child-protection file to their next school (issue 12):
    when, to whom at which school, how, and when its receipt was confirmed. The file
    itself goes school to school; SENDesk records that it went. Behind the wall: only the
    DSL team reads this; the SENCO's leavers list learns only that it went, and when."""

    class Method(models.TextChoices):
        SECURE_SYSTEM = "secure_system", "Secure electronic transfer (e.g. the schools' system)"
        SECURE_EMAIL = "secure_email", "Secure (encrypted) e-mail"
        BY_HAND = "by_hand", "By hand, signed for"
        RECORDED_POST = "recorded_post", "Recorded delivery"
        OTHER = "other", "Other"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    transferred_on = models.DateField()
    to_school = models.CharField(max_length=150)
    to_whom = models.CharField(max_length=150, help_text="Usually the next school's DSL.")
    method = models.CharField(max_length=20, choices=Method.choices)
    receipt_confirmed_on = models.DateField(null=True, blank=True)
    receipt_note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-transferred_on", "-id"]
