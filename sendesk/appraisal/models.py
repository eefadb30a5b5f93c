"""Appraisal (performance management and development: PMD / PDR) and what the training
register gains for CPD: certificates, a CPD log, required training per post, and an
induction checklist with a mentor for a new TA.

An appraisal is HR data about one person: only the appraisee, their line manager at that
school (staff.StaffMember.line_manager) and the head/admin see it (appraisal.rules)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from sendesk.staff.models import StaffMember, Training

from .standards import AREAS, BANDS


class Appraisal(models.Model):
    """One person's appraisal cycle for one school year (September to August)."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    appraisee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appraisals"
    )
    year = models.PositiveSmallIntegerField(help_text="The year the school year began: 2026.")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()

    class Meta:
        ordering = ["-year", "appraisee__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "appraisee", "year"], name="appraisal_one_per_year"
            ),
        ]

    def __str__(self):
        return f"Appraisal {self.year}/{(self.year + 1) % 100:02d}"

    @property
    def year_label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"


class Objective(models.Model):
    """An objective agreed at the start of the year. Fixed once the start of the year is
    signed off by both."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="objectives")
    text = models.CharField(max_length=300)
    success_criteria = models.TextField(blank=True, help_text="How both will know it is met.")
    area = models.CharField(max_length=20, choices=AREAS)
    standards = models.CharField(
        max_length=80, blank=True, help_text="Teaching Assistant Standards, e.g. '2.1, 3.4'."
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self):
        return self.text


class Review(models.Model):
    """One stage of the year: the start (objectives agreed), the mid-year and the
    end-of-year review. The appraisee writes their own review; the line manager the
    summary, a judgement per area and the CPD plan. Both sign; once both have, the stage is
    fixed and a correction is a ReviewAmendment."""

    class Stage(models.TextChoices):
        START = "start", "Start of year: objectives agreed"
        MID = "mid", "Mid-year review"
        END = "end", "End-of-year review"

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="reviews")
    stage = models.CharField(max_length=5, choices=Stage.choices)
    held_on = models.DateField(null=True, blank=True)
    own_review = models.TextField(
        "Appraisee's own review", blank=True, help_text="What went well, what was hard."
    )
    summary = models.TextField("Line manager's summary", blank=True)
    cpd_plan = models.TextField(
        "CPD plan", blank=True, help_text="The training and development agreed for the year."
    )
    appraisee_signed_at = models.DateTimeField(null=True, blank=True)
    manager_signed_at = models.DateTimeField(null=True, blank=True)
    manager_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["appraisal", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "stage"], name="review_one_per_stage"),
            models.CheckConstraint(
                condition=Q(manager_signed_at__isnull=True) | Q(manager_signed_by__isnull=False),
                name="review_manager_signature",
            ),
        ]

    def __str__(self):
        return self.get_stage_display()

    @property
    def signed_off(self) -> bool:
        return bool(self.appraisee_signed_at and self.manager_signed_at)


class Judgement(models.Model):
    """The line manager's judgement for one area, against the band descriptors."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="judgements")
    area = models.CharField(max_length=20, choices=AREAS)
    band = models.CharField(max_length=10, choices=BANDS)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "area"], name="judgement_one_per_area"),
        ]

    def __str__(self):
        return f"{self.get_area_display()}: {self.get_band_display()}"


class ReviewAmendment(models.Model):
    """A correction to a signed-off stage: who, when, why, and every old value. The
    database refuses to change or delete these rows (migration 0002).

    `changes` is {key: [old, new]}: a field of the stage ("summary"), a judgement
    ("judgement:<area>", as "Band 2: comment"), or an objective agreed at the start
    ("objective:<id>:<field>"; objectives are signed with the start of the year, so their
    amendments belong to that stage). The other party re-confirms their sign-off with an
    AmendmentConfirmation."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="amendments")
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField()
    reason = models.CharField(max_length=300)
    changes = models.JSONField(help_text="{field: [old, new]}")

    class Meta:
        ordering = ["amended_at", "id"]

    def __str__(self):
        return f"Amendment {self.amended_at:%d %b %Y}"


class AmendmentConfirmation(models.Model):
    """The other party's sign-off given again after an amendment: the appraisee's when the
    line manager (or head) amended, the line manager's side when the appraisee did. Until
    it exists the stage says it was amended and not yet re-confirmed. Kept for good, like
    the amendment (migration 0003)."""

    amendment = models.OneToOneField(
        ReviewAmendment, on_delete=models.PROTECT, related_name="confirmation"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    def __str__(self):
        return f"Re-confirmed {self.confirmed_at:%d %b %Y}"


class Certificate(models.Model):
    """The certificate of a training record, kept in the database (so the backup of the
    database holds it, and it is written in the same transaction as its audit row), and
    served only by appraisal.views.certificate_download after the access check: never
    from a public URL."""

    training = models.OneToOneField(Training, on_delete=models.CASCADE, related_name="certificate")
    name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    def __str__(self):
        return self.name


class CpdEntry(models.Model):
    """One line of a person's CPD log: what, when, how long, and what they took from it."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cpd_entries"
    )
    what = models.CharField(max_length=200)
    done_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    reflection = models.TextField(blank=True, help_text="What changed in practice.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-done_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=200), name="cpdentry_hours"),
        ]
        indexes = [models.Index(fields=["user", "-done_on"], name="cpdentry_user_idx")]

    def __str__(self):
        return self.what


class RequiredTraining(models.Model):
    """Training everyone in a post at the school must hold (every TA: safeguarding), set by
    the head or SENCO. What a pupil's plans need is worked out from the plans themselves
    (appraisal.needs)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    post = models.CharField(max_length=10, choices=StaffMember.Post.choices)
    kind = models.CharField(max_length=30, choices=Training.Kind.choices)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["post", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "post", "kind"], name="requiredtraining_unique"
            ),
        ]

    def __str__(self):
        return f"{self.get_post_display()}: {self.get_kind_display()}"


class Induction(models.Model):
    """A new member of staff's induction at a school, with their mentor."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="induction_one_per_school"),
            models.CheckConstraint(
                condition=~Q(mentor=models.F("user")), name="induction_not_own_mentor"
            ),
        ]

    def __str__(self):
        return f"Induction from {self.started_on:%d %b %Y}"


class InductionItem(models.Model):
    induction = models.ForeignKey(Induction, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField()
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(done_by__isnull=False),
                name="inductionitem_done_by",
            ),
        ]

    def __str__(self):
        return self.text
