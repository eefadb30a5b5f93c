from django.conf import settings
from django.db import models
from django.db.models import Q


class TrainingQuerySet(models.QuerySet):
    def current_on(self, day):
        return self.filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=day), completed_on__lte=day
        )


class Training(models.Model):
    """A course a staff member completed, with its expiry. Actions that need training
    (positive handling, medication, moving and handling …) check for a current record."""

    class Kind(models.TextChoices):
        POSITIVE_HANDLING = "positive_handling", "Positive handling (e.g. Team Teach)"
        FIRST_AID = "first_aid", "First aid"
        SAFEGUARDING = "safeguarding", "Safeguarding"
        MEDICATION = "medication", "Medication administration"
        MOVING_HANDLING = "moving_handling", "Moving and handling"
        INTIMATE_CARE = "intimate_care", "Intimate care"
        # Specific procedures, each trained for separately.
        BUCCAL_MIDAZOLAM = "buccal_midazolam", "Buccal midazolam"
        AUTO_INJECTOR = "auto_injector", "Adrenaline auto-injector"
        GASTROSTOMY = "gastrostomy", "Gastrostomy feeding"
        STOMA_CATHETER = "stoma_catheter", "Stoma and catheter care"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    course = models.CharField(max_length=200, blank=True, help_text="'Team Teach level 2'")
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True, help_text="Empty if it does not expire.")
    # CPD (issue 9): who ran it and how long it took; the certificate is an
    # appraisal.Certificate, served only through the access check.
    provider = models.CharField(max_length=150, blank=True, help_text="'St John Ambulance'")
    hours = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text="Hours of training."
    )

    objects = TrainingQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("completed_on")),
                name="training_dates",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gt=0, hours__lte=500),
                name="training_hours",
            ),
        ]
        indexes = [models.Index(fields=["user", "kind", "expires_on"], name="training_current_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.completed_on:%b %Y})"


def training_status(user_ids, kind, day) -> dict:
    """{user_id: 'current' | 'expired' | 'none'} for `kind` on `day`. One query."""
    status = dict.fromkeys(user_ids, "none")
    for user_id, expires in Training.objects.filter(
        user_id__in=list(user_ids), kind=kind, completed_on__lte=day
    ).values_list("user_id", "expires_on"):
        if expires is None or expires >= day:
            status[user_id] = "current"
        elif status[user_id] != "current":
            status[user_id] = "expired"
    return status


class CareGender(models.Model):
    """A staff member's sex as the school records it for one purpose only: checking an
    intimate care plan that asks for female (or male) staff. Optional (no row means "not
    recorded"), set by the SENCO or head of the school, never shown anywhere else, and the
    only personal detail about staff the care pages keep."""

    class Gender(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    gender = models.CharField(max_length=6, choices=Gender.choices)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="caregender_one_per_school"),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.get_gender_display()}"


def care_genders(school_id, user_ids) -> dict:
    """{user_id: 'female' | 'male'} for those of `user_ids` recorded at the school; the
    others are not recorded. One query."""
    return dict(
        CareGender.objects.filter(school_id=school_id, user_id__in=list(user_ids)).values_list(
            "user_id", "gender"
        )
    )


class StaffMember(models.Model):
    """A person's employment at one school: their post, grade, contract and line manager.
    One row per person per school, so someone who works across a trust has a contract (and
    a weekly working pattern) at each school. HR data: the person sees their own, their line
    manager their team's, the head/admin everyone's (staff.access)."""

    class Post(models.TextChoices):
        TA = "ta", "Teaching assistant"
        HLTA = "hlta", "Higher level teaching assistant"
        TEACHER = "teacher", "Teacher"
        SENCO = "senco", "SENCO"
        LEADER = "leader", "Senior leader"
        ADMIN = "admin", "Office and administration"
        OTHER = "other", "Other support staff"

    class Band(models.TextChoices):
        """The TA career bands of the seeds' job descriptions."""

        INDUCTION = "band1", "Band 1 (induction)"
        BAND_2 = "band2", "Band 2"
        HLTA = "band3", "Band 3 (HLTA)"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employments"
    )
    post = models.CharField(max_length=10, choices=Post.choices)
    job_title = models.CharField(max_length=120, help_text="'Teaching Assistant (SEN)'")
    grade = models.CharField(max_length=20, blank=True, help_text="Pay grade, e.g. 'H3'.")
    band = models.CharField(max_length=5, choices=Band.choices, blank=True)
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="line_managed",
    )
    # The contract. Hours a week while working; weeks a year paid (38 for term time only,
    # 39 with INSET days, 52 all year).
    hours_per_week = models.DecimalField(max_digits=5, decimal_places=2)
    weeks_per_year = models.DecimalField(max_digits=4, decimal_places=2, default=52)
    term_time_only = models.BooleanField(default=False)
    inset_days = models.PositiveSmallIntegerField(
        default=0, help_text="Training days worked beyond term time."
    )
    fixed_term_end = models.DateField(null=True, blank=True, help_text="Empty if permanent.")
    started_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    # Qualifications, as the job descriptions ask for them (hr).
    class HltaStatus(models.TextChoices):
        TRAINING = "training", "Working towards HLTA status"
        ACHIEVED = "achieved", "HLTA status"

    class FirstAid(models.TextChoices):
        PAEDIATRIC = "paediatric", "Paediatric first aid"
        EMERGENCY = "emergency", "Emergency first aid at work"
        FULL = "full", "First aid at work"

    nvq_level = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="NVQ / RQF level in supporting teaching and learning."
    )
    gcse_english = models.BooleanField(default=False, help_text="GCSE English at 4 / C or above.")
    gcse_maths = models.BooleanField(default=False, help_text="GCSE maths at 4 / C or above.")
    hlta_status = models.CharField(max_length=10, choices=HltaStatus.choices, blank=True)
    first_aid = models.CharField(max_length=10, choices=FirstAid.choices, blank=True)
    # KCSIE asks for overseas checks of anyone who has lived or worked outside the UK:
    # it decides whether the single central record needs that check for this person.
    lived_overseas = models.BooleanField(
        default=False, help_text="Lived or worked outside the UK: overseas checks are needed."
    )

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="staffmember_one_per_school"),
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=0, hours_per_week__lte=60),
                name="staffmember_hours",
            ),
            models.CheckConstraint(
                condition=Q(weeks_per_year__gt=0, weeks_per_year__lte=52),
                name="staffmember_weeks",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("started_on")),
                name="staffmember_dates",
            ),
            models.CheckConstraint(
                condition=~Q(line_manager=models.F("user")), name="staffmember_not_own_manager"
            ),
            models.CheckConstraint(
                condition=Q(nvq_level__isnull=True) | Q(nvq_level__gte=1, nvq_level__lte=8),
                name="staffmember_nvq_level",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.job_title}"


class WorkingDay(models.Model):
    """One weekday of a person's working pattern at a school: when they are contracted to
    be there. The planner never deploys anyone outside it."""

    member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="pattern")
    weekday = models.PositiveSmallIntegerField(help_text="ISO weekday: 1 = Monday … 5 = Friday.")
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["member", "weekday"], name="workingday_one_per_day"),
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=5), name="workingday_weekday"
            ),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="workingday_times"),
        ]

    def __str__(self):
        return f"{self.member_id} day {self.weekday} {self.start:%H:%M}–{self.end:%H:%M}"


class CentralCheck(models.Model):
    """One pre-employment check of the single central record (Keeping children safe in
    education): what was checked, when, by whom and the evidence seen. One row per person
    per school per kind; a re-check replaces the row, and the audit trail keeps the old
    values. Only the head/admin sees these (staff.access.can_see_scr)."""

    class Kind(models.TextChoices):
        IDENTITY = "identity", "Identity"
        DBS = "dbs", "Enhanced DBS with barred list"
        PROHIBITION = "prohibition", "Prohibition from teaching"
        RIGHT_TO_WORK = "right_to_work", "Right to work in the UK"
        OVERSEAS = "overseas", "Overseas checks"
        QUALIFICATIONS = "qualifications", "Qualifications"
        SECTION_128 = "section_128", "Section 128 (management)"

    member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    checked_on = models.DateField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    evidence = models.CharField(
        max_length=200, help_text="Where the evidence is: 'Passport seen, copy in HR file 12'."
    )
    # For the DBS check only: the certificate, the barred-list check and whether the
    # person subscribes to the update service (so the school can re-check online).
    certificate_number = models.CharField(max_length=12, blank=True)
    barred_list = models.BooleanField(default=False)
    update_service = models.BooleanField(default=False)

    class Meta:
        ordering = ["member_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["member", "kind"], name="centralcheck_one_per_kind"),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.get_kind_display()} {self.checked_on}"
