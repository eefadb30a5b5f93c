from django.conf import settings
from django.db import models
from django.db.models import Q

from sendesk.schools.models import School


class Agency(models.Model):
    """An outside service a school works with: one row per service per school (two
    schools of a trust may use different EP services)."""

    class Kind(models.TextChoices):
        EP = "ep", "Educational psychology"
        SLT = "slt", "Speech and language therapy"
        OT = "ot", "Occupational therapy"
        PHYSIO = "physio", "Physiotherapy"
        NURSE = "nurse", "School nursing"
        CAMHS = "camhs", "CAMHS (mental health)"
        SOCIAL = "social", "Children's social care"
        LA_SEN = "la_sen", "Local authority SEN team"
        OTHER = "other", "Other"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # How long the agency says it takes to respond to a referral, in days: a referral's
    # timescale unless the referral says otherwise.
    response_days = models.PositiveSmallIntegerField(default=42)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="agency_name_unique"),
            models.CheckConstraint(condition=Q(response_days__gte=1), name="agency_response_days"),
        ]

    def __str__(self):
        return self.name


class AgencyMember(models.Model):
    """A professional who works for an agency (an EP, a CAMHS worker, a social worker…).
    They sign in with the school's external-professional role (Role.THERAPIST, never a
    staff role), and this says which agency they speak for: the referrals to their agency
    and the parents' consent to share with it decide what they see."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agency_memberships"
    )
    job_title = models.CharField(max_length=100, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "user"], name="agency_member_unique"),
        ]

    def __str__(self):
        return f"{self.user} ({self.agency})"
