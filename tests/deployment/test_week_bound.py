"""The week's bound: a plan is called optimal, or "within x %", only against a bound that no
plan of the week can beat, whichever adults each pupil is given (the pools are the planner's
choice, not a rule)."""

import datetime as dt
import math
import random

from ortools.sat.python import cp_model

from sendesk.deployment import services, solver
from sendesk.deployment.models import Plan
from sendesk.deployment.problem import WEIGHT, Adult, Need, Problem, Slot
from sendesk.pupils.models import Deployment

from .school import DAY as SCHOOL_DAY
from .school import WEEK, Small, cells

DAY = SCHOOL_DAY[:4]  # P1, Break, P2, P3: a short day keeps the exact model small


def _random_week(seed):
    """Three days, four adults with random days off, three pupils with 1:1 minutes each day
    and a key adult, at most one or two adults a pupil: small enough to solve exactly as one
    model, and tight enough that the planner's choice of adults is sometimes not the best."""
    rng = random.Random(seed)
    days = [WEEK + dt.timedelta(days=i) for i in range(3)]
    slots = [
        Slot(len(days[:d]) * len(DAY) + n, day, n, name, kind, start, end)
        for d, day in enumerate(days)
        for n, (name, kind, start, end) in enumerate(DAY)
    ]
    adults = []
    for i in range(4):
        off = set(rng.sample(days, rng.choice([0, 1, 1, 2])))
        adult = Adult(id=i + 1, name=f"Adult {i + 1}", post="ta")
        adult.busy = {s.index: "contract" for s in slots if s.date in off}
        adult.day_minutes = dict.fromkeys(days, 300)
        adults.append(adult)
    needs = []
    for p in range(3):
        for day in days:
            lessons = [s.index for s in slots if s.date == day and s.kind == "lesson"]
            needs.append(
                Need(
                    key=f"p{p}:{day}", kind="support", weight=WEIGHT["ehcp_f"], date=day,
                    slots=rng.sample(lessons, 2), title="1:1", minutes=rng.choice([60, 120]),
                    pupil_id=f"pupil-{p}", pupil_name=f"Pupil {p}", source="ehcp_f",
                )
            )  # fmt: skip
    key_adults = {f"pupil-{p}": {rng.randint(1, 4)} for p in range(3)}
    return Problem(
        school_id=0, week_start=WEEK, slots=slots, adults=adults, needs=needs,
        max_adults_per_pupil=rng.choice([1, 2]), key_adults=key_adults,
    )  # fmt: skip


def _best_week(problem):
    """The true optimum: the whole week as one exact model, every day's rules over every
    adult, with the limit of adults a pupil sees as a rule (not a choice made first)."""
    week = cp_model.CpModel()
    objective, x = [], {}
    for day in sorted({n.date for n in problem.needs}):
        model = solver._Model(problem, [n for n in problem.needs if n.date == day], day, {})
        model.m = week
        model.build()
        objective += model.objective
        x.update(model.x)
    pupil_of = {n.key: n.pupil_id for n in problem.needs}
    sees = {}
    for (adult, key, _), var in x.items():
        pair = (pupil_of[key], adult)
        sees.setdefault(pair, week.new_bool_var(""))
        week.add_implication(var, sees[pair])
    for pupil in set(pupil_of.values()):
        week.add(sum(v for (p, _), v in sees.items() if p == pupil) <= problem.max_adults_per_pupil)
    week.maximize(sum(objective))
    cp = cp_model.CpSolver()
    assert cp.solve(week) == cp_model.OPTIMAL
    return int(cp.objective_value)


def test_the_planner_finds_the_best_week_whichever_adults_it_first_chose():
    short = 0
    for seed in range(12):
        problem = _random_week(seed)
        best = _best_week(problem)
        got = solver.solve(problem)
        assert got.objective == best and got.bound == best and got.optimal, seed
        # The linear bound alone (what a large school relies on) is never below the best.
        days = sorted({n.date for n in problem.needs})
        assert solver._week_bound(problem, days, math.inf)[0] >= best, seed
        # The days solved with the adults chosen first: sometimes short of the best, which
        # is what the bound must catch and the whole week's model put right.
        first = solver._solve_days(problem, days, solver.pools(problem), math.inf, 1)
        short += first.objective < best
    assert short >= 4


def test_when_the_limit_forces_a_choice_the_plan_takes_the_adult_who_gives_most(
    world, api, as_user
):
    """One adult a pupil: Bea (Eve's key adult) works two days, Ann three. Choosing the key
    adult first would leave three days unmet; the week's model gives Eve Ann, and proves
    it the best."""
    s = Small(world)
    services.set_max_adults(actor=s.senco, school_id=s.school.pk, value=1)
    s.adult("Ann Able", days="123")
    bea = s.adult("Bea Bright", days="45")
    eve = s.pupil("Eve")
    Deployment.objects.create(school=s.school, staff=bea, kind="key_adult", pupil=eve, start=WEEK)
    prov = s.provision(eve, "Eve's 1:1", hours=5)
    r = api.post(s.senco, "/deployment/plans", {"week_start": WEEK.isoformat()})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["optimal"] is True and body["gap"] == 0
    plan = Plan.objects.get(pk=body["id"])
    assert {c[0] for c in cells(plan, provision=prov)} == {"Ann Able"}
    assert sorted(u["minutes"] for u in body["unmet"]) == [60, 60]  # Thursday, Friday
    assert {u["rule"] for u in body["unmet"]} == {"adult_limit"}
    page = as_user(s.senco).get(f"/deployment/plans/{plan.pk}/").content.decode()
    assert "The best plan possible." in page
    # A plan proven only near the best says how near, rounded up: never "0.0 %".
    Plan.objects.filter(pk=plan.pk).update(objective=99_950, bound=100_000, optimal=False)
    page = as_user(s.senco).get(f"/deployment/plans/{plan.pk}/").content.decode()
    assert "Proven within 0.1 % of the best plan possible." in page
    Plan.objects.filter(pk=plan.pk).update(objective=97_610, bound=100_000)
    page = as_user(s.senco).get(f"/deployment/plans/{plan.pk}/").content.decode()
    assert "Proven within 2.4 % of the best plan possible." in page
    Plan.objects.filter(pk=plan.pk).update(bound=None)
    page = as_user(s.senco).get(f"/deployment/plans/{plan.pk}/").content.decode()
    assert "A good plan, not proven the best." in page


def test_a_week_nothing_cuts_short_is_optimal_with_no_gap(world, api):
    s = Small(world)
    s.adult("Ann Able")
    s.provision(s.pupil("Eve"), "Eve's 1:1", hours=5)
    body = api.post(s.senco, "/deployment/plans", {"week_start": WEEK.isoformat()}).json()
    assert body["optimal"] is True and body["gap"] == 0
    assert body["unmet"] == []
