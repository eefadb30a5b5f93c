"""The deployment planner's model, in OR-Tools CP-SAT: Problem -> Solution. Pure: no
database. One boolean x[adult, need, slot] says the adult staffs the need in that period.

Hard rules: an adult is in one place a period (add_at_most_one), only in periods they are
free (contract pattern, not absent, not on a trip, not teaching), only for needs they may
staff (post, named adult, current training, care plan's sex); each need takes its number of
adults a period or none; a session provision at most its sessions a day; an adult keeps a
break or lunch period free (and a second free period on a day over six hours); no pupil
sees more adults in the week than the school's limit.

The objective weighs what is met: an EHC plan minute far above a SEN support minute, a dose,
duty post and cover above both; then continuity (the pupil's key adult, fewer adults), then
as few assignments as needed; in a re-plan, each changed assignment costs (fewest changes).

The week's bound: the pools make each day's solve small, but they are a choice, so a day
proven optimal is optimal only for the adults chosen. The bound that holds over every
choice is the linear relaxation of the week without the adults-per-pupil limit (the only
rule that ties one day to another, so the relaxation is one small LP a day): no plan can
score above it. The plan reports its gap to that bound, and is "optimal" only when it
reaches it (or when no pupil's pool left anyone out, so each day's proof is the week's).

What is not met is explained by asking, for the need's periods, which family of rules
leaves no adult: the first family whose filter empties every period is the rule that
stopped it."""

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from sendesk.staff.models import Training

from .problem import BREAK_KINDS, DAY_NAMES, LONG_DAY_MINUTES, Need, Problem

KEY_ADULT_BONUS = 3  # per period with the pupil's key adult
ASSIGNMENT_COST = 1  # per period staffed: no idle deployments
CHANGE_COST = 50  # per changed assignment in a re-plan (below any minute of provision)

# The week's model runs with all the time left when the days' plan is not proven within
# 1 % (the speed aim's promise); on a small school it also gets a short, deterministic try
# at closing a smaller gap (deterministic, so the same school gets the same plan).
SMALL_WEEK = 5_000  # candidate assignments (adult, need, period) over every adult
ENOUGH_GAP = 0.01
SHORT_TRY = 1.0  # CP-SAT deterministic time units, about a second

SKILL_WORDS = {
    Training.Kind.MEDICATION: "medication-trained",
    Training.Kind.MOVING_HANDLING: "moving-and-handling-trained",
    Training.Kind.POSITIVE_HANDLING: "positive-handling-trained",
    Training.Kind.INTIMATE_CARE: "intimate-care-trained",
}


def skill_words(kind: str) -> str:
    if kind in SKILL_WORDS:
        return SKILL_WORDS[kind]
    return f"{Training.Kind(kind).label.lower()}-trained" if kind in Training.Kind.values else kind


@dataclass
class Placed:
    staff_id: int
    need_key: str
    slot: int


@dataclass
class Shortfall:
    need: Need
    minutes: int
    rule: str
    reason: str


@dataclass
class Solution:
    placed: list[Placed]
    unmet: list[Shortfall]
    breaks: list[tuple[int, int]]  # (staff id, slot): own break
    optimal: bool
    objective: int
    bound: int
    seconds: float
    status: str = ""
    met: dict = field(default_factory=dict)  # need key -> minutes (or periods) met


def _may_staff(adult, need: Need, slot) -> bool:
    if not adult.free(slot.index):
        return False
    return _eligible(adult, need, slot) is None


def _eligible(adult, need: Need, slot):
    """None when the adult may staff the need on the slot's day, else the rule that stops
    them (ignoring whether they are free)."""
    if need.kind != "duty" and not adult.support:
        return "staffing"
    if need.post and adult.post != need.post:
        return "staffing"
    if need.named_adult and adult.id != need.named_adult:
        return "named_adult"
    held = adult.skills.get(slot.date, frozenset())
    for kind in need.skills:
        if kind not in held:
            return kind
    if need.gender and adult.gender != need.gender:
        return "gender"
    return None


def pools(problem: Problem, extra: int = 0) -> dict:
    """{pupil id: adult ids} the planner considers for each pupil: the school's limit of
    adults a pupil sees (so the limit holds by construction), chosen greedily so that
    demand spreads over the staff (EHC plan pupils first, most minutes first; the named
    adult; the adults the pupil already has (pinned, or in a re-plan those they had); the
    key adult; then at least two adults able to give each of the pupil's needs; then the
    least loaded). On a large school this keeps the model to thousands of variables rather
    than a hundred thousand; a small school's pupils keep every adult able to help them."""
    size = problem.max_adults_per_pupil + extra
    by_pupil = defaultdict(list)
    for need in problem.needs:
        if need.pupil_id:
            by_pupil[need.pupil_id].append(need)
    capacity = {
        a.id: max(
            1, sum(s.minutes for s in problem.slots if a.free(s.index) and s.kind == "lesson")
        )
        for a in problem.adults
    }
    load = defaultdict(float)
    chosen = Pools()

    def demand(needs):
        return sum(n.weight * max(n.minutes, 30) for n in needs)

    for pupil_id in sorted(by_pupil, key=lambda p: (-demand(by_pupil[p]), str(p))):
        needs = by_pupil[pupil_id]
        pool, cut = _pool(problem, pupil_id, needs, size, lambda a: load[a] / capacity[a])
        chosen[pupil_id] = pool
        chosen.cut |= cut
        share = sum(n.minutes or 30 for n in needs) / max(1, len(pool))
        for a in pool:
            load[a] += share
    return chosen


class Pools(dict):
    """{pupil id: adult ids}; `cut` when some pupil's pool leaves out an adult able to
    help them (then a day's optimum is not the week's)."""

    cut = False


def _able(problem, needs) -> dict:
    """{adult id: keys of the needs they could take}."""
    able = defaultdict(set)
    for need in needs:
        for s in need.slots:
            slot = problem.slots[s]
            for adult in problem.adults:
                if _may_staff(adult, need, slot):
                    able[adult.id].add(need.key)
    return able


def _pool(problem, pupil_id, needs, size, busyness) -> tuple[set, bool]:
    keys = {n.key for n in needs}
    able = _able(problem, needs)
    # Adults the pupil already has this week (pinned, or on the week's other days in a
    # re-plan) count towards the limit, and are preferred.
    had = _had(problem, pupil_id)
    room = max(0, size - len(had - set(able)))
    if len(able) <= room:
        return set(able), False
    tiers = (
        {n.named_adult for n in needs if n.named_adult},
        had | {a for a, key, _ in problem.previous if key in keys},
        set(problem.key_adults.get(pupil_id, ())),
    )

    def tier(a):
        return next((i for i, members in enumerate(tiers) if a in members), len(tiers))

    rank = sorted(able, key=lambda a: (tier(a), busyness(a), a))
    pool = [a for a in rank if tier(a) < len(tiers)][: max(room, 1)]
    pool = _fill(pool, rank, able, keys, room)
    return pool, len(pool) < len(able)


def _had(problem, pupil_id) -> set:
    """The adults a pupil already has this week: pinned with them, or (in a re-plan) with
    them on the week's other days. They count towards the limit."""
    return {f.staff_id for f in problem.fixed if pupil_id in f.pupil_ids} | problem.week_adults.get(
        pupil_id, set()
    )


def _fill(pool, rank, able, keys, room) -> set:
    """At least two adults able to give each need (while there is room), then the best
    ranked to the pool's size."""
    for key in sorted(keys):
        for a in [a for a in rank if key in able[a] and a not in pool]:
            if len(pool) >= room or sum(1 for b in pool if key in able[b]) >= 2:
                break
            pool.append(a)
    pool += [a for a in rank if a not in pool][: max(0, room - len(pool))]
    return set(pool)


class _Relaxation:
    """The CP-SAT model's calls, answered by a linear program (GLOP): every boolean a
    fraction between 0 and 1, so its optimum bounds the integer one from above."""

    def __init__(self):
        self.lp = pywraplp.Solver.CreateSolver("GLOP")

    def new_bool_var(self, name):
        return self.lp.NumVar(0, 1, name)

    def new_int_var(self, low, high, name):
        return self.lp.NumVar(low, high, name)

    def add(self, constraint):
        return self.lp.Add(constraint)

    def add_at_most_one(self, vars_):
        return self.lp.Add(sum(vars_) <= 1)

    def add_hint(self, var, value):
        pass

    def maximize(self, expression):
        self.lp.Maximize(expression)

    def bound(self) -> float | None:
        if self.lp.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        return self.lp.Objective().Value()


class _Model:
    """One day's model: the day's needs, the adults' periods that day. `relaxed` builds the
    same rules as a linear program over every adult (no pools), for the week's bound;
    `into` adds the day to a model of the whole week (which sets the objective itself)."""

    def __init__(self, problem: Problem, needs, day, pool, relaxed=False, into=None):
        self.p = problem
        self.needs = needs
        self.day = day
        self.pool = pool
        self.shared = into is not None
        self.m = into if self.shared else (_Relaxation() if relaxed else cp_model.CpModel())
        self.x = {}  # (adult id, need key, slot) -> var
        self.by_adult_slot = defaultdict(list)
        self.by_need_slot = defaultdict(list)
        self.objective = []
        self.met = {}

    def build(self):
        p = self.p
        for need in self.needs:
            allowed = self.pool.get(need.pupil_id) if need.pupil_id else None
            for s in need.slots:
                slot = p.slots[s]
                for adult in p.adults:
                    if allowed is not None and adult.id not in allowed:
                        continue
                    if _may_staff(adult, need, slot):
                        var = self.m.new_bool_var("")
                        self.x[(adult.id, need.key, s)] = var
                        self.by_adult_slot[(adult.id, s)].append(var)
                        self.by_need_slot[(need.key, s)].append(var)
                        self.objective.append(-ASSIGNMENT_COST * var)
                        if adult.id in p.key_adults.get(need.pupil_id, ()):
                            self.objective.append(KEY_ADULT_BONUS * var)
        for vars_ in self.by_adult_slot.values():
            if len(vars_) > 1:
                self.m.add_at_most_one(vars_)
        for need in self.needs:
            self._need(need)
        self._breaks()
        self._changes()
        if not self.shared:
            self.m.maximize(sum(self.objective))
        return self

    def _need(self, need: Need):
        used = {}
        for s in need.slots:
            vars_ = self.by_need_slot.get((need.key, s))
            if not vars_:
                continue
            if need.adults_needed == 1:
                used[s] = sum(vars_)
                if len(vars_) > 1:
                    self.m.add_at_most_one(vars_)
            else:
                y = self.m.new_bool_var("")
                self.m.add(sum(vars_) == need.adults_needed * y)
                used[s] = y
        if not used:
            self.met[need.key] = 0
            return
        if need.most_slots is not None:
            self.m.add(sum(used.values()) <= need.most_slots)
        if need.minutes:
            met = self.m.new_int_var(0, need.minutes, "")
            self.m.add(met <= sum(need.credit(self.p.slots[s]) * u for s, u in used.items()))
            self.objective.append(need.weight * met)
            self.met[need.key] = met
        else:
            total = sum(used.values())
            self.objective.append(need.weight * total)
            self.met[need.key] = total

    def _breaks(self):
        day_slots = [s for s in self.p.slots if s.date == self.day]
        for adult in self.p.adults:
            free = [s for s in day_slots if adult.free(s.index)]
            if not free:
                continue
            rest = [s for s in free if s.kind in BREAK_KINDS]
            rest_vars = [v for s in rest for v in self.by_adult_slot.get((adult.id, s.index), [])]
            if rest and rest_vars:
                self.m.add(sum(rest_vars) <= len(rest) - 1)
            worked = adult.day_minutes.get(self.day) or sum(s.minutes for s in free)
            all_vars = [v for s in free for v in self.by_adult_slot.get((adult.id, s.index), [])]
            if worked > LONG_DAY_MINUTES and len(free) >= 2 and all_vars:
                self.m.add(sum(all_vars) <= len(free) - 2)

    def _changes(self):
        p = self.p
        if not p.previous:
            return
        for key, var in self.x.items():
            if key in p.previous:
                self.objective.append(p.change_weight * var)
                self.m.add_hint(var, 1)
            else:
                self.objective.append(-p.change_weight * var)
                self.m.add_hint(var, 0)


def solve(problem: Problem, time_limit: float = 10.0, workers: int = 1) -> Solution:
    """Each day is solved on its own: a pupil's adults for the week are chosen first (the
    pools, no more than the school's limit), so nothing else ties one day to another. Then
    the week's bound (see the module's note): the plan is optimal when it reaches it."""
    started = time.perf_counter()
    pool = pools(problem)
    days = sorted({n.date for n in problem.needs})
    # The bound's LPs first (about half a second a day on a large school), then the days
    # (each within 1 % of its own best: closing the last fraction can take a minute).
    relaxed, size = _week_bound(problem, days, started + time_limit * 0.5)
    run = _solve_days(problem, days, pool, started + time_limit * 0.8, workers)
    bound = run.bound if not pool.cut and run.optimal else None
    if relaxed is not None:
        bound = relaxed if bound is None else min(bound, relaxed)
    effort = _week_effort(run, bound, size)
    if effort is not None:
        deadline = started + time_limit
        run, bound = _solve_week(problem, days, run, bound, deadline, effort, workers)
    busy = {(pl.staff_id, pl.slot) for pl in run.placed} | {
        (f.staff_id, f.slot) for f in problem.fixed if f.slot is not None
    }
    breaks = [
        (adult.id, slot.index)
        for adult in problem.adults
        for slot in problem.slots
        if slot.kind in BREAK_KINDS
        and adult.free(slot.index)
        and (adult.id, slot.index) not in busy
    ]
    return Solution(
        placed=run.placed,
        unmet=explain(problem, run.placed, run.met),
        breaks=breaks,
        optimal=bound is not None and run.objective >= bound,
        objective=run.objective,
        bound=bound,
        seconds=time.perf_counter() - started,
        status=run.status,
        met=run.met,
    )


@dataclass
class _Run:
    placed: list = field(default_factory=list)
    met: dict = field(default_factory=dict)
    objective: int = 0
    bound: int = 0
    optimal: bool = True
    status: str = "OPTIMAL"


def _solve_days(problem, days, pool, deadline, workers) -> _Run:
    run, statuses = _Run(), set()
    for i, day in enumerate(days):
        model = _Model(problem, [n for n in problem.needs if n.date == day], day, pool).build()
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = workers
        left = deadline - time.perf_counter()
        solver.parameters.max_time_in_seconds = max(0.05, left / (len(days) - i))
        solver.parameters.relative_gap_limit = ENOUGH_GAP
        status = solver.solve(model.m)
        statuses.add(solver.status_name(status))
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            # No solution in the time given (staffing nothing is always allowed, so only
            # time runs out): the day is left unstaffed and every need of it listed unmet.
            run.optimal = False
            run.met.update(dict.fromkeys(model.met, 0))
            continue
        run.optimal &= status == cp_model.OPTIMAL
        run.objective += int(solver.objective_value)
        run.bound += int(solver.best_objective_bound)
        run.placed += [Placed(a, n, s) for (a, n, s), var in model.x.items() if solver.value(var)]
        run.met.update(_met(model, solver))
    if statuses - {"OPTIMAL", "FEASIBLE"}:
        run.status = "INCOMPLETE"
    elif statuses - {"OPTIMAL"}:
        run.status = "FEASIBLE"
    return run


def _week_effort(run, bound, size) -> float | None:
    """The deterministic time the week's model gets (inf: all that is left), or None."""
    if bound is None or (bound - run.objective) > ENOUGH_GAP * max(1, abs(bound)):
        return math.inf
    if run.objective < bound and size <= SMALL_WEEK:
        return SHORT_TRY
    return None


def _solve_week(problem, days, run, bound, deadline, effort, workers):
    """The whole week as one model over every adult, with the limit of adults a pupil sees
    as a rule rather than a choice made first, started from the days' plan: (run, bound),
    the better plan and the tighter bound. Used when the days' plan may be short of the
    best (the pools chose adults badly: a key adult off half the week, say)."""
    left = deadline - time.perf_counter()
    if left <= 0.05:
        return run, bound
    week = cp_model.CpModel()
    models = []
    for day in days:
        day_needs = [n for n in problem.needs if n.date == day]
        models.append(_Model(problem, day_needs, day, {}, into=week).build())
    x = {key: var for m in models for key, var in m.x.items()}
    _adult_limit(problem, week, x)
    week.maximize(sum(term for m in models for term in m.objective))
    week.clear_hints()
    placed = {(p.staff_id, p.need_key, p.slot) for p in run.placed}
    for key, var in x.items():
        week.add_hint(var, key in placed)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = left
    if effort != math.inf:
        solver.parameters.max_deterministic_time = effort
    status = solver.solve(week)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return run, bound
    week_bound = int(solver.best_objective_bound)
    bound = week_bound if bound is None else min(bound, week_bound)
    if solver.objective_value <= run.objective:
        return run, bound
    better = _Run(objective=int(solver.objective_value))
    better.placed = [Placed(a, n, s) for (a, n, s), var in x.items() if solver.value(var)]
    for m in models:
        better.met.update(_met(m, solver))
    better.status = solver.status_name(status)
    return better, bound


def _met(model, solver) -> dict:
    """{need key: minutes (or periods) met} as solved; a need with no candidate is 0."""
    return {k: (v if isinstance(v, int) else solver.value(v)) for k, v in model.met.items()}


def _adult_limit(problem, model, x):
    """No pupil sees more adults in the week than the limit, counting the adults they
    already have (pinned, or on the week's other days in a re-plan)."""
    pupil_of = {n.key: n.pupil_id for n in problem.needs if n.pupil_id}
    sees = {}
    for (adult, key, _), var in x.items():
        if key in pupil_of:
            pair = (pupil_of[key], adult)
            if pair not in sees:
                sees[pair] = model.new_bool_var("")
            model.add_implication(var, sees[pair])
    by_pupil = defaultdict(list)
    for (pupil, adult), var in sees.items():
        by_pupil[pupil].append((adult, var))
    for pupil, pairs in by_pupil.items():
        had = _had(problem, pupil)
        new = [var for adult, var in pairs if adult not in had]
        model.add(sum(new) <= max(0, problem.max_adults_per_pupil - len(had)))


def _week_bound(problem, days, deadline) -> tuple[int | None, int]:
    """(bound, size): no plan of the week scores above the bound, each day's linear
    relaxation over every adult, without the adults-per-pupil limit, summed (None when out
    of time); size, the candidate assignments over every adult."""
    total, size = 0.0, 0
    for day in days:
        if time.perf_counter() > deadline:
            return None, size
        day_needs = [n for n in problem.needs if n.date == day]
        model = _Model(problem, day_needs, day, {}, relaxed=True).build()
        size += len(model.x)
        bound = model.m.bound()
        if bound is None:
            return None, size
        total += bound
    # The objective is whole: the best plan scores at most the bound rounded down.
    return math.floor(total + 1e-6), size


# --- Why a need is not met --------------------------------------------------------------

# The families of rules, in the order they are asked: the first that leaves no adult in any
# of the need's periods is the one named.
_FREE_RULES = ("absence", "trip", "teaching", "contract")


def where_label(problem, need: Need) -> str:
    if len(need.slots) == 1:
        return problem.slots[need.slots[0]].label
    return DAY_NAMES[need.date.isoweekday() - 1]


def _who(need: Need, named: str = "") -> str:
    return named or ("HLTA" if need.post else "adult")


def explain(problem: Problem, placed, met) -> list[Shortfall]:
    shortfalls = []
    for need in problem.needs:
        got = met.get(need.key, 0)
        if need.minutes:
            short = need.minutes - got
        else:
            short = len(need.slots) - got
        if short <= 0:
            continue
        rule, reason = _diagnose(problem, need, placed)
        # A dose, duty or cover is counted in its period's minutes.
        minutes = short if need.minutes else problem.slots[need.slots[0]].minutes * short
        shortfalls.append(Shortfall(need, minutes, rule, reason))
    return shortfalls


def _diagnose(problem: Problem, need: Need, placed) -> tuple[str, str]:
    """The rule that stopped `need`: asked in order, whether the periods allowed were all
    used (the class timetable), where an adult would have to be free (contract, absence,
    trip, teaching), able (post, named adult, training, sex), enough of them (a care plan's
    two adults), then what the others were doing."""
    where = where_label(problem, need)
    open_slots, found = _timetable(need, placed, where)
    if found:
        return found
    staff = _of_post(problem, need)
    if not staff:
        return "staffing", f"no {_who(need)} at the school can staff {need.title}"
    pairs = [(a, problem.slots[s]) for s in open_slots for a in staff]
    free = [(a, s) for a, s in pairs if a.free(s.index)]
    named = _named(problem, need)
    found = _not_free(need, where, named, pairs, free)
    if found:
        return found
    able = [(a, s) for a, s in free if _eligible(a, need, s) is None]
    most = max(sum(1 for _, t in able if t.index == s) for s in open_slots)
    if most < need.adults_needed:
        stops = defaultdict(int)
        for a, s in free:
            stops[_eligible(a, need, s)] += 1
        return _ineligible(need, where, named, stops, most)
    return _why_not_given(problem, need, placed, where, named, able)


def _timetable(need, placed, where):
    """The need's periods not yet used, and the timetable rule when none is left."""
    if not need.slots:
        return [], ("timetable", f"no lesson period fits {need.title} on {where}")
    used = {p.slot for p in placed if p.need_key == need.key}
    open_slots = [s for s in need.slots if s not in used]
    if open_slots and len(used) != need.most_slots:
        return open_slots, None
    return open_slots, (
        "timetable",
        f"{need.pupil_name or need.title}: only {len(used)} period(s) allowed on {where} "
        f"for {need.title} (the class timetable and the provision's days and time of day)",
    )


def _of_post(problem, need):
    """Adults of a post that gives the need: support staff (anyone for a duty post), an
    HLTA for HLTA provision."""

    def fits(adult):
        if need.kind != "duty" and not adult.support:
            return False
        return not need.post or adult.post == need.post

    return [a for a in problem.adults if fits(a)]


def _not_free(need, where, named, pairs, free):
    """The named adult, or every adult of the post, is not free: why (contract, absence,
    trip, teaching). None when someone is."""
    if named and not any(a.id == need.named_adult for a, _ in free):
        reasons = {a.busy[s.index] for a, s in pairs if a.id == need.named_adult}
        rule = next((r for r in _FREE_RULES if r in reasons), "contract")
        return rule, f"{named}, named in the plan, {_BUSY_WORDS[rule]} on {where} ({need.title})"
    if free:
        return None
    reasons = {a.busy[s.index] for a, s in pairs}
    rule = next((r for r in _FREE_RULES if r in reasons), "contract")
    if rule == "contract":
        return rule, f"no {_who(need)} is contracted to work on {where} ({need.title})"
    return rule, f"every {_who(need)} working on {where} {_BUSY_WORDS[rule]} ({need.title})"


_BUSY_WORDS = {
    "contract": "is not contracted to work",
    "absence": "is absent",
    "trip": "is on an educational visit",
    "teaching": "is teaching",
}


def _named(problem, need) -> str:
    if not need.named_adult:
        return ""
    found = [a.name for a in problem.adults if a.id == need.named_adult]
    return found[0] if found else "the adult the plan names"


def _why_not_given(problem, need, placed, where, named, able) -> tuple[str, str]:
    """Free and able adults exist in the periods left: the pupil's adults for the week
    are taken, the adults needed their break, or others came first."""
    busy = {(p.staff_id, p.slot) for p in placed} | {(f.staff_id, f.slot) for f in problem.fixed}
    idle = [(a, s) for a, s in able if (a.id, s.index) not in busy]
    if need.pupil_id and idle:
        seen = {p.staff_id for p in placed if _need_pupil(problem, p.need_key) == need.pupil_id}
        seen |= {f.staff_id for f in problem.fixed if need.pupil_id in f.pupil_ids}
        if len(seen) >= problem.max_adults_per_pupil and all(a.id not in seen for a, _ in idle):
            return "adult_limit", (
                f"{need.pupil_name} already sees {len(seen)} adults this week, the school's "
                f"limit, and none of them is free on {where} ({need.title})"
            )
    if idle:
        return "breaks", (
            f"the suitable adults free on {where} need that time for their break or lunch "
            f"({need.title})"
        )
    first = "EHC plan hours" if need.source == "sen_support" else "other pupils' needs"
    return "capacity", (
        f"every suitable {_who(need, named)} free on {where} is deployed to {first} ({need.title})"
    )


def _need_pupil(problem, key):
    index = getattr(problem, "_need_index", None)
    if index is None:
        index = problem._need_index = {n.key: n.pupil_id for n in problem.needs}
    return index.get(key)


def _ineligible(need: Need, where: str, named: str, rules, able: int) -> tuple[str, str]:
    """No free adult (or too few) may staff it: say which rule stops the free adults,
    training first, then the care plan's sex, then the post."""
    few = f" ({able} of the {need.adults_needed} needed)" if need.adults_needed > 1 else ""
    skill_rules = [k for k in need.skills if rules.get(k)]
    if skill_rules:
        kind = skill_rules[0]
        if named:
            return kind, f"{named}, named in the plan, is not {skill_words(kind)} ({need.title})"
        return kind, f"no {skill_words(kind)} {_who(need)} free on {where}{few} ({need.title})"
    if rules.get("gender"):
        return "gender", (
            f"not enough {need.gender} adults free on {where}{few}, as the care plan asks "
            f"({need.title})"
        )
    if rules.get("named_adult"):
        return "named_adult", f"{named or 'the named adult'} is not free on {where} ({need.title})"
    return "staffing", f"no {_who(need)} free on {where} may staff {need.title}{few}"
