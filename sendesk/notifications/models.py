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
