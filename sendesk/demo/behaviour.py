"""Behaviour, restraint, staff training and safeguarding records for a generated school.

Drawn, like the rest of the school, from `random.Random` streams seeded from (seed, school,
purpose), and written with bulk_create (the many-row tables with COPY on PostgreSQL:
rows.insert_objects) and without audit rows (seed data, not what a person did). What is
written follows the services' rules: each incident, observation and restrictive
intervention has its TimelineEntry; an observation's summary is computed from
its entries (`summarise`); a restrictive intervention carries the pupil's SEN status and
each adult's positive-handling status on the day, from the Training rows made here.
Safeguarding concerns get no TimelineEntry, AuditEvent or AccessEvent: the wall.

Every school gets:
- Training rows for its staff: positive handling current for most TAs and the HLTAs, one
  TA's expired; safeguarding for all; first aid for some; medication for ta1, the HLTAs
  and some TAs but never ta2 (care.py adds intimate care and moving and handling).
- A BehaviourPlan and agreed strategies for each IBP.
- A "focus" pupil of ta1 or ta2 with an active IBP and several weeks of incidents and
  observations with a pattern a SENCO should spot: clearly worse after lunch (13:00-15:00)
  and on Mondays, slowly improving as the plan takes hold. Two restrictive interventions
  on them: one with the parent told, one recent with nobody told yet and its deadline past.
- A few incidents and observations per pupil on the SEN register per term (more for those
  with social, emotional and mental health needs), so larger schools have volume.
- Safeguarding concerns about two pupils, one reported by a TA and one by a teacher, with
  the DSL's actions.
"""

import datetime as dt
import math
from collections import defaultdict

from django.utils import timezone

from sendesk.behaviour.models import (
    BehaviourPlan,
    BehaviourStrategy,
    Incident,
    InterventionStaff,
    Observation,
    ObservationEntry,
    ObservationMethod,
    ParentNotification,
    RestrictiveIntervention,
    StrategyUse,
)
from sendesk.behaviour.observations import summary_text
from sendesk.behaviour.services import notify_parent_by
from sendesk.plans.models import Plan
from sendesk.pupils.models import Contact, SenStatus, TimelineEntry
from sendesk.safeguarding.models import RETENTION_YEARS, Concern, ConcernAction
from sendesk.schools.calendar import Calendar
from sendesk.staff.models import Training

from . import words
from .rows import insert_objects

TERM_DAYS = 65  # school days in a term, near enough, for "so many a term" rates
FOCUS_WEEKS = 10  # the focus pupil's dense history: at most this many weeks …
FOCUS_MIN_WEEKS = 6  # … and at least this many, reaching into last term if need be

# Incidents a term for pupils on the register (Poisson means).
INCIDENT_RATES = {
    (SenStatus.EHCP, "semh"): 6.0,
    (SenStatus.EHCP, "ci"): 4.0,
    (SenStatus.EHCP, None): 2.0,
    (SenStatus.SUPPORT, "semh"): 4.0,
    (SenStatus.SUPPORT, None): 1.0,
}
OBSERVATION_RATES = {"ibp": 2.0, SenStatus.EHCP: 1.0, SenStatus.SUPPORT: 0.4}
RI_RATE = 0.3  # a term, for other pupils with an IBP, in histories longer than a term
POSITIVE_SHARE = 0.3

# How likely a concern is in each of words.DAY_BLOCKS: the focus pupil's afternoons are
# hard; everyone else's a little harder than their mornings.
FOCUS_CONCERN_WEIGHTS = [0.6, 0.2, 0.4, 0.6, 0.5, 4.0, 4.0, 0.2]
FOCUS_POSITIVE_WEIGHTS = [1.0, 0.3, 0.3, 1.0, 0.5, 1.0, 1.0, 0.5]
CONCERN_WEIGHTS = [1.0, 0.4, 0.8, 1.0, 1.2, 1.4, 1.4, 0.5]
POSITIVE_WEIGHTS = [1.5, 0.4, 0.6, 1.5, 0.6, 1.0, 1.0, 0.6]
RI_REF = RestrictiveIntervention._meta.model_name  # the timeline's ref_type, as the service
OBSERVATION_SLOTS = {"morning": [(9, 20), (10, 50), (11, 15)], "afternoon": [(13, 10), (14, 5)]}


def summarise(method, started_at, ended_at, entries) -> dict:
    """The summary the observation service stores: events counted, rate per hour observed
    (events / hours), % of samples on task, total seconds of the timed behaviour."""
    hours = (ended_at - started_at).total_seconds() / 3600
    summary = {
        "event_count": 0,
        "rate_per_hour": None,
        "on_task_pct": None,
        "total_duration_seconds": None,
    }
    if method == ObservationMethod.INTERVAL:
        samples = [e for e in entries if e.on_task is not None]
        summary["event_count"] = len(samples)
        if samples:
            on = sum(1 for e in samples if e.on_task)
            summary["on_task_pct"] = round(on / len(samples) * 100, 1)
        return summary
    if method == ObservationMethod.FREQUENCY:
        events = sum(e.count or 0 for e in entries)
    else:
        events = len(entries)
    summary["event_count"] = events
    if hours > 0:
        summary["rate_per_hour"] = round(events / hours, 1)
    if method == ObservationMethod.DURATION:
        summary["total_duration_seconds"] = sum(e.duration_seconds or 0 for e in entries)
    return summary


def make_behaviour(builder) -> dict:
    """Write a school's behaviour, training and safeguarding records; returns counts."""
    return _Behaviour(builder).build()


def pick_focus(b):
    """A pupil of ta1's or ta2's (1:1 or key adult) in Year 2 or above, preferring
    social, emotional and mental health needs, then autism, then one already on an
    IBP."""
    adults = b.tas[:2]
    rank = {"SEMH": 0, "ASD": 1}
    # Not ta1's 1:1 pupil: that one has the medication demo (care.py).
    candidates = [
        p
        for p in b.pupils
        if b.adult_of.get(p.pk) in adults
        and not (b.adult_of[p.pk] == adults[0] and p.pk in b.one_to_one)
    ]
    if not candidates:
        return None

    def key(p):
        plan = b.plan_of.get(p.pk)
        return (
            p.year_group.ordinal < 2,  # not the youngest: lessons, PE and all
            p.pk not in b.one_to_one,  # an adult with them all day sees the pattern
            rank.get(b.needs_of[p.pk][0], 2),
            0 if plan is not None and plan.kind == Plan.Kind.IBP else 1,
            adults.index(b.adult_of[p.pk]),
            p.upn,
        )

    return min(candidates, key=key)


class _Behaviour:
    def __init__(self, b):
        self.b = b
        self.today = b.today
        self.staff = b.staff
        self.senco = b.senco
        self.incidents, self.present, self.uses, self.timeline = [], [], [], []
        self.observations, self.entries = [], []
        self.interventions, self.ri_staff, self.notifications = [], [], []
        self.strategies_of = {}  # pupil pk -> [(BehaviourStrategy, how well it works)]
        self.ibp_of = {}  # pupil pk -> Plan
        self.first_contact = None  # pupil pk -> name, loaded when first needed

    def build(self) -> dict:
        yesterday = self.today - dt.timedelta(days=1)
        self.focus = self.pick_focus()
        self.window_start = self.today - dt.timedelta(weeks=FOCUS_WEEKS)
        self.window_start = max(self.window_start, self.b.history_start)
        self.window_start = min(self.window_start, self.today - dt.timedelta(weeks=FOCUS_MIN_WEEKS))
        start = min(self.window_start, self.b.history_start)
        calendar = Calendar.load(self.b.school.pk, start, self.today)
        self.school_days = [d for d in _days(start, yesterday) if calendar.is_school_day(d)]
        self.history_days = [d for d in self.school_days if d >= self.b.history_start]

        self.make_training()
        self.make_behaviour_plans()
        self.make_background()
        if self.focus is not None:
            self.make_focus()
        self.write()
        concerns = self.make_concerns()
        return {
            "incidents": len(self.incidents),
            "observations": len(self.observations),
            "observation_entries": len(self.entries),
            "restrictive_interventions": len(self.interventions),
            "concerns": concerns,
            "training": self.training_count,
        }

    # -- who ---------------------------------------------------------------------------

    def pick_focus(self):
        return pick_focus(self.b)

    def class_teacher(self, pupil):
        return self.b.teacher_of[self.b.group_of[pupil.pk].pk]

    # -- training ----------------------------------------------------------------------

    def make_training(self):
        """Positive handling current for most TAs and every HLTA, the SENCO and the head;
        expired for one TA; none for another (at schools with four TAs or more) and for
        most teachers. Safeguarding for all, from this year's training day; first aid for
        some; medication for the HLTAs, ta1 and some TAs, never ta2."""
        b, rng, today = self.b, self.b.rng("training"), self.today
        rows = []
        focus_adult = b.adult_of.get(self.focus.pk) if self.focus is not None else None
        others = [ta for ta in b.tas if ta != focus_adult]
        self.expired_ta = others[-1] if others else None
        untrained = others[-2] if len(b.tas) >= 4 else None

        def add(user, kind, course, completed, years):
            expires = _add_years(completed, years) - dt.timedelta(days=1) if years else None
            rows.append(
                Training(
                    user=user,
                    kind=kind,
                    course=course,
                    completed_on=completed,
                    expires_on=expires,
                )
            )

        handling = [self.staff["head"], self.senco, *b.hltas]
        handling += [ta for ta in b.tas if ta not in (self.expired_ta, untrained)]
        if self.focus is not None:
            handling.append(self.class_teacher(self.focus))
        for user in handling:
            completed = b.school_day_before(today - dt.timedelta(days=rng.randrange(200, 600)))
            add(user, Training.Kind.POSITIVE_HANDLING, "Team Teach level 2", completed, 2)
        if self.expired_ta is not None:
            completed = b.school_day_before(today - dt.timedelta(days=rng.randrange(800, 1000)))
            add(
                self.expired_ta, Training.Kind.POSITIVE_HANDLING, "Team Teach level 2", completed, 2
            )

        # After school on the first school day of the autumn term (the training days
        # themselves are closures, and no record falls on one).
        training_day = _autumn_training_day(b, today.year)
        if training_day > b.last_day:
            training_day = _autumn_training_day(b, today.year - 1)
        for user in b.staff.values():
            add(user, Training.Kind.SAFEGUARDING, "Annual safeguarding update", training_day, 1)
        dsl_course = b.school_day_before(today - dt.timedelta(days=rng.randrange(100, 500)))
        add(
            self.staff["dsl"],
            Training.Kind.SAFEGUARDING,
            "Designated safeguarding lead",
            dsl_course,
            2,
        )
        assistants = [*b.hltas, *b.tas]
        for user in assistants:
            if rng.random() < 0.45:
                completed = b.school_day_before(today - dt.timedelta(days=rng.randrange(30, 900)))
                add(user, Training.Kind.FIRST_AID, "Paediatric first aid", completed, 3)
        # Medication: ta1 gives the demo's doses; ta2, who supports the same pupil at
        # lunchtimes, is never trained (the refusal the demo shows); some other TAs are.
        medication = [*b.hltas, b.tas[0], *(ta for ta in b.tas[2:] if rng.random() < 0.3)]
        for user in medication:
            add(user, Training.Kind.MEDICATION, "Administering medicines", training_day, 1)
        Training.objects.bulk_create(rows)
        self.training_count = len(rows)
        self.handling = defaultdict(list)
        for row in rows:
            if row.kind == Training.Kind.POSITIVE_HANDLING:
                self.handling[row.user.pk].append(row)

    def handling_status(self, user, day) -> str:
        """As staff.models.training_status, from the rows just made."""
        status = InterventionStaff.Training.NONE
        for row in self.handling[user.pk]:
            if row.completed_on <= day:
                if row.expires_on is None or row.expires_on >= day:
                    return InterventionStaff.Training.CURRENT
                status = InterventionStaff.Training.EXPIRED
        return status

    # -- plans -------------------------------------------------------------------------

    def make_behaviour_plans(self):
        """The focus pupil's IBP (made if they have none), and for every IBP its triggers,
        early signs, what to avoid and agreed strategies."""
        b, rng = self.b, self.b.rng("behaviour plans")
        for pupil_pk, plan in b.plan_of.items():
            if plan.kind == Plan.Kind.IBP:
                self.ibp_of[pupil_pk] = plan
        if self.focus is not None and self.focus.pk not in self.ibp_of:
            name = self.focus.preferred_name or self.focus.legal_first_name
            start = b.school_day_before(self.window_start - dt.timedelta(days=7))
            plan = Plan.objects.create(
                pupil=self.focus,
                kind=Plan.Kind.IBP,
                title=f"{name}'s behaviour plan",
                status=Plan.Status.ACTIVE,
                start_date=start,
                review_date=b.school_days.on_or_after(
                    max(self.today + dt.timedelta(weeks=6), start)
                ),
                created_by=self.senco,
            )
            self.ibp_of[self.focus.pk] = plan
            self.timeline.append(
                TimelineEntry(
                    pupil_id=self.focus.pk,
                    occurred_at=_at(start, 8, 30),
                    kind="plan",
                    title=f"{plan.get_kind_display()} now active: {plan.title}",
                    actor=self.senco,
                    ref_type="plan",
                    ref_id=str(plan.pk),
                )
            )
        details, strategies = [], []
        for pupil_pk, plan in self.ibp_of.items():
            area = b.area(plan.pupil)
            details.append(
                BehaviourPlan(
                    plan=plan,
                    triggers=rng.choice(words.IBP_TRIGGERS.get(area, words.IBP_TRIGGERS["other"])),
                    early_signs=rng.choice(words.IBP_EARLY_SIGNS),
                    avoid=rng.choice(words.IBP_AVOID),
                )
            )
            if self.focus is not None and pupil_pk == self.focus.pk:
                chosen = words.FOCUS_STRATEGIES
            else:
                texts = rng.sample(words.IBP_STRATEGIES, k=rng.randint(2, 4))
                chosen = [(text, rng.choice([1, 2, 2, 3, 3])) for text in texts]
            mine = []
            for order, (text, works) in enumerate(chosen, start=1):
                strategy = BehaviourStrategy(plan=plan, text=text, order=order)
                strategies.append(strategy)
                mine.append((strategy, works))
            self.strategies_of[pupil_pk] = mine
        BehaviourPlan.objects.bulk_create(details)
        BehaviourStrategy.objects.bulk_create(strategies)  # ids set: SQLite and PostgreSQL

    # -- the focus pupil ---------------------------------------------------------------

    def make_focus(self):
        rng, pupil = self.b.rng("focus behaviour"), self.focus
        adult = self.b.adult_of[pupil.pk]
        teacher = self.class_teacher(pupil)
        days = [d for d in self.school_days if d >= self.window_start]
        if len(days) < 5:  # a history too short to show anything
            return
        first, last = days[0], days[-1]
        span = max((last - first).days, 1)
        for day in days:
            frac = (day - first).days / span  # 0 → 1 through the window: the IBP helps
            monday = day.weekday() == 0
            concern_rate = 0.5 * (2.5 if monday else 1.0) * (1.25 - 0.55 * frac)
            for _ in range(_poisson(rng, concern_rate)):
                block = _pick(rng, words.DAY_BLOCKS, FOCUS_CONCERN_WEIGHTS)
                self.incident(
                    rng, pupil, day, block, Incident.Kind.CONCERN, adult, [adult, teacher]
                )
            for _ in range(_poisson(rng, 0.15 + 0.25 * frac)):
                block = _pick(rng, words.DAY_BLOCKS, FOCUS_POSITIVE_WEIGHTS)
                self.incident(
                    rng, pupil, day, block, Incident.Kind.POSITIVE, adult, [adult, teacher]
                )

        # Two or three observations a week: always the first afternoon of the week, and
        # a morning or an afternoon later in it. Methods take turns.
        by_week = defaultdict(list)
        for day in days:
            by_week[day - dt.timedelta(days=day.weekday())].append(day)
        methods = list(ObservationMethod.values)
        turn = 0
        for week_days in by_week.values():
            plan = [(week_days[0], "afternoon")]
            later = week_days[1:]
            for day in sorted(rng.sample(later, k=min(len(later), rng.choice([1, 1, 2])))):
                plan.append((day, rng.choice(["morning", "morning", "afternoon"])))
            for day, part in plan:
                frac = (day - first).days / span
                hard = (0.75 if part == "afternoon" else 0.15) + (0.2 if day.weekday() == 0 else 0)
                hard = _clip(hard - 0.15 * frac + rng.gauss(0, 0.05), 0, 1)
                observer = self.senco if turn % 2 == 0 else adult
                hour, minute = rng.choice(OBSERVATION_SLOTS[part])
                self.observation(
                    rng,
                    pupil,
                    _at(day, hour, minute),
                    methods[turn % 4],
                    observer,
                    hard,
                    [adult, teacher] if observer == self.senco else [teacher],
                )
                turn += 1

        self.make_focus_interventions(rng, pupil, adult, teacher, days)

    def make_focus_interventions(self, rng, pupil, adult, teacher, days):
        """One restrictive intervention some weeks ago (a Monday after lunch, if the window
        has one), parents told the same afternoon; one two school days ago, nobody told
        yet and the deadline (the end of the next day) past."""
        name = pupil.preferred_name or pupil.legal_first_name
        names = {"name": name, "adult": adult.full_name.split()[0]}
        earlier = days[: max(len(days) - 10, 1)]  # not in the last two weeks
        mondays = [d for d in earlier if d.weekday() == 0] or earlier
        day = mondays[len(mondays) * 2 // 3]
        started = _at(day, 13, 10)
        incident = self.incident(
            rng,
            pupil,
            day,
            words.DAY_BLOCKS[5],
            Incident.Kind.CONCERN,
            adult,
            [adult, teacher],
            at=started,
            severity=Incident.Severity.HIGH,
            behaviour=words.RI_NOTIFIED["incident"],
            antecedent=words.RI_NOTIFIED["antecedent"],
        )
        ri = self.intervention(
            pupil,
            incident,
            started,
            words.RI_NOTIFIED,
            names,
            adult,
            [(adult, "lead"), (self.senco, "support"), (teacher, "witness")],
            debrief_on=days[days.index(day) + 1] if days.index(day) + 1 < len(days) else day,
        )
        who = self.contact_name(pupil).split()[0]
        self.notify(
            ri,
            started + dt.timedelta(hours=2, minutes=5),
            ParentNotification.Method.PHONE,
            self.senco,
            words.PARENT_NOTES[0].format(contact=who, name=name),
        )

        # Two school days before today: its deadline, the end of the next day, has passed.
        day = days[-2] if len(days) >= 2 else days[-1]
        started = _at(day, 14, 20)
        incident = self.incident(
            rng,
            pupil,
            day,
            words.DAY_BLOCKS[6],
            Incident.Kind.CONCERN,
            adult,
            [adult, teacher],
            at=started,
            severity=Incident.Severity.HIGH,
            behaviour=words.RI_OVERDUE["incident"],
            antecedent=words.RI_OVERDUE["antecedent"],
        )
        support = self.b.hltas[0] if self.b.hltas else self.senco
        witnesses = [(adult, "lead"), (support, "support")]
        if self.expired_ta is not None and self.expired_ta not in (adult, support):
            witnesses.append((self.expired_ta, "witness"))
        self.intervention(pupil, incident, started, words.RI_OVERDUE, names, adult, witnesses)

    def contact_name(self, pupil) -> str:
        """Who the school calls first about `pupil` (one query for the whole school)."""
        if self.first_contact is None:
            self.first_contact = {}
            contacts = Contact.objects.filter(pupil__school=self.b.school).order_by(
                "-priority", "-id"
            )
            for pupil_pk, name in contacts.values_list("pupil_id", "name"):
                self.first_contact[pupil_pk] = name  # the last written is priority 1
        return self.first_contact.get(pupil.pk, "Parent")

    # -- everyone else on the register -------------------------------------------------

    def make_background(self):
        rng = self.b.rng("background behaviour")
        days = self.history_days
        if not days:
            return
        terms = len(days) / TERM_DAYS
        long_history = len(days) > TERM_DAYS
        for pupil in self.b.pupils:
            if pupil.sen_status == SenStatus.NONE or pupil == self.focus:
                continue
            area = self.b.area(pupil)
            rate = INCIDENT_RATES.get(
                (pupil.sen_status, area), INCIDENT_RATES[(pupil.sen_status, None)]
            )
            recorder = self.b.deliverer(pupil)
            present = [recorder, self.class_teacher(pupil)]
            for day in sorted(rng.choices(days, k=_poisson(rng, rate * terms))):
                if rng.random() < POSITIVE_SHARE:
                    block = _pick(rng, words.DAY_BLOCKS, POSITIVE_WEIGHTS)
                    self.incident(rng, pupil, day, block, Incident.Kind.POSITIVE, recorder, present)
                else:
                    block = _pick(rng, words.DAY_BLOCKS, CONCERN_WEIGHTS)
                    self.incident(rng, pupil, day, block, Incident.Kind.CONCERN, recorder, present)
            key = "ibp" if pupil.pk in self.ibp_of else pupil.sen_status
            for day in sorted(rng.choices(days, k=_poisson(rng, OBSERVATION_RATES[key] * terms))):
                part = rng.choice(["morning", "morning", "afternoon"])
                hour, minute = rng.choice(OBSERVATION_SLOTS[part])
                hard = _clip(rng.gauss(0.45 if part == "afternoon" else 0.3, 0.15), 0, 1)
                observer = self.senco if rng.random() < 0.5 else recorder
                method = rng.choice(ObservationMethod.values)
                self.observation(
                    rng, pupil, _at(day, hour, minute), method, observer, hard, present
                )
            if long_history and pupil.pk in self.ibp_of:
                # Earlier terms only: this term's restrictive interventions are the focus
                # pupil's two.
                before = [d for d in days if d < self.window_start]
                for day in sorted(
                    rng.choices(before, k=_poisson(rng, RI_RATE * terms)) if before else []
                ):
                    self.background_intervention(rng, pupil, day, recorder, present)

    def background_intervention(self, rng, pupil, day, recorder, present):
        name = pupil.preferred_name or pupil.legal_first_name
        names = {"name": name, "adult": recorder.full_name.split()[0]}
        started = _at(day, 13, rng.randrange(5, 55))
        incident = self.incident(
            rng,
            pupil,
            day,
            words.DAY_BLOCKS[5],
            Incident.Kind.CONCERN,
            recorder,
            present,
            at=started,
            severity=Incident.Severity.HIGH,
            behaviour=words.RI_NOTIFIED["incident"],
            antecedent=words.RI_NOTIFIED["antecedent"],
        )
        staff = [(recorder, "lead")] + ([(self.senco, "support")] if recorder != self.senco else [])
        ri = self.intervention(
            pupil, incident, started, words.RI_NOTIFIED, names, recorder, staff, debrief_on=day
        )
        how = rng.choice([ParentNotification.Method.PHONE, ParentNotification.Method.IN_PERSON])
        self.notify(ri, started + dt.timedelta(hours=2), how, self.senco)

    # -- records -----------------------------------------------------------------------

    def incident(
        self,
        rng,
        pupil,
        day,
        block,
        kind,
        recorder,
        present,
        *,
        at=None,
        severity=None,
        behaviour=None,
        antecedent=None,
    ):
        begin, end, lesson, location = block
        if at is None:
            start = _minutes(begin)
            at = _at(day, *divmod(start + rng.randrange(max(_minutes(end) - start, 1)), 60))
        if kind == Incident.Kind.CONCERN:
            if behaviour is None:
                behaviour, level = rng.choice(words.CONCERN_BEHAVIOURS)
                severity = severity or level
            incident = Incident(
                school=self.b.school,
                pupil=pupil,
                kind=kind,
                severity=severity or Incident.Severity.MEDIUM,
                occurred_at=at,
                location=location,
                lesson=lesson,
                antecedent=antecedent or rng.choice(words.ANTECEDENTS[lesson]),
                behaviour=behaviour,
                response=rng.choice(words.CONCERN_RESPONSES),
                outcome=rng.choice(words.CONCERN_OUTCOMES),
                follow_up=rng.choice(words.FOLLOW_UPS),
                recorded_by=recorder,
                recorded_at=at + dt.timedelta(minutes=rng.randrange(10, 90)),
            )
        else:
            behaviour = rng.choice(words.POSITIVE_BEHAVIOURS)
            incident = Incident(
                school=self.b.school,
                pupil=pupil,
                kind=kind,
                occurred_at=at,
                location=location,
                lesson=lesson,
                behaviour=behaviour,
                response="Praised privately and a house point.",
                recorded_by=recorder,
                recorded_at=at + dt.timedelta(minutes=rng.randrange(10, 90)),
            )
        self.incidents.append(incident)
        self.present += [(incident, user) for user in dict.fromkeys(present)]
        self.timeline.append(
            TimelineEntry(
                pupil_id=pupil.pk,
                occurred_at=at,
                kind="incident" if kind == Incident.Kind.CONCERN else "positive",
                title=_incident_title(incident),
                body=incident.behaviour,
                actor=recorder,
                ref_type="incident",
                ref_id=str(incident.pk),
            )
        )
        self.strategy_uses(
            rng, pupil, at, recorder, 0.9 if kind == "concern" else 0.3, incident=incident
        )
        return incident

    def strategy_uses(self, rng, pupil, at, recorder, chance, **source):
        plan = self.ibp_of.get(pupil.pk)
        mine = self.strategies_of.get(pupil.pk)
        if not mine or plan.start_date is None or at.date() < plan.start_date:
            return
        if rng.random() >= chance:
            return
        for strategy, works in rng.sample(mine, k=min(len(mine), rng.choice([1, 1, 2]))):
            self.uses.append(
                StrategyUse(
                    strategy=strategy,
                    pupil=pupil,
                    effectiveness=_clip(works + rng.choice([-1, 0, 0, 0, 1]), 1, 3),
                    recorded_by=recorder,
                    recorded_at=at + dt.timedelta(minutes=30),
                    **source,
                )
            )

    def observation(self, rng, pupil, started, method, observer, hard, present):
        """An observation of `method` starting at `started`; `hard` (0 calm … 1 very
        hard) sets how much the behaviour shows."""
        block = next(
            (
                blk
                for blk in words.DAY_BLOCKS
                if _minutes(blk[1]) > started.hour * 60 + started.minute
            ),
            words.DAY_BLOCKS[-1],
        )
        lesson = block[2]
        entries, interval, behaviour = [], None, ""
        if method == ObservationMethod.INTERVAL:
            interval, behaviour = 30, "on task"
            samples = rng.choice([30, 40, 40])
            p_on = _clip(0.9 - 0.5 * hard + rng.gauss(0, 0.04), 0.05, 0.98)
            for seq in range(1, samples + 1):
                entries.append(
                    ObservationEntry(
                        seq=seq,
                        at=started + dt.timedelta(seconds=seq * interval),
                        on_task=rng.random() < p_on,
                    )
                )
            ended = started + dt.timedelta(seconds=samples * interval)
        elif method == ObservationMethod.FREQUENCY:
            interval = 300
            behaviour = rng.choice(words.OBSERVED_BEHAVIOURS["frequency"])
            n = rng.randint(6, 10)
            for seq in range(1, n + 1):
                entries.append(
                    ObservationEntry(
                        seq=seq,
                        at=started + dt.timedelta(seconds=seq * interval),
                        count=_poisson(rng, 0.4 + 2.6 * hard),
                    )
                )
            ended = started + dt.timedelta(seconds=n * interval)
        elif method == ObservationMethod.DURATION:
            behaviour = rng.choice(words.OBSERVED_BEHAVIOURS["duration"])
            minutes = rng.choice([20, 30, 40])
            ended = started + dt.timedelta(minutes=minutes)
            episodes = min(_poisson(rng, 0.8 + 4 * hard), minutes // 4)
            slot = minutes * 60 // max(episodes, 1)
            for seq in range(1, episodes + 1):
                begins = (seq - 1) * slot + rng.randrange(0, slot // 3)
                entries.append(
                    ObservationEntry(
                        seq=seq,
                        at=started + dt.timedelta(seconds=begins),
                        duration_seconds=rng.randrange(20, max(21, min(240, slot * 2 // 3))),
                    )
                )
        else:
            minutes = rng.choice([30, 40, 45])
            ended = started + dt.timedelta(minutes=minutes)
            k = min(1 + _poisson(rng, 1 + 5 * hard), 12)
            for seq, offset in enumerate(sorted(rng.sample(range(1, minutes * 60), k)), 1):
                antecedent, what, consequence = rng.choice(words.ABC_ENTRIES)
                entries.append(
                    ObservationEntry(
                        seq=seq,
                        at=started + dt.timedelta(seconds=offset),
                        antecedent=antecedent,
                        behaviour=what,
                        consequence=consequence,
                    )
                )
        summary = summarise(method, started, ended, entries)
        observation = Observation(
            school=self.b.school,
            pupil=pupil,
            method=method,
            behaviour=behaviour,
            lesson=lesson,
            activity=rng.choice(["Whole-class teaching", "Group work", "Independent task"]),
            staff_present=", ".join(u.full_name for u in dict.fromkeys(present) if u != observer),
            observer=observer,
            started_at=started,
            ended_at=ended,
            interval_seconds=interval,
            recorded_at=ended + dt.timedelta(minutes=rng.randrange(2, 30)),
            **summary,
        )
        for entry in entries:
            entry.observation = observation
        self.observations.append(observation)
        self.entries += entries
        self.timeline.append(
            TimelineEntry(
                pupil_id=pupil.pk,
                occurred_at=started,
                kind="observation",
                title=_observation_title(observation),
                actor=observer,
                ref_type="observation",
                ref_id=str(observation.pk),
            )
        )
        self.strategy_uses(rng, pupil, started, observer, 0.3, observation=observation)
        return observation

    def intervention(self, pupil, incident, started, spec, names, recorder, staff, debrief_on=None):
        day = timezone.localtime(started).date()
        ri = RestrictiveIntervention(
            school=self.b.school,
            pupil=pupil,
            incident=incident,
            kind=spec["kind"],
            pupil_sen_status=pupil.sen_status,
            started_at=started,
            duration_minutes=spec["minutes"],
            location=spec["location"],
            before=spec["before"].format(**names),
            deescalation=spec["deescalation"].format(**names),
            holds=spec["holds"].format(**names),
            reason=spec["reason"].format(**names),
            support_after=spec["support_after"].format(**names),
            debrief=spec.get("debrief", "").format(**names) if debrief_on else "",
            debrief_on=debrief_on,
            notify_parent_by=notify_parent_by(started),
            recorded_by=recorder,
            recorded_at=started + dt.timedelta(minutes=spec["minutes"] + 40),
        )
        self.interventions.append(ri)
        self.ri_staff += [
            InterventionStaff(
                intervention=ri,
                user=user,
                part=part,
                training=self.handling_status(user, day),
            )
            for user, part in staff
        ]
        kind = RestrictiveIntervention.Kind(spec["kind"]).label.lower()
        self.timeline.append(
            TimelineEntry(
                pupil_id=pupil.pk,
                occurred_at=started,
                kind="restrictive_intervention",
                title=f"Restrictive intervention: {kind}, {ri.duration_minutes} min, {ri.location}",
                body=ri.reason,
                actor=recorder,
                ref_type=RI_REF,
                ref_id=str(ri.pk),
            )
        )
        return ri

    def notify(self, ri, at, method, by, note=""):
        """Parents told: the notification and the timeline line the service writes."""
        self.notifications.append(
            ParentNotification(
                intervention=ri,
                notified_at=at,
                method=method,
                contact_name=self.contact_name(ri.pupil),
                notified_by=by,
                note=note,
                recorded_at=at + dt.timedelta(minutes=10),
            )
        )
        how = ParentNotification.Method(method).label.lower()
        self.timeline.append(
            TimelineEntry(
                pupil_id=ri.pupil_id,
                occurred_at=at,
                kind="parent_notified",
                title="Parents told about the restrictive intervention of "
                f"{timezone.localtime(ri.started_at):%-d %b} ({how})",
                actor=by,
                ref_type=RI_REF,
                ref_id=str(ri.pk),
            )
        )

    def write(self):
        # COPY on PostgreSQL (demo/rows.py): three years of a big school's behaviour
        # records took seconds through bulk_create. Nothing reads these rows' ids back.
        insert_objects(Incident, self.incidents)
        through = Incident.staff_present.through
        insert_objects(through, [through(incident_id=i.pk, user_id=u.pk) for i, u in self.present])
        insert_objects(Observation, self.observations)
        insert_objects(ObservationEntry, self.entries)
        insert_objects(StrategyUse, self.uses)
        insert_objects(RestrictiveIntervention, self.interventions)
        insert_objects(InterventionStaff, self.ri_staff)
        insert_objects(ParentNotification, self.notifications)
        insert_objects(TimelineEntry, self.timeline)

    # -- safeguarding ------------------------------------------------------------------

    def make_concerns(self) -> int:
        """Concerns about two pupils (not the focus pupil): one reported by a TA at
        breakfast club, one by the class teacher. No timeline, audit or access rows."""
        b, rng = self.b, self.b.rng("safeguarding")
        days = self.history_days or self.school_days
        if not days or not b.tas:
            return 0
        others = [p for p in b.pupils if p != self.focus]
        reporter = b.tas[min(2, len(b.tas) - 1)]
        mine = [p for p in others if b.adult_of.get(p.pk) == reporter]
        first = rng.choice(mine or others)
        rest = [p for p in others if b.group_of[p.pk] != b.group_of[first.pk]] or [
            p for p in others if p != first
        ]
        if not rest:
            return 0
        second = rng.choice(rest)
        dsl = self.staff["dsl"]
        plan = [
            (first, reporter, days[-min(15, len(days))], (8, 20), (8, 45)),
            (second, self.class_teacher(second), days[-min(4, len(days))], (14, 5), (15, 35)),
        ]
        concerns, actions = [], []
        for (pupil, by, day, seen, told), spec in zip(plan, words.CONCERNS, strict=True):
            name = pupil.preferred_name or pupil.legal_first_name
            reported = _at(day, *told)
            concern = Concern(
                school=b.school,
                pupil=pupil,
                reported_by=by,
                reported_at=reported,
                occurred_at=_at(day, *seen),
                location=spec["location"],
                concern=spec["concern"].format(name=name),
                words_used=spec["words_used"],
                body_map=spec["body_map"],
                action_taken=spec["action_taken"].format(name=name),
                status=Concern.Status.OPEN,
                risk=Concern.Risk.LOW,
                retain_until=_add_years(pupil.date_of_birth, RETENTION_YEARS),
            )
            concerns.append(concern)
            for step, (kind, note) in enumerate(spec["actions"], start=1):
                actions.append(
                    ConcernAction(
                        concern=concern,
                        kind=kind,
                        note=note.format(name=name),
                        by=dsl,
                        at=reported + dt.timedelta(hours=2 * step, minutes=rng.randrange(30)),
                    )
                )
        Concern.objects.bulk_create(concerns)
        ConcernAction.objects.bulk_create(actions)
        return len(concerns)


# The timeline titles the behaviour and observation services write.


def _incident_title(incident) -> str:
    if incident.kind == Incident.Kind.POSITIVE:
        return f"Positive recognition: {incident.location}"
    severity = incident.get_severity_display().lower()
    return f"Behaviour incident ({severity}) in {incident.location}"


def _observation_title(o) -> str:
    method = {
        ObservationMethod.ABC: "ABC",
        ObservationMethod.FREQUENCY: "frequency",
        ObservationMethod.DURATION: "duration",
        ObservationMethod.INTERVAL: "interval sampling",
    }[o.method]
    named = o.method in (ObservationMethod.FREQUENCY, ObservationMethod.DURATION)
    what = f" “{o.behaviour}”" if named else ""
    return f"Observation ({method}){what}: {summary_text(o)}"[:200]


def _autumn_training_day(b, year):
    """The first school day of the autumn term beginning in `year`."""
    return b.school_days.on_or_after(dt.date(year, 9, 2))


def _at(day, hour, minute=0):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _pick(rng, items, weights):
    return rng.choices(items, weights=weights)[0]


def _poisson(rng, mean: float) -> int:
    """Knuth's method: fine for the small means used here."""
    if mean <= 0:
        return 0
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _clip(value, low, high):
    return max(low, min(high, value))


def _days(start, end):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
