"""Parents and carers who log in. A link names one child; a parent sees their own children
only, and only what the school shares: provision promised and delivered, therapy
programmes, the medication record. Never staff notes, behaviour analysis or anything
behind the safeguarding wall."""

from django.conf import settings
from django.db import models

from sendesk.pupils.models import Pupil


class ParentLink(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="children_links"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="parent_links")
    relationship = models.CharField(max_length=60, help_text="'Mother', 'Foster carer', …")
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "pupil"], name="parentlink_unique"),
        ]

    def __str__(self):
        return f"{self.relationship} of {self.pupil}"
