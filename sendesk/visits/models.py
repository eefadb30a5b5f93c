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
    # What the organiser confirmed of the destination, for pupils whose care plans need it
    # (the checks cannot know a museum's toilets): accessible changing facilities (a
    # changing bench, room for two adults) and a hoist there.
    changing_facilities = models.BooleanField(
        "The destination has accessible changing facilities", default=False
    )
    hoist_available = models.BooleanField("A hoist is available there", default=False)

    class Meta:
        ordering = ["date", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="trip_times"),
        ]

    def __str__(self):
        return f"{self.destination} ({self.date})"


class TripRatios(models.Model):
    """A school's adult-to-pupil ratios for visits, by age. No row: the defaults, which
    follow common local-authority guidance for a day visit (Reception and key stage 1 one
    adult to six pupils, key stage 2 one to ten, secondary one to fifteen). A pupil with 1:1
    support needs an adult of their own besides; the school's risk assessment may ask more."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="trip_ratios")
    early = models.PositiveSmallIntegerField(
        "Pupils per adult, Reception and key stage 1", default=6
    )
    key_stage_2 = models.PositiveSmallIntegerField("Pupils per adult, key stage 2", default=10)
    secondary = models.PositiveSmallIntegerField("Pupils per adult, key stage 3 on", default=15)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(early__gte=1, key_stage_2__gte=1, secondary__gte=1),
                name="trip_ratios_positive",
            ),
        ]

    def __str__(self):
        return f"1:{self.early} / 1:{self.key_stage_2} / 1:{self.secondary}"
