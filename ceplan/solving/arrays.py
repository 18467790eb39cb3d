"""Solving a model held as arrays (:mod:`ceplan.model.arrays`) stage by stage.

:func:`walk_stages` finds the first answer in an :class:`~ceplan.objective.Objective`'s order:
each sum stage (cost, hours, count) minimised and then held by a row, as
:mod:`ceplan.solving.stages` does for a PuLP model, and the ids settled by asking for an answer
whose sorted ids come first (:meth:`_Walk.smallest_ids`). Once the cheapest plan is known,
the columns that no plan so cheap can move are fixed by their reduced costs
(:meth:`Highs.prune`). The model is handed to the solver once and changed in place between
stages (a cost vector, a row added, a bound moved):

- HiGHS (``"auto"``, ``"highs"``) gets the arrays straight through ``highspy``;
- any other :class:`~ceplan.solving.backends.Solver` (CBC, a PuLP solver object) gets a PuLP
  problem made from the arrays, solved through its own :meth:`~ceplan.solving.backends.Solver.run`.

As in :mod:`ceplan.solving.loop`, the solver is not trusted blindly: every answer is checked
against the model's own rows (:meth:`~ceplan.model.arrays.ArrayModel.broken`), and "infeasible"
from HiGHS in a stage whose rows the answer in hand keeps is asked again with presolve off.
"""

from __future__ import annotations

import math
import time
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ceplan.errors import SolverError
from ceplan.model.arrays import ArrayModel, Linear
from ceplan.objective import Objective, Settled, Stage
from ceplan.solving.backends import HighsSolver, Solver, silence_highs_banner
from ceplan.status import Deadline, Run, Status, Termination

__all__ = ["Highs", "Walked", "solve_once", "walk_stages"]

_WHOLE_GAP = 0.5
"""Every stage's value is a whole number (cents, steps of hours, items): within half of one is
exact."""

_FIRST_TRY = 0.01
"""Seconds the first solve gets even when the deadline has passed."""

_EFFORT, _LEAST_EFFORT = 3.0, 0.05
"""How long proving that a plan is the only one left may take: ``_EFFORT`` times the first
solve, at least ``_LEAST_EFFORT`` seconds (as :mod:`ceplan.solving.stages`)."""


@dataclass(frozen=True)
class Walked:
    """What the walk found: the status, why it stopped, the columns' values, the stages proved.

    ``values`` is ``None`` when no answer was found; ``gap`` is the relative gap on the first
    stage (0 once it is proved).
    """

    status: Status
    termination: Termination = "solved"
    values: np.ndarray | None = None
    proven: tuple[str, ...] = ()
    gap: float | None = None


class _Engine(Protocol):
    """A model in a solver, changed in place between solves."""

    def solve(
        self, costs: Mapping[int, float], seconds: float | None, gap: float, presolve: bool
    ) -> tuple[Run, np.ndarray | None]: ...

    def add_row(self, terms: Mapping[int, float], lower: float, upper: float) -> int: ...

    def free_row(self, row: int) -> None: ...

    def add_column(self, upper: float, integer: bool) -> int: ...

    def bound(self, column: int, lower: float, upper: float) -> None: ...

    def prune(self, costs: Mapping[int, float], most: float, seconds: float | None) -> int: ...


class Highs:
    """The model in HiGHS, through ``highspy``, passed as arrays in one call."""

    def __init__(self, model: ArrayModel) -> None:
        import highspy

        silence_highs_banner(highspy)
        self.highspy = highspy
        h: Any = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
        lp = highspy.HighsLp()
        lp.num_col_ = model.columns
        lp.num_row_ = model.rows
        lp.col_cost_ = np.zeros(model.columns)
        lp.col_lower_ = model.lower
        lp.col_upper_ = model.upper
        lp.row_lower_ = model.row_lower
        lp.row_upper_ = model.row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = model.starts
        lp.a_matrix_.index_ = model.index
        lp.a_matrix_.value_ = model.value
        kinds = highspy.HighsVarType
        lp.integrality_ = [
            kinds.kInteger if whole else kinds.kContinuous for whole in model.integer
        ]
        h.passModel(lp)
        self.h = h
        self.columns = model.columns
        self.rows = model.rows
        self.integer = np.flatnonzero(model.integer).astype(np.int32)
        self.zeros: frozenset[int] = frozenset()
        """Columns :meth:`prune` fixed at 0."""

    def solve(
        self, costs: Mapping[int, float], seconds: float | None, gap: float, presolve: bool
    ) -> tuple[Run, np.ndarray | None]:
        """The least ``costs`` within ``seconds`` and the relative ``gap``: the run, the answer."""
        h, statuses = self.h, self.highspy.HighsModelStatus
        n = self.columns
        dense = np.zeros(n)
        for column, cost in costs.items():
            dense[column] = cost
        h.changeColsCost(n, np.arange(n, dtype=np.int32), dense)
        h.setOptionValue("time_limit", math.inf if seconds is None else max(seconds, 0.0))
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", gap)
        h.setOptionValue("presolve", "on" if presolve else "off")
        h.run()
        kind = h.getModelStatus()
        info = h.getInfo()
        has_plan = info.primal_solution_status == 2  # kSolutionStatusFeasible
        values = np.asarray(h.getSolution().col_value) if has_plan else None
        objective = float(info.objective_function_value) if has_plan else None
        bound = float(info.mip_dual_bound) if math.isfinite(info.mip_dual_bound) else None
        if kind == statuses.kOptimal:
            return Run("optimal", "solved", objective, objective), values
        if kind in (statuses.kInfeasible, statuses.kUnboundedOrInfeasible):
            return Run("infeasible", "solved"), None
        stopped = kind in (statuses.kTimeLimit, statuses.kInterrupt)
        termination: Termination = "time_limit" if stopped else "solver_stopped"
        return Run("feasible" if has_plan else "unknown", termination, objective, bound), values

    def add_row(self, terms: Mapping[int, float], lower: float, upper: float) -> int:
        """A row ``lower <= terms <= upper`` added; its index."""
        index = np.asarray(list(terms), dtype=np.int32)
        value = np.asarray(list(terms.values()), dtype=np.float64)
        self.h.addRow(lower, upper, len(index), index, value)
        self.rows += 1
        return self.rows - 1

    def free_row(self, row: int) -> None:
        """Row ``row`` no longer binds (its bounds made infinite)."""
        self.h.changeRowBounds(row, -math.inf, math.inf)

    def add_column(self, upper: float, integer: bool) -> int:
        """A column from 0 to ``upper`` added (whole when ``integer``); its index."""
        self.h.addCol(0.0, 0.0, upper, 0, [], [])
        if integer:
            self.h.changeColIntegrality(self.columns, self.highspy.HighsVarType.kInteger)
        self.columns += 1
        return self.columns - 1

    def bound(self, column: int, lower: float, upper: float) -> None:
        """Column ``column`` held between ``lower`` and ``upper``."""
        self.h.changeColBounds(column, lower, upper)

    def prune(self, costs: Mapping[int, float], most: float, seconds: float | None) -> int:
        """Fix the integer columns that no answer costing at most ``most`` can move.

        Reduced-cost fixing: with the linear relaxation's optimum ``z`` and reduced costs
        ``d``, every answer ``x`` costs at least ``z + d[j] * (x[j] - x*[j])`` for any column
        ``j`` (the other terms of the Lagrangian bound are never negative). So a column at 0 in
        the relaxation with ``z + d[j] > most`` is 0 in every answer costing at most ``most``,
        and one at 1 with ``z - d[j] > most`` is 1. A margin covers the solver's tolerances.
        Returns how many columns were fixed (none when the relaxation is not solved in time).
        """
        h, kinds = self.h, self.highspy.HighsVarType
        count = len(self.integer)
        if not count:
            return 0
        n = self.columns
        dense = np.zeros(n)
        for column, cost in costs.items():
            dense[column] = cost
        h.changeColsCost(n, np.arange(n, dtype=np.int32), dense)
        h.setOptionValue("time_limit", math.inf if seconds is None else max(seconds, 0.0))
        h.changeColsIntegrality(count, self.integer, np.full(count, kinds.kContinuous))
        try:
            h.run()
            solution = h.getSolution()
            solved = h.getModelStatus() == self.highspy.HighsModelStatus.kOptimal
            lowest = float(h.getInfo().objective_function_value)
            value = np.asarray(solution.col_value)[self.integer]
            dual = np.asarray(solution.col_dual)[self.integer]
        finally:
            h.changeColsIntegrality(count, self.integer, np.full(count, kinds.kInteger))
        if not solved or not solution.dual_valid:
            return 0
        margin = 1e-6 * max(1.0, abs(most)) + 1e-3
        at_zero = self.integer[(value < 1e-9) & (lowest + dual > most + margin)]
        at_one = self.integer[(value > 1 - 1e-9) & (lowest - dual > most + margin)]
        self.zeros = self.zeros | frozenset(at_zero.tolist())
        for column in at_zero:
            h.changeColBounds(int(column), 0.0, 0.0)
        for column in at_one:
            h.changeColBounds(int(column), 1.0, 1.0)
        return len(at_zero) + len(at_one)


class _Pulp:
    """The model as a PuLP problem, for a solver other than HiGHS in process."""

    def __init__(self, model: ArrayModel, solver: Solver) -> None:
        import pulp

        self.pulp = pulp
        self.solver = solver
        self.problem = pulp.LpProblem("ceplan_claims", pulp.LpMinimize)
        self.variables: list[Any] = []
        for j in range(model.columns):
            self.add_column(float(model.upper[j]), bool(model.integer[j]))
        self.rows: list[tuple[list[Any], dict[int, float]]] = []
        for r in range(model.rows):
            low, high = model.starts[r], model.starts[r + 1]
            terms = dict(
                zip(model.index[low:high].tolist(), model.value[low:high].tolist(), strict=True)
            )
            self.add_row(terms, float(model.row_lower[r]), float(model.row_upper[r]))

    def solve(
        self, costs: Mapping[int, float], seconds: float | None, gap: float, presolve: bool
    ) -> tuple[Run, np.ndarray | None]:
        """The least ``costs`` within ``seconds`` and the relative ``gap``: the run, the answer."""
        pulp = self.pulp
        terms = [(self.variables[j], float(c)) for j, c in costs.items() if c]
        # Never an objective without a column: PuLP would add a dummy column to the problem
        # for it, and CBC writes no solution for a later solve of the same problem.
        self.problem.setObjective(pulp.LpAffineExpression(terms or [(self.variables[0], 0.0)]))
        run = self.solver.run(self.problem, seconds, gap)
        if run.status not in ("optimal", "feasible"):
            return run, None
        values = np.asarray([float(v.varValue or 0.0) for v in self.variables])
        return run, values

    def add_row(self, terms: Mapping[int, float], lower: float, upper: float) -> int:
        """A row ``lower <= terms <= upper`` added; its index."""
        pulp = self.pulp
        expression = pulp.LpAffineExpression([(self.variables[c], v) for c, v in terms.items()])
        made = []
        name = f"r{len(self.rows)}"
        if math.isfinite(lower):
            made.append(pulp.LpConstraint(expression, pulp.LpConstraintGE, f"{name}_lo", lower))
        if math.isfinite(upper):
            made.append(pulp.LpConstraint(expression, pulp.LpConstraintLE, f"{name}_hi", upper))
        for constraint in made:
            self.problem.addConstraint(constraint)
        self.rows.append((made, dict(terms)))
        return len(self.rows) - 1

    def free_row(self, row: int) -> None:
        """Row ``row`` no longer binds (its bounds made infinite)."""
        """Let the row hold nothing: each side moved to what its columns can never pass.

        Rows freed are over columns between 0 and 1 (items, markers).
        """
        made, terms = self.rows[row]
        for constraint in made:
            if constraint.sense == self.pulp.LpConstraintGE:
                constraint.changeRHS(sum(min(0.0, v) for v in terms.values()) - 1.0)
            else:
                constraint.changeRHS(sum(max(0.0, v) for v in terms.values()) + 1.0)

    def add_column(self, upper: float, integer: bool) -> int:
        """A column from 0 to ``upper`` added (whole when ``integer``); its index."""
        pulp = self.pulp
        cat = pulp.LpInteger if integer else pulp.LpContinuous
        high = upper if math.isfinite(upper) else None
        variable = self.problem.add_variable(f"c{len(self.variables)}", 0, high, cat=cat)
        self.variables.append(variable)
        return len(self.variables) - 1

    def bound(self, column: int, lower: float, upper: float) -> None:
        """Column ``column`` held between ``lower`` and ``upper``."""
        variable = self.variables[column]
        variable.lowBound = lower
        variable.upBound = upper

    def prune(self, costs: Mapping[int, float], most: float, seconds: float | None) -> int:
        """Nothing here: a PuLP solver's reduced costs are not read."""
        return 0


def _engine(model: ArrayModel, solver: Solver) -> _Engine:
    if isinstance(solver, HighsSolver):
        return Highs(model)
    return _Pulp(model, solver)


class _Walk:
    """One model in one solver, walked through the stages within one deadline."""

    def __init__(self, model: ArrayModel, solver: Solver, deadline: Deadline) -> None:
        self.model = model
        self.engine = _engine(model, solver)
        self.highs = isinstance(solver, HighsSolver)
        self.deadline = deadline
        self.values: np.ndarray | None = None
        """The last answer read: it keeps every row held so far."""

    def solve(
        self,
        costs: Mapping[int, float],
        *,
        first: bool = False,
        deadline: Deadline | None = None,
        known: bool = True,
    ) -> Run:
        """Minimise ``costs``; the answer, checked, becomes :attr:`values` when there is one.

        Only the model's own columns are read (columns added past them are not). ``known``:
        the answer in hand keeps every row (so "infeasible" from HiGHS is asked again without
        presolve); a question that may rightly have no answer says ``False``.
        """
        clock = deadline or self.deadline
        seconds = clock.remaining()
        if seconds is not None and first:
            seconds = max(seconds, _FIRST_TRY)
        elif seconds is not None and seconds <= 0:
            return Run("unknown", "time_limit")
        run, values = self.engine.solve(costs, seconds, _WHOLE_GAP, True)
        if run.status == "infeasible" and known and self.values is not None and self.highs:
            run, values = self.engine.solve(costs, clock.remaining(), _WHOLE_GAP, False)
        if values is not None:
            values = values[: self.model.columns]
            broken = self.model.broken(values)
            if broken:
                raise SolverError(
                    "the solver returned an answer that breaks the planning rules "
                    f"({', '.join(broken[:3])})"
                )
            self.values = self.model.read(values)
        return run

    def hold(self, expression: Linear, value: float) -> None:
        """Keep ``expression`` at ``value`` (a whole number) from now on, within half of one."""
        terms = {c: v for c, v in expression[0].items() if v}
        constant = expression[1]
        if terms:
            self.engine.add_row(terms, value - constant - 0.5, value - constant + 0.5)

    def take_now(self, take: Mapping[str, int]) -> frozenset[str]:
        """The ids the last answer takes."""
        assert self.values is not None
        return frozenset(i for i, c in take.items() if self.values[c] > 0.5)

    def only(self, take: Mapping[str, int], effort: float) -> bool | None:
        """Whether the last answer's items are the only ones that keep every row so far.

        ``False`` when another is found or the solver cannot tell within ``effort`` seconds,
        ``None`` when the whole call's time ran out first.
        """
        chosen = self.take_now(take)
        terms = {c: (-1.0 if i in chosen else 1.0) for i, c in take.items()}
        row = self.engine.add_row(terms, 1.0 - len(chosen), math.inf)
        kept = self.values
        try:
            run = self.solve({}, deadline=self.deadline.within(effort), known=False)
        finally:
            self.engine.free_row(row)
            self.values = kept
        if run.status == "infeasible":
            return True
        if run.status in ("optimal", "feasible") or not self.deadline.expired:
            return False
        return None

    def smallest_ids(self, take: Mapping[str, int]) -> Termination | None:
        """Among the answers kept so far, the one whose sorted ids come first.

        The solver is asked for an answer whose sorted ids come before those of the answer in
        hand, ``p_1 < ... < p_m`` (the count is held): one that holds ``p_1 .. p_(j-1)`` and
        an id between ``p_(j-1)`` and ``p_j``, for some position ``j`` (a column ``first_j``
        says which). Every answer that comes first is such an answer, and every such answer
        comes first (its ``j``-th smallest id is at most that id). When there is none, the
        answer in hand is the first; else the one found becomes the answer in hand, and the
        question is asked again. Items the reduced costs fixed at 0 (:meth:`Highs.prune`) are
        0 in every answer kept: they are left out of these rows. The answer in hand is first
        replaced by one whose ids' places in sort order add up to the least, usually the first
        or near it, and each question asks, among the answers that come first, for one whose
        places add up to the least (fewer questions; which answer comes first is still the
        questions' to say).
        Returns why it stopped early, if it did.
        """
        zeros: frozenset[int] = getattr(self.engine, "zeros", frozenset())  # fixed at 0
        ids = sorted(i for i, column in take.items() if column not in zeros)
        # A first answer near the first: the least sum of the ids' places in sort order.
        places = {take[i]: float(place) for place, i in enumerate(ids, start=1)}
        self.solve(places)
        while True:
            chosen = sorted(self.take_now(take))
            if not chosen:
                return None
            firsts = [self.engine.add_column(1.0, True) for _ in chosen]
            rows = [self.engine.add_row(dict.fromkeys(firsts, 1.0), 1.0, 1.0)]
            for n, held in enumerate(chosen[:-1]):
                terms = {take[held]: 1.0, **dict.fromkeys(firsts[n + 1 :], -1.0)}
                rows.append(self.engine.add_row(terms, 0.0, math.inf))
            for n, (first, own) in enumerate(zip(firsts, chosen, strict=True)):
                low = chosen[n - 1] if n else ""
                between = dict.fromkeys(
                    (take[i] for i in ids[bisect_right(ids, low) : bisect_left(ids, own)]), 1.0
                )
                if between:
                    rows.append(self.engine.add_row({**between, first: -1.0}, 0.0, math.inf))
                else:
                    self.engine.bound(first, 0.0, 0.0)
            run = self.solve(places, known=False)
            for first in firsts:
                self.engine.bound(first, 0.0, 0.0)
            for row in rows:
                self.engine.free_row(row)
            if run.status == "infeasible":
                return None
            if run.status != "optimal":
                return run.termination if run.termination != "solved" else "solver_stopped"

    def _fix(self, column: int, value: float) -> None:
        self.engine.bound(column, value, value)


def walk_stages(
    model: ArrayModel,
    objective: Objective,
    sums: Mapping[Stage, Linear],
    take: Mapping[str, int],
    solver: Solver,
    deadline: Deadline,
) -> Walked:
    """The first answer of ``model`` in ``objective``'s order, or why there is none.

    ``sums`` gives the expression of each sum stage, ``take`` each item's column (the ids
    stage compares the items an answer takes). After the first stage the solver is asked
    whether the answer is the only one left, which settles every stage still open.
    """
    if model.impossible:
        return Walked("infeasible")
    if not model.columns:  # nothing to choose: the empty answer, best in every stage
        every = tuple(stage.name for stage in objective.stages)
        return Walked("optimal", "solved", np.zeros(0), every, 0.0)
    walk = _Walk(model, solver, deadline)
    first, *rest = objective.stages
    started = time.perf_counter()
    run = walk.solve(_costs(sums[first]), first=True)
    effort = max(_LEAST_EFFORT, _EFFORT * (time.perf_counter() - started))
    if run.status in ("infeasible", "unknown"):
        return Walked(run.status, run.termination)
    if run.status == "feasible":
        return Walked("feasible", run.termination, walk.values, (), run.gap)
    proven = [first.name]
    assert walk.values is not None
    best = round(model.value_of(sums[first], walk.values))
    walk.engine.prune(_costs(sums[first]), best - sums[first][1], deadline.remaining())
    walk.hold(sums[first], best)
    for n, stage in enumerate(rest):
        if n == 0:
            only = walk.only(take, effort)
            if only is None:
                return Walked("feasible", "time_limit", walk.values, tuple(proven), 0.0)
            if only:
                stopped = _settle_the_rest(walk, model, rest[n:], sums, take)
                if stopped is not None:
                    return Walked("feasible", stopped, walk.values, tuple(proven), 0.0)
                proven.extend(later.name for later in rest[n:])
                break
        if stage.settled is Settled.IDS:
            stopped = walk.smallest_ids(take)
        else:
            stopped = _settle_sum(walk, model, sums[stage])
        if stopped is not None:
            return Walked("feasible", stopped, walk.values, tuple(proven), 0.0)
        proven.append(stage.name)
    return Walked("optimal", "solved", walk.values, tuple(proven), 0.0)


def _settle_the_rest(
    walk: _Walk,
    model: ArrayModel,
    stages: Sequence[Stage],
    sums: Mapping[Stage, Linear],
    take: Mapping[str, int],
) -> Termination | None:
    """Settle the ``stages`` left once the answer's items are the only ones that keep the rows.

    A stage of the items alone (the ids, or a sum of ``take`` columns) is settled by that. A
    sum over other columns as well (what funds pay toward the items, say) may still be lowered
    by them: it is minimised with the items fixed as they are, and held. Why it stopped, if it
    did.
    """
    assert walk.values is not None
    taken = set(take.values())
    fixed = False
    for stage in stages:
        if stage.settled is Settled.IDS or set(_costs(sums[stage])) <= taken:
            continue
        if not fixed:
            for column in taken:
                walk._fix(column, float(walk.values[column] > 0.5))
            fixed = True
        stopped = _settle_sum(walk, model, sums[stage])
        if stopped is not None:
            return stopped
    return None


def _settle_sum(walk: _Walk, model: ArrayModel, expression: Linear) -> Termination | None:
    """Minimise a sum stage from the answer in hand and hold it; why it stopped, if it did."""
    run = walk.solve(_costs(expression))
    if run.status == "infeasible":
        raise SolverError("the solver called infeasible a problem with a known answer")
    if run.status != "optimal":
        return run.termination if run.termination != "solved" else "solver_stopped"
    assert walk.values is not None
    walk.hold(expression, round(model.value_of(expression, walk.values)))
    return None


def _costs(expression: Linear) -> dict[int, float]:
    return {c: v for c, v in expression[0].items() if v}


def solve_once(
    model: ArrayModel, expression: Linear, solver: Solver, deadline: Deadline
) -> tuple[Run, np.ndarray | None]:
    """The least ``expression`` over ``model``'s answers, with one answer (no tie-breaks)."""
    if model.impossible:
        return Run("infeasible", "solved"), None
    if not model.columns:
        return Run("optimal", "solved", 0.0, 0.0), np.zeros(0)
    walk = _Walk(model, solver, deadline)
    run = walk.solve(_costs(expression), first=True)
    return run, walk.values
