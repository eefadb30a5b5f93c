from django.conf import settings
from django.db import models
from django.db.models import Q

from sendesk.schools.models import School


class Notification(models.Model):
    """Something new for one person: what kind, a line to read in the product, and where
    to go. The line may name a pupil (the list is shown only to its person, and the link
    goes through the access layer); an e-mail never carries it (issue 11)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300)
    created = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    # The same event told once: a scheduled check that runs every day names what it
    # found ("referral:42:overdue"), and a second run adds nothing.
    dedupe_key = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["user", "-created"], name="notification_user_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once",
            ),
        ]

    def __str__(self):
        return self.title


class How(models.TextChoices):
    """How a person wants to hear of one kind of notification."""

    OFF = "off", "Not at all"
    APP = "app", "In SENDesk only"
    EMAIL = "email", "In SENDesk and an e-mail at once"
    DIGEST = "digest", "In SENDesk and one e-mail a day"


class Preference(models.Model):
    """A person's choice for one kind. No row = the default for their roles
    (preferences.default_how)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(max_length=40)
    how = models.CharField(max_length=10, choices=How.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_once")
        ]


class Email(models.Model):
    """The outbox: one e-mail to one person (at once, or the day's digest). Written in the
    transaction of what it tells of, sent by the task worker; a failed send is tried again
    with longer waits and, after the last try, stays here as FAILED for the head to see:
    never lost silently. It stores no text: the words are the same for everyone and carry
    no child's details (services.email_message)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Not sent: gave up"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_emails"
    )
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE)
    digest = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try = models.DateTimeField()
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["status", "next_try"], name="notification_email_due_idx")]


class EmailedNotification(models.Model):
    """Which notifications an e-mail told of: a notification is e-mailed once, at once or
    in one digest."""

    notification = models.OneToOneField(
        Notification, on_delete=models.CASCADE, related_name="emailed"
    )
    email = models.ForeignKey(Email, on_delete=models.CASCADE, related_name="told")


class DailyRun(models.Model):
    """One row per day the daily work (scheduled checks, digests) was started: the row is
    the lock, so two schedulers (or a restart) never run a day twice."""

    day = models.DateField(unique=True)
    started = models.DateTimeField()
    finished = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict)
