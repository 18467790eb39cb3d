"""A schema 2 model's answer read as a plan: each item's use, the way, and the rules it keeps.

:func:`read_answer` turns the columns of :mod:`ceplan.model.claims`'s answer into a
:class:`Reading` (the way, each tier's path, each item's finish day and claims);
:func:`broken_rules` checks a reading against SPEC 9's rules on its own, whoever made it (the
integer programme, the exact DP of :mod:`ceplan.planning.held_exact`, or a team's model).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ceplan.candidates.held import REST, HeldItem, HeldWorld, Way
from ceplan.model.arrays import ArrayModel
from ceplan.model.claims import ClaimsModel
from ceplan.units import CREDIT_TOLERANCE

__all__ = ["ON", "Reading", "Use", "broken_rules", "finish_day", "item_classes", "read_answer"]

ON = 0.5
"""A binary (or a use of an item) is read as set above this."""


@dataclass(frozen=True)
class Use:
    """How a plan uses one item: the day it finishes, and its claims toward each tier.

    ``claims`` maps each tier it counts toward to its credits claimed there by category
    (:data:`~ceplan.candidates.held.REST` for those in no category the tier's paths name; an
    exam's is empty).
    """

    finish: dt.date
    claims: Mapping[str, Mapping[str, float]]

    @property
    def tiers(self) -> frozenset[str]:
        """The tiers it counts toward."""
        return frozenset(self.claims)


@dataclass(frozen=True)
class Reading:
    """An answer of the model, read: the way, each tier's path, each item's use."""

    way: Way
    paths: Mapping[str, int]
    """The path met by each tier renewed by its own paths (its position in the tier)."""
    uses: Mapping[str, Use]

    @property
    def ids(self) -> tuple[str, ...]:
        """The items of the plan, sorted."""
        return tuple(sorted(self.uses))


def read_answer(world: HeldWorld, claims: ClaimsModel, values: np.ndarray) -> Reading:
    """The plan in the columns' ``values``: the way, each tier's path, each item's use."""

    def value(expression: tuple[Mapping[int, float], float]) -> float:
        return ArrayModel.value_of(expression, values)

    if claims.way_columns:
        way = claims.ways[int(np.argmax([values[c] for c in claims.way_columns]))]
    else:
        way = claims.ways[0]
    paths = {}
    for tier in way.roots:
        met = [
            p for p in range(len(world.rules[tier].paths)) if value(claims.choose[(tier, p)]) > ON
        ]
        paths[tier] = met[0] if met else 0
    typed = _typed_claims(world, claims, values, way)
    uses = {}
    for item_id, column in claims.take.items():
        if values[column] <= ON:
            continue
        item = world.items[item_id]
        stretches = claims.stretches[item_id]
        counted: dict[str, dict[str, float]] = {}
        stretch = None
        if world.calendar is not None:  # a plan over time: where the answer finishes it
            stretch = next(
                (
                    s
                    for s in range(len(stretches))
                    if (at := claims.finishes.get((item_id, s))) is not None and value(at) > ON
                ),
                None,
            )
        for tier in way.roots:
            for s in range(len(stretches)):
                use = claims.uses.get((item_id, tier, s))
                # a shared use is continuous: above 0 it may be 1 (every row it is in only
                # loosens as it grows), so any part of it means the item counts
                if use is not None and value(use) > CREDIT_TOLERANCE:
                    counted[tier] = {}
                    if world.calendar is None:
                        stretch = s
        for tier in counted:
            for k in {REST, *(k for k, _ in item.parts)}:
                expression = claims.claims.get((item_id, tier, k))
                if expression is not None and (amount := value(expression)) > CREDIT_TOLERANCE:
                    counted[tier][k] = amount
            for k, amount in typed.get((item_id, tier), {}).items():
                counted[tier][k] = amount
        uses[item_id] = Use(finish_day(world, item, way, counted, stretches, stretch), counted)
    return Reading(way, paths, uses)


def _typed_claims(
    world: HeldWorld, claims: ClaimsModel, values: np.ndarray, way: Way
) -> dict[tuple[str, str], dict[str, float]]:
    """The claims taken by type (a ``by_type`` cap), shared out among the items in it by id."""
    shares: dict[tuple[str, str], dict[str, float]] = {}
    for (tier, _), (column, members) in claims.typed.items():
        left = float(values[column])
        for item_id in sorted(members):
            if values[claims.take[item_id]] <= ON:
                continue
            item = world.items[item_id]
            counts = sum(
                ArrayModel.value_of(use, values)
                for s in range(len(claims.stretches[item_id]))
                if (use := claims.uses.get((item_id, tier, s))) is not None
            )
            share = min(left, item.cap(tier)) if counts > CREDIT_TOLERANCE else 0.0
            if share > CREDIT_TOLERANCE:
                shares[(item_id, tier)] = {REST: share}
                left -= share
    return shares


def finish_day(
    world: HeldWorld,
    item: HeldItem,
    way: Way,
    counted: Mapping[str, Any],
    stretches: Sequence[tuple[dt.date, dt.date]],
    stretch: int | None,
) -> dt.date:
    """The latest day ``item`` can finish with the same effect.

    By each deadline of the tiers it counts toward, and within its stretch where a hard yearly
    minimum made the stretch a choice. In a plan over time, the last day of its stretch (which
    is no later than those deadlines).
    """
    if world.calendar is not None and stretch is not None:
        return stretches[stretch][1]
    if not counted:
        return item.first
    day = item.ends_by(min(way.deadlines[t] for t in counted))
    hard = any(world.rules[t].hard_per_year is not None for t in item.counts_for)
    if hard and stretch is not None and not item.is_exam:
        day = min(day, stretches[stretch][1])
    return day


def broken_rules(world: HeldWorld, reading: Reading) -> list[str]:
    """Every rule of SPEC 9 the plan ``reading`` breaks, in words; ``[]`` for a valid plan.

    Written from the rules, not from the model's rows: each item within its window and
    counting only toward tiers it may (of its own programme), by their deadlines (toward one
    tier without its programme's ``shares_credits``); its claims within its parts and
    ``per_activity``; each tier's claims within ``by_type`` and the path's ``max``, reaching
    its credits and ``min``; enough exams; each hard yearly minimum; the budget.
    """
    broken: list[str] = []
    way = reading.way
    tolerance = CREDIT_TOLERANCE * 10
    for item_id, use in sorted(reading.uses.items()):
        item = world.items[item_id]
        if use.finish < item.first or (item.last is not None and use.finish > item.last):
            broken.append(f"{item_id}: finishes on {use.finish}, outside its window")
        if not item.shares and not item.is_exam and len(use.tiers) > 1:
            broken.append(f"{item_id}: counts toward several tiers without shares_credits")
        for tier, parts in use.claims.items():
            if tier not in item.counts_for or tier not in way.deadlines:
                broken.append(f"{item_id}: cannot count toward {tier}")
                continue
            if use.finish > way.deadlines[tier]:
                broken.append(f"{item_id}: finishes after {tier}'s deadline")
            classes = dict(item_classes(item, world.rules[tier].categories_used))
            for k, amount in parts.items():
                if amount > min(classes.get(k, 0.0), item.cap(tier)) + tolerance:
                    broken.append(f"{item_id}: claims {amount} of {k or 'no category'}")
            if math.fsum(parts.values()) > item.cap(tier) + tolerance:
                broken.append(f"{item_id}: claims more than per_activity toward {tier}")
    for tier in way.roots:
        broken.extend(_tier_broken(world, reading, tier, tolerance))
    cents = sum(world.items[i].cents for i in reading.uses) + way.fee_cents
    if world.budget_cents is not None and cents > world.budget_cents:
        broken.append(f"costs {cents} cents, over the budget of {world.budget_cents}")
    return broken


def item_classes(item: HeldItem, used: frozenset[str]) -> list[tuple[str, float]]:
    """``item``'s credits by the categories ``used``, the rest together as :data:`REST`."""
    named = [(k, part) for k, part in item.parts if k in used]
    rest = math.fsum(part for k, part in item.parts if k not in used)
    return [*named, *([(REST, rest)] if rest > 0 else [])]


def _tier_broken(world: HeldWorld, reading: Reading, tier: str, tolerance: float) -> list[str]:
    rule = world.rules[tier]
    path = rule.paths[reading.paths[tier]]
    mine = [(world.items[i], use) for i, use in reading.uses.items() if tier in use.tiers]
    broken = []
    claims = [(item, use.claims[tier]) for item, use in mine if not item.is_exam]
    by_type: dict[str, float] = defaultdict(float)
    by_category: dict[str, float] = defaultdict(float)
    for item, parts in claims:
        by_type[item.type] += math.fsum(parts.values())
        for k, amount in parts.items():
            by_category[k] += amount
    for kind, total in by_type.items():
        cap = rule.by_type.get(kind)
        if cap is not None and total > cap + tolerance:
            broken.append(f"{tier}: {total} credits of type {kind}, over its cap {cap}")
    for k, most in path.max.items():
        room = max(0.0, most - rule.earned_by_category.get(k, 0.0))
        if by_category.get(k, 0.0) > room + tolerance:
            broken.append(f"{tier}: claims above the max of {k}")
    total = math.fsum(by_category.values()) + rule.earned_counted(path)
    if total < path.credits - tolerance:
        broken.append(f"{tier}: {total} credits count, {path.credits} needed")
    for k, least in path.min.items():
        if by_category.get(k, 0.0) + rule.earned_in(k, path) < least - tolerance:
            broken.append(f"{tier}: too few credits in {k}")
    for kind, count in path.exams.items():
        taken = sum(1 for item, _ in mine if item.is_exam and item.kind == kind)
        if taken + rule.passed.get(kind, 0) < count:
            broken.append(f"{tier}: too few {kind} exams")
    if rule.hard_per_year is not None:
        by_year: dict[int, float] = defaultdict(float)
        for item, use in mine:
            year = rule.year_of(use.finish)
            if year is not None and not item.is_exam:
                by_year[year] += item.cap(tier)
        for year in range(1, len(rule.years) + 1):
            got = by_year[year] + rule.earned_per_year.get(year, 0.0)
            if got < rule.hard_per_year - tolerance:
                broken.append(f"{tier}: year {year} has {got} credits")
    return broken


# -- the plan, for people ------------------------------------------------------------------------
