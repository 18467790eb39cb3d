"""Exact plans without dates by dynamic programming, in the full order of the planning rules.

Without weekly hours or days away, a path's best plan splits into two independent parts:

- **exams**: of each kind, as many as the path still needs; the first ones in the order
  (cost, hours, id) are the best (cost and hours add up, their number is fixed, and the
  smallest ids among equals come first);
- **activities**: a covering knapsack, the least (cost, hours, count) of a set that earns the
  credits still needed, then the smallest ids in sort order.

The order of the rules (:data:`~ceplan.objective.ONE_PERSON`) compares plans by cost, hours,
item count, then sorted ids. Cost, hours and count are its sums (:attr:`Objective.sums
<ceplan.objective.Objective.sums>`: what each item adds is :func:`_adds`); they add up over
the two parts, and the smallest sorted ids of a union of two parts over
different items are the union of each part's smallest, so the path's best plan is the union of
the two parts' best. The best plan overall is the first of the paths' best plans in the order
(then the path listed first). A budget only decides whether the cheapest plan is affordable.

The knapsack is solved exactly over the credits counted in whole units (credits in quarter
steps count in quarters; see :func:`credit_scale`): ``best[i][c]`` is the least (cost, hours,
count) of items ``i..n-1`` (sorted by id) that earn ``c`` more units, taking an item whenever
doing so is as good. Walking the items by id and taking item ``i`` when that is as good keeps
the smallest id that any best plan can hold at each step: the smallest sorted ids. Plans found
so are minimal, hence irredundant.

It applies when credits share a unit fine enough and the table stays small (see
:func:`applies`); otherwise the integer programme of :mod:`ceplan.model.block` is used.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from ceplan.candidates.items import Candidate, still_needed
from ceplan.catalogue.models import PathRule
from ceplan.objective import ONE_PERSON, Outcome, item_key
from ceplan.units import CREDIT_TOLERANCE, DECIMALS

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "MAX_CELLS",
    "MAX_SCALE",
    "PathBest",
    "applies",
    "best_by_path",
    "credit_scale",
    "units_needed",
]

MAX_SCALE = 10_000
"""The finest credit unit the exact search counts in: a ten-thousandth of a credit."""

MAX_CELLS = 4_000_000
"""The most cells (items times credit units) of the table, about 100 MB; larger goes to MIP."""

_PYTHON_CELLS = 20_000
"""Up to this many cells, plain Python is quicker than starting numpy."""

_KEY_BITS = 62
"""Cost, hours and count fit in one int64 key while their product stays below this power."""

_SUMS = ONE_PERSON.sums
"""What the knapsack adds up, in the order's order: cost, hours, count (the ids come after)."""

_HOURS = 10**DECIMALS  # hours count in whole millionths, exactly as the order compares them
_NONE = (math.inf, math.inf, math.inf)


def _adds(item: Candidate) -> tuple[int, int, int]:
    """What ``item`` adds to each of the order's sums, as whole numbers.

    Its cents, its hours in millionths, and one: the one place the tables read the order from.
    """
    cost, hours, count = (stage.whole(stage.item(item)) for stage in _SUMS if stage.item)
    return cost, hours, count


@dataclass(frozen=True)
class PathBest:
    """A path's best plan: its items (sorted ids) and the totals the order compares."""

    ids: tuple[str, ...]
    cents: int
    hours: int
    """In whole millionths of an hour."""

    def outcome(self, path_index: int) -> Outcome:
        """The plan as the objective sees it, met through path ``path_index``."""
        return Outcome(
            cents=self.cents,
            hours=self.hours / _HOURS,
            renewal=None,
            ids=self.ids,
            path_index=path_index,
        )


def credit_scale(values: Sequence[float]) -> int | None:
    """The smallest whole number that makes every value whole, or ``None`` past :data:`MAX_SCALE`.

    Examples
    --------
    >>> credit_scale([1, 2.5, 0.25]), credit_scale([3, 64]), credit_scale([1 / 3])
    (4, 1, 3)
    >>> credit_scale([0.123456789]) is None
    True
    """
    scale = 1
    for value in set(values):
        fraction = Fraction(value).limit_denominator(MAX_SCALE)
        if abs(float(fraction) - value) > 1e-9:
            return None
        scale = math.lcm(scale, fraction.denominator)
        if scale > MAX_SCALE:
            return None
    return scale


def units_needed(need: float, scale: int) -> int:
    """The credit units a path still needs: met iff earned units reach this."""
    if need <= CREDIT_TOLERANCE:
        return 0
    return max(0, math.ceil((need - CREDIT_TOLERANCE) * scale - 1e-9))


def applies(
    candidates: Sequence[Candidate], rules: Sequence[PathRule], earned: float
) -> int | None:
    """The credit scale to search with, or ``None`` if the exact search does not apply."""
    activities = [c.credits for c in candidates if not c.is_exam]
    scale = credit_scale(activities)
    if scale is None:
        return None
    capacity = max((units_needed(rule.credits - earned, scale) for rule in rules), default=0)
    if (len(activities) + 1) * (capacity + 1) > MAX_CELLS:
        return None
    return scale


def best_by_path(
    candidates: Sequence[Candidate],
    rules: Mapping[int, PathRule],
    earned: float,
    passed: Mapping[str, int],
    scale: int,
) -> dict[int, PathBest | None]:
    """Each path's best plan from ``candidates`` (``None``: the path cannot be met)."""
    exams = _exams_by_kind(candidates)
    activities = sorted((c for c in candidates if not c.is_exam), key=lambda c: c.id)
    needs = {p: still_needed(rule, earned, passed) for p, rule in rules.items()}
    units = {p: units_needed(credits, scale) for p, (credits, _) in needs.items()}
    table = _Knapsack(activities, scale, max(units.values(), default=0))
    result: dict[int, PathBest | None] = {}
    for p, (_, exams_needed) in needs.items():
        chosen = table.best(units[p])
        for kind, count in exams_needed.items():
            offered = exams.get(kind, [])
            if chosen is None or count > len(offered):
                chosen = None
                break
            chosen = [*chosen, *offered[: max(0, count)]]
        if chosen is None:
            result[p] = None
            continue
        columns = zip((0, 0, 0), *map(_adds, chosen), strict=True)  # each sum's values
        cents, hours, _ = (sum(values) for values in columns)
        result[p] = PathBest(
            ids=tuple(sorted(c.id for c in chosen)),
            cents=cents,
            hours=hours,
        )
    return result


def _exams_by_kind(candidates: Sequence[Candidate]) -> dict[str, list[Candidate]]:
    """The exams of each kind, in the order (:func:`~ceplan.objective.item_key`)."""
    by_kind: dict[str, list[Candidate]] = {}
    for c in candidates:
        if c.is_exam:
            by_kind.setdefault(c.kind or "", []).append(c)
    for group in by_kind.values():
        group.sort(key=item_key)
    return by_kind


class _Knapsack:
    """The covering knapsack over ``items`` (sorted by id), up to ``capacity`` units."""

    def __init__(self, items: Sequence[Candidate], scale: int, capacity: int) -> None:
        self.items = list(items)
        self.weights = [round(c.credits * scale) for c in self.items]
        self.adds = [_adds(c) for c in self.items]
        self.capacity = capacity
        self.take: list[list[bool]] | np.ndarray
        self.reachable: list[bool]
        if len(self.items) * (capacity + 1) <= _PYTHON_CELLS:
            self._fill_python()
        else:
            self._fill_numpy()

    def best(self, units: int) -> list[Candidate] | None:
        """The best items earning ``units``: take each item, by id, when that is as good."""
        if not self.reachable[units]:
            return None
        chosen = []
        need = units
        for i, item in enumerate(self.items):
            if need == 0:
                break
            if self.take[i][need]:
                chosen.append(item)
                need = max(0, need - self.weights[i])
        return chosen

    def _fill_python(self) -> None:
        capacity = self.capacity
        best: list[tuple[float, float, float]] = [_NONE] * (capacity + 1)
        best[0] = (0, 0, 0)
        take: list[list[bool]] = [[]] * len(self.items)
        for i in range(len(self.items) - 1, -1, -1):
            weight = self.weights[i]
            cost, hours, count = self.adds[i]
            row = [False] * (capacity + 1)
            new = list(best)
            for c in range(1, capacity + 1):
                before = best[max(0, c - weight)]
                if before[0] == math.inf:  # from an unreachable state: nothing to take
                    continue
                candidate = (before[0] + cost, before[1] + hours, before[2] + count)
                if candidate <= best[c]:
                    new[c] = candidate
                    row[c] = True
            take[i] = row
            best = new
        self.take = take
        self.reachable = [value[0] != math.inf for value in best]

    def _fill_numpy(self) -> None:
        import numpy as np

        keys = _packed(self.adds)
        if keys is None:
            self._fill_numpy_wide()
            return
        size = self.capacity + 1
        big = np.int64(2**62)
        best = np.full(size, big, dtype=np.int64)
        best[0] = 0
        take = np.zeros((len(self.items), size), dtype=np.bool_)
        index = np.arange(size)
        for i in range(len(self.items) - 1, -1, -1):
            before = best[np.maximum(index - self.weights[i], 0)]
            candidate = before + keys[i]
            better = (before < big) & (candidate <= best)
            better[0] = False  # nothing more to earn: nothing to take
            take[i] = better
            best = np.where(better, candidate, best)
        self.take = take
        self.reachable = (best < big).tolist()

    def _fill_numpy_wide(self) -> None:
        """As :meth:`_fill_numpy`, with each sum in an array of its own (large sums)."""
        import numpy as np

        size = self.capacity + 1
        big = np.int64(2**62)
        sums = [np.full(size, big, dtype=np.int64) for _ in _SUMS]
        for column in sums:
            column[0] = 0
        take = np.zeros((len(self.items), size), dtype=np.bool_)
        index = np.arange(size)
        for i in range(len(self.items) - 1, -1, -1):
            source = np.maximum(index - self.weights[i], 0)
            new = [column[source] + add for column, add in zip(sums, self.adds[i], strict=True)]
            better = new[-1] <= sums[-1]  # as good: the tuples compared, last sum first
            for now, old in zip(new[-2::-1], sums[-2::-1], strict=True):
                better = (now < old) | ((now == old) & better)
            better &= sums[0][source] < big  # from a reachable state only
            better[0] = False  # nothing more to earn: nothing to take
            take[i] = better
            sums = [np.where(better, now, old) for now, old in zip(new, sums, strict=True)]
        self.take = take
        self.reachable = [bool(value) for value in sums[0] < big]


def _packed(adds: Sequence[tuple[int, ...]]) -> list[int] | None:
    """Each item's sums as one whole number that compares as the tuples do, if all fit.

    Each sum is counted in steps of the largest whole number that divides every item's value
    (which keeps the order) and takes the room its total needs; ``None`` when the totals
    together need :data:`_KEY_BITS` bits or more.
    """
    columns = list(zip(*adds, strict=True))
    steps = [max(1, math.gcd(*column)) for column in columns]
    rooms = [sum(column) // step + 1 for column, step in zip(columns, steps, strict=True)]
    if math.prod(rooms) >= 2**_KEY_BITS:
        return None
    weights = [math.prod(rooms[n + 1 :]) for n in range(len(rooms))]
    return [
        sum(value // step * weight for value, step, weight in zip(add, steps, weights, strict=True))
        for add in adds
    ]
