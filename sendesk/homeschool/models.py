"""Home and school writing to each other about one child, and the home-school diary.

Messages are records: nothing is deleted or edited; a correction is an amendment that keeps
the words as first sent (the tables refuse UPDATE and DELETE, see the migration). One
conversation per child: a message belongs to the pupil, not to a thread."""

import uuid

from django.conf import settings
from django.db import models

from sendesk.pupils.models import Pupil
from sendesk.schools.models import School

BODY_MAX = 4000


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The device's own id for what it sent: sending again (a retry on a bad connection)
    # gets the stored message back instead of a second copy.
    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="homeschool_messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_parent = models.BooleanField(help_text="Written by a parent (else by staff).")
    body = models.TextField(help_text="As sent. A correction is an amendment, never an edit.")
    sent_at = models.DateTimeField()

    class Meta:
        # The conversation page: one pupil's messages in order.
        indexes = [models.Index(fields=["pupil", "sent_at"], name="hs_message_pupil_sent")]

    def __str__(self):
        return f"Message about {self.pupil_id} at {self.sent_at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    """A photo sent with a message, stored the way evidence stores photos (re-encoded, no
    location or other metadata), under EVIDENCE_DIR."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    path = models.CharField(max_length=200)
    thumb_path = models.CharField(max_length=200)
    width = models.PositiveIntegerField(null=True)
    height = models.PositiveIntegerField(null=True)


class MessageAmendment(models.Model):
    """A correction by the message's author: the new words and why. The message keeps
    what was first sent; both are shown."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="amendments")
    body = models.TextField()
    reason = models.CharField(max_length=300)
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField()


class MessageRead(models.Model):
    """A read receipt: when a person first opened the conversation after the message came."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="hs_message_read_once")
        ]


class Reachable(models.Model):
    """When a staff member answers messages, in their own words ("Monday to Friday, 8:30
    to 4"); parents see it beside the conversation. Not a record about a pupil: editable."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    hours = models.CharField(max_length=200)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "school"], name="hs_reachable_one")]


class DiaryPupil(models.Model):
    """A pupil who has a home-school diary (common for 1:1 and non-verbal pupils)."""

    pupil = models.OneToOneField(Pupil, on_delete=models.PROTECT, related_name="homeschool_diary")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField()


class Section(models.TextChoices):
    # School's part of the day
    FOOD = "food", "Food and drink"
    TOILETING = "toileting", "Toileting"
    SLEEP = "sleep", "Sleep and rest"
    MOOD = "mood", "Mood"
    ENJOYED = "enjoyed", "What they enjoyed"
    KNOW = "know", "Anything to know"
    # Home's part
    EVENING = "evening", "Last evening at home"
    MORNING = "morning", "This morning at home"


SCHOOL_SECTIONS = (
    Section.FOOD, Section.TOILETING, Section.SLEEP, Section.MOOD, Section.ENJOYED, Section.KNOW,
)  # fmt: skip
HOME_SECTIONS = (Section.EVENING, Section.MORNING, Section.FOOD, Section.SLEEP, Section.KNOW)


class DiaryNote(models.Model):
    """One line of one day's diary, by one adult. Append-only: a second note on the same
    section adds to the day; nothing is overwritten."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.UUIDField(default=uuid.uuid4)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="diary_notes")
    date = models.DateField()
    section = models.CharField(max_length=12, choices=Section.choices)
    text = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_home = models.BooleanField()
    written_at = models.DateTimeField()

    class Meta:
        # The diary page: one pupil's day (or week).
        indexes = [models.Index(fields=["pupil", "date"], name="hs_diary_pupil_date")]
        constraints = [
            # One save from a device writes several sections under one client_id.
            models.UniqueConstraint(fields=["client_id", "section"], name="hs_diary_client_once")
        ]


class MeetingRequest(models.Model):
    """A parent asking to meet: what about and when suits them. Open until staff record a
    meeting that answers it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The form's own id: pressing the button twice stores one request. Null only on rows
    # made before it existed (an evidence table: they can't be given one afterwards).
    client_id = models.UUIDField(unique=True, null=True, blank=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="meeting_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    about = models.TextField()
    times = models.CharField(max_length=300, blank=True, help_text="When suits the family.")
    requested_at = models.DateTimeField()


class Meeting(models.Model):
    """A meeting with the family, recorded by staff: who was there, the notes and the
    actions agreed. The family reads all of it: write it for them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # As MeetingRequest.client_id: one meeting for one press of Save.
    client_id = models.UUIDField(unique=True, null=True, blank=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="family_meetings")
    request = models.OneToOneField(
        MeetingRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="meeting"
    )
    held_on = models.DateField()
    attendees = models.CharField(max_length=300, help_text="Who was there.")
    notes = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()


class MeetingAction(models.Model):
    """One action agreed at a meeting, and who does it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    text = models.CharField(max_length=300)
    who = models.CharField(max_length=120, blank=True)
    order = models.PositiveSmallIntegerField()
