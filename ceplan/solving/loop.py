"""The one solve loop: solve, add the weekly-hours rows the answer breaks, solve again.

Every solve of ceplan goes through :func:`solve`: each stage of one person's order
(:mod:`ceplan.solving.stages`), each stage of a team's (:mod:`ceplan.solving.team`), and the
least money that would renew someone at risk. A problem holds one person's block or many (a
team); under a weekly limit each block knows every stretch of weeks whose hours could be
overfilled, and only the rows of those an answer overfills are added, round after round, until
an answer keeps them all (see :mod:`ceplan.model.block`). The whole loop runs within one
:class:`~ceplan.status.Deadline`.

The loop also owns what ceplan does about the solver's known faults, so that every entry point
is guarded alike. Both were seen in HiGHS 1.16 and each is a test:

- **A start it disagrees with.** Handed a feasible start, HiGHS has returned a plan whose
  objective is not the one it reports, and called it optimal (about 1 solve in 1,000 on small
  covering problems, ``tests/test_solving.py``). An answer read back with another objective
  than the reported one is not trusted: the problem is solved again without the start.
- **Presolve calling a feasible problem infeasible** (a small binary programme of a team's,
  ``tests/test_team_model.py``). When the caller knows an answer that keeps every row
  (``feasible=True``: the answer in hand, kept by every hold), "infeasible" is the solver's
  mistake: it is asked again with presolve off.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pulp

from ceplan.model.block import Formulation
from ceplan.solving.backends import HighsSolver, Solver
from ceplan.status import Deadline, Run

__all__ = ["solve"]

_FIRST_TRY = 0.01
"""Seconds a first round gets even when the deadline has passed (``first=True``): the cheapest
plan always gets a short try, so that a tiny time limit still gives a plan when one is quick."""


def solve(
    problem: pulp.LpProblem,
    blocks: Iterable[Formulation],
    solver: Solver,
    deadline: Deadline,
    gap: float,
    *,
    start: Mapping[str, float] | None = None,
    feasible: bool = False,
    first: bool = False,
) -> Run:
    """Solve ``problem`` until its answer keeps the weekly hours of every block in ``blocks``.

    Parameters
    ----------
    problem
        The problem, with its objective set (a minimisation).
    blocks
        The people's blocks in ``problem``: one alone, one per person in a team. Rows for the
        stretches of weeks an answer overfills are added to them (each block records them in
        :attr:`~ceplan.model.block.Formulation.stretches`).
    solver, deadline, gap
        Who solves, by when (the whole loop), to which absolute gap.
    start
        Values of some variables known to be part of a feasible answer, handed to the solver
        for the first round (it may complete it and start from it, or ignore it).
    feasible
        Whether an answer that keeps every row is known to exist: "infeasible" is then a
        mistake of the solver's, and it is asked again (see the module's docstring).
    first
        Give the first round a short try even if the deadline has passed.

    Returns
    -------
    Run
        The last round's: ``optimal`` or ``feasible`` with an answer that keeps every block's
        hours (left in the variables), or why there is none; ``unknown`` stopped by the time
        limit when no time was left to solve at all.
    """
    blocks = list(blocks)
    while True:
        run = _round(problem, solver, deadline, gap, start=start, feasible=feasible, first=first)
        if run.status not in ("optimal", "feasible"):
            return run
        added = False
        for block in blocks:
            for first_run, last_run in block.broken_stretches():
                block.add_stretch(first_run, last_run)
                added = True
        if not added:
            return run
        first = False


def _round(
    problem: pulp.LpProblem,
    solver: Solver,
    deadline: Deadline,
    gap: float,
    *,
    start: Mapping[str, float] | None,
    feasible: bool,
    first: bool,
) -> Run:
    """One solve within what is left of ``deadline``, with the solver's faults guarded."""
    seconds = deadline.remaining()
    if seconds is not None and first:
        seconds = max(seconds, _FIRST_TRY)
    elif seconds is not None and seconds <= 0:  # nothing left, not even to hand it over
        return Run("unknown", "time_limit")
    least = _FIRST_TRY if first else 0.0

    def left() -> float | None:  # for a second try
        remaining = deadline.remaining()
        return None if remaining is None else max(remaining, least)

    if start is None:
        run = solver.run(problem, seconds, gap)
    else:
        run = solver.run(problem, seconds, gap, start=start)
    if not isinstance(solver, HighsSolver):
        return run
    if start is not None and run.objective is not None and not _agrees(problem, run.objective):
        run = solver.run(problem, left(), gap)
    if feasible and run.status == "infeasible":
        run = solver.run(problem, left(), gap, presolve=False)
    return run


def _agrees(problem: pulp.LpProblem, objective: float) -> bool:
    """Whether the answer read back has the objective HiGHS reports (to 1e-6, relative).

    HiGHS is not given the objective's constant term, so it is left out here too.
    """
    found = pulp.value(problem.objective)
    value = float(found) if isinstance(found, (int, float)) else 0.0
    value -= float(problem.objective.constant)
    return abs(value - objective) <= 1e-6 * max(1.0, abs(objective))
