import uuid
from functools import cache

from django.conf import settings
from django.db import models
from django.db.models import Q

from sendesk.lib.registry import merged
from sendesk.schools.models import School, TeachingGroup, YearGroup

from .upn import validate_upn


class SenStatus(models.TextChoices):
    # The census codes; the letters are what schools see in their MIS.
    NONE = "N", "N — no SEN"
    SUPPORT = "K", "K — SEN support"
    EHCP = "E", "E — EHC plan"


class Area(models.TextChoices):
    CI = "ci", "Communication and interaction"
    CL = "cl", "Cognition and learning"
    SEMH = "semh", "Social, emotional and mental health"
    SP = "sp", "Sensory and/or physical"
    OTHER = "other", "Other"


class NeedCode(models.TextChoices):
    SPLD = "SPLD", "Specific learning difficulty"
    MLD = "MLD", "Moderate learning difficulty"
    SLD = "SLD", "Severe learning difficulty"
    PMLD = "PMLD", "Profound and multiple learning difficulty"
    SEMH = "SEMH", "Social, emotional and mental health"
    SLCN = "SLCN", "Speech, language and communication needs"
    HI = "HI", "Hearing impairment"
    VI = "VI", "Visual impairment"
    MSI = "MSI", "Multi-sensory impairment"
    PD = "PD", "Physical disability"
    ASD = "ASD", "Autistic spectrum disorder"
    OTH = "OTH", "Other difficulty or disability"
    NSA = "NSA", "SEN support but no specialist assessment"


NEED_AREA = {
    "SPLD": Area.CL, "MLD": Area.CL, "SLD": Area.CL, "PMLD": Area.CL,
    "SLCN": Area.CI, "ASD": Area.CI,
    "SEMH": Area.SEMH,
    "HI": Area.SP, "VI": Area.SP, "MSI": Area.SP, "PD": Area.SP,
    "OTH": Area.OTHER, "NSA": Area.OTHER,
}  # fmt: skip


class PupilQuerySet(models.QuerySet):
    def on_register(self):
        return self.exclude(sen_status=SenStatus.NONE)

    def on_roll(self, day=None):
        """Not left by `day` (today by default): leavers (issue 12) are not counted."""
        from django.utils import timezone

        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=day or timezone.localdate()))


class Pupil(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupils")
    upn = models.CharField(
        "UPN",
        max_length=13,
        validators=[validate_upn],
        # Blank only for a pupil imported from a file that had none (issue 12): the pupil
        # pages say "UPN needed" until someone types it in.
        blank=True,
        help_text="Unique Pupil Number, 13 characters, starting with its check letter.",
    )
    legal_first_name = models.CharField(max_length=100)
    legal_last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="What the pupil likes to be called, if not the legal first name.",
    )
    date_of_birth = models.DateField()
    year_group = models.ForeignKey(YearGroup, on_delete=models.PROTECT, related_name="pupils")
    teaching_groups = models.ManyToManyField(TeachingGroup, blank=True, related_name="pupils")
    # Current census status; the history is in SenStatusPeriod and kept in step by the
    # pupils services, which write both in one transaction.
    sen_status = models.CharField(max_length=1, choices=SenStatus.choices, default=SenStatus.NONE)
    # One-page profile, in the pupil's own words where possible.
    what_matters = models.TextField("What matters to me", blank=True)
    good_at = models.TextField("What I'm good at", blank=True)
    how_to_support = models.TextField("How best to support me", blank=True)
    created = models.DateTimeField(auto_now_add=True)
    # The day the pupil left (issue 12), kept here rather than only in PupilLeaving so that
    # the scope rules and the read-only check read it with the pupil, at no query's cost.
    # Written only by sendesk.pupils.leavers, with a PupilLeaving row saying why and where.
    left_on = models.DateField(null=True, blank=True)

    objects = PupilQuerySet.as_manager()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        constraints = [
            # Unique when known: several imported pupils may still be waiting for theirs.
            models.UniqueConstraint(
                fields=["school", "upn"], condition=~Q(upn=""), name="pupil_unique_upn"
            ),
        ]
        indexes = [models.Index(fields=["school", "sen_status"], name="pupil_register_idx")]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return f"{self.preferred_name or self.legal_first_name} {self.legal_last_name}"

    @property
    def has_left(self) -> bool:
        """Whether the pupil has left (the leaving day has come): their record is then kept
        read-only, and the pages ask this to hide what would write. A leaving recorded
        ahead (a pupil about to leave) changes nothing until its day."""
        from django.utils import timezone

        return self.left_on is not None and self.left_on <= timezone.localdate()


class PupilLeaving(models.Model):
    """A pupil's leaving, as the SENCO or head recorded it: when, where to, why. A leaving
    undone (the pupil rejoined, or it was recorded in error) keeps its row, with who undid
    it and when, so the record says it happened."""

    class Reason(models.TextChoices):
        PHASE = "phase", "Moved on to the next phase (e.g. secondary school)"
        TRANSFER = "transfer", "Moved to another school"
        MOVED_AWAY = "moved_away", "Moved out of the area"
        SPECIALIST = "specialist", "Moved to a specialist setting"
        HOME_EDUCATION = "home_education", "Elective home education"
        OTHER = "other", "Other"

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="leavings")
    left_on = models.DateField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    next_school = models.CharField(max_length=150, blank=True)
    next_school_urn = models.CharField("Next school's URN", max_length=6, blank=True)
    next_school_laestab = models.CharField("Next school's LA/Estab", max_length=7, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            # At most one leaving in force per pupil: the one Pupil.left_on mirrors.
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(undone_at__isnull=True), name="leaving_one_current"
            ),
        ]

    def __str__(self):
        return f"{self.pupil} left on {self.left_on}"


class TransferDisclosure(models.Model):
    """Something of a pupil's record that went to their next school (the transfer pack,
    the CTF): what, by whom, when, to which school. Kept as the record of a disclosure;
    never changed."""

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="disclosures")
    what = models.CharField(max_length=60)
    to_school = models.CharField(max_length=150, blank=True)
    via = models.CharField(max_length=10, default="web")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]


class SenStatusPeriod(models.Model):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="sen_history")
    status = models.CharField(max_length=1, choices=SenStatus.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="Empty while current.")

    class Meta:
        ordering = ["-start"]
        constraints = [
            # At most one open period per pupil: the current status.
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(end__isnull=True), name="senperiod_one_current"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="senperiod_dates",
            ),
        ]


class PupilNeed(models.Model):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="needs")
    code = models.CharField(max_length=4, choices=NeedCode.choices)
    rank = models.PositiveSmallIntegerField(help_text="1 is the primary need.")

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "rank"], name="need_unique_rank"),
            models.UniqueConstraint(fields=["pupil", "code"], name="need_unique_code"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="need_rank_positive"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.get_code_display()}"

    @property
    def area(self):
        return NEED_AREA[self.code]


class Strategy(models.Model):
    """A strategy that works for this pupil, written so a cover TA can use it straight away."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="strategies")
    text = models.CharField(max_length=300)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name_plural = "strategies"


class Contact(models.Model):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=150)
    relationship = models.CharField(max_length=60, help_text="'Mother', 'Foster carer', …")
    parental_responsibility = models.BooleanField(default=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    priority = models.PositiveSmallIntegerField(default=1, help_text="1 is called first.")

    class Meta:
        ordering = ["priority", "id"]


class DeploymentQuerySet(models.QuerySet):
    def standing(self):
        """The deployments people made by hand (1:1, key adult, class support), without the
        day-by-day rows a published deployment plan or an educational visit writes."""
        return self.filter(made_by_plan__isnull=True).exclude(kind=Deployment.Kind.TRIP)


class Deployment(models.Model):
    """Who works with whom. This, and nothing else, puts a pupil in a TA's scope: the
    standing deployments made by hand, and the dated rows of the week's published plan and
    of a trip's day (see standing())."""

    class Kind(models.TextChoices):
        ONE_TO_ONE = "one_to_one", "1:1"
        KEY_ADULT = "key_adult", "Key adult"
        GROUP = "group", "Class / group support"
        # The adults going on an educational visit, with its pupils, for that day only
        # (written by the visits app when the trip is planned): they must see whom they
        # look after and give their medicines.
        TRIP = "trip", "Educational visit"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="deployments")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deployments"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    pupil = models.ForeignKey(
        Pupil, null=True, blank=True, on_delete=models.CASCADE, related_name="deployments"
    )
    teaching_group = models.ForeignKey(
        TeachingGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="deployments"
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    # The id of the published deployment plan (sendesk.deployment) that wrote this row;
    # empty for a row made by hand. A plain number, not a key: deployment sits above pupils.
    # Publishing a plan again replaces only the rows a plan wrote.
    made_by_plan = models.PositiveBigIntegerField(null=True, blank=True)

    objects = DeploymentQuerySet.as_manager()

    class Meta:
        constraints = [
            # A group deployment names a group; a 1:1 or key adult names a pupil.
            models.CheckConstraint(
                condition=(
                    Q(kind="group", teaching_group__isnull=False, pupil__isnull=True)
                    | (~Q(kind="group") & Q(pupil__isnull=False, teaching_group__isnull=True))
                ),
                name="deployment_target",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="deployment_dates",
            ),
        ]
        # The access layer asks "is this staff member deployed today" on every request.
        indexes = [models.Index(fields=["staff", "start"], name="deployment_staff_idx")]


class TimelineKind(models.TextChoices):
    """The timeline lines pupils writes (PupilsConfig.timeline_kinds)."""

    PUPIL = "pupil", "Added to SENDesk"
    NEEDS = "needs", "Needs"
    SEN_STATUS = "sen_status", "SEN status"
    LEFT = "left", "Left the school"
    REJOINED = "rejoined", "Rejoined the school"


@cache
def timeline_kinds() -> dict:
    """Every kind of timeline line (value -> label), from every app's
    AppConfig.timeline_kinds: each app declares the lines it writes, as it declares their
    links, so pupils names no higher app. timeline_add refuses any other."""
    return merged("timeline_kinds")


def timeline_kind_choices():
    return sorted(timeline_kinds().items())


class TimelineEntry(models.Model):
    """One line in a pupil's timeline. Each module writes its entries here, in the same
    transaction as the record they describe, so the pupil page reads one indexed table
    however many kinds of record there are. Safeguarding never writes here."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="timeline")
    occurred_at = models.DateTimeField()
    # A callable: the apps declare the kinds, so a new one needs no migration here.
    kind = models.CharField(max_length=30, choices=timeline_kind_choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ref_type = models.CharField(max_length=40, blank=True)
    ref_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        # The pupil page pages through this newest first.
        indexes = [models.Index(fields=["pupil", "-occurred_at", "-id"], name="timeline_pupil_idx")]

    def __str__(self):
        return self.title

    @property
    def link(self) -> str:
        """The URL of the record this line is about ('' if it has no page). No query."""
        from django.urls import reverse

        # Each app names its own records' pages (AppConfig.timeline_links).
        name = timeline_links().get(self.ref_type)
        return reverse(name, args=[self.ref_id]) if name and self.ref_id else ""


@cache
def timeline_links() -> dict:
    """ref_type -> the URL name of its page, from every app's AppConfig.timeline_links."""
    return merged("timeline_links")
