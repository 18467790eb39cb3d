"""The team model (SPEC section 7): one block per person, shared budget periods and funds.

This module builds and solves the integer programme of a team's renewals;
:mod:`ceplan.team_planning` turns its answer into a :class:`~ceplan.team_results.TeamPlan`.

The model, built from the data with no I/O:

- each person's block (:func:`ceplan.formulation.add_person`, names under ``<person>__``) with a
  binary ``renew_<person>``: one path met when it is 1, nothing taken when it is 0;
- an item is paid on its start day, which the plan chooses inside the item's window. The days
  are cut into segments at the first day of each budget period, the day after each ends and the
  day after each fund expires; a segment lies in one period (or none) and wholly before or
  after each fund's expiry. A person's block takes an item *in a segment* (``<item>@<n>``,
  started on the segment's first day it can start), at most once (``<person>__once_<item>``);
  an item that can start in no budget period is left out when budgets are given;
- ``pay_<n>`` (continuous, cents): what a fund pays toward an item taken in a segment, for items
  of the kinds it ``pays_for``, started on or before it expires; at most the item's cost;
- ``period_<n>``: out-of-pocket spending started in a period is at most its amount;
  ``fund_<n>``: a fund pays at most its amount (converted with the catalogue's rates, rounded
  down to whole cents);
- a person with weekly study hours has the stretch rows of the one-person model
  (``<person>__hours_runs_<first>_<last>``), added as answers break them.

The objective (:data:`STAGES`), in order:

1. ``priority``: the largest total priority of the people who renew;
2. ``out_of_pocket``: the least out-of-pocket spend (fund money is already spent);
3. ``hours``: the fewest hours in total (counted in one step for the whole team, see
   :func:`~ceplan.units.hours_scale`);
4. ``renewal``: the latest renewals, as the sum over the people with weekly hours of the days
   from today to the day their path is met (the one-person markers of
   :meth:`~ceplan.formulation.Formulation.add_renewal`); without weekly hours a person's renewal
   is their do-by date whatever they take, as for one person;
5. ``ids``: person by person in id order: that the person renews, then the fewest items for
   them, then the smallest ids in sort order (each person's sorted list of ids compared as for
   one person). Each person's items are then fixed; last, the items start as early as they
   can (the fewest days from today, in total).

Each stage's optimum is held while the next runs. With ample budgets no person's choice
touches another's, so each stage's best total is every person's own best, and every person's
plan is their one-person plan (:data:`~ceplan.objective.ONE_PERSON` or, with weekly hours,
:data:`~ceplan.objective.ONE_PERSON_OVER_TIME`).

A time limit is for the whole solve (every stage and every call): when it runs out, the best
plan found so far is returned, ``feasible``, with the stage it stopped in. When it stops the
first stage, a plan made without the solver (:func:`first_come_plan`: each person's own plan,
highest priority first, paid while the money lasts) is used if it renews more priority.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulp

from ceplan.candidates import Candidate, reduce_dominated, usable_items
from ceplan.catalog import Catalog
from ceplan.errors import PlanInputError
from ceplan.formulation import Formulation, _name, add_person
from ceplan.limits import MAX_TEAM_VARIABLES, describe
from ceplan.planning import PlanRequest, make_request
from ceplan.roster import Roster
from ceplan.solving import HighsSolver, Solver, first_path, make_solver
from ceplan.status import Deadline, Run
from ceplan.units import hours_scale

__all__ = [
    "OutOfTime",
    "Segment",
    "TeamModel",
    "TeamSolution",
    "build_team",
    "cents_down",
    "first_come_plan",
    "solve_team",
]

STAGES = ("priority", "out_of_pocket", "hours", "renewal", "ids")
"""The team's objective, in order (see the module's docstring)."""


@dataclass(frozen=True)
class Segment:
    """Days that fall in one budget period (or none) and on one side of every fund's expiry."""

    start: dt.date
    end: dt.date
    period: int | None
    """The budget period (position in the roster) holding these days."""
    funds: tuple[int, ...]
    """The funds (positions) still valid on these days."""


@dataclass(frozen=True)
class Taken:
    """An item in a person's plan: which one, started when, paid how."""

    item: str
    start: dt.date
    cents: int
    period: int | None
    paid_by_fund: Mapping[int, float]
    """Cents paid by each fund (position), possibly in part."""


@dataclass(frozen=True)
class TeamSolution:
    """What the solver found: who renews with what, what each period and fund paid."""

    status: str
    """``"optimal"`` (every stage proved), ``"feasible"``, ``"unknown"``."""
    termination: str
    gap: float | None
    """The relative gap of the stage the search stopped in (0 when all were proved)."""
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


@dataclass
class TeamModel:
    """The built problem and the maps from the data to its variables."""

    problem: pulp.LpProblem
    blocks: dict[str, Formulation]
    origin: dict[tuple[str, str], tuple[Candidate, int]]
    """By person and virtual item id: the catalogue item and the segment."""
    segments: list[Segment]
    pay: dict[tuple[str, str, int], Any]
    """By person, virtual item id and fund: cents the fund pays."""
    requests: dict[str, PlanRequest]
    priority: Any
    out_of_pocket: Any
    hours: Any
    """Total hours in whole steps of ``1 / hours_scale`` hours, the same step for everyone."""
    hours_scale: int
    copies: dict[str, dict[str, list[str]]]
    """By person and catalogue item id: the virtual ids that stand for it (one per segment)."""
    fund_cents: list[int]
    budget_cents: list[int]
    renew: dict[str, Any] = field(default_factory=dict)
    extra: dict[int, Any] = field(default_factory=dict)
    """Cents added to each budget period (see :func:`build_team`)."""
    tags: dict[str, str] = field(default_factory=dict)
    """By person id: what the person's names in the problem start with (``p<n>``, ``n`` the
    person's place in id order). Names are made from places, never from ids, so that ids
    which differ only where a name cannot (``a-b`` and ``a_b``) never share one."""


class OutOfTime(Exception):
    """The time limit ran out while the team's model was being built."""


def segments_of(roster: Roster, first: dt.date, last: dt.date) -> list[Segment]:
    """The segments of the days ``first..last`` (see the module's docstring)."""
    stop = last + dt.timedelta(days=1)  # a planned day is never the calendar's last

    def day_after(day: dt.date) -> dt.date:  # the day after ``day``, or past the plan's days
        return day + dt.timedelta(days=1) if day < last else stop

    cuts = {first, stop}
    for budget in roster.budgets:
        cuts |= {budget.start, day_after(budget.end)}
    for fund in roster.funds:
        cuts.add(day_after(fund.expires))
    days = sorted(day for day in cuts if first <= day <= stop)
    found = []
    for start, after in zip(days, days[1:], strict=False):
        end = after - dt.timedelta(days=1)
        period = next((n for n, b in enumerate(roster.budgets) if b.holds(start)), None)
        funds = tuple(n for n, f in enumerate(roster.funds) if start <= f.expires)
        found.append(Segment(start, end, period, funds))
    return found


def build_team(
    catalog: Catalog,
    roster: Roster,
    *,
    today: dt.date,
    extra_money: bool = False,
    requests: Mapping[str, PlanRequest] | None = None,
    deadline: Deadline | None = None,
) -> TeamModel:
    """The team's integer programme (pure: no solving, no I/O).

    With ``extra_money``, each budget period gets a variable ``extra_<n>`` (cents added to its
    amount), to learn how much more money would renew someone. ``requests`` are the people's
    checked one-person requests, by id (made here when not given). A model that would need more
    than :data:`~ceplan.limits.MAX_TEAM_VARIABLES` variables is refused before any of it is
    built (:class:`~ceplan.errors.PlanInputError`); past the ``deadline``, building stops
    (:class:`OutOfTime`).
    """
    if requests is None:
        requests = {
            person.id: make_request(catalog, person.tier, today=today, **person.inputs())
            for person in roster.people
        }
    last = max(request.complete_by for request in requests.values())
    segments = segments_of(roster, today, max(last, today))
    people = sorted(roster.people, key=lambda p: p.id)
    copied = _copies(catalog, roster, people, requests, segments, deadline)
    problem = pulp.LpProblem("ceplan_team", pulp.LpMinimize)
    used: set[str] = set()
    model = TeamModel(
        problem=problem,
        blocks={},
        origin={},
        segments=segments,
        pay={},
        requests=dict(requests),
        priority=0,
        out_of_pocket=0,
        hours=0,
        hours_scale=1,
        copies={},
        fund_cents=[cents_down(catalog, fund.amount, fund.currency) for fund in roster.funds],
        budget_cents=[cents_down(catalog, budget.amount) for budget in roster.budgets],
        tags={person.id: f"p{n}" for n, person in enumerate(people)},
    )
    by_period: dict[int, list[Any]] = {n: [] for n in range(len(roster.budgets))}
    by_fund: dict[int, list[Any]] = {n: [] for n in range(len(roster.funds))}
    spend: list[Any] = []
    efforts: list[tuple[float, Any]] = []
    for person in people:
        _check_time(deadline)
        request = requests[person.id]
        tag = model.tags[person.id]
        rules = dict(enumerate(catalog.tiers[person.tier].paths))
        virtual = []
        for copy, origin in copied[person.id]:
            model.origin[person.id, copy.id] = origin
            virtual.append(copy)
        renew = problem.add_variable(f"renew_{tag}", 0, 1, cat=pulp.LpBinary)
        used.add(f"renew_{tag}")
        model.renew[person.id] = renew
        block = add_person(
            problem,
            virtual,
            rules,
            earned=request.earned,
            passed=dict(request.passed),
            calendar=request.calendar if request.timed else None,
            prefix=f"{tag}__",
            renew=renew,
            used=used,
            interchangeable=False,  # copies of one item per segment are not interchangeable
        )
        if block.weekly is not None:
            for first, last_run in block.weekly.first_stretches():
                block.add_stretch(first, last_run)
        model.blocks[person.id] = block
        copies: dict[str, list[str]] = {}
        for copy in virtual:
            copies.setdefault(model.origin[person.id, copy.id][0].id, []).append(copy.id)
        model.copies[person.id] = copies
        for item_id, ids in sorted(copies.items()):
            if len(ids) > 1:
                name = _name(f"{tag}__once", item_id, used)
                problem += pulp.lpSum(block.take[i] for i in ids) <= 1, name
        for copy in sorted(virtual, key=lambda c: c.id):
            _check_time(deadline)
            item, n = model.origin[person.id, copy.id]
            segment = segments[n]
            take = block.take[copy.id]
            spend.append(copy.cents * take)
            paid = []
            for f in _paying(copy, segment, roster):
                variable = problem.add_variable(f"pay_{len(model.pay)}", 0, None)
                model.pay[person.id, copy.id, f] = variable
                paid.append(variable)
                by_fund[f].append(variable)
            if paid:
                name = _name(f"{tag}__paid_at_most", copy.id, used)
                problem += pulp.lpSum(paid) - copy.cents * take <= 0, name
            if segment.period is not None:
                by_period[segment.period].append(copy.cents * take - pulp.lpSum(paid))
            efforts.append((copy.hours, take))
        model.priority += person.priority * renew
    for n, terms in by_period.items():
        if extra_money:
            model.extra[n] = problem.add_variable(f"extra_{n}", 0, None)
            terms = [*terms, -1 * model.extra[n]]
        problem += pulp.lpSum(terms) <= model.budget_cents[n], f"period_{n}"
    for n, terms in by_fund.items():
        problem += pulp.lpSum(terms) <= model.fund_cents[n], f"fund_{n}"
    model.out_of_pocket = pulp.lpSum(spend) - pulp.lpSum(model.pay.values())
    model.hours_scale = hours_scale(hours for hours, _ in efforts)
    model.hours = pulp.lpSum(round(h * model.hours_scale) * take for h, take in efforts)
    problem.setObjective(-model.priority)
    return model


def _check_time(deadline: Deadline | None) -> None:
    if deadline is not None and deadline.expired:
        raise OutOfTime


def _copies(
    catalog: Catalog,
    roster: Roster,
    people: Sequence[Any],
    requests: Mapping[str, PlanRequest],
    segments: Sequence[Segment],
    deadline: Deadline | None,
) -> dict[str, list[tuple[Candidate, tuple[Candidate, int]]]]:
    """Each person's items, one copy per segment it may start in, with the item and segment.

    Counted before anything is built: a team whose model would need more than
    :data:`~ceplan.limits.MAX_TEAM_VARIABLES` variables is refused here, in about the time it
    takes to count that many.
    """
    found: dict[str, list[tuple[Candidate, tuple[Candidate, int]]]] = {}
    variables = 0
    for person in people:
        _check_time(deadline)
        request = requests[person.id]
        items = usable_items(
            catalog,
            today=request.today,
            complete_by=request.complete_by,
            unavailable_ids=request.completed | request.excluded,
            allow_exams=request.allow_exams,
            calendar=request.calendar if request.timed else None,
        )
        rules = dict(enumerate(catalog.tiers[person.tier].paths))
        items = _undominated(items, rules, request, segments, roster)
        copies: list[tuple[Candidate, tuple[Candidate, int]]] = []
        variables += 1 + len(rules)
        for c in items:
            opens = c.first or request.today
            alike: set[tuple[Any, ...]] = set()
            for n in _starts_in(c, request.today, segments):
                segment = segments[n]
                if roster.budgets and segment.period is None:
                    continue  # it could be paid from no period
                if not request.timed:
                    # Without weekly hours a start day matters only for who pays: one copy per
                    # period and set of funds that may pay (one in all for a free item).
                    way = _who_may_pay(c, segment, roster)
                    if way in alike:
                        continue
                    alike.add(way)
                copy = dataclasses.replace(c, id=f"{c.id}@{n}", first=max(opens, segment.start))
                copies.append((copy, (c, n)))
                variables += 1 + len(_paying(copy, segment, roster))
            if variables > MAX_TEAM_VARIABLES:
                raise PlanInputError(
                    f"the team's model would need more than {describe(MAX_TEAM_VARIABLES)} "
                    "variables (people x items x the days that budget periods and fund expiries "
                    "cut the plan into, and a payment variable for each fund that may pay an "
                    "item): plan fewer people at once, or fewer funds and budget periods"
                )
        found[person.id] = copies
    return found


def _paying(c: Candidate, segment: Segment, roster: Roster) -> list[int]:
    """The funds (positions) that may pay toward ``c`` started in ``segment``."""
    if c.cents == 0:
        return []
    kind = "exams" if c.is_exam else "activities"
    return [f for f in segment.funds if kind in roster.funds[f].pays_for]


def _who_may_pay(c: Candidate, segment: Segment, roster: Roster) -> tuple[Any, ...]:
    """The budget period and the funds that would pay for ``c`` started in ``segment``."""
    if c.cents == 0:
        return ()
    return (segment.period, tuple(_paying(c, segment, roster)))


def _starts_in(c: Candidate, today: dt.date, segments: Sequence[Segment]) -> tuple[int, ...]:
    """The segments an item can start in (each holding some day of its window)."""
    opens, closes = c.first or today, c.finish_by
    return tuple(n for n, s in enumerate(segments) if not (s.end < opens or s.start > closes))


def _undominated(
    items: Sequence[Candidate],
    rules: Mapping[int, Any],
    request: PlanRequest,
    segments: Sequence[Segment],
    roster: Roster,
) -> list[Candidate]:
    """The items that a best team plan may need of one person's (see the rule below).

    Without weekly hours, an item's dates matter only through the segments it can start in:
    they decide the budget period that pays and the funds that may. Among items of one kind
    (activities or exams) that can start in the very same segments, an item beaten by enough
    others is never needed (:func:`~ceplan.candidates.reduce_dominated`): one of those is always
    free to take its place, in the same segment, and the plan is no worse in any stage.

    - Where no fund may pay for items of that kind, "beats" is as for one person: no fewer
      credits, and first in the order (cost, hours, id). A cheaper item then always costs
      less out of pocket, and the out-of-pocket stage comes before the hours.
    - Where a fund may pay, cheaper is not enough: when the fund pays for the dearer item, both
      cost nothing out of pocket and the hours or the ids decide. Each that beats must cost no
      more, take no more hours and have a smaller id (``strict``).

    With weekly hours, the one that beats must also hold the other's window (start day and
    all), and the strict rule holds throughout. Price ceilings are not used: a dearer item that
    a fund pays for, or one in a period with money left, may be best.
    """
    need = max(rule.credits for rule in rules.values()) - request.earned
    passed = dict(request.passed)
    kinds = {kind for rule in rules.values() for kind in rule.exams}
    exams = {
        kind: max(rule.exams.get(kind, 0) for rule in rules.values()) - passed.get(kind, 0)
        for kind in kinds
    }
    if request.timed:
        return reduce_dominated(
            items, credits_needed=need, exams_needed=exams, timed=True, starts=True, strict=True
        )
    groups: dict[tuple[tuple[int, ...], bool], list[Candidate]] = {}
    for c in items:
        where = _starts_in(c, request.today, segments)
        if roster.budgets:
            where = tuple(n for n in where if segments[n].period is not None)
        groups.setdefault((where, c.is_exam), []).append(c)
    kept: list[Candidate] = []
    for (where, is_exam), group in groups.items():
        kind = "exams" if is_exam else "activities"
        fundable = any(kind in roster.funds[f].pays_for for n in where for f in segments[n].funds)
        kept += reduce_dominated(group, credits_needed=need, exams_needed=exams, strict=fundable)
    return sorted(kept, key=lambda c: c.id)


def cents_down(catalog: Catalog, amount: float, currency: str | None = None) -> int:
    """Money to spend (a budget, a fund) in whole cents of the catalogue's currency.

    Rounded down: a plan never spends a fraction of a cent it has not got.
    """
    return math.floor(round(amount * catalog.rate(currency) * 100, 6))


def solve_team(
    model: TeamModel,
    *,
    seconds: float | None = None,
    progress: Callable[[str], None] | None = None,
    fallback: Callable[[], Sequence[tuple[str, Sequence[str]]]] | None = None,
    deadline: Deadline | None = None,
) -> TeamSolution:
    """Solve the stages in order (:data:`STAGES`), each optimum held while the next runs.

    ``seconds`` limits the whole solve (or ``deadline``, shared with other work).
    ``progress`` is called with a line of text as each stage ends (the command line shows them
    on a terminal). When the limit stops the first
    stage before the solver has any plan, ``fallback`` (if given) is asked for each person's
    own plan, in the order to try them (people, with the catalogue ids of their items):
    :func:`first_come_plan` pays for them in that order while the money lasts, and that plan is
    the answer, ``feasible``, with the gap to the solver's bound on the priority renewed. So is
    it when the limit stops the first stage with a plan that renews less priority. The gap of a
    plan stopped in the first stage is measured against the best priority the bound allows.
    """
    search = _Search(model, make_solver("highs"), deadline or Deadline(seconds))
    for number, stage in enumerate(STAGES, start=1):
        began = time.perf_counter()
        if stage == "ids":
            run = _smallest_ids(search)
        else:
            expression = _expression(model, stage)
            run = None if expression is None else search.solve(expression)
        if progress is not None:
            said = "optimal" if run is None else run.status
            progress(
                f"stage {number} of {len(STAGES)} ({stage.replace('_', ' ')}): {said} "
                f"in {time.perf_counter() - began:.1f} s"
            )
        if run is None:
            continue
        if stage == STAGES[0] and run.status != "optimal":
            if run.status == "infeasible":  # nobody renewing is always possible
                raise PlanInputError("the team model has no answer (infeasible)")
            found = float(pulp.value(model.priority) or 0) if run.status == "feasible" else None
            ceiling = None
            if fallback is not None:
                # The first-come plan, when the solver has none or a worse one.
                kept = dict(search.best)
                plans = fallback()
                # Nobody without a plan of their own can renew: a bound on the priority.
                ceiling = sum(model.priority.get(model.renew[p], 0.0) for p, _ in plans)
                if first_come_plan(model, plans):
                    priority = float(pulp.value(model.priority) or 0)
                    if found is None or priority > found + 1e-9:
                        gap = _gap(run, priority, ceiling)
                        return _solution(model, "feasible", run.termination, gap, stage)
                search.best = kept
                search.restore()
            if found is None:
                return _nothing(model, run.termination, stage)
            gap = _gap(run, found, ceiling)
            return _solution(model, "feasible", run.termination, gap, stage)
        if run.status != "optimal":
            if run.status == "infeasible":  # the held optima keep the last answer feasible
                raise PlanInputError(f"the team model lost its answer in stage {stage}")
            search.restore()
            gap = run.gap if run.status == "feasible" and stage != "ids" else None
            termination = run.termination if run.termination != "solved" else "solver_stopped"
            return _solution(model, "feasible", termination, gap, stage)
        if stage != "ids":
            value = pulp.value(expression)
            # Hold the optimum: whole numbers (hours steps, days) exactly, money and priority
            # to a tolerance.
            slack = 1e-6 if stage in ("priority", "out_of_pocket") else 0.5
            model.problem += expression <= value + slack, f"hold_{stage}"
    return _solution(model, "optimal", "solved", 0.0, None)


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


def _expression(model: TeamModel, stage: str) -> Any:
    """What ``stage`` minimises (``None``: nothing to choose in it)."""
    if stage == "priority":
        return -model.priority
    if stage == "out_of_pocket":
        return model.out_of_pocket
    if stage == "hours":
        return model.hours
    days = []
    for person, block in sorted(model.blocks.items()):
        request = model.requests[person]
        if block.weekly is None or _already_met(block):
            continue
        days.append(block.add_renewal(request.today))
    return -pulp.lpSum(days) if days else None


def _already_met(block: Formulation) -> bool:
    """Whether what the person earned and passed meets a path (nothing to renew by)."""
    return any(block.meets([], path) for path in block.paths)


class _Search:
    """The team's problem solved call after call: the deadline, the best answer so far."""

    def __init__(self, model: TeamModel, solver: Solver, deadline: Deadline) -> None:
        self.model = model
        self.solver = solver
        self.deadline = deadline
        self.best: dict[str, float] = {}

    def solve(self, expression: Any) -> Run:
        """Minimise ``expression``; remember the answer when there is one.

        With weekly hours, the rows an answer breaks are added and the problem solved again
        (each person's apart, as for one person: see :mod:`ceplan.formulation`).
        """
        problem = self.model.problem
        problem.setObjective(expression)
        while True:
            seconds = self.deadline.remaining()
            if seconds is not None and seconds <= 0:  # nothing left, not even to hand it over
                return Run("unknown", "time_limit")
            # No start from the answer in hand: given one on this model, HiGHS 1.16 has
            # returned it as "optimal" with a wrong objective (see tests/test_team_model.py).
            run = self.solver.run(problem, seconds, 0.0)
            if run.status == "infeasible" and self.best and isinstance(self.solver, HighsSolver):
                # The answer in hand keeps every row so far, so this is the solver's mistake
                # (HiGHS 1.16's presolve has made it): ask again without presolve.
                run = self.solver.run(problem, self.deadline.remaining(), 0.0, presolve=False)
            if run.status not in ("optimal", "feasible"):
                return run
            added = False
            for block in self.model.blocks.values():
                for first_run, last_run in block.broken_stretches():
                    block.add_stretch(first_run, last_run)
                    added = True
            if not added:
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


def _smallest_ids(search: _Search) -> Run | None:
    """Stage 5, person by person in id order: renews, fewest items, smallest ids; then fixed.

    Last, the items start as early as they can (the fewest days from today in total), so that
    of equally good plans the one that pays soonest is given.

    Each step asks the solver only when the answer in hand might not be the best: a person who
    renews needs no call to say so, and one item is the fewest a renewal not already met can
    take. For the ids, with ``L`` the person's ids in the answer in hand, a set of as many ids
    comes first in sort order exactly when the smallest id in one set but not both is its own.
    So one call asks for a tied plan whose first such id is as small as possible
    (:func:`_first_difference`); if there is none, ``L`` is the smallest; if there is, the ids
    up to that one are settled, the plan found is the new ``L``, and the question is asked
    again. Returns the run that failed, if one did.
    """
    model = search.model
    problem = model.problem
    last: Run | None
    for person in sorted(model.blocks):
        block = model.blocks[person]
        tag = model.tags[person]
        copies = model.copies[person]
        taken = {i: pulp.lpSum(block.take[v] for v in ids) for i, ids in copies.items()}
        renew = model.renew[person]
        if (renew.value() or 0) < 0.5:
            last = search.solve(-renew)
            if last.status != "optimal":
                return last
        problem += renew == round(renew.value() or 0), _name(f"{tag}__renew", "fixed", block.used)
        chosen = search.chosen(person)
        # Fewer items may be possible (and come first) unless one item renews what is not met.
        fewer = len(chosen) > 1 or (len(chosen) == 1 and _already_met(block))
        if not fewer:
            problem += block.count <= len(chosen), _name(f"{tag}__count", "fixed", block.used)
        settled: set[str] = set()
        while chosen:
            count = block.count if fewer else None
            found, last = _first_difference(search, person, taken, chosen, settled, count)
            if last is not None and last.status != "optimal":
                return last
            if fewer:
                fewer = False
                now = search.chosen(person)
                problem += block.count <= len(now), _name(f"{tag}__count", "fixed", block.used)
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
                    problem += taken[i] == value, _name(f"{tag}__fix", i, block.used)
            chosen = search.chosen(person)
        for i in sorted(copies):
            if i not in settled:
                value = int(i in chosen)
                problem += taken[i] == value, _name(f"{tag}__fix", i, block.used)
    # Last, with every item chosen: each started as early as it can, in total days.
    days = []
    for (person, virtual), (c, n) in sorted(model.origin.items()):
        today = model.requests[person].today
        start = max(c.first or today, model.segments[n].start)
        if start > today:
            days.append((start - today).days * model.blocks[person].take[virtual])
    if days:
        last = search.solve(pulp.lpSum(days))
        if last.status != "optimal":
            return last
    return None


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

    Binaries ``z_i`` (``i`` not in ``chosen``) mark that first difference; the answer in hand
    (no mark) is always allowed, at a cost above every mark. They live only for this call: the
    switch that allows a mark is closed afterwards (its bounds set to 0), which leaves their
    rows inert.
    """
    model = search.model
    problem = model.problem
    block = model.blocks[person]
    plan = set(chosen)
    offered = [i for i in sorted(taken) if i not in plan and i not in settled]
    if not offered and count is None:
        return None, None
    family = f"{model.tags[person]}__smaller"
    call = len(block.used)
    switch = problem.add_variable(_name(family, f"{call}_on", block.used), 1, 1)
    marks = {}
    for n, i in enumerate(offered):
        name = _name(family, f"{call}_{n}", block.used)
        marks[i] = problem.add_variable(name, 0, 1, cat=pulp.LpBinary)
        problem += marks[i] - taken[i] <= 0, f"{name}_in_plan"
        below = [taken[j] for j in chosen if j < i]
        if below:
            problem += pulp.lpSum(below) - len(below) * marks[i] >= 0, f"{name}_keeps"
    marked = pulp.lpSum(marks.values())
    problem += marked - switch <= 0, _name(family, f"{call}_one", block.used)
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
    Each item is taken in the first segment (in order of days) where the money is there: the
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


def _nothing(model: TeamModel, termination: str, stage: str) -> TeamSolution:
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
    model: TeamModel, status: str, termination: str, gap: float | None, stopped: str | None
) -> TeamSolution:
    taken: dict[str, tuple[Taken, ...]] = {}
    paying = _payers(model)
    renews, paths = {}, {}
    spent: dict[int, float] = {}
    used: dict[int, float] = {}
    for person, block in model.blocks.items():
        renews[person] = round(model.renew[person].value() or 0) == 1
        paths[person] = _path(block) if renews[person] else None
        items = []
        for virtual_id, var in sorted(block.take.items()):
            if round(var.value() or 0) != 1:
                continue
            item, n = model.origin[person, virtual_id]
            segment = model.segments[n]
            funds = {
                f: float(pay.value() or 0)
                for f, pay in paying.get((person, virtual_id), [])
                if (pay.value() or 0) > 1e-6
            }
            start = max(item.first or model.requests[person].today, segment.start)
            items.append(Taken(item.id, start, item.cents, segment.period, funds))
            for f, cents in funds.items():
                used[f] = used.get(f, 0.0) + cents
            if segment.period is not None:
                spent[segment.period] = (
                    spent.get(segment.period, 0.0) + item.cents - sum(funds.values())
                )
        taken[person] = tuple(items)
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
        out_of_pocket=float(pulp.value(model.out_of_pocket) or 0),
        priority=float(pulp.value(model.priority) or 0),
    )


def _path(block: Formulation) -> int | None:
    """The path the answer meets: the first in the tier that the items meet, each needed.

    The solver may have chosen another path that the same items meet; the tier's order decides,
    as for one person.
    """
    items = [block.candidates[i] for i, var in block.take.items() if (var.value() or 0) > 0.5]
    first = first_path(block, items)
    if first is not None:
        return first
    chosen = [p for p, var in block.choose_path.items() if (var.value() or 0) > 0.5]
    return chosen[0] if chosen else None


def renewing(solution: TeamSolution) -> Sequence[str]:
    """The people who renew, by id."""
    return sorted(person for person, yes in solution.renews.items() if yes)
