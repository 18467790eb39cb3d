"""The integer programme of catalogue schema 2 (SPEC 9), built from arrays: no solving, no I/O.

:func:`build_claims` turns a :class:`~ceplan.candidates.held.HeldWorld` (the tiers a person
holds, the usable items, the ways to renew) into an :class:`~ceplan.solving.arrays.ArrayModel`
and the maps from the data to its columns (:class:`ClaimsModel`). Every column is a number
in a list and every row a list of (column, coefficient) pairs: nothing is built term by term in
a modelling library.

Columns (binary unless said):

- ``take_<id>``: item ``id`` is in the plan;
- ``way_<n>``: the tiers are renewed the ``n``-th way (each by its own paths or through a tier
  that ``renews`` it); only when there are several ways, exactly one chosen (``one_way``). Every
  fact that depends on the way (which tiers need their own path, deadlines, fees) is a sum of
  these;
- ``finish_<id>_<s>``: activity ``id`` finishes in stretch ``s`` of its window (only where
  finishing later can matter: a tier with a hard yearly minimum), one stretch when taken
  (``one_finish_<id>``);
- ``one_session_<id>``: at most one dated session of an activity (each session is an item of
  its own, :func:`~ceplan.candidates.held.session_id`);
- ``use_<id>_<tier>_<s>``: the activity counts toward ``tier`` and finishes in stretch ``s``.
  With ``shares_credits`` (its programme's, in a combination of catalogues) it may count toward
  every tier it reaches (continuous: counting is never worse); without, toward exactly one
  (binary, ``one_use_<id>``). An exam counts toward each tier of its programme whose
  deadline it meets (``exam_<id>_<tier>``, continuous). Where the deadline depends on the
  way, ``deadline_...`` rows allow the use only in the ways that reach it. In a plan over time
  (a world with a calendar) every item has a stretch to finish in, an exam too (its sitting
  day), and :attr:`ClaimsModel.finishes` says which (the weekly hours rows of
  :mod:`ceplan.model.hours` read it);
- ``choose_<tier>_<p>``: path ``p`` of ``tier`` is met; the paths of a tier renewed through
  another are all 0 (``one_path_<tier>``);
- ``claim_<id>_<tier>_<category>`` (continuous): the credits of the activity claimed toward
  ``tier`` in ``category`` (``REST``: credits in no category the tier's paths name), at most its
  part (``part_...``) and together at most ``per_activity`` (``per_activity_...``). An activity
  whose credits the tier's paths see in no category claims them all, up to ``per_activity``; a
  ``by_type`` cap then takes them by type (``type_<tier>_<type>``, continuous).

Rows, for each tier that may be renewed by its own paths:

- ``credits_<tier>``: the claims and the credits earned that count reach the chosen path's
  credits; ``min_<tier>_<category>``: the claims in the category, and what was earned in it,
  reach the chosen path's ``min``; ``max_<tier>_<category>``: the claims in it are at most the
  room that the path's ``max`` leaves above what was earned in it (per path, switched off by
  ``choose`` with a big M from the data, when the paths' rooms differ); ``by_type_<tier>_<type>``;
- ``exams_<tier>_<kind>``: enough exams of each kind counting toward the tier;
- ``year_<tier>_<n>``: a hard yearly minimum, from the credits (after ``per_activity``) of the
  activities counting toward the tier that finish in year ``n``, and what was earned in it;
- ``budget``: items and fees; ``dominated_<id>``: an item is taken only with the items that
  beat it (cheaper and as good in every way), which the best plan keeps (see
  :meth:`_Build._dominated`).

**Why continuous claims are exact.** For fixed items, uses and path, the claims of one tier are
a flow: from each type (at most its ``by_type`` cap) to each activity (at most ``per_activity``)
to each category (at most the activity's part) to the sink (at most the room under ``max``),
with lower bounds on the sink arcs of the ``min`` categories and on the total. A feasible flow
with lower bounds exists exactly when the continuous rows above hold, and when every capacity
and bound is a whole number of credit steps (the catalogue's figures are, and so are the needs
left once earned credits that are themselves on the step are taken off), an integral flow
theorem (Hoffman's, for circulations) gives one in whole steps. So claiming in whole credit
steps, or in any amounts at all (as SPEC 9 counts, "the credits that count"), asks nothing more
of the items: the claims need not be integer.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ceplan.candidates.held import REST, HeldItem, HeldRule, HeldWorld, Way
from ceplan.model.arrays import ArrayModel, plus
from ceplan.model.dominance import held_beaters
from ceplan.units import CREDIT_TOLERANCE, hours_scale

__all__ = ["DOMINATORS", "ClaimsModel", "Expr", "build_claims"]

DOMINATORS = 4
"""How many of the items that beat an item its ``dominated_<id>`` row names (the first in the
order): more rows cut more, and make a larger model."""

Expr = tuple[dict[int, float], float]
"""A linear expression: coefficients by column, and a constant."""

_ZERO: Expr = ({}, 0.0)


def _col(column: int, coefficient: float = 1.0) -> Expr:
    return ({column: coefficient}, 0.0)


def _const(value: float) -> Expr:
    return ({}, value)


def _times(expression: Expr, factor: float) -> Expr:
    terms, constant = expression
    return {c: v * factor for c, v in terms.items()}, constant * factor


@dataclass
class _Builder:
    """Columns and rows as lists; :meth:`model` makes the arrays."""

    names: list[str] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    rows: list[tuple[dict[int, float], float, float, str]] = field(default_factory=list)
    impossible: list[str] = field(default_factory=list)
    """Rows of constants only that no answer can keep (their names)."""

    def column(self, name: str, upper: float = 1.0, *, integer: bool = False) -> int:
        self.names.append(name)
        self.lower.append(0.0)
        self.upper.append(upper)
        self.integer.append(integer)
        return len(self.names) - 1

    def row(self, expression: Expr, lower: float, upper: float, name: str) -> None:
        """``lower <= expression <= upper`` (``math.inf`` for no bound)."""
        terms, constant = expression
        terms = {c: v for c, v in terms.items() if v != 0.0}
        low, high = lower - constant, upper - constant
        if not terms:
            if low > CREDIT_TOLERANCE or high < -CREDIT_TOLERANCE:
                self.impossible.append(name)
            return
        self.rows.append((terms, low, high, name))

    def model(self) -> ArrayModel:
        return ArrayModel.of(
            self.names, self.lower, self.upper, self.integer, self.rows, self.impossible
        )


@dataclass(frozen=True)
class ClaimsModel:
    """The model and the maps from the data to its columns (see the module docstring).

    ``uses`` gives, for each activity, tier and stretch, the expression that is 1 when the
    activity counts toward the tier finishing in that stretch (exams: stretch 0);
    ``claims`` the credits it claims toward a tier by category (``REST`` among them); ``typed``
    the claims toward a tier taken by type where the activities' own are not columns.
    """

    model: ArrayModel
    take: dict[str, int]
    ways: tuple[Way, ...]
    way_columns: tuple[int, ...]
    """One column per way (none when there is one way)."""
    choose: dict[tuple[str, int], Expr]
    uses: dict[tuple[str, str, int], Expr]
    stretches: dict[str, tuple[tuple[dt.date, dt.date], ...]]
    claims: dict[tuple[str, str, str], Expr]
    typed: dict[tuple[str, str], tuple[int, tuple[str, ...]]]
    """By tier and type: the column of the claims taken by type, and the activities in it."""
    cost: Expr
    hours: Expr
    count: Expr
    hours_scale: int
    finishes: dict[tuple[str, int], Expr] = field(default_factory=dict)
    """By item and stretch of :attr:`stretches`: 1 when the item is taken and finishes in
    that stretch (an item that counts nowhere has none)."""


def build_claims(
    world: HeldWorld,
    *,
    budget: bool = True,
    path: tuple[str, int] | None = None,
    dominance: bool = True,
) -> ClaimsModel:
    """The model of ``world`` (see the module docstring).

    ``budget``: add the budget row (a model for the cheapest plan whatever the budget leaves
    it out). ``path``: a tier and the position of one of its paths, which the plan must meet
    (``compare_path``). ``dominance``: add the ``dominated_<id>`` rows (a team leaves them
    out: there an item's copies paid in different budget periods are not interchangeable).
    """
    return _Build(world, budget, path, dominance).result()


class _Build:
    """One model being built, a step per family of columns and rows."""

    def __init__(
        self,
        world: HeldWorld,
        budget: bool,
        path: tuple[str, int] | None,
        dominance: bool = True,
    ) -> None:
        self.world = world
        self.b = _Builder()
        self.items = list(world.items.values())
        self.take = {item.id: self.b.column(f"take_{item.id}", integer=True) for item in self.items}
        sessions: dict[str, list[int]] = defaultdict(list)
        for item in self.items:
            if item.session is not None:
                sessions[item.source].append(self.take[item.id])
        for source, columns in sorted(sessions.items()):
            if len(columns) > 1:
                self.b.row(
                    ({c: 1.0 for c in columns}, 0.0), -math.inf, 1.0, f"one_session_{source}"
                )
        self.finishes: dict[tuple[str, int], Expr] = {}
        self.ways = world.ways
        self.way_columns: tuple[int, ...] = ()
        if len(self.ways) > 1:
            self.way_columns = tuple(
                self.b.column(f"way_{n}", integer=True) for n in range(len(self.ways))
            )
            self.b.row(plus(*(_col(c) for c in self.way_columns)), 1.0, 1.0, "one_way")
        self.roots = [t for t in world.rules if any(w.via[t] is None for w in self.ways)]
        self.uses: dict[tuple[str, str, int], Expr] = {}
        self.stretches: dict[str, tuple[tuple[dt.date, dt.date], ...]] = {}
        self.claims: dict[tuple[str, str, str], Expr] = {}
        self.typed: dict[tuple[str, str], tuple[int, tuple[str, ...]]] = {}
        self.choose: dict[tuple[str, int], Expr] = {}
        self._uses()
        for tier in self.roots:
            self._tier(world.rules[tier])
        if path is not None:
            self.b.row(self.choose.get(path, _ZERO), 1.0, 1.0, "compare_path")
        self.cost = plus(*(_col(self.take[i.id], float(i.cents)) for i in self.items), self._fees())
        if budget and world.budget_cents is not None:
            self.b.row(self.cost, -math.inf, float(world.budget_cents), "budget")
        if dominance:
            self._dominated()
        self.scale = hours_scale(i.hours for i in self.items)
        self.hours = plus(
            *(_col(self.take[i.id], float(round(i.hours * self.scale))) for i in self.items)
        )
        self.count = plus(*(_col(self.take[i.id]) for i in self.items))

    def result(self) -> ClaimsModel:
        return ClaimsModel(
            model=self.b.model(),
            take=self.take,
            ways=self.ways,
            way_columns=self.way_columns,
            choose=self.choose,
            uses=self.uses,
            stretches=self.stretches,
            claims=self.claims,
            typed=self.typed,
            cost=self.cost,
            hours=self.hours,
            count=self.count,
            hours_scale=self.scale,
            finishes=self.finishes,
        )

    # -- the ways ----------------------------------------------------------------------------

    def _in_ways(self, allowed: Sequence[int]) -> Expr:
        """1 in the ways ``allowed`` (positions), 0 in the others: a sum of way columns."""
        if len(allowed) == len(self.ways):
            return _const(1.0)
        if not self.way_columns:
            return _const(0.0)
        return plus(*(_col(self.way_columns[n]) for n in allowed))

    def _root(self, tier: str) -> Expr:
        """1 when ``tier`` is renewed by its own paths."""
        return self._in_ways([n for n, w in enumerate(self.ways) if w.via[tier] is None])

    def _reaching(self, tier: str, day: dt.date) -> list[int]:
        """The ways in which an item finishing on ``day`` may count toward ``tier``.

        Those where the tier is renewed through another (counting toward it then changes
        nothing) and those whose deadline for it is not before ``day``.
        """
        return [
            n
            for n, way in enumerate(self.ways)
            if way.via[tier] is not None or day <= way.deadlines[tier]
        ]

    def _fees(self) -> Expr:
        if self.way_columns:
            return plus(
                *(
                    _col(column, float(way.fee_cents))
                    for column, way in zip(self.way_columns, self.ways, strict=True)
                )
            )
        return _const(float(self.ways[0].fee_cents))

    # -- which tiers each item counts toward -------------------------------------------------

    def _uses(self) -> None:
        for item in self.items:
            if item.is_exam:
                self._exam_uses(item)
            else:
                self._activity_uses(item)

    def _exam_uses(self, item: HeldItem) -> None:
        take = _col(self.take[item.id])
        if self.world.calendar is not None:
            self._timed_exam_uses(item, take)
            return
        self.finishes[(item.id, 0)] = take
        self.stretches[item.id] = ((item.first, item.first),)
        for tier in self.roots:
            if tier not in item.counts_for:  # another programme's tier
                continue
            reaching = self._reaching(tier, item.first)
            if not any(self.ways[n].via[tier] is None for n in reaching):
                continue
            ways = self._in_ways(reaching)
            if not ways[0]:
                self.uses[(item.id, tier, 0)] = take
                continue
            use = self.b.column(f"exam_{item.id}_{tier}")
            self.b.row(
                plus(_col(use), _times(take, -1.0)), -math.inf, 0.0, f"exam_taken_{item.id}_{tier}"
            )
            self.b.row(
                plus(_col(use), _times(ways, -1.0)), -math.inf, 0.0, f"deadline_{item.id}_{tier}"
            )
            self.uses[(item.id, tier, 0)] = _col(use)

    def _timed_exam_uses(self, item: HeldItem, take: Expr) -> None:
        """An exam in a plan over time: a stretch to sit it in, then each tier it reaches."""
        pairs = self._pairs(item, take)
        if pairs:
            self._shared_uses(item, take, len(self.stretches[item.id]), pairs)

    def _activity_uses(self, item: HeldItem) -> None:
        take = _col(self.take[item.id])
        pairs = self._pairs(item, take)
        if not pairs:
            return
        if item.shares:
            self._shared_uses(item, take, len(self.stretches[item.id]), pairs)
        else:
            self._unshared_uses(item, take, pairs)

    def _pairs(self, item: HeldItem, take: Expr) -> list[tuple[str, int, list[int]]]:
        """Each (tier, stretch, ways) ``item`` may count in: none means it is never taken.

        A tier it may count toward, a stretch it may finish in, and the ways whose deadlines
        that stretch meets. The item's stretches are recorded in :attr:`stretches` on the way.
        """
        stretches = self.world.segments(item)
        self.stretches[item.id] = stretches
        pairs: list[tuple[str, int, list[int]]] = []
        for tier in item.counts_for:
            if tier not in self.roots:
                continue
            for s, (first, _) in enumerate(stretches):
                reaching = self._reaching(tier, first)
                if any(self.ways[n].via[tier] is None for n in reaching):
                    pairs.append((tier, s, reaching))
        if not pairs:
            self.b.row(take, 0.0, 0.0, f"counts_nowhere_{item.id}")
        return pairs

    def _shared_uses(
        self, item: HeldItem, take: Expr, count: int, pairs: Sequence[tuple[str, int, list[int]]]
    ) -> None:
        """Counting toward every tier it reaches: a stretch to finish in, then each tier."""
        used = sorted({s for _, s, _ in pairs})
        if count == 1 or len(used) == 1:  # one stretch that counts: finish there
            finish = {s: take for s in used}
        else:
            finish = {s: _col(self.b.column(f"finish_{item.id}_{s}", integer=True)) for s in used}
            self.b.row(
                plus(*finish.values(), _times(take, -1.0)), 0.0, 0.0, f"one_finish_{item.id}"
            )
        for s, expression in finish.items():
            self.finishes[(item.id, s)] = expression
        for tier, s, reaching in pairs:
            ways = self._in_ways(reaching)
            if not ways[0]:
                self.uses[(item.id, tier, s)] = finish[s]
                continue
            use = self.b.column(f"use_{item.id}_{tier}_{s}")
            self.b.row(
                plus(_col(use), _times(finish[s], -1.0)),
                -math.inf,
                0.0,
                f"finish_use_{item.id}_{tier}_{s}",
            )
            self.b.row(
                plus(_col(use), _times(ways, -1.0)),
                -math.inf,
                0.0,
                f"deadline_{item.id}_{tier}_{s}",
            )
            self.uses[(item.id, tier, s)] = _col(use)

    def _unshared_uses(
        self, item: HeldItem, take: Expr, pairs: Sequence[tuple[str, int, list[int]]]
    ) -> None:
        """Counting toward exactly one tier, finishing in one stretch."""
        if len(pairs) == 1 and not self._in_ways(pairs[0][2])[0]:
            tier, s, _ = pairs[0]
            self.uses[(item.id, tier, s)] = take
            self.finishes[(item.id, s)] = take
            return
        at: dict[int, list[Expr]] = defaultdict(list)
        uses = []
        for tier, s, reaching in pairs:
            use = self.b.column(f"use_{item.id}_{tier}_{s}", integer=True)
            ways = self._in_ways(reaching)
            if ways[0]:
                self.b.row(
                    plus(_col(use), _times(ways, -1.0)),
                    -math.inf,
                    0.0,
                    f"deadline_{item.id}_{tier}_{s}",
                )
            self.uses[(item.id, tier, s)] = _col(use)
            uses.append(_col(use))
            at[s].append(_col(use))
        self.b.row(plus(*uses, _times(take, -1.0)), 0.0, 0.0, f"one_use_{item.id}")
        for s, expressions in at.items():
            self.finishes[(item.id, s)] = plus(*expressions)

    # -- one tier's rows ---------------------------------------------------------------------

    def _counts(self, item: HeldItem, tier: str) -> Expr:
        """1 when ``item`` counts toward ``tier`` (in any stretch)."""
        return plus(
            *(
                use
                for s in range(len(self.stretches[item.id]))
                if (use := self.uses.get((item.id, tier, s))) is not None
            )
        )

    def _tier(self, rule: HeldRule) -> None:
        tier = rule.tier
        root = self._root(tier)
        self._paths(rule, root)
        used = rule.categories_used
        by_category: dict[str, list[Expr]] = defaultdict(list)
        total: list[Expr] = []
        by_type: dict[str, list[Expr]] = defaultdict(list)
        loose: dict[str, list[tuple[HeldItem, Expr]]] = defaultdict(list)
        for item in self.items:
            if item.is_exam or tier not in item.counts_for:
                continue
            counts = self._counts(item, tier)
            if not counts[0]:
                continue
            cap = item.cap(tier)
            named = [(k, part) for k, part in item.parts if k in used]
            if not named:
                if item.type in rule.by_type:
                    loose[item.type].append((item, _times(counts, cap)))
                else:
                    total.append(_times(counts, cap))
                    self.claims[(item.id, tier, REST)] = _times(counts, cap)
                continue
            rest = math.fsum(part for k, part in item.parts if k not in used)
            classes = [*named, *([(REST, rest)] if rest > 1e-9 else [])]
            mine = []
            for k, part in classes:
                most = min(part, cap)
                claim = self.b.column(f"claim_{item.id}_{tier}_{k or 'rest'}", most)
                self.b.row(
                    plus(_col(claim), _times(counts, -most)),
                    -math.inf,
                    0.0,
                    f"part_{item.id}_{tier}_{k or 'rest'}",
                )
                self.claims[(item.id, tier, k)] = _col(claim)
                mine.append(_col(claim))
                if k != REST:
                    by_category[k].append(_col(claim))
            if cap < math.fsum(min(part, cap) for _, part in classes) - 1e-9:
                self.b.row(
                    plus(*mine, _times(counts, -cap)),
                    -math.inf,
                    0.0,
                    f"per_activity_{item.id}_{tier}",
                )
            total.extend(mine)
            by_type[item.type].extend(mine)
        for kind, members in sorted(loose.items()):
            column = self.b.column(f"type_{tier}_{kind}", rule.by_type[kind])
            self.b.row(
                plus(_col(column), *(_times(e, -1.0) for _, e in members)),
                -math.inf,
                0.0,
                f"typed_{tier}_{kind}",
            )
            self.typed[(tier, kind)] = (column, tuple(i.id for i, _ in members))
            total.append(_col(column))
            by_type[kind].append(_col(column))
        for kind, claims in sorted(by_type.items()):
            limit = rule.by_type.get(kind)
            if limit is not None and claims:
                self.b.row(plus(*claims), -math.inf, limit, f"by_type_{tier}_{kind}")
        self._credit_rows(rule, total, by_category)
        self._exam_rows(rule)
        self._year_rows(rule, root)

    def _paths(self, rule: HeldRule, root: Expr) -> None:
        tier = rule.tier
        if len(rule.paths) == 1:
            self.choose[(tier, 0)] = root
            return
        chosen = [
            _col(self.b.column(f"choose_{tier}_{p}", integer=True)) for p in range(len(rule.paths))
        ]
        for p, expression in enumerate(chosen):
            self.choose[(tier, p)] = expression
        self.b.row(plus(*chosen, _times(root, -1.0)), 0.0, 0.0, f"one_path_{tier}")

    def _need(self, rule: HeldRule, needs: Iterable[float]) -> Expr:
        """The sum over the tier's paths of each path's need times its ``choose``."""
        return plus(
            *(_times(self.choose[(rule.tier, p)], need) for p, need in enumerate(needs) if need)
        )

    def _credit_rows(
        self, rule: HeldRule, total: Sequence[Expr], by_category: Mapping[str, Sequence[Expr]]
    ) -> None:
        tier = rule.tier
        needs = [max(0.0, p.credits - rule.earned_counted(p)) for p in rule.paths]
        if any(n > CREDIT_TOLERANCE for n in needs):
            self.b.row(
                plus(*total, _times(self._need(rule, needs), -1.0)),
                -CREDIT_TOLERANCE,
                math.inf,
                f"credits_{tier}",
            )
        for k in sorted({k for p in rule.paths for k in p.min}):
            needs = [max(0.0, p.min.get(k, 0.0) - rule.earned_in(k, p)) for p in rule.paths]
            if any(n > CREDIT_TOLERANCE for n in needs):
                self.b.row(
                    plus(*by_category.get(k, ()), _times(self._need(rule, needs), -1.0)),
                    -CREDIT_TOLERANCE,
                    math.inf,
                    f"min_{tier}_{k}",
                )
        for k in sorted({k for p in rule.paths for k in p.max}):
            claims = plus(*by_category.get(k, ()))
            if not claims[0]:
                continue
            earned = rule.earned_by_category.get(k, 0.0)
            rooms = [None if k not in p.max else max(0.0, p.max[k] - earned) for p in rule.paths]
            if all(room is not None for room in rooms) and len({*rooms}) == 1:
                self.b.row(claims, -math.inf, rooms[0] or 0.0, f"max_{tier}_{k}")
                continue
            most = self._most(claims)
            for p, room in enumerate(rooms):
                if room is None or most <= room:
                    continue
                big = most - room
                self.b.row(
                    plus(claims, _times(self.choose[(tier, p)], big)),
                    -math.inf,
                    room + big,
                    f"max_{tier}_{k}_{p}",
                )

    def _most(self, claims: Expr) -> float:
        """The most ``claims`` (a sum of claim columns) can come to: their upper bounds."""
        return math.fsum(self.b.upper[c] * v for c, v in claims[0].items())

    def _exam_rows(self, rule: HeldRule) -> None:
        tier = rule.tier
        for kind in sorted({k for p in rule.paths for k in p.exams}):
            needs = [max(0, p.exams.get(kind, 0) - rule.passed.get(kind, 0)) for p in rule.paths]
            if not any(needs):
                continue
            exams = [
                self._counts(item, tier)
                for item in self.items
                if item.is_exam and item.kind == kind and item.id in self.stretches
            ]
            self.b.row(
                plus(*exams, _times(self._need(rule, needs), -1.0)),
                -CREDIT_TOLERANCE,
                math.inf,
                f"exams_{tier}_{kind}",
            )

    def _year_rows(self, rule: HeldRule, root: Expr) -> None:
        if rule.hard_per_year is None:
            return
        tier = rule.tier
        by_year: dict[int, list[Expr]] = defaultdict(list)
        for item in self.items:
            if item.is_exam:
                continue
            for s, (first, _) in enumerate(self.stretches.get(item.id, ())):
                use = self.uses.get((item.id, tier, s))
                year = rule.year_of(first)
                if use is not None and year is not None:
                    by_year[year].append(_times(use, item.cap(tier)))
        for year in range(1, len(rule.years) + 1):
            need = rule.hard_per_year - rule.earned_per_year.get(year, 0.0)
            if need <= CREDIT_TOLERANCE:
                continue
            self.b.row(
                plus(*by_year.get(year, ()), _times(root, -need)),
                -CREDIT_TOLERANCE,
                math.inf,
                f"year_{tier}_{year}",
            )

    # -- items that beat others ----------------------------------------------------------------

    def _dominated(self) -> None:
        """Rows that the best plan keeps: an item is taken only if the items that beat it are.

        Item ``a`` beats ``b`` when it costs no more, takes no longer and comes first in the
        order (cost, hours, id), can finish on any day ``b`` can, and counts toward every tier
        ``b`` counts toward at least as ``b`` does: the same type (``by_type``), and for each
        tier at least ``b``'s credits after ``per_activity`` and at least its part in each
        category the tier's paths name and in the rest (an exam: the same kind). In a plan with
        ``b`` but not ``a``, ``a`` in ``b``'s place (finishing when ``b`` did, counting where
        and as ``b`` did) keeps every rule and gives a better plan. So the best plan takes
        ``b`` only with every item that beats it: ``dominated_<id>`` says so for the first
        :data:`DOMINATORS` of them (items alike in all but their ids are the simplest case).
        """
        beaten = held_beaters(self.items, self.world.rules, DOMINATORS)
        for item_id, above in beaten.items():
            terms = dict.fromkeys((self.take[a] for a in above), 1.0)
            terms[self.take[item_id]] = -float(len(above))
            self.b.row((terms, 0.0), 0.0, math.inf, f"dominated_{item_id}")
