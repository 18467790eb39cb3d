"""The pricing's covering knapsack (:func:`ceplan.solving.covers._cover`) against every subset."""

from __future__ import annotations

import itertools
import random

import numpy as np

from ceplan.solving.covers import _cover, _covers


def least_cover(
    units: list[int], cost: list[float], real: list[float], goal: int
) -> tuple[float, float] | None:
    """The least (cost, real cost) of the subsets whose units reach ``goal``, by trying all."""
    covers = [
        (sum(cost[i] for i in chosen), sum(real[i] for i in chosen))
        for size in range(len(units) + 1)
        for chosen in itertools.combinations(range(len(units)), size)
        if sum(units[i] for i in chosen) >= goal
    ]
    return min(covers, default=None)


def test_a_cover_is_the_cheapest_then_the_least_real_of_trying_every_set() -> None:
    """The pricing's covering knapsack against every subset, ties in price to the least real
    cost, for two goals read from one table; with items left out as never needed (the same
    size or larger, no dearer, enough of them before)."""
    rng = random.Random(8)
    for _ in range(400):
        n = rng.randint(1, 8)
        units = [rng.choice([0, 1, 2, 3, 4, 8]) for _ in range(n)]
        cost = [float(rng.choice([0, 1, 2, 3, 5])) for _ in range(n)]
        real = [float(rng.choice([0, 10, 20, 30])) for _ in range(n)]
        goal = rng.randint(1, 12)
        goals = [rng.randint(1, goal), goal]
        found = _covers(np.array(units), np.array(cost), goals, np.array(real))
        assert found[goal] == _cover(np.array(units), np.array(cost), goal, np.array(real))
        for each in goals:
            least = least_cover(units, cost, real, each)
            answer = found[each]
            if least is None:
                assert answer is None
                continue
            assert answer is not None
            value, chosen = answer
            assert sum(units[i] for i in chosen) >= each
            assert (value, sum(real[i] for i in chosen)) == least
