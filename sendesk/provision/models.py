import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from sendesk.lib.dates import active_on
from sendesk.plans.models import Plan, Target
from sendesk.pupils.models import Pupil
from sendesk.schools.models import School
from sendesk.staff.models import Training


class TimelineKind(models.TextChoices):
    """The timeline lines provision writes (ProvisionConfig.timeline_kinds)."""

    PROVISION = "provision", "Provision"
    SESSION = "session", "Session"
    SESSION_MISSED = "session_missed", "Missed session"
    SESSION_AMENDED = "session_amended", "Session record corrected"


WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri"]


class TimeOfDay(models.TextChoices):
    """When in the day a provision is given: the deployment planner keeps to it."""

    ANY = "any", "Any time"
    MORNING = "morning", "Morning"
    AFTERNOON = "afternoon", "Afternoon"


class ProvisionQuerySet(models.QuerySet):
    def current_on(self, day):
        return self.filter(active_on(day))

    def adult_hours(self):
        """Promises of 1:1 adult hours (Provision.needs_one_to_one_adult)."""
        return self.filter(kind=Provision.Kind.ONE_TO_ONE, session_minutes__isnull=True)

    def due_on(self, day):
        """Provision whose weekly pattern includes `day`'s weekday. Does not look at the
        school calendar: callers check that `day` is a school day (one query, cached)."""
        return self.current_on(day).filter(days__contains=str(day.isoweekday()))


class Measure(models.Model):
    """How a school measures progress in an intervention or a routine test: a standardised
    score, a reading or spelling age (scores in months), a count (words read, spellings
    right), or a scale of the school's own. Provision.measure names the one an intervention
    uses; entry, exit and routine scores are the assessment app's."""

    class Kind(models.TextChoices):
        STANDARDISED = "standardised", "Standardised score"
        READING_AGE = "reading_age", "Reading age (months)"
        SPELLING_AGE = "spelling_age", "Spelling age (months)"
        COUNT = "count", "A count"
        SCALE = "scale", "The school's own scale"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="measures")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    higher_is_better = models.BooleanField(
        default=True, help_text="Off for a measure where fewer is better, e.g. errors."
    )
    # The range a score may take (a standardised score 40-160; a count from 0; a scale's
    # ends): scores outside it are refused as typing mistakes.
    min_score = models.DecimalField(max_digits=7, decimal_places=1, default=0)
    max_score = models.DecimalField(max_digits=7, decimal_places=1)
    # The intervention's exit criterion: a score at or beyond this (in the better
    # direction) means the pupil no longer needs the intervention. Optional.
    exit_score = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="measure_name_unique"),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["standardised", "reading_age", "spelling_age", "count", "scale"]
                ),
                name="measure_kind_known",
            ),  # fmt: skip
            models.CheckConstraint(condition=Q(max_score__gt=F("min_score")), name="measure_range"),
            models.CheckConstraint(
                condition=Q(exit_score__isnull=True)
                | Q(exit_score__gte=F("min_score"), exit_score__lte=F("max_score")),
                name="measure_exit_in_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def in_months(self) -> bool:
        return self.kind in (self.Kind.READING_AGE, self.Kind.SPELLING_AGE)


class Provision(models.Model):
    """What the pupil's plan promises: EHC plan section F, or the SEN support plan."""

    class Kind(models.TextChoices):
        ONE_TO_ONE = "one_to_one", "1:1 support"
        GROUP = "group", "Small-group intervention"
        THERAPY = "therapy", "Therapy programme"
        CARE = "care", "Care programme"
        EQUIPMENT = "equipment", "Equipment or adaptation"
        ACCESS = "access", "Access arrangement"

    class Source(models.TextChoices):
        EHCP_F = "ehcp_f", "EHC plan section F"
        SEN_SUPPORT = "sen_support", "SEN support plan"

    class Staffing(models.TextChoices):
        TA = "ta", "Teaching assistant"
        HLTA = "hlta", "HLTA"
        TEACHER = "teacher", "Teacher"
        THERAPIST = "therapist", "Therapist"
        ANY = "any", "Any trained adult"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="provisions")
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="provisions"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source = models.CharField(max_length=20, choices=Source.choices)
    # How much: either sessions × minutes, or a number of minutes (hours) a week.
    sessions_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    session_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    weekly_minutes = models.PositiveIntegerField(
        help_text="Minutes promised per full school week: sessions × minutes, or hours × 60."
    )
    days = models.CharField(
        max_length=5,
        default="12345",
        help_text="Weekly pattern: ISO weekday digits, 1 = Monday … 5 = Friday.",
    )
    group_size = models.PositiveSmallIntegerField(default=1)
    staffing = models.CharField(max_length=20, choices=Staffing.choices, default=Staffing.TA)
    staffing_notes = models.CharField(max_length=200, blank=True)
    targets = models.ManyToManyField(Target, blank=True, related_name="provisions")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    cost_per_hour = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    # For the deployment planner. A TA named in the EHC plan must be that TA; "morning" or
    # "afternoon" keeps the provision to that part of the day; a required training (positive
    # handling, say) is needed by every adult the planner deploys to it.
    named_adult = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The adult the plan names, if it names one.",
    )
    time_of_day = models.CharField(
        max_length=10, choices=TimeOfDay.choices, default=TimeOfDay.ANY, blank=True
    )
    training = models.CharField(
        max_length=30,
        choices=Training.Kind.choices,
        blank=True,
        help_text="Training every adult deployed to it needs, current on the day.",
    )

    # An intervention's measure: how its entry and exit scores are taken (assessment app).
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.PROTECT, related_name="provisions"
    )

    objects = ProvisionQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(sessions_per_week__isnull=True, session_minutes__isnull=True)
                    | Q(weekly_minutes=F("sessions_per_week") * F("session_minutes"))
                ),
                name="provision_weekly_minutes",
            ),
            models.CheckConstraint(
                condition=Q(weekly_minutes__gt=0), name="provision_minutes_positive"
            ),
            models.CheckConstraint(condition=~Q(days=""), name="provision_has_days"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="provision_dates"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def day_names(self):
        return [WEEKDAYS[int(d) - 1] for d in self.days]

    @property
    def minutes_per_day(self):
        """Minutes owed on each day of the pattern."""
        return self.weekly_minutes / len(self.days)

    @property
    def minutes_offered(self) -> int:
        """The minutes a record of one session starts with, online and offline: a session's
        length, or for support given in hours a week (in-class 1:1) a day's share."""
        return self.session_minutes or round(self.minutes_per_day)

    @property
    def needs_one_to_one_adult(self):
        """A promise of 1:1 adult hours (in-class 1:1 support, counted in hours a week,
        not in sessions): only an adult deployed 1:1 to the pupil gives it. A 1:1 session
        programme, a group or a therapy is given by whoever runs the session (a class TA,
        the key adult, the teacher, a therapist), who need not be deployed to the pupil.
        The deployment page, the shortfall explanation and the demo ask this one rule."""
        return self.kind == self.Kind.ONE_TO_ONE and self.session_minutes is None

    @property
    def how_much(self):
        if self.sessions_per_week:
            return f"{self.sessions_per_week} × {self.session_minutes} min a week"
        hours = self.weekly_minutes / 60
        return f"{hours:g} h a week"


class MissedReason(models.TextChoices):
    STAFF_ABSENT = "staff_absent", "Staff absent"
    PUPIL_ABSENT = "pupil_absent", "Pupil absent"
    TRIP = "trip", "Trip or event"
    TIMETABLE = "timetable_clash", "Timetable clash"
    OTHER = "other", "Other"


class Session(models.Model):
    """One delivered or missed occurrence of a provision (or ad-hoc support). Evidence:
    after saving it changes only through an attributed SessionAmendment."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.UUIDField(
        unique=True,
        default=uuid.uuid4,
        help_text="Made by the device that recorded it, so a resend never makes a second record.",
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="sessions")
    provision = models.ForeignKey(
        Provision, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    delivered = models.BooleanField()
    missed_reason = models.CharField(max_length=20, choices=MissedReason.choices, blank=True)
    missed_note = models.CharField(max_length=300, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions_delivered"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions_recorded"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-date", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(delivered=True, missed_reason="")
                | Q(delivered=False) & ~Q(missed_reason=""),
                name="session_missed_has_reason",
            ),
            models.CheckConstraint(condition=Q(minutes__gt=0), name="session_minutes_positive"),
        ]
        indexes = [
            # Reconciliation: sessions of a provision in a date range.
            models.Index(fields=["provision", "date"], name="session_provision_date_idx"),
            models.Index(fields=["school", "date"], name="session_school_date_idx"),
            # The missed-sessions count of provision.selectors.reconcile (the shortfall
            # list, the SENCO overview, the pupil page) starts from a school's missed
            # sessions in the term: a few rows among many delivered ones.
            models.Index(
                fields=["school", "date"],
                condition=Q(delivered=False),
                name="session_missed_idx",
            ),
        ]


class Attendance(models.TextChoices):
    PRESENT = "present", "Present"
    PARTIAL = "partial", "Part of the session"
    ABSENT = "absent", "Absent"
    REFUSED = "refused", "Refused"


class Rating(models.TextChoices):
    NOT_YET = "not_yet", "Not yet"
    EMERGING = "emerging", "Emerging"
    DEVELOPING = "developing", "Developing"
    SECURE = "secure", "Secure"
    ACHIEVED = "achieved", "Achieved"


RESPONSE_CHOICES = [
    (1, "1 — did not engage"),
    (2, "2 — engaged a little"),
    (3, "3 — engaged with prompts"),
    (4, "4 — engaged well"),
    (5, "5 — fully engaged"),
]


class SessionPupil(models.Model):
    """A pupil's part in a session: attendance, response and progress."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="pupils")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="session_records")
    # The provision these minutes count towards: the session's own for its pupil, or,
    # in a group, each pupil's own provision when the recorder names it.
    provision = models.ForeignKey(
        Provision, null=True, blank=True, on_delete=models.PROTECT, related_name="session_records"
    )
    # Blank only when the session was missed: the pupil was owed it but never had it.
    attendance = models.CharField(max_length=10, choices=Attendance.choices, blank=True)
    date = models.DateField(
        help_text="The session's date, copied here so reconciliation sums one table."
    )
    minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Minutes the pupil received: 0 when absent, refused or missed."
    )
    response = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=RESPONSE_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    adaptations = models.TextField(blank=True)
    note = models.TextField(blank=True)
    # Notes are written for staff; a parent sees one only when the recorder chose to share
    # it (family pages). Changed afterwards only by an amendment, which keeps the old value.
    note_shared_with_parents = models.BooleanField(
        default=False, help_text="The child's parents may read this note on their pages."
    )
    flag_for_teacher = models.BooleanField(default=False)
    # What the teacher should look at: asked for whenever a session is flagged on the page,
    # so a flag in the feed says why it is there.
    flag_note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "pupil"], name="sessionpupil_unique"),
            models.CheckConstraint(
                condition=Q(response__isnull=True) | Q(response__gte=1, response__lte=5),
                name="sessionpupil_response_scale",
            ),
        ]
        indexes = [
            # Reconciliation sums minutes per provision over a week and a term; the index
            # covers the whole query.
            models.Index(fields=["provision", "date", "minutes"], name="sessionpupil_recon_idx"),
            # The teacher feed and the pupil's session history.
            models.Index(fields=["pupil", "-date"], name="sessionpupil_pupil_idx"),
        ]


class TermTally(models.Model):
    """Minutes delivered towards a provision in one term of its pupil's school: the sum of
    its session records dated in the term, kept by the database (triggers on session
    records and terms, on SQLite and PostgreSQL: provision/tally.py), never by the code.

    Adding up a trust's thousands of current provisions read one range of session records
    per provision (about 8,000 index look-ups at thirty schools, most of the trust view's
    time); with the term's sum kept here it is one join (provision.selectors
    _current_sql). A session record adds its minutes when written, an amendment of its
    minutes the difference, a disposal takes them away; a term whose dates are entered or
    changed is summed again for its school. Rows may hold 0 (a record's minutes amended
    away)."""

    # Looked up by the unique constraint's index (provision first): no index of its own.
    provision = models.ForeignKey(
        Provision, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    term_start = models.DateField(help_text="The first day of the term (its school's Term).")
    minutes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provision", "term_start"], name="termtally_unique"),
        ]
        indexes = [
            # The trust view reads one term's rows of every provision: an index-only range.
            models.Index(fields=["term_start", "provision", "minutes"], name="termtally_term_idx"),
        ]


class TargetRating(models.Model):
    session_pupil = models.ForeignKey(
        SessionPupil, on_delete=models.PROTECT, related_name="ratings"
    )
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="ratings")
    rating = models.CharField(max_length=12, choices=Rating.choices)
    date = models.DateField(help_text="The session's date, kept here for 'latest rating' look-ups.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session_pupil", "target"], name="rating_unique"),
        ]
        # Latest rating per target, and targets with no evidence since a date.
        indexes = [models.Index(fields=["target", "-date"], name="rating_target_date_idx")]


class SessionAmendment(models.Model):
    """A correction to a saved session: who, when, why, and each field's old and new value.
    The first amendment's old values are the original record."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="amendments")
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField()
    reason = models.CharField(max_length=300)
    changes = models.JSONField(
        help_text="{field: [old, new]}, pupil fields keyed 'pupil:<id>:<field>'."
    )

    class Meta:
        ordering = ["amended_at", "id"]


class FeedReceipt(models.Model):
    """A teacher has seen a session record in their feed."""

    session_pupil = models.ForeignKey(
        SessionPupil, on_delete=models.CASCADE, related_name="receipts"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session_pupil", "user"], name="receipt_unique"),
        ]
