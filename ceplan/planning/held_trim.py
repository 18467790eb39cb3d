"""A schema 2 plan found before the time limit proved it best, less the items it does not need.

SPEC 3: a plan is irredundant, no item can be dropped with the rules still met. A plan the
integer programme proved best is (dropping an item never costs more, takes longer or counts
more, so the best plan has none to drop). A plan in hand when the time limit stops the search
may not be: :func:`drop_unneeded` drops its items as schema 1's
:func:`~ceplan.candidates.items.drop_redundant` does, one at a time, the largest id first, each
only when the plan without it still meets every rule. "Meets every rule" is asked of the model
itself (:mod:`ceplan.model.claims`): every item fixed as the plan takes it, the one tried left
out, the way to renew kept (so the fees stay what they were), and everything else (which tiers
each item counts toward, its claims, the paths met) free to change. Each answer checks the
model's rows, so what is left is a plan of the model, never dearer than the one in hand.
"""

from __future__ import annotations

import numpy as np

from ceplan.model.arrays import ArrayModel
from ceplan.model.claims import ClaimsModel
from ceplan.solving.arrays import solve_once
from ceplan.solving.backends import Solver
from ceplan.status import Deadline
from ceplan.units import CREDIT_TOLERANCE

__all__ = ["drop_unneeded", "without_zeros"]

_ON = 0.5
"""A binary is read as set above this."""

_SECONDS = 5.0
"""The most each check may take (it is a small model: every item fixed)."""


def drop_unneeded(
    claims: ClaimsModel, values: np.ndarray, solver: Solver, deadline: Deadline
) -> np.ndarray:
    """``values`` (an answer of ``claims.model``) with every item it does not need dropped.

    Items are tried the largest id first; one is dropped when the model has an answer with the
    other items as taken, without it, renewing the same way. A check the solver cannot finish
    keeps the item.
    """
    fixed = {column: float(values[column] > _ON) for column in claims.take.values()}
    fixed.update((column, float(values[column] > _ON)) for column in claims.way_columns)
    taken = sorted((i for i, column in claims.take.items() if fixed[column]), reverse=True)
    small, live = without_zeros(claims.model.fixed(fixed))
    position = {column: n for n, column in enumerate(live.tolist())}
    answer = values
    for item_id in taken:
        trial = {position[claims.take[item_id]]: 0.0}
        run, found = solve_once(small.fixed(trial), ({}, 0.0), solver, deadline.within(_SECONDS))
        if run.status == "optimal" and found is not None:
            small = small.fixed(trial)
            answer = np.zeros(claims.model.columns)
            answer[live] = found
    return answer


def without_zeros(model: ArrayModel) -> tuple[ArrayModel, np.ndarray]:
    """``model`` less the columns its bounds and rows hold at 0, and the columns kept.

    Every column of a claims model is at least 0. A row ``sum a x <= u`` with ``a > 0`` on
    column ``x`` holds ``x`` at most ``(u - m) / a``, ``m`` the least the other terms can
    come to (their negative coefficients times their upper bounds); that is done until nothing
    changes. A column held at most 0 is 0 in every answer, so it leaves the model, each row
    keeping its other terms (a row left with none must hold at 0). An answer of the smaller
    model, with those columns 0, is an answer of ``model``, and every answer of ``model`` is
    one of the smaller model with those columns added at 0.

    Examples
    --------
    >>> model = ArrayModel.of(["take", "use", "free"], [0, 0, 0], [0, 1, 1], [True] * 3,
    ...                       [({1: 1.0, 0: -1.0}, -np.inf, 0.0, "use_if_taken"),
    ...                        ({1: 1.0, 2: 1.0}, 1.0, np.inf, "one")])
    >>> small, live = without_zeros(model)
    >>> small.names, live.tolist()
    (('free',), [2])
    """
    upper = model.upper.copy()
    rows = np.repeat(np.arange(model.rows), np.diff(model.starts))
    index, value = model.index, model.value
    bounded = np.isfinite(model.row_upper)
    while True:
        negative = np.where(value < 0, value * upper[index], 0.0)
        least = np.bincount(rows, weights=negative, minlength=model.rows)
        slack = (model.row_upper - least)[rows]
        held = bounded[rows] & (value > 0) & np.isfinite(slack)
        most = np.full(len(index), np.inf)
        most[held] = slack[held] / value[held]
        tighter = np.full(model.columns, np.inf)
        np.minimum.at(tighter, index, most)
        zero = (tighter <= 1e-12) & (upper > 0) & (model.lower <= 0)
        if not zero.any():
            break
        upper[zero] = 0.0
    live = np.flatnonzero(upper > 0)
    renumber = np.full(model.columns, -1)
    renumber[live] = np.arange(len(live))
    kept_rows: list[tuple[dict[int, float], float, float, str]] = []
    impossible = list(model.impossible)
    for r in range(model.rows):
        span = slice(model.starts[r], model.starts[r + 1])
        terms = {
            int(renumber[c]): float(v)
            for c, v in zip(index[span], value[span], strict=True)
            if renumber[c] >= 0
        }
        low, high = float(model.row_lower[r]), float(model.row_upper[r])
        if terms:
            kept_rows.append((terms, low, high, model.row_names[r]))
        elif low > CREDIT_TOLERANCE or high < -CREDIT_TOLERANCE:
            impossible.append(model.row_names[r])
    small = ArrayModel.of(
        [model.names[c] for c in live],
        model.lower[live].tolist(),
        upper[live].tolist(),
        model.integer[live].tolist(),
        kept_rows,
        impossible,
    )
    return small, live
