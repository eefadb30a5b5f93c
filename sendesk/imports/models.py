import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from sendesk.pupils.models import Pupil
from sendesk.schools.models import School


class Kind(models.TextChoices):
    """What an upload is; the API's `kind` values are these (a contract)."""

    CTF = "ctf", "Common Transfer File (CTF, XML)"
    ONEROSTER = "oneroster", "OneRoster CSV bundle (zip)"
    CSV_PUPILS = "csv-pupils", "Pupils (SENDesk CSV template)"
    CSV_STAFF = "csv-staff", "Staff (SENDesk CSV template)"
    CSV_CLASSES = "csv-classes", "Classes and who is in them (SENDesk CSV template)"


class ImportBatch(models.Model):
    """One uploaded file, its preview and, once the head confirms it, its application.
    The file itself is kept here (not on disk) so that it goes with the database into every
    backup, and its retention is the batch's."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        APPLIED = "applied", "Applied"
        # Apply was asked but the file (read again against today's records) had errors:
        # nothing was written; the school fixes the file and uploads it again.
        REFUSED = "refused", "Refused"

    # A staff member's subject access request counts the files they imported rather than
    # copying them: a file's rows name the whole roll (sendesk.records.gather).
    subject_access_names_pupils = True

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    filename = models.CharField(max_length=255)
    content = models.BinaryField(help_text="The file as uploaded, kept for its retention period.")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    applied_at = models.DateTimeField(null=True, blank=True)
    # {"created", "updated", "unchanged", "errors"}: the preview's, then what was applied.
    counts = models.JSONField(default=dict)
    # [{"file", "row", "field", "message"}], as the API gives them.
    errors = models.JSONField(default=list)
    # What the preview found, row by row, for the preview page: [{"what", "action", "name",
    # "at", "changes", "flags"}]; and the SEN the file says that differs from SENDesk's.
    changes = models.JSONField(default=list)
    notes = models.JSONField(default=list)

    class Meta:
        ordering = ["-uploaded_at"]
        # The imports page lists a school's batches newest first.
        indexes = [models.Index(fields=["school", "-uploaded_at"], name="importbatch_school_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.filename}"


class ExternalId(models.Model):
    """How a school's MIS names a record SENDesk holds (a OneRoster sourcedId, a CTF's or
    another system's id), so that a later file updates the same person or group rather than
    making a second one. UPN and e-mail match without it."""

    class Of(models.TextChoices):
        PUPIL = "pupil", "Pupil"
        STAFF = "staff", "Member of staff"
        GROUP = "group", "Class or group"
        TERM = "term", "Term"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    of = models.CharField(max_length=5, choices=Of.choices)
    source_id = models.CharField(max_length=255)
    # A pupil's UUID, a user's, group's or term's number: as text, one column for all four.
    object_id = models.CharField(max_length=64)
    first_batch = models.ForeignKey(
        ImportBatch, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "of", "source_id"], name="externalid_unique")
        ]

    @classmethod
    def subject_access_of_pupil(cls, pupil):
        """The MIS's ids for `pupil`, for their subject access request: object_id is text,
        not a foreign key, so the gathering cannot find them by itself."""
        return cls.objects.filter(of=cls.Of.PUPIL, object_id=str(pupil.pk))


class SenDifference(models.Model):
    """SEN status or needs in an MIS file that differ from what SENDesk holds for a pupil
    it already has. The SENCO owns SEN in SENDesk, so an import never replaces them: it
    lists the difference here, and the SENCO accepts the file's or keeps SENDesk's."""

    class Decision(models.TextChoices):
        OPEN = "open", "To decide"
        ACCEPTED = "accepted", "File's accepted"
        KEPT = "kept", "SENDesk's kept"
        # A later file said something else before anyone decided: that one is open instead.
        SUPERSEDED = "superseded", "Replaced by a later file"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+")
    # What the file says ("" / [] when it did not say), and what SENDesk held then.
    file_status = models.CharField(max_length=1, blank=True)
    file_needs = models.JSONField(default=list)
    ours_status = models.CharField(max_length=1)
    ours_needs = models.JSONField(default=list)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(decision="open"), name="sendifference_one_open"
            ),
        ]
        # The SENCO's page: the school's open differences.
        indexes = [models.Index(fields=["school", "decision"], name="sendifference_school_idx")]
