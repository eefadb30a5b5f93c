"""Educational visits: a trip's pupils and staff, and the checks that it is safe to go."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from sendesk.pupils.models import Pupil
from sendesk.schools.models import School


class Trip(models.Model):
    """An educational visit on one day. Its staff are away from school for its hours (the
    deployment planner does not place them there), and its pupils' provision that day
    counts as 'trip'."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="trips")
    date = models.DateField()
    start = models.TimeField()
    end = models.TimeField()
    destination = models.CharField(max_length=200)
    pupils = models.ManyToManyField(Pupil, related_name="trips")
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="trips")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["date", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="trip_times"),
        ]

    def __str__(self):
        return f"{self.destination} ({self.date})"
