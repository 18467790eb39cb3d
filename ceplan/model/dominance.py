"""Which items beat an item, found block by block (no table of every pair of items).

:func:`first_beaters` is the search behind the ``dominated_<id>`` rows of
:mod:`ceplan.model.claims` (where "beats" is defined and why the rows are exact). A table of
every pair of a group's items costs memory and time in the square of the group's size (a
group of 20,000 items is 400 million pairs, times the credits compared); here the items that
may beat are scanned in blocks, in order, and an item stops being looked at once its first
``most`` beaters are found, so most of the work is for the few items that nothing (or little)
beats.

:func:`held_beaters` is that search over a world's items (the groups and figures compared),
and :func:`never_best` gives the items that no best plan holds once some plan is known: those
that, alone or with the items that beat them, already come after it in the order
(:func:`ceplan.planning.held.shrunk` drops them before the integer programme).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from ceplan.candidates.held import HeldItem, HeldRule
from ceplan.objective import COST, ONE_PERSON, Settled, Stage

__all__ = ["BLOCK", "BOUND_BEATERS", "bound_of", "first_beaters", "held_beaters", "never_best"]

BLOCK = 512
"""Items compared at once on each side: a block of pairs is ``BLOCK**2`` times the credits."""

BOUND_BEATERS = 32
"""How many of the items that beat an item :func:`never_best` adds to it."""

_SLACK = 1e-9
"""Hours and credits compared within this."""


def first_beaters(
    cents: np.ndarray,
    hours: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    credits: np.ndarray,
    most: int,
) -> list[np.ndarray]:
    """For each item ``b``, the first ``most`` items ``a < b`` that beat it, in order.

    The items are in the order (cost, hours, id); ``a`` beats ``b`` when it comes first, costs
    no more, takes no longer (within :data:`_SLACK`), its window holds ``b``'s (``first``
    no later, ``last`` no earlier) and each of its ``credits`` (a column per figure compared)
    is at least ``b``'s (within :data:`_SLACK`). The same as taking, for each column ``b`` of
    the table of every pair, its first ``most`` marks.

    Examples
    --------
    >>> cents = np.array([1.0, 2.0, 2.0]); hours = np.zeros(3)
    >>> days = np.zeros(3); credits = np.array([[3.0], [2.0], [4.0]])
    >>> [a.tolist() for a in first_beaters(cents, hours, days, days, credits, 4)]
    [[], [0], []]
    """
    n = len(cents)
    if not n:
        return []
    credits = credits.reshape(n, -1)
    found: list[list[np.ndarray]] = [[] for _ in range(n)]
    counts = np.zeros(n, dtype=np.int64)
    pending = np.arange(n)
    for start in range(0, n, BLOCK):
        pending = pending[(pending > start) & (counts[pending] < most)]
        if not len(pending):
            break
        a = np.arange(start, min(n, start + BLOCK))
        for low in range(0, len(pending), BLOCK):
            b = pending[low : low + BLOCK]
            beats = (
                (a[:, None] < b[None, :])
                & (cents[a][:, None] <= cents[b][None, :])
                & (hours[a][:, None] <= hours[b][None, :] + _SLACK)
                & (first[a][:, None] <= first[b][None, :])
                & (last[a][:, None] >= last[b][None, :])
            )
            if credits.shape[1]:
                beats &= (credits[a][:, None, :] >= credits[b][None, :, :] - _SLACK).all(axis=2)
            columns, rows = np.nonzero(beats.T)  # by item b, then by a in order
            if not len(columns):
                continue
            starts = np.flatnonzero(np.r_[True, columns[1:] != columns[:-1]])
            sizes = np.diff(np.r_[starts, len(columns)])
            for where, size in zip(starts.tolist(), sizes.tolist(), strict=True):
                item = int(b[columns[where]])
                room = most - int(counts[item])
                hits = a[rows[where : where + min(size, room)]]
                found[item].append(hits)
                counts[item] += len(hits)
    empty = np.zeros(0, dtype=np.int64)
    return [np.concatenate(parts) if parts else empty for parts in found]


def held_beaters(
    items: Sequence[HeldItem], rules: Mapping[str, HeldRule], most: int
) -> dict[str, tuple[str, ...]]:
    """For each item of ``items`` that others beat, the ids of the first ``most`` of them.

    "Beats" is :meth:`ceplan.model.claims._Build._dominated`'s: items are compared within
    groups alike in being an exam, kind, type and tiers (a dated session only with itself),
    in the order (cost, hours, id), on their window, and, for each tier, on their credits
    after ``per_activity``, their part in each category the tier's paths name and the rest.
    Items beaten by none are left out.
    """
    groups: dict[tuple[object, ...], list[HeldItem]] = defaultdict(list)
    for item in items:
        # A dated session finishes on its own last day only: it beats and is beaten by none.
        alone = item.id if item.session is not None else None
        groups[(item.is_exam, item.kind, item.type, item.counts_for, alone)].append(item)
    found: dict[str, tuple[str, ...]] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        group = sorted(group, key=lambda i: (i.cents, i.hours, i.id))
        beaters = first_beaters(*_figures(group, rules), most)
        for b, item in enumerate(group):
            if len(beaters[b]):
                found[item.id] = tuple(group[a].id for a in beaters[b].tolist())
    return found


def _figures(
    group: Sequence[HeldItem], rules: Mapping[str, HeldRule]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What :func:`first_beaters` compares of a group's items: cost, hours, window, credits."""
    tiers = group[0].counts_for if not group[0].is_exam else ()
    columns: list[list[float]] = []
    for item in group:
        row: list[float] = []
        named = dict(item.parts)
        for tier in tiers:
            used = rules[tier].categories_used
            row.append(item.cap(tier))
            row.extend(named.get(k, 0.0) for k in sorted(used))
            row.append(math.fsum(n for k, n in item.parts if k not in used))
        columns.append(row)
    credits = np.asarray(columns, dtype=float).reshape(len(group), -1)
    cents = np.asarray([i.cents for i in group], dtype=float)
    hours = np.asarray([i.hours for i in group], dtype=float)
    first = np.asarray([i.first.toordinal() for i in group], dtype=float)
    last = np.asarray(
        [math.inf if i.last is None else i.last.toordinal() for i in group], dtype=float
    )
    return cents, hours, first, last, credits


def bound_of(items: Iterable[HeldItem], fee_cents: int) -> tuple[int, ...]:
    """The leading sum stages of one person's order (cost, hours, count) of a set of items.

    ``fee_cents`` is added to the cost. Each item's share is the stage's own
    (:attr:`~ceplan.objective.Stage.item`, in whole units: :meth:`~ceplan.objective.Stage.whole`).
    """
    chosen = list(items)
    sums = []
    for stage in _leading_sums():
        assert stage.item is not None
        total = sum(stage.whole(stage.item(item)) for item in chosen)
        sums.append(total + (fee_cents if stage is COST else 0))
    return tuple(sums)


def never_best(
    items: Sequence[HeldItem],
    rules: Mapping[str, HeldRule],
    bound: tuple[int, ...],
    fee_cents: int,
    most: int = BOUND_BEATERS,
) -> frozenset[str]:
    """The items that no best plan holds, given a plan whose :func:`bound_of` is ``bound``.

    ``fee_cents`` is the least any plan pays in fees. A best plan holding item ``b`` holds
    every item that beats ``b`` (:func:`held_beaters`: in a plan without one of them, it in
    ``b``'s place is a better plan), so it holds ``b`` and the first ``most`` of them; its
    cost (fees included), hours and count are each at least theirs (no item adds a negative
    amount). When theirs already come after ``bound`` in the order (compared stage by stage,
    first difference decides), so would the plan's: it would not be best, and ``b`` is in no
    best plan. First each item alone, then with its beaters among those left.

    Examples
    --------
    >>> import datetime as dt
    >>> from ceplan.candidates.held import HeldItem
    >>> day = dt.date(2027, 1, 1)
    >>> def item(id, cents):  # alike but for their cost and id: "a" beats "b" and "c"
    ...     return HeldItem(id, False, None, "course", 1.0, (), cents, 1.0, day, None, ())
    >>> items = [item("a", 100), item("b", 300), item("c", 200)]
    >>> sorted(never_best(items, {}, bound=(250, 10**8, 9), fee_cents=0))
    ['b', 'c']

    ``b`` alone costs more than 250; ``c`` with ``a``, 300.
    """
    alone = np.zeros((len(items), len(bound)), dtype=np.int64)
    for column, stage in enumerate(_leading_sums()):
        assert stage.item is not None
        shares = [stage.item(item) for item in items]
        whole = {share: stage.whole(share) for share in set(shares)}  # few values: once each
        alone[:, column] = [whole[share] for share in shares]
        if stage is COST:
            alone[:, column] += fee_cents
    out = _after(alone, bound)
    dropped = {item.id for item, late in zip(items, out.tolist(), strict=True) if late}
    left = [item for item in items if item.id not in dropped]
    by_id = {item.id: item for item in left}
    for item_id, beaters in held_beaters(left, rules, most).items():
        together = [by_id[item_id], *(by_id[a] for a in beaters)]
        if bound_of(together, fee_cents) > bound:
            dropped.add(item_id)
    return frozenset(dropped)


def _after(sums: np.ndarray, bound: tuple[int, ...]) -> np.ndarray:
    """For each row of ``sums``, whether it comes after ``bound`` (the first difference decides)."""
    later = np.zeros(len(sums), dtype=bool)
    tied = np.ones(len(sums), dtype=bool)
    for column, value in enumerate(bound):
        later |= tied & (sums[:, column] > value)
        tied &= sums[:, column] == value
    return later


def _leading_sums() -> tuple[Stage, ...]:
    """The stages of one person's order that are sums, up to the first that is not."""
    leading = []
    for stage in ONE_PERSON.stages:
        if stage.settled is not Settled.SUM:
            break
        leading.append(stage)
    return tuple(leading)
