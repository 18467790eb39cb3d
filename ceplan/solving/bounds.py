"""Bounds on the stages of a team planned by columns (SPEC 8), from the master's duals.

With the master's relaxation solved (:mod:`ceplan.solving.master`), its duals price each
payment class per cent and each hour step (:func:`weights`), and every person's best column
at those prices is a bound on what they can bring: a stage's Lagrangian bound
(:func:`lagrangian_bound`). Where a priority is held, who renews stays whole in it: a
knapsack over whole people (:func:`least_renewing`), which the relaxation, renewing parts of
people, cannot match. Bounds hold for any duals, so a round cut short by the deadline still
gives one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ceplan.solving.master import Master, Member
from ceplan.solving.pricing import Priced

__all__ = ["KNAPSACK_CELLS", "Prices", "lagrangian_bound", "least_renewing", "weights"]


@dataclass(frozen=True)
class Prices:
    """What the duals of the rows a Lagrangian bound relaxes make each thing cost."""

    duals: np.ndarray
    """The rows' duals, those of the rows a Lagrangian bound prices at most 0 (a row's dual
    of the wrong sign, solver noise, is read as 0; the rows: :meth:`~ceplan.solving.master.
    Master.relaxed`)."""
    u: np.ndarray
    """Each payment class's price per cent, at least 0."""
    v: float
    """The price per hour step, at least 0."""
    constants: dict[str, float]
    """By person: what any of their columns costs besides its items (for the reduced cost)."""
    short: tuple[float, float]
    """How much was added to lift a negative ``u`` and ``v`` to 0 (noise, if anything)."""


def weights(master: Master, name: str, duals: np.ndarray) -> Prices:
    """Prices read from the duals (see :mod:`ceplan.solving.columns`)."""
    duals = np.where(master.relaxed(), np.minimum(duals, 0.0), duals)
    beta = 1.0 if name == "out_of_pocket" else 0.0
    gamma = 1.0 if name == "hours" else 0.0
    hold_o = duals[master.holds["out_of_pocket"]] if "out_of_pocket" in master.holds else 0.0
    hold_h = duals[master.holds["hours"]] if "hours" in master.holds else 0.0
    hold_p = duals[master.holds["priority"]] if "priority" in master.holds else 0.0
    raw = np.zeros(len(master.classes))
    for k, (period, _) in enumerate(master.classes):
        value = beta + duals[master.klass + k]
        if period is not None:
            value -= duals[master.period + period]
        raw[k] = value - hold_o
    v = gamma - hold_h
    constants = {}
    for n, person in enumerate(master.people):
        alpha = -float(person.priority) if name == "priority" else 0.0
        constants[person.id] = alpha - duals[master.conv + n] + hold_p * person.priority
    for row, members in master.cuts.items():
        for person_id in members:
            constants[person_id] -= duals[row]
    short = (max(0.0, -float(raw.min(initial=0.0))), max(0.0, -v))
    return Prices(duals, np.maximum(raw, 0.0), max(0.0, v), constants, short)


def lagrangian_bound(
    master: Master,
    name: str,
    people: Sequence[Member],
    scale: int,
    prices: Prices,
    found: Mapping[int, Priced | None],
) -> float:
    """A lower bound on stage ``name``'s minimised value, from any duals (``prices``).

    The rows of :meth:`~ceplan.solving.master.Master.relaxed` (classes, funds, periods, the
    spend and hours held) move into the objective at their duals ``y <= 0``: for every answer
    that keeps them, the objective plus ``y . (row - upper)`` (at most the objective) is at
    least the least of it over a larger set, where only ``conv_<i>`` and the priority held
    are kept. That least splits: each payment at 0 or at its fund's whole amount (no fund
    pays more) as its price is positive or negative; each person's best column at the prices
    (at least their pricer's bound on its least price, ``found``), taken or not; and who
    takes one is a knapsack: the least total of their prices over the sets of people whose
    priority reaches the one held (:func:`least_renewing`), or everyone whose price is below
    0 when nothing is held.

    It holds for any duals, so the prices of a round cut short are as good as the last. At
    the relaxation's optimal duals it is at least the relaxation's value (the knapsack's own
    relaxation is that value); it is more where the relaxation renews part of a person. A
    price lifted to 0 (:attr:`Prices.short`) is taken off again at the most it could
    matter: the person's cents and hours in all.
    """
    duals, relaxed = prices.duals, master.relaxed()
    upper = np.asarray(master.upper)
    terms = [float(duals[relaxed] @ upper[relaxed])]
    stage = -1.0 if name == "out_of_pocket" else 0.0
    hold_o = master.holds.get("out_of_pocket")
    for f, k in master.pays:
        period = master.classes[k][0]
        price = stage - duals[master.klass + k] - duals[master.fund + f]
        if period is not None:
            price += duals[master.period + period]
        if hold_o is not None:
            price += duals[hold_o]
        terms.append(min(0.0, float(price)) * master.fund_cents[f])
    short_u, short_v = prices.short
    costs, weights = [], []
    for person in people:
        answer = found.get(id(person.pricer)) if not person.too_late else None
        if answer is None:
            continue  # no plan at all: never renews
        cents, hours = person.most
        off = short_u * cents + short_v * scale * hours
        alpha = -float(person.priority) if name == "priority" else 0.0
        costs.append(alpha + answer.bound - off)
        weights.append(person.priority)
    if "priority" in master.holds:
        need = round(-master.upper[master.holds["priority"]])
        renewing = least_renewing(costs, weights, need)
    else:
        renewing = float(sum(min(0.0, c) for c in costs))
    terms.append(renewing)
    bound = math.fsum(terms)
    # Taken off: the rounding of so many floats, and what pricing may leave above a person's
    # least price (a path within a relative 1e-9 of the cheapest one is kept).
    slack = math.fsum(abs(t) for t in terms if math.isfinite(t))
    slack += sum(max(1.0, abs(c)) for c in costs)
    return bound - 1e-9 * slack


KNAPSACK_CELLS = 40_000_000
"""The most cells :func:`least_renewing` fills exactly; past that it fills a coarser one."""


def least_renewing(
    costs: Sequence[float], weights: Sequence[int], need: int, cells: int = KNAPSACK_CELLS
) -> float:
    """At most the least total cost of people whose weights add up to ``need`` or more.

    The least, by dynamic programming over who is left out (the weight they take away is at
    most the weight in all less ``need``), when that takes at most ``cells`` cells; past
    that, the weights left out are counted in steps of ``s`` (each rounded down, the room
    too), which leaves out at least every set it could before: a bound below the least.
    ``inf`` when no set reaches ``need``.

    Examples
    --------
    >>> least_renewing([100.0, 30.0, 40.0], [2, 1, 1], 3)
    130.0
    >>> least_renewing([100.0, 30.0, 40.0], [2, 1, 1], 5)
    inf
    >>> least_renewing([-5.0, 30.0], [1, 1], 1)
    -5.0
    """
    base, left = 0.0, need
    cost, weight = [], []
    for c, w in zip(costs, weights, strict=True):
        if c <= 0:  # always taken: it only helps
            base += c
            left -= w
        else:
            cost.append(c)
            weight.append(w)
    if left <= 0:
        return base
    room = sum(weight) - left  # the most weight left out
    if room < 0:
        return math.inf
    step = max(1, math.ceil(len(cost) * (room + 1) / cells))
    room //= step
    best = np.zeros(room + 1)  # the most cost left out within each room
    free = 0.0
    for c, w in zip(cost, weight, strict=True):
        w //= step
        if w == 0:
            free += c
        elif w <= room:
            best[w:] = np.maximum(best[w:], best[: room + 1 - w] + c)
    return base + math.fsum(cost) - free - float(best[room])
