"""The deployment planner's problem as plain data: the week's slots, the adults with the
slots they are free in and the skills they hold, what must be staffed (provision, duty
posts, doses, cover), and what is pinned. solver.py turns a Problem into a Solution without
touching the database; build() reads it from the database in a fixed number of queries,
whatever the size of the school.

Decisions where the issue is silent (kept here, in one place):
- Planned adults: everyone with a StaffMember row at the school, employed in the week,
  except the office (admin). Teachers teach their classes' lessons (GroupLesson) and may do
  break and lunch duty; support (1:1, interventions, care, doses, cover) is given by support
  staff (TA, HLTA, other), HLTA-only provision by HLTAs.
- Provision the planner staffs: 1:1, group, and care provision staffed by a TA, an HLTA or
  "any trained adult" (therapists and teachers plan their own sessions). A provision owes
  weekly_minutes / len(days) minutes on each of its days; a session provision at most its
  sessions that day, one a period. 1:1 hours (Provision.needs_one_to_one_adult) go in the
  lessons of the pupil's class; sessions are given in lesson periods (withdrawn).
- A care provision for a pupil with an active intimate care plan needs the plan's number of
  adults, each trained in the plan's training and of its preferred sex; a pupil with an
  active moving-and-handling plan needs moving-and-handling training in every adult who
  supports them.
- A scheduled medicine dose (Medicine.times) needs a trained adult with the pupil in the
  period that holds the time.
- Break and lunch: an adult working at break or lunch keeps one break or lunch period free;
  an adult contracted for more than six hours that day keeps a second period free (lunch,
  when they are on lunch duty, is taken in another period).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from sendesk.care.models import CarePlan
from sendesk.medication.models import Medicine
from sendesk.provision.models import Provision, TimeOfDay
from sendesk.pupils.models import Deployment, Pupil
from sendesk.schools.calendar import minutes_between, week_start
from sendesk.schools.models import Period
from sendesk.staff.models import CareGender, StaffMember, Training, WorkingDay
from sendesk.visits.models import Trip

from .models import DutyNeed, GroupLesson, PlannerSettings, StaffAbsence

DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
SUPPORT_POSTS = {StaffMember.Post.TA, StaffMember.Post.HLTA, StaffMember.Post.OTHER}
PLANNED_POSTS = SUPPORT_POSTS | {StaffMember.Post.TEACHER}
PLANNED_KINDS = {Provision.Kind.ONE_TO_ONE, Provision.Kind.GROUP, Provision.Kind.CARE}
PLANNED_STAFFING = {Provision.Staffing.TA, Provision.Staffing.HLTA, Provision.Staffing.ANY}
INTIMATE_CARE_KINDS = set(CarePlan.Kind.values) - {CarePlan.Kind.MOVING_HANDLING}
BREAK_KINDS = {Period.Kind.BREAK, Period.Kind.LUNCH}
LONG_DAY_MINUTES = 6 * 60

# Weights of the objective: an EHC plan minute first, then a SEN support minute; a dose
# and a duty post are safety and supervision, weighed above both; continuity last.
WEIGHT = {"ehcp_f": 100, "sen_support": 10, "dose": 1000, "duty": 500, "cover": 300}


@dataclass(frozen=True)
class Slot:
    """One period of one day of the week."""

    index: int
    date: dt.date
    period_id: int
    name: str
    kind: str
    start: dt.time
    end: dt.time

    @property
    def minutes(self) -> int:
        return minutes_between(self.start, self.end)

    @property
    def label(self) -> str:
        return f"{DAY_NAMES[self.date.isoweekday() - 1]} {self.name.lower()}"


@dataclass
class Adult:
    id: int
    name: str
    post: str
    # Slot index -> why the adult is not free then, for each slot of the week they are not.
    busy: dict[int, str] = field(default_factory=dict)
    # Date -> the training kinds current on that date.
    skills: dict[dt.date, frozenset] = field(default_factory=dict)
    gender: str = ""
    # Date -> contracted minutes that day (a day over six hours keeps two periods free).
    day_minutes: dict[dt.date, int] = field(default_factory=dict)

    @property
    def support(self) -> bool:
        return self.post in SUPPORT_POSTS

    def free(self, slot: int) -> bool:
        return slot not in self.busy


@dataclass
class Need:
    """Something to staff on one day: a provision's minutes that day, a duty post in one
    period, a dose, or a class's cover. `slots` are the periods it may be given in."""

    key: str
    kind: str  # support, group, duty, cover (the Assignment kinds)
    weight: int  # per minute (per period for a duty, dose or cover)
    date: dt.date
    slots: list[int]
    title: str
    minutes: int = 0  # owed that day (provision); 0 for needs counted in periods
    most_slots: int | None = None  # a session provision's sessions that day
    session_minutes: int | None = None
    adults_needed: int = 1  # per slot
    provision_id: object = None
    pupil_id: object = None
    pupil_name: str = ""
    teaching_group_id: int | None = None
    teaching_groups: dict[int, int] = field(default_factory=dict)  # slot -> group in class
    duty_post_id: int | None = None
    named_adult: int | None = None
    post: str | None = None  # only adults of this post (HLTA provision)
    skills: tuple = ()  # training kinds every adult needs
    gender: str = ""  # the care plan's preference, "" for none
    source: str = ""  # ehcp_f, sen_support, dose, duty, cover

    def credit(self, slot: "Slot") -> int:
        """Minutes one period gives towards this need."""
        if self.session_minutes:
            return min(self.session_minutes, slot.minutes)
        return slot.minutes


@dataclass
class Fixed:
    """An assignment kept as it is (pinned by hand, or another day of a one-day re-plan)."""

    staff_id: int
    slot: int | None
    date: dt.date
    start: dt.time
    end: dt.time
    kind: str
    need_key: str | None = None
    provision_id: object = None
    pupil_ids: tuple = ()
    duty_post_id: int | None = None
    teaching_group_id: int | None = None
    pinned: bool = True


@dataclass
class Problem:
    school_id: int
    week_start: dt.date
    slots: list[Slot]
    adults: list[Adult]
    needs: list[Need]
    max_adults_per_pupil: int = PlannerSettings.DEFAULT_MAX_ADULTS
    key_adults: dict = field(default_factory=dict)  # pupil id -> {user ids}
    fixed: list[Fixed] = field(default_factory=list)
    # For a re-plan: (staff id, need key, slot) of the plan it starts from, kept if it can.
    previous: set = field(default_factory=set)
    change_weight: int = 0
    # For a re-plan: pupil id -> the adults the pupil has on the week's other days.
    week_adults: dict = field(default_factory=dict)

    def adult(self, adult_id):
        return next(a for a in self.adults if a.id == adult_id)


# --- Building a Problem from the database ------------------------------------------------


def _slots(school_id, days) -> list[Slot]:
    periods = list(Period.objects.filter(school_id=school_id).order_by("weekday", "start"))
    slots = []
    for day in days:
        for p in periods:
            if p.weekday == day.isoweekday():
                slots.append(Slot(len(slots), day, p.pk, p.name, p.kind, p.start, p.end))
    return slots


def _overlaps(slot: Slot, start: dt.time, end: dt.time) -> bool:
    return slot.start < end and start < slot.end


def _adults(school_id, days, slots) -> list[Adult]:
    first, last = days[0], days[-1]
    members = list(
        StaffMember.objects.filter(
            school_id=school_id, post__in=PLANNED_POSTS, started_on__lte=last
        )
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=first))
        .select_related("user")
    )
    adults = {m.user_id: Adult(m.user_id, m.user.full_name, m.post) for m in members}
    pattern = defaultdict(dict)
    for wd in WorkingDay.objects.filter(member__in=members).select_related("member"):
        pattern[wd.member.user_id][wd.weekday] = (wd.start, wd.end)
    away = defaultdict(dict)
    for absence in StaffAbsence.objects.filter(
        school_id=school_id, date__in=days, staff_id__in=adults
    ):
        away[absence.staff_id][absence.date] = absence.get_reason_display().lower()
    trips = defaultdict(list)
    for date, start, end, staff_id in Trip.objects.filter(
        school_id=school_id, date__in=days, staff__in=list(adults)
    ).values_list("date", "start", "end", "staff"):
        trips[staff_id].append((date, start, end))
    teaching = defaultdict(set)
    for teacher_id, period_id in GroupLesson.objects.filter(
        teaching_group__teachers__in=list(adults), period__school_id=school_id
    ).values_list("teaching_group__teachers", "period_id"):
        teaching[teacher_id].add(period_id)
    for member in members:
        adult = adults[member.user_id]
        for day in days:
            hours = pattern[adult.id].get(day.isoweekday())
            adult.day_minutes[day] = minutes_between(*hours) if hours else 0
        for slot in slots:
            hours = pattern[adult.id].get(slot.date.isoweekday())
            if not hours or slot.start < hours[0] or slot.end > hours[1]:
                adult.busy[slot.index] = "contract"
            elif slot.date in away[adult.id]:
                adult.busy[slot.index] = "absence"
            elif any(d == slot.date and _overlaps(slot, s, e) for d, s, e in trips[adult.id]):
                adult.busy[slot.index] = "trip"
            elif slot.period_id in teaching[adult.id]:
                adult.busy[slot.index] = "teaching"
            elif member.fixed_term_end and slot.date > member.fixed_term_end:
                adult.busy[slot.index] = "contract"
    _skills(school_id, adults, days)
    return sorted(adults.values(), key=lambda a: (a.name, a.id))


def _skills(school_id, adults, days) -> None:
    held = defaultdict(list)
    for user_id, kind, done, expires in Training.objects.filter(
        user_id__in=list(adults), completed_on__lte=days[-1]
    ).values_list("user_id", "kind", "completed_on", "expires_on"):
        held[user_id].append((kind, done, expires))
    for adult in adults.values():
        adult.skills = {
            day: frozenset(
                k
                for k, done, expires in held[adult.id]
                if done <= day and (expires is None or expires >= day)
            )
            for day in days
        }
    genders = CareGender.objects.filter(school_id=school_id, user_id__in=list(adults))
    for user_id, gender in genders.values_list("user_id", "gender"):
        adults[user_id].gender = gender


def _time_of_day_ok(slot: Slot, when: str, lunch: dict) -> bool:
    if when in ("", TimeOfDay.ANY):
        return True
    noon = lunch.get(slot.date, (dt.time(12, 0), dt.time(12, 0)))
    if when == TimeOfDay.MORNING:
        return slot.end <= noon[0]
    return slot.start >= noon[1]


def _care_rules(pupil_ids, day):
    """{pupil id: (intimate care plan or None, moving and handling training needed)}."""
    rules = {}
    for plan in CarePlan.objects.filter(
        pupil_id__in=pupil_ids, active=True, review_date__gte=day - dt.timedelta(days=3650)
    ).order_by("-staff_required"):
        care, handling = rules.get(plan.pupil_id, (None, None))
        if plan.kind == CarePlan.Kind.MOVING_HANDLING:
            handling = plan.training or Training.Kind.MOVING_HANDLING
        elif care is None:
            care = plan
        rules[plan.pupil_id] = (care, handling)
    return rules


def _class_periods(school_id, pupil_ids) -> dict:
    """{pupil id: {period id: teaching group id}}: where each pupil's class is, lesson by
    lesson. Two queries."""
    groups = defaultdict(set)
    for pupil_id, group_id in Pupil.teaching_groups.through.objects.filter(
        pupil_id__in=pupil_ids
    ).values_list("pupil_id", "teachinggroup_id"):
        groups[pupil_id].add(group_id)
    by_group = defaultdict(dict)
    for group_id, period_id in GroupLesson.objects.filter(
        teaching_group__school_id=school_id
    ).values_list("teaching_group_id", "period_id"):
        by_group[group_id][period_id] = group_id
    where = {}
    for pupil_id in pupil_ids:
        where[pupil_id] = {}
        for group_id in sorted(groups[pupil_id]):
            where[pupil_id].update(by_group[group_id])
    return where


def _share(prov, day) -> tuple[int, int | None] | None:
    """(minutes, sessions or None) the provision owes on `day`; None when nothing is owed
    that day. Minutes and sessions are spread over the pattern's days, the first days
    taking what does not divide."""
    weekday = str(day.isoweekday())
    if weekday not in prov.days or prov.start > day or (prov.end and prov.end < day):
        return None
    first_days = prov.days.index(weekday)
    if prov.sessions_per_week:
        base, extra = divmod(prov.sessions_per_week, len(prov.days))
        sessions = base + (1 if first_days < extra else 0)
        return (sessions * prov.session_minutes, sessions) if sessions else None
    base, extra = divmod(prov.weekly_minutes, len(prov.days))
    return base + (1 if first_days < extra else 0), None


def _care_needs(prov, care_plan, handling):
    """(skills, adults needed, sex) from the provision and the pupil's care plans."""
    skills = {k for k in (prov.training, handling) if k}
    if prov.kind != Provision.Kind.CARE or care_plan is None:
        return tuple(sorted(skills)), 1, ""
    skills.add(care_plan.training)
    gender = "" if care_plan.gender_preference == "any" else care_plan.gender_preference
    return tuple(sorted(skills)), care_plan.staff_required, gender


def _groups(slots, where) -> dict:
    return {s.index: where[s.period_id] for s in slots}


def _provision_needs(school_id, days, slots, lunch) -> list[Need]:
    first, last = days[0], days[-1]
    provisions = list(
        Provision.objects.filter(
            pupil__school_id=school_id,
            kind__in=PLANNED_KINDS,
            staffing__in=PLANNED_STAFFING,
            start__lte=last,
        )
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        # A pupil gone by the week's first day needs no adult (issue 12).
        .filter(Q(pupil__left_on__isnull=True) | Q(pupil__left_on__gt=first))
        .select_related("pupil")
    )
    pupil_ids = {p.pupil_id for p in provisions}
    classes = _class_periods(school_id, pupil_ids)
    care = _care_rules(pupil_ids, first)
    lessons = [s for s in slots if s.kind == Period.Kind.LESSON]
    needs = []
    for prov in provisions:
        where = classes[prov.pupil_id]
        # 1:1 hours follow the pupil's class; with no class timetable, any lesson.
        in_class = prov.needs_one_to_one_adult and bool(where)
        skills, adults_needed, gender = _care_needs(prov, *care.get(prov.pupil_id, (None, None)))
        for day in days:
            share = _share(prov, day)
            if share is None:
                continue
            today = [s for s in lessons if s.date == day and (not in_class or s.period_id in where)]
            needs.append(
                Need(
                    key=f"p:{prov.pk}:{day.isoformat()}",
                    kind="support" if prov.needs_one_to_one_adult else "group",
                    weight=WEIGHT.get(prov.source, 10),
                    date=day,
                    slots=[s.index for s in today if _time_of_day_ok(s, prov.time_of_day, lunch)],
                    title=prov.title,
                    minutes=share[0],
                    most_slots=share[1],
                    session_minutes=prov.session_minutes,
                    adults_needed=adults_needed,
                    provision_id=prov.pk,
                    pupil_id=prov.pupil_id,
                    pupil_name=prov.pupil.name,
                    teaching_groups=_groups(today, where) if in_class else {},
                    named_adult=prov.named_adult_id,
                    post="hlta" if prov.staffing == Provision.Staffing.HLTA else None,
                    skills=skills,
                    gender=gender,
                    source=prov.source,
                )
            )  # fmt: skip
    return needs


def _dose_needs(school_id, days, slots) -> list[Need]:
    needs = []
    medicines = Medicine.objects.filter(pupil__school_id=school_id, active=True).select_related(
        "pupil"
    )
    for med in medicines:
        for raw in med.times or []:
            try:
                at = dt.time.fromisoformat(raw)
            except (TypeError, ValueError):
                continue
            for day in days:
                holding = [s for s in slots if s.date == day and s.start <= at < s.end]
                if not holding:
                    continue
                slot = holding[0]
                needs.append(
                    Need(
                        key=f"m:{med.pk}:{day.isoformat()}:{raw}",
                        kind="support",
                        weight=WEIGHT["dose"],
                        date=day,
                        slots=[slot.index],
                        title=f"{med.name} at {raw}",
                        pupil_id=med.pupil_id,
                        pupil_name=med.pupil.name,
                        skills=(med.training,),
                        source="dose",
                    )
                )
    return needs


def _duty_needs(school_id, slots) -> list[Need]:
    needs = []
    by_period = defaultdict(list)
    for s in slots:
        by_period[s.period_id].append(s)
    for need in DutyNeed.objects.filter(post__school_id=school_id).select_related("post"):
        for slot in by_period.get(need.period_id, []):
            needs.append(
                Need(
                    key=f"d:{need.pk}:{slot.date.isoformat()}",
                    kind="duty",
                    weight=WEIGHT["duty"],
                    date=slot.date,
                    slots=[slot.index],
                    title=need.post.name,
                    adults_needed=need.adults,
                    duty_post_id=need.post_id,
                    source="duty",
                )
            )
    return needs


def _cover_needs(school_id, days, slots, adults) -> list[Need]:
    """A class whose teacher is absent needs cover supervision in each of its lessons."""
    absent = {
        (a.id, slots[i].date)
        for a in adults
        if a.post == StaffMember.Post.TEACHER
        for i, why in a.busy.items()
        if why == "absence"
    }
    if not absent:
        return []
    teachers = {t for t, _ in absent}
    needs = []
    lessons = GroupLesson.objects.filter(
        teaching_group__school_id=school_id, teaching_group__teachers__in=teachers
    ).values_list(
        "teaching_group_id", "teaching_group__name", "teaching_group__teachers", "period_id"
    )
    seen = set()
    for group_id, group_name, teacher_id, period_id in lessons:
        for slot in slots:
            key = f"c:{group_id}:{slot.date.isoformat()}:{period_id}"
            if slot.period_id != period_id or (teacher_id, slot.date) not in absent or key in seen:
                continue
            seen.add(key)
            needs.append(
                Need(
                    key=key,
                    kind="cover",
                    weight=WEIGHT["cover"],
                    date=slot.date,
                    slots=[slot.index],
                    title=f"Cover for {group_name}",
                    teaching_group_id=group_id,
                    source="cover",
                )
            )
    return needs


def build(school_id: int, days: list[dt.date]) -> Problem:
    """The problem for `days` (a week's school days, or one day) at the school."""
    days = sorted(days)
    slots = _slots(school_id, days)
    adults = _adults(school_id, days, slots)
    lunch = {s.date: (s.start, s.end) for s in reversed(slots) if s.kind == Period.Kind.LUNCH}
    needs = (
        _provision_needs(school_id, days, slots, lunch)
        + _dose_needs(school_id, days, slots)
        + _duty_needs(school_id, slots)
        + _cover_needs(school_id, days, slots, adults)
    )
    # The adults a pupil knows: their key adult, and the 1:1 adult the school deployed to
    # them (by hand, not a plan's day-by-day rows): preferred for continuity.
    key_adults = defaultdict(set)
    for pupil_id, staff_id in (
        Deployment.objects.standing()
        .filter(
            school_id=school_id,
            kind__in=[Deployment.Kind.KEY_ADULT, Deployment.Kind.ONE_TO_ONE],
        )
        .filter(start__lte=days[-1])
        .filter(Q(end__isnull=True) | Q(end__gte=days[0]))
        .values_list("pupil_id", "staff_id")
    ):
        key_adults[pupil_id].add(staff_id)
    settings = PlannerSettings.objects.filter(school_id=school_id).first()
    return Problem(
        school_id=school_id,
        week_start=week_start(days[0]),
        slots=slots,
        adults=adults,
        needs=needs,
        max_adults_per_pupil=(
            settings.max_adults_per_pupil if settings else PlannerSettings.DEFAULT_MAX_ADULTS
        ),
        key_adults=dict(key_adults),
    )
