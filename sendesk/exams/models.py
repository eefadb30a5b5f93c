"""Exams and access arrangements: what each pupil is allowed in an exam (and the
assessor's evidence for it), the evidence that it is their normal way of working in
class, the exam timetable, who sits in which room, and the adults allocated to each room
as readers, scribes, prompters and invigilators."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from sendesk.provision.models import Session
from sendesk.pupils.models import Pupil
from sendesk.schools.models import School


class Arrangement(models.Model):
    """One access arrangement of a pupil (JCQ and the STA's KS2 guidance name these). It
    holds from `start` until it is ended (`end`, with why); one current arrangement of each
    kind per pupil."""

    class Kind(models.TextChoices):
        EXTRA_TIME = "extra_time", "Extra time"
        READER = "reader", "Reader"
        SCRIBE = "scribe", "Scribe"
        PROMPTER = "prompter", "Prompter"
        REST_BREAKS = "rest_breaks", "Rest breaks"
        SEPARATE_ROOM = "separate_room", "Separate room"
        WORD_PROCESSOR = "word_processor", "Word processor"
        MODIFIED_PAPERS = "modified_papers", "Modified papers"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="exam_arrangements")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    extra_time_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Extra time only: 25 for 25 %."
    )
    details = models.CharField(
        max_length=300,
        blank=True,
        help_text="'Enlarged A3 papers', 'a 5-minute break each half hour'",
    )
    assessor = models.CharField(max_length=150, help_text="Who assessed the need: name and role.")
    assessed_on = models.DateField()
    evidence = models.TextField(help_text="What the assessment found, e.g. standardised scores.")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind="extra_time", extra_time_percent__gte=1, extra_time_percent__lte=100
                )
                | (~Q(kind="extra_time") & Q(extra_time_percent__isnull=True)),
                name="arrangement_extra_time_percent",
            ),  # fmt: skip
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="arrangement_dates"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | ~Q(end_reason=""), name="arrangement_end_reason"
            ),
            models.CheckConstraint(condition=~Q(assessor=""), name="arrangement_has_assessor"),
            models.UniqueConstraint(
                fields=["pupil", "kind"],
                condition=Q(end__isnull=True),
                name="arrangement_one_current_per_kind",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.kind == self.Kind.EXTRA_TIME:
            return f"{self.extra_time_percent} % extra time"
        return self.get_kind_display()


class ArrangementUse(models.Model):
    """Evidence that an arrangement is the pupil's normal way of working: a day (and, when
    the TA names it, a recorded session) when it was used in class. Never edited or
    deleted; a use recorded by mistake is withdrawn (UseWithdrawal), which keeps it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="uses")
    # The arrangement's pupil, kept here so the access layer scopes uses directly.
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    context = models.CharField(max_length=200, blank=True, help_text="'Maths: fractions quiz'")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-date", "-recorded_at"]
        indexes = [models.Index(fields=["arrangement", "date"], name="arrangementuse_date_idx")]


class UseWithdrawal(models.Model):
    """A use recorded by mistake, withdrawn with why: it no longer counts, and stays."""

    use = models.OneToOneField(ArrangementUse, on_delete=models.PROTECT, related_name="withdrawal")
    reason = models.CharField(max_length=300)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="withdrawal_reason")]


class ExamSession(models.Model):
    """One sitting on the exam timetable: a paper, its day and its times (without extra
    time: each candidate's own finish is worked out from their arrangements)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="exam_sessions")
    title = models.CharField(max_length=120, help_text="'Practice SATs: English reading'")
    series = models.CharField(max_length=120, blank=True, help_text="'Practice SATs, autumn'")
    date = models.DateField()
    start = models.TimeField()
    end = models.TimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["date", "start", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="examsession_times"),
        ]

    def __str__(self):
        return f"{self.title} ({self.date})"


class ExamRoom(models.Model):
    """A room used for one exam session: the hall, a small room for a reader."""

    session = models.ForeignKey(ExamSession, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "name"], name="examroom_unique_name"),
            models.CheckConstraint(condition=~Q(name=""), name="examroom_has_name"),
        ]

    def __str__(self):
        return self.name


class Candidate(models.Model):
    """A pupil sitting an exam session, and the room they sit in."""

    session = models.ForeignKey(ExamSession, on_delete=models.CASCADE, related_name="candidates")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="exam_seats")
    room = models.ForeignKey(ExamRoom, on_delete=models.PROTECT, related_name="candidates")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "pupil"], name="candidate_once_a_session"),
        ]


class Allocation(models.Model):
    """An adult in a room of an exam session: an invigilator, or a reader, scribe or
    prompter for one candidate. When taking them left a pupil's EHC plan 1:1 without an
    adult (the published deployment plan), the SENCO confirmed it: who, and why."""

    class Role(models.TextChoices):
        INVIGILATOR = "invigilator", "Invigilator"
        READER = "reader", "Reader"
        SCRIBE = "scribe", "Scribe"
        PROMPTER = "prompter", "Prompter"

    session = models.ForeignKey(ExamSession, on_delete=models.CASCADE, related_name="allocations")
    room = models.ForeignKey(ExamRoom, on_delete=models.PROTECT, related_name="allocations")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=12, choices=Role.choices)
    pupil = models.ForeignKey(
        Pupil, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the SENCO confirmed (the 1:1s left without an adult, in words) and why.
    confirmed_conflict = models.CharField(max_length=500, blank=True)
    confirmed_reason = models.CharField(max_length=300, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    allocated_at = models.DateTimeField()

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role="invigilator", pupil__isnull=True)
                | (~Q(role="invigilator") & Q(pupil__isnull=False)),
                name="allocation_pupil_for_support",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_conflict="") | ~Q(confirmed_reason=""),
                name="allocation_conflict_has_reason",
            ),
            # One reader (scribe, prompter) per candidate; one invigilator row per adult.
            models.UniqueConstraint(
                fields=["session", "pupil", "role"],
                condition=Q(pupil__isnull=False),
                name="allocation_one_per_candidate_role",
            ),
            models.UniqueConstraint(
                fields=["session", "staff"],
                condition=Q(role="invigilator"),
                name="allocation_one_invigilator_row",
            ),
        ]
