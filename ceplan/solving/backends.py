"""The MILP solvers ceplan runs: HiGHS in this process, CBC as a program, or a PuLP solver.

Each :class:`Solver` solves one PuLP problem within a time limit and to an absolute gap, and says
how it ended as a :class:`~ceplan.status.Run` (status, termination, objective, bound). What to do
with that answer (solve again with the rows it breaks, ask again when a solver is known to be
wrong) is :mod:`ceplan.solving.loop`'s; the order of stages is :mod:`ceplan.solving.stages`'s and
:mod:`ceplan.solving.team`'s.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import math
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

import pulp

from ceplan.errors import SolverError
from ceplan.status import SOLVERS, Run, Termination

__all__ = [
    "HIGHS_OPTIONS",
    "CbcSolver",
    "HighsSolver",
    "Solver",
    "make_solver",
    "overdue",
    "silence_highs_banner",
]

HIGHS_OPTIONS: dict[str, Any] = {}
"""Options every HiGHS solve gets, beyond the time limit and gaps: none. Turning presolve off
made some solves five times faster and others twice as slow; over all the scenarios of
``bench/bench_highs_options.py`` (which compares option sets on the same plans) the two came
out even, so HiGHS's defaults stay."""


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

                silence_highs_banner(highspy)

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

        silence_highs_banner(highspy)

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickled in another process (a worker): that process's HiGHS banner goes too."""
        self.__dict__.update(state)
        import highspy

        silence_highs_banner(highspy)

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
        HiGHS's presolve off, for a second opinion. What to make of an answer (HiGHS 1.16 has
        been wrong both with a start and in presolve) is :func:`ceplan.solving.loop.solve`'s.
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


def silence_highs_banner(highspy: Any) -> None:
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
