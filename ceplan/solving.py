"""Solving a :class:`~ceplan.formulation.Formulation`: the solver, and the tie-break stages.

The plan is the first in this order: least cost, then fewest hours, then fewest items, then the
smallest ids (the sorted tuple of ids, compared element by element). The stages solve one level
at a time and hold each optimum as a constraint for the next; a stage is skipped once the plan
is known to be the only one left, which is the common case.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

import pulp

from ceplan.errors import SolverError
from ceplan.formulation import Formulation
from ceplan.weeks import LAST_WORK

__all__ = [
    "SOLVERS",
    "Solution",
    "cheapest_cents",
    "cheapest_plan",
    "least",
    "make_solver",
    "solve_lexicographic",
]

SOLVERS = ("cbc", "highs")
"""The solver names :func:`make_solver` accepts."""

Status = Literal["optimal", "feasible", "infeasible", "unknown"]

_HOURS_SLACK = 1e-6


@dataclass(frozen=True)
class Solution:
    """What the solver found: the chosen path and items, or none.

    ``status`` is ``"optimal"`` only when the solver proved every stage optimal; ``"feasible"``
    means a time limit stopped it with a plan that may not be the cheapest.
    """

    status: Status
    path: int | None = None
    chosen: tuple[str, ...] = ()


def make_solver(solver: str | Any | None = None, *, time_limit: float | None = None) -> Any:
    """Build a quiet PuLP solver.

    Parameters
    ----------
    solver
        ``"cbc"`` (default: CBC, installed with ``pulp[cbc]``), ``"highs"`` (needs the
        ``highspy`` package, ``pip install ceplan[highs]``), or a PuLP solver object, used as is.
    time_limit
        Seconds each solve may take.
    """
    if solver is None or solver == "cbc":
        return pulp.COIN_CMD(msg=False, path=_cbc_path(), timeLimit=time_limit)
    if solver == "highs":
        try:
            import highspy
        except ImportError:
            raise SolverError(
                "solver 'highs' needs the highspy package: pip install 'ceplan[highs]'"
            ) from None
        _silence_highs_banner(highspy)
        return pulp.HiGHS(msg=False, timeLimit=time_limit)
    if isinstance(solver, str):
        raise SolverError(f"unknown solver '{solver}': choose one of {', '.join(SOLVERS)}")
    return solver


def _cbc_path() -> str:
    try:
        import cbcbox
    except ImportError:
        path = pulp.COIN_CMD(msg=False).path
        if not path or not os.path.exists(path) and not _on_path(path):
            raise SolverError(
                "CBC is not installed: reinstall with 'pip install pulp[cbc]' or use --solver highs"
            ) from None
        return str(path)
    return str(cbcbox.cbc_bin_path())


def _on_path(name: str) -> bool:
    return any(
        os.access(os.path.join(folder, name), os.X_OK)
        for folder in os.environ.get("PATH", "").split(os.pathsep)
    )


_banner_silenced = False


def _silence_highs_banner(highspy: Any) -> None:
    """HiGHS prints a banner on stdout when the first model is made; keep stdout for output."""
    global _banner_silenced
    if _banner_silenced:
        return
    with _stdout_to_devnull():
        highspy.Highs()
    _banner_silenced = True


@contextlib.contextmanager
def _stdout_to_devnull() -> Iterator[None]:
    try:
        fd = os.dup(1)
    except OSError:  # no stdout at all
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            try:
                yield
            finally:
                os.dup2(fd, 1)
    finally:
        os.close(fd)


def _run(formulation: Formulation, solver: Any) -> Status:
    try:
        formulation.problem.solve(solver)
    except pulp.PulpSolverError as exc:
        raise SolverError(f"the solver failed: {exc}") from None
    status = formulation.problem.status
    solution = formulation.problem.sol_status
    if status == pulp.LpStatusOptimal and solution == pulp.LpSolutionOptimal:
        return "optimal"
    if status == pulp.LpStatusInfeasible or solution == pulp.LpSolutionInfeasible:
        return "infeasible"
    if solution == pulp.LpSolutionIntegerFeasible:
        return "feasible"
    return "unknown"


def _chosen(formulation: Formulation) -> tuple[str, ...]:
    return tuple(sorted(i for i, var in formulation.take.items() if (var.value() or 0) > 0.5))


def _value(expression: Any) -> float:
    return float(pulp.value(expression) or 0.0)


Tie = Callable[[Formulation], None]


class _Stages:
    """Solve a fresh copy of the problem per stage, with the optima found so far held fixed."""

    def __init__(self, build: Callable[[], Formulation], solver: Any) -> None:
        self.build = build
        self.solver = solver
        self.ties: list[Tie] = []

    def solve(
        self, objective: Callable[[Formulation], Any], *extra: Tie
    ) -> tuple[Status, Formulation]:
        formulation = self.build()
        for tie in (*self.ties, *extra):
            tie(formulation)
        formulation.problem.setObjective(objective(formulation))
        return _run(formulation, self.solver), formulation

    def unique(self, chosen: tuple[str, ...]) -> bool:
        """Whether ``chosen`` is the only item set that meets the rules and the ties so far."""

        def other(formulation: Formulation) -> None:
            picked = set(chosen)
            take = formulation.take
            formulation.problem.add(
                pulp.lpSum(1 - take[i] for i in take if i in picked)
                + pulp.lpSum(take[i] for i in take if i not in picked)
                >= 1,
                "other_plan",
            )

        status, _ = self.solve(lambda f: pulp.lpSum([]), other)
        return status == "infeasible"


def _expression(stage: str, formulation: Formulation) -> Any:
    return getattr(formulation, stage)


def _bound(stage: str, bound: float) -> Tie:
    def tie(formulation: Formulation) -> None:
        formulation.problem.add(_expression(stage, formulation) <= bound, f"tie_{stage}")

    return tie


def _latest(formulation: Formulation, floor: dt.date | None = None) -> Any:
    """The day the plan can complete, as days after the earliest day any item can finish.

    A binary ``last`` marks one way of finishing (or ``last_none``, worth 0, for an empty plan);
    maximising the marked day makes it the completion. An item whose hours are spread over weeks
    under a weekly limit finishes in a run of weeks only if it works there (at least
    :data:`LAST_WORK` hours, or all its hours if fewer); any other item finishes on the last
    day it can. With a ``floor`` (a completion some tied plan reaches), only ways of finishing
    on or after it are offered, which keeps the stage small; plans completing earlier drop out.
    """
    problem, take, work = formulation.problem, formulation.take, formulation.work
    items = sorted(formulation.candidates.values(), key=lambda c: c.id)
    runs: dict[str, list[tuple[int, Any]]] = {}
    for (item_id, s), var in sorted(work.items()):
        runs.setdefault(item_id, []).append((s, var))
    ends: list[tuple[str, Any, dt.date]] = []  # (name, marker, day)
    none = problem.add_variable("last_none", 0, 0 if floor else 1, cat=pulp.LpBinary)
    for n, c in enumerate(items):
        if c.id not in runs:
            if floor is not None and c.finish_by < floor:
                continue
            marker = problem.add_variable(f"last_{n}", 0, 1, cat=pulp.LpBinary)
            problem.add(marker <= take[c.id], f"last_in_plan_{n}")
            ends.append((c.id, marker, c.finish_by))
            continue
        least = min(LAST_WORK, c.hours)
        for s, var in runs[c.id]:
            if floor is not None and formulation.work_ends[c.id, s] < floor:
                continue
            marker = problem.add_variable(f"last_{n}_{s}", 0, 1, cat=pulp.LpBinary)
            problem.add(var >= least * marker, f"last_works_{n}_{s}")
            ends.append((c.id, marker, formulation.work_ends[c.id, s]))
    problem.add(pulp.lpSum(marker for _, marker, _ in ends) + none == 1, "one_last")
    if not ends:
        return pulp.lpSum([])
    base = min(day for _, _, day in ends)
    return pulp.lpSum((day - base).days * marker for _, marker, day in ends)


def _negated_latest(formulation: Formulation, *, floor: dt.date | None) -> Any:
    return -_latest(formulation, floor)


def _latest_at_least(bound: float, floor: dt.date | None) -> Tie:
    def tie(formulation: Formulation) -> None:
        formulation.problem.add(_latest(formulation, floor) >= bound, "tie_latest")

    return tie


def _pick_path(formulation: Formulation, chosen: tuple[str, ...]) -> int:
    """The first path (in the tier's order) that the chosen items meet."""
    picked = frozenset(chosen)
    for index in sorted(formulation.paths):
        if formulation.meets(picked, index):
            return index
    raise SolverError("the solver returned a plan that meets no path")  # pragma: no cover


def least(
    build: Callable[[], Formulation], solver: Any, expression: Callable[[Formulation], Any]
) -> float | None:
    """The least value of ``expression`` over all plans (``None`` if the solver found none)."""
    status, formulation = _Stages(build, solver).solve(expression)
    if status != "optimal":
        return None
    return _value(expression(formulation))


def cheapest_plan(
    build: Callable[[], Formulation], solver: Any
) -> tuple[int, tuple[str, ...]] | None:
    """A cheapest plan's cost in cents and its items, without tie-breaks (``None``: no plan)."""
    status, formulation = _Stages(build, solver).solve(lambda f: f.cost)
    if status != "optimal":
        return None
    return round(_value(formulation.cost)), _chosen(formulation)


def cheapest_cents(build: Callable[[], Formulation], solver: Any) -> int | None:
    """The least cost of any plan, in cents (``None`` if the solver found none)."""
    value = least(build, solver, lambda f: f.cost)
    return None if value is None else round(value)


def solve_lexicographic(
    build: Callable[[], Formulation],
    solver: Any,
    *,
    latest: bool = False,
    completion: Callable[[tuple[str, ...]], dt.date] | None = None,
) -> Solution:
    """Find the first plan in the order cost, hours, item count, ids.

    With ``latest`` (plans over time), the latest completion comes between hours and count:
    among equally cheap and long plans, the one that can finish last (and so gives up the
    fewest days of the current certification) wins. ``completion`` (the day a given item set
    can complete) lets that stage start from what the plan found so far reaches.

    ``build`` makes a fresh :class:`Formulation` each time it is called; each stage solves a
    fresh one with the earlier optima added as constraints (``tie_cost``, ``tie_hours``,
    ``tie_count``), so no problem is ever edited after it was solved.
    """
    stages = _Stages(build, solver)
    status, formulation = stages.solve(lambda f: f.cost)
    if status in ("infeasible", "unknown"):
        return Solution(status)
    chosen = _chosen(formulation)
    if status == "feasible":
        return Solution("feasible", _pick_path(formulation, chosen), chosen)
    best_cost = round(_value(formulation.cost))

    stages.ties.append(_bound("cost", best_cost))
    if stages.unique(chosen):
        return Solution("optimal", _pick_path(formulation, chosen), chosen)
    # Hours may be fractional: allow a relative rounding slack. Counts are whole: allow 0.5.
    for stage, slack, relative in (("hours", _HOURS_SLACK, True), ("count", 0.5, False)):
        status, formulation = stages.solve(partial(_expression, stage))
        if status != "optimal":
            raise SolverError(f"the solver lost the plan while breaking ties on {stage}")
        best = _value(getattr(formulation, stage))
        bound = best + (slack * max(1.0, abs(best)) if relative else slack)
        stages.ties.append(_bound(stage, bound))
        if stage == "hours" and latest:
            floor = completion(_chosen(formulation)) if completion else None
            status, found = stages.solve(partial(_negated_latest, floor=floor))
            if status == "infeasible" and floor is not None:  # be safe: offer every day
                floor = None
                status, found = stages.solve(partial(_negated_latest, floor=None))
            if status != "optimal":
                raise SolverError("the solver lost the plan while breaking ties on completion")
            formulation = found
            best = -_value(formulation.problem.objective)
            stages.ties.append(_latest_at_least(best - 0.5, floor))
    chosen = _chosen(formulation)
    if not stages.unique(chosen):
        chosen = _smallest_ids(stages, size=len(chosen))
    return Solution("optimal", _pick_path(formulation, chosen), chosen)


def _smallest_ids(stages: _Stages, *, size: int) -> tuple[str, ...]:
    """Among the tied plans, the one whose sorted ids come first, one position at a time.

    For each position the solver finds the smallest id that a tied plan can hold after the ids
    already fixed; that item is fixed in, and every smaller id not yet fixed is fixed out.
    """
    fixed: list[str] = []
    below: str | None = None
    for _ in range(size):
        holder: dict[str, dict[str, Any]] = {}

        def smallest_next(
            f: Formulation, below: str | None = below, holder: dict[str, Any] = holder
        ) -> Any:
            ids = sorted(f.take)
            free = [i for i in ids if below is None or i > below]
            first = {
                i: f.problem.add_variable(f"first_{n}", 0, 1, cat=pulp.LpBinary)
                for n, i in enumerate(free)
            }
            f.problem.add(pulp.lpSum(first.values()) == 1, "one_first")
            for n, i in enumerate(free):
                f.problem.add(first[i] <= f.take[i], f"first_in_plan_{n}")
            holder["first"] = first
            return pulp.lpSum(rank * first[i] for rank, i in enumerate(free))

        status, formulation = stages.solve(smallest_next)
        if status != "optimal":
            raise SolverError("the solver lost the plan while breaking ties on ids")
        pick = next(i for i, var in holder["first"].items() if (var.value() or 0) > 0.5)

        def fix(f: Formulation, pick: str = pick, low: str | None = below) -> None:
            for i, var in f.take.items():
                if i == pick:
                    var.lowBound = 1
                elif (low is None or i > low) and i < pick:
                    var.upBound = 0

        stages.ties.append(fix)
        fixed.append(pick)
        below = pick
    return tuple(fixed)
