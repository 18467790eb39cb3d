"""The bounds and values of the columns' stages (ceplan/solving/columns.py), checked from outside.

Each person's columns are enumerated here by brute force (``options`` of
tests/test_team_model.py: every set of items that meets a path, each item paid in each budget
period it can be paid in, by the fund or not), and the master is written again in PuLP over
them: each person takes at most one column, the fund pays toward each period at most what the
chosen columns' items it may pay for cost there and at most its amount in all, and each
period pays the rest up to its amount. Its linear relaxation and its integer programme are
solved by HiGHS directly. A stage's bound must lie between the two (at least the relaxation's
value, rounded to the whole numbers the stage counts in; never past the integer optimum), its
value no better than the integer optimum, and a stage said to be proved must be at it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from typing import Any

import pulp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.roster.models import Roster
from ceplan.solving.bounds import least_renewing
from ceplan.solving.columns import ColumnsSolution, solve_by_columns
from ceplan.solving.master import Master
from ceplan.status import Deadline
from tests.conftest import examples
from tests.test_team_model import TODAY, best, catalog_of, options, roster_of, teams

TOLERANCE = 1e-6
"""Relative: what the relaxation's value is read to."""


# -- the master again, over every column ----------------------------------------------------


def master_optimum(
    catalog: ceplan.Catalog,
    roster: Roster,
    stage: str,
    held: dict[str, float],
    *,
    relaxed: bool,
    columns: dict[str, list[tuple[Any, ...]]] | None = None,
) -> float:
    """The best of ``stage`` over every column, the stages before it ``held`` (their values).

    In the stage's own units: priority renewed, cents out of pocket, hours. ``relaxed``: each
    person may take parts of columns (the linear relaxation). ``columns``: each person's
    (by id), as :func:`every_column` gives them, if already enumerated.
    """
    columns = columns or every_column(catalog, roster)
    problem = pulp.LpProblem("master", pulp.LpMaximize if stage == "priority" else pulp.LpMinimize)
    kind = pulp.LpContinuous if relaxed else pulp.LpBinary
    fund = round(roster.funds[0].amount * 100 * rate(catalog, roster)) if roster.funds else 0
    periods = range(len(roster.budgets))
    spend: dict[int, Any] = {p: 0 for p in periods}
    may: dict[int, Any] = {p: 0 for p in periods}
    priority: Any = 0
    hours: Any = 0
    for person in sorted(roster.people, key=lambda p: p.id):
        taken = []
        for n, (renews, _, plan_hours, items) in enumerate(columns[person.id]):
            if not renews:
                continue
            take = problem.add_variable(f"take_{person.id}_{n}", 0, 1, cat=kind)
            taken.append(take)
            priority += person.priority * take
            hours += plan_hours * take
            for cents, period, fund_may in items:
                spend[period] += cents * take
                if fund_may:
                    may[period] += cents * take
        if taken:
            problem += pulp.lpSum(taken) <= 1, f"one_column_{person.id}"
    pays = {p: problem.add_variable(f"fund_pays_{p}", 0, None) for p in periods}
    for p in periods:
        problem += pays[p] <= may[p], f"fund_may_pay_{p}"
        budget = round(roster.budgets[p].amount * 100)
        problem += spend[p] - pays[p] <= budget, f"period_{p}"
    problem += pulp.lpSum(pays.values()) <= fund, "fund"
    out_of_pocket = pulp.lpSum(spend.values()) - pulp.lpSum(pays.values())
    if "priority" in held:
        problem += priority >= held["priority"], "priority_held"
    if "out_of_pocket" in held:
        problem += out_of_pocket <= held["out_of_pocket"], "spend_held"
    problem += {"priority": priority, "out_of_pocket": out_of_pocket, "hours": hours}[stage]
    problem.solve(pulp.HiGHS(msg=False))
    assert pulp.LpStatus[problem.status] == "Optimal", (stage, held)
    return float(pulp.value(problem.objective) or 0.0)


def every_column(catalog: ceplan.Catalog, roster: Roster) -> dict[str, list[tuple[Any, ...]]]:
    """Each person's ways to go (:func:`options`), by id, in order."""
    return {person.id: sorted(options(person, catalog, roster)) for person in roster.people}


def rate(catalog: ceplan.Catalog, roster: Roster) -> float:
    return catalog.rate(roster.funds[0].currency) if roster.funds else 1.0


def check_stages(
    solution: ColumnsSolution, catalog: ceplan.Catalog, roster: Roster, *, priced: bool = True
) -> None:
    """Every stage's value and bound against the master over every column (see the module).

    ``priced``: pricing went to the end, so each bound is at least the relaxation's value.
    """
    held: dict[str, float] = {}
    columns = every_column(catalog, roster)  # the same for every stage: enumerated once
    for stage in solution.stages:
        unit = solution.hours_scale if stage.name == "hours" else 1  # ours: in hour steps
        value, bound = stage.value / unit, stage.bound / unit
        relaxation = master_optimum(
            catalog, roster, stage.name, held, relaxed=True, columns=columns
        )
        optimum = master_optimum(catalog, roster, stage.name, held, relaxed=False, columns=columns)
        slack = TOLERANCE * max(1.0, abs(relaxation))
        if stage.name == "priority":  # maximised
            assert value <= optimum + slack and optimum <= bound + slack
            assert bound <= math.floor(relaxation + slack) or not priced
        else:
            assert optimum <= value + slack and bound <= optimum + slack
            whole = math.ceil((relaxation - slack) * unit) / unit
            assert bound >= whole - slack or not priced, (stage.name, bound, relaxation)
        assert 0.0 <= stage.gap <= 1.0
        if stage.proved:
            assert abs(value - optimum) <= slack and stage.bound == stage.value
        held[stage.name] = value


# -- the stages ------------------------------------------------------------------------------


@settings(max_examples=examples(60), deadline=None)
@given(teams(most_people=3))
def test_every_stage_lies_between_the_relaxation_and_the_integer_optimum(
    team: tuple[ceplan.Catalog, Roster],
) -> None:
    catalog, roster = team
    solution = solve_by_columns(catalog, roster, today=TODAY)
    assert solution.termination == "solved"
    check_stages(solution, catalog, roster)
    # Branch and price settles who renews in a team this small.
    assert solution.stages[0].proved, solution.stages


@settings(max_examples=examples(12), deadline=None)
@given(teams(most_people=3))
def test_stages_proved_are_those_of_the_exhaustive_search(
    team: tuple[ceplan.Catalog, Roster],
) -> None:
    """Where every stage is proved, they are the first three of SPEC 7's order found by
    trying every combination of everyone's ways (tests/test_team_model.py's ``best``)."""
    catalog, roster = team
    solution = solve_by_columns(catalog, roster, today=TODAY)
    priority, out_of_pocket, hours = solution.stages
    expected = best(catalog, roster)
    if priority.proved:
        assert priority.value == -expected[0]
        if out_of_pocket.proved:
            assert out_of_pocket.value == pytest.approx(expected[1], abs=0.01)
            if hours.proved:
                assert hours.value / solution.hours_scale == pytest.approx(expected[2])


@settings(max_examples=examples(30), deadline=None)
@given(teams(ample=True, most_people=3))
def test_with_ample_budgets_every_stage_is_proved(team: tuple[ceplan.Catalog, Roster]) -> None:
    """Nothing to share: the relaxation takes each person's best whole, so every bound is met.
    (A stage held half a unit loose let the next relaxation take half of someone.)"""
    catalog, roster = team
    solution = solve_by_columns(catalog, roster, today=TODAY)
    assert all(stage.proved for stage in solution.stages), solution.stages
    check_stages(solution, catalog, roster)


def test_the_spend_bound_counts_whole_people() -> None:
    """Ann (priority 2) costs 100, Bo and Cy (priority 1) 30 and 40, and there are 130 to
    spend. The most priority is 3 (Ann and Bo: 130). The relaxation then spends only 120: Bo,
    Cy and half of Ann are priority 3 as well. Whole people cost 130 (Ann with Bo; Ann with Cy
    would be 140), and the bound says so: the budget binds nothing at 120, so the spend's
    price of a person is their plan's cost, and the least the people whose priority adds up
    to 3 can cost is 130."""
    activities = [
        {"id": "big", "title": "Big", "type": "course", "credits": 6, "cost": 100},
        {"id": "s30", "title": "S30", "type": "course", "credits": 2, "cost": 30},
        {"id": "s40", "title": "S40", "type": "course", "credits": 2, "cost": 40},
    ]
    catalog = catalog_of(activities)
    expires = dt.date(2027, 3, 31)
    people = [
        {"id": "ann", "name": "Ann", "tier": "pro", "expires": expires, "priority": 2},
        {"id": "bo", "name": "Bo", "tier": "pro", "expires": expires, "earned": 4},
        {"id": "cy", "name": "Cy", "tier": "pro", "expires": expires, "earned": 4},
    ]
    people[2]["exclude"] = ["s30"]
    roster = roster_of(people, [130, 0])
    solution = solve_by_columns(catalog, roster, today=TODAY)
    priority, out_of_pocket, _ = solution.stages
    assert priority.proved and priority.value == 3
    assert out_of_pocket.value == 130_00
    assert out_of_pocket.bound == 130_00 and out_of_pocket.proved
    assert sorted(solution.chosen) == ["ann", "bo"]
    check_stages(solution, catalog, roster)


@settings(max_examples=examples(30), deadline=None)
@given(teams(most_people=3), st.sampled_from([0.0, 0.001, 0.01]))
def test_a_time_limit_never_claims_more_than_is_true(
    team: tuple[ceplan.Catalog, Roster], seconds: float
) -> None:
    """Stopped early, the stages keep rules and bounds: every bound still a bound, every
    stage said to be proved at the integer optimum, and the answer said to be stopped."""
    catalog, roster = team
    solution = solve_by_columns(catalog, roster, today=TODAY, deadline=Deadline(seconds))
    if seconds == 0.0:
        assert solution.termination == "time_limit"
    check_stages(solution, catalog, roster, priced=False)


# -- the knapsacks -------------------------------------------------------------------------


def test_the_least_cost_of_people_reaching_a_priority_is_that_of_trying_every_set() -> None:
    """Against every subset; counted in coarser steps (few cells) it is never more."""
    rng = random.Random(14)
    for _ in range(300):
        n = rng.randint(0, 7)
        costs = [rng.choice([-3.0, 0.0, 5.0, 12.5, 30.0, 41.0]) for _ in range(n)]
        weights = [rng.randint(1, 9) for _ in range(n)]
        need = rng.randint(0, sum(weights) + 2)
        sets = [
            sum(c for c, t in zip(costs, taken, strict=True) if t)
            for taken in itertools.product([False, True], repeat=n)
            if sum(w for w, t in zip(weights, taken, strict=True) if t) >= need
        ]
        least = min(sets, default=math.inf)
        assert least_renewing(costs, weights, need) == pytest.approx(least)
        assert least_renewing(costs, weights, need, cells=rng.randint(1, 20)) <= least + 1e-9


def test_a_relaxation_that_takes_every_plan_whole_is_the_answer() -> None:
    """With budgets nobody shares, each stage's relaxation takes everyone's best plan whole:
    it is the integer answer, and no integer programme is solved."""
    from tests.generators import catalog_data, roster_data

    catalog = ceplan.Catalog.model_validate(catalog_data(120, 0))
    data = roster_data(12)
    for budget in data["budgets"]:
        budget["amount"] = 10**6
    roster = Roster.model_validate(data)
    solved: list[bool] = []  # whether each solve was an integer one
    solve = Master.solve

    def counted(master: Any, name: str, integer: bool, *args: Any, **kwargs: Any) -> Any:
        solved.append(integer)
        return solve(master, name, integer, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Master, "solve", counted)
        solution = solve_by_columns(catalog, roster, today=TODAY)
    assert all(stage.proved for stage in solution.stages)
    assert solved and not any(solved)


def test_the_benchs_tight_team_of_100_is_proved_in_every_stage() -> None:
    """The bench's 100 people with budgets that bind (tests/generators.py, ``tight``): the
    relaxation renews half of someone of priority 2 in the spend and hours stages (2.49 GBP and
    44 hours below the integer answers). Whole people close the spend; the hours need the
    search along the duals: the relaxation's own duals leave it 3 hours short."""
    from ceplan.solving import columns
    from tests.generators import organisation

    made = organisation(100, 0, "tight")
    catalog = ceplan.Catalog.model_validate(made.catalog)
    roster = Roster.model_validate(made.roster)
    solution = solve_by_columns(catalog, roster, today=TODAY)
    assert [stage.proved for stage in solution.stages] == [True, True, True]
    assert [stage.value for stage in solution.stages] == [130, 199665, 26450]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns, "_SEARCH_STEPS", 0)
        unsearched = solve_by_columns(catalog, roster, today=TODAY)
    priority, out_of_pocket, hours = unsearched.stages
    assert priority.proved and out_of_pocket.proved and not hours.proved
    assert hours.value == 26450 and hours.bound == 26420


def test_the_benchs_tight_team_of_two_is_proved_by_branching() -> None:
    """The bench's two people with budgets that bind (tests/generators.py, ``tight``): the
    relaxation renews parts of both, and no whole plan of either fits, which only a search
    over who renews can tell (the single model renews nobody, proved). Branching proves it;
    without it the priority's gap is 100%."""
    from ceplan.solving import columns
    from tests.generators import organisation

    made = organisation(2, 0, "tight")
    catalog = ceplan.Catalog.model_validate(made.catalog)
    roster = Roster.model_validate(made.roster)
    solution = solve_by_columns(catalog, roster, today=TODAY)
    assert [stage.proved for stage in solution.stages] == [True, True, True]
    assert solution.stages[0].value == 0 and not solution.chosen
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns, "_BRANCH_WORK", 0)
        unbranched = solve_by_columns(catalog, roster, today=TODAY)
    assert not unbranched.stages[0].proved and unbranched.stages[0].gap == 1.0


def test_branching_proves_the_answer_the_relaxation_leaves_open() -> None:
    """The bench's tight team of 50 (seed 3): the integer programme over the columns found
    renews priority 61 where the relaxation says 62 may be; branching on who renews proves 61
    the most (about 140 branches)."""
    from ceplan.solving import columns
    from tests.generators import organisation

    made = organisation(50, 3, "tight")
    catalog = ceplan.Catalog.model_validate(made.catalog)
    roster = Roster.model_validate(made.roster)
    solution = solve_by_columns(catalog, roster, today=TODAY)
    priority = solution.stages[0]
    assert priority.proved and priority.value == 61
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns, "_BRANCH_WORK", 0)
        unbranched = solve_by_columns(catalog, roster, today=TODAY)
    assert unbranched.stages[0].value == 61 and unbranched.stages[0].bound == 62


@settings(max_examples=examples(8), deadline=None)
@given(st.integers(2, 7), st.integers(0, 3))
def test_who_renews_in_the_benchs_small_tight_teams_is_proved(people: int, seed: int) -> None:
    """The bench's teams of 2 to 7 with budgets that bind: without branching about half have
    the priority's bound above what whole plans reach (seed 0: 2, 5 and 7 people); with it,
    every one is proved."""
    from tests.generators import organisation

    made = organisation(people, seed, "tight")
    catalog = ceplan.Catalog.model_validate(made.catalog)
    roster = Roster.model_validate(made.roster)
    solution = solve_by_columns(catalog, roster, today=TODAY)
    assert solution.stages[0].proved, solution.stages


def test_a_person_whose_exam_no_period_can_pay_is_proved_not_to_renew() -> None:
    """P1 can renew only with the 200.00 exam, and each budget period holds 100.00: the
    relaxation pays half the exam in each and renews P1 whole, so branching on who renews has
    nobody to branch on. The single model for P1 alone says they cannot renew (a cut), and the
    stage is proved at 0; without asking it, the bound stays at 1."""
    from ceplan.solving import columns

    catalog = catalog_of(
        [{"id": "a0", "title": "A0", "type": "course", "credits": 2, "cost": 0}],
        [{"id": "e0", "title": "E0", "kind": "core", "cost": 200}],
        [{"credits": 6}, {"credits": 2, "exams": {"core": 1}}],
    )
    expires = dt.date(2027, 6, 30)
    people = [
        {"id": "p0", "name": "P0", "tier": "pro", "expires": expires, "exams": False},
        {"id": "p1", "name": "P1", "tier": "pro", "expires": expires},
    ]
    roster = roster_of(people, [100, 100])
    solution = solve_by_columns(catalog, roster, today=TODAY)
    priority = solution.stages[0]
    assert priority.proved and priority.value == 0 and not solution.chosen
    check_stages(solution, catalog, roster)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns, "_TOGETHER_MOST", 0)
        unasked = solve_by_columns(catalog, roster, today=TODAY)
    assert not unasked.stages[0].proved and unasked.stages[0].bound == 1
