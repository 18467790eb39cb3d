"""The block-by-block search for the items that beat an item (:mod:`ceplan.model.dominance`),
against the table of every pair that it replaces."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ceplan.model import dominance
from ceplan.model.dominance import first_beaters
from tests.conftest import examples


def by_table(
    cents: np.ndarray,
    hours: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    credits: np.ndarray,
    most: int,
) -> list[list[int]]:
    """The first ``most`` marks of each column of the table of every pair (as it was built)."""
    order = np.arange(len(cents))
    beats = (
        (cents[:, None] <= cents[None, :])
        & (hours[:, None] <= hours[None, :] + 1e-9)
        & (order[:, None] < order[None, :])
        & (first[:, None] <= first[None, :])
        & (last[:, None] >= last[None, :])
    )
    if credits.shape[1]:
        beats &= (credits[:, None, :] >= credits[None, :, :] - 1e-9).all(axis=2)
    return [np.flatnonzero(beats[:, b])[:most].tolist() for b in range(len(cents))]


@st.composite
def groups(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    """A group of items in the order (cost, hours, id), few values each so that ties abound."""
    n = draw(st.integers(0, 40))
    width = draw(st.integers(0, 3))
    rows = sorted(
        (draw(st.integers(0, 4)), draw(st.sampled_from([0.0, 0.5, 1.0])), k) for k in range(n)
    )
    cents = np.asarray([float(c) for c, _, _ in rows])
    hours = np.asarray([h for _, h, _ in rows])
    first = np.asarray([float(draw(st.integers(0, 3))) for _ in range(n)])
    last = np.asarray([draw(st.sampled_from([2.0, 5.0, np.inf])) for _ in range(n)])
    credits = np.asarray(
        [[float(draw(st.integers(0, 3))) for _ in range(width)] for _ in range(n)]
    ).reshape(n, width)
    return cents, hours, first, last, credits


@settings(max_examples=examples(100), deadline=None)
@given(groups(), st.integers(1, 5), st.sampled_from([1, 3, 512]))
def test_first_beaters_are_the_tables(group: tuple[np.ndarray, ...], most: int, block: int) -> None:
    original = dominance.BLOCK
    dominance.BLOCK = block  # small blocks: the blocks' edges are crossed often
    try:
        found = [a.tolist() for a in first_beaters(*group, most)]
    finally:
        dominance.BLOCK = original
    assert found == by_table(*group, most)
