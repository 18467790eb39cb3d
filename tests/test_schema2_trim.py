"""A schema 2 plan stopped by the time limit keeps only the items it needs (SPEC 3: irredundant).

The time limit is played by a walk that stops at once with a padded plan in hand: the best plan
and as many other items as the model takes with it (:func:`padded_walk`). What the planner makes
of it (:func:`ceplan.planning.held_trim.drop_unneeded`) must renew every tier held the plan's way,
and no longer do so with any one item dropped, by the exhaustive reference's own rules.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import ceplan
import ceplan.planning.held as held_module
from ceplan.model.arrays import ArrayModel
from ceplan.objective import Objective
from ceplan.planning.held_trim import without_zeros
from ceplan.solving.arrays import Walked, solve_once
from ceplan.solving.backends import Solver
from ceplan.status import Deadline
from tests.conftest import examples
from tests.schema2_generators import Scenario, scenarios
from tests.schema2_reference import renewable
from tests.test_schema2_exact import INPUTS, base
from tests.test_schema2_planning import catalog_of, inputs_of, valid

REAL_WALK = held_module.walk_stages


def padded_walk(
    model: ArrayModel,
    objective: Objective,
    sums: Mapping[Any, Any],
    take: Mapping[str, int],
    solver: Solver,
    deadline: Deadline,
) -> Walked:
    """The best answer with every other item the model takes with it (by id), "time limited"."""
    walked = REAL_WALK(model, objective, sums, take, solver, deadline)
    if walked.values is None:
        return walked
    values: np.ndarray = walked.values
    fixed = {column: float(values[column] > 0.5) for column in take.values()}
    for _, column in sorted(take.items()):
        if fixed[column]:
            continue
        trial = {**fixed, column: 1.0}
        run, found = solve_once(model.fixed(trial), ({}, 0.0), solver, Deadline(5.0))
        if run.status == "optimal" and found is not None:
            fixed, values = trial, found
    return Walked("feasible", "time_limit", values, (), 0.5)


def test_a_padded_plan_is_trimmed_the_largest_id_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(held_module, "walk_stages", padded_walk)
    catalog = ceplan.Catalog.model_validate(base())
    plan = ceplan.optimise(catalog, "t", solver="highs", **INPUTS)
    # padded: a, b, c, d (27 credits after per_activity, 8 needed). Dropped the largest id
    # first while the rest meets the path: d (a, b, c: 14), then c (a, b: 10); b and a stay
    # (6 and 4 alone are short).
    assert plan.status == "feasible"
    assert plan.termination == "time_limit"
    assert [item.id for item in plan.planned] == ["a", "b"]
    assert plan.total_cost == 80.0


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_a_trimmed_plan_is_irredundant(scenario: Scenario) -> None:
    data, person = scenario.catalogue, scenario.person
    assume(valid(data))
    inputs = inputs_of(person)
    tier = inputs.pop("tier")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(held_module, "walk_stages", padded_walk)
        plan = ceplan.optimise(catalog_of(data), tier, solver="highs", **inputs)
    assume(plan.found)
    ids = [item.id for item in plan.planned]
    via = {held.tier: held.renewed_through for held in plan.held}
    assert renewable(data, person, ids, via)
    for dropped in ids:
        assert not renewable(data, person, [i for i in ids if i != dropped], via), dropped


@st.composite
def small_models(draw: st.DrawFn) -> ArrayModel:
    """A model of a few binary columns (some fixed at 0) and rows with both bounds or one."""
    n = draw(st.integers(1, 5))
    upper = [float(draw(st.sampled_from([0, 1, 1, 1]))) for _ in range(n)]
    rows = []
    for r in range(draw(st.integers(0, 5))):
        columns = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3, unique=True))
        terms = {c: float(draw(st.sampled_from([-2, -1, 1, 1, 2]))) for c in columns}
        low = draw(st.sampled_from([-math.inf, -1.0, 0.0, 1.0]))
        high = draw(st.sampled_from([math.inf, 0.0, 1.0, 2.0]))
        rows.append((terms, low, high, f"r{r}"))
    return ArrayModel.of([f"x{c}" for c in range(n)], [0.0] * n, upper, [True] * n, rows)


def answers(model: ArrayModel) -> set[tuple[float, ...]]:
    """Every 0/1 answer of ``model``, by brute force."""
    found = set()
    for point in itertools.product([0.0, 1.0], repeat=model.columns):
        values = np.asarray(point)
        if not model.impossible and not model.broken(values):
            found.add(point)
    return found


@settings(max_examples=examples(100), deadline=None)
@given(small_models())
def test_without_zeros_keeps_every_answer(model: ArrayModel) -> None:
    small, live = without_zeros(model)
    widened = set()
    for point in answers(small):
        values = np.zeros(model.columns)
        values[live] = point
        widened.add(tuple(values.tolist()))
    assert widened == answers(model)
