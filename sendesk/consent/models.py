from django.conf import settings
from django.db import models
from django.db.models import Q

from sendesk.agencies.models import Agency
from sendesk.pupils.models import Pupil
from sendesk.schools.models import School


class Kind(models.TextChoices):
    """What a consent is for. Issue 11 adds more kinds; each one is read by the app that
    needs it through selectors.allows."""

    PHOTOS = "photos", "Photos and video"
    # Issue 11. Sharing and referral name the agency; medication and trips may name what
    # they are about in `ref` ("medicine:12", "trip:5") or be the parent's general yes.
    AGENCY = "agency", "Sharing information with an agency"
    REFERRAL = "referral", "A referral to an agency"
    MEDICATION = "medication", "Medicines at school"
    TRIPS = "trips", "Trips and visits"


# The kinds that are about one agency: their rows name it, the others never do.
AGENCY_KINDS = (Kind.AGENCY, Kind.REFERRAL)


class Decision(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Consent(models.Model):
    """One decision of a parent about one kind of consent for their child, as it was made:
    rows are added, never changed, so the history answers 'what had the parent said on
    that day?'. The decision in force is the latest (selectors.current).

    Who decided: a parent who signed in (`given_by`), or the name written on a paper form
    (`given_by_name`), never both. Who recorded it: the parent themselves online, or the
    member of staff who typed the paper form in."""

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="consents")
    # The pupil's school, kept for the audit chain and school-wide lists without a join.
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="consents"
    )
    # What a medication or trip consent is about, when it is about one thing ("medicine:"
    # and a UUID is 45 characters).
    ref = models.CharField(max_length=60, blank=True)
    on = models.DateField(help_text="The day the parent decided (the form's date).")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The parent who decided on the parent pages.",
    )
    given_by_name = models.CharField(
        max_length=150, blank=True, help_text="The parent or carer named on a paper form."
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-on", "-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["pupil", "kind", "-on"], name="consent_pupil_kind_idx"),
            # Who has consented to share with this agency (the professionals' scope).
            models.Index(fields=["agency", "kind", "-on"], name="consent_agency_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="consent_kind_known"),
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="consent_decision_known"
            ),
            # Sharing and referral consents name their agency; no other kind does.
            models.CheckConstraint(
                condition=Q(kind__in=AGENCY_KINDS, agency__isnull=False)
                | (~Q(kind__in=AGENCY_KINDS) & Q(agency__isnull=True)),
                name="consent_agency_when_needed",
            ),
            # A parent online or a name on paper: exactly one says who decided.
            models.CheckConstraint(
                condition=(Q(given_by__isnull=False) & Q(given_by_name=""))
                | (Q(given_by__isnull=True) & ~Q(given_by_name="")),
                name="consent_one_giver",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_decision_display()} on {self.on}"

    @property
    def giver(self) -> str:
        if self.given_by_id:
            return str(self.given_by)
        return self.given_by_name

    @property
    def on_paper(self) -> bool:
        return self.given_by_id is None
