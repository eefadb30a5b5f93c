"""Therapy programmes designed by external therapists (speech and language, OT, physio)
and delivered by TAs. A referral puts a pupil in a therapist's scope, and only through the
therapy pages: a therapist never sees the ordinary pupil pages. The programme becomes a
provision in the spine, so TAs record it as sessions and reconciliation counts it."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from sendesk.agencies.models import Agency
from sendesk.provision.models import Provision
from sendesk.pupils.models import Pupil


class TimelineKind(models.TextChoices):
    """The timeline lines therapy writes (TherapyConfig.timeline_kinds); a programme's
    provision is provision's "provision" line."""

    REFERRAL = "referral", "Referral"
    PROGRAMME_REVIEW = "programme_review", "Therapy programme review"
    ADVICE = "agency_advice", "Advice from an agency"


class Discipline(models.TextChoices):
    SLT = "slt", "Speech and language therapy"
    OT = "ot", "Occupational therapy"
    PHYSIO = "physio", "Physiotherapy"
    # Issue 11: every agency a school refers to (agencies.Agency.Kind) is a discipline.
    EP = "ep", "Educational psychology"
    NURSE = "nurse", "School nursing"
    CAMHS = "camhs", "CAMHS (mental health)"
    SOCIAL = "social", "Children's social care"
    LA_SEN = "la_sen", "Local authority SEN team"
    OTHER = "other", "Other"


# The disciplines a therapist referral (no agency) may name: the issue-9 three.
THERAPIES = (Discipline.SLT, Discipline.OT, Discipline.PHYSIO)


class Status(models.TextChoices):
    """Where a referral to an agency stands. Only a referral still waiting for an answer
    can run past its timescale."""

    SENT = "sent", "Sent, waiting for a response"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CLOSED = "closed", "Closed"


class Referral(models.Model):
    """The school refers a pupil to a therapist, with the parents' consent; or (issue 11)
    to an agency, naming the professional if known, with a timescale for its response.

    A referral with an agency is seen by its named professional (or, while it names none,
    by the agency's members) only while the parents' consent to share with that agency is
    in force; one without (the issue-9 therapist referral) rests on the consent typed in."""

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="referrals")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals",
        null=True, blank=True, verbose_name="Professional",
    )  # fmt: skip
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referrals", null=True, blank=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    sent_on = models.DateField(null=True, blank=True)
    # The agency's response_days unless the referral set its own; kept as typed so that
    # a later change to the agency does not move a referral's timescale.
    response_days = models.PositiveSmallIntegerField(null=True, blank=True)
    respond_by = models.DateField(null=True, blank=True)
    responded_on = models.DateField(null=True, blank=True)
    discipline = models.CharField(max_length=10, choices=Discipline.choices)
    reason = models.TextField(blank=True)
    consent_by = models.CharField("Consent given by", max_length=150)
    consent_on = models.DateField("Consent given on")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    shared_notes = models.TextField(
        blank=True,
        help_text="What the school shares with the therapist. The therapist sees this, the "
        "programme and its sessions, and nothing else about the pupil.",
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="referral_dates"
            ),
        ]
        indexes = [
            models.Index(fields=["therapist", "start"], name="referral_therapist_idx"),
            models.Index(fields=["status", "respond_by"], name="referral_due_idx"),
        ]

    def __str__(self):
        return f"{self.get_discipline_display()} referral"

    def overdue_on(self, day) -> bool:
        """Still waiting for the agency's answer after its timescale."""
        return self.status == Status.SENT and self.respond_by is not None and self.respond_by < day

    @property
    def who(self) -> str:
        """Whom the referral went to, in words: the professional, the agency, or both."""
        names = [x for x in (getattr(self.therapist, "full_name", ""), str(self.agency or ""))
                 if x]  # fmt: skip
        return " — ".join(names) or "—"


class Programme(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="programmes")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="therapy_programmes")
    provision = models.OneToOneField(
        Provision, on_delete=models.PROTECT, related_name="programme",
        help_text="The provision TAs deliver and record as sessions.",
    )  # fmt: skip
    title = models.CharField(max_length=150)
    goals = models.TextField()
    activities = models.TextField(help_text="What the TA does, step by step.")
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class ProgrammeReview(models.Model):
    """The therapist's review of the sessions, and any change made to the programme. Kept
    as a history: the programme shows the latest, the reviews how it got there."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="reviews")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField()
    changes = models.JSONField(default=dict, blank=True, help_text="{field: [old, new]}")

    class Meta:
        ordering = ["-at", "-id"]


class Advice(models.Model):
    """What an external professional advises about a referred pupil, written in the
    product: advice, a report's findings, or a visit logged (who came, what they saw and
    advised). A record: never edited; a later entry corrects an earlier one. It feeds the
    pupil's reviews (therapy.review.section)."""

    class Kind(models.TextChoices):
        ADVICE = "advice", "Advice"
        REPORT = "report", "Report"
        VISIT = "visit", "Visit"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="advice")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="agency_advice")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    visited_on = models.DateField(null=True, blank=True)
    who_came = models.CharField(max_length=200, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["pupil", "at"], name="advice_pupil_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.referral.who}"


class AdviceFile(models.Model):
    """A report file attached to an advice entry of kind report: the professional's PDF, or
    a photo or scan of their paper report. Kept privately (sendesk.lib.files) and read only
    through therapy.views.advice_file. A record, like its advice: never replaced."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    advice = models.ForeignKey(Advice, on_delete=models.PROTECT, related_name="files")
    # The advice's pupil, kept here so that the access layer scopes a file in one step.
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=150, help_text="The name it was sent with: shown only.")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    path = models.CharField(max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return self.name


class AdviceProvision(models.Model):
    """Provision the school set up from a professional's advice (issue 11): which advice
    it came from, so the advice can say what became of it. The provision itself is the
    provision app's, written through its service."""

    advice = models.ForeignKey(Advice, on_delete=models.PROTECT, related_name="provisions")
    provision = models.OneToOneField(
        Provision, on_delete=models.PROTECT, related_name="from_advice"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
