"""Large catalogues as arrays: which items are usable, and which can be in a best plan.

For a catalogue of thousands of activities, looking at each item in Python costs more than the
search itself. This module does the same work as :func:`ceplan.candidates.items.usable_items` and
:func:`ceplan.candidates.items.shrink` (for plans without dates) on numpy arrays of the catalogue
(:class:`Columns`, built once per catalogue), and makes
:class:`~ceplan.candidates.items.Candidate` objects only for the items that can be in a best plan.
The rules are :mod:`ceplan.candidates.items`'s own functions, applied to arrays
(:func:`~ceplan.candidates.items.usable_now`, :func:`~ceplan.candidates.items.ceiling_cost`,
:class:`~ceplan.candidates.items.CostPerCredit`, :func:`~ceplan.candidates.items.within_ceiling`,
:func:`~ceplan.candidates.items.enough_to_drop`); what is here is the bookkeeping of arrays (orders,
running totals, counts). The tests check that both give the same items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ceplan.candidates.items import (
    Candidate,
    CostPerCredit,
    candidate_for,
    ceiling_cost,
    enough_to_drop,
    max_plan_size,
    price_floors,
    still_needed,
    targets,
    usable_now,
    within_ceiling,
)
from ceplan.catalogue.models import Activity, Catalog, Exam, PathRule
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
    return catalog.derived("columns", _columns)


def _columns(catalog: Catalog) -> Columns:
    """The catalogue as :class:`Columns` (see :func:`columns_of`)."""
    if catalog.table is not None:
        return _from_table(catalog)
    items: tuple[Activity | Exam, ...] = (*catalog.activities, *catalog.exams)
    ids = np.array([item.id for item in items], dtype=object)
    rank = np.empty(len(items), dtype=np.int64)
    rank[np.argsort(ids, kind="stable")] = np.arange(len(items))
    return Columns(
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


def _from_table(catalog: Catalog) -> Columns:
    """:class:`Columns` from a catalogue whose activities are held as columns."""
    from ceplan.catalogue.table import NO_DAY

    table, exams = catalog.table, catalog.exams
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

    Parameters are those of :func:`ceplan.candidates.items.usable_items` (without a calendar).
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
        skip = list(unavailable_ids)
        excluded = (
            np.isin(columns.ids, np.array(skip, dtype=object))
            if skip
            else np.zeros(len(columns.ids), dtype=bool)
        )
        mask = usable_now(
            opens=columns.opens,
            closes=columns.closes,
            excluded=excluded,
            is_exam=columns.is_exam,
            today=today.toordinal(),
            complete_by=complete_by.toordinal(),
            allow_exams=allow_exams,
        )
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
        chosen = (
            self.index
            if positions is None
            else self.index[np.asarray(list(positions), dtype=np.int64)]
        )
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

        The same as :func:`ceplan.candidates.items.shrink` over all usable items.
        """
        offer = _Offer(self)
        needs = [still_needed(rule, earned, passed) for rule in paths]
        known = [ceiling_cost(offer, credits, exams) for credits, exams in needs]
        ceiling = min((cost for cost in known if cost is not None), default=None)
        keep = np.ones(len(self.index), dtype=bool)
        if ceiling is not None:
            floors = price_floors(offer, needs)
            with np.errstate(invalid="ignore"):  # 0 * inf where no credits are missing
                useful = within_ceiling(
                    floors, offer.by_cost_per_credit.bound, ceiling, offer.credits, offer.cents
                )
            keep &= (offer.cents <= ceiling) & (offer.is_exam | (~offer.is_exam & useful))
        credits_needed, exams_needed = targets(needs)
        kept = offer.undominated(keep & ~offer.is_exam, credits_needed)
        for kind, count in exams_needed.items():
            group = np.flatnonzero(keep & offer.is_exam & (offer.kind == kind))
            kept = np.concatenate([kept, offer.in_order(group)[: max(0, count)]])
        return self.candidates(np.sort(kept))


class _Offer:
    """A :class:`Usable`'s usable items as arrays (:class:`~ceplan.candidates.items.Offer`)."""

    def __init__(self, usable: Usable) -> None:
        columns, index = usable.columns, usable.index
        self.is_exam = columns.is_exam[index]
        self.credits = columns.credits[index]
        self.cents = usable.cents
        self.hours = columns.hours[index]
        self.rank = columns.rank[index]
        self.kind = columns.kind[index]
        self.activity = np.flatnonzero(~self.is_exam)

    def exam_prices(self, kind: str) -> Any:
        return self.cents[self.is_exam & (self.kind == kind)]

    def cheapest_earning(self, credits: float) -> int | None:
        single = self.cents[self.activity][
            self.credits[self.activity] >= credits - CREDIT_TOLERANCE
        ]
        return int(single.min()) if len(single) else None

    @cached_property
    def by_cost_per_credit(self) -> CostPerCredit:
        """The activities by cost per credit, then id (as ``cost_per_credit_key`` orders them)."""
        activity, credits, cents = self.activity, self.credits, self.cents
        order = activity[np.lexsort((self.rank[activity], cents[activity] / credits[activity]))]
        reach = np.cumsum(credits[order])
        return CostPerCredit(
            reach,
            np.concatenate([[0.0], reach]),
            np.concatenate([[0], np.cumsum(cents[order])]),
            np.concatenate([cents[order] / credits[order], [np.inf]]),
            search=_search,
        )

    def in_order(self, positions: np.ndarray) -> Any:
        """``positions`` sorted by their items' place in the order (see :func:`item_columns`)."""
        items = _Items(self.cents[positions], self.hours[positions], self.rank[positions])
        return positions[np.lexsort(item_columns(items))]

    def undominated(self, keep: np.ndarray, need: float) -> np.ndarray:
        """The activities of ``keep`` that :func:`ceplan.candidates.items.reduce_dominated` keeps.

        An activity stays unless :func:`~ceplan.candidates.items.enough_to_drop` earlier ones in the
        order (cost, hours, id) earn at least as many credits.
        """
        pool = np.flatnonzero(keep)
        limit = max_plan_size(self.credits[pool].tolist(), need)
        if limit == 0 or len(pool) == 0:
            return np.empty(0, dtype=np.int64)
        order = self.in_order(pool)
        ordered = self.credits[order]
        beaten = np.zeros(len(order), dtype=np.int64)
        for value in np.unique(ordered):
            at_least = np.cumsum(ordered >= value - CREDIT_TOLERANCE)
            here = ordered == value
            beaten[here] = at_least[here] - 1  # the earlier ones, not itself
        return np.asarray(order[beaten < enough_to_drop(ordered, need, limit)], dtype=np.int64)


def _search(totals: np.ndarray, values: Any) -> Any:
    """:func:`bisect.bisect_left` for arrays: where each value would go in ``totals``."""
    return np.searchsorted(totals, values, side="left")


@dataclass(frozen=True)
class _Items:
    """Items as arrays, as :func:`~ceplan.objective.item_columns` reads them."""

    cents: np.ndarray
    hours: np.ndarray
    id: np.ndarray
    """Each id's place in sort order."""
