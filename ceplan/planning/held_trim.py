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

from ceplan.model.claims import ClaimsModel
from ceplan.solving.arrays import solve_once
from ceplan.solving.backends import Solver
from ceplan.status import Deadline

__all__ = ["drop_unneeded"]

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
    answer = values
    for item_id in taken:
        trial = {**fixed, claims.take[item_id]: 0.0}
        run, found = solve_once(
            claims.model.fixed(trial), ({}, 0.0), solver, deadline.within(_SECONDS)
        )
        if run.status == "optimal" and found is not None:
            fixed, answer = trial, found
    return answer
