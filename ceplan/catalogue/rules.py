"""Schema 2's rules across fields, and how a broken rule is said.

A catalogue's rules across fields (see :mod:`ceplan.catalogue.models`) each give a
:class:`BrokenRule`: where, what, and the value. Schema 2's rules about one activity, one tier
or the tiers together live here, as functions of validated models and of the names they are
checked against (:class:`Schema2Names`), so that the models' catalogue and the activities held
as columns (:mod:`ceplan.catalogue.table`) check them with the same code:

- a split (an activity's ``categories``) and a path's ``min`` and ``max`` name only the
  catalogue's categories; a split adds up to at most the activity's credits; a ``min`` is at
  most its path's credits, and so are all of them together; a ``max`` is not below the same
  category's ``min``;
- ``counts_for`` and ``renews`` name only the catalogue's tiers (each once), ``renews`` never
  the tier itself, and the tiers' ``renews`` form no cycle;
- a tier's ``per_year`` asks for no more than any of its paths with credits;
- with a ``credit_step``, every credit figure is a whole number of steps.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any, Protocol

from ceplan.units import CREDIT_TOLERANCE, format_number, on_step, quantity


class _Path(Protocol):
    """What the rules read of a path (:class:`ceplan.catalogue.models.PathRule`)."""

    @property
    def credits(self) -> float: ...
    @property
    def min(self) -> Mapping[str, float]: ...
    @property
    def max(self) -> Mapping[str, float]: ...


class _PerYear(Protocol):
    @property
    def credits(self) -> float: ...


class _Caps(Protocol):
    @property
    def per_activity(self) -> float | None: ...
    @property
    def by_type(self) -> Mapping[str, float]: ...


class _Tier(Protocol):
    """What the rules read of a tier (:class:`ceplan.catalogue.models.Tier`).

    The models import this module, so it names what it needs instead of importing them back.
    """

    @property
    def paths(self) -> Sequence[_Path]: ...
    @property
    def per_year(self) -> _PerYear | None: ...
    @property
    def caps(self) -> _Caps: ...
    @property
    def renews(self) -> Sequence[str]: ...


__all__ = [
    "BrokenRule",
    "CatalogRuleError",
    "Schema2Names",
    "activity_rules",
    "renewal_cycles",
    "tier_rules",
]


@dataclasses.dataclass(frozen=True)
class BrokenRule:
    """A rule across fields that the data breaks.

    ``loc`` says where, like a pydantic error location (relative to the model that checks the
    rule); ``value`` is the offending value, or ``None`` when the problem is a missing value.
    """

    loc: tuple[str | int, ...]
    message: str
    value: Any = None


class CatalogRuleError(ValueError):
    """Rules across fields were broken; :attr:`broken` lists every one."""

    def __init__(self, broken: Sequence[BrokenRule]) -> None:
        self.broken = tuple(broken)
        first = self.broken[0]
        where = ".".join(str(part) for part in first.loc)
        more = f" (and {len(self.broken) - 1} more)" if len(self.broken) > 1 else ""
        super().__init__(f"{where}: {first.message}{more}")


@dataclasses.dataclass(frozen=True)
class Schema2Names:
    """What schema 2's rules about one item check its names and figures against.

    ``None`` for a part that is not valid: the rules that need it are left out.
    """

    categories: Collection[str] | None
    """The catalogue's categories."""
    tiers: Collection[str] | None
    """The names of its tiers (valid tiers or not)."""
    credit_step: float | None = None
    """The catalogue's credit step; ``None`` for none, or when it is not valid."""


def _unknown_category(names: Schema2Names) -> str:
    known = names.categories or ()
    listed = ", ".join(sorted(known)) if known else "it lists none"
    return f"is not one of the catalogue's categories ({listed})"


def _off_step(value: float, names: Schema2Names) -> bool:
    return names.credit_step is not None and not on_step(value, names.credit_step)


def _off_step_message(names: Schema2Names) -> str:
    step = names.credit_step
    shown = "none" if step is None else format_number(step)
    return f"is not a whole number of credit steps (credit_step: {shown})"


def activity_rules(
    credits: float,
    categories: Mapping[str, float],
    counts_for: Sequence[str] | None,
    loc: tuple[str | int, ...],
    names: Schema2Names,
) -> Iterator[BrokenRule]:
    """Schema 2's rules about one activity: its split, the tiers it names, its credit steps.

    The split names only the catalogue's categories and adds up to at most the activity's
    ``credits``; ``counts_for`` names only its tiers, each once; with a ``credit_step``, the
    credits and each part of the split are whole numbers of steps.
    """
    if _off_step(credits, names):
        yield BrokenRule((*loc, "credits"), _off_step_message(names), credits)
    for name, part in categories.items():
        if names.categories is not None and name not in names.categories:
            yield BrokenRule((*loc, "categories", name), _unknown_category(names), part)
        elif _off_step(part, names):
            yield BrokenRule((*loc, "categories", name), _off_step_message(names), part)
    total = math.fsum(categories.values())
    if total > credits + CREDIT_TOLERANCE:
        yield BrokenRule(
            (*loc, "categories"),
            f"adds up to {quantity(total, 'credit')}, more than the activity's "
            f"{format_number(credits)}",
            dict(categories),
        )
    named = list(counts_for or ())
    seen: set[str] = set()
    for name in named:
        if name in seen:
            yield BrokenRule((*loc, "counts_for"), f"names tier '{name}' twice", named)
        elif names.tiers is not None and name not in names.tiers:
            yield BrokenRule(
                (*loc, "counts_for"),
                f"names tier '{name}', which the catalogue does not have",
                named,
            )
        seen.add(name)


def tier_rules(name: str, tier: _Tier, names: Schema2Names) -> Iterator[BrokenRule]:
    """Schema 2's rules about one tier: its paths' bounds, yearly minimum, caps and renews.

    Its fees are priced with the catalogue's items (:mod:`ceplan.catalogue.models`).
    """
    where: tuple[str | int, ...] = ("tiers", name)
    for number, path in enumerate(tier.paths):
        yield from _path_rules(path, (*where, "paths", number), names)
    if tier.per_year is not None:
        needed = tier.per_year.credits
        if _off_step(needed, names):
            yield BrokenRule((*where, "per_year", "credits"), _off_step_message(names), needed)
        short = next(
            (
                (number, path)
                for number, path in enumerate(tier.paths)
                if 0 < path.credits < needed - CREDIT_TOLERANCE
            ),
            None,
        )
        if short is not None:
            number, path = short
            yield BrokenRule(
                (*where, "per_year", "credits"),
                f"is more than the {quantity(path.credits, 'credit')} of path {number + 1}",
                needed,
            )
    caps = tier.caps
    if caps.per_activity is not None and _off_step(caps.per_activity, names):
        yield BrokenRule(
            (*where, "caps", "per_activity"), _off_step_message(names), caps.per_activity
        )
    for kind, cap in caps.by_type.items():
        if _off_step(cap, names):
            yield BrokenRule((*where, "caps", "by_type", kind), _off_step_message(names), cap)
    for other in tier.renews:
        if other == name:
            yield BrokenRule((*where, "renews"), "names the tier itself", list(tier.renews))
        elif names.tiers is not None and other not in names.tiers:
            yield BrokenRule(
                (*where, "renews"),
                f"names tier '{other}', which the catalogue does not have",
                list(tier.renews),
            )


def _path_rules(
    path: _Path, loc: tuple[str | int, ...], names: Schema2Names
) -> Iterator[BrokenRule]:
    """A path's ``min`` and ``max``: known categories, within the path, max not below min."""
    if _off_step(path.credits, names):
        yield BrokenRule((*loc, "credits"), _off_step_message(names), path.credits)
    for bound in ("min", "max"):
        given: Mapping[str, float] = getattr(path, bound)
        for category, amount in given.items():
            if names.categories is not None and category not in names.categories:
                yield BrokenRule((*loc, bound, category), _unknown_category(names), amount)
            elif _off_step(amount, names):
                yield BrokenRule((*loc, bound, category), _off_step_message(names), amount)
    credits = path.credits
    over = [
        (category, amount)
        for category, amount in path.min.items()
        if amount > credits + CREDIT_TOLERANCE
    ]
    for category, amount in over:
        yield BrokenRule(
            (*loc, "min", category),
            f"is more than the path's {quantity(credits, 'credit')}",
            amount,
        )
    total = math.fsum(path.min.values())
    if not over and total > credits + CREDIT_TOLERANCE:
        yield BrokenRule(
            (*loc, "min"),
            f"adds up to {quantity(total, 'credit')}, more than the path's "
            f"{format_number(credits)}",
            dict(path.min),
        )
    for category, most in path.max.items():
        least = path.min.get(category)
        if least is not None and most < least - CREDIT_TOLERANCE:
            yield BrokenRule(
                (*loc, "max", category),
                f"is less than min {format_number(least)} for the same category",
                most,
            )


def renewal_cycles(tiers: Mapping[str, _Tier]) -> Iterator[BrokenRule]:
    """One problem per cycle of ``renews`` among ``tiers`` (a tier naming itself aside).

    Tiers that renew one another, directly or through others, are one cycle: it is reported
    once, at the first of them in the catalogue, with one way round it.
    """
    edges = {
        name: [other for other in tier.renews if other in tiers and other != name]
        for name, tier in tiers.items()
    }
    order = {name: number for number, name in enumerate(tiers)}
    for group in _strong_components(edges):
        if len(group) < 2:
            continue
        first = min(group, key=order.__getitem__)
        way = _way_round(first, edges, group)
        yield BrokenRule(
            ("tiers", first, "renews"),
            "forms a cycle: " + " renews ".join([*way, first]),
            list(tiers[first].renews),
        )


def _strong_components(edges: Mapping[str, Sequence[str]]) -> list[set[str]]:
    """The strongly connected components of a graph (Kosaraju's, without recursion)."""
    finished: list[str] = []
    seen: set[str] = set()
    for start in edges:
        if start in seen:
            continue
        seen.add(start)
        stack = [(start, iter(edges[start]))]
        while stack:
            node, following = stack[-1]
            nxt = next((other for other in following if other not in seen), None)
            if nxt is None:
                stack.pop()
                finished.append(node)
            else:
                seen.add(nxt)
                stack.append((nxt, iter(edges[nxt])))
    backwards: dict[str, list[str]] = {name: [] for name in edges}
    for name, targets in edges.items():
        for other in targets:
            backwards[other].append(name)
    groups: list[set[str]] = []
    placed: set[str] = set()
    for start in reversed(finished):
        if start in placed:
            continue
        group = {start}
        placed.add(start)
        todo = [start]
        while todo:
            for other in backwards[todo.pop()]:
                if other not in placed:
                    placed.add(other)
                    group.add(other)
                    todo.append(other)
        groups.append(group)
    return groups


def _way_round(first: str, edges: Mapping[str, Sequence[str]], group: set[str]) -> list[str]:
    """The shortest way from ``first`` back to itself within ``group``, without the return."""
    came_from: dict[str, str] = {}
    frontier = [first]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for other in edges[node]:
                if other == first:
                    way = [node]
                    while way[-1] != first:
                        way.append(came_from[way[-1]])
                    return way[::-1]
                if other in group and other not in came_from:
                    came_from[other] = node
                    following.append(other)
        frontier = following
    return [first]  # not reached: every member of a component of two or more is on a cycle
