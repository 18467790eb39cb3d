"""Planning a team on a catalogue of schema 2 (SPEC 7 and 9).

The team's model (:mod:`ceplan.model.team_held`) is solved stage by stage from its arrays
(:func:`~ceplan.solving.arrays.walk_stages`): the largest total priority renewed, then the
least out-of-pocket spend (items and fees; money from funds is free), then the fewest hours.
Each person renewing is then settled alone, as the columns settle a person
(:mod:`ceplan.planning.columns`): with the money they spend in each budget period and take from
each fund held (and an even share of what each period has left, so that with ample budgets
each person gets their one-person plan), and their out-of-pocket spend and hours held, their own
tie-break: the fewest items, then the smallest ids, then each item paid as early as can be.
An item of a schema 2 plan finishes as late as its effect allows (as :func:`ceplan.optimise`
dates it), so the latest renewal (stage 4) has nothing left to choose.

A person with weekly hours (SPEC 6) is planned over time as alone: the stages are walked again
with the weekly hours rows an answer overfills until an answer keeps them all
(:func:`keeping_hours`), each item finishes in the latest stretch the plan allows, and the
schedule places the work as late as the weekly hours allow, never before the item is paid. A
dated session is done on its own days and paid on or before its first.

The plan is a :class:`~ceplan.results.team.TeamPlan` like any team's: fees are lines of each
person's plan (kind ``fee``, paid on the day due, in the budget period holding it), so they
are in the person's cost and in the period's spend; each person's tiers held say how each is
renewed (:attr:`~ceplan.results.team.PersonOutcome.held`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from ceplan.catalogue.models import Catalog, Exam
from ceplan.errors import SolverError
from ceplan.model.arrays import ArrayModel
from ceplan.model.claims import Expr
from ceplan.model.hours import planned_candidate
from ceplan.model.schedule import schedule
from ceplan.model.team_held import (
    FeeDue,
    HeldMember,
    HeldTeam,
    build_held_team,
    with_broken_hours,
)
from ceplan.objective import COUNT, IDS, OUT_OF_POCKET, PRIORITY, TEAM_HOURS, Objective, Stage
from ceplan.planning.held import _settled
from ceplan.planning.reading import broken_rules, read_answer
from ceplan.planning.reasons import Money, Shared
from ceplan.planning.teamparts import (
    NO_PLAN_IN_TIME,
    fund_cents,
    money_uses,
    why_reasons,
)
from ceplan.requests.team import TeamRequest
from ceplan.results.team import PersonOutcome, TeamItem, TeamPlan
from ceplan.roster.models import Person
from ceplan.solving.arrays import Walked, solve_once, walk_stages
from ceplan.solving.backends import Solver
from ceplan.solving.progress import Progress
from ceplan.solving.team import Taken, TeamSolution
from ceplan.status import Deadline, Run, Status, Termination
from ceplan.weeks import Calendar

if TYPE_CHECKING:
    from ceplan.results.plan import Plan

__all__ = ["keeping_hours", "own_tie_break", "plan_held_team"]

_ON = 0.5


_Found = TypeVar("_Found")


def keeping_hours(
    team: HeldTeam, solve: Callable[[ArrayModel], tuple[_Found, np.ndarray | None]]
) -> tuple[HeldTeam, _Found, np.ndarray | None]:
    """``solve`` run on the team's model until its answer keeps every weekly limit.

    For a team built without every weekly hours row (:func:`build_held_team`): the rows an
    answer overfills are added (:func:`~ceplan.model.team_held.with_broken_hours`) and it is
    solved again, as one person's plan over time is. Each row holds for every plan within the
    weekly hours, so the last answer is the first of them all. The team as last solved, what
    ``solve`` said, and the answer (``None``: none found).
    """
    while True:
        said, values = solve(team.model)
        if values is None:
            return team, said, None
        more = with_broken_hours(team, values)
        if more is None:
            return team, said, values
        team = more


def _stage(name: str, goal: str) -> Stage:
    return Stage(name, goal, rank=lambda outcome: 0)


_TEAM = Objective(
    (
        _stage(PRIORITY.name, PRIORITY.goal),
        _stage(OUT_OF_POCKET.name, OUT_OF_POCKET.goal),
        _stage(TEAM_HOURS.name, TEAM_HOURS.goal),
        _stage("early", "items paid as early as can be"),
    )
)
"""Stages 1 to 3 of the team's order, as sums over the team's model; then items paid as early
as those allow (the sum of the segments they are paid in), which each person's tie-break then
refines within the money it holds."""

_TIE = Objective((COUNT, IDS))
"""Each person's own tie-break (stage 5)."""


@dataclass(frozen=True)
class _Answer:
    """One person's answer: their part of a model and its columns' values."""

    member: HeldMember
    values: np.ndarray


def plan_held_team(
    request: TeamRequest,
    solver: Solver,
    deadline: Deadline,
    finish: Deadline,
    alone: Callable[[Person], Plan],
    told: Progress,
) -> TeamPlan:
    """The team's plan (see the module); ``finish`` bounds the reasons' work."""
    catalog, roster, today = request.catalog, request.roster, request.today
    building = told.part("the team's model (schema 2)")
    team = build_held_team(catalog, roster, request.held, today, every_hours_row=False)
    building(f"{team.model.columns:,} columns, {team.model.rows:,} rows")
    take = {f"{p}/{c}": column for p, m in team.members.items() for c, column in m.take.items()}
    first, second, third, fourth = _TEAM.stages
    early = (
        {c: float(m.origin[i][1]) for m in team.members.values() for i, c in m.take.items()},
        0.0,
    )
    sums = {first: team.priority, second: team.out_of_pocket, third: team.hours, fourth: early}

    def walk(model: ArrayModel) -> tuple[Walked, np.ndarray | None]:
        found = walk_stages(model, _TEAM, sums, take, solver, deadline)
        return found, found.values

    team, walked, _ = keeping_hours(team, walk)
    if walked.values is None:
        verdict = _status("unknown", walked.termination, None, _TEAM.stages[0].name)
        return _plan(request, team, {}, verdict, solver, None)
    values = walked.values
    shares = _shares(team, values)
    answers: dict[str, _Answer] = {}
    unsettled = False
    settling = told.part("each person's tie-break")
    for person, member in sorted(team.members.items()):
        if values[member.renew] <= _ON:
            continue
        settled = _tie_break(request, team, person, values, shares, solver, deadline)
        if settled is None:
            unsettled = True
            settled = _Answer(member, values)
        answers[person] = settled
    settling("done")
    unproved = next((s.name for s in _TEAM.stages[:3] if s.name not in walked.proven), None)
    unsettled = unsettled or fourth.name not in walked.proven
    status: Status = "optimal" if walked.status == "optimal" and not unsettled else "feasible"
    stopped = unproved or ("ids" if unsettled else None)
    verdict = _status(
        status, walked.termination if status != "optimal" else "solved", walked.gap, stopped
    )
    reads, solution = _solution(request, team, answers, verdict, solver, deadline)

    def needed(person: Person) -> Money | None:
        return _least_money(request, solution, [person.id], solver, finish, person.id)

    def together(people: Sequence[str]) -> int | None:
        found = _least_money(request, solution, people, solver, finish, None)
        return None if found is None else sum(found.added.values())

    def fits(person: Person, budget: list[int], funds: list[int]) -> bool:
        return _fits(request, person, (budget, funds), solver, finish)

    shared = Shared(
        catalog,
        roster,
        solution,
        team.budget_cents,
        team.fund_cents,
        request.held,
        alone,
        PRIORITY.name in walked.proven,
        finish,
        solver,
        fits=fits,
    )
    why = why_reasons(shared, needed, together, told)
    return _plan(request, team, reads, verdict, solver, why)


@dataclass(frozen=True)
class _Verdict:
    status: Status
    termination: Termination
    gap: float | None
    stopped_in: str | None


def _status(
    status: Status, termination: Termination, gap: float | None, stopped: str | None
) -> _Verdict:
    return _Verdict(status, termination, gap, stopped)


def _shares(team: HeldTeam, values: np.ndarray) -> list[int]:
    """An even share (whole cents, rounded down) of what each budget period has left."""
    renewing = sum(1 for m in team.members.values() if values[m.renew] > _ON) or 1
    shares = []
    for n, amount in enumerate(team.budget_cents):
        spent = sum(_value(m.spend[n], values) for m in team.members.values() if n in m.spend)
        shares.append(max(0, math.floor(amount - spent + 1e-6)) // renewing)
    return shares


def _value(expression: Expr, values: np.ndarray) -> float:
    return ArrayModel.value_of(expression, values)


def _with_rows(
    model: ArrayModel, rows: Sequence[tuple[Mapping[int, float], float, float, str]]
) -> ArrayModel:
    """``model`` with ``rows`` added."""
    old = [
        (
            dict(
                zip(
                    model.index[model.starts[r] : model.starts[r + 1]].tolist(),
                    model.value[model.starts[r] : model.starts[r + 1]].tolist(),
                    strict=True,
                )
            ),
            float(model.row_lower[r]),
            float(model.row_upper[r]),
            model.row_names[r],
        )
        for r in range(model.rows)
    ]
    return ArrayModel.of(
        model.names,
        model.lower.tolist(),
        model.upper.tolist(),
        model.integer.tolist(),
        [*old, *rows],
        model.impossible,
    )


def _held_row(
    expression: Expr, most: float, name: str
) -> tuple[dict[int, float], float, float, str]:
    terms, constant = expression
    return dict(terms), -math.inf, most - constant, name


def _one(
    request: TeamRequest,
    person: str,
    cents: tuple[Sequence[int], Sequence[int]] | None,
    extra: bool = False,
) -> HeldTeam:
    roster = request.roster.model_copy(update={"people": (request.roster.person(person),)})
    return build_held_team(
        request.catalog,
        roster,
        {person: request.held[person]},
        request.today,
        cents=cents,
        extra_money=extra,
    )


def _tie_break(
    request: TeamRequest,
    team: HeldTeam,
    person: str,
    values: np.ndarray,
    shares: Sequence[int],
    solver: Solver,
    deadline: Deadline,
) -> _Answer | None:
    """``person`` alone with what the team's plan gives them held: their own tie-break.

    ``None`` when it was not settled (no answer in time).
    """
    member = team.members[person]
    budget = [
        max(0, round(_value(member.spend[n], values))) + shares[n]
        if n in member.spend
        else shares[n]
        for n in range(len(team.budget_cents))
    ]
    funds = [
        max(0, round(_value(member.funds[f], values))) if f in member.funds else 0
        for f in range(len(team.fund_cents))
    ]
    one = _one(request, person, (budget, funds))
    mine = one.members[person]
    spent = (_value(member.out_of_pocket, values), _value(member.hours, values))
    settled = own_tie_break(one.model, mine, spent, solver, deadline)
    return None if settled is None else _Answer(mine, settled)


def own_tie_break(
    model: ArrayModel,
    mine: HeldMember,
    spent: tuple[float, float],
    solver: Solver,
    deadline: Deadline,
) -> np.ndarray | None:
    """``mine``'s own tie-break over ``model`` (stage 5), what they ``spent`` held.

    ``spent`` is their out-of-pocket cents and hours; the tie-break is the fewest items, the
    smallest ids, then the fewest copies of them. ``None`` when it was not settled (no answer
    in time).
    """
    out_of_pocket, hours = spent
    rows = [
        _held_row(mine.out_of_pocket, round(out_of_pocket) + 0.5, "held_out_of_pocket"),
        _held_row(mine.hours, round(hours) + 0.5, "held_hours"),
    ]
    model = _with_rows(model, rows).fixed({mine.renew: 1.0})
    walked = walk_stages(model, _TIE, {COUNT: mine.count}, mine.items, solver, deadline)
    if walked.status != "optimal" or walked.values is None:
        return None
    model = model.fixed({c: float(round(walked.values[c])) for c in mine.items.values()})
    copies = ({c: 1.0 for c in mine.take.values()}, 0.0)
    walked = walk_stages(model, _TIE, {COUNT: copies}, mine.take, solver, deadline)
    if walked.status != "optimal" or walked.values is None:
        return None
    return walked.values


@dataclass(frozen=True)
class _Read:
    """A person's answer read: the taken rows, each tier's words, the first root's path."""

    taken: tuple[Taken, ...]
    held: tuple[tuple[str, str], ...]
    path: object


def _read(
    request: TeamRequest,
    answer: _Answer,
    segments: Sequence[object],
    solver: Solver,
    deadline: Deadline,
) -> _Read:
    today = request.today
    m = answer.member
    local = answer.values[m.offset : m.offset + m.claims.model.columns]
    calendar = m.world.calendar
    settled = _settled(m.claims, local, solver, deadline, late=calendar is not None)
    reading = read_answer(m.world, m.claims, settled)
    broken = broken_rules(m.world, reading)
    if broken:
        raise SolverError(
            f"the solver returned a plan that breaks the planning rules ({broken[0]})"
        )
    way = m.claims.ways.index(reading.way)
    candidates = []
    for copy in reading.ids:
        candidate = planned_candidate(m.world.items[copy], reading.uses[copy].finish, calendar)
        if candidate is None:  # the model's no_study_day rows rule it out
            raise SolverError(f"the solver planned {copy} with no day to prepare for it")
        candidates.append(dataclasses.replace(candidate, id=copy))
    if calendar is None:
        end = max((c.do_by for c in candidates), default=today)
        calendar = Calendar(today, max(end, today))
    dates = schedule(candidates, calendar)
    rows: list[Taken] = []
    for copy in reading.ids:
        _, n = m.origin[copy]
        item = m.world.items[copy]
        paid = {
            f: float(answer.values[column])
            for (c, f), column in sorted(m.fund_pay.items())
            if c == copy and answer.values[column] > 1e-6
        }
        rows.append(
            Taken(
                item=item.source,
                paid_on=m.paid_on[copy],
                cents=item.cents,
                period=segments[n].period,  # type: ignore[attr-defined]
                paid_by_fund=paid,
                start=dates[copy].start,
                finish=dates[copy].finish,
                complete_by=reading.uses[copy].finish,
                hours=item.hours,
            )
        )
    for fee in m.fees[way]:
        rows.append(_fee_row(request, fee))
    held = []
    path = None
    for tier in m.world.rules:
        via = reading.way.via[tier]
        if via is None:
            rule = m.world.rules[tier].paths[reading.paths[tier]]
            path = rule if path is None else path
            held.append((tier, rule.describe()))
        else:
            held.append((tier, f"renewed through {via}"))
    return _Read(tuple(rows), tuple(held), path)


def _fee_row(request: TeamRequest, fee: FeeDue) -> Taken:
    period = next((n for n, b in enumerate(request.roster.budgets) if b.holds(fee.due)), None)
    return Taken(
        item=fee.id,
        paid_on=fee.due,
        cents=fee.cents,
        period=period,
        paid_by_fund={},
        start=fee.due,
        finish=fee.due,
        complete_by=fee.due,
        hours=0.0,
    )


def _solution(
    request: TeamRequest,
    team: HeldTeam,
    answers: Mapping[str, _Answer],
    verdict: _Verdict,
    solver: Solver,
    deadline: Deadline,
) -> tuple[dict[str, _Read], TeamSolution]:
    """The answers read, and as a :class:`~ceplan.solving.team.TeamSolution`.

    The solution is what the reasons read.
    """
    reads = {
        person.id: _read(request, answer, team.segments, solver, deadline)
        for person in request.roster.people
        if (answer := answers.get(person.id)) is not None
    }
    return reads, _team_solution(request, reads, verdict)


def _team_solution(
    request: TeamRequest, reads: Mapping[str, _Read], verdict: _Verdict
) -> TeamSolution:
    """The people's plans read (``reads``: those who renew) as the team's solution."""
    renews: dict[str, bool] = {}
    paths: dict[str, int | None] = {}
    taken: dict[str, tuple[Taken, ...]] = {}
    spent: dict[int, float] = {}
    used: dict[int, float] = {}
    out = priority = 0.0
    for person in request.roster.people:
        read = reads.get(person.id)
        renews[person.id] = read is not None
        paths[person.id] = None
        taken[person.id] = () if read is None else read.taken
        if read is None:
            continue
        priority += person.priority
        for row in read.taken:
            funds = sum(row.paid_by_fund.values())
            out += row.cents - funds
            if row.period is not None:
                spent[row.period] = spent.get(row.period, 0.0) + row.cents - funds
            for f, cents in row.paid_by_fund.items():
                used[f] = used.get(f, 0.0) + cents
    return TeamSolution(
        status=verdict.status,
        termination=verdict.termination,
        gap=verdict.gap,
        stopped_in=verdict.stopped_in,
        renews=renews,
        paths=paths,
        taken=taken,
        spent=spent,
        used=used,
        out_of_pocket=out,
        priority=priority,
    )


def _least_money(
    request: TeamRequest,
    solution: TeamSolution,
    people: Sequence[str],
    solver: Solver,
    finish: Deadline,
    person: str | None,
) -> Money | None:
    """The least whole cents added to the budget periods that renews ``people``.

    Everyone renewing still renews; with ``person``, what their plan then spends in each
    period is said too.
    """
    if not request.roster.budgets:
        return None
    team = build_held_team(
        request.catalog,
        request.roster,
        request.held,
        request.today,
        extra_money=True,
        every_hours_row=False,
    )
    keep = {p for p, renews in solution.renews.items() if renews} | set(people)
    renewing = {team.members[p].renew: 1.0 for p in keep}
    least = ({column: 1.0 for column in team.extra.values()}, 0.0)

    def solve(model: ArrayModel) -> tuple[Run, np.ndarray | None]:
        return solve_once(model.fixed(renewing), least, solver, finish)

    team, run, values = keeping_hours(team, solve)
    if run.status not in ("optimal", "feasible") or values is None:
        return None
    if person is None and run.status != "optimal":
        return None
    added = {n: round(values[c]) for n, c in team.extra.items() if round(values[c]) > 0}
    spends: dict[int, float] = {}
    if person is not None:
        member = team.members[person]
        spends = {n: _value(e, values) for n, e in member.spend.items()}
    return Money(added, spends)


def _fits(
    request: TeamRequest,
    person: Person,
    money: tuple[Sequence[int], Sequence[int]],
    solver: Solver,
    finish: Deadline,
) -> bool:
    """Whether some plan of ``person``'s fits ``money`` (each period's and fund's cents)."""
    one = _one(request, person.id, money)
    model = one.model.fixed({one.members[person.id].renew: 1.0})
    run, _ = solve_once(model, ({}, 0.0), solver, finish)
    return run.status in ("optimal", "feasible")


def _plan(
    request: TeamRequest,
    team: HeldTeam,
    reads: Mapping[str, _Read],
    verdict: _Verdict,
    solver: Solver,
    why: Callable[[Person], tuple[str, ...]] | None,
) -> TeamPlan:
    """The plan as a manager reads it."""
    catalog, roster = request.catalog, request.roster
    names = {n: fund.name for n, fund in enumerate(roster.funds)}
    periods = {n: budget.name for n, budget in enumerate(roster.budgets)}
    spent = dict.fromkeys(periods, 0)
    used = dict.fromkeys(names, 0)
    outcomes = []
    for person in roster.people:
        read = reads.get(person.id)
        items = []
        for taken in read.taken if read is not None else ():
            paid = fund_cents(taken)
            for f, cents in paid:
                used[f] += cents
            if taken.period is not None:
                spent[taken.period] += taken.cents - sum(cents for _, cents in paid)
            items.append(_team_item(catalog, person.id, taken, periods, names, paid))
        if read is not None:
            reasons: tuple[str, ...] = ()
        elif verdict.status == "unknown" or why is None:
            reasons = (NO_PLAN_IN_TIME,)
        else:
            reasons = why(person)
        outcomes.append(
            PersonOutcome(
                id=person.id,
                name=person.name,
                tier=person.tier,
                renews=read is not None,
                path=read.path if read is not None else None,  # type: ignore[arg-type]
                items=tuple(items),
                reasons=reasons,
                priority=person.priority,
                expires=person.expires,
                extra=tuple(person.extra.items()),
                held=(
                    read.held
                    if read is not None
                    else tuple((entry.tier, "at risk") for entry in person.held)
                )
                if len(person.held) > 1 or catalog.schema_version != 1
                else (),
            )
        )
    amounts = (team.budget_cents, team.fund_cents)
    budget_uses, fund_uses = money_uses(catalog, roster, amounts, spent, used)
    return TeamPlan(
        team=roster.team,
        currency=catalog.currency,
        today=request.today,
        status=verdict.status,
        termination=verdict.termination,
        gap=verdict.gap,
        stopped_in=verdict.stopped_in,
        solver=solver.name,
        outcomes=tuple(outcomes),
        budget_uses=budget_uses,
        fund_uses=fund_uses,
    )


def _team_item(
    catalog: Catalog,
    person: str,
    taken: Taken,
    periods: Mapping[int, str],
    names: Mapping[int, str],
    paid: Sequence[tuple[int, int]],
) -> TeamItem:
    period = periods.get(taken.period) if taken.period is not None else None
    if taken.item.startswith("fee:"):
        _, tier, per, number = taken.item.split(":")
        return TeamItem(
            person=person,
            id=taken.item,
            title=f"{catalog.tiers[tier].label} {per} fee ({number})",
            kind="fee",
            hours=0.0,
            cents=taken.cents,
            paid_on=taken.paid_on,
            period=period,
            fund_cents=(),
            start=taken.start,
            finish=taken.finish,
            complete_by=taken.complete_by,
            hours_given=False,
        )
    item = catalog.item(taken.item)
    return TeamItem(
        person=person,
        id=taken.item,
        title=item.title,
        kind="exam" if isinstance(item, Exam) else "activity",
        hours=taken.hours,
        cents=taken.cents,
        paid_on=taken.paid_on,
        period=period,
        fund_cents=tuple((names[f], cents) for f, cents in paid),
        start=taken.start,
        finish=taken.finish,
        complete_by=taken.complete_by,
        hours_given=item.hours is not None,
    )
