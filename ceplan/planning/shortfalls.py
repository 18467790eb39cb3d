"""Why no plan renews every certification held (catalogue schema 2), in a person's words.

:func:`why_not` is asked once the model of :mod:`ceplan.model.claims` has no answer. Tier by
tier and path by path, it says what no money can buy by the tier's do-by date (SPEC 3's
reasons, grown by SPEC 9's rules):

- the credits that can count: ``at most 63 credits can count by 2028-06-23; 80 are needed``;
- a category's minimum: ``Group A: at most 72 of the 90 needed can be earned by 2028-06-23``
  (a category is named by its label up to any colon);
- exams: ``no core exam can be taken by ...``;
- a hard yearly minimum: ``cycle year 2 (2027-06-24 to 2028-06-23): at most 10 of the 20
  needed can be earned``.

Each "at most" counts what was earned and every usable item that may count toward the tier by
its do-by date, with ``per_activity``, ``by_type`` and the path's ``max`` applied
(:func:`most_counted`). When every tier has a path that nothing stops, the budget is what does
(the cheapest plan's cost, fees included, is said), or the rules together (each credit counting
once, deadlines, yearly minimums) are.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from ceplan.candidates.held import REST, HeldItem, HeldRule, HeldWorld
from ceplan.catalogue.models import Catalog, PathRule
from ceplan.model.claims import build_claims
from ceplan.requests.held import HeldRequest
from ceplan.results.plan import Blocked, Why
from ceplan.solving.arrays import solve_once
from ceplan.solving.backends import Solver
from ceplan.status import Deadline
from ceplan.units import CREDIT_TOLERANCE, format_money, format_number, quantity

__all__ = ["most_counted", "why_not"]


def most_counted(
    items: Sequence[HeldItem],
    rule: HeldRule,
    rooms: Mapping[str, float],
    *,
    others: bool,
) -> float:
    """The most credits ``items`` can count toward ``rule``'s tier into the categories.

    A flow: each type (at most its ``by_type`` cap) to each item (at most its credits after
    ``per_activity``) to each of its classes (a category the tier's paths name, or the rest)
    to the sink: a class in ``rooms`` takes at most its room, any other class all it gets when
    ``others`` is true and nothing when it is false. Its value is the least cut: over the sets
    ``C`` of classes of ``rooms`` whose sink arcs are cut, the rooms of ``C`` plus, type by
    type, the least of its cap and the sum over its items of the least of the item's cap and its
    credits outside ``C``.
    """
    used = rule.categories_used

    def classes(item: HeldItem) -> dict[str, float]:
        found: dict[str, float] = defaultdict(float)
        for k, part in item.parts:
            found[k if k in used else REST] += part
        return {k: n for k, n in found.items() if k in rooms or others}

    reach = [(item, classes(item)) for item in items]
    limited = sorted({k for _, parts in reach for k in parts if k in rooms})
    best = math.inf
    for size in range(len(limited) + 1):
        for cut in itertools.combinations(limited, size):
            value = math.fsum(rooms[k] for k in cut)
            by_type: dict[str, float] = defaultdict(float)
            for item, parts in reach:
                out = math.fsum(n for k, n in parts.items() if k not in cut)
                by_type[item.type] += min(out, item.cap(rule.tier))
            for kind, flow in by_type.items():
                cap = rule.by_type.get(kind)
                value += flow if cap is None else min(flow, cap)
            best = min(best, value)
    return 0.0 if best == math.inf else best


def why_not(
    catalog: Catalog,
    request: HeldRequest,
    world: HeldWorld,
    solver: Solver,
    deadline: Deadline,
    *,
    path: tuple[str, int] | None = None,
) -> list[Blocked]:
    """Why no plan renews every tier of ``request``.

    What each path of a tier lacks (when no path of it can be met, and no other tier held may
    renew it), else the budget, else the rules together. With ``path`` (a tier and one of its
    paths, which the plan had to meet), what that path lacks, if anything.
    """
    stops = {
        tier: _tier_stops(catalog, request, world, world.rules[tier]) for tier in request.tiers
    }
    if path is not None:
        tier, index = path
        stop = stops[tier][index]
        if stop is not None:
            return [stop]
        stops[tier] = [None] * len(stops[tier])
    stuck = [t for t in request.tiers if all(stop is not None for stop in stops[t])]
    blocked = [
        stop
        for tier in request.tiers
        if tier in stuck and not _renewable_through(world, tier, stuck)
        for stop in stops[tier]
        if stop is not None
    ]
    if blocked:
        return blocked
    if world.budget_cents is not None:
        unlimited = build_claims(world, budget=False, path=path)
        run, values = solve_once(unlimited.model, unlimited.cost, solver, deadline)
        if run.status == "optimal" and values is not None:
            cents = round(unlimited.model.value_of(unlimited.cost, values))
            budget = request.budget_amount or 0.0
            fees = " (fees included)" if any(w.fee_cents for w in world.ways) else ""
            text = (
                f"{_names(request.tiers)}: the cheapest plan costs "
                f"{format_money(cents / 100, catalog.currency)}{fees}, budget is "
                f"{format_money(budget, catalog.currency)}"
            )
            return [Blocked(text, "budget", cheapest_cost=cents / 100)]
    return [Blocked(_together(request, world), "credits")]


def _names(tiers: Iterable[str]) -> str:
    return " and ".join(tiers)


def _renewable_through(world: HeldWorld, tier: str, stuck: Sequence[str]) -> bool:
    """Whether ``tier`` may be renewed through a held tier that is not stuck itself."""
    return any(tier in rule.renews and name not in stuck for name, rule in world.rules.items())


def _together(request: HeldRequest, world: HeldWorld) -> str:
    """No tier is stopped on its own: what the rules together ask that no plan gives."""
    rules = [world.rules[t] for t in request.tiers]
    what = []
    if len(rules) > 1 and not world.shares:
        what.append("each credit counts toward one tier only (shares_credits is false)")
    if any(r.hard_per_year is not None for r in rules):
        what.append("each item finishes in one cycle year")
    if any(r.paths[p].min for r in rules for p in range(len(r.paths))):
        what.append("a credit counts in one category")
    rest = f": {', and '.join(what)}" if what else ""
    dates = ", ".join(f"{r.tier} by {r.complete_by}" for r in rules)
    return f"{_names(request.tiers)}: no set of items meets every rule at once ({dates}){rest}"


def _tier_stops(
    catalog: Catalog, request: HeldRequest, world: HeldWorld, rule: HeldRule
) -> list[Blocked | None]:
    """For each path of ``rule``'s tier, what stops it whatever the money (``None``: nothing)."""
    activities = [
        item
        for item in world.items.values()
        if not item.is_exam and rule.tier in item.counts_for and item.first <= rule.complete_by
    ]
    exams = [
        item for item in world.items.values() if item.is_exam and item.first <= rule.complete_by
    ]
    stops: list[Blocked | None] = []
    for path in rule.paths:
        problems: list[tuple[str, Why]] = []
        problems.extend(_credits(catalog, rule, path, activities))
        problems.extend(_exams(catalog, request, rule, path, exams))
        problems.extend(_years(rule, activities))
        if problems:
            text = f"{rule.tier}: {path.describe()}: " + "; ".join(t for t, _ in problems)
            stops.append(Blocked(text, problems[0][1]))
        else:
            stops.append(None)
    return stops


def _credits(
    catalog: Catalog, rule: HeldRule, path: PathRule, items: Sequence[HeldItem]
) -> list[tuple[str, Why]]:
    by = f"by {rule.complete_by}"
    earned = rule.earned_counted(path)
    rooms = {
        k: max(0.0, most - rule.earned_by_category.get(k, 0.0)) for k, most in path.max.items()
    }
    found: list[tuple[str, Why]] = []
    most = earned + most_counted(items, rule, rooms, others=True)
    if most < path.credits - CREDIT_TOLERANCE:
        text = f"at most {_credits_text(most)} can count {by}"
        if rule.earned:
            text += f" ({format_number(rule.earned)} already earned)"
        found.append((f"{text}; {format_number(path.credits)} are needed", "credits"))
    for k, least in sorted(path.min.items()):
        room = {k: rooms.get(k, math.inf)}
        got = rule.earned_in(k, path) + min(
            room[k], most_counted(items, rule, {k: math.inf}, others=False)
        )
        if got < least - CREDIT_TOLERANCE:
            found.append(
                (
                    f"{_category(catalog, k)}: at most {_amount(got)} of the "
                    f"{format_number(least)} needed can be earned {by}",
                    "credits",
                )
            )
    return found


def _exams(
    catalog: Catalog,
    request: HeldRequest,
    rule: HeldRule,
    path: PathRule,
    exams: Sequence[HeldItem],
) -> list[tuple[str, Why]]:
    found: list[tuple[str, Why]] = []
    for kind, count in sorted(path.exams.items()):
        missing = count - rule.passed.get(kind, 0)
        if missing <= 0:
            continue
        if not request.allow_exams:
            text = f"{quantity(missing, f'more {kind} exam')} needed, and new exams are not allowed"
            found.append((text, "exams"))
            continue
        offered = sum(1 for e in exams if e.kind == kind)
        if offered == 0:
            found.append((f"no {kind} exam can be taken by {rule.complete_by}", "exams"))
        elif offered < missing:
            found.append(
                (
                    f"only {quantity(offered, f'{kind} exam')} can be taken by "
                    f"{rule.complete_by}; {missing} are needed",
                    "exams",
                )
            )
    return found


def _years(rule: HeldRule, items: Sequence[HeldItem]) -> list[tuple[str, Why]]:
    """The cycle years a hard yearly minimum cannot be met in, each item in any year it may be."""
    needed = rule.hard_per_year
    if needed is None:
        return []
    found: list[tuple[str, Why]] = []
    for year, (first, last) in enumerate(rule.years, start=1):
        end = min(last, rule.complete_by)
        got = rule.earned_per_year.get(year, 0.0) + math.fsum(
            item.cap(rule.tier) for item in items if max(item.first, first) <= item.ends_by(end)
        )
        if got < needed - CREDIT_TOLERANCE:
            found.append(
                (
                    f"cycle year {year} ({first} to {last}): at most {_amount(got)} of the "
                    f"{format_number(needed)} needed can be earned",
                    "credits",
                )
            )
    return found


def _category(catalog: Catalog, name: str) -> str:
    """A category as a reason names it: its label up to any colon (``Group A``)."""
    category = catalog.categories.get(name)
    label = category.label if category is not None else name
    return label.split(":", 1)[0].strip() or name


def _amount(value: float) -> str:
    return format_number(round(value, 2))


def _credits_text(value: float) -> str:
    return f"{_amount(value)} credits" if round(value, 2) != 1 else "1 credit"
