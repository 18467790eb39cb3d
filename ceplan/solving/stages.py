"""Solving one person's :class:`~ceplan.model.block.Formulation` stage by stage.

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

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import pulp

from ceplan.candidates.items import Candidate, drop_redundant
from ceplan.errors import SolverError
from ceplan.model.block import Formulation
from ceplan.objective import Objective, Outcome, Settled, Stage
from ceplan.solving import loop
from ceplan.solving.backends import Solver
from ceplan.status import Deadline, Run, Solution, Status, Termination

__all__ = ["cheapest_plan", "first_path", "irredundant_for", "least", "solve_in_stages"]


_WHOLE_GAP = 0.5
"""Absolute gap of every stage: each objective is a whole number (cents, steps of hours, days,
items), so an optimum within half of one is exact."""


_EFFORT, _LEAST_EFFORT = 3.0, 0.05
"""The solver may spend ``_EFFORT`` times as long as the cheapest plan took to find (and at
least ``_LEAST_EFFORT`` seconds) proving that a plan is the only one left (see
:meth:`_Stages.unique`); chosen by measurement on ten generated catalogues of 1,000 and 3,000
activities under a binding weekly limit, against 1x and no limit."""


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
        _seed(formulation, self.stretches)
        run = loop.solve(
            formulation.problem,
            [formulation],
            self.solver,
            self.deadline,
            gap,
            start=values,
            feasible=values is not None,
            first=first,
        )
        self.stretches |= formulation.stretches
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


def _seed(formulation: Formulation, known: set[tuple[int, int]]) -> None:
    """Give a fresh problem the hours rows earlier answers needed, and the stretch of all runs.

    Each stage builds its problem afresh: the stretches of weeks that answers of earlier
    stages overfilled (``known``) will be needed again, so they get their rows before the
    first solve, as does the stretch of all the runs
    (:meth:`~ceplan.model.block.Weekly.first_stretches`).
    """
    weekly = formulation.weekly
    if weekly is None:
        return
    for first_run, last_run in sorted(known | weekly.first_stretches()):
        formulation.add_stretch(first_run, last_run)


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
    _seed(formulation, set())
    run = loop.solve(formulation.problem, [formulation], solver, deadline, gap)
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
