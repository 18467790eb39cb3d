"""Solving a :class:`~ceplan.model.block.Formulation` stage by stage, and the solvers that do it.

Two facts are kept apart (as linopy does): the **status** of the answer (``optimal``: proved
best in every stage of the objective; ``feasible``: a plan, but not proved best; ``infeasible``:
no plan exists; ``unknown``: the solver stopped without a plan and without a proof) and the
**termination**, why the solver stopped (``solved``, ``time_limit``, ``solver_stopped``). When a
time limit stops the search for the cheapest plan, the relative **gap** between the plan's cost
and the best bound the solver proved is reported too.

The stages follow :class:`~ceplan.objective.Objective`: each solves a fresh problem with the
optima of the stages before it held as rows (``hold_cost``, ``hold_hours``, the renewal markers,
``hold_count``), so no problem is edited after it was solved. A stage is skipped once the plan
is known to be the only one left (one extra solve with ``other_plan``), which is the common case.
The id tie-break needs no search over equal plans: the plan already holds the first of each set
of interchangeable items (``same_<id>`` rows), and the remaining choice is settled one position
at a time, only where a smaller id is still open. A time limit covers the whole call: when it
runs out in a tie-break stage, the best plan found so far is returned, marked ``feasible``.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import math
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import pulp

from ceplan.candidates.items import Candidate, drop_redundant
from ceplan.errors import SolverError
from ceplan.model.block import Formulation
from ceplan.objective import Objective, Outcome, Settled, Stage
from ceplan.status import SOLVERS, Deadline, Run, Solution, Status, Termination

__all__ = [
    "SOLVERS",
    "Deadline",
    "Run",
    "Solution",
    "Solver",
    "Status",
    "Termination",
    "cheapest_plan",
    "least",
    "make_solver",
    "solve_in_stages",
]


_WHOLE_GAP = 0.5
"""Absolute gap of every stage: each objective is a whole number (cents, steps of hours, days,
items), so an optimum within half of one is exact."""


HIGHS_OPTIONS: dict[str, Any] = {}
"""Options every HiGHS solve gets, beyond the time limit and gaps: none. Turning presolve off
made some solves five times faster and others twice as slow; over all the scenarios of
``bench/bench_highs_options.py`` (which compares option sets on the same plans) the two came
out even, so HiGHS's defaults stay."""

_EFFORT, _LEAST_EFFORT = 3.0, 0.05
"""The solver may spend ``_EFFORT`` times as long as the cheapest plan took to find (and at
least ``_LEAST_EFFORT`` seconds) proving that a plan is the only one left (see
:meth:`_Stages.unique`); chosen by measurement on ten generated catalogues of 1,000 and 3,000
activities under a binding weekly limit, against 1x and no limit."""

# -- solvers -----------------------------------------------------------------------------------


class Solver:
    """A MILP solver: builds a PuLP solver object for each call and reads how it ended.

    This class runs a PuLP solver object given to :func:`make_solver`: each call gets a copy of
    it with the call's time limit and gaps (:func:`_limited`), the object itself is left as it
    was. Subclasses (HiGHS, CBC) build their own.
    """

    name = "custom"

    def __init__(self, pulp_solver: Any = None) -> None:
        self.pulp_solver = pulp_solver
        if isinstance(pulp_solver, pulp.HiGHS):  # it would print HiGHS's banner on stdout
            with contextlib.suppress(ImportError):
                import highspy

                _silence_highs_banner(highspy)

    def run(
        self,
        problem: pulp.LpProblem,
        seconds: float | None,
        gap: float,
        start: Mapping[str, float] | None = None,
    ) -> Run:
        """Solve ``problem`` (a minimisation) within ``seconds``, to absolute gap ``gap``.

        ``start`` is part of a solution (variable name -> value) known to be feasible, which a
        solver may complete and use as its first incumbent; it may also ignore it.
        """
        solver = _limited(self.pulp_solver, seconds, gap)
        _solve(problem, solver)
        return _from_pulp(problem, solver)

    def __repr__(self) -> str:
        return f"<ceplan solver {self.name}>"


def _limited(pulp_solver: Any, seconds: float | None, gap: float) -> Any:
    """A copy of a PuLP solver object that stops within ``seconds``, at absolute gap ``gap``.

    The time limit is the shorter of ``seconds`` and the object's own; the relative gap is 0,
    as for HiGHS and CBC: each stage's optimum must be exact, and PuLP's solvers stop at a
    relative gap of their own by default (HiGHS at 0.01%, which has passed off a plan 3 cents
    dearer than the cheapest as optimal). ``pulp.HiGHS`` reads its gaps from attributes, the
    other PuLP solvers from their ``optionsDict``.
    """
    solver = copy.copy(pulp_solver)
    own = getattr(pulp_solver, "timeLimit", None)
    if seconds is not None:
        solver.timeLimit = seconds if own is None else min(float(own), seconds)
    if isinstance(pulp_solver, pulp.HiGHS):
        solver.gapRel, solver.gapAbs = 0.0, gap
    else:
        options = getattr(pulp_solver, "optionsDict", None) or {}
        solver.optionsDict = {**options, "gapRel": 0.0, "gapAbs": gap}
    return solver


class HighsSolver(Solver):
    """HiGHS in this process, through ``highspy``."""

    name = "highs"

    def __init__(self) -> None:
        super().__init__(None)
        import highspy

        _silence_highs_banner(highspy)

    def run(
        self,
        problem: pulp.LpProblem,
        seconds: float | None,
        gap: float,
        start: Mapping[str, float] | None = None,
        *,
        presolve: bool = True,
    ) -> Run:
        """Solve in process; read status, termination and bound from HiGHS itself.

        A ``start`` is handed to HiGHS as a partial solution, which it completes (a small
        sub-MIP) and keeps as its first incumbent when that succeeds. ``presolve=False`` turns
        HiGHS's presolve off, for a second opinion: HiGHS 1.16's presolve has called a small
        feasible binary programme infeasible (a team's, see ``tests/test_team_model.py``).
        """
        import highspy

        options = dict(HIGHS_OPTIONS) | ({} if presolve else {"presolve": "off"})
        solver = _highs_with_start()(
            msg=False, timeLimit=seconds, gapRel=0.0, gapAbs=gap, **options
        )
        solver.start = start
        solver.began = time.perf_counter()  # handing the model over counts against the limit
        try:
            _solve(problem, solver)
        except _Abandoned:
            return Run("unknown", "time_limit")
        model = getattr(problem, "solverModel", None)
        if model is None:  # pragma: no cover - PuLP always sets it
            return _from_pulp(problem, solver)
        kind = model.getModelStatus()
        statuses = highspy.HighsModelStatus
        info = model.getInfo()
        has_plan = info.primal_solution_status == 2  # kSolutionStatusFeasible
        objective = float(info.objective_function_value) if has_plan else None
        bound = _finite(info.mip_dual_bound)
        if start and objective is not None and not _agrees(problem, objective):
            # HiGHS 1.16, handed a start, has returned a plan whose objective is not the one
            # it reports, and called it optimal (about 1 solve in 1,000 on small covering
            # problems, tests/test_solving.py): that answer is not trusted; solve again cold.
            remaining = None if seconds is None else max(0.0, seconds - _elapsed(model))
            return self.run(problem, remaining, gap, None, presolve=presolve)
        if kind == statuses.kOptimal:
            return Run("optimal", "solved", objective, objective)
        if kind in (statuses.kInfeasible, statuses.kUnboundedOrInfeasible):
            return Run("infeasible", "solved")
        stopped = (statuses.kTimeLimit, statuses.kInterrupt)  # interrupted: see overdue()
        termination: Termination = "time_limit" if kind in stopped else "solver_stopped"
        return Run("feasible" if has_plan else "unknown", termination, objective, bound)


def overdue(seconds: float) -> float:
    """When a solve with a time limit of ``seconds`` is stopped from outside HiGHS.

    HiGHS checks its own limit between steps; on a large model one step (on a team of 1,000)
    has run for many minutes past it (on a team of 100, 11 s past a 3 s limit). Past the limit
    and this grace, the solve is interrupted (and reported as stopped by the time limit); if it
    has not stopped a second later either, it is left to end in its own thread and the run is
    ``unknown``, stopped by the time limit. The time taken to hand the model over counts
    against the limit.
    """
    return seconds + max(1.0, 0.1 * seconds)


def _agrees(problem: pulp.LpProblem, objective: float) -> bool:
    """Whether the solution read back has the objective the solver reports (to 1e-6).

    HiGHS is not given the objective's constant term, so it is left out here too.
    """
    found = pulp.value(problem.objective)
    value = float(found) if isinstance(found, (int, float)) else 0.0
    value -= float(problem.objective.constant)
    return abs(value - objective) <= 1e-6 * max(1.0, abs(objective))


def _elapsed(model: Any) -> float:
    """Seconds HiGHS spent on its last run."""
    try:
        return float(model.getRunTime())
    except Exception:  # pragma: no cover - every highspy has it
        return 0.0


@functools.cache
def _highs_with_start() -> type:
    """PuLP's HiGHS interface: a partial solution handed over, the time limit enforced."""

    class HiGHSWithStart(pulp.HiGHS):  # type: ignore[misc]
        start: Mapping[str, float] | None = None
        began: float | None = None
        """When the solve was asked for: what handing the model to HiGHS took (on a large
        team, seconds) comes off HiGHS's own limit."""

        def callSolver(self, lp: pulp.LpProblem) -> None:
            import numpy as np

            model = lp.solverModel
            start = self.start
            if start:
                known = [(v.index, start[v.name]) for v in lp.variables() if v.name in start]
                index = np.fromiter((i for i, _ in known), dtype=np.int32, count=len(known))
                value = np.fromiter((x for _, x in known), dtype=np.float64, count=len(known))
                model.setSolution(len(known), index, value)
            if self.timeLimit is None:
                super().callSolver(lp)
                return
            # Run in HiGHS's own thread; interrupt it when it overruns its limit, and leave it
            # if it does not stop either (its thread then ends in the background).
            left = float(self.timeLimit)
            if self.began is not None:
                left = max(0.0, left - (time.perf_counter() - self.began))
                model.setOptionValue("time_limit", left)
            model.HandleUserInterrupt = True
            stop = time.perf_counter() + overdue(left)
            model.startSolve()
            while not model.wait(0.1)[0]:
                if time.perf_counter() > stop:
                    model.cancelSolve()
                if time.perf_counter() > stop + _ABANDON_AFTER:
                    raise _Abandoned

    return HiGHSWithStart


_ABANDON_AFTER = 1.0
"""Seconds an interrupted HiGHS solve gets to stop before it is left to end on its own."""


class _Abandoned(Exception):
    """HiGHS ran on past its time limit and an interrupt (seen in presolve on huge models)."""


class CbcSolver(Solver):
    """CBC from the ``pulp[cbc]`` extra, run as a program on an MPS file.

    CBC's preprocessing is turned off: on some infeasible models (the tie-break stages make
    such models on purpose) the CBC build that ``pulp[cbc]`` installs loops forever while
    post-processing a solution its preprocessing found, whatever the time limit.

    Each run leaves nothing behind: its files (model, solution, log) are in a temporary folder
    of its own, removed however the run ends, and CBC is stopped if the run is interrupted
    (see :func:`_run_cbc`).
    """

    name = "cbc"

    def __init__(self, path: str) -> None:
        super().__init__(None)
        self.path = path

    def run(
        self,
        problem: pulp.LpProblem,
        seconds: float | None,
        gap: float,
        start: Mapping[str, float] | None = None,
    ) -> Run:
        """Run CBC and read how it ended from its log (status, objective, lower bound).

        ``start`` is not used here.
        """
        command = pulp.COIN_CMD(
            msg=False,
            path=self.path,
            timeLimit=seconds,
            gapRel=0.0,
            gapAbs=gap,
            options=["preprocess off"],
        )
        with (
            tempfile.TemporaryDirectory(prefix="ceplan-", ignore_cleanup_errors=True) as folder,
            _solver_failures(),
        ):
            text = _run_cbc(problem, command, folder)
        run = _from_pulp(problem, command)
        result = re.search(r"^Result - (.*)$", text, re.MULTILINE)
        if result and "time limit" in result.group(1).lower():
            run = Run(
                "feasible" if run.status in ("optimal", "feasible") else "unknown",
                "time_limit",
                run.objective,
                run.bound,
            )
        bound = re.search(r"^Lower bound:\s*(\S+)", text, re.MULTILINE)
        if bound and run.status == "feasible":
            run = Run(run.status, run.termination, run.objective, _finite(_number(bound[1])))
        return run


def _run_cbc(problem: pulp.LpProblem, command: Any, folder: str) -> str:
    """Solve ``problem`` with CBC as PuLP's ``COIN_CMD.solve_CBC`` does, in ``folder``.

    The same model file, command line (from ``command``, a ``pulp.COIN_CMD``) and reading of
    the answer as PuLP's, so the answers are the same; but CBC is started here, to be stopped
    (:func:`_stop`) when anything, an interrupt above all, ends the wait for it. PuLP's own
    run leaves CBC running then, and its files behind. Returns the text of CBC's log.
    """
    model, answer, log = (os.path.join(folder, name) for name in ("model.mps", "model.sol", "log"))
    no_objective, dummy = problem.fixObjective()
    try:
        variables, variable_names, row_names, _ = problem.writeMPS(model, rename=1)
        arguments = _cbc_arguments(problem, command, model, answer)
        with open(log, "w", encoding="utf-8") as output:
            cbc, held = _start(arguments, output)
            try:
                _release(held)  # an interrupt that came while CBC started is raised here
                code = cbc.wait()
            finally:
                _stop(cbc)
        if code != 0:
            ended = f"was stopped by signal {-code}" if code < 0 else f"exited with status {code}"
            raise pulp.PulpSolverError(f"CBC {ended}")
        if not os.path.exists(answer):
            raise pulp.PulpSolverError("CBC wrote no solution")
        status, values, costs, prices, slacks, solution = command.readsol_MPS(
            answer, problem, variables, variable_names, row_names
        )
        problem.assignVarsVals(values)
        problem.assignVarsDj(costs)
        problem.assignConsPi(prices)
        problem.assignConsSlack(slacks, activity=True)
        problem.assignStatus(status, solution)
    finally:
        problem.restoreObjective(no_objective, dummy)
    with open(log, encoding="utf-8", errors="replace") as stream:
        return stream.read()


def _cbc_arguments(problem: pulp.LpProblem, command: Any, model: str, answer: str) -> list[str]:
    """CBC's command line as ``COIN_CMD.solve_CBC`` builds it, for ``model`` and ``answer``."""
    arguments = [command.path, model]
    if problem.sense == pulp.LpMaximize:
        arguments.append("-max")
    if command.timeLimit is not None:
        arguments += ["-sec", f"{command.timeLimit}"]
    for option in [*command.options, *command.getOptions()]:
        arguments += f"-{option}".split()
    return [*arguments, "-solve", "-printingOptions", "all", "-solution", answer]


_HELD = frozenset({signal.SIGINT, signal.SIGTERM})
"""The interrupts held while CBC starts (see :func:`_start`)."""


def _start(arguments: list[str], output: Any) -> tuple[subprocess.Popen[bytes], Any]:
    """Start CBC, with the interrupts held until the caller has its handle.

    Ctrl-C (or SIGTERM, see :mod:`ceplan.cli.signals`) that arrives while ``Popen`` is still
    setting up, after CBC has started, would raise before anyone holds the process to stop it:
    CBC would run on. So in the main thread (where Python raises them) they are blocked for the
    start, and the child unblocks them before it becomes CBC, so that CBC can still be stopped.
    Returns the process and the signal mask to restore (``None`` outside the main thread);
    the caller restores it with :func:`_release` inside its ``try``.
    """
    main = threading.current_thread() is threading.main_thread()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD) if main else None
    try:
        process = subprocess.Popen(
            arguments,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            preexec_fn=_unblock if main else None,  # one C call in the child: no locks taken
        )
    except BaseException:
        _release(held)
        raise
    return process, held


def _unblock() -> None:
    """In the child, before it becomes CBC: the interrupts as they normally are."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)


def _release(held: Any) -> None:
    """Restore the signal mask :func:`_start` changed; a held interrupt is raised now."""
    if held is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


_CBC_GRACE = 1.0
"""Seconds CBC gets to end after SIGTERM before it is killed."""


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Make sure ``process`` has ended and is reaped: terminated, then killed after a grace."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(_CBC_GRACE)
    except subprocess.TimeoutExpired:
        pass
    finally:  # also when a second interrupt cuts the grace short
        if process.poll() is None:
            process.kill()
            process.wait()


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _solve(problem: pulp.LpProblem, solver: Any) -> None:
    """Run the solver; anything it breaks on becomes one :class:`SolverError`."""
    with _solver_failures():
        problem.solve(solver)


@contextlib.contextmanager
def _solver_failures() -> Iterator[None]:
    """Any exception of a solver's run as one :class:`SolverError` line (interrupts go on up)."""
    try:
        yield
    except (KeyboardInterrupt, SolverError, _Abandoned):
        raise
    except Exception as exc:  # a solver's failure can surface as any exception
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SolverError(f"the solver failed or its answer could not be read: {detail}") from None


def _from_pulp(problem: pulp.LpProblem, solver: Any) -> Run:
    """Status from PuLP's two codes; PuLP says nothing of why a solver stopped early."""
    status, solution = problem.status, problem.sol_status
    objective = _finite(pulp.value(problem.objective)) if problem.objective is not None else None
    if status == pulp.LpStatusOptimal and solution == pulp.LpSolutionOptimal:
        return Run("optimal", "solved", objective, objective)
    if status == pulp.LpStatusInfeasible or solution == pulp.LpSolutionInfeasible:
        return Run("infeasible", "solved")
    limited = getattr(solver, "timeLimit", None) is not None
    termination: Termination = "time_limit" if limited else "solver_stopped"
    if solution == pulp.LpSolutionIntegerFeasible:
        return Run("feasible", termination, objective)
    return Run("unknown", termination)


def make_solver(solver: str | Solver | Any | None = None) -> Solver:
    """The solver to plan with.

    Parameters
    ----------
    solver
        ``"highs"`` (default, and what ``"auto"`` means here: HiGHS in this process, from the
        ``highspy`` package), ``"cbc"`` (CBC, installed with ``pip install 'ceplan[cbc]'``), a
        :class:`Solver`, or a PuLP solver object: each solve then runs a copy of it, given the
        time left and a relative gap of 0 (its other settings kept); ceplan cannot tell why it
        stopped short of a proof, beyond the time limit, nor its gap.
    """
    if solver is None or solver in ("auto", "highs"):
        try:
            return HighsSolver()
        except ImportError:
            raise SolverError(
                "solver 'highs' needs the highspy package: pip install highspy"
            ) from None
    if solver == "cbc":
        return CbcSolver(_cbc_path())
    if isinstance(solver, Solver):
        return solver
    if isinstance(solver, str):
        raise SolverError(f"unknown solver '{solver}': choose one of {', '.join(SOLVERS)}")
    if not isinstance(solver, pulp.LpSolver):
        raise SolverError(
            f"solver must be one of {', '.join(SOLVERS)} or a PuLP solver, not {solver!r}"
        )
    return Solver(solver)


def _cbc_path() -> str:
    try:
        import cbcbox
    except ImportError:
        path = pulp.COIN_CMD(msg=False).path
        if not path or not os.path.exists(path) and not _on_path(path):
            raise SolverError(
                "CBC is not installed: pip install 'ceplan[cbc]', or use --solver highs"
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


# -- the answer --------------------------------------------------------------------------------


Evaluate = Callable[[int, tuple[str, ...]], Outcome]
"""The objective's view of a plan (path index, chosen ids): cost, hours, renewal, ids."""

Hold = Callable[[Formulation], None]


@dataclass(frozen=True)
class _Plan:
    path: int
    chosen: tuple[str, ...]


class _Stages:
    """Fresh problems with the optima found so far held as rows, solved within one deadline."""

    def __init__(
        self,
        build: Callable[[], Formulation],
        solver: Solver,
        deadline: Deadline,
        evaluate: Evaluate,
        objective: Objective,
    ) -> None:
        self.build = build
        self.solver = solver
        self.deadline = deadline
        self.evaluate = evaluate
        self.objective = objective
        self.holds: list[Hold] = []
        self.proven: list[str] = []
        self.ids: list[str] = []
        """Every item's id in the problem, sorted (for the id tie-break)."""
        self.incumbent: _Plan | None = None
        """The last plan read: it keeps every hold, so each later problem may start from it."""
        self.probes: list[tuple[str, ...]] = []
        """Plans known not to fit the weekly hours: the next problem gets rows for the stretches
        of weeks they overfill (added to :attr:`stretches`), and the list is emptied."""
        self.stretches: set[tuple[int, int]] = set()
        """Stretches of weeks whose hours rows an answer needed: every later problem has them."""

    def solve(
        self,
        objective: Callable[[Formulation], Any],
        *extra: Hold,
        gap: float,
        first: bool = False,
        start: bool = True,
    ) -> tuple[Run, Formulation]:
        """Solve a fresh problem with the holds so far, ``extra`` rows and ``objective``.

        With ``start``, the incumbent (which keeps every hold) is handed to the solver.
        """
        formulation = self.build()
        self.ids = self.ids or sorted(formulation.take)
        for probe in self.probes:
            self.stretches.update(
                formulation.broken_stretches([i for i in probe if i in formulation.take])
            )
        self.probes = []
        for hold in (*self.holds, *extra):
            hold(formulation)
        formulation.problem.setObjective(objective(formulation))
        values = None
        if start and self.incumbent is not None:
            values = _start_values(formulation, self.incumbent)
        run = _run(
            formulation,
            self.solver,
            self.deadline,
            gap,
            first=first,
            stretches=self.stretches,
            start=values,
        )
        return run, formulation

    def read(self, formulation: Formulation) -> _Plan:
        """The plan in the solver's answer, checked against the rules, made irredundant."""
        chosen = _taken(formulation)
        picked = [p for p, var in formulation.choose_path.items() if (var.value() or 0) > 0.5]
        if len(picked) != 1 or not formulation.allows(chosen, picked[0]):
            raise SolverError("the solver returned a plan that breaks the planning rules")
        self.incumbent = self.settle(formulation, picked[0], chosen)
        return self.incumbent

    def settle(self, formulation: Formulation, path: int, chosen: list[str]) -> _Plan:
        """``chosen`` less what ``path`` does not need, reported under the first path it meets."""
        items = [formulation.candidates[i] for i in chosen]
        rule = formulation.paths[path]
        kept = drop_redundant(items, rule, formulation.earned, formulation.passed)
        ids = tuple(sorted(c.id for c in kept))
        first = first_path(formulation, kept)
        return _Plan(path if first is None else first, ids)

    def better(self, a: _Plan, b: _Plan) -> _Plan:
        key = self.objective.key
        return min((a, b), key=lambda p: key(self.evaluate(p.path, p.chosen)))

    def unique(self, plan: _Plan, effort: float | None = None) -> bool | None:
        """Whether ``plan``'s items are the only ones that meet the rules and holds so far.

        Proving that no other plan exists can take far longer than the stages it would spare,
        so the solver gets ``effort`` seconds at most: ``False`` when it finds another plan or
        cannot tell in that time (the stages then settle the ties), ``None`` when the time of
        the whole call ran out first.
        """
        picked = set(plan.chosen)

        def other(formulation: Formulation) -> None:
            take = formulation.take
            formulation.problem.addConstraint(
                pulp.lpSum(1 - take[i] for i in take if i in picked)
                + pulp.lpSum(take[i] for i in take if i not in picked)
                >= 1,
                "other_plan",
            )

        deadline = self.deadline
        if effort is not None:
            self.deadline = deadline.within(effort)
        try:
            run, _ = self.solve(lambda f: pulp.lpSum([]), other, gap=_WHOLE_GAP, start=False)
        finally:
            self.deadline = deadline
        if run.status == "infeasible":
            return True
        if run.status in ("optimal", "feasible") or not deadline.expired:
            return False
        return None


def _run(
    formulation: Formulation,
    solver: Solver,
    deadline: Deadline,
    gap: float,
    *,
    first: bool = False,
    stretches: set[tuple[int, int]] | None = None,
    start: Mapping[str, float] | None = None,
) -> Run:
    """Solve within what is left of ``deadline``; with no time left, say so without solving.

    Under a weekly limit, the stretches of weeks in ``stretches`` and the stretch of all the
    runs (:meth:`~ceplan.model.block.Weekly.first_stretches`) get their rows first; while an
    answer overfills another stretch, its row is added and the problem solved again. The
    stretches found are added to ``stretches``, for the next problem. The ``first`` solve of a
    plan (the cheapest plan) always gets a short try.
    """
    weekly = formulation.weekly
    if weekly is None:
        return _run_once(formulation, solver, deadline, gap, first=first, start=start)
    known = stretches if stretches is not None else set()
    known |= weekly.first_stretches()
    for first_run, last_run in sorted(known):
        formulation.add_stretch(first_run, last_run)
    while True:
        run = _run_once(formulation, solver, deadline, gap, first=first, start=start)
        if run.status not in ("optimal", "feasible"):
            return run
        broken = formulation.broken_stretches()
        if not broken:
            return run
        for first_run, last_run in broken:
            formulation.add_stretch(first_run, last_run)
            known.add((first_run, last_run))
        first = False


def _run_once(
    formulation: Formulation,
    solver: Solver,
    deadline: Deadline,
    gap: float,
    *,
    first: bool,
    start: Mapping[str, float] | None,
) -> Run:
    seconds = deadline.remaining()
    if seconds is not None and first:
        seconds = max(seconds, 0.01)
    elif seconds is not None and seconds <= 0:
        return Run("unknown", "time_limit")
    if start is None:
        return solver.run(formulation.problem, seconds, gap)
    return solver.run(formulation.problem, seconds, gap, start=start)


def _start_values(formulation: Formulation, plan: _Plan) -> dict[str, float]:
    """The items and path of ``plan`` as values of ``formulation``'s variables."""
    chosen = set(plan.chosen)
    values = {var.name: float(i in chosen) for i, var in formulation.take.items()}
    values.update((var.name, float(p == plan.path)) for p, var in formulation.choose_path.items())
    return values


def _taken(formulation: Formulation) -> list[str]:
    """The ids of the items the solver's answer takes (binaries read as ``value > 0.5``)."""
    return [i for i, var in formulation.take.items() if (var.value() or 0) > 0.5]


def first_path(formulation: Formulation, items: Sequence[Candidate]) -> int | None:
    """The first path in the tier that ``items`` meet with each of them needed, if any.

    When two paths are met by the very same items, the one listed first wins (SPEC 3).
    """
    return next(
        (p for p in sorted(formulation.paths) if irredundant_for(formulation, p, items)), None
    )


def irredundant_for(formulation: Formulation, path: int, items: Sequence[Candidate]) -> bool:
    """Whether ``items`` meet path ``path`` with each of them needed (SPEC 3)."""
    items = list(items)
    rule = formulation.paths[path]
    if not formulation.meets([c.id for c in items], path):
        return False
    return len(drop_redundant(items, rule, formulation.earned, formulation.passed)) == len(items)


def solve_in_stages(
    build: Callable[[], Formulation],
    objective: Objective,
    solver: Solver,
    deadline: Deadline,
    *,
    evaluate: Evaluate,
    completion: Callable[[tuple[str, ...]], dt.date] | None = None,
    probes: Sequence[Sequence[str]] = (),
) -> Solution:
    """The first plan in ``objective``'s order, or why there is none.

    ``build`` makes a fresh :class:`Formulation` each time it is called. ``evaluate`` gives
    the objective's view of a plan; ``completion`` the latest day a set of items can complete
    (needed for the renewal stage). ``probes`` are plans known not to fit the weekly hours
    (the cheapest plan without the limit): the stretches of weeks they overfill get their rows
    from the first solve on.

    The stages are settled in order, each as it says (:class:`~ceplan.objective.Settled`);
    after the first, and before the ids, the solver is asked whether the plan is the only one
    left, which settles every stage still open.
    """
    stages = _Stages(build, solver, deadline, evaluate, objective)
    stages.probes = [tuple(probe) for probe in probes]
    first, *rest = objective.stages
    started = time.perf_counter()
    run, formulation = stages.solve(partial(_expression, stage=first), gap=_WHOLE_GAP, first=True)
    effort = max(_LEAST_EFFORT, _EFFORT * (time.perf_counter() - started))
    if run.status in ("infeasible", "unknown"):
        return Solution(run.status, run.termination, solver=solver.name)
    plan = stages.read(formulation)
    if run.status == "feasible":
        return _solution(stages, plan, "feasible", run.termination, run.gap)
    stages.holds.append(_hold(first, evaluate(plan.path, plan.chosen)))
    stages.proven.append(first.name)
    for n, stage in enumerate(rest):
        if n == 0 or stage.settled is Settled.IDS:
            unique = stages.unique(plan, effort)
            if unique is None:
                return _solution(stages, plan, "feasible", "time_limit", 0.0)
            if unique:
                stages.proven.extend(later.name for later in rest[n:])
                break
        plan, stopped = _settle(stages, stage, plan, completion)
        if stopped is not None:
            return _solution(stages, plan, "feasible", stopped, 0.0)
        stages.proven.append(stage.name)
    return _solution(stages, plan, "optimal", "solved", 0.0)


def _settle(
    stages: _Stages,
    stage: Stage,
    plan: _Plan,
    completion: Callable[[tuple[str, ...]], dt.date] | None,
) -> tuple[_Plan, Termination | None]:
    """Settle ``stage`` from the incumbent ``plan``, and hold it for the stages after it.

    Returns the plan, and why the search stopped short if it did (the plan is then the best
    found so far).
    """
    if stage.settled is Settled.IDS:
        return _smallest_ids(stages, plan)
    if stage.settled is Settled.RENEWAL:
        assert completion is not None, "the renewal stage needs completion()"
        floor = completion(plan.chosen)
        goal = partial(_later_renewal, floor=floor)
    else:
        goal = partial(_expression, stage=stage)
    run, formulation = stages.solve(goal, gap=_WHOLE_GAP)
    if run.status != "optimal":
        if run.status == "feasible":
            plan = stages.better(plan, stages.read(formulation))
        return plan, run.termination if run.termination != "solved" else "solver_stopped"
    plan = stages.read(formulation)
    if stage.settled is Settled.RENEWAL:
        days = round(-float(pulp.value(formulation.problem.objective) or 0.0))
        stages.holds.append(_hold_renewal(floor + dt.timedelta(days=days)))
    else:
        stages.holds.append(_hold(stage, stages.evaluate(plan.path, plan.chosen)))
    return plan, None


def _solution(
    stages: _Stages, plan: _Plan, status: Status, termination: Termination, gap: float | None
) -> Solution:
    return Solution(
        status=status,
        termination=termination,
        path=plan.path,
        chosen=plan.chosen,
        gap=gap,
        proven=tuple(stages.proven),
        solver=stages.solver.name,
    )


def _later_renewal(formulation: Formulation, *, floor: dt.date) -> Any:
    """Minus the days after ``floor`` of the renewal: minimised, the latest renewal."""
    return -formulation.add_renewal(floor)


def _expression(formulation: Formulation, *, stage: Stage) -> Any:
    return formulation.expression(stage)


def _add(formulation: Formulation, row: Any, name: str) -> None:
    formulation.problem.addConstraint(row, name)


def _hold(stage: Stage, outcome: Outcome) -> Hold:
    """The rows that keep ``stage`` (cost, hours or count) at the optimum just found.

    Both ways: nothing better exists, so nothing is lost, and saying so helps the solver prove
    the later stages (above all, that a plan is the only one left). Each of these objectives is
    a whole number, held within half of one: an equality row of large whole numbers could fail
    the solver's own tolerance.
    """
    return partial(_hold_whole, stage=stage, outcome=outcome)


def _hold_whole(formulation: Formulation, *, stage: Stage, outcome: Outcome) -> None:
    value = formulation.whole(stage, outcome)
    expression = formulation.expression(stage)
    _add(formulation, expression <= value + 0.5, f"hold_{stage.name}")
    _add(formulation, expression >= value - 0.5, f"hold_{stage.name}_least")


def _hold_renewal(day: dt.date) -> Hold:
    """Rows that keep the renewal on or after ``day`` (markers only from that day on)."""

    def hold(formulation: Formulation) -> None:
        formulation.add_renewal(day)

    return hold


def _smallest_ids(stages: _Stages, plan: _Plan) -> tuple[_Plan, Termination | None]:
    """Among the tied plans, the one whose sorted ids come first.

    Position by position: the next id of the incumbent is kept unless a smaller id that is
    still open can be in a tied plan; only then does the solver find the smallest such id (and
    a plan holding it). Returns the plan, and why it stopped early if it did.
    """
    fixed_in: list[str] = []
    fixed_out: set[str] = set()
    all_ids = stages.ids
    size = len(plan.chosen)
    while len(fixed_in) < size:
        nxt = min(i for i in plan.chosen if i not in fixed_in)
        open_ids = [i for i in all_ids if i < nxt and i not in fixed_out and i not in fixed_in]
        if not open_ids:
            fixed_in.append(nxt)
            continue
        offered = [*open_ids, nxt]
        markers: dict[str, Any] = {}

        def smallest(
            f: Formulation, offered: list[str] = offered, markers: dict[str, Any] = markers
        ) -> Any:
            for n, i in enumerate(offered):
                markers[i] = f.problem.add_variable(f"first_{n}", 0, 1, cat=pulp.LpBinary)
                f.problem.addConstraint(markers[i] <= f.take[i], f"first_in_plan_{n}")
            f.problem.addConstraint(pulp.lpSum(markers.values()) == 1, "one_first")
            return pulp.lpSum(rank * markers[i] for rank, i in enumerate(offered))

        fixings = _fixings(fixed_in, fixed_out)
        run, formulation = stages.solve(smallest, fixings, gap=_WHOLE_GAP)
        if run.status != "optimal":
            if run.status == "feasible":
                plan = stages.better(plan, stages.read(formulation))
            return plan, run.termination if run.termination != "solved" else "solver_stopped"
        pick = next((i for i, var in markers.items() if (var.value() or 0) > 0.5), None)
        if pick is None or pick not in _taken(formulation):
            raise SolverError("the solver returned an answer that breaks the planning rules")
        fixed_out.update(i for i in open_ids if i < pick)
        fixed_in.append(pick)
        plan = stages.read(formulation)
    return plan, None


def _fixings(fixed_in: list[str], fixed_out: set[str]) -> Hold:
    ins, outs = list(fixed_in), sorted(fixed_out)

    def fix(formulation: Formulation) -> None:
        for n, i in enumerate(ins):
            formulation.problem.addConstraint(formulation.take[i] == 1, f"fix_in_{n}")
        for n, i in enumerate(outs):
            formulation.problem.addConstraint(formulation.take[i] == 0, f"fix_out_{n}")

    return fix


def _least_of(
    build: Callable[[], Formulation],
    solver: Solver,
    deadline: Deadline,
    expression: Callable[[Formulation], Any],
    gap: float,
) -> Formulation | None:
    """The problem solved for the least ``expression``, or ``None`` (no plan, or no time)."""
    formulation = build()
    formulation.problem.setObjective(expression(formulation))
    run = _run(formulation, solver, deadline, gap)
    return formulation if run.status == "optimal" else None


def cheapest_plan(
    build: Callable[[], Formulation], solver: Solver, deadline: Deadline
) -> tuple[int, tuple[str, ...]] | None:
    """A cheapest plan's cost in cents and its items, without tie-breaks.

    ``None``: no plan, or none proved cheapest in the time left.
    """
    formulation = _least_of(build, solver, deadline, lambda f: f.cost, _WHOLE_GAP)
    if formulation is None:
        return None
    return round(float(pulp.value(formulation.cost) or 0.0)), tuple(sorted(_taken(formulation)))


def least(
    build: Callable[[], Formulation],
    solver: Solver,
    deadline: Deadline,
    expression: Callable[[Formulation], Any],
    *,
    gap: float = _WHOLE_GAP,
) -> float | None:
    """The least value of ``expression`` over all plans (``None``: no plan, or no time)."""
    formulation = _least_of(build, solver, deadline, expression, gap)
    return None if formulation is None else float(pulp.value(expression(formulation)) or 0.0)
