"""The checks that a trip is safe to go: each a rule, whether it holds, and a plain-English
detail a SENCO can act on. Worked out afresh whenever they are shown (training expires,
a medicine is added), never stored; a fixed number of queries whatever the trip holds.

What each rule asks (README of the issue: section 9, educational visits):
- school_day: the trip is on a day the school is open.
- staffing_ratio: enough adults for the pupils' ages (the school's TripRatios, or the
  defaults 1:6 Reception and KS1, 1:10 KS2, 1:15 KS3 on), plus one adult of their own for
  each pupil with 1:1 support.
- one_to_one: each pupil with 1:1 support has their own 1:1 adult on the trip.
- first_aider: at least one adult with first aid training current on the day.
- medicines: for each medicine that goes with a pupil (as needed, for emergencies, or
  due during the trip's hours), an adult trained for it (its own procedure's training:
  buccal midazolam, auto-injector ...) current on the day.
- care_plans: each care plan's number of trained staff, accessible changing facilities
  for intimate care, a hoist for moving and handling that uses one.
- positive_handling: an adult with positive handling training current on the day for
  pupils whose behaviour plan is in force or who needed a restrictive intervention in
  the last year.
- care_gender: a care plan that asks for staff of one sex has as many adults of that
  sex going as the plan's number of staff, each trained for the plan's care (intimate
  care), as the deployment planner reads it (the school's CareGender records).
- staff_free: nobody is on another trip at the same time (another trip's destination
  named only to a reader who may see that trip).
- trips_consent (issue 11): each pupil going has a parent's consent to trips in force on
  the day, about this trip or trips in general (the consent app); who lacks it is named.
"""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Q

from sendesk.behaviour.models import BehaviourPlan, RestrictiveIntervention
from sendesk.care.models import CarePlan, Equipment
from sendesk.consent import selectors as consent_selectors
from sendesk.medication.models import Medicine
from sendesk.plans.models import Plan
from sendesk.pupils.models import Deployment
from sendesk.schools.calendar import school_calendar
from sendesk.staff.models import CareGender, Training, care_genders

from .models import Trip, TripRatios
from .selectors import trips_seen

# Care that needs somewhere private with room for the pupil and the adults.
CHANGING_KINDS = {
    CarePlan.Kind.TOILETING,
    CarePlan.Kind.STOMA,
    CarePlan.Kind.CATHETER,
    CarePlan.Kind.MENSTRUAL,
}
# A restrictive intervention this recent means physical intervention may be needed again.
RESTRAINT_LOOKBACK = dt.timedelta(days=365)


LABELS = {
    "school_day": "School day.",
    "staffing_ratio": "Adults for the pupils.",
    "one_to_one": "1:1 adults.",
    "first_aider": "First aider.",
    "medicines": "Medicines.",
    "care_plans": "Care plans.",
    "care_gender": "Staff of the sex care plans ask for.",
    "positive_handling": "Positive handling.",
    "staff_free": "Adults free.",
    "trips_consent": "Parents' consent.",
}


@dataclass
class Check:
    rule: str
    ok: bool
    detail: str

    @property
    def label(self) -> str:
        return LABELS[self.rule]


@dataclass
class ToTake:
    """One medicine to take on the trip: whose, what, the dose, where it is kept now, and
    why it goes (as needed, emergency, or a dose due during the trip)."""

    pupil: object
    medicine: Medicine
    why: str

    @property
    def dose(self) -> str:
        return self.medicine.dose

    @property
    def kept(self) -> str:
        return self.medicine.storage


def _names(people) -> str:
    names = [str(getattr(p, "name", p)) for p in people]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class TripFacts:
    """What the checks read, loaded once for a trip's date, pupils and staff."""

    def __init__(self, *, school_id, date, start, end, pupils, staff, trip_id=None, **confirmed):
        self.school_id, self.date, self.start, self.end = school_id, date, start, end
        self.changing_facilities = confirmed.get("changing_facilities", False)
        self.hoist_available = confirmed.get("hoist_available", False)
        # The pupils the reader may see (None: all). The others are not named in a detail.
        self.named = confirmed.get("named")
        # Who reads the checks (None: someone who may see every trip of the school).
        self.reader = confirmed.get("reader")
        self.pupils = list(pupils)
        self.staff = list(staff)
        self.trip_id = trip_id
        staff_ids = [u.pk for u in self.staff]
        self.trained = defaultdict(set)  # training kind -> ids of staff current on the day
        for user_id, kind in (
            Training.objects.current_on(date)
            .filter(user_id__in=staff_ids)
            .values_list("user_id", "kind")
        ):
            self.trained[kind].add(user_id)

    @classmethod
    def of(cls, trip, pupils=None, staff=None, named=None, reader=None) -> "TripFacts":
        """The facts of a saved trip (its pupils and staff read unless given); `named`,
        the ids of the pupils the reader may see, when not all; `reader`, who reads them."""
        if pupils is None:
            pupils = trip.pupils.select_related("year_group").order_by(
                "legal_last_name", "legal_first_name"
            )
        return cls(
            school_id=trip.school_id, date=trip.date, start=trip.start, end=trip.end,
            pupils=pupils, staff=staff if staff is not None else trip.staff.order_by("full_name"),
            trip_id=trip.pk, changing_facilities=trip.changing_facilities,
            hoist_available=trip.hoist_available, named=named, reader=reader,
        )  # fmt: skip

    def who(self, pupil) -> str:
        if self.named is None or pupil.pk in self.named:
            return pupil.name
        return "a pupil you are not deployed to"

    def training(self, kind) -> set:
        return self.trained.get(kind, set())


def medicines_to_take(facts: TripFacts) -> list[ToTake]:
    """The pupils' medicines that go on the trip: as-needed ones (an inhaler), those the
    plan gives in an emergency (an auto-injector, buccal midazolam), and any with a dose
    due during the trip's hours. One query."""
    by_id = {p.pk: p for p in facts.pupils}
    found = []
    for m in Medicine.objects.filter(pupil_id__in=list(by_id), active=True).order_by("name"):
        due = [t for t in m.times if facts.start <= dt.time.fromisoformat(t) < facts.end]
        whys = []
        if m.as_needed:
            whys.append("as needed" + (f": {m.as_needed_when}" if m.as_needed_when else ""))
        if m.emergency_use:
            whys.append("in an emergency")
        if due:
            whys.append("due at " + ", ".join(due))
        if whys:
            found.append(ToTake(by_id[m.pupil_id], m, "; ".join(whys)))
    found.sort(key=lambda t: (t.pupil.name, t.medicine.name))
    return found


def run_checks(facts: TripFacts, to_take: list[ToTake] | None = None) -> list[Check]:
    if to_take is None:
        to_take = medicines_to_take(facts)
    one_to_one = _one_to_one(facts)
    return [
        _school_day(facts),
        _ratio(facts, one_to_one),
        _one_to_one_adults(facts, one_to_one),
        _first_aider(facts),
        _medicines(facts, to_take),
        *_care_checks(facts),
        _positive_handling(facts),
        _staff_free(facts),
        _trips_consent(facts),
    ]


def _trips_consent(facts) -> Check:
    """Each pupil going needs a parent's consent to trips on the day: about this trip, or
    the parent's general answer, whichever is latest. Read afresh each time the checks are
    shown, so a withdrawal shows at once. One query."""
    ref = f"trip:{facts.trip_id}" if facts.trip_id else ""
    given = consent_selectors.given_refs(
        "trips", [(p.pk, ref) for p in facts.pupils], on=facts.date
    )
    lacking = [p for p in facts.pupils if (p.pk, ref) not in given]
    if not lacking:
        return Check("trips_consent", True, "Every pupil going has a parent's consent to trips.")
    return Check(
        "trips_consent",
        False,
        f"No parent's consent to trips for {_names(facts.who(p) for p in lacking)}: "
        f"they can't go until a parent agrees, on the "
        "parent pages or on a paper form the SENCO records.",
    )


def _school_day(facts) -> Check:
    if school_calendar(facts.school_id).is_school_day(facts.date):
        return Check("school_day", True, f"{facts.date:%A %-d %B %Y} is a school day.")
    return Check(
        "school_day",
        False,
        f"{facts.date:%A %-d %B %Y} is not a school day (a weekend, holiday or closure).",
    )


def ratios_for(school_id) -> TripRatios:
    return TripRatios.objects.filter(school_id=school_id).first() or TripRatios(school_id=school_id)


def _band(pupil, ratios) -> tuple[str, int]:
    """The pupil's age band and its pupils per adult. A pupil with no year group recorded
    counts as the youngest band: the safe side."""
    year = pupil.year_group.ordinal if pupil.year_group_id else None
    if year is None or year <= 2:
        return "Reception and key stage 1", ratios.early
    if year <= 6:
        return "key stage 2", ratios.key_stage_2
    return "key stage 3 on", ratios.secondary


def _one_to_one(facts) -> dict:
    """{pupil id: ids of their 1:1 adults} on the trip's date. One query."""
    found = defaultdict(set)
    # Standing deployments: the plan's dated rows also name group sessions' adults.
    for pupil_id, staff_id in (
        Deployment.objects.standing()
        .filter(
            Q(end__isnull=True) | Q(end__gte=facts.date),
            pupil_id__in=[p.pk for p in facts.pupils],
            kind=Deployment.Kind.ONE_TO_ONE,
            start__lte=facts.date,
        )
        .values_list("pupil_id", "staff_id")
    ):
        found[pupil_id].add(staff_id)
    return found


def _ratio(facts, one_to_one) -> Check:
    ratios = ratios_for(facts.school_id)
    bands = defaultdict(int)
    per_adult = {}
    for pupil in facts.pupils:
        if pupil.pk in one_to_one:
            continue
        band, ratio = _band(pupil, ratios)
        bands[band] += 1
        per_adult[band] = ratio
    share = sum((Fraction(n, per_adult[b]) for b, n in bands.items()), Fraction(0))
    needed = math.ceil(share) + len(one_to_one)
    parts = [f"{_plural(n, 'pupil')} in {b} at 1:{per_adult[b]}" for b, n in bands.items()]
    if one_to_one:
        parts.append(f"{_plural(len(one_to_one), 'pupil')} with 1:1 support, one adult each")
    going = len(facts.staff)
    detail = (
        f"{_plural(needed, 'adult')} needed ({'; '.join(parts) or 'no pupils'}); {going} going."
    )
    if going < needed:
        detail += f" Add {_plural(needed - going, 'more adult')}."
    return Check("staffing_ratio", going >= needed, detail)


def _one_to_one_adults(facts, one_to_one) -> Check:
    staff_ids = {u.pk for u in facts.staff}
    missing = [p for p in facts.pupils if one_to_one.get(p.pk) and not one_to_one[p.pk] & staff_ids]
    if missing:
        return Check(
            "one_to_one",
            False,
            f"{_names(facts.who(p) for p in missing)} "
            f"{'has' if len(missing) == 1 else 'have'} 1:1 support but their 1:1 adult is "
            "not going.",
        )
    if not one_to_one:
        return Check("one_to_one", True, "No pupil on the trip has 1:1 support.")
    return Check("one_to_one", True, "Every pupil with 1:1 support has their 1:1 adult going.")


def _first_aider(facts) -> Check:
    aiders = [u for u in facts.staff if u.pk in facts.training(Training.Kind.FIRST_AID)]
    if aiders:
        return Check("first_aider", True, f"First aider: {_names(aiders)}.")
    return Check(
        "first_aider",
        False,
        f"Nobody going has first aid training current on {facts.date:%-d %B %Y}.",
    )


def _medicines(facts, to_take) -> Check:
    if not to_take:
        return Check("medicines", True, "No pupil going has medicines to take.")
    lacking = []
    covered = []
    for item in to_take:
        kind = item.medicine.training
        trained = [u for u in facts.staff if u.pk in facts.training(kind)]
        what = f"{facts.who(item.pupil)}'s {item.medicine.name}"
        if facts.named is not None and item.pupil.pk not in facts.named:
            what = "a medicine of a pupil you are not deployed to"
        if trained:
            covered.append(f"{what}: {_names(trained)}")
        else:
            label = Training.Kind(kind).label
            lacking.append(f"{what} needs an adult trained in {label.lower()}")
    if lacking:
        return Check("medicines", False, "; ".join(lacking) + ": nobody going is.")
    return Check("medicines", True, "Trained to give: " + "; ".join(covered) + ".")


def _care_checks(facts) -> list[Check]:
    """The care plans' checks: what each plan needs, and the sex of staff it asks for."""
    plans = list(
        CarePlan.objects.filter(pupil_id__in=[p.pk for p in facts.pupils], active=True)
        .select_related("pupil")
        .prefetch_related("equipment")
        .order_by("pupil_id", "kind")
    )
    return [_care_plans(facts, plans), _care_gender(facts, plans)]


def _care_plans(facts, plans) -> Check:
    if not plans:
        return Check("care_plans", True, "No pupil going has a care plan.")
    problems = []
    for plan in plans:
        problems += _care_plan_problems(facts, plan)
    if problems:
        return Check("care_plans", False, " ".join(problems))
    return Check(
        "care_plans",
        True,
        f"{_plural(len(plans), 'care plan')} can be followed: trained staff, and what the "
        "destination needs, confirmed.",
    )


def _care_plan_problems(facts, plan) -> list[str]:
    problems = []
    pupil, title = _plan_words(facts, plan)
    trained = [u for u in facts.staff if u.pk in facts.training(plan.training)]
    if len(trained) < plan.staff_required:
        label = Training.Kind(plan.training).label.lower()
        problems.append(
            f"{pupil}'s {title} needs {_plural(plan.staff_required, 'adult')} "
            f"trained in {label}; {len(trained)} going."
        )
    if plan.kind in CHANGING_KINDS and not facts.changing_facilities:
        problems.append(
            f"{pupil}'s {title} needs accessible changing facilities: confirm "
            "the destination has them."
        )
    uses_hoist = any(e.kind == Equipment.Kind.HOIST for e in plan.equipment.all())
    if uses_hoist and not facts.hoist_available:
        problems.append(f"{pupil}'s {title} uses a hoist: confirm one is there.")
    return problems


def _plan_words(facts, plan) -> tuple[str, str]:
    """(whose, which plan) as the reader may see them."""
    if facts.named is not None and plan.pupil.pk not in facts.named:
        return "a pupil you are not deployed to", "care plan"
    return facts.who(plan.pupil), plan.title.lower()


def _care_gender(facts, plans) -> Check:
    """Each plan asking for staff of one sex: as many adults of that sex going as the plan
    needs, each trained for its care. Someone whose sex the school has not recorded does
    not count (the planner reads it the same way); they are named so it can be recorded."""
    asking = [p for p in plans if p.gender_preference != CarePlan.Gender.ANY]
    if not asking:
        return Check(
            "care_gender", True, "No pupil going has a care plan asking for staff of one sex."
        )
    sexes = care_genders(facts.school_id, [u.pk for u in facts.staff])
    problems, kept = [], []
    for plan in asking:
        sex = CareGender.Gender(plan.gender_preference).label.lower()
        trained = [u for u in facts.staff if u.pk in facts.training(plan.training)]
        right = [u for u in trained if sexes.get(u.pk) == plan.gender_preference]
        whose, title = _plan_words(facts, plan)
        if len(right) >= plan.staff_required:
            kept.append(f"{whose}'s {title}: {_names(right)}")
            continue
        label = Training.Kind(plan.training).label.lower()
        words = (
            f"{whose}'s {title} asks for {sex} staff: "
            f"{_plural(plan.staff_required, f'{sex} adult')} trained in {label} needed, "
            f"{len(right)} going"
        )
        unknown = [u for u in trained if u.pk not in sexes]
        if unknown:
            words += f" ({_names(unknown)}: sex not recorded on the staff record, so not counted)"
        more = _plural(plan.staff_required - len(right), f"more {sex} adult")
        problems.append(f"{words}. Add {more} trained in {label}.")
    if problems:
        return Check("care_gender", False, " ".join(problems))
    return Check("care_gender", True, "Staff of the sex asked for: " + "; ".join(kept) + ".")


def _positive_handling(facts) -> Check:
    ids = [p.pk for p in facts.pupils]
    with_plan = set(
        BehaviourPlan.objects.filter(
            plan__pupil_id__in=ids, plan__kind=Plan.Kind.IBP, plan__status=Plan.Status.ACTIVE
        ).values_list("plan__pupil_id", flat=True)
    )
    since = facts.date - RESTRAINT_LOOKBACK
    restrained = set(
        RestrictiveIntervention.objects.filter(
            pupil_id__in=ids, started_at__date__gte=since
        ).values_list("pupil_id", flat=True)
    )
    needing = [p for p in facts.pupils if p.pk in with_plan | restrained]
    if not needing:
        return Check("positive_handling", True, "No pupil going has a behaviour plan in force.")
    trained = [u for u in facts.staff if u.pk in facts.training(Training.Kind.POSITIVE_HANDLING)]
    if trained:
        return Check(
            "positive_handling",
            True,
            f"Positive handling trained, for {_names(facts.who(p) for p in needing)}: "
            f"{_names(trained)}.",
        )
    return Check(
        "positive_handling",
        False,
        f"{_names(facts.who(p) for p in needing)} {'has' if len(needing) == 1 else 'have'} "
        "a behaviour plan (or "
        "needed restraint this year): nobody going has positive handling training current "
        f"on {facts.date:%-d %B %Y}.",
    )


def _staff_free(facts) -> Check:
    clashes = list(
        Trip.objects.filter(
            date=facts.date,
            start__lt=facts.end,
            end__gt=facts.start,
            staff__in=[u.pk for u in facts.staff],
        )
        .exclude(pk=facts.trip_id)
        .values_list("staff__full_name", "pk", "destination", "start", "end")
        .order_by("staff__full_name", "start")
    )
    if not clashes:
        return Check("staff_free", True, "Nobody going is on another trip at that time.")
    # Another trip's destination and times are that trip's: named only to a reader who
    # may see it (its school's SENCO or head, or someone going on it or who planned it).
    may_see = None if facts.reader is None else trips_seen(facts.reader, {c[1] for c in clashes})
    named, unnamed = [], []
    for name, pk, where, s, e in clashes:
        if may_see is None or pk in may_see:
            named.append(f"{name} (to {where}, {s:%H:%M}–{e:%H:%M})")
        elif name not in unnamed:
            unnamed.append(name)
    words = []
    if named:
        words.append("Already on another trip at that time: " + "; ".join(named) + ".")
    if unnamed:
        verb = "is" if len(unnamed) == 1 else "are"
        words.append(f"{_names(unnamed)} {verb} already on another trip that day.")
    return Check("staff_free", False, " ".join(words))
