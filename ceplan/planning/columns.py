"""A team planned by columns (SPEC 8): the first stages for everyone, then each person alone.

:func:`ceplan.solving.columns.solve_by_columns` settles who renews, the out-of-pocket spend
and the hours for the whole team (stages 1 to 3 of :data:`~ceplan.objective.TEAM`). What that
gives each person is then held, and each person is planned alone, as the single model's last
stage does (:mod:`ceplan.solving.team`): their out-of-pocket money in each budget period and
what each fund pays for them (the master's payments to each class shared out by person id,
then item id, in whole cents), and an even share of what the periods have left, so that with
ample budgets each person gets their one-person plan. What the funds have left is not shared
out: each person keeps the same money from each fund (SPEC 7's "the same money from each
period and fund"), which also lets a person whose column is their own one-person plan, paid
at the earliest, keep it at once: no plan within what they hold spends less out of pocket
(it would need more fund money), takes fewer hours or comes first in their tie-break.
Everyone else is settled from their column as the single model's last stage settles a person
(:func:`ceplan.solving.team.settle_alone`): with the column's money and hours held, the fewest
items, then the smallest ids, paid as early as can be; a column that is not among the ways of
the person's own model (an item that model leaves out as never needed) is planned from scratch,
as the single model plans a team of one with those amounts. Either way the plan is no worse in
any stage than the column (which fits them), with their own tie-break and dates. People do not
touch each other then, so the answers put together keep every budget period and fund. Without
weekly hours or days away that last stage is given only the items that can matter, and
answered once for everyone alike in all it reads (:func:`ceplan.solving.team.settle_column`):
the same plans, in a fraction of the time.

With weekly hours, the latest renewal comes before the tie-break (SPEC 6 and 7), and a one-person
plan is dated by the weeks: such a person's own plan (also when their column is it: its renewal
is the latest of all their plans, its dates those :func:`~ceplan.solving.team.dated` gives with
their calendar) is made side by side in the workers, and a person settled alone gets every stage
of the single model for a team of one, with their column's money, out-of-pocket spend and hours
held (:func:`_over_time`): their latest renewal, then their tie-break.
"""

from __future__ import annotations

import dataclasses
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ceplan.candidates.items import Candidate, drop_redundant, meets
from ceplan.catalogue.models import Catalog
from ceplan.errors import PlanInputError
from ceplan.model.team import OutOfTime, TeamModel, build_team, money_cents
from ceplan.requests.person import PlanRequest
from ceplan.requests.team import TeamRequest
from ceplan.results.plan import Plan
from ceplan.roster.models import Person, Roster
from ceplan.solving.backends import Solver
from ceplan.solving.columns import (
    Column,
    ColumnsSolution,
    ColumnStage,
    MoreMoney,
    solve_by_columns,
)
from ceplan.solving.progress import Progress
from ceplan.solving.team import (
    Paid,
    Taken,
    TeamSolution,
    dated,
    settle_alone,
    settle_column,
    solve_team,
    team_of_one,
)
from ceplan.solving.workers import side_by_side
from ceplan.status import Deadline, Status, Termination, relative_gap

__all__ = ["ByColumns", "Refused", "plan_by_columns"]


class Refused(PlanInputError):
    """Planning by columns does not take this team; its master says why, before any planning."""


@dataclass(frozen=True)
class ByColumns:
    """A team's plan by columns: the merged solution and what the team's money was."""

    solution: TeamSolution
    stages: tuple[ColumnStage, ...]
    """The first three stages' values and bounds, in the master's units (cents, steps of
    ``1 / hours_scale`` hours)."""
    hours_scale: int
    budget_cents: tuple[int, ...]
    fund_cents: tuple[int, ...]
    more_money: Callable[[str, Deadline], MoreMoney | None] | None = None
    """The least money that renews a person at risk, from the master (``None``: not asked)."""


def plan_by_columns(
    request: TeamRequest,
    solver: Solver,
    deadline: Deadline,
    alone: Callable[[Person], Plan],
    progress: Callable[[str], None] | None = None,
    workers: int = 1,
    scheduler: Any = None,
) -> ByColumns:
    """Plan ``request``'s team by columns, then each person alone (see the module).

    ``workers`` processes price the people with weekly hours, make their own plans and plan
    the people alone side by side, or the workers of the Dask cluster whose scheduler is
    ``scheduler`` (:func:`ceplan.solving.workers.side_by_side`); the plan is the same whatever
    plans them. Past the ``deadline``, the people not yet
    planned alone keep their column as it is (a plan that keeps every rule, its tie-break not
    settled: the plan is then ``feasible``, stopped in the last stage). ``progress`` is told
    of each phase (:func:`~ceplan.solving.columns.solve_by_columns`'s, then each person alone).
    """
    catalog, roster, today = request.catalog, request.roster, request.today
    budget = tuple(money_cents(catalog, b.amount) for b in roster.budgets)
    funds = tuple(money_cents(catalog, f.amount, f.currency) for f in roster.funds)
    told = Progress.of(progress)
    try:
        found = solve_by_columns(
            catalog,
            roster,
            today=today,
            requests=request.requests,
            deadline=deadline,
            workers=workers,
            scheduler=scheduler,
            progress=told,
        )
    except PlanInputError as exc:
        raise Refused(str(exc)) from None
    began = time.perf_counter()
    settling = told.part("each person alone")
    held, shares = _held(found, budget, funds)
    solutions: dict[str, TeamSolution] = {}
    tasks: list[_Task] = []
    people = sorted(roster.people, key=lambda p: p.id)
    owns: dict[str, _Own] = {}
    timed = [p.id for p in people if p.id in held and request.requests[p.id].timed]
    settling(f"{len(held):,} renewing, each held to what the team's plan gives them")
    if (workers > 1 or scheduler is not None) and len(timed) > 1:
        # Over time a one-person plan is an integer programme of its own: made side by side.
        made = side_by_side(_own_in_worker, (request, solver), timed, deadline, workers, scheduler)
        owns = dict(zip(timed, made, strict=True))
    for number, person in enumerate(people):
        settling.tick(f"{number:,} of {len(people):,} looked at")
        if person.id not in held:
            continue
        column = found.chosen[person.id]
        mine = request.requests[person.id]
        # (Their own plan is made here only for a column paid as early as it can be.)
        if all(t.earliest for t in column.items):
            own = owns[person.id] if person.id in owns else _own(alone(person))
            ids = sorted(t.id for t in column.items)
            if own.found and ids == list(own.ids):
                # Their own one-person plan, paid as early as it can be: nothing else within
                # what they hold is better in any stage (see the module).
                solutions[person.id] = _from_column(
                    person, own.path, column, shares[person.id], found, mine, catalog
                )
                continue
        spend, paid = held[person.id]
        dear: frozenset[str] = frozenset()
        if roster.budgets:
            # Every item is paid in a period: no plan within what they hold costs more than
            # all of it, so dearer items are left out of their problem.
            most = sum(spend) + sum(paid)
            dear = frozenset(i for i, c in found.items[person.id].items() if c.cents > most)
        if mine.hours_per_week is not None:
            # Their column's out-of-pocket spend and hours are held (:func:`_over_time`): nor
            # can an item be in their plan that costs more than that spend and all their fund
            # money, or takes more hours than the column.
            hours = sum(t.item.hours for t in column.items)
            cents = column.total_cents - sum(sum(s.values()) for s in shares[person.id].values())
            dear |= {
                i
                for i, c in found.items[person.id].items()
                if c.hours > hours + 1e-9 or c.cents > cents + sum(paid)
            }
        plan = tuple(
            (t.id, t.segment, tuple(sorted(shares[person.id].get(t.id, {}).items())))
            for t in sorted(column.items, key=lambda t: t.id)
        )
        path = _path_of([t.item for t in column.items], mine, catalog)
        usable = tuple(c for i, c in found.items[person.id].items() if i not in dear)
        tasks.append(_Task(person.id, tuple(spend), tuple(paid), dear, plan, path, usable))
    if tasks:
        settling(f"{len(tasks)} of {len(held)} to settle")
    if (workers > 1 or scheduler is not None) and len(tasks) > 1:
        # Answers are read back in the order of ``tasks``: the plan does not depend on which
        # worker finished first.
        found_alone = side_by_side(
            _alone_in_worker, (request, solver), tasks, deadline, workers, scheduler
        )
        answers = {task.person: answer for task, answer in zip(tasks, found_alone, strict=True)}
    else:
        answers = {}
        for number, task in enumerate(tasks):
            settling.tick(f"{number:,} of {len(tasks):,} settled")
            answers[task.person] = _solve_alone(request, solver, deadline, task)
    unsettled = False
    for task in tasks:
        solution = answers[task.person]
        if solution is None or solution.status != "optimal" or not solution.renews[task.person]:
            # No time left to settle their tie-break: their column, which keeps every rule.
            unsettled = True
            person = roster.person(task.person)
            mine = request.requests[task.person]
            column = found.chosen[task.person]
            solution = _from_column(person, None, column, shares[task.person], found, mine, catalog)
        solutions[task.person] = solution
    renewals = _renewals(request, solutions, found.renewable)
    merged = _merged(roster, found, solutions, unsettled, renewals)
    settling(f"done in {time.perf_counter() - began:.1f} s")
    return ByColumns(merged, found.stages, found.hours_scale, budget, funds, found.more_money)


@dataclass(frozen=True)
class _Task:
    """One person to plan alone.

    What they may spend in each period and take from each fund, and the items dearer than all
    of it.
    """

    person: str
    spend: tuple[int, ...]
    paid: tuple[int, ...]
    dear: frozenset[str]
    plan: tuple[tuple[str, int, tuple[tuple[int, int], ...]], ...] = ()
    """Their column: each item, the segment it is paid in, what each fund pays."""
    path: int = 0
    """The path their column meets (its first with every item needed)."""
    usable: tuple[Candidate, ...] | None = None
    """Their usable items but the dear ones, as the columns found them (``None``: found
    again)."""


def _solve_alone(
    request: TeamRequest, solver: Solver, deadline: Deadline, task: _Task
) -> TeamSolution | None:
    """``task``'s person alone: the single model for a team of one with what they hold.

    Without weekly hours or days away, made smaller and answered once for everyone alike
    (:func:`~ceplan.solving.team.settle_column`, with :func:`_memo`); with them, that model
    as it is (:func:`~ceplan.solving.team.settle_alone`), and with weekly hours every stage of
    it when the tie-break's plan renews early (:func:`_over_time`). From scratch when their
    column is not among the model's ways.
    """
    person = request.roster.person(task.person)
    mine = request.requests[task.person]
    if task.dear:
        mine = dataclasses.replace(mine, excluded=mine.excluded | task.dear)
    cents = (task.spend, task.paid)
    taken = [(item, segment, dict(funds)) for item, segment, funds in task.plan]
    try:
        if not mine.timed:
            alone = team_of_one(
                request.catalog, request.roster, person, mine, cents, deadline, task.usable
            )
            settled = settle_column(alone, task.path, taken, solver, deadline, _memo(request))
            if settled is not None:
                return settled
        team = request.roster.model_copy(update={"people": (person,)})
        model = build_team(
            request.catalog,
            team,
            today=request.today,
            requests={task.person: mine},
            cents=cents,
            deadline=deadline,
        )
        if mine.timed:
            settled = settle_alone(model, task.person, task.path, taken, solver, deadline)
            if mine.hours_per_week is not None and not _renews_last(settled, task.person, mine):
                return _over_time(model, task.person, taken, solver, deadline)
            if settled is not None:
                return settled
        # Their column is not among the model's ways (an item it never needs): from scratch.
        return solve_team(model, deadline=deadline, solver=solver)
    except OutOfTime:
        return None


class _Memo:
    """The answers of :func:`~ceplan.solving.team.settle_column` for one request."""

    def __init__(self) -> None:
        self.request: weakref.ref[TeamRequest] | None = None
        self.answers: dict[Any, Any] = {}


_MEMO = _Memo()


def _memo(request: TeamRequest) -> dict[Any, Any]:
    """The answers kept for ``request`` (this very object), in this process.

    Kept from one person to the next, here or in a worker (which loads a request once), and
    dropped when another request comes.
    """
    if _MEMO.request is None or _MEMO.request() is not request:
        _MEMO.request = weakref.ref(request)
        _MEMO.answers = {}
    return _MEMO.answers


def _renews_last(settled: TeamSolution | None, person: str, request: PlanRequest) -> bool:
    """Whether a person's plan renews on their do-by date, as late as any plan can.

    With weekly hours the latest renewal comes before the tie-break: a tie-break's plan that
    renews then is first among those that renew as late (it is first among them all).
    """
    if settled is None or not settled.renews[person]:
        return False
    return max((t.finish for t in settled.taken[person]), default=None) == request.complete_by


def _over_time(
    model: TeamModel,
    person: str,
    taken: Sequence[tuple[str, int, Mapping[int, float]]],
    solver: Solver,
    deadline: Deadline,
) -> TeamSolution:
    """A person with weekly hours alone: every stage of the single model for a team of one.

    For a person whose tie-break's plan does not renew on their do-by date (:func:`_renews_last`).
    ``model`` holds what they may spend in each period and take from each fund; their
    column's out-of-pocket spend and hours are held too (``taken``: its items, segments and
    fund payments), when it is among the model's ways. So their latest renewal (stage 4, which
    ranks before the tie-break for people with weekly hours) is settled within what the team's
    plan gave them, then their tie-break; nothing is worse than the column in any stage.
    """
    member = model.members[person]
    copy_of = {(item.id, n): copy for copy, (item, n) in model.copied[person]}
    copies = [copy_of.get((item, segment)) for item, segment, _ in taken]
    if all(copy is not None for copy in copies):
        cents: float = sum(copy.cents for copy in copies if copy is not None)
        cents -= sum(sum(funds.values()) for _, _, funds in taken)
        hours = sum(round(c.hours * model.hours_scale) for c in copies if c is not None)
        model.problem += member.out_of_pocket <= cents + 1e-6, "hold_column_out_of_pocket"
        model.problem += member.hours <= hours + 0.5, "hold_column_hours"
    return solve_team(model, deadline=deadline, solver=solver)


@dataclass(frozen=True)
class _Own:
    """What a person's one-person plan says of itself here: found, its items, its path."""

    found: bool
    ids: tuple[str, ...]
    path: int | None


def _own(plan: Plan) -> _Own:
    return _Own(plan.found, tuple(sorted(item.id for item in plan.planned)), plan.path_index)


def _own_in_worker(data: tuple[TeamRequest, Solver], deadline: Deadline, person: str) -> _Own:
    """``person``'s one-person plan, as a worker makes it (:func:`ceplan.optimise`)."""
    from ceplan.planning.person import optimise

    request, solver = data
    who = request.roster.person(person)
    left = deadline.remaining()
    plan = optimise(
        request.catalog,
        who.tier,
        today=request.today,
        time_limit=None if left is None else max(left, _LEAST_SECONDS),
        solver=solver,
        **who.inputs(),
    )
    return _own(plan)


_LEAST_SECONDS = 0.05
"""The least time a one-person plan is given once the limit has run out (as for the team)."""


def _alone_in_worker(
    data: tuple[TeamRequest, Solver], deadline: Deadline, task: _Task
) -> TeamSolution | None:
    """:func:`_solve_alone` as a worker runs it (:func:`ceplan.solving.workers.side_by_side`)."""
    request, solver = data
    return _solve_alone(request, solver, deadline, task)


def _held(
    found: ColumnsSolution, budget: Sequence[int], funds: Sequence[int]
) -> tuple[dict[str, tuple[list[int], list[int]]], dict[str, dict[str, dict[int, int]]]]:
    """What each person with a column may spend in each period and take from each fund.

    Their own (the master's payments to each class shared out by person id, then item id),
    and, in each period, an even share (whole cents, rounded down) of what is left there. Also
    each person's items' fund payments (by item id, then fund).
    """
    left = dict(found.payments)
    spent: dict[str, list[int]] = {}
    used: dict[str, list[int]] = {}
    shares: dict[str, dict[str, dict[int, int]]] = {}
    for person in sorted(found.chosen):
        spend, paid = [0] * len(budget), [0] * len(funds)
        mine: dict[str, dict[int, int]] = {}
        for taking in sorted(found.chosen[person].items, key=lambda t: t.id):
            period, payers = found.classes[taking.klass]
            rest = taking.item.cents
            for f in sorted(payers):
                share = min(left.get((f, taking.klass), 0), rest)
                if share > 0:
                    left[f, taking.klass] -= share
                    paid[f] += share
                    mine.setdefault(taking.id, {})[f] = share
                    rest -= share
            if period is not None:
                spend[period] += rest
        spent[person], used[person], shares[person] = spend, paid, mine
    people = len(spent) or 1
    period_left = [
        max(0, cents - sum(s[n] for s in spent.values())) // people
        for n, cents in enumerate(budget)
    ]
    held = {
        person: (
            [s + extra for s, extra in zip(spent[person], period_left, strict=True)],
            used[person],
        )
        for person in spent
    }
    return held, shares


def _path_of(items: Sequence[Candidate], request: PlanRequest, catalog: Catalog) -> int:
    """The first path of the person's tier that ``items`` meet with every one of them needed."""
    rules = catalog.tiers[request.tier].paths
    passed = dict(request.passed)
    return next(
        n
        for n, rule in enumerate(rules)
        if meets(items, rule, request.earned, passed)
        and len(drop_redundant(items, rule, request.earned, passed)) == len(items)
    )


def _from_column(
    person: Person,
    path: int | None,
    column: Column,
    shares: Mapping[str, Mapping[int, int]],
    found: ColumnsSolution,
    request: PlanRequest,
    catalog: Catalog,
) -> TeamSolution:
    """A person's answer made from their column as it is.

    Its items, each paid in its segment with what the funds pay for it, dated as the single
    model dates a plan (:func:`~ceplan.model.schedule.schedule`, never started before it is
    paid). ``path`` is the path it is reported under (``None``: the first it meets with every
    item needed).
    """
    items = []
    for taking in sorted(column.items, key=lambda t: t.id):
        segment = found.segments[taking.segment]
        paid_on = max(taking.item.first or request.today, segment.start)
        items.append((taking, segment, dataclasses.replace(taking.item, first=paid_on)))
    if path is None:
        path = _path_of([item for _, _, item in items], request, catalog)
    paid = [
        Paid(item, segment.period, {f: float(c) for f, c in shares.get(taking.id, {}).items()})
        for taking, segment, item in items
    ]
    mine = dated(paid, request.calendar, request.today)
    return TeamSolution(
        status="optimal",
        termination="solved",
        gap=0.0,
        stopped_in=None,
        renews={person.id: True},
        paths={person.id: path},
        taken={person.id: mine.rows},
        spent=mine.spent,
        used=mine.used,
        out_of_pocket=mine.out_of_pocket,
        priority=float(person.priority),
    )


def _renewals(
    request: TeamRequest, solutions: Mapping[str, TeamSolution], renewable: frozenset[str]
) -> tuple[int, int]:
    """Stage 4 of the team's order: the days to everyone's renewal, and the most there can be.

    Summed over the people with weekly hours who renew with a path still to meet, from today
    (as the single model counts them, :mod:`ceplan.solving.team`: someone who does not renew
    counts 0). The most is every one of them who has a plan at all (``renewable``) renewing on
    their do-by date, which no plan passes. Each person is settled alone with what the master
    gave them held, and who renews is settled before: neither need give the team its latest
    renewals (where budgets bind, another share of the money, or another of two people of the
    same priority and cost, may renew later). Only when the two sums meet is stage 4 proved.
    """
    days = most = 0
    for person, mine in sorted(request.requests.items()):
        if mine.hours_per_week is None or person not in renewable:
            continue
        solution = solutions.get(person)
        taken = () if solution is None else solution.taken.get(person, ())
        if solution is not None and solution.renews.get(person) and not taken:
            continue  # a path already met: no renewal day to count
        most += (mine.complete_by - mine.today).days
        if taken:
            days += (max(t.finish for t in taken) - mine.today).days
    return days, most


def _merged(
    roster: Roster,
    found: ColumnsSolution,
    solutions: Mapping[str, TeamSolution],
    unsettled: bool,
    renewals: tuple[int, int] = (0, 0),
) -> TeamSolution:
    """Everyone's answers as one team solution; proved only if every part was.

    ``unsettled``: someone's tie-break was left unsettled by the deadline. ``renewals``: the
    days to the renewals of stage 4 and the most there can be (:func:`_renewals`); stage 4 is
    proved when they meet, else its gap is said.
    """
    renews: dict[str, bool] = {}
    paths: dict[str, int | None] = {}
    taken: dict[str, tuple[Taken, ...]] = {}
    spent: dict[int, float] = {}
    used: dict[int, float] = {}
    out_of_pocket = priority = 0.0
    for person in roster.people:
        alone = solutions.get(person.id)
        if alone is None:
            renews[person.id], paths[person.id], taken[person.id] = False, None, ()
            continue
        renews[person.id] = alone.renews[person.id]
        paths[person.id] = alone.paths[person.id]
        taken[person.id] = alone.taken[person.id]
        for n, cents in alone.spent.items():
            spent[n] = spent.get(n, 0.0) + cents
        for n, cents in alone.used.items():
            used[n] = used.get(n, 0.0) + cents
        out_of_pocket += alone.out_of_pocket
        priority += alone.priority
    unproved = next((stage for stage in found.stages if not stage.proved), None)
    days, most = renewals
    late = days < most  # someone with weekly hours renews before their do-by date
    status: Status = "optimal" if unproved is None and not unsettled and not late else "feasible"
    gap = 0.0 if unproved is None else unproved.gap
    stopped = unproved.name if unproved is not None else None
    if stopped is None and late:
        stopped, gap = "renewal", relative_gap(-float(days), -float(most))
    if stopped is None and unsettled:
        stopped = "ids"
    termination: Termination = "time_limit" if unsettled else found.termination
    if status == "optimal":
        termination = "solved"  # every stage proved, however close the deadline came
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
        priority=priority,
    )
