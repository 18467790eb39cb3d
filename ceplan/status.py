"""What a planning call found out, kept apart: the status, why the solver stopped, the gap.

These light types are shared by the solvers (:mod:`ceplan.solving.stages`,
:mod:`ceplan.solving.exact`), the planner and the results, without importing any solver.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "SOLVERS",
    "Deadline",
    "Run",
    "Solution",
    "Status",
    "Termination",
    "Verdict",
    "relative_gap",
]

SOLVERS = ("auto", "highs", "cbc")
"""The solver names a plan may ask for. ``auto`` (the default): the exact dynamic programme of
:mod:`ceplan.solving.exact` for plans without dates where it applies, else HiGHS; ``highs`` and
``cbc``:
that MILP solver for every stage."""

Status = Literal["optimal", "feasible", "infeasible", "unknown"]
"""What is known of the answer. ``optimal``: proved best in every stage of the objective;
``feasible``: a plan, but a limit stopped the proof; ``infeasible``: no plan exists (see
``reasons``); ``unknown``: the solver stopped before it found a plan or proved there is none."""

Termination = Literal["solved", "time_limit", "solver_stopped"]
"""Why the solver stopped: it finished, the time limit ran out, or it stopped for its own
reasons (numerical trouble, a solver that reports no cause)."""


class Deadline:
    """The time left for a whole planning call (``None``: no limit)."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = seconds
        self._end = None if seconds is None else time.perf_counter() + seconds

    def remaining(self) -> float | None:
        """Seconds left (never below 0), or ``None`` without a limit."""
        return None if self._end is None else max(0.0, self._end - time.perf_counter())

    def within(self, seconds: float) -> Deadline:
        """A deadline ``seconds`` from now, or this one if it comes first."""
        left = self.remaining()
        return Deadline(seconds if left is None else min(seconds, left))

    @property
    def expired(self) -> bool:
        """Whether the time is up."""
        left = self.remaining()
        return left is not None and left <= 0


@dataclass(frozen=True)
class Run:
    """What one solver call ended with: the status, why it stopped, the objective and bound."""

    status: Status
    termination: Termination
    objective: float | None = None
    bound: float | None = None

    @property
    def gap(self) -> float | None:
        """The relative gap between the objective and the proved bound, if both are known."""
        if self.objective is None or self.bound is None:
            return None
        return max(0.0, self.objective - self.bound) / max(abs(self.objective), 1e-9)


@dataclass(frozen=True)
class Solution:
    """What a solver found: the chosen path and items (irredundant), or none.

    ``proven`` names the stages proved optimal, in order; ``status`` is ``"optimal"`` only when
    every stage of the objective is among them. ``gap`` is the relative gap on cost (0 once
    the cost is proved least). ``solver`` names what found it (``"dp"``, ``"highs"``, ...).
    """

    status: Status
    termination: Termination = "solved"
    path: int | None = None
    chosen: tuple[str, ...] = ()
    gap: float | None = None
    proven: tuple[str, ...] = ()
    solver: str = ""


@dataclass(frozen=True)
class Verdict:
    """How far a plan is known to be right, in one record: what a plan says of its search.

    ``status`` and ``termination`` as :data:`Status` and :data:`Termination` say; ``gap`` the
    relative gap on the stage a limit stopped (``0.0`` once the cost is proved least, ``None``
    when unknown); ``proven`` the stages of the order proved, in order; ``stopped_in`` the
    stage the search stopped in before it was proved (``None`` when none was left unproved).

    Examples
    --------
    >>> Verdict("feasible", "time_limit", 0.0, ("cost",), "hours").found
    True
    """

    status: Status
    termination: Termination = "solved"
    gap: float | None = None
    proven: tuple[str, ...] = ()
    stopped_in: str | None = None

    @property
    def found(self) -> bool:
        """Whether there is a plan (``optimal`` or ``feasible``)."""
        return self.status in ("optimal", "feasible")


def relative_gap(value: float, bound: float) -> float:
    """How far a minimum ``value`` may be from the ``bound`` proved below it, from 0 to 1.

    The difference over the larger of the two in size: 0 when they meet, 1 when nothing is
    known (a bound of the other sign).

    Examples
    --------
    >>> relative_gap(120.0, 100.0), relative_gap(-80.0, -100.0), relative_gap(0.0, -1036.0)
    (0.16666666666666666, 0.2, 1.0)
    >>> relative_gap(5.0, 5.0), relative_gap(5.0, 6.0)
    (0.0, 0.0)
    """
    difference = value - bound
    size = max(abs(value), abs(bound))
    if difference <= 1e-9 * max(1.0, size):
        return 0.0
    return min(1.0, difference / size)
