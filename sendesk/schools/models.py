import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q


class Trust(models.Model):
    name = models.CharField(max_length=200, unique=True)

    def __str__(self):
        return self.name


class School(models.Model):
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(max_length=200)
    urn = models.CharField("URN", max_length=10, blank=True)
    la_number = models.CharField("LA number", max_length=3, blank=True)
    # The notional SEN budget: the part of the school's budget the local authority says is
    # for SEN support (the first £6,000 a pupil needs beyond the ordinary). The provision map
    # sets its costs against it; empty until the SENCO or head types it in.
    notional_sen_budget = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["trust", "name"], name="school_unique_name")]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    TA = "ta", "Teaching assistant"
    HLTA = "hlta", "Higher level teaching assistant"
    TEACHER = "teacher", "Teacher"
    SENCO = "senco", "SENCO"
    DSL = "dsl", "Designated safeguarding lead"
    HEAD = "head", "Head / school admin"
    # An external professional (speech and language therapist, OT, physio): sees only the
    # pupils referred to them, through the therapy pages, never the ordinary pupil pages.
    THERAPIST = "therapist", "External therapist"
    # The school's data-protection officer (issue 12): answers subject access requests. Sees
    # no pupil through the ordinary pages; reads a person's records only as a request's
    # download (sendesk.records).
    DPO = "dpo", "Data protection officer"


class StaffRole(models.Model):
    """One role a person holds at one school. A person may hold several (a SENCO who is
    also a deputy DSL) and at several schools of a trust."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "school", "role"], name="staffrole_unique")
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} at {self.school}"


class YearGroup(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="year_groups")
    name = models.CharField(
        max_length=40, help_text="As the school says it: 'Year 3', 'Reception'."
    )
    ordinal = models.SmallIntegerField(help_text="National curriculum year; Reception is 0.")

    class Meta:
        ordering = ["ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["school", "ordinal"], name="yeargroup_unique")
        ]

    def __str__(self):
        return self.name


class TeachingGroup(models.Model):
    """A class or set, with the teachers who teach it."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="teaching_groups")
    name = models.CharField(max_length=60)
    year_group = models.ForeignKey(
        YearGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="groups"
    )
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="teaching_groups"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="teachinggroup_unique")
        ]

    def __str__(self):
        return self.name


class Term(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=40, help_text="'Autumn 2026'")
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="term_dates"),
            models.UniqueConstraint(fields=["school", "start"], name="term_unique_start"),
        ]

    def __str__(self):
        return self.name


class Closure(models.Model):
    """Days inside a term when pupils are not taught: half term, training (INSET) days,
    bank holidays. Promised provision is not owed on these days."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "Holiday"
        TRAINING = "training", "Training day"
        BANK_HOLIDAY = "bank_holiday", "Bank holiday"
        OTHER = "other", "Other closure"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closures")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=60)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="closure_dates"),
        ]

    def __str__(self):
        return f"{self.name} ({self.start}–{self.end})"

    def days(self):
        day = self.start
        while day <= self.end:
            yield day
            day += dt.timedelta(days=1)


class Period(models.Model):
    """One part of the school day on one weekday: a lesson, break, lunch, registration, or
    before and after school. The timetables and the deployment planner are built on them."""

    class Kind(models.TextChoices):
        BEFORE = "before", "Before school"
        REGISTRATION = "registration", "Registration"
        LESSON = "lesson", "Lesson"
        BREAK = "break", "Break"
        LUNCH = "lunch", "Lunch"
        AFTER = "after", "After school"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(help_text="ISO weekday: 1 = Monday … 5 = Friday.")
    name = models.CharField(max_length=40, help_text="'Period 1', 'Lunch'")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "weekday", "start"], name="period_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=5), name="period_weekday"
            ),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="period_times"),
        ]

    def __str__(self):
        return f"{self.name} ({self.start:%H:%M}–{self.end:%H:%M})"


class TrustRole(models.Model):
    """A role across a trust's schools (issue 13): the trust view only. It gives no pupil
    access by itself: a trust person opens a school's pages only where they also hold a
    StaffRole there. Granted in the Django admin or with `manage.py trust_role`, never
    through a school's pages (a school's head cannot make someone a trust officer)."""

    class Kind(models.TextChoices):
        TRUST_SENCO = "trust_senco", "Trust SENCO"
        TRUST_LEAD = "trust_lead", "Trust lead"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trust_roles"
    )
    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=12, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "trust", "role"], name="trustrole_unique")
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} of {self.trust}"
