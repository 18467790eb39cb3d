"""Yearly targets (``per_year`` with ``hard: false``): when to aim to finish a plan's items.

A soft yearly target (ISC2's 40 CPE a year for CISSP) is not a rule: the plan's items are chosen
without it (SPEC 9), and each may be done any day up to its do-by date. What a person still
wants to know is *when* to do them so that each cycle year has its share. :func:`aim_for_targets`
answers that for the items already chosen, without changing them, their cost or their do-by
dates:

1. each item may finish in any *slot* of its window (from today, or the day it becomes
   available, to its do-by date), a slot being a stretch of days in the same cycle year of
   every tier with a target (and, for a tier whose yearly minimum is a rule, the very year the
   plan already finishes it in: that choice is the plan's);
2. among the ways to place every item in a slot, the least total shortfall below the targets
   (credits claimed toward a tier, by the year its slot falls in, plus what was earned in
   that year), over the cycle years not over yet;
3. among those, the least work moved earlier: each item's credits times the days it moves
   before its do-by date, summed (a person is asked to start early only where a target needs
   it, and with the smallest items that will do);
4. among those, the items moved earlier are the first in the order of their ids, so that the
   same plan is always aimed the same way.

Each item moved earlier gets an *aim-by* day, the last day of its slot; :class:`Aims` also holds,
for each tier and cycle year with a target, what the placed items give it
(:class:`~ceplan.results.plan.YearTarget`), and a warning for each year still short.

This is a small integer programme (one binary per item and slot, at most a handful of slots per
item), solved like the plan's own (:func:`ceplan.solving.arrays.solve_once`).

A plan over time (SPEC 6) has its own dates: its items are not aimed (no aim-by day), and
:func:`targets_on` says what each cycle year gets by the items' planned finish dates.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ceplan.model.arrays import ArrayModel
from ceplan.results.plan import YearTarget
from ceplan.solving.arrays import solve_once
from ceplan.units import CREDIT_TOLERANCE, format_number, quantity

if TYPE_CHECKING:
    from ceplan.candidates.held import HeldRule, HeldWorld
    from ceplan.solving.backends import Solver
    from ceplan.status import Deadline

__all__ = ["Aims", "aim_for_targets", "slots", "targets_on"]

_ON = 0.5
"""A binary is read as set above this."""

_SECONDS = 5.0
"""The most each of the two small solves may take (the time left, if less)."""


@dataclass(frozen=True)
class Aims:
    """When to aim to finish items for the yearly targets, and what each year then has."""

    aim_by: Mapping[str, dt.date] = field(default_factory=dict)
    """Items to finish before their do-by date, and the day to finish them by."""
    targets: tuple[YearTarget, ...] = ()
    warnings: tuple[str, ...] = ()


def slots(
    first: dt.date, finish: dt.date, cuts: Sequence[dt.date]
) -> list[tuple[dt.date, dt.date]]:
    """The stretches ``[first, finish]`` is cut into by the days in ``cuts`` (each starts one).

    A window that is empty (``first`` after ``finish``) is the one day ``finish``.

    Examples
    --------
    >>> day = dt.date
    >>> cut = slots(day(2026, 12, 7), day(2028, 6, 30), [day(2027, 7, 1), day(2026, 7, 1)])
    >>> [(str(first), str(last)) for first, last in cut]
    [('2026-12-07', '2027-06-30'), ('2027-07-01', '2028-06-30')]
    """
    if first > finish:
        return [(finish, finish)]
    starts = sorted({first, *(c for c in cuts if first < c <= finish)})
    ends = [start - dt.timedelta(days=1) for start in starts[1:]] + [finish]
    return list(zip(starts, ends, strict=True))


def aim_for_targets(
    world: HeldWorld,
    roots: Sequence[str],
    finishes: Mapping[str, dt.date],
    claimed: Mapping[str, Mapping[str, float]],
    today: dt.date,
    solver: Solver,
    deadline: Deadline,
) -> Aims:
    """Where the plan's items go in the cycle years with a target (see the module).

    ``roots`` are the tiers renewed by their own paths; ``finishes`` each planned item's do-by
    date, and ``claimed`` the credits it claims toward each tier it counts toward.
    """
    soft = [world.rules[t] for t in roots if world.rules[t].soft_per_year is not None]
    if not soft:
        return Aims()
    needs = {
        (rule.tier, year): need
        for rule in soft
        for year, (_, last) in enumerate(rule.years, start=1)
        if last >= today
        and (need := rule.soft_per_year - rule.earned_per_year.get(year, 0.0))  # type: ignore[operator]
        > CREDIT_TOLERANCE
    }
    cuts = sorted({first for rule in soft for first, _ in rule.years})
    placing: dict[str, list[tuple[dt.date, dt.date]]] = {}
    credits: dict[str, dict[str, float]] = {}
    for item_id in sorted(finishes):
        item, finish, toward = world.items[item_id], finishes[item_id], claimed[item_id]
        if item.is_exam or not any(world.rules[t].soft_per_year is not None for t in toward):
            continue
        hard = [world.rules[t] for t in toward if world.rules[t].hard_per_year is not None]
        placing[item_id] = [
            slot
            for slot in slots(max(today, item.first), finish, cuts)
            if all(rule.year_of(slot[1]) == rule.year_of(finish) for rule in hard)
        ] or [(finish, finish)]
        credits[item_id] = dict(toward)
    sizes = {item_id: world.items[item_id].credits for item_id in placing}
    chosen = _place(placing, credits, sizes, needs, {r.tier: r for r in soft}, solver, deadline)
    aim_by = {item_id: end for item_id, end in chosen.items() if end < finishes[item_id]}
    targets, warnings = _said(soft, today, chosen, credits)
    return Aims(aim_by=aim_by, targets=targets, warnings=warnings)


def targets_on(
    world: HeldWorld,
    roots: Sequence[str],
    claimed: Mapping[str, Mapping[str, float]],
    today: dt.date,
    finishes: Mapping[str, dt.date],
) -> Aims:
    """The cycle years with a target as a plan over time fills them.

    By ``finishes``, the items' planned finish dates (no aim-by day: the plan's dates are what
    to follow); ``roots`` and ``claimed`` as :func:`aim_for_targets` takes them.
    """
    soft = [world.rules[t] for t in roots if world.rules[t].soft_per_year is not None]
    credits = {
        item_id: dict(toward)
        for item_id, toward in claimed.items()
        if not world.items[item_id].is_exam
    }
    placed = {item_id: finishes[item_id] for item_id in credits if item_id in finishes}
    targets, warnings = _said(soft, today, placed, credits, "by its planned dates")
    return Aims(targets=targets, warnings=warnings)


def _place(
    placing: Mapping[str, Sequence[tuple[dt.date, dt.date]]],
    credits: Mapping[str, Mapping[str, float]],
    sizes: Mapping[str, float],
    needs: Mapping[tuple[str, int], float],
    rules: Mapping[str, HeldRule],
    solver: Solver,
    deadline: Deadline,
) -> dict[str, dt.date]:
    """The day each item is placed by (the end of its slot), by the module's order."""
    latest = {item_id: options[-1][1] for item_id, options in placing.items()}
    choices = [
        (item_id, end)
        for item_id, options in placing.items()
        if len(options) > 1
        for _, end in options
    ]
    if not choices or not needs:
        return latest
    names = [f"at_{item_id}_{end}" for item_id, end in choices]
    short = {key: len(names) + n for n, key in enumerate(needs)}
    names += [f"short_{tier}_{year}" for tier, year in needs]
    integer = [True] * len(choices) + [False] * len(needs)
    upper = [1.0] * len(choices) + list(needs.values())
    rows: list[tuple[Mapping[int, float], float, float, str]] = []
    for item_id in sorted({item_id for item_id, _ in choices}):
        terms = {c: 1.0 for c, (i, _) in enumerate(choices) if i == item_id}
        rows.append((terms, 1.0, 1.0, f"one_slot_{item_id}"))
    for (tier, year), need in needs.items():
        year_of = rules[tier].year_of
        terms = {short[(tier, year)]: 1.0}
        fixed = 0.0
        for item_id, options in placing.items():
            amount = credits[item_id].get(tier, 0.0)
            if amount and len(options) == 1 and year_of(options[0][1]) == year:
                fixed += amount
        for c, (item_id, end) in enumerate(choices):
            amount = credits[item_id].get(tier, 0.0)
            if amount and year_of(end) == year:
                terms[c] = amount
        rows.append((terms, need - fixed, math.inf, f"target_{tier}_{year}"))
    order = {item_id: n for n, item_id in enumerate(sorted(placing), start=1)}
    moved = [(item_id, (latest[item_id] - end).days) for item_id, end in choices]
    stages: list[tuple[str, dict[int, float]]] = [
        ("shortfall", {short[key]: 1.0 for key in needs}),
        (
            "credit_days",
            {c: days * sizes[i] for c, (i, days) in enumerate(moved)},
        ),
        ("ids", {c: float(order[i]) for c, (i, days) in enumerate(moved) if days}),
    ]
    values = None
    for name, terms in stages:
        model = ArrayModel.of(names, [0.0] * len(names), upper, integer, rows)
        run, found = solve_once(model, (terms, 0.0), solver, deadline.within(_SECONDS))
        if run.status != "optimal" or found is None:
            break
        values = found
        least = math.fsum(k * values[c] for c, k in terms.items())
        rows.append((terms, -math.inf, least + CREDIT_TOLERANCE * max(1.0, least), name))
    if values is None:
        return latest
    placed = dict(latest)
    for c, (item_id, end) in enumerate(choices):
        if values[c] > _ON:
            placed[item_id] = end
    return placed


def _said(
    soft: Sequence[HeldRule],
    today: dt.date,
    placed: Mapping[str, dt.date],
    credits: Mapping[str, Mapping[str, float]],
    how: str = "its items placed to fill the years as far as they can",
) -> tuple[tuple[YearTarget, ...], tuple[str, ...]]:
    """Each tier's cycle years with a target, as the placed items fill them, and what is short."""
    targets = []
    warnings = []
    for rule in soft:
        target = rule.soft_per_year or 0.0
        for year, (first, last) in enumerate(rule.years, start=1):
            if last < today:
                continue  # a year over: nothing to plan in it
            items = tuple(
                item_id
                for item_id, end in sorted(placed.items())
                if credits[item_id].get(rule.tier) and rule.year_of(end) == year
            )
            planned = math.fsum(credits[item_id][rule.tier] for item_id in items)
            earned = rule.earned_per_year.get(year, 0.0)
            targets.append(YearTarget(rule.tier, year, first, last, target, earned, planned, items))
            if earned + planned < target - CREDIT_TOLERANCE:
                warnings.append(
                    f"{rule.tier}: cycle year {year} ({first} to {last}) has "
                    f"{quantity(earned + planned, 'credit')} by this plan ({how}), below the "
                    f"{format_number(target)} a "
                    "year the programme asks for (a target, not a rule: the plan's items are not "
                    "chosen for it)"
                )
    return tuple(targets), tuple(warnings)
