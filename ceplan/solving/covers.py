"""A person's cheapest plan under prices, by dynamic programming (SPEC 8's pricing).

Under prices per payment class and per hour (the master's duals, :mod:`ceplan.solving.columns`),
a person's best new column is their one-person problem: each item at its cheapest way to be
paid, the exams of each kind a path needs (the cheapest), and a covering knapsack over the
activities' credits (:func:`_cover`). :class:`_Pricer` is that search over arrays, made once for
everyone alike; :mod:`ceplan.solving.pricing` uses it for people without weekly hours and as
the bound of those with them. :class:`Taking` is an item in a column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ceplan.candidates.items import Candidate, drop_redundant
from ceplan.catalogue.models import PathRule
from ceplan.errors import PlanInputError
from ceplan.solving.exact import credit_scale, units_needed

__all__ = ["Taking", "price"]


@dataclass(frozen=True)
class Taking:
    """An item in a column: which, and the segment and payment class it is paid in.

    Its cost is its ``item``'s: the person's own, which may differ from another's.
    """

    id: str
    segment: int
    klass: int
    item: Candidate
    earliest: bool
    """Whether it is paid in the first segment it can be paid in at all."""


# -- the dynamic programme ------------------------------------------------------------------


class _Pricer:
    """One person's pricing problem (or that of everyone alike), its arrays made once.

    Under each set of prices, :meth:`best` finds the cheapest plan: each item at its cheapest
    way to be paid, the exams of each kind a path needs (the cheapest, ties by id), and the
    activities by a covering knapsack (:func:`_cover`).
    """

    def __init__(
        self,
        items: Sequence[Candidate],
        options: Sequence[Sequence[tuple[int, int]]],
        rules: Sequence[PathRule],
        earned: float,
        passed: Mapping[str, int],
    ) -> None:
        self.items = list(items)
        self.rules = list(rules)
        self.earned, self.passed = earned, dict(passed)
        self.starts = np.cumsum([0] + [len(o) for o in options[:-1]]).astype(np.int64)
        flat = [(n, segment, klass) for n, o in enumerate(options) for segment, klass in o]
        self.option_item = np.array([f[0] for f in flat], dtype=np.int64)
        self.option_segment = np.array([f[1] for f in flat], dtype=np.int64)
        self.option_klass = np.array([f[2] for f in flat], dtype=np.int64)
        self.first_segment = np.array([min(o)[0] for o in options], dtype=np.int64)
        self.cents = np.array([c.cents for c in self.items], dtype=np.float64)
        self.hours = np.array([c.hours for c in self.items], dtype=np.float64)
        self.activities = np.array(
            [n for n, c in enumerate(self.items) if not c.is_exam], dtype=np.int64
        )
        credits = [self.items[n].credits for n in self.activities]
        scale = credit_scale([*credits, *(rule.credits - earned for rule in rules)])
        if scale is None:
            raise PlanInputError(
                "planning by columns needs credits in steps of at least 1/10,000 of a credit"
            )
        self.units = np.array([round(c * scale) for c in credits], dtype=np.int64)
        self.goals = [units_needed(rule.credits - earned, scale) for rule in rules]
        self.exams: dict[str, list[int]] = {}
        for n, c in enumerate(self.items):
            if c.is_exam and c.kind:
                self.exams.setdefault(c.kind, []).append(n)

    def best(
        self, u: np.ndarray, v: float, step: int
    ) -> tuple[float, tuple[Taking, ...], tuple[tuple[int, int], ...], int] | None:
        """The cheapest plan under class prices ``u`` and ``v`` an hour step, as a column's data.

        Its price, its items with their segments, its cents by class, and its hours in steps of
        ``1 / step`` hours.
        """
        if not self.items:
            way = np.zeros(0, dtype=np.int64)
            cost = np.zeros(0)
        else:
            price = self.cents[self.option_item] * u[self.option_klass]
            order = np.lexsort((self.option_segment, price, self.option_item))
            way = order[self.starts]  # each item's cheapest way (then the earliest segment)
            cost = price[way] + self.hours * step * v
        # Ties in price go to the plan of least cost, then of fewest hours.
        found = self.cheapest(cost, self.cents + self.hours * 1e-6)
        if found is None:
            return None
        picked = found[1]
        items = tuple(
            Taking(
                self.items[n].id,
                int(self.option_segment[way[n]]),
                int(self.option_klass[way[n]]),
                self.items[n],
                int(self.option_segment[way[n]]) == int(self.first_segment[n]),
            )
            for n in picked
        )
        cents: dict[int, int] = {}
        for n in picked:
            if self.items[n].cents:
                klass = int(self.option_klass[way[n]])
                cents[klass] = cents.get(klass, 0) + self.items[n].cents
        hours = sum(round(self.items[n].hours * step) for n in picked)
        return float(sum(cost[n] for n in picked)), items, tuple(sorted(cents.items())), hours

    def cheapest(
        self, cost: np.ndarray, real: np.ndarray | None = None
    ) -> tuple[float, list[int]] | None:
        """The least ``cost`` (one per item, at least 0) of an irredundant plan, and its items.

        The items are places in :attr:`items`, in order; ``None`` when no path can be met.
        """
        mine = np.zeros(len(cost)) if real is None else real
        goals = sorted({goal for goal in self.goals if goal > 0})
        covers = _covers(self.units, cost[self.activities], goals, mine[self.activities])
        best: tuple[float, int, list[int]] | None = None
        for index, rule in enumerate(self.rules):
            chosen: list[int] = []
            value = 0.0
            for kind, count in sorted(rule.exams.items()):
                missing = count - self.passed.get(kind, 0)
                if missing <= 0:
                    continue
                offered = self.exams.get(kind, [])
                if len(offered) < missing:
                    break
                picked = sorted(offered, key=lambda n: (cost[n], mine[n], n))[:missing]
                chosen += picked
                value += float(sum(cost[n] for n in picked))
            else:
                goal = self.goals[index]
                if goal > 0:
                    found = covers[goal]
                    if found is None:
                        continue
                    value += found[0]
                    chosen += [int(self.activities[n]) for n in found[1]]
                if best is None or value < best[0] - 1e-9 * max(1.0, abs(value)):
                    best = (value, index, chosen)
        if best is None:
            return None
        _, index, chosen = best
        kept = drop_redundant(
            [self.items[n] for n in chosen], self.rules[index], self.earned, self.passed
        )
        place = {c.id: n for n, c in enumerate(self.items)}
        picked = sorted(place[c.id] for c in kept)
        return float(sum(cost[n] for n in picked)), picked


def price(
    items: Sequence[Candidate],
    rules: Sequence[PathRule],
    earned: float,
    passed: Mapping[str, int],
    cost: Mapping[str, float],
) -> tuple[float, list[str]] | None:
    """The least ``cost`` of an irredundant plan that meets one of ``rules``, and its items.

    ``cost`` gives each item's price (at least 0); each item has one way to be paid. ``None``
    when no path can be met. (:class:`_Pricer` is the same search over arrays.)

    Examples
    --------
    >>> import datetime as dt
    >>> from ceplan.candidates.items import Candidate
    >>> day = dt.date(2027, 1, 1)
    >>> a, b, c = (Candidate(i, False, None, k, 0, 0.0, day) for i, k in
    ...            (("a", 20), ("b", 30), ("c", 50)))
    >>> price([a, b, c], [PathRule(credits=50)], 0.0, {}, {"a": 1.0, "b": 1.5, "c": 3.0})
    (2.5, ['a', 'b'])
    """
    ordered = sorted(items, key=lambda c: c.id)
    pricer = _Pricer(ordered, [[(0, 0)] for _ in ordered], rules, earned, passed)
    found = pricer.cheapest(np.array([cost[c.id] for c in ordered], dtype=np.float64))
    if found is None:
        return None
    return found[0], [ordered[n].id for n in found[1]]


def _cover(
    units: np.ndarray, cost: np.ndarray, goal: int, real: np.ndarray | None = None
) -> tuple[float, list[int]] | None:
    """The least ``cost`` of items whose ``units`` add up to ``goal`` or more, and which.

    ``None`` when no items reach it. See :func:`_covers`.
    """
    return _covers(units, cost, [goal], real)[goal]


def _covers(
    units: np.ndarray, cost: np.ndarray, goals: Sequence[int], real: np.ndarray | None = None
) -> dict[int, tuple[float, list[int]] | None]:
    """For each of ``goals``: the least ``cost`` of items whose ``units`` reach it, and which.

    A covering knapsack by dynamic programming over the units (``best[j]``: the least cost of
    ``j`` units or more from the items so far), one table for the largest goal read for each;
    only items that could be in a cheapest cover of it are walked (:func:`_needed`; fewer are
    needed for a smaller goal). Among covers of the same cost (to a relative 1e-12) the one
    of least ``real`` (each item's own cost) wins: where the prices leave a choice (a budget
    that does not bind prices everything at 0), the column is a plan a person would pick.
    ``None`` for a goal no items reach.
    """
    if not goals:
        return {}
    top = max(goals)
    real = np.zeros(len(units)) if real is None else real
    keep = _needed(units, cost, top, real)
    # Not reached: a cost no sum of costs comes near (so no test needs ``isfinite``).
    best = np.full(top + 1, _FAR)
    best[0] = 0.0
    second = np.full(top + 1, _FAR)
    second[0] = 0.0
    took = np.zeros((len(keep), top + 1), dtype=bool)
    before = np.empty(top + 1)
    before_real = np.empty(top + 1)
    for row, n in enumerate(keep):
        size = min(int(units[n]), top + 1)
        before[size:] = best[: top + 1 - size]
        before[:size] = best[0]
        before += cost[n]
        before_real[size:] = second[: top + 1 - size]
        before_real[:size] = second[0]
        before_real += real[n]
        close = 1e-12 * np.maximum(1.0, np.abs(best))
        better = before < best - close
        better |= (np.abs(before - best) <= close) & (before_real < second)
        took[row] = better
        np.copyto(best, before, where=better)
        np.copyto(second, before_real, where=better)
    found: dict[int, tuple[float, list[int]] | None] = {}
    for goal in goals:
        if best[goal] >= _FAR / 2:
            found[goal] = None
            continue
        chosen, left = [], goal
        for row in range(len(keep) - 1, -1, -1):
            if left > 0 and took[row, left]:
                chosen.append(keep[row])
                left = max(0, left - int(units[keep[row]]))
        found[goal] = (float(best[goal]), sorted(chosen))
    return found


_FAR = 1e300
"""The cost of what a covering knapsack has not reached."""


def _needed(units: np.ndarray, cost: np.ndarray, goal: int, real: np.ndarray) -> list[int]:
    """The items a cheapest cover of ``goal`` units needs at most, in order of place.

    In order of ``cost``, then ``real``, then the most units first: an item is left out when
    ``ceil(goal / units)`` items before it have as many units or more. Some cheapest cover
    (by cost, then by ``real``) has none left out: in a cover holding one, swap it for one
    of those before it that the cover lacks (as many units, no dearer), or if it holds them
    all, drop it (they alone reach the goal); each step takes an item from later in the
    order or takes one away, so it ends. Items of no units are never needed.

    Examples
    --------
    >>> _needed(np.array([4, 2, 4, 1]), np.array([1.0, 1.0, 2.0, 0.5]), 4, np.zeros(4))
    [0, 1, 3]
    """
    order = np.lexsort((np.arange(len(units)), -units, real, cost))
    size = units[order]
    sizes, which = np.unique(size, return_inverse=True)
    larger = size[:, None] >= sizes[None, :]
    # Items before each as large as each size.
    before: np.ndarray = np.cumsum(larger, axis=0) - larger
    count: np.ndarray = before[np.arange(len(order)), which]
    needed = (size > 0) & (count < -(-goal // np.maximum(size, 1)))
    return sorted(int(n) for n in order[needed])
