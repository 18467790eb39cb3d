"""Solving the team model (:mod:`ceplan.model.team`) stage by stage, and reading its answer.

The objective (:data:`ceplan.objective.TEAM`), in order:

1. ``priority``: the largest total priority of the people who renew;
2. ``out_of_pocket``: the least out-of-pocket spend (fund money is already spent);
3. ``hours``: the fewest hours in total (counted in one step for the whole team, see
   :func:`~ceplan.units.hours_scale`);
4. ``renewal``: the latest renewals, as the sum over the people with weekly hours of the days
   from today to the day their path is met (the one-person markers of
   :meth:`~ceplan.model.block.Formulation.add_renewal`). For everyone else the order takes
   the renewal to be their do-by date whatever they take, as :func:`ceplan.optimise` does
   (its order for a plan without dates has no renewal stage);
5. ``ids``: each person on their own (:func:`_each_person`): among the plans that use the
   same money from each budget period and fund and the same hours (and renew no earlier),
   their one-person tie-break, the fewest items and then the smallest ids in sort order;
   last, their items are paid as early as they can be. There is no order by person ids.

Each stage's optimum is held while the next runs. With ample budgets no person's choice
touches another's, so each stage's best total is every person's own best, and every person's
plan is their one-person plan (:data:`~ceplan.objective.ONE_PERSON` or, with weekly hours,
:data:`~ceplan.objective.ONE_PERSON_OVER_TIME`), dates included: once the items are chosen,
each person's are scheduled as their one-person plan's are (:func:`ceplan.model.schedule.schedule`,
as late as the do-by date and the weekly hours allow, never before they are paid).

Whatever stops the search, the plan read from an answer is irredundant: what a person's path
does not need is dropped, and the money it took goes back (:func:`_solution`).

A time limit is for the whole solve (every stage and every call): when it runs out, the best
plan found so far is returned, ``feasible``, with the stage it stopped in and, where the solver
gives one, the stage's relative gap (a number from 0 to 1). When it stops the first stage, a
plan made without the solver (:func:`first_come_plan`: each person's own plan, highest priority
first, paid while the money lasts) is used if it renews more priority.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pulp

from ceplan.candidates.items import Candidate, drop_redundant, meets
from ceplan.catalogue.models import Catalog, PathRule
from ceplan.errors import PlanInputError
from ceplan.model.block import Formulation, unique_name
from ceplan.model.schedule import schedule
from ceplan.model.team import (
    Member,
    Segment,
    TeamModel,
    _copies,
    add_member,
    segments_of,
    who_may_pay,
)
from ceplan.objective import OUT_OF_POCKET, PRIORITY, TEAM, TEAM_HOURS, Settled, TeamStage
from ceplan.requests.person import PlanRequest
from ceplan.roster.models import Person, Roster
from ceplan.solving import loop
from ceplan.solving.backends import Solver, make_solver, silence_highs_banner
from ceplan.solving.progress import Progress, stage_label
from ceplan.solving.stages import first_path
from ceplan.status import Deadline, Run, Status, Termination, relative_gap
from ceplan.units import CREDIT_TOLERANCE, hours_scale
from ceplan.weeks import Calendar

__all__ = [
    "Dated",
    "Paid",
    "Taken",
    "TeamOfOne",
    "TeamSolution",
    "dated",
    "first_come_plan",
    "least_money",
    "settle_alone",
    "settle_column",
    "solve_team",
    "team_of_one",
]


@dataclass(frozen=True)
class Taken:
    """An item in a person's plan: which one, paid when and how, done when."""

    item: str
    paid_on: dt.date
    """The day it is paid: its cost falls in the budget period holding it."""
    cents: int
    period: int | None
    paid_by_fund: Mapping[int, float]
    """Cents paid by each fund (position), possibly in part."""
    start: dt.date
    finish: dt.date
    """When it is done, as in a one-person plan (``paid_on <= start <= finish``)."""
    complete_by: dt.date
    """Its do-by date."""
    hours: float


@dataclass(frozen=True)
class TeamSolution:
    """What the solver found: who renews with what, what each period and fund paid."""

    status: Status
    """``"optimal"`` (every stage proved), ``"feasible"``, ``"unknown"``."""
    termination: Termination
    gap: float | None
    """The relative gap (0 to 1) of the stage the search stopped in (0 when all were proved,
    ``None`` when the solver gave none)."""
    stopped_in: str | None
    """The stage a limit stopped, if one did."""
    renews: Mapping[str, bool]
    paths: Mapping[str, int | None]
    taken: Mapping[str, tuple[Taken, ...]]
    spent: Mapping[int, float]
    """Out-of-pocket cents by budget period."""
    used: Mapping[int, float]
    """Cents paid by each fund."""
    out_of_pocket: float
    priority: float


def solve_team(
    model: TeamModel,
    *,
    seconds: float | None = None,
    progress: Callable[[str], None] | None = None,
    fallback: Callable[[], Sequence[tuple[str, Sequence[str]]]] | None = None,
    deadline: Deadline | None = None,
    solver: Solver | None = None,
) -> TeamSolution:
    """Solve the stages of :data:`~ceplan.objective.TEAM` in turn, each optimum held after.

    ``seconds`` limits the whole solve (or ``deadline``, shared with other work); ``solver``
    solves every stage (HiGHS by default). ``progress`` is called with a line of text as each
    stage begins and ends, and now and then as stage 5 settles people (a
    :class:`~ceplan.solving.progress.Progress`, or a function taking a line: the command line
    shows them on a terminal). When the limit stops the first
    stage before the solver has any plan, ``fallback`` (if given) is asked for each person's
    own plan, in the order to try them (people, with the catalogue ids of their items):
    :func:`first_come_plan` pays for them in that order while the money lasts, and that plan is
    the answer, ``feasible``, with the gap to the solver's bound on the priority renewed. So is
    it when the limit stops the first stage with a plan that renews less priority. The gap of a
    plan stopped in the first stage is measured against the best priority the bound allows.
    """
    search = _Search(model, solver or make_solver("highs"), deadline or Deadline(seconds))
    told = Progress.of(progress)
    renewals: dict[str, Any] = {}
    for stage in TEAM:
        began = time.perf_counter()
        expression = None
        said = told.part(stage_label(stage.name))
        if stage.settled is Settled.EACH_PERSON:
            said("each person's tie-break")
            run = _each_person(search, renewals, said)
        else:
            if stage.settled is Settled.RENEWAL:
                renewals = _renewals(model)
            expression = _expression(model, stage, renewals)
            if expression is not None:
                said("solving")
            run = None if expression is None else search.solve(expression)
        said(f"{'optimal' if run is None else run.status} in {time.perf_counter() - began:.1f} s")
        if run is None:
            continue
        if stage is TEAM[0] and run.status != "optimal":
            if run.status == "infeasible":  # nobody renewing is always possible
                raise PlanInputError("the team model has no answer (infeasible)")
            found = float(pulp.value(model.priority) or 0) if run.status == "feasible" else None
            ceiling = None
            if fallback is not None:
                # The first-come plan, when the solver has none or a worse one.
                kept = dict(search.best)
                said("the first-come plan: each person's own plan, highest priority first")
                plans = fallback()
                # Nobody without a plan of their own can renew: a bound on the priority.
                ceiling = sum(model.priority.get(model.renew[p], 0.0) for p, _ in plans)
                if first_come_plan(model, plans):
                    priority = float(pulp.value(model.priority) or 0)
                    if found is None or priority > found + 1e-9:
                        gap = _gap(run, priority, ceiling)
                        return _solution(model, "feasible", run.termination, gap, stage.name)
                search.best = kept
                search.restore()
            if found is None:
                return _nothing(model, run.termination, stage.name)
            gap = _gap(run, found, ceiling)
            return _solution(model, "feasible", run.termination, gap, stage.name)
        if run.status != "optimal":
            if run.status == "infeasible":  # the held optima keep the last answer feasible
                raise PlanInputError(f"the team model lost its answer in stage {stage.name}")
            search.restore()
            gap = _stage_gap(run, stage) if run.status == "feasible" else None
            termination = run.termination if run.termination != "solved" else "solver_stopped"
            return _solution(model, "feasible", termination, gap, stage.name)
        if expression is not None and stage.held_within is not None:
            value = round(float(pulp.value(expression) or 0.0))
            model.problem += expression <= value + stage.held_within, f"hold_{stage.name}"
    return _solution(model, "optimal", "solved", 0.0, None)


def settle_alone(
    model: TeamModel,
    person: str,
    path: int,
    taken: Sequence[tuple[str, int, Mapping[int, float]]],
    solver: Solver,
    deadline: Deadline,
) -> TeamSolution | None:
    """Stage 5 for a person of a team planned another way: their tie-break from a plan in hand.

    ``model`` is the person alone (a team of one, with what the team's plan gave them as its
    budget periods and funds); ``taken`` is their plan: each item's catalogue id, the segment it
    is paid in and what each fund pays, meeting path ``path``. With that plan's money and
    hours held, as :func:`_each_person` holds them, :func:`_tie_break` gives the fewest items,
    then the smallest ids, paid as early as can be. ``None`` when the plan in hand is not one
    of the model's (an item it leaves out as never needed) or the deadline stopped it: the
    caller then plans the person from scratch or keeps the plan in hand.
    """
    member = model.members[person]
    block = member.block
    copy_of = {(item.id, n): copy.id for copy, (item, n) in model.copied[person]}
    values = {variable.name: 0.0 for variable in _variables(member)}
    values[member.renew.name] = 1.0
    values[block.choose_path[path].name] = 1.0
    for item, segment, funds in taken:
        copy = copy_of.get((item, segment))
        if copy is None:
            return None
        values[block.take[copy].name] = 1.0
        for f, cents in funds.items():
            variable = member.pay.get((copy, f))
            if variable is None:
                return None
            values[variable.name] = cents
    for variable in _variables(member):
        variable.varValue = values[variable.name]
    held = _Held(
        spend={n: float(cents) for n, cents in enumerate(model.budget_cents)},
        funds={n: float(cents) for n, cents in enumerate(model.fund_cents)},
        out_of_pocket=float(pulp.value(member.out_of_pocket) or 0.0),
        hours=float(pulp.value(member.hours) or 0.0),
        renewal=None,
    )
    alone = _Search(_alone(model, person, held), solver, deadline)
    mine = _variables(alone.model.members[person])
    for variable in mine:
        variable.varValue = values.get(variable.name)
    alone.best = {variable.name: variable.varValue for variable in mine}
    if _tie_break(alone, person) is not None:
        return None
    alone.restore()
    return _solution(alone.model, "optimal", "solved", 0.0, None)


def settle_column(
    part: TeamOfOne,
    path: int,
    taken: Sequence[tuple[str, int, Mapping[int, float]]],
    solver: Solver,
    deadline: Deadline,
    memo: dict[Any, _Answer] | None = None,
) -> TeamSolution | None:
    """:func:`settle_alone` for a person without weekly hours or days away, made smaller.

    ``part`` is the person alone as :func:`~ceplan.model.team.build_team` would build them
    (their items, one copy per segment each may be paid in), with what the team's plan gave
    them as its budget periods and funds; ``path`` and ``taken`` are their plan in hand, as for
    :func:`settle_alone`. The answer is the same as :func:`settle_alone`'s on the same team of
    one, the same items paid in the same segments: only what the solver is given is less.

    - Only the items that can be in a plan of no more items than the plan in hand, within its
      hours and money, are given to the solver (:func:`_may_matter`). The tie-break's first
      step is the fewest items, so no other can be in its answer; it never sees them.
    - The problem the solver is given, and so the answer, is built from nothing but what
      :func:`_settle_key` holds: those items as the problem reads them (ids, credits, kinds,
      cost, hours, the day and segment each copy is paid in, who may pay there), the paths,
      credits earned and exams passed, the team's hours step, what they hold, and the plan in
      hand. Not from their id, name or priority (the problem names them ``p0``), nor from the
      days their items must be done by, which only date the plan (:func:`dated`, with their
      own items). So ``memo`` (by that key) answers a person alike in all of it at once: a
      team has many people alike.

    ``None`` when the plan in hand is not one of the person's ways (an item their model leaves
    out as never needed) or the deadline stopped it, as for :func:`settle_alone`.
    """
    if part.request.timed:
        raise ValueError("settle_column is for people without weekly hours or days away")
    person = part.person.id
    copy_of = {(item.id, n): copy for copy, (item, n) in part.copied}
    in_hand: list[tuple[Candidate, Mapping[int, float]]] = []
    for item, segment, funds in taken:
        copy = copy_of.get((item, segment))
        if copy is None:
            return None
        payers = who_may_pay(copy, part.segments[segment], part.roster)
        if any(f not in (payers[1] if payers else ()) for f in funds):
            return None
        in_hand.append((copy, funds))
    held = _Held(
        spend={n: float(cents) for n, cents in enumerate(part.budget_cents)},
        funds={n: float(cents) for n, cents in enumerate(part.fund_cents)},
        out_of_pocket=float(sum(c.cents - sum(funds.values()) for c, funds in in_hand)),
        hours=float(sum(round(c.hours * part.hours_scale) for c, _ in in_hand)),
        renewal=None,
    )
    own = {copy.id: copy for copy, _ in part.copied}
    keep = _may_matter(part, held, len(in_hand)) | {item for item, _, _ in taken}
    small = dataclasses.replace(
        part, copied=[(c, origin) for c, origin in part.copied if origin[0].id in keep]
    )
    key = _settle_key(small, path, taken)
    answer = None if memo is None else memo.get(key)
    if answer is None:
        model = _alone_model(small, held)
        member = model.members[person]
        block = member.block
        values = {variable.name: 0.0 for variable in _variables(member)}
        values[member.renew.name] = 1.0
        values[block.choose_path[path].name] = 1.0
        for copy, funds in in_hand:
            values[block.take[copy.id].name] = 1.0
            for f, cents in funds.items():
                values[member.pay[copy.id, f].name] = cents
        for variable in _variables(member):
            variable.varValue = values[variable.name]
        # The plan in hand (the person's choices) is handed to each solve as a start: on these
        # small problems finding a first answer is most of HiGHS's work.
        search = _Search(model, solver, deadline, start=list(values))
        search.best = dict(values)
        if _tie_break(search, person) is not None:
            return None
        search.restore()
        answer = _answer(model, person, _payers(model))
        if memo is not None:
            memo[key] = answer
    mine = _dated_answer(answer, own, part.request)
    return TeamSolution(
        status="optimal",
        termination="solved",
        gap=0.0,
        stopped_in=None,
        renews={person: True},
        paths={person: answer.path},
        taken={person: mine.rows},
        spent=mine.spent,
        used=mine.used,
        out_of_pocket=mine.out_of_pocket,
        priority=float(part.person.priority),
    )


def _settle_key(
    part: TeamOfOne, path: int, taken: Sequence[tuple[str, int, Mapping[int, float]]]
) -> tuple[Any, ...]:
    """All that :func:`settle_column`'s answer depends on (see there), as one hashable key.

    For each copy of an item: its id and catalogue id, credits, kind, cost, hours, the day it
    is paid and its segment, with the segment's budget period and who may pay there.
    """
    request = part.request
    copies = tuple(
        (
            copy.id,
            item.id,
            copy.is_exam,
            copy.kind,
            copy.credits,
            copy.cents,
            copy.hours,
            copy.first,
            n,
            part.segments[n].period,
            who_may_pay(copy, part.segments[n], part.roster),
        )
        for copy, (item, n) in part.copied
    )
    paths = tuple(
        (n, rule.credits, tuple(sorted(rule.exams.items())))
        for n, rule in sorted(part.paths.items())
    )
    plan = tuple((item, segment, tuple(sorted(funds.items()))) for item, segment, funds in taken)
    return (
        copies,
        paths,
        request.today,
        request.earned,
        request.passed,
        request.too_late,
        part.hours_scale,
        tuple(part.budget_cents),
        tuple(part.fund_cents),
        path,
        plan,
    )


def _may_matter(part: TeamOfOne, held: _Held, count: int) -> frozenset[str]:
    """The items (catalogue ids) that can be in a plan of at most ``count`` items within ``held``.

    A lower bound on the number of items of any plan that takes a given item, path by path:
    Lagrange's, from the duals of the linear relaxation of "fewest items" with the rows that
    bound a plan whatever its segments (credits, exams of each kind, hours, and the cost of it
    all: at most what is held out of pocket and from the funds). An item whose bound exceeds
    ``count`` on every path is in no such plan. The bound is computed here from the duals (of
    the right sign, any values), so it is a true bound whatever the solver's accuracy; if the
    relaxation cannot be solved, every item is kept.
    """
    items: dict[str, Candidate] = {}
    for _, (item, _) in part.copied:
        items.setdefault(item.id, item)
    ordered = sorted(items.values(), key=lambda c: c.id)
    if not ordered:
        return frozenset()
    scale = part.hours_scale
    request = part.request
    earned = min(float(request.earned), max(rule.credits for rule in part.paths.values()))
    passed = dict(request.passed)
    exam = np.array([c.is_exam for c in ordered])
    credits = np.where(exam, 0.0, [c.credits for c in ordered])
    hours = np.array([round(c.hours * scale) for c in ordered], dtype=np.float64)
    cents = np.array([c.cents for c in ordered], dtype=np.float64)
    kinds = np.array([(c.kind or "") if c.is_exam else "" for c in ordered])
    money = held.out_of_pocket + 1e-6 + sum(held.funds.values())
    keep = np.zeros(len(ordered), dtype=bool)
    for rule in part.paths.values():
        need = rule.credits - earned
        allowed = exam & (kinds == "")  # an exam of no kind is free of the exam rows
        rows: list[tuple[np.ndarray, float, float]] = [
            (hours, -np.inf, held.hours + 0.5),
            (cents, -np.inf, money),
        ]
        if need > CREDIT_TOLERANCE:
            allowed |= ~exam
            rows.append((credits, need - CREDIT_TOLERANCE, np.inf))
        for kind, wanted in sorted(rule.exams.items()):
            of_kind = exam & (kinds == kind)
            allowed |= of_kind
            least = wanted - passed.get(kind, 0)
            rows.append((of_kind.astype(np.float64), float(least), float(max(0, least))))
        where = np.flatnonzero(allowed)
        if len(where):
            bound = _fewest_with_each([(a[where], lo, up) for a, lo, up in rows], len(where))
            keep[where] |= bound <= count + 1e-6
    return frozenset(c.id for c, kept in zip(ordered, keep, strict=True) if kept)


def _fewest_with_each(rows: Sequence[tuple[np.ndarray, float, float]], n: int) -> np.ndarray:
    """For each of ``n`` items: a lower bound on the items of any plan within ``rows`` with it.

    Each item is taken or not (0 or 1); ``rows`` are ``(coefficients, lower, upper)``.
    Lagrange's bound with the duals of the linear relaxation: for multipliers ``y`` (``y >= 0``
    on a row's lower side, ``<= 0`` on its upper side), any plan has at least
    ``sum(y * side) + sum(min(0, d))`` items, with ``d = 1 - y A`` the reduced costs; taking
    item ``j`` adds ``max(0, d_j)``. Infinite for every item when the relaxation has no answer
    and its certificate (a dual ray) checks out here; 0 when it is not solved.
    """
    import highspy

    silence_highs_banner(highspy)
    h: Any = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.ones(n))
    for a, lower, upper in rows:
        index = np.flatnonzero(a).astype(np.int32)
        h.addRow(max(lower, -inf), min(upper, inf), len(index), index, a[index].astype(np.float64))
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        _, has_ray, ray = h.getDualRay()
        if has_ray and any(_no_plan(rows, sign * np.asarray(ray)) for sign in (1.0, -1.0)):
            return np.full(n, np.inf)
        return np.zeros(n)
    if status != highspy.HighsModelStatus.kOptimal:
        return np.zeros(n)
    side, weights = _combined(rows, np.asarray(h.getSolution().row_dual))
    reduced = 1.0 - weights
    least = side + float(np.minimum(reduced, 0.0).sum())
    return least - np.minimum(reduced, 0.0) + reduced


def _combined(
    rows: Sequence[tuple[np.ndarray, float, float]], y: np.ndarray
) -> tuple[float, np.ndarray]:
    """``sum(y * side)`` and ``y A`` for the rows' multipliers ``y``.

    A multiplier of the wrong sign for its row (or on a side with no bound) is taken as 0,
    which is always allowed: whatever ``y`` is given, every plan has ``(y A) x >= sum(y *
    side)``.
    """
    side = 0.0
    weights = np.zeros(len(rows[0][0]) if rows else 0)
    for (a, lower, upper), value in zip(rows, y, strict=True):
        if value > 0 and math.isfinite(lower):
            side += value * lower
        elif value < 0 and math.isfinite(upper):
            side += value * upper
        else:
            continue
        weights += value * a
    return side, weights


def _no_plan(rows: Sequence[tuple[np.ndarray, float, float]], y: np.ndarray) -> bool:
    """Whether multipliers ``y`` prove that no 0/1 (or fractional) plan keeps ``rows``.

    Every plan has ``(y A) x >= sum(y * side)`` (:func:`_combined`), and ``(y A) x`` is at most
    the sum of its positive terms.
    """
    side, weights = _combined(rows, y)
    most = float(np.maximum(weights, 0.0).sum())
    return most < side - 1e-9 * max(1.0, abs(side))


def least_money(
    model: TeamModel, keep: Sequence[str], deadline: Deadline, solver: Solver | None = None
) -> Run:
    """Solve a model built with ``extra_money`` for the least money added to the periods.

    The people in ``keep`` (ids) renew. Solved as the stages are (weekly hours included,
    their rows added as answers break them), so that the team planned again with that money
    added can renew them all. The answer is left in the variables.
    """
    for person in keep:
        model.problem += model.renew[person] == 1, f"keep_{model.tags[person]}"
    search = _Search(model, solver or make_solver("highs"), deadline)
    return search.solve(pulp.lpSum(model.extra.values()))


def _gap(run: Run, priority: float, ceiling: float | None = None) -> float | None:
    """How far ``priority`` (renewed) may be from the best, relative to the best possible.

    The best possible is the solver's bound, or ``ceiling`` (the priority of everyone who has a
    plan of their own) when that is lower or the solver has no bound.
    """
    bounds = [b for b in (None if run.bound is None else -run.bound, ceiling) if b is not None]
    if not bounds:
        return None
    best = max(min(bounds), priority)
    return (best - priority) / max(best, 1e-9)


def _stage_gap(run: Run, stage: TeamStage) -> float | None:
    """The relative gap of a later stage the limit stopped with a plan (``None``: no bound).

    Out-of-pocket money and hours are never below 0, whatever bound the solver gives.
    """
    if run.objective is None or run.bound is None:
        return None
    bound = max(run.bound, 0.0) if stage.at_least_zero else run.bound
    return relative_gap(run.objective, bound)


def _renewals(model: TeamModel) -> dict[str, Any]:
    """Each person with weekly hours and a path still to meet: the days to their renewal.

    Everyone else's renewal is taken to be their do-by date, as for one person without dates.
    """
    days = {}
    for person, block in sorted(model.blocks.items()):
        request = model.requests[person]
        if block.weekly is None or _already_met(block) or request.too_late:
            continue
        days[person] = block.add_renewal(request.today)
    return days


def _expression(model: TeamModel, stage: TeamStage, renewals: Mapping[str, Any]) -> Any:
    """What ``stage`` minimises (``None``: nothing to choose in it)."""
    if stage is PRIORITY:
        return -model.priority
    if stage is OUT_OF_POCKET:
        return model.out_of_pocket
    if stage is TEAM_HOURS:
        return model.hours
    return -pulp.lpSum(renewals.values()) if renewals else None


def _already_met(block: Formulation) -> bool:
    """Whether what the person earned and passed meets a path (nothing to renew by)."""
    return any(block.meets([], path) for path in block.paths)


class _Search:
    """A problem solved call after call: the deadline, the best answer so far."""

    def __init__(
        self,
        model: TeamModel,
        solver: Solver,
        deadline: Deadline,
        start: Sequence[str] = (),
    ) -> None:
        self.model = model
        self.solver = solver
        self.deadline = deadline
        self.best: dict[str, float] = {}
        self.start = tuple(start)
        """The variables whose values in the answer in hand are handed over as a start."""

    def solve(self, expression: Any) -> Run:
        """Minimise ``expression``; remember the answer when there is one.

        Through the one solve loop (:func:`ceplan.solving.loop.solve`): with weekly hours, the
        rows an answer breaks are added (each person's apart, as for one person) and the
        problem solved again. The answer in hand, if any, keeps every row so far, so the loop
        is told an answer exists. The values of the :attr:`start` variables in it are handed
        over as a start (the loop distrusts an answer whose objective HiGHS misreports after
        one); none are for the team's stages: on that model HiGHS 1.16, given the answer in
        hand, has returned it as "optimal" with a wrong objective
        (``tests/test_team_model.py``), which the solve again without it then costs.
        """
        problem = self.model.problem
        problem.setObjective(expression)
        blocks = self.model.blocks.values()
        start = {name: self.best[name] for name in self.start if self.best.get(name) is not None}
        run = loop.solve(
            problem,
            blocks,
            self.solver,
            self.deadline,
            0.0,
            feasible=bool(self.best),
            start=start or None,
        )
        if run.status in ("optimal", "feasible"):
            self.best = {v.name: v.varValue for v in problem.variables()}
        return run

    def restore(self) -> None:
        """Put the best answer so far back into the variables (a later call may have none)."""
        for variable in self.model.problem.variables():
            variable.varValue = self.best.get(variable.name)

    def chosen(self, person: str) -> list[str]:
        """The catalogue ids the answer gives ``person``."""
        block = self.model.blocks[person]
        return sorted(
            item
            for item, ids in self.model.copies[person].items()
            if any((block.take[i].value() or 0) > 0.5 for i in ids)
        )


def _each_person(
    search: _Search, renewals: Mapping[str, Any], progress: Progress | None = None
) -> Run | None:
    """Stage 5: each person who renews on their own, their one-person tie-break.

    First, for the whole team, who pays how much in which period and from which fund: the
    plan of stages 1 to 4 paid as early as it can be (the fewest days, in total, that items
    are paid later than they could be; one call, no call when none is late). Then, with what
    that gives each person held (their out-of-pocket money in each budget period, what each
    fund pays for them, their hours and, with weekly hours, their renewal day no earlier: the
    days of ``renewals``), people no longer touch each other, so each is solved alone
    (:func:`_alone`, :func:`_tie_break`), in any order, and the answers put together keep
    every row of the team's problem. What the periods and funds have left is shared out
    evenly among the people who renew, so that a person may also move money between periods
    when there is room: with ample budgets each then gets their one-person plan, dates
    included. Returns the run that failed, if one did (the people solved before it keep their
    answers).
    """
    model = search.model
    renewing = [p for p in sorted(model.members) if (model.renew[p].value() or 0) > 0.5]
    if not renewing:
        return None
    late = _lateness(model, renewing)
    if any((take.value() or 0) > 0.5 for _, take in late):
        # Who pays how much in which period: the plan in hand paid as early as it can be.
        _fix_items(search)
        run = search.solve(pulp.lpSum(days * take for days, take in late))
        if run.status != "optimal":
            return run
    members = {person: model.members[person] for person in renewing}
    # The solver's whole numbers are whole only to its tolerance (0.999999999): a hold made
    # from such an answer (its out-of-pocket spend a fraction of a cent short) would cut off
    # the whole plan it stands for. The choices are made whole first.
    for member in members.values():
        for variable in _variables(member):
            if variable.cat == pulp.LpInteger and variable.varValue is not None:
                variable.varValue = float(round(variable.varValue))
                search.best[variable.name] = variable.varValue

    def value(expression: Any) -> float:
        return float(pulp.value(expression) or 0.0)

    # Whole cents: a whole plan spends whole cents (the funds' payments are a flow over whole
    # amounts), and what the solver says is that to its tolerance.
    spent = {p: {n: round(value(e)) for n, e in m.spend.items()} for p, m in members.items()}
    used = {p: {n: round(value(e)) for n, e in m.funds.items()} for p, m in members.items()}
    period_left = {
        n: max(0, cents - sum(spend.get(n, 0) for spend in spent.values()))
        for n, cents in enumerate(model.budget_cents)
    }
    fund_left = {
        n: max(0, cents - sum(use.get(n, 0) for use in used.values()))
        for n, cents in enumerate(model.fund_cents)
    }
    share = 1.0 / len(renewing)
    told = progress or Progress()
    for number, person in enumerate(renewing):
        told.tick(f"{number} of {len(renewing)} people settled")
        if not search.chosen(person):
            continue  # a path already met: nothing to take, nothing to choose
        member = members[person]
        held = _Held(
            spend={n: cents + share * period_left[n] for n, cents in spent[person].items()},
            funds={n: cents + share * fund_left[n] for n, cents in used[person].items()},
            out_of_pocket=float(round(value(member.out_of_pocket))),
            hours=value(member.hours),
            renewal=_renewal_day(model, person, renewals),
        )
        alone = _Search(_alone(model, person, held), search.solver, search.deadline)
        mine = _variables(alone.model.members[person])
        for variable in mine:
            variable.varValue = search.best.get(variable.name)
        alone.best = {variable.name: variable.varValue for variable in mine}
        failed = _tie_break(alone, person)
        if failed is not None:
            return failed
        alone.restore()
        search.best.update((variable.name, variable.varValue) for variable in mine)
    search.restore()
    return None


def _renewal_day(model: TeamModel, person: str, renewals: Mapping[str, Any]) -> dt.date | None:
    """The day ``person`` renews in the answer in hand (weekly hours only, else ``None``)."""
    if person not in renewals:
        return None
    later = round(float(pulp.value(renewals[person]) or 0))
    return model.requests[person].today + dt.timedelta(days=later)


def _fix_items(search: _Search) -> None:
    """Hold every person's items (and who renews) as they are in the answer in hand.

    Only the segments they are paid in, and who pays, are then left to choose.
    """
    model = search.model
    for person, block in model.blocks.items():
        renew = model.renew[person]
        renew.lowBound = renew.upBound = round(renew.value() or 0)
        chosen = set(search.chosen(person))
        for item, ids in model.copies[person].items():
            if item not in chosen:
                for i in ids:
                    block.take[i].upBound = 0
            elif len(ids) == 1:
                block.take[ids[0]].lowBound = 1
            else:
                name = unique_name(f"{model.tags[person]}__paid_once", item, block.used)
                model.problem += pulp.lpSum(block.take[i] for i in ids) == 1, name


def _lateness(model: TeamModel, people: Sequence[str]) -> list[tuple[int, Any]]:
    """The days each item could be paid later than it can be at the earliest, with its ``take``.

    Only the ways to pay that are late (more than 0 days) are listed.
    """
    found = []
    for person in people:
        today = model.requests[person].today
        earliest: dict[str, dt.date] = {}
        for copy, (item, _) in model.copied[person]:
            day = copy.first or today
            earliest[item.id] = min(earliest.get(item.id, day), day)
        block = model.blocks[person]
        for copy, (item, _) in model.copied[person]:
            days = ((copy.first or today) - earliest[item.id]).days
            if days > 0:
                found.append((days, block.take[copy.id]))
    return found


@dataclass(frozen=True)
class _Held:
    """What stages 1 to 4 gave one person, held while their tie-break runs.

    The most they may spend out of pocket in each budget period and take from each fund
    (cents), the most out of pocket in all, the most hours (in the team's steps), and the day
    they renew on or after (weekly hours only).
    """

    spend: Mapping[int, float]
    funds: Mapping[int, float]
    out_of_pocket: float
    hours: float
    renewal: dt.date | None


def _variables(member: Member) -> list[Any]:
    """A person's choices in a problem: items, path, payments, and whether they renew."""
    block = member.block
    return [
        *block.take.values(),
        *block.choose_path.values(),
        *member.pay.values(),
        member.renew,
    ]


def _alone(model: TeamModel, person: str, held: _Held) -> TeamModel:
    """``person`` alone, renewing with what the team's plan gave them held (see :class:`_Held`).

    Their variables have the names they have in the team's problem.
    """
    team_block = model.blocks[person]
    return _alone_model(
        TeamOfOne(
            roster=model.roster,
            person=model.roster.person(person),
            request=model.requests[person],
            paths=team_block.paths,
            copied=model.copied[person],
            segments=model.segments,
            tag=model.tags[person],
            hours_scale=model.hours_scale,
            budget_cents=model.budget_cents,
            fund_cents=model.fund_cents,
        ),
        held,
        team_block.stretches,
    )


@dataclass(frozen=True)
class TeamOfOne:
    """A person alone, as their part of a team's problem is built (:func:`add_member`).

    Their items, one copy per segment each may be paid in (with the catalogue item and the
    segment), the segments, the team's hours step, and what the budget periods and funds hold
    (cents, in the roster's order). See :func:`team_of_one`.
    """

    roster: Roster
    person: Person
    request: PlanRequest
    paths: Mapping[int, PathRule]
    copied: Sequence[tuple[Candidate, tuple[Candidate, int]]]
    segments: Sequence[Segment]
    tag: str
    hours_scale: int
    budget_cents: Sequence[int]
    fund_cents: Sequence[int]


def team_of_one(
    catalog: Catalog,
    roster: Roster,
    person: Person,
    request: PlanRequest,
    cents: tuple[Sequence[int], Sequence[int]],
    deadline: Deadline | None = None,
    usable: Sequence[Candidate] | None = None,
) -> TeamOfOne:
    """``person`` alone as :func:`~ceplan.model.team.build_team` builds a team of one.

    The same segments and items (one copy per segment each may be paid in), with ``cents``
    held in the budget periods and funds; nothing of the problem is built. ``usable``: their
    usable items, if already found (as :func:`~ceplan.candidates.items.usable_items` finds
    them for ``request``, sorted by id; items no segment may pay for may be left out). Past
    the ``deadline``: :class:`~ceplan.model.team.OutOfTime`.
    """
    alone = roster.model_copy(update={"people": (person,)})
    segments = segments_of(alone, request.today, max(request.complete_by, request.today))
    found = None if usable is None else {person.id: usable}
    copied = _copies(catalog, alone, [person], {person.id: request}, segments, deadline, found)
    mine = copied[person.id]
    return TeamOfOne(
        roster=alone,
        person=person,
        request=request,
        paths=dict(enumerate(catalog.tiers[person.tier].paths)),
        copied=mine,
        segments=segments,
        tag="p0",
        hours_scale=hours_scale(copy.hours for copy, _ in mine),
        budget_cents=tuple(cents[0]),
        fund_cents=tuple(cents[1]),
    )


def _alone_model(
    part: TeamOfOne, held: _Held, stretches: Iterable[tuple[int, int]] = ()
) -> TeamModel:
    """The person of ``part`` alone, renewing with ``held`` held, and ``stretches`` rows."""
    tag, person = part.tag, part.person.id
    problem = pulp.LpProblem(f"ceplan_team_{tag}", pulp.LpMinimize)
    member = add_member(
        problem,
        set(),
        part.roster,
        part.person,
        part.request,
        part.paths,
        part.copied,
        part.segments,
        tag,
        part.hours_scale,
    )
    member.renew.lowBound = 1
    for n, spend in member.spend.items():
        problem += spend <= held.spend.get(n, 0.0), f"{tag}__period_{n}"
    for n, paid in member.funds.items():
        problem += paid <= held.funds.get(n, 0.0), f"{tag}__fund_{n}"
    problem += member.out_of_pocket <= held.out_of_pocket + 1e-6, f"{tag}__hold_out_of_pocket"
    problem += member.hours <= held.hours + 0.5, f"{tag}__hold_hours"
    block = member.block
    if held.renewal is not None:
        block.add_renewal(held.renewal)
    for first, last in sorted(stretches):
        block.add_stretch(first, last)
    return TeamModel(
        problem=problem,
        roster=part.roster,
        members={person: member},
        origin={(person, copy.id): origin for copy, origin in part.copied},
        segments=list(part.segments),
        requests={person: part.request},
        copied={person: list(part.copied)},
        hours_scale=part.hours_scale,
        fund_cents=list(part.fund_cents),
        budget_cents=list(part.budget_cents),
        tags={person: tag},
    )


def _tie_break(search: _Search, person: str) -> Run | None:
    """One person's tie-break: the fewest items, the smallest ids; then paid as early as can be.

    Each step asks the solver only when the answer in hand might not be the best: one item is
    the fewest a renewal not already met can take. For the ids, with ``L`` the person's ids in
    the answer in hand, a set of as many ids comes first in sort order exactly when the
    smallest id in one set but not both is its own. So one call asks for a tied plan whose
    first such id is as small as possible (:func:`_first_difference`); if there is none, ``L``
    is the smallest; if there is, the ids up to that one are settled, the plan found is the
    new ``L``, and the question is asked again. The items are then fixed, and paid on the
    fewest days from today in total (:func:`_pay_early`). Returns the run that failed, if one
    did.
    """
    model = search.model
    problem = model.problem
    block = model.blocks[person]
    tag = model.tags[person]
    copies = model.copies[person]
    taken = {i: pulp.lpSum(block.take[v] for v in ids) for i, ids in copies.items()}
    chosen = search.chosen(person)
    # Fewer items may be possible (and come first) unless one item renews what is not met.
    fewer = len(chosen) > 1 or (len(chosen) == 1 and _already_met(block))
    if not fewer:
        problem += block.count <= len(chosen), unique_name(f"{tag}__count", "fixed", block.used)
    settled: set[str] = set()
    while chosen:
        count = block.count if fewer else None
        found, last = _first_difference(search, person, taken, chosen, settled, count)
        if last is not None and last.status != "optimal":
            return last
        if fewer:
            fewer = False
            now = search.chosen(person)
            problem += block.count <= len(now), unique_name(f"{tag}__count", "fixed", block.used)
            if len(now) < len(chosen):
                chosen = now  # fewer items: ``found`` was about the old plan
                continue
        if found is None:
            break
        plan = set(chosen)
        for i in sorted(copies):
            if i <= found and i not in settled:
                settled.add(i)
                value = int(i in plan or i == found)
                problem += taken[i] == value, unique_name(f"{tag}__fix", i, block.used)
        chosen = search.chosen(person)
    for i in sorted(copies):
        if i not in settled:
            value = int(i in chosen)
            problem += taken[i] == value, unique_name(f"{tag}__fix", i, block.used)
    return _pay_early(search, person)


def _pay_early(search: _Search, person: str) -> Run | None:
    """With the items fixed: each paid as early as it can be, within what the person may spend.

    That is the fewest days, in total, that items are paid later than they could be; then, as
    the team's order puts the out-of-pocket spend first, as much as the funds may pay (a day
    weighs more than all the items' cost, so the spend never buys a day). Without
    that last part the funds' share of an item was whatever the solver left it, and the same
    person could be paid for two ways by two problems that differ only in what they are given.
    No call is made when each item is already paid on the first day it can be and no fund may
    pay for any of them on any day it may be paid: paid earlier, an item may come into a
    fund's days (and its share is then the funds' to decide, not the solver's leftover).
    """
    model = search.model
    late = _lateness(model, [person])
    member = model.members[person]
    copies = model.copies[person]
    ways = {copy for item in search.chosen(person) for copy in copies[item]}
    funded = any(copy in ways for copy, _ in member.pay)
    if not funded and not any((take.value() or 0) > 0.5 for _, take in late):
        return None
    if funded:
        # A day late outweighs all the items' cost: whole numbers, no tiny weights.
        weight = 1 + sum(copy.cents for copy, _ in model.copied[person])
        objective = pulp.lpSum(weight * days * take for days, take in late)
        objective += member.out_of_pocket
    else:
        objective = pulp.lpSum(days * take for days, take in late)
    run = search.solve(objective)
    return None if run.status == "optimal" else run


def _first_difference(
    search: _Search,
    person: str,
    taken: Mapping[str, Any],
    chosen: Sequence[str],
    settled: set[str],
    count: Any = None,
) -> tuple[str | None, Run | None]:
    """Where a tied plan first differs from ``chosen`` by holding a smaller id (``None``: none).

    That is the smallest id a tied plan can hold that ``chosen`` does not, below which it holds
    every id of ``chosen``; when no tied plan has one, ``chosen`` comes first. With ``count``
    (the person's number of items), the same call first finds the fewest items: a plan with
    fewer comes first whatever its ids (the caller then reads it from the answer).

    Binaries ``z_i`` (``i`` not in ``chosen``, and smaller than its largest id: a plan holding
    every id of ``chosen`` and one more has more items) mark that first difference; the answer
    in hand (no mark) is always allowed, at a cost above every mark. They live only for this
    call: the switch that allows a mark is closed afterwards (its bounds set to 0), which
    leaves their rows inert.
    """
    model = search.model
    problem = model.problem
    block = model.blocks[person]
    plan = set(chosen)
    largest = max(chosen)
    offered = [i for i in sorted(taken) if i not in plan and i not in settled and i < largest]
    if not offered and count is None:
        return None, None
    family = f"{model.tags[person]}__smaller"
    call = len(block.used)
    switch = problem.add_variable(unique_name(family, f"{call}_on", block.used), 1, 1)
    marks = {}
    for n, i in enumerate(offered):
        name = unique_name(family, f"{call}_{n}", block.used)
        marks[i] = problem.add_variable(name, 0, 1, cat=pulp.LpBinary)
        problem += marks[i] - taken[i] <= 0, f"{name}_in_plan"
        below = [taken[j] for j in chosen if j < i]
        if below:
            problem += pulp.lpSum(below) - len(below) * marks[i] >= 0, f"{name}_keeps"
    marked = pulp.lpSum(marks.values())
    problem += marked - switch <= 0, unique_name(family, f"{call}_one", block.used)
    none = len(offered)  # the cost of no mark: above every mark's rank
    objective = pulp.lpSum(rank * marks[i] for rank, i in enumerate(offered)) - none * marked
    if count is not None:
        objective += (2 * none + 1) * count
    before = dict(search.best)
    run = search.solve(objective + none)
    found = next((i for i in offered if (marks[i].value() or 0) > 0.5), None)
    switch.lowBound = switch.upBound = 0
    fewer = count is not None and len(search.chosen(person)) < len(chosen)
    if run.status != "optimal" or (found is None and not fewer):
        # The answer in hand stays: the solver's may be another tied plan, not a better one.
        search.best = before
        search.restore()
    return (found if run.status == "optimal" else None), run


def first_come_plan(model: TeamModel, plans: Sequence[tuple[str, Sequence[str]]]) -> bool:
    """Set the model's variables to a plan made without the solver: first come, first paid.

    ``plans`` gives people in the order to try and the catalogue ids of each one's own plan.
    Each item is paid in the first segment (in order of days) where the money is there: the
    funds that may pay first, as much as they have left, then the period's budget. A person
    whose items cannot all be paid, or whose weekly hours the items would overfill, is left
    out. Returns whether the plan keeps every row of the model (checked row by row); if not,
    the variables are left as they were and the plan is not used.
    """
    values: dict[str, float] = {v.name: 0.0 for v in model.problem.variables()}
    period_left = {n: float(cents) for n, cents in enumerate(model.budget_cents)}
    fund_left = {n: float(cents) for n, cents in enumerate(model.fund_cents)}
    pays = _payers(model)
    for person, items in plans:
        block = model.blocks.get(person)
        if block is None or not items:
            continue
        periods, funds = dict(period_left), dict(fund_left)
        chosen: list[str] = []
        paid: dict[str, float] = {}
        for item in items:
            for virtual in model.copies[person].get(item, []):
                c, n = model.origin[person, virtual]
                period = model.segments[n].period
                rest = float(c.cents)  # what the funds have not covered yet
                split: list[tuple[int, Any, float]] = []
                for f, variable in sorted(pays.get((person, virtual), [])):
                    share = min(funds[f], rest)
                    if share > 0:
                        split.append((f, variable, share))
                        rest -= share
                if rest > 0.5 and (period is None or periods[period] < rest):
                    continue  # no money in this segment
                for f, variable, share in split:
                    funds[f] -= share
                    paid[variable.name] = share
                if period is not None:
                    periods[period] -= rest
                chosen.append(virtual)
                break
            else:
                break  # an item with no money anywhere: this person is left out
        if len(chosen) < len(items) or block.broken_stretches(chosen):
            continue
        path = next((p for p in sorted(block.paths) if block.meets(chosen, p)), None)
        if path is None:
            continue
        period_left, fund_left = periods, funds
        values.update(paid)
        values[model.renew[person].name] = 1.0
        values[block.choose_path[path].name] = 1.0
        values.update((block.take[v].name, 1.0) for v in chosen)
    for row in model.problem.constraints():
        lhs = sum(a * values.get(v.name, 0.0) for v, a in row.items()) + row.constant
        if row.sense == pulp.LpConstraintEQ and abs(lhs) > 1e-6:
            return False
        if row.sense == pulp.LpConstraintLE and lhs > 1e-6:
            return False
        if row.sense == pulp.LpConstraintGE and lhs < -1e-6:
            return False
    for variable in model.problem.variables():
        variable.varValue = values.get(variable.name, 0.0)
    return True


def _payers(model: TeamModel) -> dict[tuple[str, str], list[tuple[int, Any]]]:
    """By person and virtual item id: each fund that may pay toward it, with its variable."""
    found: dict[tuple[str, str], list[tuple[int, Any]]] = {}
    for (person, virtual, f), variable in model.pay.items():
        found.setdefault((person, virtual), []).append((f, variable))
    return found


def _nothing(model: TeamModel, termination: Termination, stage: str) -> TeamSolution:
    """No answer found before the limit: status ``unknown``, nobody planned."""
    return TeamSolution(
        status="unknown",
        termination=termination,
        gap=None,
        stopped_in=stage,
        renews=dict.fromkeys(model.blocks, False),
        paths=dict.fromkeys(model.blocks),
        taken={person: () for person in model.blocks},
        spent={},
        used={},
        out_of_pocket=0.0,
        priority=0.0,
    )


def _solution(
    model: TeamModel,
    status: Status,
    termination: Termination,
    gap: float | None,
    stopped: str | None,
) -> TeamSolution:
    """The plan in the variables' values: each person's needed items, dated and paid for.

    Whatever stopped the search, what a person's path does not need is dropped
    (:func:`_needed`), with what was paid for it: that money goes back to its period or fund.
    Each person's items are then scheduled as their one-person plan's would be
    (:func:`ceplan.model.schedule.schedule`, with their calendar), each started no earlier than
    it is paid.
    """
    paying = _payers(model)
    renews: dict[str, bool] = {}
    paths: dict[str, int | None] = {}
    taken: dict[str, tuple[Taken, ...]] = {}
    spent: dict[int, float] = {}
    used: dict[int, float] = {}
    out_of_pocket = 0.0
    for person, block in model.blocks.items():
        renews[person] = (model.renew[person].value() or 0) > 0.5
        if not renews[person]:
            paths[person], taken[person] = None, ()
            continue
        answer = _answer(model, person, paying)
        paths[person] = answer.path
        mine = _dated_answer(answer, block.candidates, model.requests[person])
        taken[person] = mine.rows
        for n, cents in mine.spent.items():
            spent[n] = spent.get(n, 0.0) + cents
        for n, cents in mine.used.items():
            used[n] = used.get(n, 0.0) + cents
        out_of_pocket += mine.out_of_pocket
    return TeamSolution(
        status=status,
        termination=termination,
        gap=gap,
        stopped_in=stopped,
        renews=renews,
        paths=paths,
        taken=taken,
        spent=spent,
        used=used,
        out_of_pocket=out_of_pocket,
        priority=float(pulp.value(model.priority) or 0),
    )


@dataclass(frozen=True)
class _Answer:
    """A renewing person's answer as read from a problem: all their plan is made from.

    The path it is reported under and, for each item kept (:func:`_needed`), its virtual id,
    its catalogue id, the budget period it is paid in and the cents each fund pays.
    """

    path: int | None
    items: tuple[tuple[str, str, int | None, tuple[tuple[int, float], ...]], ...]


def _answer(
    model: TeamModel, person: str, paying: Mapping[tuple[str, str], Sequence[tuple[int, Any]]]
) -> _Answer:
    """The answer in the variables for ``person`` (who renews), less what their path needs not."""
    block = model.blocks[person]
    virtual = sorted(i for i, var in block.take.items() if (var.value() or 0) > 0.5)
    path, kept = _needed(model, person, virtual)
    items = []
    for v in kept:
        item, segment = model.origin[person, v]
        funds = tuple(
            (f, float(pay.value() or 0))
            for f, pay in paying.get((person, v), [])
            if (pay.value() or 0) > 1e-6
        )
        items.append((v, item.id, model.segments[segment].period, funds))
    return _Answer(path, tuple(items))


def _dated_answer(
    answer: _Answer, candidates: Mapping[str, Candidate], request: PlanRequest
) -> Dated:
    """``answer`` dated and paid for (:func:`dated`), with the person's own ``candidates``.

    ``candidates`` are their virtual items by id: each is paid on its ``first`` day.
    """
    paid = [
        Paid(dataclasses.replace(candidates[v], id=item), period, dict(funds))
        for v, item, period, funds in answer.items
    ]
    return dated(paid, request.calendar, request.today)


@dataclass(frozen=True)
class Paid:
    """An item of a person's plan as it is paid.

    The item (its ``first``: the day it is paid; its ``id``: the catalogue's), the budget
    period it is paid in, and the cents each fund pays toward it.
    """

    item: Candidate
    period: int | None
    funds: Mapping[int, float]


@dataclass(frozen=True)
class Dated:
    """A person's plan dated: its rows (by item id), and what it spends and takes from funds."""

    rows: tuple[Taken, ...]
    spent: dict[int, float]
    """Out-of-pocket cents by budget period."""
    used: dict[int, float]
    """Cents by fund."""
    out_of_pocket: float


def dated(paid: Sequence[Paid], calendar: Calendar, today: dt.date) -> Dated:
    """One person's items dated as their one-person plan's would be, and paid for.

    :func:`ceplan.model.schedule.schedule` with their calendar, each item started no earlier
    than it is paid (its ``first``). The one way every team plan is read, whatever found it.
    """
    dates = schedule([p.item for p in paid], calendar)
    rows = []
    spent: dict[int, float] = {}
    used: dict[int, float] = {}
    out_of_pocket = 0.0
    for p in paid:
        item, when = p.item, dates[p.item.id]
        rows.append(
            Taken(
                item=item.id,
                paid_on=item.first or today,
                cents=item.cents,
                period=p.period,
                paid_by_fund=dict(p.funds),
                start=when.start,
                finish=when.finish,
                complete_by=item.do_by,
                hours=item.hours,
            )
        )
        for f, cents in p.funds.items():
            used[f] = used.get(f, 0.0) + cents
        out = item.cents - sum(p.funds.values())
        out_of_pocket += out
        if p.period is not None:
            spent[p.period] = spent.get(p.period, 0.0) + out
    return Dated(tuple(sorted(rows, key=lambda t: t.item)), spent, used, out_of_pocket)


def _needed(model: TeamModel, person: str, virtual: Sequence[str]) -> tuple[int | None, list[str]]:
    """The path ``person``'s items are reported under, and the items that path needs.

    The items less what the path the solver chose does not need (the largest id first, as for
    one person: :func:`~ceplan.candidates.items.drop_redundant`); then reported under the first path
    in the tier they meet with each needed, as for one person.
    """
    block = model.blocks[person]
    item_of = {model.origin[person, v][0].id: v for v in virtual}
    items = [dataclasses.replace(block.candidates[v], id=i) for i, v in item_of.items()]
    chosen = [p for p, var in block.choose_path.items() if (var.value() or 0) > 0.5]
    met = [
        p for p in sorted(block.paths) if meets(items, block.paths[p], block.earned, block.passed)
    ]
    path = next((p for p in chosen if p in met), met[0] if met else None)
    if path is None:
        return (chosen[0] if chosen else None), list(virtual)
    kept = drop_redundant(items, block.paths[path], block.earned, block.passed)
    needed = sorted(item_of[c.id] for c in kept)
    first = first_path(block, [block.candidates[v] for v in needed])
    return (path if first is None else first), needed
