"""Which items beat an item, found block by block (no table of every pair of items).

:func:`first_beaters` is the search behind the ``dominated_<id>`` rows of
:mod:`ceplan.model.claims` (where "beats" is defined and why the rows are exact). A table of
every pair of a group's items costs memory and time in the square of the group's size (a
group of 20,000 items is 400 million pairs, times the credits compared); here the items that
may beat are scanned in blocks, in order, and an item stops being looked at once its first
``most`` beaters are found, so most of the work is for the few items that nothing (or little)
beats.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BLOCK", "first_beaters"]

BLOCK = 512
"""Items compared at once on each side: a block of pairs is ``BLOCK**2`` times the credits."""

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
