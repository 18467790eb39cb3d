"""Large catalogues as arrays: which items are usable, and which can be in a best plan.

For a catalogue of thousands of activities, looking at each item in Python costs more than the
search itself. This module does the same work as :func:`ceplan.candidates.usable_items` and
:func:`ceplan.candidates.shrink` (for plans without dates) on numpy arrays of the catalogue
(:class:`Columns`, built once per catalogue), and makes
:class:`~ceplan.candidates.Candidate` objects only for the items that can be in a best plan.
The rules and their proofs are those of :mod:`ceplan.candidates`; the tests check that both
give the same items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ceplan.candidates import Candidate, candidate_for, max_plan_size, still_needed
from ceplan.catalog import Activity, Catalog, Exam, PathRule
from ceplan.objective import item_columns
from ceplan.units import CREDIT_TOLERANCE, DECIMALS
from ceplan.weeks import Calendar

__all__ = ["Columns", "Usable", "columns_of"]

_NEVER = np.iinfo(np.int64).max
_ALWAYS = np.iinfo(np.int64).min


@dataclass(frozen=True)
class Columns:
    """Every activity and exam of a catalogue as arrays, in one order (activities, then exams)."""

    items: Sequence[Activity | Exam]
    ids: np.ndarray
    rank: np.ndarray
    """Each item's place when ids are sorted: ties in the order fall to the smaller rank."""
    is_exam: np.ndarray
    kind: np.ndarray
    credits: np.ndarray
    cents: np.ndarray
    hours: np.ndarray
    opens: np.ndarray
    """``available_from`` as a day number (``date.toordinal``), or the smallest int64."""
    closes: np.ndarray
    """``expires`` / ``retires`` as a day number, or the largest int64."""
    sessions: np.ndarray


def columns_of(catalog: Catalog) -> Columns:
    """The catalogue as :class:`Columns`, built on first use and kept with the catalogue."""
    cached = catalog._columns
    if isinstance(cached, Columns):
        return cached
    if catalog._table is not None:
        columns = _from_table(catalog)
        catalog._columns = columns
        return columns
    items: tuple[Activity | Exam, ...] = (*catalog.activities, *catalog.exams)
    ids = np.array([item.id for item in items], dtype=object)
    rank = np.empty(len(items), dtype=np.int64)
    rank[np.argsort(ids, kind="stable")] = np.arange(len(items))
    columns = Columns(
        items=items,
        ids=ids,
        rank=rank,
        is_exam=np.array([isinstance(item, Exam) for item in items], dtype=bool),
        kind=np.array(
            [item.kind if isinstance(item, Exam) else "" for item in items], dtype=object
        ),
        credits=np.array(
            [float(item.credits) if isinstance(item, Activity) else 0.0 for item in items]
        ),
        cents=np.array([catalog.cents_of(item.id) for item in items], dtype=np.int64),
        hours=np.round(np.array([float(item.hours or 0.0) for item in items]), DECIMALS),
        opens=np.array([_day(item.available_from, _ALWAYS) for item in items], dtype=np.int64),
        closes=np.array([_day(item.last_day, _NEVER) for item in items], dtype=np.int64),
        sessions=np.array(
            [isinstance(item, Activity) and bool(item.sessions) for item in items], dtype=bool
        ),
    )
    catalog._columns = columns
    return columns


def _from_table(catalog: Catalog) -> Columns:
    """:class:`Columns` from a catalogue whose activities are held as columns."""
    from ceplan.table import NO_DAY

    table, exams = catalog._table, catalog.exams
    ids = np.array([*table.ids, *(exam.id for exam in exams)], dtype=object)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.argsort(ids, kind="stable")] = np.arange(len(ids))
    dated = np.zeros(len(table), dtype=bool)
    for row, model in table.models.items():
        dated[row] = bool(model.sessions)
    return Columns(
        items=_Joined(catalog.activities, exams),
        ids=ids,
        rank=rank,
        is_exam=np.concatenate([np.zeros(len(table), dtype=bool), np.ones(len(exams), dtype=bool)]),
        kind=np.array([*([""] * len(table)), *(exam.kind for exam in exams)], dtype=object),
        credits=np.concatenate([table.credits, np.zeros(len(exams))]),
        cents=np.concatenate(
            [table.cents, np.array([catalog.cents_of(e.id) for e in exams], dtype=np.int64)]
        ),
        hours=np.round(
            np.concatenate(
                [np.nan_to_num(table.hours, nan=0.0), [float(e.hours or 0.0) for e in exams]]
            ),
            DECIMALS,
        ),
        opens=np.concatenate(
            [
                np.where(table.available_from == NO_DAY, _ALWAYS, table.available_from),
                np.array([_day(e.available_from, _ALWAYS) for e in exams], dtype=np.int64),
            ]
        ),
        closes=np.concatenate(
            [
                np.where(table.expires == NO_DAY, _NEVER, table.expires),
                np.array([_day(e.retires, _NEVER) for e in exams], dtype=np.int64),
            ]
        ),
        sessions=np.concatenate([dated, np.zeros(len(exams), dtype=bool)]),
    )


class _Joined(Sequence[Activity | Exam]):
    """Activities then exams, as one sequence, without copying either."""

    def __init__(self, activities: Sequence[Activity], exams: Sequence[Exam]) -> None:
        self.activities, self.exams = activities, exams

    def __len__(self) -> int:
        return len(self.activities) + len(self.exams)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        count = len(self.activities)
        return self.activities[index] if index < count else self.exams[index - count]


def _day(day: dt.date | None, otherwise: int) -> int:
    return otherwise if day is None else day.toordinal()


class Usable:
    """The items a person can use in a plan without dates, decided over arrays.

    Parameters are those of :func:`ceplan.candidates.usable_items` (without a calendar).
    """

    def __init__(
        self,
        catalog: Catalog,
        *,
        today: dt.date,
        complete_by: dt.date,
        unavailable_ids: Iterable[str] = (),
        allow_exams: bool = True,
    ) -> None:
        self.catalog = catalog
        self.today = today
        self.complete_by = complete_by
        self.calendar = Calendar(today=today, end=complete_by)
        columns = self.columns = columns_of(catalog)
        mask = (columns.closes >= today.toordinal()) & (columns.opens <= complete_by.toordinal())
        if not allow_exams:
            mask &= ~columns.is_exam
        skip = list(unavailable_ids)
        if skip:
            mask &= ~np.isin(columns.ids, np.array(skip, dtype=object))
        # An activity with sessions is usable only if one can be attended: decide those alone.
        dated = np.flatnonzero(mask & columns.sessions)
        self._dated = {int(i): self._candidate(int(i)) for i in dated}
        for i, candidate in self._dated.items():
            if candidate is None:
                mask[i] = False
        self.mask = mask
        self.index = np.flatnonzero(mask)
        self.cents = columns.cents[self.index].copy()
        for position, item in enumerate(self.index.tolist()):
            found = self._dated.get(item)
            if found is not None:
                self.cents[position] = found.cents  # its cheapest session's price

    def _candidate(self, i: int) -> Candidate | None:
        return candidate_for(
            self.catalog,
            self.columns.items[i],
            today=self.today,
            complete_by=self.complete_by,
            calendar=self.calendar,
        )

    # -- what the reasons need ---------------------------------------------------------------

    @property
    def credits_available(self) -> float:
        """The credits of every usable activity together."""
        return float(self.columns.credits[self.index].sum())

    def exams_offered(self) -> dict[str, int]:
        """How many usable exams there are of each kind."""
        exam = self.columns.is_exam[self.index]
        kinds, counts = np.unique(self.columns.kind[self.index][exam], return_counts=True)
        return {str(k): int(n) for k, n in zip(kinds, counts, strict=True)}

    def candidates(self, positions: Iterable[int] | None = None) -> list[Candidate]:
        """Candidates for the usable items at ``positions`` (default: all), sorted by id."""
        chosen = self.index if positions is None else self.index[np.asarray(list(positions))]
        result = []
        for i in chosen:
            found = self._dated.get(int(i)) if int(i) in self._dated else self._candidate(int(i))
            if found is not None:
                result.append(found)
        result.sort(key=lambda c: c.id)
        return result

    # -- shrinking ---------------------------------------------------------------------------

    def shrunk(
        self, paths: Sequence[PathRule], earned: float, passed: Mapping[str, int]
    ) -> list[Candidate]:
        """The usable items that can be in the best plan for any of ``paths`` (without dates).

        The same as :func:`ceplan.candidates.shrink` over all usable items.
        """
        columns, index = self.columns, self.index
        is_exam = columns.is_exam[index]
        credits = columns.credits[index]
        cents = self.cents
        hours = columns.hours[index]
        rank = columns.rank[index]
        kind = columns.kind[index]
        needs = [still_needed(rule, earned, passed) for rule in paths]
        kinds = {k for _, exams in needs for k in exams}
        activity = np.flatnonzero(~is_exam)
        ratio_order = activity[np.lexsort((rank[activity], cents[activity] / credits[activity]))]
        known = [
            self._greedy(c, e, ratio_order, activity, is_exam, kind, credits, cents)
            for c, e in needs
        ]
        ceiling = min((cost for cost in known if cost is not None), default=None)
        keep = np.ones(len(index), dtype=bool)
        if ceiling is not None:
            keep &= cents <= ceiling
            useful = is_exam.copy()
            floors = [
                (c, self._greedy(0.0, e, ratio_order, activity, is_exam, kind, credits, cents))
                for c, e in needs
            ]
            bound = _Bound(credits[ratio_order], cents[ratio_order])
            for need, floor in floors:
                if floor is None or need <= CREDIT_TOLERANCE:
                    continue
                total = floor + cents + bound(need - credits)
                useful |= ~is_exam & (total <= ceiling + 1e-6)
            keep &= useful
        need = max(c for c, _ in needs)
        kept = self._undominated(keep & ~is_exam, credits, cents, hours, rank, need)
        for k in kinds:
            count = max(exams.get(k, 0) for _, exams in needs)
            group = np.flatnonzero(keep & is_exam & (kind == k))
            order = _in_order(group, cents, hours, rank)
            kept = np.concatenate([kept, order[: max(0, count)]])
        return self.candidates(np.sort(kept))

    @staticmethod
    def _greedy(
        need: float,
        exams_needed: Mapping[str, int],
        ratio_order: np.ndarray,
        activity: np.ndarray,
        is_exam: np.ndarray,
        kind: np.ndarray,
        credits: np.ndarray,
        cents: np.ndarray,
    ) -> int | None:
        """As :func:`ceplan.candidates.greedy_cost`, over arrays."""
        total = 0
        for k, count in exams_needed.items():
            if count <= 0:
                continue
            prices = np.sort(cents[is_exam & (kind == k)])
            if len(prices) < count:
                return None
            total += int(prices[:count].sum())
        if need <= CREDIT_TOLERANCE:
            return total
        options = []
        single = cents[activity][credits[activity] >= need - CREDIT_TOLERANCE]
        if len(single):
            options.append(int(single.min()))
        earned = np.cumsum(credits[ratio_order])
        enough = np.flatnonzero(earned >= need - CREDIT_TOLERANCE)
        if len(enough):
            options.append(int(np.cumsum(cents[ratio_order])[enough[0]]))
        return total + min(options) if options else None

    @staticmethod
    def _undominated(
        keep: np.ndarray,
        credits: np.ndarray,
        cents: np.ndarray,
        hours: np.ndarray,
        rank: np.ndarray,
        need: float,
    ) -> np.ndarray:
        """As :func:`ceplan.candidates.reduce_dominated` for activities, over arrays.

        An activity stays unless as many earlier ones in the order (cost, hours, id), earning at
        least as many credits, as a best plan can hold (of all its activities, or of those
        earning that much).
        """
        pool = np.flatnonzero(keep)
        limit = max_plan_size(credits[pool].tolist(), need)
        if limit == 0 or len(pool) == 0:
            return np.empty(0, dtype=np.int64)
        order = _in_order(pool, cents, hours, rank)
        ordered = credits[order]
        beaten = np.zeros(len(order), dtype=np.int64)
        for value in np.unique(ordered):
            at_least = np.cumsum(ordered >= value - CREDIT_TOLERANCE)
            here = ordered == value
            beaten[here] = at_least[here] - 1  # the earlier ones, not itself
        enough = np.minimum(limit, _most_at_least(ordered, need))
        return np.asarray(order[beaten < enough], dtype=np.int64)


@dataclass(frozen=True)
class _Items:
    """Items as arrays, as :func:`~ceplan.objective.item_columns` reads them."""

    cents: np.ndarray
    hours: np.ndarray
    id: np.ndarray
    """Each id's place in sort order."""


def _in_order(positions: np.ndarray, cents: np.ndarray, hours: np.ndarray, rank: np.ndarray) -> Any:
    """``positions`` sorted by their items' place in the order (see :func:`item_columns`)."""
    items = _Items(cents[positions], hours[positions], rank[positions])
    return positions[np.lexsort(item_columns(items))]


def _most_at_least(credits: np.ndarray, need: float) -> np.ndarray:
    """:func:`ceplan.candidates.most_at_least` for many activities at once."""
    step = credits - CREDIT_TOLERANCE
    with np.errstate(divide="ignore", invalid="ignore"):
        most = np.floor((need - CREDIT_TOLERANCE) / step) + 1.0
    return np.where(step > 0, most, np.inf)


class _Bound:
    """As :class:`ceplan.candidates._FractionalBound`, for many credit needs at once."""

    def __init__(self, credits: np.ndarray, cents: np.ndarray) -> None:
        self.ratios = cents / credits
        self.credits = np.cumsum(credits)
        self.cents = np.cumsum(cents)

    def __call__(self, x: np.ndarray) -> Any:
        if len(self.credits) == 0:
            return np.where(x <= CREDIT_TOLERANCE, 0.0, np.inf)
        k = np.searchsorted(self.credits, x - CREDIT_TOLERANCE, side="left")
        inside = np.minimum(k, len(self.credits) - 1)
        before = np.where(k > 0, self.credits[np.maximum(k - 1, 0)], 0.0)
        spent = np.where(k > 0, self.cents[np.maximum(k - 1, 0)], 0)
        value = spent + np.maximum(0.0, x - before) * self.ratios[inside]
        value = np.where(k == len(self.credits), np.inf, value)
        return np.where(x <= CREDIT_TOLERANCE, 0.0, value)
